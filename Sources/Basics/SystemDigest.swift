import Glibc

/// SHA-256 and SHA-512 from the system's OpenSSL, loaded at run time when present.
///
/// Why: a NAR hash is one sequential SHA-256 stream, so hashing speed is the
/// speed of `cairn hash -S nar` and of every add and import. swift-crypto's
/// BoringSSL has no AVX2 SHA-256; OpenSSL's is about a third faster on CPUs
/// without SHA extensions (measured in bench/nar-hash.sh). Loading it with
/// dlopen keeps the release binary self-contained: where no libcrypto is
/// installed, or CAIRN_PORTABLE_CRYPTO is set, swift-crypto serves instead,
/// with identical digests (tests compare the two).
package final class SystemDigest {
    private typealias Initialise = @convention(c) (UnsafeMutableRawPointer) -> Int32
    private typealias Update = @convention(c) (UnsafeMutableRawPointer, UnsafeRawPointer?, Int) -> Int32
    private typealias Finalise = @convention(c) (UnsafeMutablePointer<UInt8>, UnsafeMutableRawPointer) -> Int32

    private struct Functions {
        let initialise: Initialise
        let update: Update
        let finalise: Finalise
    }

    /// Room for SHA256_CTX (112 bytes) and SHA512_CTX (216 bytes).
    private static let contextSize = 256

    private nonisolated(unsafe) static let library: UnsafeMutableRawPointer? = {
        if ProcessEnvironment.value("CAIRN_PORTABLE_CRYPTO") != nil { return nil }
        for name in ["libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"] {
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) { return handle }
        }
        return nil
    }()

    private nonisolated(unsafe) static let sha256 = functions(prefix: "SHA256")
    private nonisolated(unsafe) static let sha512 = functions(prefix: "SHA512")

    private static func functions(prefix: String) -> Functions? {
        guard let library,
            let initialise = dlsym(library, prefix + "_Init"),
            let update = dlsym(library, prefix + "_Update"),
            let finalise = dlsym(library, prefix + "_Final")
        else { return nil }
        return Functions(
            initialise: unsafeBitCast(initialise, to: Initialise.self),
            update: unsafeBitCast(update, to: Update.self),
            finalise: unsafeBitCast(finalise, to: Finalise.self))
    }

    /// Whether the system library serves `algorithm` in this process.
    package static func isAvailable(for algorithm: HashAlgorithm) -> Bool {
        functions(for: algorithm) != nil
    }

    private static func functions(for algorithm: HashAlgorithm) -> Functions? {
        switch algorithm {
        case .sha256: sha256
        case .sha512: sha512
        default: nil
        }
    }

    private let functions: Functions
    private let context: UnsafeMutableRawPointer
    private let digestLength: Int

    package init?(_ algorithm: HashAlgorithm) {
        guard let functions = Self.functions(for: algorithm) else { return nil }
        self.functions = functions
        digestLength = algorithm.byteCount
        context = .allocate(byteCount: Self.contextSize, alignment: 16)
        context.initializeMemory(as: UInt8.self, repeating: 0, count: Self.contextSize)
        guard functions.initialise(context) == 1 else {
            context.deallocate()
            return nil
        }
    }

    private init(copying other: SystemDigest) {
        functions = other.functions
        digestLength = other.digestLength
        context = .allocate(byteCount: Self.contextSize, alignment: 16)
        // The contexts are plain structs of integers: a byte copy clones them.
        context.copyMemory(from: other.context, byteCount: Self.contextSize)
    }

    deinit { context.deallocate() }

    package func copy() -> SystemDigest { SystemDigest(copying: self) }

    package func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0 else { return }
        _ = functions.update(context, buffer.baseAddress, buffer.count)
    }

    /// The digest so far; the context stays usable (a copy is finalised).
    package func finalize() -> [UInt8] {
        let scratch = copy()
        var digest = [UInt8](repeating: 0, count: digestLength)
        _ = digest.withUnsafeMutableBufferPointer { scratch.functions.finalise($0.baseAddress!, scratch.context) }
        return digest
    }
}
