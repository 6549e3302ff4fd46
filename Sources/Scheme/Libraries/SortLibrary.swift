/// Guile's sorting procedures on lists, vectors and strings. All sorts are
/// stable merge sorts (so `sort` and `stable-sort` agree); the `less`
/// procedure is Scheme and its errors propagate.
extension Libraries {
    package static func installSorting(into library: inout LibraryBuilder) {
        let caller = SchemeCaller(library.runtime)
        let orders = FixnumOrders(library.bindings)
        for name in ["sort", "stable-sort"] {
            library.define(name) { sequence, less in
                let less = try ListSupport.procedure(less, name, 2)
                let ordered = { (elements: [Value]) in
                    try orders.sorted(elements, by: less) ?? mergeSort(elements) { try caller.test(less, $0, $1) }
                }
                switch sequence {
                case .null: return .null
                case .pair: return Value.list(try ordered(try ListSupport.elements(sequence, name, 1)))
                case .vector(let vector): return .vector(SVector(try ordered(vector.elements)))
                case .string(let string):
                    let sorted = try ordered(string.scalars.map { .char($0) })
                    return .string(SString(scalars: sorted.compactMap { if case .char(let c) = $0 { c } else { nil } }))
                default: throw SchemeError.wrongType(procedure: name, position: 1, expected: "list or vector", got: sequence)
                }
            }
        }
        for name in ["sort!", "stable-sort!"] {
            library.define(name) { sequence, less in
                let less = try ListSupport.procedure(less, name, 2)
                let ordered = { (elements: [Value]) in
                    try orders.sorted(elements, by: less) ?? mergeSort(elements) { try caller.test(less, $0, $1) }
                }
                switch sequence {
                case .null: return .null
                case .pair:
                    // Reuse the pairs in place, so every reference to the list sees it sorted.
                    let sorted = try ordered(try ListSupport.elements(sequence, name, 1))
                    var current = sequence
                    for element in sorted {
                        guard case .pair(let pair) = current else { break }
                        pair.car = element
                        current = pair.cdr
                    }
                    return sequence
                case .vector:
                    let vector = try mutableVector(sequence, name, 1)
                    vector.elements = try ordered(vector.elements)
                    return sequence
                case .string(let string):
                    guard string.isMutable else {
                        throw SchemeError.wrongType(procedure: name, position: 1, expected: "mutable string", got: sequence)
                    }
                    let sorted = try ordered(string.scalars.map { .char($0) })
                    string.scalars = sorted.compactMap { if case .char(let c) = $0 { c } else { nil } }
                    return sequence
                default: throw SchemeError.wrongType(procedure: name, position: 1, expected: "list or vector", got: sequence)
                }
            }
        }
        library.define("sorted?") { sequence, less in
            let less = try ListSupport.procedure(less, "sorted?", 2)
            let elements: [Value]
            switch sequence {
            case .vector(let vector): elements = vector.elements
            case .string(let string): elements = string.scalars.map { .char($0) }
            default: elements = try ListSupport.elements(sequence, "sorted?", 1)
            }
            for (previous, next) in zip(elements, elements.dropFirst()) where try caller.test(less, next, previous) {
                return .false
            }
            return .true
        }
        for name in ["merge", "merge!"] {
            library.define(name) { first, second, less in
                let a = try ListSupport.elements(first, name, 1)
                let b = try ListSupport.elements(second, name, 2)
                let less = try ListSupport.procedure(less, name, 3)
                var builder = ListBuilder()
                var i = 0
                var j = 0
                while i < a.count, j < b.count {
                    // Ties take from the first list, which keeps the merge stable.
                    if try caller.test(less, b[j], a[i]) {
                        builder.append(b[j])
                        j += 1
                    } else {
                        builder.append(a[i])
                        i += 1
                    }
                }
                builder.append(contentsOf: Array(a[i...]))
                builder.append(contentsOf: Array(b[j...]))
                return builder.finish()
            }
        }
    }

    /// Bottom-up stable merge sort: runs of doubling width are merged
    /// between two buffers, so no recursion and O(n log n) comparisons.
    static func mergeSort(_ elements: [Value], less: (Value, Value) throws -> Bool) throws -> [Value] {
        let count = elements.count
        guard count > 1 else { return elements }
        var source = elements
        var target = elements
        var width = 1
        while width < count {
            var low = 0
            while low < count {
                let middle = min(low + width, count)
                let high = min(middle + width, count)
                var i = low
                var j = middle
                var k = low
                while i < middle, j < high {
                    // Take from the right run only when strictly less: stability.
                    if try less(source[j], source[i]) {
                        target[k] = source[j]
                        j += 1
                    } else {
                        target[k] = source[i]
                        i += 1
                    }
                    k += 1
                }
                while i < middle {
                    target[k] = source[i]
                    i += 1
                    k += 1
                }
                while j < high {
                    target[k] = source[j]
                    j += 1
                    k += 1
                }
                low = high
            }
            swap(&source, &target)
            width *= 2
        }
        return source
    }
}

/// The number library's own `<` and `>`: sorting fixnums by one of them needs
/// no call per comparison. Fixnums that compare equal are identical, so
/// stability cannot be observed and any sort will do.
struct FixnumOrders {
    private let less: Procedure?
    private let greater: Procedure?

    init(_ bindings: [(Symbol, Value)]) {
        less = bindings.last(where: { $0.0.name == "<" })?.1.asProcedure
        greater = bindings.last(where: { $0.0.name == ">" })?.1.asProcedure
    }

    /// `elements` sorted, or nil when `order` is another procedure or an element is not a fixnum.
    func sorted(_ elements: [Value], by order: Value) -> [Value]? {
        guard case .procedure(let procedure) = order else { return nil }
        let ascending: Bool
        if let less, procedure === less { ascending = true } else if let greater, procedure === greater { ascending = false } else { return nil }
        var numbers: [Int] = []
        numbers.reserveCapacity(elements.count)
        for element in elements {
            guard case .fixnum(let n) = element else { return nil }
            numbers.append(n)
        }
        if ascending { numbers.sort(by: <) } else { numbers.sort(by: >) }
        return numbers.map { .fixnum($0) }
    }
}
