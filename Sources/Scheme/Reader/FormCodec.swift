import BigInt

/// A compact binary form of read data with their source positions, so a
/// module file unchanged since it was last read need not be parsed again.
/// The host stores the bytes keyed by a hash of the file's content; a
/// version byte guards against reading bytes written by another format.
package enum FormCodec {
    static let magic: [UInt8] = Array("CAIRNFORMS".utf8) + [2]

    private enum Tag: UInt8 {
        case null = 0, `true`, `false`, fixnum, bignum, rational, flonum, char, string, symbol, keyword
        case list, dotted, vector, bytevector, unspecified, eof
    }

    package static func encode(_ forms: [Value]) -> [UInt8] {
        var encoder = Encoder()
        encoder.bytes = magic
        encoder.varint(UInt64(forms.count))
        for form in forms { encoder.value(form) }
        return encoder.bytes
    }

    /// The forms of `bytes` one at a time (nil after the last), or nil when
    /// `bytes` are not a valid encoding. A first pass that builds nothing
    /// checks every form, so that a damaged entry is found before any form
    /// has run and the caller can parse the source instead.
    package static func stream(_ bytes: [UInt8], file: SourceFile) -> (() throws -> Value?)? {
        guard bytes.count >= magic.count, Array(bytes.prefix(magic.count)) == magic else { return nil }
        var checker = Decoder(bytes: bytes, position: magic.count, file: file)
        guard let count = checker.varint(), count < UInt64(bytes.count) else { return nil }
        let start = checker.position
        for _ in 0..<count where !checker.skip(depth: 0) { return nil }
        guard checker.position == bytes.count else { return nil }
        var decoder = Decoder(bytes: bytes, position: start, file: file)
        var remaining = count
        return {
            guard remaining > 0 else { return nil }
            remaining -= 1
            guard let form = decoder.value(depth: 0) else {
                throw SchemeError(.system, message: "the cached forms of \(file.name) changed while being read")
            }
            return form
        }
    }

    private struct Encoder {
        var bytes: [UInt8] = []
        var symbols: [ObjectIdentifier: Int] = [:]

        mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                bytes.append(UInt8(v & 0x7f) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }

        mutating func text(_ string: String) {
            let utf8 = Array(string.utf8)
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }

        mutating func symbol(_ symbol: Symbol) {
            // Symbols repeat a lot: the first use carries the name, later ones an index.
            if let index = symbols[ObjectIdentifier(symbol)] {
                varint(UInt64(index) << 1 | 1)
            } else {
                symbols[ObjectIdentifier(symbol)] = symbols.count
                let utf8 = Array(symbol.name.utf8)
                varint(UInt64(utf8.count) << 1)
                bytes.append(contentsOf: utf8)
            }
        }

        mutating func location(_ location: SourceLocation?) {
            varint(UInt64(max(0, location?.line ?? 0)))
            varint(UInt64(max(0, location?.column ?? 0)))
        }

        mutating func value(_ value: Value) {
            switch value {
            case .null: bytes.append(Tag.null.rawValue)
            case .boolean(let b): bytes.append(b ? Tag.true.rawValue : Tag.false.rawValue)
            case .fixnum(let n):
                bytes.append(Tag.fixnum.rawValue)
                varint(UInt64(bitPattern: Int64((n << 1) ^ (n >> 63))))
            case .bignum(let n):
                bytes.append(Tag.bignum.rawValue)
                text(String(n.value))
            case .rational(let r):
                bytes.append(Tag.rational.rawValue)
                text(String(r.numerator))
                text(String(r.denominator))
            case .flonum(let d):
                bytes.append(Tag.flonum.rawValue)
                varint(d.bitPattern)
            case .char(let c):
                bytes.append(Tag.char.rawValue)
                varint(UInt64(c.value))
            case .string(let s):
                bytes.append(Tag.string.rawValue)
                text(s.string)
            case .symbol(let s):
                bytes.append(Tag.symbol.rawValue)
                symbol(s)
            case .keyword(let s):
                bytes.append(Tag.keyword.rawValue)
                symbol(s)
            case .pair(let p):
                var elements: [(Value, SourceLocation?)] = []
                var current: Value = .pair(p)
                while case .pair(let q) = current {
                    elements.append((q.car, q.location))
                    current = q.cdr
                }
                bytes.append(current.isNull ? Tag.list.rawValue : Tag.dotted.rawValue)
                varint(UInt64(elements.count))
                for (element, location) in elements {
                    self.location(location)
                    self.value(element)
                }
                if !current.isNull { self.value(current) }
            case .vector(let v):
                bytes.append(Tag.vector.rawValue)
                varint(UInt64(v.elements.count))
                for element in v.elements { self.value(element) }
            case .bytevector(let b):
                bytes.append(Tag.bytevector.rawValue)
                varint(UInt64(b.bytes.count))
                bytes.append(contentsOf: b.bytes)
            case .eof: bytes.append(Tag.eof.rawValue)
            default: bytes.append(Tag.unspecified.rawValue)
            }
        }
    }

    private struct Decoder {
        let bytes: [UInt8]
        var position: Int
        let file: SourceFile
        var symbols: [Symbol] = []
        /// Symbols `skip` has stepped over, for checking back-references.
        var symbolCount = 0
        /// Elements of the lists being decoded, innermost last.
        var pending: [(Value, UInt64)] = []

        init(bytes: [UInt8], position: Int, file: SourceFile) {
            self.bytes = bytes
            self.position = position
            self.file = file
        }

        mutating func byte() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func varint() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while let b = byte() {
                guard shift < 64 else { return nil }
                result |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
            return nil
        }

        mutating func count() -> Int? {
            guard let n = varint(), n <= UInt64(bytes.count - position) + 1 else { return nil }
            return Int(n)
        }

        mutating func text() -> String? {
            guard let n = count(), position + n <= bytes.count else { return nil }
            defer { position += n }
            return String(decoding: bytes[position..<position + n], as: UTF8.self)
        }

        mutating func symbol() -> Symbol? {
            guard let tagged = varint() else { return nil }
            if tagged & 1 == 1 {
                let index = Int(truncatingIfNeeded: tagged >> 1)
                return index >= 0 && index < symbols.count ? symbols[index] : nil
            }
            let n = Int(truncatingIfNeeded: tagged >> 1)
            guard n >= 0, n <= bytes.count - position else { return nil }
            let symbol = Symbol.intern(String(decoding: bytes[position..<position + n], as: UTF8.self))
            position += n
            symbols.append(symbol)
            return symbol
        }

        /// Steps over one value as `value(depth:)` would read it, building
        /// nothing; false where `value` would fail.
        mutating func skip(depth: Int) -> Bool {
            guard depth < 10_000, let raw = byte(), let tag = Tag(rawValue: raw) else { return false }
            switch tag {
            case .null, .true, .false, .unspecified, .eof: return true
            case .fixnum, .flonum: return varint() != nil
            case .bignum: return text().flatMap { BigInt($0) } != nil
            case .rational:
                guard let a = text(), let b = text() else { return false }
                return BigInt(a) != nil && BigInt(b) != nil
            case .char:
                guard let v = varint() else { return false }
                return Unicode.Scalar(UInt32(truncatingIfNeeded: v)) != nil
            case .string: return skipBytes()
            case .symbol, .keyword:
                guard let tagged = varint() else { return false }
                if tagged & 1 == 1 { return tagged >> 1 < UInt64(symbolCount) }
                let n = Int(truncatingIfNeeded: tagged >> 1)
                guard n >= 0, n <= bytes.count - position else { return false }
                position += n
                symbolCount += 1
                return true
            case .list, .dotted:
                guard let n = count() else { return false }
                for _ in 0..<n {
                    guard varint() != nil, varint() != nil, skip(depth: depth + 1) else { return false }
                }
                return tag == .list || skip(depth: depth + 1)
            case .vector:
                guard let n = count() else { return false }
                for _ in 0..<n where !skip(depth: depth + 1) { return false }
                return true
            case .bytevector: return skipBytes()
            }
        }

        private mutating func skipBytes() -> Bool {
            guard let n = count(), position + n <= bytes.count else { return false }
            position += n
            return true
        }

        mutating func value(depth: Int) -> Value? {
            guard depth < 10_000, let raw = byte(), let tag = Tag(rawValue: raw) else { return nil }
            switch tag {
            case .null: return .null
            case .true: return .true
            case .false: return .false
            case .fixnum:
                guard let z = varint() else { return nil }
                let n = Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
                return .fixnum(Int(n))
            case .bignum:
                guard let t = text(), let n = BigInt(t) else { return nil }
                return .bignum(BigNumber(n))
            case .rational:
                guard let a = text(), let b = text(), let n = BigInt(a), let d = BigInt(b) else { return nil }
                return .rational(Ratio(numerator: n, denominator: d))
            case .flonum:
                guard let bits = varint() else { return nil }
                return .flonum(Double(bitPattern: bits))
            case .char:
                guard let v = varint(), let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: v)) else { return nil }
                return .char(scalar)
            case .string:
                guard let t = text() else { return nil }
                return .string(SString(t, mutable: false))
            case .symbol:
                return symbol().map { .symbol($0) }
            case .keyword:
                return symbol().map { .keyword($0) }
            case .list, .dotted:
                guard let n = count() else { return nil }
                // Elements wait on one stack shared by all lists (no array
                // per list), with their locations packed as pairs keep them.
                let base = pending.count
                for _ in 0..<n {
                    guard let line = varint(), let column = varint() else { return nil }
                    let location = PackedLocation.pack(file: file.number, line: line, column: column)
                    guard let element = value(depth: depth + 1) else { return nil }
                    pending.append((element, location))
                }
                var result: Value = .null
                if tag == .dotted {
                    guard let tail = value(depth: depth + 1) else { return nil }
                    result = tail
                }
                var index = pending.count
                while index > base {
                    index -= 1
                    result = .pair(Pair(pending[index].0, result, packedLocation: pending[index].1))
                }
                pending.removeSubrange(base...)
                return result
            case .vector:
                guard let n = count() else { return nil }
                var elements: [Value] = []
                for _ in 0..<n {
                    guard let element = value(depth: depth + 1) else { return nil }
                    elements.append(element)
                }
                return .vector(SVector(elements, mutable: false))
            case .bytevector:
                guard let n = count(), position + n <= bytes.count else { return nil }
                defer { position += n }
                return .bytevector(SBytevector(Array(bytes[position..<position + n])))
            case .unspecified: return .unspecified
            case .eof: return .eof
            }
        }
    }
}
