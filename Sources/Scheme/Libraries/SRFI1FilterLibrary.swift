/// SRFI-1 filtering, searching and deletion: `filter`, `partition`, `find`,
/// `any`, `every`, `span`, `delete`, `delete-duplicates`, ….
extension Libraries {
    static func installSRFI1Filters(into library: inout LibraryBuilder, _ caller: SchemeCaller) {
        // filter, remove and partition keep elements in order; the `!` forms share the code.
        library.define("filter") { predicate, list in
            try partitioned(predicate, list, "filter", caller).kept
        }
        library.define("remove") { predicate, list in
            try partitioned(predicate, list, "remove", caller).rejected
        }
        library.define("partition") { predicate, list in
            let (kept, rejected) = try partitioned(predicate, list, "partition", caller)
            return ListSupport.twoValues(kept, rejected)
        }
        library.alias("filter!", to: "filter")
        library.alias("remove!", to: "remove")
        library.alias("partition!", to: "partition")

        library.define("find") { predicate, list in
            let predicate = try ListSupport.procedure(predicate, "find", 1)
            return try findPair(list, "find") { try caller.test(predicate, $0) }?.car ?? .false
        }
        library.define("find-tail") { predicate, list in
            let predicate = try ListSupport.procedure(predicate, "find-tail", 1)
            return try findPair(list, "find-tail") { try caller.test(predicate, $0) }.map { .pair($0) } ?? .false
        }
        library.define("any", arity: 2, nil) { arguments in
            let predicate = try ListSupport.procedure(arguments[0], "any", 1)
            var result = Value.false
            try eachTuple(arguments.dropFirst(), "any", firstPosition: 2) { cars in
                result = try caller.apply(predicate, cars)
                return result.isFalse
            }
            return result
        }
        library.define("every", arity: 2, nil) { arguments in
            let predicate = try ListSupport.procedure(arguments[0], "every", 1)
            var result = Value.true
            try eachTuple(arguments.dropFirst(), "every", firstPosition: 2) { cars in
                result = try caller.apply(predicate, cars)
                return result.isTrue
            }
            return result
        }
        library.define("list-index", arity: 2, nil) { arguments in
            let predicate = try ListSupport.procedure(arguments[0], "list-index", 1)
            var index = 0
            var found = false
            try eachTuple(arguments.dropFirst(), "list-index", firstPosition: 2) { cars in
                found = try caller.apply(predicate, cars).isTrue
                if !found { index += 1 }
                return !found
            }
            return found ? .fixnum(index) : .false
        }
        library.define("take-while") { predicate, list in
            try spanned(predicate, list, "take-while", caller, whileTrue: true).prefix
        }
        library.alias("take-while!", to: "take-while")
        library.define("drop-while") { predicate, list in
            let predicate = try ListSupport.procedure(predicate, "drop-while", 1)
            return try findPair(list, "drop-while") { try !caller.test(predicate, $0) }.map { .pair($0) } ?? .null
        }
        library.define("span") { predicate, list in
            let (prefix, rest) = try spanned(predicate, list, "span", caller, whileTrue: true)
            return ListSupport.twoValues(prefix, rest)
        }
        library.define("break") { predicate, list in
            let (prefix, rest) = try spanned(predicate, list, "break", caller, whileTrue: false)
            return ListSupport.twoValues(prefix, rest)
        }
        library.alias("span!", to: "span")
        library.alias("break!", to: "break")

        library.define("delete", arity: 2, 3) { arguments in try delete(arguments, "delete", caller) }
        library.define("delete!", arity: 2, 3) { arguments in try delete(arguments, "delete!", caller) }
        library.define("delete-duplicates", arity: 1, 2) { arguments in
            try deleteDuplicates(arguments, "delete-duplicates", caller)
        }
        library.define("delete-duplicates!", arity: 1, 2) { arguments in
            try deleteDuplicates(arguments, "delete-duplicates!", caller)
        }
    }

    /// Splits a proper list into the elements that satisfy `predicate` and the rest.
    private static func partitioned(
        _ predicate: Value, _ list: Value, _ who: String, _ caller: SchemeCaller
    ) throws -> (kept: Value, rejected: Value) {
        let predicate = try ListSupport.procedure(predicate, who, 1)
        var kept = ListBuilder()
        var rejected = ListBuilder()
        for element in try ListSupport.elements(list, who, 2) {
            if try caller.test(predicate, element) { kept.append(element) } else { rejected.append(element) }
        }
        return (kept.finish(), rejected.finish())
    }

    /// The first pair whose car satisfies `matches`; nil when none does and
    /// the list is proper.
    private static func findPair(_ list: Value, _ who: String, matches: (Value) throws -> Bool) throws -> Pair? {
        var walker = PairWalker(list)
        while let pair = walker.next() {
            if try matches(pair.car) { return pair }
        }
        guard walker.endedProperly else {
            throw SchemeError.wrongType(procedure: who, position: 2, expected: "list", got: list)
        }
        return nil
    }

    /// The longest prefix whose elements satisfy (or, for `break`, fail)
    /// `predicate`, copied, and the shared rest of the list.
    private static func spanned(
        _ predicate: Value, _ list: Value, _ who: String, _ caller: SchemeCaller, whileTrue: Bool
    ) throws -> (prefix: Value, rest: Value) {
        let predicate = try ListSupport.procedure(predicate, who, 1)
        var prefix = ListBuilder()
        let rest = try findPair(list, who) { element in
            if try caller.test(predicate, element) != whileTrue { return true }
            prefix.append(element)
            return false
        }
        return (prefix.finish(), rest.map { .pair($0) } ?? .null)
    }

    /// `(delete x list [=])`: the elements `e` for which `(= x e)` is false.
    private static func delete(_ arguments: [Value], _ who: String, _ caller: SchemeCaller) throws -> Value {
        let item = arguments[0]
        let same: (Value) throws -> Bool
        if arguments.count > 2 {
            let predicate = try ListSupport.procedure(arguments[2], who, 3)
            same = { try caller.test(predicate, item, $0) }
        } else {
            same = { item.isEqual($0) }
        }
        var builder = ListBuilder()
        for element in try ListSupport.elements(arguments[1], who, 2) where try !same(element) {
            builder.append(element)
        }
        return builder.finish()
    }

    /// Keeps the first of each group of equivalent elements. With a built-in
    /// equivalence this uses hashing (linear time); any other predicate is
    /// called as `(= earlier later)` against every kept element.
    private static func deleteDuplicates(_ arguments: [Value], _ who: String, _ caller: SchemeCaller) throws -> Value {
        let elements = try ListSupport.elements(arguments[0], who, 1)
        var builder = ListBuilder()
        let predicate = arguments.count > 1 ? try ListSupport.procedure(arguments[1], who, 2) : nil
        let equivalence: Equivalence? = if let predicate { Equivalence.of(predicate) } else { .equal }
        if let equivalence {
            var seen = Set<HashedValue>()
            for element in elements where seen.insert(HashedValue(element, equivalence)).inserted {
                builder.append(element)
            }
            return builder.finish()
        }
        guard let predicate else { return builder.finish() }
        var kept: [Value] = []
        for element in elements {
            var duplicate = false
            for earlier in kept where try caller.test(predicate, earlier, element) {
                duplicate = true
                break
            }
            if !duplicate {
                kept.append(element)
                builder.append(element)
            }
        }
        return builder.finish()
    }
}
