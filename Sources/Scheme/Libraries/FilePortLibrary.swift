#if canImport(Glibc)
import Glibc
#endif

/// File ports, closing, port predicates, and the file procedures that go with them.
extension Libraries {
    static func installFilePorts(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        // Every file primitive names its path through these two, so a
        // confined runtime (see `Confinement`) is asked before the kernel is.
        func readable(_ value: Value, _ who: String) throws -> String {
            let name = try path(value, who)
            try runtime.ensureReadable(name)
            return name
        }
        func writable(_ value: Value, _ who: String) throws -> String {
            let name = try path(value, who)
            try runtime.ensureWritable(name)
            return name
        }
        // Guile's keyword options (#:binary, #:encoding) are accepted and
        // ignored: Cairn's file ports are always UTF-8 text.
        library.define("open-input-file", arity: 1, nil) { args in
            .object(try openInputFile(try readable(args[0], "open-input-file")))
        }
        library.define("open-output-file", arity: 1, nil) { args in
            .object(try openOutputFile(try writable(args[0], "open-output-file"), append: false))
        }
        library.define("open-file", arity: 2, nil) { args in
            let mode = try args[1].expectString("open-file", 2).string.filter { !"b0le".contains($0) }
            switch mode {
            case "r": return .object(try openInputFile(try readable(args[0], "open-file")))
            case "w": return .object(try openOutputFile(try writable(args[0], "open-file"), append: false))
            case "a": return .object(try openOutputFile(try writable(args[0], "open-file"), append: true))
            default:
                throw SchemeError(
                    .misc, who: "open-file",
                    message: "in procedure open-file: unsupported file mode \(args[1].written()) (Cairn supports \"r\", \"w\" and \"a\")",
                    irritants: [args[1]])
            }
        }
        library.define("call-with-input-file", arity: 2, nil) { args in
            let port = try openInputFile(try readable(args[0], "call-with-input-file"))
            defer { _ = try? port.close() }
            return try runtime.apply(args[1], [.object(port)])
        }
        library.define("call-with-output-file", arity: 2, nil) { args in
            let port = try openOutputFile(try writable(args[0], "call-with-output-file"), append: false)
            let result = try closing(port) { try runtime.apply(args[1], [.object(port)]) }
            return result
        }
        library.define("with-output-to-file", arity: 2, nil) { args in
            let port = try openOutputFile(try writable(args[0], "with-output-to-file"), append: false)
            return try closing(port) {
                try withPort(\.currentOutputPort, .object(port), runtime) { try runtime.apply(args[1], []) }
            }
        }
        library.define("with-error-to-file", arity: 2, nil) { args in
            let port = try openOutputFile(try writable(args[0], "with-error-to-file"), append: false)
            return try closing(port) {
                try withPort(\.currentErrorPort, .object(port), runtime) { try runtime.apply(args[1], []) }
            }
        }
        library.define("with-input-from-file", arity: 2, nil) { args in
            let port = try openInputFile(try readable(args[0], "with-input-from-file"))
            defer { _ = try? port.close() }
            return try withPort(\.currentInputPort, .object(port), runtime) { try runtime.apply(args[1], []) }
        }

        library.define("close-port") { v in .boolean(try anyPort(v, "close-port").close()) }
        library.define("close-input-port") { v in
            let port = try anyPort(v, "close-input-port")
            if port.isInput { try port.close() }
            return .unspecified
        }
        library.define("close-output-port") { v in
            let port = try anyPort(v, "close-output-port")
            if port.isOutput { try port.close() }
            return .unspecified
        }
        library.define("port?") { v in isPortValue(v) { _ in true } }
        library.define("input-port?") { v in isPortValue(v) { $0.isInput } }
        library.define("output-port?") { v in isPortValue(v) { $0.isOutput } }
        library.define("textual-port?") { v in isPortValue(v) { _ in true } }
        library.define("port-closed?") { v in .boolean(try anyPort(v, "port-closed?").isClosed) }
        library.define("port-filename") { v in
            try anyPort(v, "port-filename").fileName.map { .string(SString($0, mutable: false)) } ?? .false
        }
        library.define("port-column") { v in .fixnum(try anyPort(v, "port-column").column) }
        library.define("port-encoding") { v in
            _ = try anyPort(v, "port-encoding")
            return .string("UTF-8")
        }
        library.define("set-port-encoding!") { port, encoding in
            // Only UTF-8 is supported; accepting the call keeps Guix code working.
            _ = try anyPort(port, "set-port-encoding!")
            _ = try encoding.expectString("set-port-encoding!", 2)
            return .unspecified
        }

        library.define("file-exists?") { v in
            let name = try readable(v, "file-exists?")
            var info = stat()
            return .boolean(stat(name, &info) == 0)
        }
        library.define("file-is-directory?") { v in
            let name = try readable(v, "file-is-directory?")
            var info = stat()
            return .boolean(stat(name, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR)
        }
        library.define("delete-file") { v in
            let name = try writable(v, "delete-file")
            guard unlink(name) == 0 else { throw SystemErrors.error("delete-file", code: errno, detail: v.written()) }
            return .unspecified
        }
    }

    private static func isPortValue(_ value: Value, _ test: (Port) -> Bool) -> Value {
        if case .object(let port as Port) = value { return .boolean(test(port)) }
        return .false
    }

    private static func path(_ value: Value, _ who: String) throws -> String {
        let name = try value.expectString(who, 1).string
        // A NUL would silently truncate the path handed to the kernel.
        guard !name.utf8.contains(0) else { throw SchemeError.wrongType(procedure: who, position: 1, expected: "file name without NUL", got: value) }
        return name
    }

    /// Runs `body`, then closes `port` (flushing it) whether or not `body` threw.
    private static func closing(_ port: Port, _ body: () throws -> Value) throws -> Value {
        let result: Value
        do {
            result = try body()
        } catch {
            _ = try? port.close()
            throw error
        }
        try port.close()
        return result
    }

    /// Opens `name` and reads it whole: Cairn's input files are small
    /// (package definitions, build files), and errors surface at open.
    static func openInputFile(_ name: String) throws -> Port {
        FileReads.observer?(name)
        let descriptor = open(name, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemErrors.error("open-file", code: errno, detail: Value.string(name).written()) }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(descriptor, base, raw.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemErrors.error("read", code: errno, detail: Value.string(name).written())
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return TextInputPort(Array(String(decoding: bytes, as: UTF8.self).unicodeScalars), fileName: name)
    }

    static func openOutputFile(_ name: String, append: Bool) throws -> Port {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
        let descriptor = open(name, flags, 0o666)
        guard descriptor >= 0 else { throw SystemErrors.error("open-file", code: errno, detail: Value.string(name).written()) }
        return FileDescriptorOutputPort(descriptor: descriptor, ownsDescriptor: true, buffering: .block, fileName: name)
    }
}

/// Told of every file Scheme code opens for reading, when set: how `cairn
/// shell` learns which files decide a profile, to key its cache on their
/// contents. Set and used only on the thread that runs Scheme.
package enum FileReads {
    nonisolated(unsafe) package static var observer: ((String) -> Void)?
}
