/// The environment `cairn shell` runs its command in: the caller's (or,
/// with `--pure`, only the variables a session needs, and those `-E`
/// preserves), with the profile's search paths in front, as `guix shell`.
package enum ShellEnvironment {
    /// What `--pure` keeps, as Guix's %precious-variables.
    package static let precious: Set<String> = ["HOME", "USER", "LOGNAME", "DISPLAY", "XAUTHORITY", "TERM", "TZ", "PAGER"]

    package static func make(
        base: [String: String], profile: String, searchPaths: [ProfileManifest.SearchPath],
        pure: Bool, preserve: [Regex<AnyRegexOutput>]
    ) -> [String: String] {
        var environment = base
        if pure {
            environment = base.filter { name, _ in
                precious.contains(name) || preserve.contains { name.contains($0) }
            }
        }
        for spec in searchPaths {
            let values = EtcProfile.values(in: profile, files: spec.files, type: spec.fileType, pattern: spec.pattern ?? "")
                .map { profile + "/" + $0 }
            guard !values.isEmpty else { continue }
            guard let separator = spec.separator else {
                environment[spec.variable] = values[0]
                continue
            }
            let joined = values.joined(separator: separator)
            if let current = environment[spec.variable], !current.isEmpty {
                environment[spec.variable] = joined + separator + current
            } else {
                environment[spec.variable] = joined
            }
        }
        environment["CAIRN_ENVIRONMENT"] = profile
        return environment
    }
}
