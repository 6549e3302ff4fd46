/// Bytevectors: R6RS/Guile `(rnrs bytevectors)` and R7RS procedures.
extension Libraries {
    package static func installBytevectors(into library: inout LibraryBuilder) {
        library.define("bytevector", arity: 0, nil) { arguments in
            .bytevector(SBytevector(try arguments.enumerated().map { try octet($1, "bytevector", $0 + 1) }))
        }
        library.define("make-bytevector", arity: 1, 2) { arguments in
            let count = try arguments[0].expectIndex("make-bytevector", 1)
            var fill: UInt8 = 0
            if arguments.count > 1 {
                // R6RS allows a signed or unsigned byte as the fill.
                let n = try arguments[1].expectFixnum("make-bytevector", 2)
                guard n >= -128, n <= 255 else {
                    throw SchemeError.outOfRange(procedure: "make-bytevector", position: 2, got: arguments[1])
                }
                fill = UInt8(truncatingIfNeeded: n)
            }
            return .bytevector(SBytevector([UInt8](repeating: fill, count: count)))
        }
        library.define("bytevector?") { value in
            if case .bytevector = value { return .true }
            return .false
        }
        library.define("bytevector-length") { bytevector in
            .fixnum(try bytevector.expectBytevector("bytevector-length", 1).bytes.count)
        }
        library.define("bytevector-u8-ref") { bytevector, k in
            let bytevector = try bytevector.expectBytevector("bytevector-u8-ref", 1)
            return .fixnum(Int(bytevector.bytes[try index(k, in: bytevector.bytes.count, "bytevector-u8-ref", 2)]))
        }
        library.define("bytevector-s8-ref") { bytevector, k in
            let bytevector = try bytevector.expectBytevector("bytevector-s8-ref", 1)
            let byte = bytevector.bytes[try index(k, in: bytevector.bytes.count, "bytevector-s8-ref", 2)]
            return .fixnum(Int(Int8(bitPattern: byte)))
        }
        library.define("bytevector-u8-set!") { bytevector, k, value in
            try setByte(bytevector, k, value, "bytevector-u8-set!", range: 0...255)
        }
        library.define("bytevector-s8-set!") { bytevector, k, value in
            try setByte(bytevector, k, value, "bytevector-s8-set!", range: -128...127)
        }
        library.define("bytevector-copy", arity: 1, 3) { arguments in
            let bytevector = try arguments[0].expectBytevector("bytevector-copy", 1)
            let range = try ListSupport.range(arguments, startAt: 1, count: bytevector.bytes.count, "bytevector-copy")
            return .bytevector(SBytevector(Array(bytevector.bytes[range])))
        }
        library.define("bytevector-copy!", arity: 3, 5) { arguments in try copyBytes(arguments) }
        library.define("bytevector-append", arity: 0, nil) { arguments in
            var bytes: [UInt8] = []
            for (offset, bytevector) in arguments.enumerated() {
                bytes += try bytevector.expectBytevector("bytevector-append", offset + 1).bytes
            }
            return .bytevector(SBytevector(bytes))
        }
        library.define("bytevector-fill!", arity: 2, 4) { arguments in
            let bytevector = try arguments[0].expectBytevector("bytevector-fill!", 1)
            let n = try arguments[1].expectFixnum("bytevector-fill!", 2)
            guard n >= -128, n <= 255 else {
                throw SchemeError.outOfRange(procedure: "bytevector-fill!", position: 2, got: arguments[1])
            }
            let range = try ListSupport.range(arguments, startAt: 2, count: bytevector.bytes.count, "bytevector-fill!")
            for position in range { bytevector.bytes[position] = UInt8(truncatingIfNeeded: n) }
            return .unspecified
        }
        library.define("bytevector=?") { a, b in
            .boolean(try a.expectBytevector("bytevector=?", 1).bytes == b.expectBytevector("bytevector=?", 2).bytes)
        }
        library.define("u8-list->bytevector") { list in
            let elements = try ListSupport.elements(list, "u8-list->bytevector", 1)
            return .bytevector(SBytevector(try elements.map { try octet($0, "u8-list->bytevector", 1) }))
        }
        library.define("bytevector->u8-list") { bytevector in
            Value.list(try bytevector.expectBytevector("bytevector->u8-list", 1).bytes.map { .fixnum(Int($0)) })
        }
        library.define("utf8->string", arity: 1, 3) { arguments in
            let bytevector = try arguments[0].expectBytevector("utf8->string", 1)
            let range = try ListSupport.range(arguments, startAt: 1, count: bytevector.bytes.count, "utf8->string")
            return .string(SString(scalars: try decodeUTF8(bytevector.bytes[range], arguments[0])))
        }
        library.define("string->utf8", arity: 1, 3) { arguments in
            let string = try arguments[0].expectString("string->utf8", 1)
            let range = try ListSupport.range(arguments, startAt: 1, count: string.scalars.count, "string->utf8")
            var bytes: [UInt8] = []
            bytes.reserveCapacity(range.count)
            for scalar in string.scalars[range] { UTF8.encode(scalar) { bytes.append($0) } }
            return .bytevector(SBytevector(bytes))
        }
    }

    /// An element of a bytevector literal or list: an exact integer 0–255.
    private static func octet(_ value: Value, _ who: String, _ position: Int) throws -> UInt8 {
        guard case .fixnum(let n) = value, let byte = UInt8(exactly: n) else {
            throw SchemeError.wrongType(procedure: who, position: position, expected: "octet", got: value)
        }
        return byte
    }

    private static func setByte(_ bytevector: Value, _ k: Value, _ value: Value, _ who: String, range: ClosedRange<Int>) throws -> Value {
        let bytevector = try bytevector.expectBytevector(who, 1)
        let position = try index(k, in: bytevector.bytes.count, who, 2)
        let n = try value.expectFixnum(who, 3)
        guard range.contains(n) else { throw SchemeError.outOfRange(procedure: who, position: 3, got: value) }
        bytevector.bytes[position] = UInt8(truncatingIfNeeded: n)
        return .unspecified
    }

    /// `bytevector-copy!` in both conventions: Guile's core (R6RS) form
    /// `(source source-start target target-start count)` with five arguments,
    /// R7RS's `(target at source [start [end]])` with three or four. With five
    /// arguments the two are ambiguous; Guile's default binding is R6RS.
    private static func copyBytes(_ arguments: [Value]) throws -> Value {
        let who = "bytevector-copy!"
        let source: SBytevector
        let range: Range<Int>
        let target: SBytevector
        let at: Int
        let atArgument: Value
        let atPosition: Int
        if arguments.count == 5 {
            source = try arguments[0].expectBytevector(who, 1)
            let start = try arguments[1].expectIndex(who, 2)
            target = try arguments[2].expectBytevector(who, 3)
            at = try arguments[3].expectIndex(who, 4)
            let count = try arguments[4].expectIndex(who, 5)
            guard start <= source.bytes.count, count <= source.bytes.count - start else {
                throw SchemeError.outOfRange(procedure: who, position: 5, got: arguments[4])
            }
            range = start..<(start + count)
            (atArgument, atPosition) = (arguments[3], 4)
        } else {
            target = try arguments[0].expectBytevector(who, 1)
            at = try arguments[1].expectIndex(who, 2)
            source = try arguments[2].expectBytevector(who, 3)
            range = try ListSupport.range(arguments, startAt: 3, count: source.bytes.count, who)
            (atArgument, atPosition) = (arguments[1], 2)
        }
        guard at <= target.bytes.count, range.count <= target.bytes.count - at else {
            throw SchemeError.outOfRange(procedure: who, position: atPosition, got: atArgument)
        }
        let slice = Array(source.bytes[range])
        target.bytes.replaceSubrange(at..<(at + slice.count), with: slice)
        return .unspecified
    }

    /// Strict UTF-8 decoding; like Guile, malformed input is an error rather
    /// than replacement characters.
    static func decodeUTF8(_ bytes: ArraySlice<UInt8>, _ original: Value) throws -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return scalars
            case .error:
                throw SchemeError(
                    .misc, who: "utf8->string", message: "in procedure utf8->string: decoding error: invalid UTF-8",
                    irritants: [original])
            }
        }
    }
}
