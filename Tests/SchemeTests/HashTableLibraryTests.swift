import Testing
@testable import Scheme

/// Guile core and SRFI-69 hash tables; expected strings are Guile 3's output
/// except for iteration order, which is insertion order here.
@Suite struct HashTableLibraryTests {
    let env = ListTestEnvironment()

    @Test func coreAccessors() throws {
        let h = try env.call("make-hash-table")
        #expect(try env.written("hash-table?", h) == "#t")
        #expect(try env.written("hash-table?", S.list(1)) == "#f")
        #expect(try env.written("hash-set!", h, S.str("a"), .fixnum(1)) == "1")
        #expect(try env.written("hash-ref", h, S.str("a")) == "1")
        #expect(try env.written("hash-ref", h, S.str("b")) == "#f")
        #expect(try env.written("hash-ref", h, S.str("b"), .fixnum(5)) == "5")
        // A fresh string is equal? but not eq? to the key.
        #expect(try env.written("hashq-ref", h, S.str("a")) == "#f")
        #expect(try env.written("hash-get-handle", h, S.str("a")) == "(\"a\" . 1)")
        let handle = try env.call("hash-create-handle!", h, S.str("c"), .fixnum(3))
        #expect(handle.written() == "(\"c\" . 3)")
        handle.asPair?.cdr = .fixnum(30)
        #expect(try env.written("hash-ref", h, S.str("c")) == "30")
        #expect(try env.written("hash-create-handle!", h, S.str("c"), .fixnum(99)) == "(\"c\" . 30)")
        #expect(try env.written("hash-remove!", h, S.str("a")) == "(\"a\" . 1)")
        #expect(try env.written("hash-remove!", h, S.str("a")) == "#f")
        #expect(try env.written("hash-count", S.constant(.true), h) == "1")
        #expect(errorKind { try env.call("hash-ref", .fixnum(5), .fixnum(1)) } == .wrongType)
        #expect(errorKind { try env.call("hash-count", .fixnum(5), h) } == .wrongType)
    }

    @Test func eqAndEqvTables() throws {
        let h = try env.call("make-hash-table", .fixnum(31))
        let key = S.str("k")
        _ = try env.call("hashq-set!", h, key, .fixnum(1))
        #expect(try env.written("hashq-ref", h, key) == "1")
        #expect(try env.written("hashq-ref", h, S.str("k")) == "#f")
        // Mutating an eq?-hashed key must not lose it.
        let pairKey = Value.cons(.fixnum(1), .fixnum(2))
        _ = try env.call("hashq-set!", h, pairKey, S.sym("pair"))
        pairKey.asPair?.car = .fixnum(100)
        #expect(try env.written("hashq-ref", h, pairKey) == "pair")
        let v = try env.call("make-hash-table")
        _ = try env.call("hashv-set!", v, .flonum(1.5), S.sym("x"))
        #expect(try env.written("hashv-ref", v, .flonum(1.5)) == "x")
        #expect(try env.written("hashv-remove!", v, .flonum(1.5)) == "(1.5 . x)")
        #expect(try env.written("hashv-ref", v, .flonum(1.5)) == "#f")
    }

    @Test func traversalFollowsInsertionOrder() throws {
        let h = try env.call("make-hash-table")
        for (index, name) in ["x", "y", "z"].enumerated() {
            _ = try env.call("hash-set!", h, S.sym(name), .fixnum(index + 5))
        }
        #expect(try env.written("hash-map->list", S.cons, h) == "((x . 5) (y . 6) (z . 7))")
        let keyOnto = Value.procedure(Primitive("key-onto") { k, _, acc in .cons(k, acc) })
        #expect(try env.written("hash-fold", keyOnto, .null, h) == "(z y x)")
        var visited: [String] = []
        let visit = Value.procedure(Primitive("visit") { k, _ in
            visited.append(k.written())
            return .unspecified
        })
        _ = try env.call("hash-for-each", visit, h)
        #expect(visited == ["x", "y", "z"])
        let big = Value.procedure(Primitive("big") { _, v in .boolean(S.int(v) > 5) })
        #expect(try env.written("hash-count", big, h) == "2")
        _ = try env.call("hash-clear!", h)
        #expect(try env.written("hash-map->list", S.cons, h) == "()")
    }

    @Test func srfi69() throws {
        let h = try env.call("make-hash-table", S.isEqual)
        #expect(errorKind { try env.call("hash-table-ref", h, S.sym("x")) } == .misc)
        #expect(try env.written("hash-table-ref", h, S.sym("x"), S.constant(.fixnum(9))) == "9")
        #expect(try env.written("hash-table-set!", h, S.sym("x"), .fixnum(1)) == "#<unspecified>")
        #expect(try env.written("hash-table-ref", h, S.sym("x"), S.constant(.fixnum(9)), S.increment) == "2")
        #expect(try env.written("hash-table-ref/default", h, S.sym("y"), .fixnum(3)) == "3")
        #expect(errorKind { try env.call("hash-table-update!", h, S.sym("y"), S.increment) } == .misc)
        _ = try env.call("hash-table-update!", h, S.sym("y"), S.increment, S.constant(.fixnum(0)))
        _ = try env.call("hash-table-update!/default", h, S.sym("z"), S.increment, .fixnum(10))
        #expect(try env.written("hash-table->alist", h) == "((x . 1) (y . 1) (z . 11))")
        #expect(try env.written("hash-table-keys", h) == "(x y z)")
        #expect(try env.written("hash-table-values", h) == "(1 1 11)")
        #expect(try env.written("hash-table-size", h) == "3")
        #expect(try env.written("hash-table-exists?", h, S.sym("x")) == "#t")
        _ = try env.call("hash-table-delete!", h, S.sym("x"))
        #expect(try env.written("hash-table-contains?", h, S.sym("x")) == "#f")
        let copy = try env.call("hash-table-copy", h)
        _ = try env.call("hash-table-set!", copy, S.sym("w"), .fixnum(0))
        #expect(try env.written("hash-table-size", h) == "2")
        let keyOnto = Value.procedure(Primitive("key-onto") { k, _, acc in .cons(k, acc) })
        #expect(try env.written("hash-table-fold", copy, keyOnto, .null) == "(w z y)")
        let alist = Value.list([.cons(S.sym("a"), .fixnum(1)), .cons(S.sym("b"), .fixnum(2)), .cons(S.sym("a"), .fixnum(3))])
        #expect(try env.written("hash-table->alist", try env.call("alist->hash-table", alist)) == "((a . 1) (b . 2))")
        #expect(try env.written("hash-table-ref", try env.call("alist->hash-table", alist, S.isEq), S.sym("a")) == "1")
    }

    @Test func customEquivalence() throws {
        // SRFI-69 table with a Scheme predicate and hash function (= on numbers, hashed modulo 7).
        var hashCalls = 0
        let modHash = Value.procedure(Primitive("mod-hash") { key, bound in
            hashCalls += 1
            return .fixnum(S.int(key) % 7 % max(S.int(bound), 1))
        })
        let h = try env.call("make-hash-table", S.numberEqual, modHash)
        for n in 0..<50 { _ = try env.call("hash-table-set!", h, .fixnum(n), .fixnum(n * n)) }
        #expect(try env.written("hash-table-ref/default", h, .fixnum(49), .false) == "2401")
        #expect(try env.written("hash-table-size", h) == "50")
        _ = try env.call("hash-table-delete!", h, .fixnum(7))
        #expect(try env.written("hash-table-ref/default", h, .fixnum(7), .false) == "#f")
        #expect(try env.written("hash-table-size", h) == "49")
        #expect(hashCalls > 0)
        // Without a hash function lookups scan with the predicate.
        let scan = try env.call("make-hash-table", S.numberEqual)
        _ = try env.call("hash-table-set!", scan, .fixnum(1), S.sym("one"))
        #expect(try env.written("hash-table-ref/default", scan, .fixnum(1), .false) == "one")
        #expect(errorKind { try env.call("make-hash-table", S.numberEqual, .fixnum(3)) } == .wrongType)
    }

    @Test func manyEntriesAndRemovals() throws {
        let h = try env.call("make-hash-table")
        for n in 0..<20_000 { _ = try env.call("hash-set!", h, S.str("key\(n)"), .fixnum(n)) }
        for n in stride(from: 0, to: 20_000, by: 2) { _ = try env.call("hash-remove!", h, S.str("key\(n)")) }
        #expect(try env.written("hash-count", S.constant(.true), h) == "10000")
        #expect(try env.written("hash-ref", h, S.str("key19999")) == "19999")
        #expect(try env.written("hash-ref", h, S.str("key0")) == "#f")
        for n in 0..<20_000 { _ = try env.call("hash-set!", h, S.str("key\(n)"), .fixnum(-n)) }
        #expect(try env.written("hash-ref", h, S.str("key4")) == "-4")
        #expect(try env.written("hash-table-size", h) == "20000")
    }

    @Test func hashFunctions() throws {
        let first = try env.call("hash", S.str("abc"), .fixnum(100))
        #expect(first.isEqual(try env.call("hash", S.str("abc"), .fixnum(100))))
        #expect(S.int(first) >= 0 && S.int(first) < 100)
        // equal? structures hash alike, even deep ones; cyclic ones terminate.
        let deep = (0..<10_000).reduce(Value.null) { acc, n in .cons(.fixnum(n), acc) }
        let deepCopy = Value.list(deep.listElements ?? [])
        #expect(try env.call("hash", deep, .fixnum(1000)).isEqual(try env.call("hash", deepCopy, .fixnum(1000))))
        let cycle = try env.call("circular-list", .fixnum(1), .fixnum(2))
        _ = try env.call("hash", cycle, .fixnum(10))
        #expect(errorKind { try env.call("hash", S.str("a"), .fixnum(0)) } == .outOfRange)
    }
}
