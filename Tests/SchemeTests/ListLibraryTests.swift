import Testing
@testable import Scheme

/// Core list procedures and association lists; expected strings are Guile 3's output.
@Suite struct ListLibraryTests {
    let env = ListTestEnvironment()

    @Test func pairsAndAccessors() throws {
        let list = S.list(1, 2, 3, 4)
        #expect(try env.written("cons", .fixnum(1), .fixnum(2)) == "(1 . 2)")
        #expect(try env.written("car", list) == "1")
        #expect(try env.written("cdr", list) == "(2 3 4)")
        #expect(try env.written("cadr", list) == "2")
        #expect(try env.written("cddr", list) == "(3 4)")
        #expect(try env.written("caddr", list) == "3")
        #expect(try env.written("cadddr", list) == "4")
        #expect(try env.written("cddddr", list) == "()")
        #expect(try env.written("caar", S.list([S.list(7, 8)])) == "7")
        #expect(try env.written("cdar", S.list([S.list(7, 8)])) == "(8)")
        #expect(env["caadar"].asProcedure != nil)
        #expect(errorKind { try env.call("car", .fixnum(1)) } == .wrongType)
        #expect(errorKind { try env.call("cadr", S.list(1)) } == .wrongType)
        #expect(errorKind { try env.call("caddr", S.list(1, 2)) } == .wrongType)
        let pair = Value.cons(.fixnum(1), .fixnum(2))
        _ = try env.call("set-car!", pair, .fixnum(9))
        _ = try env.call("set-cdr!", pair, .null)
        #expect(pair.written() == "(9)")
    }

    @Test func predicates() throws {
        #expect(try env.call("pair?", S.list(1)).isTrue)
        #expect(try env.call("pair?", .null).isFalse)
        #expect(try env.call("null?", .null).isTrue)
        #expect(try env.call("list?", S.list(1, 2)).isTrue)
        #expect(try env.call("list?", .cons(.fixnum(1), .fixnum(2))).isFalse)
        let circular = try env.call("circular-list", .fixnum(1), .fixnum(2))
        #expect(try env.call("list?", circular).isFalse)
        #expect(try env.call("circular-list?", circular).isTrue)
        #expect(try env.call("dotted-list?", .cons(.fixnum(1), .fixnum(2))).isTrue)
        #expect(try env.call("proper-list?", .null).isTrue)
        #expect(errorKind { try env.call("length", circular) } == .wrongType)
    }

    @Test func construction() throws {
        #expect(try env.written("list", .fixnum(1), .fixnum(2)) == "(1 2)")
        #expect(try env.written("cons*", .fixnum(1)) == "1")
        #expect(try env.written("cons*", .fixnum(1), .fixnum(2), S.list(3)) == "(1 2 3)")
        #expect(try env.written("make-list", .fixnum(3), S.sym("x")) == "(x x x)")
        #expect(try env.written("make-list", .fixnum(2)) == "(() ())")
        #expect(errorKind { try env.call("make-list", .fixnum(-1)) } == .outOfRange)
        #expect(try env.written("length", S.list(1, 2, 3)) == "3")
        #expect(errorKind { try env.call("length", .cons(.fixnum(1), .fixnum(2))) } == .wrongType)
        #expect(errorKind { try env.call("length", .fixnum(5)) } == .wrongType)
    }

    @Test func appendAndReverse() throws {
        #expect(try env.written("append") == "()")
        #expect(try env.written("append", .null, .fixnum(5)) == "5")
        #expect(try env.written("append", S.list(1), S.list(2), .fixnum(5)) == "(1 2 . 5)")
        #expect(try env.written("append", S.list(1), .fixnum(2)) == "(1 . 2)")
        #expect(errorKind { try env.call("append", .cons(.fixnum(1), .fixnum(2)), S.list(3)) } == .wrongType)
        #expect(errorKind { try env.call("append", .fixnum(1), .fixnum(2)) } == .wrongType)
        // append copies all but the last argument.
        let shared = S.list(9)
        let appended = try env.call("append", S.list(1), shared)
        #expect(appended.asPair?.cdr.isEq(shared) == true)
        #expect(try env.written("append!", S.list(1), .null, S.list(2), .fixnum(3)) == "(1 2 . 3)")
        #expect(try env.written("append!") == "()")
        #expect(try env.written("reverse", S.list(1, 2, 3)) == "(3 2 1)")
        #expect(errorKind { try env.call("reverse", .cons(.fixnum(1), .fixnum(2))) } == .wrongType)
        #expect(try env.written("reverse!", S.list(1, 2, 3)) == "(3 2 1)")
        #expect(try env.written("reverse!", S.list(1, 2, 3), S.list(4)) == "(3 2 1 4)")
        #expect(try env.written("append-reverse", S.list(3, 2, 1), S.list(4, 5)) == "(1 2 3 4 5)")
    }

    @Test func indexing() throws {
        let list = S.list(1, 2, 3)
        #expect(try env.written("list-tail", list, .fixnum(2)) == "(3)")
        #expect(try env.written("list-head", list, .fixnum(2)) == "(1 2)")
        #expect(try env.written("list-ref", list, .fixnum(1)) == "2")
        #expect(errorKind { try env.call("list-ref", S.list(1, 2), .fixnum(5)) } == .outOfRange)
        #expect(errorKind { try env.call("list-ref", S.list(1, 2), .fixnum(-1)) } == .outOfRange)
        #expect(errorKind { try env.call("list-ref", S.list(1, 2), S.sym("a")) } == .wrongType)
        #expect(errorKind { try env.call("list-tail", S.list(1, 2), .fixnum(5)) } == .wrongType)
        #expect(errorKind { try env.call("list-head", S.list(1, 2), .fixnum(5)) } == .wrongType)
        let mutable = S.list(1, 2)
        _ = try env.call("list-set!", mutable, .fixnum(1), S.sym("x"))
        #expect(mutable.written() == "(1 x)")
        #expect(errorKind { try env.call("list-set!", mutable, .fixnum(2), S.sym("x")) } == .outOfRange)
        #expect(try env.written("list-copy", Value.list([.fixnum(1), .fixnum(2)], tail: .fixnum(3))) == "(1 2 . 3)")
        #expect(try env.written("last-pair", Value.list([.fixnum(1), .fixnum(2)], tail: .fixnum(3))) == "(2 . 3)")
        #expect(try env.written("last-pair", .null) == "()")
    }

    @Test func membership() throws {
        let list = S.list(1, 2, 3)
        #expect(try env.written("memq", .fixnum(2), list) == "(2 3)")
        #expect(try env.written("memv", .fixnum(5), list) == "#f")
        #expect(try env.written("member", S.str("b"), S.list([S.str("a"), S.str("b")])) == "(\"b\")")
        #expect(try env.written("memq", S.str("b"), S.list([S.str("a"), S.str("b")])) == "#f")
        #expect(try env.written("member", .fixnum(2), list, S.numberEqual) == "(2 3)")
        #expect(try env.written("memq", .fixnum(1), Value.list([.fixnum(1), .fixnum(2)], tail: .fixnum(3))) == "(1 2 . 3)")
        #expect(errorKind { try env.call("memq", .fixnum(5), Value.list([.fixnum(1)], tail: .fixnum(3))) } == .wrongType)
        #expect(errorKind { try env.call("memq", .fixnum(1), .fixnum(5)) } == .wrongType)
        let alist = Value.list([.cons(S.sym("a"), .fixnum(1)), .cons(S.str("b"), .fixnum(2))])
        #expect(try env.written("assq", S.sym("a"), alist) == "(a . 1)")
        #expect(try env.written("assq", S.str("b"), alist) == "#f")
        #expect(try env.written("assoc", S.str("b"), alist) == "(\"b\" . 2)")
        #expect(try env.written("assv", S.sym("z"), alist) == "#f")
        let numeric = Value.list([.cons(.fixnum(1), S.sym("a")), .cons(.fixnum(2), S.sym("b"))])
        #expect(try env.written("assoc", .fixnum(2), numeric, S.numberEqual) == "(2 . b)")
        #expect(errorKind { try env.call("assq", .fixnum(1), S.list(1, 2)) } == .wrongType)
        #expect(errorKind { try env.call("assq", .fixnum(1), .fixnum(5)) } == .wrongType)
        #expect(errorKind { try env.call("assoc", .fixnum(1), numeric, .fixnum(5)) } == .wrongType)
    }

    @Test func mapAndForEach() throws {
        #expect(try env.written("map", S.square, S.list(1, 2, 3)) == "(1 4 9)")
        #expect(try env.written("map", S.plus, S.list(1, 2, 3), S.list(10, 20)) == "(11 22)")
        #expect(try env.written("map", S.plus, .null) == "()")
        #expect(errorKind { try env.call("map", S.plus, Value.list([.fixnum(1)], tail: .fixnum(2))) } == .wrongType)
        #expect(errorKind { try env.call("map", S.plus, .fixnum(5)) } == .wrongType)
        #expect(errorKind { try env.call("map", .fixnum(5), S.list(1)) } == .wrongType)
        #expect(errorKind { try env.call("map", env["car"], S.list(1, 2)) } == .wrongType)
        // A finite list bounds a circular one.
        let circular = try env.call("circular-list", .fixnum(100))
        #expect(try env.written("map", S.plus, S.list(1, 2, 3), circular) == "(101 102 103)")
        var seen: [Int] = []
        let record = Value.procedure(Primitive("record", arity: 1, nil) { args in
            seen.append(args.reduce(0) { $0 + S.int($1) })
            return .unspecified
        })
        #expect(try env.written("for-each", record, S.list(1, 2), S.list(10, 20, 30)) == "#<unspecified>")
        #expect(seen == [11, 22])
        #expect(errorKind { try env.call("for-each", S.boom, S.list(1)) } == .misc)
    }

    @Test func associationLists() throws {
        #expect(try env.written("acons", S.sym("a"), .fixnum(1), .null) == "((a . 1))")
        let alist = Value.list([.cons(S.sym("a"), .fixnum(1)), .cons(S.str("s"), .fixnum(2))])
        #expect(try env.written("assq-ref", alist, S.sym("a")) == "1")
        #expect(try env.written("assq-ref", alist, S.sym("b")) == "#f")
        #expect(try env.written("assoc-ref", alist, S.str("s")) == "2")
        #expect(try env.written("assv-ref", alist, S.str("s")) == "#f")
        #expect(try env.written("assq-ref", .fixnum(5), S.sym("a")) == "#f")
        #expect(try env.written("assq-ref", S.list(5), S.sym("a")) == "#f")
        #expect(try env.written("assq-set!", .null, S.sym("a"), .fixnum(1)) == "((a . 1))")
        let mutable = Value.list([.cons(S.sym("a"), .fixnum(1))])
        #expect(try env.written("assq-set!", mutable, S.sym("a"), .fixnum(2)) == "((a . 2))")
        #expect(mutable.written() == "((a . 2))")
        #expect(try env.written("assq-set!", mutable, S.sym("b"), .fixnum(3)) == "((b . 3) (a . 2))")
        let removable = Value.list([.cons(S.sym("a"), .fixnum(1)), .cons(S.sym("b"), .fixnum(2)), .cons(S.sym("a"), .fixnum(3))])
        #expect(try env.written("assq-remove!", removable, S.sym("a")) == "((b . 2) (a . 3))")
        #expect(try env.written("assoc-remove!", Value.list([.cons(S.str("a"), .fixnum(1))]), S.str("a")) == "()")
        let duplicates = Value.list([.cons(S.sym("a"), .fixnum(1)), .cons(S.sym("b"), .fixnum(2)), .cons(S.sym("a"), .fixnum(3))])
        #expect(try env.written("alist-delete", S.sym("a"), duplicates) == "((b . 2))")
        #expect(try env.written("alist-cons", S.sym("a"), .fixnum(1), .null) == "((a . 1))")
        let copy = try env.call("alist-copy", alist)
        #expect(copy.written() == alist.written())
        #expect(copy.asPair?.car.isEq(alist.asPair?.car ?? .null) == false)
    }
}
