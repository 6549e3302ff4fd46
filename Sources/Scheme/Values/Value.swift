import BigInt

/// One Scheme value. Small payloads are stored inline; everything with identity
/// or mutable state (pairs, strings, vectors, procedures) is a class so that
/// `eq?` is pointer identity and mutation is visible through every reference.
package enum Value {
    case null
    case boolean(Bool)
    case fixnum(Int)
    case bignum(BigNumber)
    case rational(Ratio)
    case flonum(Double)
    case char(Unicode.Scalar)
    case string(SString)
    case symbol(Symbol)
    case keyword(Symbol)
    case pair(Pair)
    case vector(SVector)
    case bytevector(SBytevector)
    case procedure(Procedure)
    case record(Record)
    /// Zero or several values returned by `values`; exactly one value is never boxed.
    case values(MultipleValues)
    case unspecified
    case eof
    /// The value of a variable that is bound but not yet initialised (`letrec`).
    case undefined
    /// Hash tables, promises, parameters, ports, record types, conditions, macros…
    case object(SchemeObject)

    package static var `true`: Value { .boolean(true) }
    package static var `false`: Value { .boolean(false) }

    /// Everything except `#f` counts as true.
    @inline(__always) package var isTrue: Bool {
        if case .boolean(false) = self { return false }
        return true
    }

    @inline(__always) package var isFalse: Bool { !isTrue }

    package var isNull: Bool { if case .null = self { return true }; return false }

    package static func symbol(_ name: String) -> Value { .symbol(Symbol.intern(name)) }
    package static func keyword(_ name: String) -> Value { .keyword(Symbol.intern(name)) }
    package static func string(_ text: String) -> Value { .string(SString(text)) }

    package static func cons(_ car: Value, _ cdr: Value) -> Value { .pair(Pair(car, cdr)) }

    /// A proper list of `elements`, optionally ending in `tail` instead of `()`.
    package static func list(_ elements: [Value], tail: Value = .null) -> Value {
        var result = tail
        for element in elements.reversed() { result = .pair(Pair(element, result)) }
        return result
    }

    package static func list(_ elements: Value...) -> Value { list(elements) }

    /// The elements of a proper list, or nil when `self` is not one (improper or circular).
    package var listElements: [Value]? {
        // Compiling walks every form's lists: following the spine in place
        // saves two retains and releases per element.
        if case .pair(let first) = self, case .some(let elements) = InPlaceList.elements(from: first) {
            return elements
        }
        var result: [Value] = []
        var current = self
        var slow = self
        var step = 0
        while true {
            switch current {
            case .null: return result
            case .pair(let pair):
                result.append(pair.car)
                current = pair.cdr
                step += 1
                if step & 1 == 0, case .pair(let s) = slow {
                    slow = s.cdr
                    if case .pair(let c) = current, case .pair(let s2) = slow, c === s2 { return nil }
                }
            default: return nil
            }
        }
    }

    package var asPair: Pair? { if case .pair(let p) = self { return p }; return nil }
    package var asSymbol: Symbol? { if case .symbol(let s) = self { return s }; return nil }
    package var asProcedure: Procedure? { if case .procedure(let p) = self { return p }; return nil }
}

/// A mutable cons cell. `location` is where the reader found the list that starts here.
package final class Pair {
    package var car: Value
    package var cdr: Value
    /// `PackedLocation`: 8 bytes, no reference to count.
    private var packedLocation: UInt64

    package var location: SourceLocation? {
        get { PackedLocation.unpack(packedLocation) }
        set { packedLocation = PackedLocation.pack(newValue) }
    }

    @inline(__always) package init(_ car: Value, _ cdr: Value, location: SourceLocation? = nil) {
        self.car = car
        self.cdr = cdr
        self.packedLocation = PackedLocation.pack(location)
    }

    /// The location as `PackedLocation` bits (0: none).
    package var packedLocationBits: UInt64 { packedLocation }

    /// With a location already packed (`PackedLocation`), as the form cache stores them.
    @inline(__always) init(_ car: Value, _ cdr: Value, packedLocation: UInt64) {
        self.car = car
        self.cdr = cdr
        self.packedLocation = packedLocation
    }

    /// Releasing a million-element list must not recurse a million times:
    /// cells this one owns alone are detached onto a work list and released
    /// one by one.
    deinit {
        if case .pair = car {} else if case .pair = cdr {} else { return }
        var pending: [Pair] = []
        Pair.detach(&car, into: &pending)
        Pair.detach(&cdr, into: &pending)
        while let cell = pending.popLast() {
            Pair.detach(&cell.car, into: &pending)
            Pair.detach(&cell.cdr, into: &pending)
        }
    }

    private static func detach(_ value: inout Value, into pending: inout [Pair]) {
        guard case .pair(var cell) = value else { return }
        value = .null
        if isKnownUniquelyReferenced(&cell) { pending.append(cell) }
    }
}

/// A Scheme string: a mutable sequence of Unicode scalars, so `string-ref` is O(1).
/// Literal strings are immutable, as in Guile.
package final class SString {
    package var scalars: [Unicode.Scalar]
    package var isMutable: Bool

    package init(_ text: String, mutable: Bool = true) {
        scalars = Array(text.unicodeScalars)
        isMutable = mutable
    }

    package init(scalars: [Unicode.Scalar], mutable: Bool = true) {
        self.scalars = scalars
        isMutable = mutable
    }

    /// The text as a Swift string, encoded straight into its UTF-8 storage
    /// (appending scalar by scalar was a tenth of package evaluation).
    package var string: String {
        scalars.withUnsafeBufferPointer { source in
            var length = 0
            for scalar in source { length += UTF8.width(scalar) }
            return String(unsafeUninitializedCapacity: length) { target in
                var index = 0
                for scalar in source {
                    let value = scalar.value
                    if value < 0x80 {
                        target[index] = UInt8(truncatingIfNeeded: value)
                        index += 1
                    } else {
                        UTF8.encode(scalar) { unit in
                            target[index] = unit
                            index += 1
                        }
                    }
                }
                return index
            }
        }
    }
}

package final class SVector {
    package var elements: [Value]
    package var isMutable: Bool
    package init(_ elements: [Value], mutable: Bool = true) {
        self.elements = elements
        isMutable = mutable
    }
}

package final class SBytevector {
    package var bytes: [UInt8]
    package init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// An exact integer outside `Int`'s range. Arithmetic normalises results that fit
/// back into `.fixnum`, so a `BigNumber` is never in fixnum range.
package final class BigNumber {
    package let value: BigInt
    package init(_ value: BigInt) { self.value = value }
}

/// An exact non-integer rational in lowest terms with a positive denominator.
package final class Ratio {
    package let numerator: BigInt
    package let denominator: BigInt
    package init(numerator: BigInt, denominator: BigInt) {
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// Several values, from `(values a b …)` with a count other than one.
package final class MultipleValues {
    package let values: [Value]
    package init(_ values: [Value]) { self.values = values }
}

/// Base class of the heap objects that have no case of their own in `Value`.
/// Subclasses override `typeName` (used in error messages and `#<…>` printing).
package class SchemeObject {
    package init() {}
    package var typeName: String { "object" }
}

/// A record instance made by a `define-record-type` constructor.
package final class Record {
    package let type: RecordType
    package var fields: [Value]
    package init(type: RecordType, fields: [Value]) {
        self.type = type
        self.fields = fields
    }
}

package final class RecordType: SchemeObject {
    package let name: String
    package let fieldNames: [Symbol]
    /// Host hooks (gexp lowering, custom printers) attach data here by key.
    package var properties: [String: Value] = [:]
    package init(name: String, fieldNames: [Symbol]) {
        self.name = name
        self.fieldNames = fieldNames
    }
    package override var typeName: String { "record-type" }
}
