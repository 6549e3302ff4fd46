import Foundation

/// Hand-made NARs, well-formed or hostile, for the tests of bad input.
struct NARBuilder {
    var data = Data()

    mutating func u64(_ n: UInt64) {
        withUnsafeBytes(of: n.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func str(_ bytes: [UInt8], padByte: UInt8 = 0) {
        u64(UInt64(bytes.count))
        data.append(contentsOf: bytes)
        let pad = (8 - bytes.count % 8) % 8
        data.append(contentsOf: [UInt8](repeating: padByte, count: pad))
    }

    mutating func str(_ s: String) { str(Array(s.utf8)) }

    mutating func tokens(_ list: String...) { for t in list { str(t) } }

    /// A NAR of a directory whose entries are regular files with the given
    /// names and contents, in the order given (sorted or not).
    static func directory(_ entries: [([UInt8], String)]) -> Data {
        var b = NARBuilder()
        b.tokens("nix-archive-1", "(", "type", "directory")
        for (name, contents) in entries {
            b.tokens("entry", "(", "name")
            b.str(name)
            b.tokens("node", "(", "type", "regular", "contents")
            b.str(contents)
            b.tokens(")", ")")
        }
        b.tokens(")")
        return b.data
    }

    static func file(_ contents: String) -> Data {
        var b = NARBuilder()
        b.tokens("nix-archive-1", "(", "type", "regular", "contents")
        b.str(contents)
        b.tokens(")")
        return b.data
    }
}
