import Basics
import Scheme
import StoreFormats

/// How commands run Scheme: the load path from `-L` and `CAIRN_LOAD_PATH`,
/// and module files read through an on-disk cache of parsed forms keyed by
/// the SHA-256 of their content (never by mtime), so an unchanged file is
/// decoded instead of parsed.
enum SchemeHost {
    static func makeInterpreter(loadPath: [String], withChannel: Bool = false) -> Interpreter {
        var path = loadPath
        if let extra = ProcessEnvironment.value("CAIRN_LOAD_PATH") {
            path += extra.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        if withChannel, let channel = defaultChannel() { path.append(channel) }
        let interpreter = Interpreter(loadPath: path)
        if let cache = FormCache.standard() {
            interpreter.runtime.modules.readSource = { try cache.forms(ofFile: $0) }
        }
        return interpreter
    }

    /// Directories of the user's own package modules: `-L` and `CAIRN_LOAD_PATH`.
    static func userDirectories(_ loadPath: [String]) -> [String] {
        var path = loadPath.map { ProcessEnvironment.absolutePath($0) }
        if let extra = ProcessEnvironment.value("CAIRN_LOAD_PATH") {
            path += extra.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        return path
    }

    /// The package collection's modules: `$CAIRN_CHANNEL_DIR`, else the
    /// `channel/` directory of the source tree this `cairn` was built in
    /// (found upwards from the executable). Pulled channels (issue 7) will
    /// take precedence.
    static func defaultChannel() -> String? {
        if let explicit = ProcessEnvironment.value("CAIRN_CHANNEL_DIR"), !explicit.isEmpty { return explicit }
        guard var directory = try? FileSystem.readLink("/proc/self/exe") else { return nil }
        for _ in 0..<5 {
            directory = FileSystem.directoryName(directory)
            if FileSystem.exists(directory + "/channel/cairn") { return directory + "/channel" }
            if directory == "/" { break }
        }
        return nil
    }
}

/// Parsed forms of source files, stored under the user's cache directory.
struct FormCache {
    let directory: String

    /// `$CAIRN_SCHEME_CACHE`, else `$XDG_CACHE_HOME/cairn/scheme`, else `~/.cache/cairn/scheme`.
    static func standard() -> FormCache? {
        if let explicit = ProcessEnvironment.value("CAIRN_SCHEME_CACHE"), !explicit.isEmpty {
            return explicit == "off" ? nil : FormCache(directory: explicit)
        }
        if let xdg = ProcessEnvironment.value("XDG_CACHE_HOME"), xdg.hasPrefix("/") {
            return FormCache(directory: xdg + "/cairn/scheme")
        }
        guard let home = ProcessEnvironment.value("HOME"), home.hasPrefix("/") else { return nil }
        return FormCache(directory: home + "/.cache/cairn/scheme")
    }

    func forms(ofFile path: String) throws -> SourceForms {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            throw SchemeError(.system, message: "cannot read \(path): \(error)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let file = SourceFile(name: path, text: text)
        let key = Base16.encode(HashContext.digest(.sha256, of: bytes))
        let entry = directory + "/" + key + ".forms"
        if let cached = try? FileSystem.readFile(entry), let next = FormCodec.stream(cached, file: file) {
            return SourceForms(next: next)
        }
        let forms = try Reader.readAll(text: text, file: file)
        // A cache that cannot be written (read-only home, full disk) only costs speed.
        try? FileSystem.createDirectories(directory, mode: 0o700)
        try? FileSystem.writeAtomically(FormCodec.encode(forms), to: entry, mode: 0o600)
        return SourceForms(forms)
    }
}
