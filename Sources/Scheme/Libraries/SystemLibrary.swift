#if canImport(Glibc)
import Glibc
#endif

/// Environment variables, clocks and process identity, with Guile's names.
extension Libraries {
    /// Guile counts internal time in nanoseconds.
    private static let internalUnitsPerSecond = 1_000_000_000

    /// The monotonic time when the libraries were first installed: Guile's
    /// `get-internal-real-time` counts from the start of the process.
    private static let startTime = monotonicNanoseconds(CLOCK_MONOTONIC)

    package static func installSystem(into library: inout LibraryBuilder) {
        _ = startTime
        let runtime = library.runtime
        library.define("getenv") { name in
            let key = try environmentName(name, "getenv")
            guard let value = getenv(key) else { return .false }
            return .string(String(cString: value))
        }
        library.define("setenv") { name, value in
            // Cairn's environment reaches the programs it runs (`cairn shell`
            // starts the user's shell with it), so confined code must not
            // set, say, LD_PRELOAD.
            try runtime.ensureUnconfined(.changeEnvironment(call: ConfinementViolation.call("setenv", [name, value])))
            let key = try environmentName(name, "setenv")
            if value.isFalse {
                unsetenv(key)
                return .unspecified
            }
            let text = try value.expectString("setenv", 2).string
            guard !text.utf8.contains(0), setenv(key, text, 1) == 0 else {
                throw SystemErrors.error("setenv", code: errno == 0 ? EINVAL : errno, detail: name.written())
            }
            return .unspecified
        }
        library.define("unsetenv") { name in
            try runtime.ensureUnconfined(.changeEnvironment(call: ConfinementViolation.call("unsetenv", [name])))
            unsetenv(try environmentName(name, "unsetenv"))
            return .unspecified
        }
        library.define("environ", arity: 0, 1) { args in
            if let replacement = args.first {
                try runtime.ensureUnconfined(.changeEnvironment(call: ConfinementViolation.call("environ", args)))
                // (environ list) replaces the whole environment with "NAME=value" strings.
                var pairs: [(String, String)] = []
                for entry in try replacement.expectList("environ", 1) {
                    let text = try entry.expectString("environ", 1).string
                    guard let equals = text.firstIndex(of: "="), equals != text.startIndex, !text.utf8.contains(0) else {
                        throw SchemeError.wrongType(procedure: "environ", position: 1, expected: "NAME=value string", got: entry)
                    }
                    pairs.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
                }
                // Unset one by one rather than clearenv(), which leaves `environ` NULL.
                for entry in environmentEntries() {
                    if let equals = entry.firstIndex(of: "=") { unsetenv(String(entry[..<equals])) }
                }
                for (key, value) in pairs { setenv(key, value, 1) }
                return .unspecified
            }
            return .list(environmentEntries().map { .string($0) })
        }
        library.define("current-time") {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return .fixnum(Int(now.tv_sec))
        }
        library.define("gettimeofday") {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return .cons(.fixnum(Int(now.tv_sec)), .fixnum(Int(now.tv_nsec) / 1000))
        }
        library.define("internal-time-units-per-second", .fixnum(internalUnitsPerSecond))
        library.define("get-internal-real-time") {
            .fixnum(max(0, monotonicNanoseconds(CLOCK_MONOTONIC) &- startTime))
        }
        library.define("get-internal-run-time") { .fixnum(monotonicNanoseconds(CLOCK_PROCESS_CPUTIME_ID)) }
        library.define("getpid") { .fixnum(Int(getpid())) }
        library.define("getcwd") {
            guard let path = getcwd(nil, 0) else { throw SystemErrors.error("getcwd", code: errno) }
            defer { free(path) }
            return .string(String(cString: path))
        }
    }

    private static func environmentName(_ value: Value, _ who: String) throws -> String {
        let name = try value.expectString(who, 1).string
        // An empty name, "=" or NUL cannot name a variable; libc would fail or misparse.
        guard !name.isEmpty, !name.contains("="), !name.utf8.contains(0) else {
            throw SchemeError.wrongType(procedure: who, position: 1, expected: "environment variable name", got: value)
        }
        return name
    }

    private static func environmentEntries() -> [String] {
        var entries: [String] = []
        // `environ` is NULL after clearenv() even though Swift imports it as non-optional.
        guard var cursor = unsafeBitCast(environ, to: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?.self) else {
            return entries
        }
        while let entry = cursor.pointee {
            entries.append(String(cString: entry))
            cursor += 1
        }
        return entries
    }

    private static func monotonicNanoseconds(_ clock: clockid_t) -> Int {
        var now = timespec()
        clock_gettime(clock, &now)
        let (seconds, overflow) = Int(now.tv_sec).multipliedReportingOverflow(by: internalUnitsPerSecond)
        return overflow ? Int.max : seconds &+ Int(now.tv_nsec)
    }
}
