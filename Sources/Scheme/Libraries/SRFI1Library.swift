import BigInt

/// SRFI-1 as Guile's `(srfi srfi-1)` provides it: selectors, construction,
/// folds, mapping, filtering and searching. The deletion and `lset-`
/// procedures are in SRFI1SetLibrary.swift. The linear-update (`!`) variants
/// are the pure ones under another name, which SRFI-1 allows.
extension Libraries {
    package static func installSRFI1(into library: inout LibraryBuilder) {
        installSRFI1Selectors(into: &library)
        installSRFI1Construction(into: &library)
        installSRFI1Folds(into: &library, SchemeCaller(library.runtime))
        installSRFI1Filters(into: &library, SchemeCaller(library.runtime))
        installSRFI1Sets(into: &library)
    }

    /// Calls `body` with the cars of successive elements of `lists` until the
    /// shortest ends or `body` returns false. A single list is walked lazily
    /// (its tail checked only when reached); several are length-checked first.
    static func eachTuple(
        _ lists: ArraySlice<Value>, _ who: String, firstPosition: Int, _ body: ([Value]) throws -> Bool
    ) throws {
        if lists.count == 1, let list = lists.first {
            return try eachElement(list, who, position: firstPosition) { try body([$0]) }
        }
        let count = try ListSupport.commonLength(lists, who, firstPosition: firstPosition)
        var cursors = Array(lists)
        for _ in 0..<count {
            if try !body(ListSupport.step(&cursors, who, firstPosition: firstPosition)) { return }
        }
    }

    /// `eachTuple` for one list, without an array per element: the common
    /// case of `fold`, `filter-map` and the like.
    @inline(__always) static func eachElement(
        _ list: Value, _ who: String, position: Int, _ body: (Value) throws -> Bool
    ) throws {
        var walker = PairWalker(list)
        while let pair = walker.next() {
            if try !body(pair.car) { return }
        }
        guard walker.endedProperly else {
            throw SchemeError.wrongType(procedure: who, position: position, expected: "proper list", got: list)
        }
    }

    private static func installSRFI1Selectors(into library: inout LibraryBuilder) {
        let ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
        for (index, name) in ordinals.enumerated() {
            library.define(name) { list in
                var current = list
                for _ in 0..<index {
                    guard case .pair(let pair) = current else {
                        throw SchemeError.wrongType(procedure: name, position: 1, expected: "pair", got: current)
                    }
                    current = pair.cdr
                }
                return try current.expectPair(name, 1).car
            }
        }
        library.define("car+cdr") { pair in
            let pair = try pair.expectPair("car+cdr", 1)
            return ListSupport.twoValues(pair.car, pair.cdr)
        }
        library.define("take") { list, k in try listHead(list, k, "take") }
        library.alias("take!", to: "take")
        library.define("drop") { list, k in try listTail(list, k, "drop") }
        library.define("take-right") { list, k in
            var lead = try listTail(list, k, "take-right")
            var lag = list
            while case .pair(let pair) = lead, case .pair(let behind) = lag {
                lead = pair.cdr
                lag = behind.cdr
            }
            return lag
        }
        library.define("drop-right") { list, k in
            var lead = try listTail(list, k, "drop-right")
            var lag = list
            var builder = ListBuilder()
            while case .pair(let pair) = lead, case .pair(let behind) = lag {
                builder.append(behind.car)
                lead = pair.cdr
                lag = behind.cdr
            }
            return builder.finish()
        }
        library.alias("drop-right!", to: "drop-right")
        library.define("split-at") { list, k in
            ListSupport.twoValues(try listHead(list, k, "split-at"), try listTail(list, k, "split-at"))
        }
        library.alias("split-at!", to: "split-at")
        library.define("last") { list in
            var walker = PairWalker(list)
            var last: Pair?
            while let pair = walker.next() { last = pair }
            guard let last, !walker.isCircular else {
                throw SchemeError.wrongType(procedure: "last", position: 1, expected: "pair", got: list)
            }
            return last.car
        }
        library.define("length+") { list in
            try ListSupport.lengthPlus(list, "length+", 1).map { .fixnum($0) } ?? .false
        }
    }

    private static func installSRFI1Construction(into library: inout LibraryBuilder) {
        let caller = SchemeCaller(library.runtime)
        library.define("xcons") { a, b in .pair(Pair(b, a)) }
        library.define("list-tabulate") { count, procedure in
            let count = try count.expectIndex("list-tabulate", 1)
            let procedure = try ListSupport.procedure(procedure, "list-tabulate", 2)
            var builder = ListBuilder()
            for index in 0..<count { builder.append(try caller.call(procedure, .fixnum(index))) }
            return builder.finish()
        }
        library.define("iota", arity: 1, 3) { arguments in
            let count = try arguments[0].expectIndex("iota", 1)
            let start = arguments.count > 1 ? arguments[1] : .fixnum(0)
            let step = arguments.count > 2 ? arguments[2] : .fixnum(1)
            var builder = ListBuilder()
            for index in 0..<count { builder.append(try iotaElement(start, step, index)) }
            return builder.finish()
        }
        library.define("circular-list", arity: 1, nil) { arguments in
            var builder = ListBuilder()
            builder.append(contentsOf: arguments)
            let head = builder.finish()
            var end = head
            while case .pair(let pair) = end, case .pair = pair.cdr { end = pair.cdr }
            end.asPair?.cdr = head
            return head
        }
        library.define("proper-list?") { list in
            var walker = PairWalker(list)
            while walker.next() != nil {}
            return .boolean(walker.endedProperly)
        }
        library.define("circular-list?") { list in
            var walker = PairWalker(list)
            while walker.next() != nil {}
            return .boolean(walker.isCircular)
        }
        library.define("dotted-list?") { list in
            var walker = PairWalker(list)
            while walker.next() != nil {}
            return .boolean(!walker.isCircular && !walker.rest.isNull)
        }
        library.define("not-pair?") { value in
            if case .pair = value { return .false }
            return .true
        }
        library.define("null-list?") { value in
            switch value {
            case .null: return .true
            case .pair: return .false
            default: throw SchemeError.wrongType(procedure: "null-list?", position: 1, expected: "list", got: value)
            }
        }
        library.define("concatenate") { lists in
            try appendLists(ListSupport.elements(lists, "concatenate", 1), "concatenate")
        }
        library.alias("concatenate!", to: "concatenate")
        library.define("append-reverse") { reversedHead, tail in
            var walker = PairWalker(reversedHead)
            var result = tail
            while let pair = walker.next() { result = .pair(Pair(pair.car, result)) }
            guard walker.endedProperly else {
                throw SchemeError.wrongType(procedure: "append-reverse", position: 1, expected: "list", got: reversedHead)
            }
            return result
        }
        library.alias("append-reverse!", to: "append-reverse")
        library.define("zip", arity: 1, nil) { arguments in
            var builder = ListBuilder()
            try eachTuple(arguments[...], "zip", firstPosition: 1) { cars in
                builder.append(Value.list(cars))
                return true
            }
            return builder.finish()
        }
        for width in 1...5 {
            let name = "unzip\(width)"
            library.define(name) { lists in
                var columns = [ListBuilder](repeating: ListBuilder(), count: width)
                for element in try ListSupport.elements(lists, name, 1) {
                    var current = element
                    for column in 0..<width {
                        let pair = try current.expectPair(name, 1)
                        columns[column].append(pair.car)
                        current = pair.cdr
                    }
                }
                let results = columns.map { $0.finish() }
                return results.count == 1 ? results[0] : .values(MultipleValues(results))
            }
        }
        library.define("list=", arity: 1, nil) { arguments in
            let same = try ListSupport.procedure(arguments[0], "list=", 1)
            let lists = try arguments.dropFirst().enumerated().map { try ListSupport.elements($1, "list=", $0 + 2) }
            for (a, b) in zip(lists, lists.dropFirst()) {
                guard a.count == b.count else { return .false }
                for (x, y) in zip(a, b) where try !caller.test(same, x, y) { return .false }
            }
            return .true
        }
    }

    /// `append` over an array of lists: all but the last are copied.
    static func appendLists(_ lists: [Value], _ who: String) throws -> Value {
        guard let tail = lists.last else { return .null }
        var builder = ListBuilder()
        for list in lists.dropLast() {
            var walker = PairWalker(list)
            while let pair = walker.next() { builder.append(pair.car) }
            guard walker.endedProperly else {
                throw SchemeError.wrongType(procedure: who, position: 1, expected: "list", got: list)
            }
        }
        return builder.finish(tail: tail)
    }

    /// `start + index * step`, computed afresh for each element (as Guile
    /// does, so flonum steps do not accumulate rounding).
    static func iotaElement(_ start: Value, _ step: Value, _ index: Int) throws -> Value {
        if case .fixnum(let s) = start, case .fixnum(let d) = step {
            let (product, overflow1) = d.multipliedReportingOverflow(by: index)
            let (sum, overflow2) = s.addingReportingOverflow(product)
            if !overflow1 && !overflow2 { return .fixnum(sum) }
        }
        switch (start, step) {
        case (.flonum, _), (_, .flonum):
            return .flonum(try asDouble(start, 2) + Double(index) * (try asDouble(step, 3)))
        default:
            let sum = try asBigInt(start, 2) + BigInt(index) * (try asBigInt(step, 3))
            if let small = Int(exactly: sum) { return .fixnum(small) }
            return .bignum(BigNumber(sum))
        }
    }

    private static func asDouble(_ value: Value, _ position: Int) throws -> Double {
        switch value {
        case .flonum(let d): return d
        case .fixnum(let n): return Double(n)
        case .bignum(let n): return Double(n.value)
        default: throw SchemeError.wrongType(procedure: "iota", position: position, expected: "number", got: value)
        }
    }

    private static func asBigInt(_ value: Value, _ position: Int) throws -> BigInt {
        switch value {
        case .fixnum(let n): return BigInt(n)
        case .bignum(let n): return n.value
        default: throw SchemeError.wrongType(procedure: "iota", position: position, expected: "integer or real", got: value)
        }
    }

    private static func installSRFI1Folds(into library: inout LibraryBuilder, _ caller: SchemeCaller) {
        library.define("fold", arity: 3, nil) { arguments in
            let kons = try ListSupport.procedure(arguments[0], "fold", 1)
            var accumulator = arguments[1]
            if arguments.count == 3 {
                try eachElement(arguments[2], "fold", position: 3) { element in
                    accumulator = try caller.call(kons, element, accumulator)
                    return true
                }
                return accumulator
            }
            try eachTuple(arguments.dropFirst(2), "fold", firstPosition: 3) { cars in
                accumulator = try caller.apply(kons, cars + [accumulator])
                return true
            }
            return accumulator
        }
        library.define("fold-right", arity: 3, nil) { arguments in
            let kons = try ListSupport.procedure(arguments[0], "fold-right", 1)
            var accumulator = arguments[1]
            if arguments.count == 3 {
                for element in try ListSupport.elements(arguments[2], "fold-right", 3).reversed() {
                    accumulator = try caller.call(kons, element, accumulator)
                }
                return accumulator
            }
            // Guile reverses every list and folds from their ends, so lists of
            // unequal length are aligned at their last elements, not their first.
            let lists = try arguments.dropFirst(2).enumerated().map {
                try ListSupport.elements($1, "fold-right", $0 + 3)
            }
            let count = lists.map(\.count).min() ?? 0
            for offset in 1...max(count, 1) where offset <= count {
                let cars = lists.map { $0[$0.count - offset] }
                accumulator = try caller.apply(kons, cars + [accumulator])
            }
            return accumulator
        }
        library.define("pair-fold", arity: 3, nil) { arguments in
            let kons = try ListSupport.procedure(arguments[0], "pair-fold", 1)
            var accumulator = arguments[1]
            for tails in try pairTuples(arguments.dropFirst(2), "pair-fold") {
                accumulator = try caller.apply(kons, tails + [accumulator])
            }
            return accumulator
        }
        library.define("pair-fold-right", arity: 3, nil) { arguments in
            let kons = try ListSupport.procedure(arguments[0], "pair-fold-right", 1)
            var accumulator = arguments[1]
            for tails in try pairTuples(arguments.dropFirst(2), "pair-fold-right").reversed() {
                accumulator = try caller.apply(kons, tails + [accumulator])
            }
            return accumulator
        }
        library.define("pair-for-each", arity: 2, nil) { arguments in
            let procedure = try ListSupport.procedure(arguments[0], "pair-for-each", 1)
            for tails in try pairTuples(arguments.dropFirst(), "pair-for-each") { _ = try caller.apply(procedure, tails) }
            return .unspecified
        }
        library.define("reduce") { f, identity, list in
            let f = try ListSupport.procedure(f, "reduce", 1)
            let elements = try ListSupport.elements(list, "reduce", 3)
            guard var accumulator = elements.first else { return identity }
            for element in elements.dropFirst() { accumulator = try caller.call(f, element, accumulator) }
            return accumulator
        }
        library.define("reduce-right") { f, identity, list in
            let f = try ListSupport.procedure(f, "reduce-right", 1)
            let elements = try ListSupport.elements(list, "reduce-right", 3)
            guard var accumulator = elements.last else { return identity }
            for element in elements.dropLast().reversed() { accumulator = try caller.call(f, element, accumulator) }
            return accumulator
        }
        library.define("unfold", arity: 4, 5) { arguments in
            let (stop, mapper, successor) = (arguments[0], arguments[1], arguments[2])
            var seed = arguments[3]
            var builder = ListBuilder()
            while try !caller.test(stop, seed) {
                builder.append(try caller.call(mapper, seed))
                seed = try caller.call(successor, seed)
            }
            let tail = arguments.count > 4 ? try caller.call(arguments[4], seed) : .null
            return builder.finish(tail: tail)
        }
        library.define("unfold-right", arity: 4, 5) { arguments in
            let (stop, mapper, successor) = (arguments[0], arguments[1], arguments[2])
            var seed = arguments[3]
            var result = arguments.count > 4 ? arguments[4] : .null
            while try !caller.test(stop, seed) {
                result = .pair(Pair(try caller.call(mapper, seed), result))
                seed = try caller.call(successor, seed)
            }
            return result
        }
        library.define("append-map", arity: 2, nil) { arguments in
            let procedure = try ListSupport.procedure(arguments[0], "append-map", 1)
            var results: [Value] = []
            if arguments.count == 2 {
                try eachElement(arguments[1], "append-map", position: 2) { element in
                    results.append(try caller.call(procedure, element))
                    return true
                }
                return try appendLists(results, "append-map")
            }
            try eachTuple(arguments.dropFirst(), "append-map", firstPosition: 2) { cars in
                results.append(try caller.apply(procedure, cars))
                return true
            }
            return try appendLists(results, "append-map")
        }
        library.alias("append-map!", to: "append-map")
        library.define("filter-map", arity: 2, nil) { arguments in
            let procedure = try ListSupport.procedure(arguments[0], "filter-map", 1)
            var builder = ListBuilder()
            if arguments.count == 2 {
                try eachElement(arguments[1], "filter-map", position: 2) { element in
                    let result = try caller.call(procedure, element)
                    if result.isTrue { builder.append(result) }
                    return true
                }
                return builder.finish()
            }
            try eachTuple(arguments.dropFirst(), "filter-map", firstPosition: 2) { cars in
                let result = try caller.apply(procedure, cars)
                if result.isTrue { builder.append(result) }
                return true
            }
            return builder.finish()
        }
        library.define("count", arity: 2, nil) { arguments in
            let predicate = try ListSupport.procedure(arguments[0], "count", 1)
            var count = 0
            try eachTuple(arguments.dropFirst(), "count", firstPosition: 2) { cars in
                if try caller.apply(predicate, cars).isTrue { count += 1 }
                return true
            }
            return .fixnum(count)
        }
    }

    /// The successive tails of the lists for the `pair-` procedures, taken
    /// before any procedure runs so that it may modify the cdrs it is given.
    private static func pairTuples(_ lists: ArraySlice<Value>, _ who: String) throws -> [[Value]] {
        let count = try ListSupport.commonLength(lists, who, firstPosition: 2)
        var cursors = Array(lists)
        var tuples: [[Value]] = []
        tuples.reserveCapacity(count)
        for _ in 0..<count {
            tuples.append(cursors)
            _ = try ListSupport.step(&cursors, who, firstPosition: 2)
        }
        return tuples
    }
}
