import BigInt

/// The multi-byte accessors of R6RS `(rnrs bytevectors)` as Guile provides
/// them: fixed-size integers (`bytevector-u16-ref` … `bytevector-s64-set!`)
/// with an endianness argument or in native order, arbitrary-size integers
/// (`bytevector-uint-ref` …), integer lists, and IEEE floats. The
/// `(endianness big)` syntax is in Compiler/EndiannessForm.swift.
extension Libraries {
    static func installBytevectorIntegers(into library: inout LibraryBuilder) {
        let native: Value = .symbol(Symbol.intern(BytevectorOrder.native == .little ? "little" : "big"))
        library.define("native-endianness") { native }
        for size in [2, 4, 8] {
            for signed in [false, true] {
                let stem = "bytevector-\(signed ? "s" : "u")\(size * 8)"
                let ref = stem + "-ref"
                library.define(ref) { bytevector, k, order in
                    try readInteger(bytevector, k, try BytevectorOrder(order, ref, 3), size: size, signed: signed, ref)
                }
                let set = stem + "-set!"
                library.define(set, arity: 4, 4) { args in
                    try writeInteger(args[0], args[1], args[2], try BytevectorOrder(args[3], set, 4), size: size, signed: signed, set)
                }
                let nativeRef = stem + "-native-ref"
                library.define(nativeRef) { bytevector, k in
                    try readInteger(bytevector, k, .native, size: size, signed: signed, nativeRef)
                }
                let nativeSet = stem + "-native-set!"
                library.define(nativeSet) { bytevector, k, value in
                    try writeInteger(bytevector, k, value, .native, size: size, signed: signed, nativeSet)
                }
            }
        }
        for signed in [false, true] {
            let kind = signed ? "sint" : "uint"
            let ref = "bytevector-\(kind)-ref"
            library.define(ref, arity: 4, 4) { args in
                let size = try byteCount(args[3], ref, 4)
                return try readInteger(args[0], args[1], try BytevectorOrder(args[2], ref, 3), size: size, signed: signed, ref)
            }
            let set = "bytevector-\(kind)-set!"
            library.define(set, arity: 5, 5) { args in
                let size = try byteCount(args[4], set, 5)
                return try writeInteger(args[0], args[1], args[2], try BytevectorOrder(args[3], set, 4), size: size, signed: signed, set)
            }
            let toList = "bytevector->\(kind)-list"
            library.define(toList) { bytevector, order, sizeArgument in
                let bytes = try bytevector.expectBytevector(toList, 1).bytes
                let order = try BytevectorOrder(order, toList, 2)
                let size = try byteCount(sizeArgument, toList, 3)
                guard bytes.count % size == 0 else {
                    throw SchemeError.wrongType(
                        procedure: toList, position: 3,
                        expected: "an exact positive integer that divides the bytevector length", got: sizeArgument)
                }
                var builder = ListBuilder()
                var start = 0
                while start < bytes.count {
                    builder.append(integer(bytes[start..<(start + size)], order, signed: signed))
                    start += size
                }
                return builder.finish()
            }
            let fromList = "\(kind)-list->bytevector"
            library.define(fromList) { list, order, sizeArgument in
                let elements = try ListSupport.elements(list, fromList, 1)
                let order = try BytevectorOrder(order, fromList, 2)
                let size = try byteCount(sizeArgument, fromList, 3)
                guard elements.count <= TextArguments.maximumLength / size else {
                    throw SchemeError.outOfRange(procedure: fromList, position: 3, got: sizeArgument)
                }
                var bytes: [UInt8] = []
                bytes.reserveCapacity(elements.count * size)
                for element in elements {
                    bytes += try encode(element, order, size: size, signed: signed, fromList, 1)
                }
                return .bytevector(SBytevector(bytes))
            }
        }
        installBytevectorFloats(into: &library)
    }

    private static func installBytevectorFloats(into library: inout LibraryBuilder) {
        for (kind, size) in [("single", 4), ("double", 8)] {
            let ref = "bytevector-ieee-\(kind)-ref"
            let set = "bytevector-ieee-\(kind)-set!"
            let nativeRef = "bytevector-ieee-\(kind)-native-ref"
            let nativeSet = "bytevector-ieee-\(kind)-native-set!"
            library.define(ref) { bytevector, k, order in
                try readFloat(bytevector, k, try BytevectorOrder(order, ref, 3), size: size, ref)
            }
            library.define(set, arity: 4, 4) { args in
                try writeFloat(args[0], args[1], args[2], try BytevectorOrder(args[3], set, 4), size: size, set)
            }
            library.define(nativeRef) { bytevector, k in try readFloat(bytevector, k, .native, size: size, nativeRef) }
            library.define(nativeSet) { bytevector, k, value in
                try writeFloat(bytevector, k, value, .native, size: size, nativeSet)
            }
        }
    }

    /// A byte order argument. Guile treats every symbol other than `little` as big-endian.
    enum BytevectorOrder: Equatable {
        case big, little

        static var native: BytevectorOrder { 1.littleEndian == 1 ? .little : .big }

        init(_ value: Value, _ who: String, _ position: Int) throws {
            guard case .symbol(let symbol) = value else {
                throw SchemeError.wrongType(procedure: who, position: position, expected: "endianness symbol", got: value)
            }
            self = symbol.name == "little" ? .little : .big
        }
    }

    /// The `size` bytes of `bytevector` starting at `k`, checked against its length.
    private static func span(_ bytevector: SBytevector, _ k: Value, size: Int, _ who: String) throws -> Range<Int> {
        let start = try k.expectIndex(who, 2)
        guard start <= bytevector.bytes.count, size <= bytevector.bytes.count - start else {
            throw SchemeError.outOfRange(procedure: who, position: 2, got: k)
        }
        return start..<(start + size)
    }

    private static func byteCount(_ value: Value, _ who: String, _ position: Int) throws -> Int {
        let size = try value.expectIndex(who, position)
        guard size > 0, size <= TextArguments.maximumLength else { throw SchemeError.outOfRange(procedure: who, position: position, got: value) }
        return size
    }

    private static func readInteger(
        _ bytevector: Value, _ k: Value, _ order: BytevectorOrder, size: Int, signed: Bool, _ who: String
    ) throws -> Value {
        let bytevector = try bytevector.expectBytevector(who, 1)
        let range = try span(bytevector, k, size: size, who)
        return integer(bytevector.bytes[range], order, signed: signed)
    }

    /// The integer stored in `bytes`, in two's complement when `signed`.
    private static func integer(_ bytes: ArraySlice<UInt8>, _ order: BytevectorOrder, signed: Bool) -> Value {
        let ordered: [UInt8] = order == .big ? Array(bytes) : bytes.reversed()
        if ordered.count <= 8 {
            var bits: UInt64 = 0
            for byte in ordered { bits = bits &<< 8 | UInt64(byte) }
            if signed {
                let unused = UInt64(64 - 8 * ordered.count)
                return .integer(BigInt(Int64(bitPattern: bits &<< unused) &>> unused))
            }
            if let small = Int(exactly: bits) { return .fixnum(small) }
            return .integer(BigInt(bits))
        }
        var magnitude = BigUInt(0)
        for byte in ordered { magnitude = magnitude << 8 | BigUInt(byte) }
        var n = BigInt(magnitude)
        if signed, let first = ordered.first, first >= 0x80 { n -= BigInt(1) << (8 * ordered.count) }
        return .integer(n)
    }

    private static func writeInteger(
        _ bytevector: Value, _ k: Value, _ value: Value, _ order: BytevectorOrder, size: Int, signed: Bool, _ who: String
    ) throws -> Value {
        let target = try bytevector.expectBytevector(who, 1)
        let range = try span(target, k, size: size, who)
        let bytes = try encode(value, order, size: size, signed: signed, who, 3)
        target.bytes.replaceSubrange(range, with: bytes)
        return .unspecified
    }

    /// `value` as `size` bytes; an out-of-range error when it does not fit.
    private static func encode(
        _ value: Value, _ order: BytevectorOrder, size: Int, signed: Bool, _ who: String, _ position: Int
    ) throws -> [UInt8] {
        guard var n = value.exactIntegerValue else {
            throw SchemeError.wrongType(procedure: who, position: position, expected: "exact integer", got: value)
        }
        let bits = 8 * size
        let fits = signed
            ? n >= -(BigInt(1) << (bits - 1)) && n < BigInt(1) << (bits - 1)
            : n.sign == .plus && n < BigInt(1) << bits
        guard fits else { throw SchemeError.outOfRange(procedure: who, position: position, got: value) }
        if n.sign == .minus { n += BigInt(1) << bits }
        var magnitude = n.magnitude
        var littleEndian: [UInt8] = []
        littleEndian.reserveCapacity(size)
        for _ in 0..<size {
            littleEndian.append(UInt8(truncatingIfNeeded: magnitude & 0xFF))
            magnitude >>= 8
        }
        return order == .little ? littleEndian : littleEndian.reversed()
    }

    private static func readFloat(_ bytevector: Value, _ k: Value, _ order: BytevectorOrder, size: Int, _ who: String) throws -> Value {
        let bytevector = try bytevector.expectBytevector(who, 1)
        let range = try span(bytevector, k, size: size, who)
        var bits: UInt64 = 0
        let ordered: [UInt8] = order == .big ? Array(bytevector.bytes[range]) : bytevector.bytes[range].reversed()
        for byte in ordered { bits = bits &<< 8 | UInt64(byte) }
        if size == 4 { return .flonum(Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))) }
        return .flonum(Double(bitPattern: bits))
    }

    private static func writeFloat(
        _ bytevector: Value, _ k: Value, _ value: Value, _ order: BytevectorOrder, size: Int, _ who: String
    ) throws -> Value {
        let target = try bytevector.expectBytevector(who, 1)
        let range = try span(target, k, size: size, who)
        guard let d = value.doubleValue else {
            throw SchemeError.wrongType(procedure: who, position: 3, expected: "real number", got: value)
        }
        var bits: UInt64 = size == 4 ? UInt64(Float(d).bitPattern) : d.bitPattern
        var littleEndian: [UInt8] = []
        for _ in 0..<size {
            littleEndian.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
        target.bytes.replaceSubrange(range, with: order == .little ? littleEndian : littleEndian.reversed())
        return .unspecified
    }
}
