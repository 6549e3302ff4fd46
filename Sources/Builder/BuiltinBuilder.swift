import Basics
import StoreFormats

/// Code of Cairn's own that realises derivations whose builder is
/// `builtin:NAME` (ARCHITECTURE.md §4). A builtin's behaviour is versioned by
/// its name: a change in what it produces needs a new name, since existing
/// derivations (and their output paths) name the old one.
///
/// Builtins run in the `cairn` process, on the build's thread, not in the
/// sandbox: they are trusted code, and fixed-output ones (fetchurl) have
/// their result checked against the declared hash anyway. They write each
/// output at the host path given in the context; the builder then
/// canonicalises, checks and registers it like any other build's output.
package protocol BuiltinBuilder: Sendable {
    /// What follows `builtin:` in the derivation's builder.
    var name: String { get }
    func build(_ context: BuiltinContext) throws
}

/// What a builtin gets to work with.
package struct BuiltinContext: Sendable {
    package var derivation: Derivation
    /// The `.drv` store path, to name it in messages.
    package var derivationPath: String
    /// Output name -> where on the host to create it (absent beforehand).
    package var outputs: [String: String]
    /// The environment a sandboxed builder would get (derivation env included).
    package var environment: [String: String]
    /// A fresh, empty directory for temporary files.
    package var buildDirectory: String
    /// Appends a line to the build log (and the live status line).
    package var log: @Sendable (String) -> Void

    package init(derivation: Derivation, derivationPath: String, outputs: [String: String],
                 environment: [String: String], buildDirectory: String, log: @escaping @Sendable (String) -> Void) {
        self.derivation = derivation
        self.derivationPath = derivationPath
        self.outputs = outputs
        self.environment = environment
        self.buildDirectory = buildDirectory
        self.log = log
    }
}

/// The builtins this `cairn` has, by name. The command assembles the
/// registry (`builtin:fetchurl` is `FetchURLBuiltin`); tests register their own.
package struct BuiltinRegistry: Sendable {
    private var builders: [String: any BuiltinBuilder] = [:]

    package init(_ builders: [any BuiltinBuilder] = []) {
        for builder in builders { register(builder) }
    }

    package mutating func register(_ builder: any BuiltinBuilder) {
        builders[builder.name] = builder
    }

    package var names: [String] { builders.keys.sorted() }

    package func builder(named name: String) -> (any BuiltinBuilder)? {
        builders[name]
    }

    /// `NAME` when `builder` is `builtin:NAME`.
    package static func builtinName(of builder: String) -> String? {
        builder.hasPrefix("builtin:") ? String(builder.dropFirst("builtin:".count)) : nil
    }
}
