#if canImport(Glibc)
import Glibc
#endif

/// Every module of one runtime, and how to find the file of one not yet loaded.
package final class ModuleRegistry {
    /// `(guile)`: every primitive and core form. Every module imports it.
    package let root: Module
    /// `(guile-user)`: where scripts, `-c` expressions and the REPL start.
    package let user: Module
    private var modules: [String: Module] = [:]
    /// Directories searched for `a/b/c.scm` when `(a b c)` is first used.
    package var loadPath: [String] = []
    /// Modules whose files are being loaded, outermost first, to report cycles.
    private var loading: [[Symbol]] = []
    /// Reads a module file into forms. The host may replace it with a cached
    /// reader (parsed forms keyed by content hash); the default reads the file.
    package var readSource: (String) throws -> SourceForms = { SourceForms(try ModuleRegistry.readFile($0)) }
    /// Modules made by Swift code the first time they are imported (records,
    /// gexps, a host's store bindings), by key; one module may have several names.
    private var nativeModules: [String: NativeModule] = [:]

    private final class NativeModule {
        let names: [[Symbol]]
        let build: (Module) -> Void
        init(names: [[Symbol]], build: @escaping (Module) -> Void) {
            self.names = names
            self.build = build
        }
    }
    unowned let runtime: Runtime

    /// Module names that name parts of Guile's standard library. Cairn's root
    /// module provides all of them, so importing one imports the root's bindings.
    static let libraryAliases: Set<String> = [
        "guile", "srfi srfi-1", "srfi srfi-2", "srfi srfi-6", "srfi srfi-8", "srfi srfi-9", "srfi srfi-9 gnu", "srfi srfi-11",
        "srfi srfi-13", "srfi srfi-14", "srfi srfi-16", "srfi srfi-17", "srfi srfi-23", "srfi srfi-26", "srfi srfi-28",
        "srfi srfi-34", "srfi srfi-35", "srfi srfi-39", "srfi srfi-43", "srfi srfi-45", "srfi srfi-60", "srfi srfi-69",
        "srfi srfi-71", "srfi srfi-111", "ice-9 match", "ice-9 format", "ice-9 regex", "ice-9 rdelim", "ice-9 receive",
        "ice-9 optargs", "ice-9 pretty-print", "ice-9 vlist", "ice-9 hash-table", "ice-9 control", "ice-9 exceptions",
        "ice-9 string-fun", "ice-9 textual-ports", "ice-9 binary-ports", "ice-9 ftw", "ice-9 q", "ice-9 curried-definitions",
        "rnrs bytevectors", "rnrs io ports", "rnrs base", "rnrs lists", "rnrs hashtables", "rnrs records syntactic",
        "scheme base", "scheme char", "scheme cxr", "scheme write", "scheme read", "scheme case-lambda", "scheme lazy",
        "scheme inexact", "scheme complex", "scheme process-context", "scheme time", "scheme file", "scheme eval",
        "system base compile",
    ]

    init(runtime: Runtime) {
        self.runtime = runtime
        root = Module(name: [Symbol.intern("guile")])
        user = Module(name: [Symbol.intern("guile-user")])
        user.imports = [Interface(module: root)]
        modules["guile"] = root
        modules["guile-user"] = user
    }

    /// Breaks the cycles between the runtime and its modules (see `Module.clear`).
    func tearDown() {
        for module in modules.values { module.clear() }
        modules.removeAll()
        root.clear()
        user.clear()
    }

    static func key(_ name: [Symbol]) -> String { name.map(\.name).joined(separator: " ") }

    package func existing(_ name: [Symbol]) -> Module? {
        let key = ModuleRegistry.key(name)
        if let module = modules[key] { return module }
        if ModuleRegistry.libraryAliases.contains(key) { return root }
        if let native = nativeModules[key] { return instantiate(native) }
        return nil
    }

    /// Registers a module that `build` fills the first time one of `names`
    /// (such as `["cairn", "core", "gexp"]`) is imported; everything it
    /// defines is exported.
    package func registerNative(_ names: [[String]], build: @escaping (Module) -> Void) {
        let symbols = names.map { $0.map(Symbol.intern) }
        let native = NativeModule(names: symbols, build: build)
        for name in symbols { nativeModules[ModuleRegistry.key(name)] = native }
    }

    private func instantiate(_ native: NativeModule) -> Module {
        let module = Module(name: native.names[0])
        module.imports = [Interface(module: root)]
        for name in native.names {
            let key = ModuleRegistry.key(name)
            modules[key] = module
            nativeModules[key] = nil
        }
        native.build(module)
        module.exportAll()
        return module
    }

    /// The module named `name`, made empty (importing the root) if new: what `define-module` uses.
    package func define(_ name: [Symbol]) -> Module {
        let key = ModuleRegistry.key(name)
        if let module = modules[key], module !== root { return module }
        let module = Module(name: name)
        module.imports = [Interface(module: root)]
        modules[key] = module
        return module
    }

    /// The module named `name`, loading its file from the load path the first time.
    package func resolve(_ name: [Symbol]) throws -> Module {
        // A module whose file is still being loaded is registered but not
        // complete: importing it again means the imports form a cycle.
        if let start = loading.firstIndex(where: { $0 == name }) {
            let chain = (loading[start...] + [name]).map { "(" + ModuleRegistry.key($0) + ")" }.joined(separator: " -> ")
            throw SchemeError(.module, message: "module import cycle: \(chain)", hint: "break the cycle, e.g. with #:autoload or by moving shared code to a third module")
        }
        if let module = existing(name) { return module }
        let display = "(" + ModuleRegistry.key(name) + ")"
        let relative = name.map(\.name).joined(separator: "/") + ".scm"
        guard let path = loadPath.lazy.map({ $0.hasSuffix("/") ? $0 + relative : $0 + "/" + relative }).first(where: ModuleRegistry.fileExists) else {
            let searched = loadPath.isEmpty ? "the load path is empty" : "searched " + loadPath.joined(separator: ", ")
            throw SchemeError(.module, message: "no code for module \(display)",
                              hint: "\(searched); add the directory holding \(relative) with -L DIR or CAIRN_LOAD_PATH")
        }
        // A module file that is a symlink out of the load path is a read
        // like any other under confinement.
        try runtime.ensureReadable(path)
        loading.append(name)
        defer { loading.removeLast() }
        let forms = try readSource(path)
        let compiler = Compiler(runtime: runtime, module: user)
        do {
            try forms.forEach { _ = try runtime.evaluateToplevel($0, compiler: compiler) }
        } catch {
            // A module whose file failed half-way must not be found later as
            // if it were complete (with some of its definitions missing).
            modules[ModuleRegistry.key(name)] = nil
            throw error
        }
        guard let module = modules[ModuleRegistry.key(name)] else {
            throw SchemeError(.module, message: "\(path) does not define module \(display)",
                              hint: "start the file with (define-module \(display) …)")
        }
        module.file = path
        return module
    }

    /// Loads an `#:autoload` module the first time one of its names is looked up.
    func autoload(_ symbol: Symbol, for module: Module) -> GlobalCell? {
        guard !module.autoloads.isEmpty else { return nil }
        for (index, entry) in module.autoloads.enumerated() where entry.names?.contains(symbol) ?? true {
            guard let loaded = try? resolve(entry.module) else { continue }
            if let cell = loaded.exports[symbol] {
                module.autoloads.remove(at: index)
                module.imports.append(Interface(module: loaded))
                return cell
            }
        }
        return nil
    }

    static func fileExists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    static func readFile(_ path: String) throws -> [Value] {
        guard let text = SourceText.read(path) else {
            throw SchemeError(.system, message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return try Reader.readAll(text: text, file: SourceFile(name: path, text: text))
    }
}

/// Whole-file reads for source files.
package enum SourceText {
    package static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
