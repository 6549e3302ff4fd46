/// Stand-ins, installed once a runtime is confined, for the procedures that
/// only the build-side runner has (`system*`, `mkdir` …): channel code that
/// calls one host-side learns it is confined, not that the name is unbound.
extension Libraries {
    /// Guile's names for running programs and forking.
    static let programRunners = [
        "system*", "system", "open-pipe*", "open-pipe", "open-input-pipe", "open-output-pipe",
        "primitive-fork", "execl", "execlp", "execle", "spawn",
    ]

    /// Guile's file-changing procedures that the host side lacks, with the
    /// position of the path they write: the new name for the two-name ones.
    static let fileWriters: [(name: String, pathPosition: Int)] = [
        ("mkdir", 0), ("rmdir", 0), ("chmod", 0), ("chown", 0), ("utime", 0), ("truncate-file", 0),
        ("rename-file", 1), ("copy-file", 1), ("link", 1), ("symlink", 1),
    ]

    static func installConfinementStubs(_ runtime: Runtime) {
        unowned(unsafe) let runtime = runtime
        let root = runtime.modules.root
        func install(_ name: String, _ body: @escaping ([Value]) throws -> Value) {
            let symbol = Symbol.intern(name)
            // A host that defined the real procedure (none does today) keeps it.
            if let cell = root.lookup(symbol), cell.isBound { return }
            root.define(symbol, .procedure(Primitive(name, arity: 0, nil, body)))
            root.export(symbol)
        }
        for name in programRunners {
            install(name) { arguments in
                try runtime.ensureUnconfined(.runProgram(call: ConfinementViolation.call(name, arguments)))
                throw SchemeError.unbound(name)
            }
        }
        for (name, position) in fileWriters {
            install(name) { arguments in
                let target = arguments.indices.contains(position) ? arguments[position] : (arguments.first ?? .unspecified)
                if case .string(let path) = target { try runtime.ensureWritable(path.string) }
                try runtime.ensureWritable(target.written(limit: 60))
                // Confinement was lifted: the host side still has no such procedure.
                throw SchemeError.unbound(name)
            }
        }
    }
}
