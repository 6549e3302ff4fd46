import Basics
import Testing

/// The system's OpenSSL (when loaded) and swift-crypto must agree on every
/// digest, whatever the chunking, and contexts must keep value semantics.
struct HashContextTests {
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test("system and portable implementations agree", arguments: HashAlgorithm.allCases)
    func backendsAgree(algorithm: HashAlgorithm) {
        for size in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 100_003] {
            let data = Self.bytes(size, seed: UInt64(size))
            var fast = HashContext(algorithm)
            var portable = HashContext(algorithm, portable: true)
            var offset = 0
            var step = 1
            while offset < data.count {
                let end = min(data.count, offset + step)
                data[offset..<end].withUnsafeBytes { fast.update($0) }
                data[offset..<end].withUnsafeBytes { portable.update($0) }
                offset = end
                step = step * 3 + 1
            }
            #expect(fast.finalize() == portable.finalize(), "\(algorithm) over \(size) bytes")
            #expect(fast.finalize().count == algorithm.byteCount)
        }
    }

    @Test("known answer: SHA-256 of 'abc'")
    func knownAnswer() {
        let hex = HashContext.digest(.sha256, of: Array("abc".utf8)).map { String($0, radix: 16) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        #expect(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a copied context is independent, and finalize does not consume")
    func valueSemantics() {
        var a = HashContext(.sha256)
        a.update(Array("hello ".utf8))
        var b = a
        b.update(Array("world".utf8))
        a.update(Array("there".utf8))
        #expect(a.finalize() == HashContext.digest(.sha256, of: Array("hello there".utf8)))
        #expect(b.finalize() == HashContext.digest(.sha256, of: Array("hello world".utf8)))
        #expect(b.finalize() == b.finalize())
    }

    @Test("the system library is used when installed", .enabled(if: SystemDigest.isAvailable(for: .sha256)))
    func systemLoaded() {
        #expect(SystemDigest(.sha256) != nil)
        #expect(SystemDigest(.md5) == nil)
    }
}

struct FileSystemTests {
    @Test("the mount type of a path comes from the longest containing mount point")
    func mountType() {
        #expect(FileSystem.mountType(of: "/proc/self") == "proc")
        #expect(FileSystem.mountType(of: "/") != nil)
        #expect(FileSystem.mountType(of: "/nonexistent/path") == nil)
    }

    @Test("sizes parse like Guix's, with binary and decimal units")
    func sizes() {
        #expect(ByteCount.parse("10G") == 10 << 30)
        #expect(ByteCount.parse("500MiB") == 500 << 20)
        #expect(ByteCount.parse("2KB") == 2000)
        #expect(ByteCount.parse("1.5K") == 1536)
        #expect(ByteCount.parse("1P") == 1 << 50)
        #expect(ByteCount.parse("ten") == nil)
        #expect(ByteCount.parse("5X") == nil)
    }
}
