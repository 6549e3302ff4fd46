/// Shared helpers for the list, vector, hash-table and sort libraries: building
/// lists front to back, walking them without recursion, and calling Scheme
/// procedures from Swift.

/// Builds a list front to back with a tail pointer, so results of any length
/// are made in one pass without recursion or a final reverse.
struct ListBuilder {
    private var head: Value = .null
    private var last: Pair?

    init() {}

    var isEmpty: Bool { last == nil }

    mutating func append(_ element: Value) {
        let cell = Pair(element, .null)
        if let last { last.cdr = .pair(cell) } else { head = .pair(cell) }
        last = cell
    }

    /// Appends a fresh copy of every element of an array.
    mutating func append(contentsOf elements: [Value]) {
        for element in elements { append(element) }
    }

    /// The list built so far, ending in `tail` (normally `()`).
    func finish(tail: Value = .null) -> Value {
        guard let last else { return tail }
        last.cdr = tail
        return head
    }
}

/// Steps through the pairs of a list while checking for a cycle (Floyd's
/// tortoise and hare), so circular lists end in an error instead of a hang.
struct PairWalker {
    private(set) var rest: Value
    private var slow: Value
    private var steps = 0
    private(set) var isCircular = false

    init(_ list: Value) {
        rest = list
        slow = list
    }

    /// The next pair, or nil at the end of the list or once a cycle is found.
    mutating func next() -> Pair? {
        guard !isCircular, case .pair(let pair) = rest else { return nil }
        rest = pair.cdr
        steps &+= 1
        if steps & 1 == 0, case .pair(let tortoise) = slow {
            slow = tortoise.cdr
            if case .pair(let hare) = rest, case .pair(let tortoise) = slow, hare === tortoise {
                isCircular = true
            }
        }
        return pair
    }

    /// True when the walk ended at `()` rather than a dotted tail or a cycle.
    var endedProperly: Bool { !isCircular && rest.isNull }
}

/// Calls Scheme procedures. Holds the runtime unowned: the primitives that
/// capture a caller are owned (through the bindings) by that runtime.
struct SchemeCaller {
    // unowned(unsafe): a checked unowned reference costs an atomic
    // retain/release on every call, and the runtime outlives its primitives.
    unowned(unsafe) let runtime: Runtime

    init(_ runtime: Runtime) { self.runtime = runtime }

    // Calls of one to three arguments go through the runtime's specialised
    // entries: no argument array is allocated per call (map, fold and filter
    // call their procedure once per element).
    @inline(__always) func call(_ procedure: Value) throws -> Value {
        try runtime.call0(procedure, tail: false)
    }

    @inline(__always) func call(_ procedure: Value, _ x: Value) throws -> Value {
        try runtime.call1(procedure, x, tail: false)
    }

    @inline(__always) func call(_ procedure: Value, _ x: Value, _ y: Value) throws -> Value {
        try runtime.call2(procedure, x, y, tail: false)
    }

    @inline(__always) func call(_ procedure: Value, _ x: Value, _ y: Value, _ z: Value) throws -> Value {
        try runtime.call3(procedure, x, y, z, tail: false)
    }

    @inline(__always) func apply(_ procedure: Value, _ arguments: [Value]) throws -> Value {
        switch arguments.count {
        case 1: return try runtime.call1(procedure, arguments[0], tail: false)
        case 2: return try runtime.call2(procedure, arguments[0], arguments[1], tail: false)
        case 3: return try runtime.call3(procedure, arguments[0], arguments[1], arguments[2], tail: false)
        default: return try runtime.apply(procedure, arguments)
        }
    }

    /// Calls a predicate and reports whether it returned a true value.
    @inline(__always) func test(_ procedure: Value, _ x: Value) throws -> Bool {
        try call(procedure, x).isTrue
    }

    @inline(__always) func test(_ procedure: Value, _ x: Value, _ y: Value) throws -> Bool {
        try call(procedure, x, y).isTrue
    }

    @inline(__always) func test(_ procedure: Value, _ x: Value, _ y: Value, _ z: Value) throws -> Bool {
        try call(procedure, x, y, z).isTrue
    }
}

enum ListSupport {
    /// The elements of a proper list, or a wrong-type error naming `who`.
    static func elements(_ list: Value, _ who: String, _ position: Int) throws -> [Value] {
        if let elements = list.listElements { return elements }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "list", got: list)
    }

    /// Length of a proper list, nil for a circular one; dotted lists are an error
    /// (SRFI-1 `length+`).
    static func lengthPlus(_ list: Value, _ who: String, _ position: Int) throws -> Int? {
        if case .pair(let first) = list, let spine = InPlaceList.spine(from: first) {
            switch spine {
            case .proper(let count): return count
            case .circular: return nil
            case .dotted:
                throw SchemeError.wrongType(procedure: who, position: position, expected: "proper or circular list", got: list)
            }
        }
        var walker = PairWalker(list)
        var count = 0
        while walker.next() != nil { count += 1 }
        if walker.isCircular { return nil }
        guard walker.rest.isNull else {
            throw SchemeError.wrongType(procedure: who, position: position, expected: "proper or circular list", got: list)
        }
        return count
    }

    /// The number of steps that map-like procedures take over `lists`: the
    /// shortest finite one. At least one list must be finite.
    static func commonLength(_ lists: ArraySlice<Value>, _ who: String, firstPosition: Int) throws -> Int {
        var shortest: Int?
        for (offset, list) in lists.enumerated() {
            if let n = try lengthPlus(list, who, firstPosition + offset) {
                shortest = min(shortest ?? n, n)
            }
        }
        guard let shortest else {
            throw SchemeError.wrongType(procedure: who, position: firstPosition, expected: "proper list", got: lists.first ?? .null)
        }
        return shortest
    }

    /// Advances each cursor by one pair and returns the cars. The lengths were
    /// checked beforehand, but a procedure may have shortened a list since.
    static func step(_ cursors: inout [Value], _ who: String, firstPosition: Int) throws -> [Value] {
        var cars: [Value] = []
        cars.reserveCapacity(cursors.count)
        for index in cursors.indices {
            guard case .pair(let pair) = cursors[index] else {
                throw SchemeError.wrongType(procedure: who, position: firstPosition + index, expected: "pair", got: cursors[index])
            }
            cars.append(pair.car)
            cursors[index] = pair.cdr
        }
        return cars
    }

    /// A procedure argument, checked up front so the error names the caller.
    static func procedure(_ value: Value, _ who: String, _ position: Int) throws -> Value {
        _ = try value.expectProcedure(who, position)
        return value
    }

    /// Two results, as `values` returns them.
    static func twoValues(_ first: Value, _ second: Value) -> Value {
        .values(MultipleValues([first, second]))
    }

    /// An optional fixnum argument with a default.
    static func optionalIndex(_ arguments: [Value], _ index: Int, _ who: String, default value: Int) throws -> Int {
        guard index < arguments.count else { return value }
        return try arguments[index].expectIndex(who, index + 1)
    }

    /// Validates `[start, end)` against `count` for the R7RS optional-range procedures.
    static func range(_ arguments: [Value], startAt index: Int, count: Int, _ who: String) throws -> Range<Int> {
        let start = try optionalIndex(arguments, index, who, default: 0)
        guard start <= count else { throw SchemeError.outOfRange(procedure: who, position: index + 1, got: .fixnum(start)) }
        let end = try optionalIndex(arguments, index + 1, who, default: count)
        guard end >= start, end <= count else {
            throw SchemeError.outOfRange(procedure: who, position: index + 2, got: .fixnum(end))
        }
        return start..<end
    }
}

extension Libraries {
    /// Every procedure of the list, SRFI-1, association-list, vector,
    /// bytevector, hash-table and sorting libraries, in one call.
    package static func installDataStructures(into library: inout LibraryBuilder) {
        installLists(into: &library)
        installAssociationLists(into: &library)
        installSRFI1(into: &library)
        installVectors(into: &library)
        installBytevectors(into: &library)
        installBytevectorIntegers(into: &library)
        installHashTables(into: &library)
        installSorting(into: &library)
    }
}
