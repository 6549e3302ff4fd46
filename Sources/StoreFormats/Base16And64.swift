/// Lower-case hexadecimal, as Nix prints base16 hashes. Decoding accepts
/// either case because Nix does and people paste upper-case digests.
package enum Base16 {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    package static func encode(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { output in
            for (i, byte) in bytes.enumerated() {
                output[2 * i] = digits[Int(byte >> 4)]
                output[2 * i + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }

    /// Appends the base16 of `bytes` to `out`, as `encode` spells it.
    package static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
    }

    package static func decode(_ text: some StringProtocol) throws(FormatError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { throw .invalidBase16(String(text)) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = value(of: utf8[i]), let low = value(of: utf8[i + 1]) else {
                throw .invalidBase16(String(text))
            }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }

    private static func value(of c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Standard base64 (RFC 4648 §4) with padding, as used in SRI hashes and
/// narinfo signatures. Decoding is strict: no whitespace, padding only at the
/// end, and unused trailing bits must be zero, so one digest has one spelling.
package enum Base64 {
    private static let alphabet: [UInt8] =
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, c) in alphabet.enumerated() { table[Int(c)] = UInt8(value) }
        return table
    }()

    package static func encodedLength(byteCount: Int) -> Int {
        (byteCount + 2) / 3 * 4
    }

    package static func encode(_ bytes: [UInt8]) -> String {
        let length = encodedLength(byteCount: bytes.count)
        return String(unsafeUninitializedCapacity: length) { output in
            var out = 0
            var i = 0
            while i < bytes.count {
                let remaining = bytes.count - i
                let b0 = UInt32(bytes[i])
                let b1 = remaining > 1 ? UInt32(bytes[i + 1]) : 0
                let b2 = remaining > 2 ? UInt32(bytes[i + 2]) : 0
                let group = b0 << 16 | b1 << 8 | b2
                output[out] = alphabet[Int(group >> 18 & 0x3F)]
                output[out + 1] = alphabet[Int(group >> 12 & 0x3F)]
                output[out + 2] = remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "=")
                output[out + 3] = remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "=")
                out += 4
                i += 3
            }
            return out
        }
    }

    package static func decode(_ text: some StringProtocol) throws(FormatError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 4 == 0 else { throw .invalidBase64(String(text)) }
        var padding = 0
        if utf8.last == UInt8(ascii: "=") {
            padding = utf8[utf8.count - 2] == UInt8(ascii: "=") ? 2 : 1
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 4 * 3)
        var i = 0
        while i < utf8.count {
            var group: UInt32 = 0
            for k in 0..<4 {
                let c = utf8[i + k]
                let isPadding = i + 4 == utf8.count && k >= 4 - padding
                let value: UInt8 = isPadding ? 0 : values[Int(c)]
                guard value != 0xFF else { throw .invalidBase64(String(text)) }
                group = group << 6 | UInt32(value)
            }
            bytes.append(UInt8(truncatingIfNeeded: group >> 16))
            bytes.append(UInt8(truncatingIfNeeded: group >> 8))
            bytes.append(UInt8(truncatingIfNeeded: group))
            i += 4
        }
        // Padding stands for bytes that are not there; the bits the last real
        // character holds beyond them must be zero.
        for _ in 0..<padding {
            guard bytes.removeLast() == 0 else { throw .invalidBase64(String(text)) }
        }
        return bytes
    }
}
