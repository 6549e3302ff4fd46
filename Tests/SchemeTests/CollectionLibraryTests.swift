import Testing
@testable import Scheme

/// Vectors, bytevectors and sorting; expected strings are Guile 3's output.
@Suite struct CollectionLibraryTests {
    let env = ListTestEnvironment()

    @Test func vectors() throws {
        let v = S.vector(1, 2, 3)
        #expect(try env.written("vector", .fixnum(1), S.sym("a")) == "#(1 a)")
        #expect(try env.written("make-vector", .fixnum(2), .fixnum(0)) == "#(0 0)")
        #expect(try env.written("make-vector", .fixnum(1)) == "#(#<unspecified>)")
        #expect(errorKind { try env.call("make-vector", .fixnum(-1)) } == .outOfRange)
        #expect(try env.written("vector-length", v) == "3")
        #expect(errorKind { try env.call("vector-length", .fixnum(5)) } == .wrongType)
        #expect(try env.written("vector-ref", v, .fixnum(2)) == "3")
        #expect(errorKind { try env.call("vector-ref", v, .fixnum(-1)) } == .outOfRange)
        #expect(errorKind { try env.call("vector-ref", v, .fixnum(3)) } == .outOfRange)
        #expect(errorKind { try env.call("vector-ref", v, S.sym("a")) } == .wrongType)
        #expect(errorKind { try env.call("vector-ref", S.list(1), .fixnum(0)) } == .wrongType)
        _ = try env.call("vector-set!", v, .fixnum(0), S.sym("x"))
        #expect(v.written() == "#(x 2 3)")
        #expect(errorKind { try env.call("vector-set!", v, .fixnum(3), .fixnum(0)) } == .outOfRange)
        let literal = Value.vector(SVector([.fixnum(1)], mutable: false))
        #expect(errorKind { try env.call("vector-set!", literal, .fixnum(0), .fixnum(2)) } == .wrongType)
        #expect(errorKind { try env.call("vector-fill!", literal, .fixnum(2)) } == .wrongType)
        #expect(try env.written("vector->list", S.vector(1, 2, 3), .fixnum(1)) == "(2 3)")
        #expect(try env.written("vector->list", S.vector(1, 2, 3), .fixnum(1), .fixnum(2)) == "(2)")
        #expect(errorKind { try env.call("vector->list", S.vector(1, 2, 3), .fixnum(2), .fixnum(1)) } == .outOfRange)
        #expect(errorKind { try env.call("vector->list", S.vector(1, 2, 3), .fixnum(4)) } == .outOfRange)
        #expect(try env.written("list->vector", S.list(1, 2)) == "#(1 2)")
        #expect(errorKind { try env.call("list->vector", .cons(.fixnum(1), .fixnum(2))) } == .wrongType)
        let filled = S.vector(0, 0, 0)
        _ = try env.call("vector-fill!", filled, .fixnum(7), .fixnum(1))
        #expect(filled.written() == "#(0 7 7)")
        #expect(try env.written("vector-copy", S.vector(1, 2, 3), .fixnum(1)) == "#(2 3)")
        #expect(errorKind { try env.call("vector-copy", S.vector(1, 2, 3), .fixnum(1), .fixnum(5)) } == .outOfRange)
        let target = S.vector(1, 2, 3, 4)
        _ = try env.call("vector-copy!", target, .fixnum(0), S.vector(8, 9))
        #expect(target.written() == "#(8 9 3 4)")
        #expect(errorKind { try env.call("vector-copy!", target, .fixnum(3), S.vector(8, 9)) } == .outOfRange)
        let overlapping = S.vector(1, 2, 3, 4)
        _ = try env.call("vector-copy!", overlapping, .fixnum(1), overlapping, .fixnum(0), .fixnum(3))
        #expect(overlapping.written() == "#(1 1 2 3)")
        #expect(try env.written("vector-append", S.vector(1), S.vector(2, 3)) == "#(1 2 3)")
        #expect(errorKind { try env.call("vector-append", S.vector(1), .fixnum(2)) } == .wrongType)
        #expect(try env.written("vector-map", S.plus, S.vector(1, 2), S.vector(10, 20, 30)) == "#(11 22)")
        var total = 0
        let add = Value.procedure(Primitive("add") { a in
            total += S.int(a)
            return .unspecified
        })
        _ = try env.call("vector-for-each", add, S.vector(1, 2, 3))
        #expect(total == 6)
        let moved = S.vector(0, 0, 0)
        _ = try env.call("vector-move-left!", S.vector(1, 2, 3), .fixnum(1), .fixnum(3), moved, .fixnum(0))
        #expect(moved.written() == "#(2 3 0)")
    }

    @Test func bytevectors() throws {
        let b = try env.call("bytevector", .fixnum(1), .fixnum(2), .fixnum(3))
        #expect(b.written() == "#vu8(1 2 3)")
        #expect(errorKind { try env.call("bytevector", .fixnum(256)) } == .wrongType)
        #expect(try env.written("make-bytevector", .fixnum(2), .fixnum(255)) == "#vu8(255 255)")
        #expect(try env.written("make-bytevector", .fixnum(2), .fixnum(-1)) == "#vu8(255 255)")
        #expect(try env.written("make-bytevector", .fixnum(2)) == "#vu8(0 0)")
        #expect(errorKind { try env.call("make-bytevector", .fixnum(2), .fixnum(256)) } == .outOfRange)
        #expect(try env.written("bytevector-length", b) == "3")
        #expect(try env.written("bytevector-u8-ref", b, .fixnum(2)) == "3")
        #expect(errorKind { try env.call("bytevector-u8-ref", b, .fixnum(3)) } == .outOfRange)
        #expect(errorKind { try env.call("bytevector-u8-ref", b, .fixnum(-1)) } == .outOfRange)
        #expect(errorKind { try env.call("bytevector-u8-ref", .fixnum(5), .fixnum(0)) } == .wrongType)
        _ = try env.call("bytevector-u8-set!", b, .fixnum(0), .fixnum(255))
        #expect(try env.written("bytevector-s8-ref", b, .fixnum(0)) == "-1")
        #expect(errorKind { try env.call("bytevector-u8-set!", b, .fixnum(0), .fixnum(256)) } == .outOfRange)
        #expect(try env.written("bytevector-copy", b, .fixnum(1)) == "#vu8(2 3)")
        #expect(try env.written("bytevector-append", b, b) == "#vu8(255 2 3 255 2 3)")
        // R7RS (target at source [start end]) and R6RS (source start target start count).
        let target = try env.call("make-bytevector", .fixnum(3), .fixnum(0))
        _ = try env.call("bytevector-copy!", target, .fixnum(1), try env.call("bytevector", .fixnum(9), .fixnum(8)))
        #expect(target.written() == "#vu8(0 9 8)")
        let source = try env.call("bytevector", .fixnum(9), .fixnum(8))
        _ = try env.call("bytevector-copy!", source, .fixnum(1), target, .fixnum(0), .fixnum(1))
        #expect(target.written() == "#vu8(8 9 8)")
        #expect(errorKind { try env.call("bytevector-copy!", target, .fixnum(2), source) } == .outOfRange)
        #expect(try env.written("u8-list->bytevector", S.list(1, 2)) == "#vu8(1 2)")
        #expect(errorKind { try env.call("u8-list->bytevector", S.list(1, 256)) } == .wrongType)
        #expect(try env.written("bytevector->u8-list", source) == "(9 8)")
        #expect(try env.written("bytevector=?", source, try env.call("bytevector-copy", source)) == "#t")
        #expect(try env.written("utf8->string", try env.call("bytevector", .fixnum(65), .fixnum(66), .fixnum(67)), .fixnum(1)) == "\"BC\"")
        #expect(try env.written("string->utf8", S.str("héllo"), .fixnum(1), .fixnum(3)) == "#vu8(195 169 108)")
        #expect(try env.written("utf8->string", try env.call("string->utf8", S.str("λx → ∞"))) == "\"λx → ∞\"")
        let invalid = try env.call("bytevector", .fixnum(65), .fixnum(255), .fixnum(66))
        #expect(errorKind { try env.call("utf8->string", invalid) } == .misc)
        #expect(errorKind { try env.call("string->utf8", S.sym("a")) } == .wrongType)
    }

    @Test func sorting() throws {
        #expect(try env.written("sort", S.list(3, 1, 2), S.less) == "(1 2 3)")
        #expect(try env.written("sort", S.vector(3, 1, 2), S.less) == "#(1 2 3)")
        #expect(try env.written("sort", .null, S.less) == "()")
        #expect(try env.written("sort", .vector(SVector([])), S.less) == "#()")
        #expect(try env.written("sort", S.str("cba"), Value.procedure(Primitive("char<?") { a, b in
            guard case .char(let x) = a, case .char(let y) = b else { return .false }
            return .boolean(x.value < y.value)
        })) == "\"abc\"")
        #expect(errorKind { try env.call("sort", .fixnum(5), S.less) } == .wrongType)
        #expect(errorKind { try env.call("sort", .cons(.fixnum(1), .fixnum(2)), S.less) } == .wrongType)
        #expect(errorKind { try env.call("sort", S.list(3, 1, 2), .fixnum(5)) } == .wrongType)
        #expect(errorKind { try env.call("sort", S.list(3, 1, 2), S.boom) } == .misc)
        let keyed = S.list([
            .cons(.fixnum(1), S.sym("a")), .cons(.fixnum(0), S.sym("b")),
            .cons(.fixnum(1), S.sym("c")), .cons(.fixnum(0), S.sym("d")),
        ])
        let byCar = Value.procedure(Primitive("car<") { a, b in
            .boolean(S.int(a.asPair?.car ?? .null) < S.int(b.asPair?.car ?? .null))
        })
        #expect(try env.written("stable-sort", keyed, byCar) == "((0 . b) (0 . d) (1 . a) (1 . c))")
        #expect(try env.written("sort", keyed, byCar) == "((0 . b) (0 . d) (1 . a) (1 . c))")
        let list = S.list(3, 1, 2)
        #expect(try env.written("sort!", list, S.less) == "(1 2 3)")
        #expect(list.written() == "(1 2 3)")
        let vector = S.vector(3, 1, 2)
        _ = try env.call("sort!", vector, S.less)
        #expect(vector.written() == "#(1 2 3)")
        let literal = Value.vector(SVector([.fixnum(2), .fixnum(1)], mutable: false))
        #expect(errorKind { try env.call("sort!", literal, S.less) } == .wrongType)
        #expect(try env.written("sorted?", S.list(1, 2, 2, 3), S.less) == "#t")
        #expect(try env.written("sorted?", S.vector(3, 2), S.less) == "#f")
        #expect(try env.written("sorted?", .null, S.less) == "#t")
        #expect(try env.written("merge", S.list(1, 3, 5), S.list(2, 4), S.less) == "(1 2 3 4 5)")
        let tieA = S.list([.cons(.fixnum(1), S.sym("a"))])
        let tieB = S.list([.cons(.fixnum(1), S.sym("b"))])
        #expect(try env.written("merge", tieA, tieB, byCar) == "((1 . a) (1 . b))")
        #expect(errorKind { try env.call("merge", S.vector(1, 3), S.vector(2), S.less) } == .wrongType)
        #expect(try env.written("merge!", S.list(1, 3), S.list(2), S.less) == "(1 2 3)")
        // Stability over many equal keys.
        let many = S.list((0..<200).map { Value.cons(.fixnum($0 % 3), .fixnum($0)) })
        let sorted = try env.call("sort", many, byCar)
        let order = (sorted.listElements ?? []).map { S.int($0.asPair?.cdr ?? .null) }
        #expect(order == (0..<200).sorted { ($0 % 3, $0) < ($1 % 3, $1) })
    }

    @Test func millionElementVectorSort() {
        withBigStack {
            do {
                let elements = (0..<1_000_000).map { Value.fixnum(($0 &* 7919) % 1_000_003) }
                let vector = Value.vector(SVector(elements))
                _ = try env.call("sort!", vector, S.less)
                #expect(try env.written("sorted?", vector, S.less) == "#t")
                #expect(try env.written("sorted?", try env.call("vector->list", vector), S.less) == "#t")
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }
}
