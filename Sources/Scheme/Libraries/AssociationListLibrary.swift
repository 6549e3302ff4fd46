/// Guile's association-list procedures (`acons`, `assq-ref`, `assoc-set!`, …)
/// and SRFI-1's (`alist-cons`, `alist-copy`, `alist-delete`).
extension Libraries {
    package static func installAssociationLists(into library: inout LibraryBuilder) {
        let caller = SchemeCaller(library.runtime)
        library.define("acons") { key, value, alist in .pair(Pair(.pair(Pair(key, value)), alist)) }
        library.define("alist-cons") { key, value, alist in .pair(Pair(.pair(Pair(key, value)), alist)) }

        // Guile's `*-ref` forms skip anything that is not an entry and answer #f
        // for a non-list, rather than raising as `assq` does.
        library.define("assq-ref") { alist, key in lenientEntry(alist) { $0.isEq(key) }?.cdr ?? .false }
        library.define("assv-ref") { alist, key in lenientEntry(alist) { $0.isEqv(key) }?.cdr ?? .false }
        library.define("assoc-ref") { alist, key in lenientEntry(alist) { $0.isEqual(key) }?.cdr ?? .false }

        library.define("assq-set!") { alist, key, value in setEntry(alist, key, value) { $0.isEq(key) } }
        library.define("assv-set!") { alist, key, value in setEntry(alist, key, value) { $0.isEqv(key) } }
        library.define("assoc-set!") { alist, key, value in setEntry(alist, key, value) { $0.isEqual(key) } }

        library.define("assq-remove!") { alist, key in removeFirstEntry(alist) { $0.isEq(key) } }
        library.define("assv-remove!") { alist, key in removeFirstEntry(alist) { $0.isEqv(key) } }
        library.define("assoc-remove!") { alist, key in removeFirstEntry(alist) { $0.isEqual(key) } }

        library.define("alist-copy") { alist in
            var walker = PairWalker(alist)
            var builder = ListBuilder()
            while let pair = walker.next() {
                if case .pair(let entry) = pair.car {
                    builder.append(.pair(Pair(entry.car, entry.cdr)))
                } else {
                    builder.append(pair.car)
                }
            }
            guard walker.endedProperly else {
                throw SchemeError.wrongType(procedure: "alist-copy", position: 1, expected: "list", got: alist)
            }
            return builder.finish()
        }
        library.define("alist-delete", arity: 2, 3) { arguments in try alistDelete(arguments, "alist-delete", caller) }
        library.define("alist-delete!", arity: 2, 3) { arguments in try alistDelete(arguments, "alist-delete!", caller) }
    }

    /// The first entry whose key matches, skipping non-pairs; nil at the end
    /// of the list, at a dotted tail or once a cycle is detected.
    private static func lenientEntry(_ alist: Value, matches: (Value) -> Bool) -> Pair? {
        var walker = PairWalker(alist)
        while let pair = walker.next() {
            if case .pair(let entry) = pair.car, matches(entry.car) { return entry }
        }
        return nil
    }

    /// Replaces the value of an existing entry in place, or conses a new entry
    /// on the front; the caller must use the result.
    private static func setEntry(_ alist: Value, _ key: Value, _ value: Value, matches: (Value) -> Bool) -> Value {
        if let entry = lenientEntry(alist, matches: matches) {
            entry.cdr = value
            return alist
        }
        return .pair(Pair(.pair(Pair(key, value)), alist))
    }

    /// Unlinks the first matching entry; returns the (possibly new) head.
    private static func removeFirstEntry(_ alist: Value, matches: (Value) -> Bool) -> Value {
        var walker = PairWalker(alist)
        var previous: Pair?
        while let pair = walker.next() {
            if case .pair(let entry) = pair.car, matches(entry.car) {
                guard let previous else { return pair.cdr }
                previous.cdr = pair.cdr
                return alist
            }
            previous = pair
        }
        return alist
    }

    /// `(alist-delete key alist [=])`: a fresh alist without the entries whose
    /// key is `=` to `key`, where `=` is called as `(= key entry-key)`.
    private static func alistDelete(_ arguments: [Value], _ who: String, _ caller: SchemeCaller) throws -> Value {
        let key = arguments[0]
        let alist = arguments[1]
        let same = arguments.count > 2 ? try ListSupport.procedure(arguments[2], who, 3) : nil
        var walker = PairWalker(alist)
        var builder = ListBuilder()
        while let pair = walker.next() {
            guard case .pair(let entry) = pair.car else {
                throw SchemeError.wrongType(procedure: who, position: 2, expected: "association list", got: alist)
            }
            let matches = try same.map { try caller.test($0, key, entry.car) } ?? key.isEqual(entry.car)
            if !matches { builder.append(pair.car) }
        }
        guard walker.endedProperly else {
            throw SchemeError.wrongType(procedure: who, position: 2, expected: "list", got: alist)
        }
        return builder.finish()
    }
}
