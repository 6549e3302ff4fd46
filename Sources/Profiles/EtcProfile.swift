import Basics

/// The `etc/profile` of a profile: `export` lines for the search paths whose
/// files exist in it, naming the profile through `$CAIRN_PROFILE` when set
/// (as Guix's use `$GUIX_PROFILE`), its store item otherwise.
package enum EtcProfile {
    package static func script(profile: String, storePath: String, searchPaths: [String]) -> String {
        var text = """
            # Source this file to set the search paths of this profile in a POSIX shell.
            # Set CAIRN_PROFILE to the name you use for the profile first, so that the
            # variables follow its generations rather than this store item:
            #
            #   CAIRN_PROFILE="$HOME/.cairn-profile"; . "$CAIRN_PROFILE/etc/profile"

            """
        let root = "${CAIRN_PROFILE:-\(storePath)}"
        for line in searchPaths {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 4 else { continue }
            let (variable, separator, type, pattern) = (fields[0], fields[1], fields[2], fields[3])
            let found = values(in: profile, files: Array(fields.dropFirst(4)), type: type, pattern: pattern)
            guard !found.isEmpty, Self.isShellName(variable) else { continue }
            let prefixed = found.map { root + "/" + $0 }
            if separator.isEmpty {
                text += "export \(variable)=\"\(prefixed[0])\"\n"
            } else {
                text += "export \(variable)=\"\(prefixed.joined(separator: separator))${\(variable):+\(separator)}$\(variable)\"\n"
            }
        }
        return text
    }

    /// The files of a search path present in `profile`, relative to it.
    package static func values(in profile: String, files: [String], type: String, pattern: String) -> [String] {
        var result: [String] = []
        for file in files where !file.isEmpty {
            let path = profile + "/" + file
            guard FileSystem.exists(path) else { continue }
            if pattern.isEmpty {
                let isDirectory = FileSystem.isDirectory(path)
                if (type == "directory") == isDirectory { result.append(file) }
                continue
            }
            guard let regex = try? Regex(pattern) else { continue }
            result += matches(under: path, relative: file, regex: regex, wantDirectories: type == "directory")
        }
        return result
    }

    private static func matches(under path: String, relative: String, regex: Regex<AnyRegexOutput>, wantDirectories: Bool) -> [String] {
        var found: [String] = []
        guard let names = try? FileSystem.entryNames(ofDirectory: path) else { return [] }
        for name in names.sorted() {
            let full = path + "/" + name, inside = relative + "/" + name
            let isDirectory = FileSystem.isDirectory(full)
            if isDirectory == wantDirectories, name.contains(regex) { found.append(inside) }
            if isDirectory { found += matches(under: full, relative: inside, regex: regex, wantDirectories: wantDirectories) }
        }
        return found
    }

    static func isShellName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
