import Basics
import Builder
import Glibc
import Sandbox
import Store

/// What `cairn shell -C -W` adds to a container so that `cairn` works inside
/// (Guix gives its containers the daemon's socket): this `cairn` and its
/// build-side runner with the loader and libraries they load, the channel,
/// and the store and state directories, writable.
struct ShellNesting {
    var readOnly: [SandboxSpec.Binding] = []
    var writable: [SandboxSpec.Binding] = []
    var environment: [String: String] = [:]
    /// `/bin/cairn`, so the container's PATH finds it.
    var links: [String: String] = [:]

    static func make(layout: StoreLayout) throws -> ShellNesting {
        var nesting = ShellNesting()
        guard let executable = FileSystem.realPath("/proc/self/exe"), let loader = BuildSideRunner.ownLoader() else {
            throw ContainerError.nestingUnavailable("cannot find this cairn or the dynamic loader it runs with")
        }
        let runner = FileSystem.directoryName(executable) + "/cairn-builder"
        var seen: Set<String> = []
        for program in [executable, runner] where FileSystem.exists(program) {
            nesting.readOnly.append(.init(program))
            let objects: (interpreter: String?, libraries: [(name: String, listed: String, real: String)])
            do {
                objects = try BuildSideRunner.sharedObjects(of: program, loader: loader)
            } catch {
                throw ContainerError.nestingUnavailable("cannot list the libraries of \(program)")
            }
            // Each at the path the loader looks for it, as on the host.
            let interpreter = Self.interpreter(of: program) ?? objects.interpreter ?? loader
            for (path, real) in [(interpreter, loader)] + objects.libraries.map({ ($0.listed, $0.real) })
                where seen.insert(path).inserted {
                nesting.readOnly.append(.init(real, at: path))
            }
        }
        // The channels in use, so that cairn inside evaluates what cairn outside does.
        if let builtin = SchemeHost.builtinChannel(), let real = FileSystem.realPath(builtin) {
            nesting.readOnly.append(.init(real, at: builtin))
            nesting.environment["CAIRN_CHANNEL_DIR"] = builtin
        }
        if let set = SchemeHost.activeChannels(), let file = SchemeHost.activeChannelsFile, let real = FileSystem.realPath(file) {
            // Pulled channels are in the store, which is bound anyway.
            for directory in set.channels.map(\.modules) where !directory.hasPrefix(layout.storeDirectory.path + "/") {
                if let realDirectory = FileSystem.realPath(directory) { nesting.readOnly.append(.init(realDirectory, at: directory)) }
            }
            // A pulled generation is a store item, seen at its own path.
            if real.hasPrefix(layout.storeDirectory.path + "/") {
                nesting.environment["CAIRN_CHANNELS"] = real
            } else {
                nesting.readOnly.append(.init(real, at: file))
                nesting.environment["CAIRN_CHANNELS"] = file
            }
        }
        nesting.writable = [.init(layout.storeDirectory.path), .init(layout.stateDirectory)]
        nesting.environment["CAIRN_STORE_DIR"] = layout.storeDirectory.path
        nesting.environment["CAIRN_STATE_DIR"] = layout.stateDirectory
        nesting.links["/bin/cairn"] = executable
        return nesting
    }

    /// The ELF program interpreter (PT_INTERP) `program` names, such as
    /// /lib64/ld-linux-x86-64.so.2: where the kernel looks for the loader.
    static func interpreter(of program: String) -> String? {
        // The header, the program headers and the interpreter's name lie at
        // the start of the file; the rest (the whole binary) is not read.
        guard let file = try? OpenFile(program, flags: O_RDONLY) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 16384)
        let length = buffer.withUnsafeMutableBytes { (try? file.read(into: $0)) ?? 0 }
        let bytes = Array(buffer.prefix(length))
        guard bytes.count > 64,
              bytes[0..<4].elementsEqual([0x7f, 0x45, 0x4c, 0x46]), bytes[4] == 2, bytes[5] == 1 else { return nil }
        func integer(_ offset: Int, _ size: Int) -> Int {
            guard offset >= 0, offset + size <= bytes.count else { return -1 }
            return (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        let table = integer(32, 8), entrySize = integer(54, 2), count = integer(56, 2)
        guard table > 0, entrySize > 0 else { return nil }
        for index in 0..<max(count, 0) {
            let entry = table + index * entrySize
            guard integer(entry, 4) == 3 else { continue }
            let offset = integer(entry + 8, 8), size = integer(entry + 32, 8)
            guard offset > 0, size > 1, offset + size <= bytes.count else { return nil }
            return String(decoding: bytes[offset..<(offset + size - 1)], as: UTF8.self)
        }
        return nil
    }
}
