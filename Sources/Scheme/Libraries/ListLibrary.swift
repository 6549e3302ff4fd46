/// R7RS and Guile core list procedures: pairs, `c[ad]r` compositions, length,
/// append, reverse, indexing, membership, association lookup, `map` and
/// `for-each`. Every procedure iterates (never recurses) down list spines so
/// that lists of millions of elements work.
extension Libraries {
    package static func installLists(into library: inout LibraryBuilder) {
        installPairs(into: &library)
        installListConstruction(into: &library)
        installListAccess(into: &library)
        installMembership(into: &library)
        installListDeletion(into: &library)
        installMapping(into: &library)
    }

    private static func installPairs(into library: inout LibraryBuilder) {
        library.define("cons") { car, cdr in .pair(Pair(car, cdr)) }
        library.define("car") { value in try value.expectPair("car", 1).car }
        library.define("cdr") { value in try value.expectPair("cdr", 1).cdr }
        library.define("set-car!") { pair, value in
            try pair.expectPair("set-car!", 1).car = value
            return .unspecified
        }
        library.define("set-cdr!") { pair, value in
            try pair.expectPair("set-cdr!", 1).cdr = value
            return .unspecified
        }
        // caar … cddddr: each letter between c and r, read right to left, is one car or cdr.
        for length in 2...4 {
            for bits in 0..<(1 << length) {
                let takesCar = (0..<length).map { bits & (1 << $0) == 0 }
                let name = "c" + String(takesCar.map { $0 ? "a" : "d" }) + "r"
                let steps = Array(takesCar.reversed())
                library.define(name) { value in
                    var current = value
                    for takeCar in steps {
                        guard case .pair(let pair) = current else {
                            throw SchemeError.wrongType(procedure: name, position: 1, expected: "pair", got: current)
                        }
                        current = takeCar ? pair.car : pair.cdr
                    }
                    return current
                }
            }
        }
        library.define("pair?") { value in
            if case .pair = value { return .true }
            return .false
        }
        library.define("null?") { value in .boolean(value.isNull) }
        library.define("list?") { value in
            var walker = PairWalker(value)
            while walker.next() != nil {}
            return .boolean(walker.endedProperly)
        }
    }

    private static func installListConstruction(into library: inout LibraryBuilder) {
        library.define("list", arity: 0, nil) { arguments in Value.list(arguments) }
        library.define("cons*", arity: 1, nil) { arguments in
            Value.list(Array(arguments.dropLast()), tail: arguments.last ?? .null)
        }
        library.define("make-list", arity: 1, 2) { arguments in
            let count = try arguments[0].expectIndex("make-list", 1)
            let fill = arguments.count > 1 ? arguments[1] : .null
            var result: Value = .null
            for _ in 0..<count { result = .pair(Pair(fill, result)) }
            return result
        }
        library.define("length") { list in
            if case .pair(let first) = list, case .proper(let count)? = InPlaceList.spine(from: first) { return .fixnum(count) }
            var walker = PairWalker(list)
            var count = 0
            while walker.next() != nil { count += 1 }
            guard walker.endedProperly else {
                throw SchemeError.wrongType(procedure: "length", position: 1, expected: "list", got: list)
            }
            return .fixnum(count)
        }
        library.define("append", arity: 0, nil) { arguments in
            guard let tail = arguments.last else { return .null }
            var builder = ListBuilder()
            for (index, list) in arguments.dropLast().enumerated() {
                var walker = PairWalker(list)
                while let pair = walker.next() { builder.append(pair.car) }
                guard walker.endedProperly else {
                    let culprit = walker.isCircular ? list : walker.rest
                    throw SchemeError.wrongType(procedure: "append", position: index + 1, expected: "empty list", got: culprit)
                }
            }
            return builder.finish(tail: tail)
        }
        library.define("append!", arity: 0, nil) { arguments in try appendInPlace(arguments, "append!") }
        library.define("reverse") { list in
            var walker = PairWalker(list)
            var result: Value = .null
            while let pair = walker.next() { result = .pair(Pair(pair.car, result)) }
            guard walker.endedProperly else {
                throw SchemeError.wrongType(procedure: "reverse", position: 1, expected: "list", got: list)
            }
            return result
        }
        library.define("reverse!", arity: 1, 2) { arguments in
            try reverseInPlace(arguments[0], onto: arguments.count > 1 ? arguments[1] : .null, "reverse!")
        }
        library.define("list-copy") { list in
            var walker = PairWalker(list)
            var builder = ListBuilder()
            while let pair = walker.next() { builder.append(pair.car) }
            if walker.isCircular {
                throw SchemeError.wrongType(procedure: "list-copy", position: 1, expected: "list", got: list)
            }
            return builder.finish(tail: walker.rest)
        }
    }

    /// Destructively concatenates lists: each non-empty list's last pair is
    /// pointed at the next argument. The last argument may be any object.
    static func appendInPlace(_ arguments: [Value], _ who: String) throws -> Value {
        var result: Value = .null
        var lastPair: Pair?
        for (index, list) in arguments.enumerated() {
            let isLast = index == arguments.count - 1
            if !isLast, list.isNull { continue }
            if let lastPair { lastPair.cdr = list } else { result = list }
            if isLast { break }
            var walker = PairWalker(list)
            var end: Pair?
            while let pair = walker.next() { end = pair }
            guard walker.endedProperly, let end else {
                throw SchemeError.wrongType(procedure: who, position: index + 1, expected: "list", got: list)
            }
            lastPair = end
        }
        return result
    }

    /// Reverses a proper list by reusing its pairs; `tail` ends the result.
    static func reverseInPlace(_ list: Value, onto tail: Value, _ who: String) throws -> Value {
        // Check first so that an improper list is not left half reversed.
        _ = try ListSupport.elementsCount(list, who, 1)
        var reversed = tail
        var current = list
        while case .pair(let pair) = current {
            current = pair.cdr
            pair.cdr = reversed
            reversed = .pair(pair)
        }
        return reversed
    }

    private static func installListAccess(into library: inout LibraryBuilder) {
        library.define("list-tail") { list, k in try listTail(list, k, "list-tail") }
        library.define("list-head") { list, k in try listHead(list, k, "list-head") }
        library.define("list-ref") { list, k in try nthPair(list, k, "list-ref").car }
        library.define("list-set!") { list, k, value in
            try nthPair(list, k, "list-set!").car = value
            return .unspecified
        }
        library.define("last-pair") { list in
            var walker = PairWalker(list)
            var last: Pair?
            while let pair = walker.next() { last = pair }
            if walker.isCircular {
                throw SchemeError.wrongType(procedure: "last-pair", position: 1, expected: "list", got: list)
            }
            return last.map { .pair($0) } ?? list
        }
    }

    /// The list after its first `k` pairs (Guile's errors: a short list is a
    /// wrong-type `()` in position 1).
    static func listTail(_ list: Value, _ k: Value, _ who: String) throws -> Value {
        let count = try k.expectIndex(who, 2)
        var current = list
        for _ in 0..<count {
            guard case .pair(let pair) = current else {
                throw SchemeError.wrongType(procedure: who, position: 1, expected: "pair", got: current)
            }
            current = pair.cdr
        }
        return current
    }

    /// A fresh list of the first `k` elements.
    static func listHead(_ list: Value, _ k: Value, _ who: String) throws -> Value {
        let count = try k.expectIndex(who, 2)
        var builder = ListBuilder()
        var current = list
        for _ in 0..<count {
            guard case .pair(let pair) = current else {
                throw SchemeError.wrongType(procedure: who, position: 1, expected: "pair", got: current)
            }
            builder.append(pair.car)
            current = pair.cdr
        }
        return builder.finish()
    }

    /// The pair at index `k`, or an out-of-range error naming argument 2.
    static func nthPair(_ list: Value, _ k: Value, _ who: String) throws -> Pair {
        let index = try k.expectIndex(who, 2)
        var current = list
        var remaining = index
        while case .pair(let pair) = current {
            if remaining == 0 { return pair }
            remaining -= 1
            current = pair.cdr
        }
        throw SchemeError.outOfRange(procedure: who, position: 2, got: k)
    }

    private static func installMembership(into library: inout LibraryBuilder) {
        let caller = SchemeCaller(library.runtime)
        library.define("memq") { item, list in
            if let found = ImmediateKey.member(item, in: list) { return found }
            return try member(item, list, "memq") { $0.isEq(item) }
        }
        library.define("memv") { item, list in
            if let found = ImmediateKey.member(item, in: list) { return found }
            return try member(item, list, "memv") { $0.isEqv(item) }
        }
        library.define("member", arity: 2, 3) { arguments in
            let item = arguments[0]
            guard arguments.count > 2 else { return try member(item, arguments[1], "member") { $0.isEqual(item) } }
            let same = try ListSupport.procedure(arguments[2], "member", 3)
            return try member(item, arguments[1], "member") { try caller.test(same, item, $0) }
        }
        library.define("assq") { key, alist in
            if let found = ImmediateKey.association(key, in: alist) { return found }
            return try association(key, alist, "assq") { $0.isEq(key) }
        }
        library.define("assv") { key, alist in
            if let found = ImmediateKey.association(key, in: alist) { return found }
            return try association(key, alist, "assv") { $0.isEqv(key) }
        }
        library.define("assoc", arity: 2, 3) { arguments in
            let key = arguments[0]
            guard arguments.count > 2 else { return try association(key, arguments[1], "assoc") { $0.isEqual(key) } }
            let same = try ListSupport.procedure(arguments[2], "assoc", 3)
            return try association(key, arguments[1], "assoc") { try caller.test(same, key, $0) }
        }
    }

    /// The first tail of `list` whose car satisfies `matches`, or `#f`.
    static func member(_ item: Value, _ list: Value, _ who: String, matches: (Value) throws -> Bool) throws -> Value {
        var walker = PairWalker(list)
        while let pair = walker.next() {
            if try matches(pair.car) { return .pair(pair) }
        }
        guard walker.endedProperly else {
            throw SchemeError.wrongType(procedure: who, position: 2, expected: "list", got: list)
        }
        return .false
    }

    /// The first entry of `alist` whose key satisfies `matches`, or `#f`.
    static func association(_ key: Value, _ alist: Value, _ who: String, matches: (Value) throws -> Bool) throws -> Value {
        var walker = PairWalker(alist)
        while let pair = walker.next() {
            guard case .pair(let entry) = pair.car else {
                throw SchemeError.wrongType(procedure: who, position: 2, expected: "association list", got: alist)
            }
            if try matches(entry.car) { return pair.car }
        }
        guard walker.endedProperly else {
            throw SchemeError.wrongType(procedure: who, position: 2, expected: "association list", got: alist)
        }
        return .false
    }

    private static func installMapping(into library: inout LibraryBuilder) {
        let caller = SchemeCaller(library.runtime)
        library.define("map", arity: 2, nil) { arguments in
            var builder = ListBuilder()
            try forEachTuple(arguments, "map", caller) { builder.append($0) }
            return builder.finish()
        }
        library.alias("map-in-order", to: "map")
        library.alias("map!", to: "map")
        library.define("for-each", arity: 2, nil) { arguments in
            try forEachTuple(arguments, "for-each", caller) { _ in }
            return .unspecified
        }
    }

    /// Applies `arguments[0]` to successive elements of the lists in
    /// `arguments[1...]`, in order, stopping at the shortest, and hands each
    /// result to `body`.
    static func forEachTuple(_ arguments: [Value], _ who: String, _ caller: SchemeCaller, _ body: (Value) throws -> Void) throws {
        let procedure = try ListSupport.procedure(arguments[0], who, 1)
        let lists = arguments.dropFirst()
        let count = try ListSupport.commonLength(lists, who, firstPosition: 2)
        if lists.count == 1, var current = lists.first {
            for _ in 0..<count {
                guard case .pair(let pair) = current else {
                    throw SchemeError.wrongType(procedure: who, position: 2, expected: "pair", got: current)
                }
                current = pair.cdr
                try body(caller.call(procedure, pair.car))
            }
            return
        }
        if lists.count == 2, var first = lists.first, var second = lists.last {
            for _ in 0..<count {
                // A procedure may have shortened a list since its length was taken.
                guard case .pair(let x) = first else {
                    throw SchemeError.wrongType(procedure: who, position: 2, expected: "pair", got: first)
                }
                guard case .pair(let y) = second else {
                    throw SchemeError.wrongType(procedure: who, position: 3, expected: "pair", got: second)
                }
                first = x.cdr
                second = y.cdr
                try body(caller.call(procedure, x.car, y.car))
            }
            return
        }
        var cursors = Array(lists)
        for _ in 0..<count {
            let cars = try ListSupport.step(&cursors, who, firstPosition: 2)
            try body(caller.apply(procedure, cars))
        }
    }
}

extension ListSupport {
    /// Length of a proper, finite list or a wrong-type error.
    static func elementsCount(_ list: Value, _ who: String, _ position: Int) throws -> Int {
        if case .pair(let first) = list, case .proper(let count)? = InPlaceList.spine(from: first) { return count }
        var walker = PairWalker(list)
        var count = 0
        while walker.next() != nil { count += 1 }
        guard walker.endedProperly else {
            throw SchemeError.wrongType(procedure: who, position: position, expected: "list", got: list)
        }
        return count
    }
}

/// Lookups with a key that `eq?`, `eqv?` and `equal?` all compare the same
/// way (small integers, characters, booleans, symbols) walk the list in place
/// (`InPlaceList`), without retaining each cell: several times faster on long
/// lists. Each returns nil to hand anything unusual (an improper or circular
/// list, a non-pair entry) to the checked walk, which reports the error.
enum ImmediateKey {
    /// The entry of `alist` whose car is `key`, `#f`, or nil.
    static func association(_ key: Value, in alist: Value) -> Value? {
        guard case .pair(let first) = alist else { return alist.isNull ? .false : nil }
        guard let bits = InPlaceList.Key(key) else { return nil }
        return outcome(InPlaceList.find(bits, from: first, entries: true)) { $0.car }
    }

    /// The first tail of `list` whose car is `key`, `#f`, or nil.
    static func member(_ key: Value, in list: Value) -> Value? {
        guard case .pair(let first) = list else { return list.isNull ? .false : nil }
        guard let bits = InPlaceList.Key(key) else { return nil }
        return outcome(InPlaceList.find(bits, from: first, entries: false)) { .pair($0) }
    }

    private static func outcome(_ outcome: InPlaceList.Outcome, _ found: (Pair) -> Value) -> Value? {
        switch outcome {
        case .found(let cell): return found(cell)
        case .ended(let last): return last.cdr.isNull ? .false : nil
        case .unusual: return nil
        }
    }
}
