/// SRFI-1's lists-as-sets procedures (`lset-adjoin`, `lset-union`, …) with
/// Guile's result orders and argument orders for the `=` predicate. With
/// `eq?`, `eqv?` or `equal?` membership is hashed; other predicates scan.
extension Libraries {
    static func installSRFI1Sets(into library: inout LibraryBuilder) {
        let caller = SchemeCaller(library.runtime)
        library.define("lset-adjoin", arity: 2, nil) { arguments in
            let same = try ListSupport.procedure(arguments[0], "lset-adjoin", 1)
            var result = arguments[1]
            var members = LsetMembers(same, caller, try ListSupport.elements(result, "lset-adjoin", 2))
            for element in arguments.dropFirst(2) where try !members.contains(element, candidateFirst: false) {
                members.insert(element)
                result = .pair(Pair(element, result))
            }
            return result
        }
        library.define("lset-union", arity: 1, nil) { arguments in try union(arguments, "lset-union", caller) }
        library.define("lset-union!", arity: 1, nil) { arguments in try union(arguments, "lset-union!", caller) }
        library.define("lset-intersection", arity: 2, nil) { arguments in
            try intersection(arguments, "lset-intersection", caller)
        }
        library.define("lset-intersection!", arity: 2, nil) { arguments in
            try intersection(arguments, "lset-intersection!", caller)
        }
        library.define("lset-difference", arity: 2, nil) { arguments in
            try difference(arguments, "lset-difference", caller)
        }
        library.define("lset-difference!", arity: 2, nil) { arguments in
            try difference(arguments, "lset-difference!", caller)
        }
        library.define("lset-xor", arity: 1, nil) { arguments in try exclusiveOr(arguments, "lset-xor", caller) }
        library.define("lset-xor!", arity: 1, nil) { arguments in try exclusiveOr(arguments, "lset-xor!", caller) }
        library.define("lset<=", arity: 1, nil) { arguments in
            let same = try ListSupport.procedure(arguments[0], "lset<=", 1)
            let lists = try arguments.dropFirst().enumerated().map { try ListSupport.elements($1, "lset<=", $0 + 2) }
            for (smaller, larger) in zip(lists, lists.dropFirst()) {
                guard try isSubset(smaller, of: larger, same, caller) else { return .false }
            }
            return .true
        }
        library.define("lset=", arity: 1, nil) { arguments in
            let same = try ListSupport.procedure(arguments[0], "lset=", 1)
            let lists = try arguments.dropFirst().enumerated().map { try ListSupport.elements($1, "lset=", $0 + 2) }
            for (a, b) in zip(lists, lists.dropFirst()) {
                guard try isSubset(a, of: b, same, caller), try isSubset(b, of: a, same, caller) else { return .false }
            }
            return .true
        }
    }

    private static func isSubset(_ smaller: [Value], of larger: [Value], _ same: Value, _ caller: SchemeCaller) throws -> Bool {
        let members = LsetMembers(same, caller, larger)
        for element in smaller where try !members.contains(element, candidateFirst: true) { return false }
        return true
    }

    /// Elements of later lists missing from the result are consed onto its
    /// front; the first non-empty list is shared, not copied.
    private static func union(_ arguments: [Value], _ who: String, _ caller: SchemeCaller) throws -> Value {
        let same = try ListSupport.procedure(arguments[0], who, 1)
        var result: Value = .null
        var members = LsetMembers(same, caller, [])
        for (offset, list) in arguments.dropFirst().enumerated() {
            let elements = try ListSupport.elements(list, who, offset + 2)
            if elements.isEmpty || list.isEq(result) { continue }
            if result.isNull {
                result = list
                members = LsetMembers(same, caller, elements)
                continue
            }
            for element in elements where try !members.contains(element, candidateFirst: false) {
                members.insert(element)
                result = .pair(Pair(element, result))
            }
        }
        return result
    }

    /// The elements of the first list that are in every other list.
    private static func intersection(_ arguments: [Value], _ who: String, _ caller: SchemeCaller) throws -> Value {
        let same = try ListSupport.procedure(arguments[0], who, 1)
        let first = arguments[1]
        let elements = try ListSupport.elements(first, who, 2)
        var others: [LsetMembers] = []
        for (offset, list) in arguments.dropFirst(2).enumerated() where !list.isEq(first) {
            let otherElements = try ListSupport.elements(list, who, offset + 3)
            if otherElements.isEmpty { return .null }
            others.append(LsetMembers(same, caller, otherElements))
        }
        if others.isEmpty { return first }
        var builder = ListBuilder()
        outer: for element in elements {
            for members in others where try !members.contains(element, candidateFirst: true) { continue outer }
            builder.append(element)
        }
        return builder.finish()
    }

    /// The elements of the first list that are in none of the others.
    private static func difference(_ arguments: [Value], _ who: String, _ caller: SchemeCaller) throws -> Value {
        let same = try ListSupport.procedure(arguments[0], who, 1)
        let first = arguments[1]
        let elements = try ListSupport.elements(first, who, 2)
        var others: [LsetMembers] = []
        for (offset, list) in arguments.dropFirst(2).enumerated() {
            let otherElements = try ListSupport.elements(list, who, offset + 3)
            if otherElements.isEmpty { continue }
            if list.isEq(first) { return .null }
            others.append(LsetMembers(same, caller, otherElements))
        }
        if others.isEmpty { return first }
        var builder = ListBuilder()
        outer: for element in elements {
            for members in others where try members.contains(element, candidateFirst: true) { continue outer }
            builder.append(element)
        }
        return builder.finish()
    }

    /// Folds "A xor B" over the lists the way SRFI-1's reference code does,
    /// which fixes Guile's result order: B's new elements consed onto A − B.
    private static func exclusiveOr(_ arguments: [Value], _ who: String, _ caller: SchemeCaller) throws -> Value {
        let same = try ListSupport.procedure(arguments[0], who, 1)
        var lists = try arguments.dropFirst().enumerated().map { try ListSupport.elements($1, who, $0 + 2) }
        guard !lists.isEmpty else { return .null }
        var a = lists.removeFirst()
        for b in lists {
            let inB = LsetMembers(same, caller, b)
            var aMinusB: [Value] = []
            var common: [Value] = []
            for x in a {
                if try inB.contains(x, candidateFirst: true) { common.append(x) } else { aMinusB.append(x) }
            }
            if aMinusB.isEmpty {
                let inA = LsetMembers(same, caller, a)
                a = try b.filter { try !inA.contains($0, candidateFirst: true) }
            } else if common.isEmpty {
                a = b + a
            } else {
                let inCommon = LsetMembers(same, caller, common)
                // Each new element is consed on, so they end up in reverse order.
                let added = try b.filter { try !inCommon.contains($0, candidateFirst: true) }
                a = added.reversed() + aMinusB
            }
        }
        return Value.list(a)
    }
}

/// Membership in a list under an `lset` predicate `=`. `candidateFirst`
/// chooses whether `=` sees the tested element or the member first.
struct LsetMembers {
    private let same: Value
    private let caller: SchemeCaller
    private let equivalence: Equivalence?
    private var hashed = Set<HashedValue>()
    private var elements: [Value] = []

    init(_ same: Value, _ caller: SchemeCaller, _ elements: [Value]) {
        self.same = same
        self.caller = caller
        equivalence = Equivalence.of(same)
        for element in elements { insert(element) }
    }

    mutating func insert(_ element: Value) {
        if let equivalence { hashed.insert(HashedValue(element, equivalence)) } else { elements.append(element) }
    }

    func contains(_ candidate: Value, candidateFirst: Bool) throws -> Bool {
        if let equivalence { return hashed.contains(HashedValue(candidate, equivalence)) }
        for member in elements {
            let matches =
                candidateFirst ? try caller.test(same, candidate, member) : try caller.test(same, member, candidate)
            if matches { return true }
        }
        return false
    }
}
