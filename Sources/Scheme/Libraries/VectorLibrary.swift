/// Vectors: Guile core and R7RS procedures. Literal vectors are immutable,
/// as in Guile, and refuse every mutating procedure.
extension Libraries {
    package static func installVectors(into library: inout LibraryBuilder) {
        let caller = SchemeCaller(library.runtime)
        library.define("vector", arity: 0, nil) { arguments in .vector(SVector(arguments)) }
        library.define("make-vector", arity: 1, 2) { arguments in
            let count = try arguments[0].expectIndex("make-vector", 1)
            return .vector(SVector([Value](repeating: arguments.count > 1 ? arguments[1] : .unspecified, count: count)))
        }
        library.define("vector?") { value in
            if case .vector = value { return .true }
            return .false
        }
        library.define("vector-length") { vector in .fixnum(try vector.expectVector("vector-length", 1).elements.count) }
        library.define("vector-ref") { vector, k in
            let vector = try vector.expectVector("vector-ref", 1)
            return vector.elements[try index(k, in: vector.elements.count, "vector-ref", 2)]
        }
        library.define("vector-set!") { vector, k, value in
            let vector = try mutableVector(vector, "vector-set!", 1)
            vector.elements[try index(k, in: vector.elements.count, "vector-set!", 2)] = value
            return .unspecified
        }
        library.define("vector->list", arity: 1, 3) { arguments in
            let vector = try arguments[0].expectVector("vector->list", 1)
            let range = try ListSupport.range(arguments, startAt: 1, count: vector.elements.count, "vector->list")
            return Value.list(Array(vector.elements[range]))
        }
        library.define("list->vector") { list in .vector(SVector(try ListSupport.elements(list, "list->vector", 1))) }
        library.define("vector-fill!", arity: 2, 4) { arguments in
            let vector = try mutableVector(arguments[0], "vector-fill!", 1)
            let range = try ListSupport.range(arguments, startAt: 2, count: vector.elements.count, "vector-fill!")
            for position in range { vector.elements[position] = arguments[1] }
            return .unspecified
        }
        library.define("vector-copy", arity: 1, 3) { arguments in
            let vector = try arguments[0].expectVector("vector-copy", 1)
            let range = try ListSupport.range(arguments, startAt: 1, count: vector.elements.count, "vector-copy")
            return .vector(SVector(Array(vector.elements[range])))
        }
        library.define("vector-copy!", arity: 3, 5) { arguments in
            let target = try mutableVector(arguments[0], "vector-copy!", 1)
            let at = try arguments[1].expectIndex("vector-copy!", 2)
            let source = try arguments[2].expectVector("vector-copy!", 3)
            let range = try ListSupport.range(arguments, startAt: 3, count: source.elements.count, "vector-copy!")
            guard at <= target.elements.count, range.count <= target.elements.count - at else {
                throw SchemeError.outOfRange(procedure: "vector-copy!", position: 2, got: arguments[1])
            }
            // Copy out first: source and target may be the same vector.
            let slice = Array(source.elements[range])
            target.elements.replaceSubrange(at..<(at + slice.count), with: slice)
            return .unspecified
        }
        library.define("vector-append", arity: 0, nil) { arguments in
            var elements: [Value] = []
            for (offset, vector) in arguments.enumerated() {
                elements += try vector.expectVector("vector-append", offset + 1).elements
            }
            return .vector(SVector(elements))
        }
        library.define("vector-map", arity: 2, nil) { arguments in
            let procedure = try ListSupport.procedure(arguments[0], "vector-map", 1)
            let vectors = try vectorArguments(arguments, "vector-map")
            let count = vectors.map(\.count).min() ?? 0
            var results: [Value] = []
            results.reserveCapacity(count)
            for position in 0..<count {
                results.append(try caller.apply(procedure, try column(vectors, position, "vector-map")))
            }
            return .vector(SVector(results))
        }
        library.define("vector-for-each", arity: 2, nil) { arguments in
            let procedure = try ListSupport.procedure(arguments[0], "vector-for-each", 1)
            let vectors = try vectorArguments(arguments, "vector-for-each")
            let count = vectors.map(\.count).min() ?? 0
            for position in 0..<count {
                _ = try caller.apply(procedure, try column(vectors, position, "vector-for-each"))
            }
            return .unspecified
        }
        // Guile's (vector-move-left! v1 start1 end1 v2 start2); both directions
        // copy through a temporary, so overlap is handled either way.
        for name in ["vector-move-left!", "vector-move-right!"] {
            library.define(name, arity: 5, 5) { arguments in
                let source = try arguments[0].expectVector(name, 1)
                let range = try ListSupport.range(arguments, startAt: 1, count: source.elements.count, name)
                let target = try mutableVector(arguments[3], name, 4)
                let at = try arguments[4].expectIndex(name, 5)
                guard at <= target.elements.count, range.count <= target.elements.count - at else {
                    throw SchemeError.outOfRange(procedure: name, position: 5, got: arguments[4])
                }
                let slice = Array(source.elements[range])
                target.elements.replaceSubrange(at..<(at + slice.count), with: slice)
                return .unspecified
            }
        }
    }

    /// A checked index into a sequence of `count` elements.
    static func index(_ k: Value, in count: Int, _ who: String, _ position: Int) throws -> Int {
        let index = try k.expectIndex(who, position)
        guard index < count else { throw SchemeError.outOfRange(procedure: who, position: position, got: k) }
        return index
    }

    static func mutableVector(_ value: Value, _ who: String, _ position: Int) throws -> SVector {
        let vector = try value.expectVector(who, position)
        guard vector.isMutable else {
            throw SchemeError.wrongType(procedure: who, position: position, expected: "mutable vector", got: value)
        }
        return vector
    }

    /// The element arrays of `arguments[1...]`, snapshotted so a procedure
    /// that mutates a vector cannot make an index go stale.
    private static func vectorArguments(_ arguments: [Value], _ who: String) throws -> [[Value]] {
        try arguments.dropFirst().enumerated().map { try $1.expectVector(who, $0 + 2).elements }
    }

    private static func column(_ vectors: [[Value]], _ position: Int, _ who: String) throws -> [Value] {
        try vectors.map { elements in
            guard position < elements.count else {
                throw SchemeError.outOfRange(procedure: who, position: 2, got: .fixnum(position))
            }
            return elements[position]
        }
    }
}
