import BigInt

/// Argument checks for primitives: each throws Guile-style wrong-type errors
/// naming the procedure and the 1-based argument position.
extension Value {
    package func expectFixnum(_ who: String, _ position: Int) throws -> Int {
        switch self {
        case .fixnum(let n): return n
        case .bignum: throw SchemeError.outOfRange(procedure: who, position: position, got: self)
        default: throw SchemeError.wrongType(procedure: who, position: position, expected: "exact integer", got: self)
        }
    }

    /// A non-negative fixnum, as used for indices and counts.
    package func expectIndex(_ who: String, _ position: Int) throws -> Int {
        let n = try expectFixnum(who, position)
        guard n >= 0 else { throw SchemeError.outOfRange(procedure: who, position: position, got: self) }
        return n
    }

    package func expectString(_ who: String, _ position: Int) throws -> SString {
        if case .string(let s) = self { return s }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "string", got: self)
    }

    package func expectSymbol(_ who: String, _ position: Int) throws -> Symbol {
        if case .symbol(let s) = self { return s }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "symbol", got: self)
    }

    package func expectPair(_ who: String, _ position: Int) throws -> Pair {
        if case .pair(let p) = self { return p }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "pair", got: self)
    }

    package func expectList(_ who: String, _ position: Int) throws -> [Value] {
        if let elements = listElements { return elements }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "list", got: self)
    }

    package func expectProcedure(_ who: String, _ position: Int) throws -> Procedure {
        if case .procedure(let p) = self { return p }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "procedure", got: self)
    }

    package func expectChar(_ who: String, _ position: Int) throws -> Unicode.Scalar {
        if case .char(let c) = self { return c }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "character", got: self)
    }

    package func expectVector(_ who: String, _ position: Int) throws -> SVector {
        if case .vector(let v) = self { return v }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "vector", got: self)
    }

    package func expectBytevector(_ who: String, _ position: Int) throws -> SBytevector {
        if case .bytevector(let b) = self { return b }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "bytevector", got: self)
    }
}
