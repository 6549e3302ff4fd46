import BigInt

/// Hashing of Scheme values consistent with `eq?`, `eqv?` and `equal?`, used by
/// hash tables and by `delete-duplicates`. The hasher is deterministic (no
/// per-process seed) so `(hash "abc" 100)` is the same in every run.

/// The three built-in equivalences, ordered from finest to coarsest: values
/// that are `eq?` are `eqv?`, and values that are `eqv?` are `equal?`.
package enum Equivalence: Int, Comparable {
    case eq = 0, eqv = 1, equal = 2

    package static func < (lhs: Equivalence, rhs: Equivalence) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The built-in equivalence that a predicate argument denotes, if it is
    /// one of the core primitives. `string=?` agrees with `equal?` on strings.
    static func of(_ predicate: Value) -> Equivalence? {
        guard case .procedure(let procedure) = predicate, procedure is Primitive else { return nil }
        switch procedure.name {
        case "eq?": return .eq
        case "eqv?": return .eqv
        case "equal?", "string=?": return .equal
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .eq: return "eq?"
        case .eqv: return "eqv?"
        case .equal: return "equal?"
        }
    }

    @inline(__always) func same(_ a: Value, _ b: Value) -> Bool {
        switch self {
        case .eq: return a.isEq(b)
        case .eqv: return a.isEqv(b)
        case .equal: return a.isEqual(b)
        }
    }

    func hash(_ value: Value) -> Int {
        var hasher = StableHasher()
        switch self {
        case .eq: value.hashEq(into: &hasher)
        case .eqv: value.hashEqv(into: &hasher)
        case .equal:
            var budget = StableHasher.equalBudget
            value.hashEqual(into: &hasher, budget: &budget)
        }
        return hasher.value
    }
}

/// A value wrapped so that Swift collections compare it with one equivalence.
struct HashedValue: Hashable {
    let value: Value
    let equivalence: Equivalence
    let hashCode: Int

    init(_ value: Value, _ equivalence: Equivalence) {
        self.value = value
        self.equivalence = equivalence
        hashCode = equivalence.hash(value)
    }

    static func == (lhs: HashedValue, rhs: HashedValue) -> Bool { lhs.equivalence.same(lhs.value, rhs.value) }
    func hash(into hasher: inout Hasher) { hasher.combine(hashCode) }
}

/// A small deterministic hasher (splitmix64 mixing of each word).
struct StableHasher {
    /// How many nodes of a structure `equal?` hashing looks at: bounded so that
    /// huge or cyclic data costs little and cannot loop.
    static let equalBudget = 48

    private var state: UInt64 = 0x243F_6A88_85A3_08D3

    @inline(__always) mutating func combine(_ word: UInt64) {
        var z = (state ^ word) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        state = z ^ (z >> 31)
    }

    @inline(__always) mutating func combine(_ int: Int) { combine(UInt64(bitPattern: Int64(int))) }

    @inline(__always) mutating func combine(_ object: AnyObject) {
        combine(UInt64(UInt(bitPattern: ObjectIdentifier(object))))
    }

    mutating func combine(text: String) {
        for byte in text.utf8 { combine(UInt64(byte)) }
    }

    var value: Int { Int(truncatingIfNeeded: state) }
}

extension Value {
    /// Identity hash. Symbols hash by name (equal names of interned symbols
    /// mean the same object), which keeps symbol-keyed hashes deterministic.
    func hashEq(into hasher: inout StableHasher) {
        switch self {
        case .null: hasher.combine(1)
        case .boolean(let b): hasher.combine(b ? 2 : 3)
        case .fixnum(let n):
            hasher.combine(4)
            hasher.combine(n)
        case .char(let c):
            hasher.combine(5)
            hasher.combine(Int(c.value))
        case .symbol(let s):
            hasher.combine(6)
            hasher.combine(text: s.name)
        case .keyword(let s):
            hasher.combine(7)
            hasher.combine(text: s.name)
        case .flonum(let d):
            hasher.combine(8)
            hasher.combine(d.bitPattern)
        case .unspecified: hasher.combine(9)
        case .eof: hasher.combine(10)
        case .undefined: hasher.combine(11)
        case .pair(let o): hasher.combine(o)
        case .string(let o): hasher.combine(o)
        case .vector(let o): hasher.combine(o)
        case .bytevector(let o): hasher.combine(o)
        case .procedure(let o): hasher.combine(o)
        case .record(let o): hasher.combine(o)
        case .object(let o): hasher.combine(o)
        case .bignum(let o): hasher.combine(o)
        case .rational(let o): hasher.combine(o)
        case .values(let o): hasher.combine(o)
        }
    }

    /// `eqv?` hash: numbers by value, everything else by identity.
    func hashEqv(into hasher: inout StableHasher) {
        switch self {
        case .bignum(let n):
            hasher.combine(12)
            for word in n.value.words { hasher.combine(UInt64(word)) }
        case .rational(let r):
            hasher.combine(13)
            for word in r.numerator.words { hasher.combine(UInt64(word)) }
            hasher.combine(0)
            for word in r.denominator.words { hasher.combine(UInt64(word)) }
        case .flonum(let d) where d.isNaN:
            // All NaNs are eqv? to each other.
            hasher.combine(14)
        default: hashEq(into: &hasher)
        }
    }

    /// `equal?` hash: structure and contents, visiting at most `budget` nodes.
    /// Equal values visit the same nodes in the same order, so they agree.
    func hashEqual(into hasher: inout StableHasher, budget: inout Int) {
        var current = self
        while budget > 0 {
            budget -= 1
            switch current {
            case .pair(let pair):
                hasher.combine(15)
                pair.car.hashEqual(into: &hasher, budget: &budget)
                current = pair.cdr
                continue
            case .string(let s):
                hasher.combine(16)
                hasher.combine(s.scalars.count)
                for scalar in s.scalars { hasher.combine(UInt64(scalar.value)) }
            case .vector(let v):
                hasher.combine(17)
                hasher.combine(v.elements.count)
                for element in v.elements where budget > 0 { element.hashEqual(into: &hasher, budget: &budget) }
            case .bytevector(let b):
                hasher.combine(18)
                hasher.combine(b.bytes.count)
                for byte in b.bytes { hasher.combine(UInt64(byte)) }
            case .record(let r):
                // equal? compares records of one type field by field.
                hasher.combine(19)
                hasher.combine(r.type)
                for field in r.fields where budget > 0 { field.hashEqual(into: &hasher, budget: &budget) }
            default: current.hashEqv(into: &hasher)
            }
            return
        }
    }
}
