import Testing
@testable import Scheme

/// SRFI-1 procedures; expected strings are Guile 3's `(srfi srfi-1)` output.
@Suite struct SRFI1LibraryTests {
    let env = ListTestEnvironment()

    @Test func selectors() throws {
        let ten = S.ints(Array(1...10))
        #expect(try env.written("first", ten) == "1")
        #expect(try env.written("fifth", ten) == "5")
        #expect(try env.written("tenth", ten) == "10")
        #expect(try env.written("last", S.list(1, 2, 3)) == "3")
        #expect(errorKind { try env.call("first", .null) } == .wrongType)
        #expect(errorKind { try env.call("third", S.list(1, 2)) } == .wrongType)
        #expect(errorKind { try env.call("last", .null) } == .wrongType)
        #expect(try env.written("car+cdr", .cons(.fixnum(1), .fixnum(2))) == "1 2")
        #expect(try env.written("take", S.list(1, 2, 3), .fixnum(2)) == "(1 2)")
        #expect(try env.written("drop", S.list(1, 2, 3), .fixnum(2)) == "(3)")
        #expect(errorKind { try env.call("take", S.list(1, 2), .fixnum(5)) } == .wrongType)
        #expect(errorKind { try env.call("drop", S.list(1, 2), .fixnum(5)) } == .wrongType)
        let dotted = Value.list([.fixnum(1), .fixnum(2), .fixnum(3)], tail: .fixnum(4))
        #expect(try env.written("take-right", dotted, .fixnum(2)) == "(2 3 . 4)")
        #expect(try env.written("drop-right", dotted, .fixnum(2)) == "(1)")
        #expect(try env.written("split-at", S.list(1, 2, 3), .fixnum(1)) == "(1) (2 3)")
        #expect(try env.written("length+", S.list(1, 2)) == "2")
        #expect(try env.written("length+", try env.call("circular-list", .fixnum(1))) == "#f")
        #expect(errorKind { try env.call("length+", .cons(.fixnum(1), .fixnum(2))) } == .wrongType)
    }

    @Test func construction() throws {
        #expect(try env.written("xcons", .fixnum(1), .fixnum(2)) == "(2 . 1)")
        #expect(try env.written("list-tabulate", .fixnum(4), S.minus) == "(0 -1 -2 -3)")
        #expect(try env.written("iota", .fixnum(5)) == "(0 1 2 3 4)")
        #expect(try env.written("iota", .fixnum(3), .fixnum(1), .fixnum(2)) == "(1 3 5)")
        #expect(try env.written("iota", .fixnum(3), .flonum(1.5), .flonum(0.5)) == "(1.5 2.0 2.5)")
        #expect(try env.written("iota", .fixnum(2), .fixnum(Int.max)) == "(9223372036854775807 9223372036854775808)")
        #expect(errorKind { try env.call("iota", .fixnum(-1)) } != nil)
        #expect(errorKind { try env.call("iota", .fixnum(3), .fixnum(0), S.sym("a")) } == .wrongType)
        #expect(try env.written("concatenate", S.list([S.list(1), S.list(2, 3), .null])) == "(1 2 3)")
        #expect(try env.written("zip", S.list(1, 2), S.syms("a", "b", "c")) == "((1 a) (2 b))")
        let pairs = S.list([S.list([.fixnum(1), S.sym("a")]), S.list([.fixnum(2), S.sym("b")])])
        #expect(try env.written("unzip2", pairs) == "(1 2) (a b)")
        #expect(try env.written("unzip1", pairs) == "(1 2)")
        #expect(try env.written("list=", S.isEq, S.syms("a"), S.syms("a")) == "#t")
        #expect(try env.written("list=", S.isEq, S.syms("a"), S.syms("a", "b")) == "#f")
    }

    @Test func folds() throws {
        let letters = S.syms("a", "b", "c")
        #expect(try env.written("fold", S.consStar, .null, letters, S.list(1, 2, 3)) == "(c 3 b 2 a 1)")
        #expect(try env.written("fold-right", S.consStar, .null, letters, S.list(1, 2, 3, 4)) == "(a 2 b 3 c 4)")
        #expect(try env.written("fold", S.cons, .null, S.list(1, 2, 3)) == "(3 2 1)")
        #expect(try env.written("fold-right", S.cons, .null, S.list(1, 2, 3)) == "(1 2 3)")
        #expect(try env.written("fold", S.minus, .fixnum(0), S.list(1, 2, 3, 4)) == "2")
        #expect(try env.written("fold-right", S.minus, .fixnum(0), S.list(1, 2, 3, 4)) == "-2")
        #expect(try env.written("reduce", S.minus, .fixnum(0), S.list(1, 2, 3, 4)) == "2")
        #expect(try env.written("reduce-right", S.minus, .fixnum(0), S.list(1, 2, 3, 4)) == "-2")
        #expect(try env.written("reduce", S.plus, .fixnum(0), .null) == "0")
        #expect(try env.written("pair-fold", S.cons, .null, S.list(1, 2, 3)) == "((3) (2 3) (1 2 3))")
        #expect(errorKind { try env.call("fold", S.plus, .fixnum(0), S.list(1, 2), .fixnum(5)) } == .wrongType)
        let stop = Value.procedure(Primitive("stop") { a in .boolean(S.int(a) > 5) })
        #expect(try env.written("unfold", stop, S.square, S.increment, .fixnum(1)) == "(1 4 9 16 25)")
        let end = Value.procedure(Primitive("end") { _ in S.sym("end") })
        #expect(try env.written("unfold", stop, S.square, S.increment, .fixnum(1), end) == "(1 4 9 16 25 . end)")
        let zero = Value.procedure(Primitive("zero?") { a in .boolean(S.int(a) == 0) })
        let decrement = Value.procedure(Primitive("1-") { a in .fixnum(S.int(a) - 1) })
        #expect(try env.written("unfold-right", zero, S.square, decrement, .fixnum(5)) == "(1 4 9 16 25)")
        #expect(try env.written("append-map", S.list, S.list(1, 2), S.syms("a", "b")) == "(1 a 2 b)")
        let evenSum = Value.procedure(Primitive("even-sum") { a, b in
            S.int(a) % 2 == 0 ? .fixnum(S.int(a) + S.int(b)) : .false
        })
        #expect(try env.written("filter-map", evenSum, S.list(1, 2, 4), S.list(1, 1, 1)) == "(3 5)")
        #expect(try env.written("count", S.less, S.list(1, 5, 2), S.list(2, 3, 4, 5)) == "2")
    }

    @Test func filteringAndSearching() throws {
        let numbers = S.list(1, 2, 3, 4)
        #expect(try env.written("filter", S.even, numbers) == "(2 4)")
        #expect(try env.written("remove", S.even, numbers) == "(1 3)")
        #expect(try env.written("partition", S.even, numbers) == "(2 4) (1 3)")
        #expect(errorKind { try env.call("filter", S.even, Value.list([.fixnum(1)], tail: .fixnum(3))) } == .wrongType)
        #expect(errorKind { try env.call("filter", .fixnum(5), numbers) } == .wrongType)
        #expect(try env.written("find", S.even, S.list(1, 2, 4)) == "2")
        #expect(try env.written("find", S.even, S.list(1, 3)) == "#f")
        #expect(try env.written("find-tail", S.even, S.list(1, 2, 4)) == "(2 4)")
        let bigger = Value.procedure(Primitive("bigger") { a, b in S.int(a) > S.int(b) ? a : .false })
        #expect(try env.written("any", bigger, S.list(1, 5), S.list(2, 3, 4)) == "5")
        #expect(try env.written("any", S.plus, .null) == "#f")
        #expect(try env.written("every", S.plus, S.list(1, 2), S.list(3)) == "4")
        #expect(try env.written("every", S.plus, .null, .null) == "#t")
        #expect(try env.written("list-index", S.even, S.list(1, 3, 4)) == "2")
        #expect(try env.written("list-index", S.less, S.list(3, 2, 1), S.list(1, 2, 3)) == "2")
        #expect(try env.written("list-index", S.even, S.list(1, 3)) == "#f")
        let run = S.list(2, 4, 5, 6)
        #expect(try env.written("take-while", S.even, run) == "(2 4)")
        #expect(try env.written("drop-while", S.even, run) == "(5 6)")
        #expect(try env.written("span", S.even, run) == "(2 4) (5 6)")
        #expect(try env.written("break", S.even, S.list(1, 3, 4, 5)) == "(1 3) (4 5)")
    }

    @Test func deletion() throws {
        #expect(try env.written("delete", .fixnum(3), S.list(1, 3, 2, 3)) == "(1 2)")
        #expect(try env.written("delete", .fixnum(3), S.list(1, 3, 2, 3), S.less) == "(1 3 2 3)")
        #expect(try env.written("delete!", .fixnum(1), S.list(1, 2, 1)) == "(2)")
        #expect(try env.written("delete-duplicates", S.list(1, 2, 1, 3, 2)) == "(1 2 3)")
        let strings = S.list([S.str("a"), S.str("b"), S.str("a")])
        #expect(try env.written("delete-duplicates", strings) == "(\"a\" \"b\")")
        #expect(try env.written("delete-duplicates", strings, S.isEq) == "(\"a\" \"b\" \"a\")")
        let successor = Value.procedure(Primitive("succ=") { a, b in .boolean(S.int(a) == S.int(b) + 1) })
        #expect(try env.written("delete-duplicates", S.list(1, 2, 1, 3, 2), successor) == "(1 2 3)")
        let predecessor = Value.procedure(Primitive("pred=") { a, b in .boolean(S.int(a) + 1 == S.int(b)) })
        #expect(try env.written("delete-duplicates", S.list(1, 2, 4, 3), predecessor) == "(1 4 3)")
    }

    @Test func lsets() throws {
        #expect(try env.written("lset-union", S.isEq, S.syms("a", "b"), S.syms("c", "a"), S.syms("d")) == "(d c a b)")
        #expect(try env.written("lset-union", S.isEq) == "()")
        #expect(try env.written("lset-intersection", S.isEq, S.syms("a", "b", "c"), S.syms("c", "a")) == "(a c)")
        #expect(try env.written("lset-difference", S.isEq, S.syms("a", "b", "c"), S.syms("c", "a")) == "(b)")
        #expect(try env.written("lset-adjoin", S.isEq, S.syms("a", "b"), S.sym("c"), S.sym("a"), S.sym("d")) == "(d c a b)")
        #expect(try env.written("lset-xor", S.isEq, S.syms("a", "b", "c"), S.syms("c", "d")) == "(d a b)")
        #expect(try env.written("lset-xor", S.isEq, S.syms("a", "b", "c"), S.syms("c", "d"), S.syms("a", "e")) == "(e d b)")
        #expect(try env.written("lset<=", S.isEq, S.syms("a"), S.syms("a", "b")) == "#t")
        #expect(try env.written("lset=", S.isEq, S.syms("a", "b"), S.syms("b", "a")) == "#t")
        #expect(try env.written("lset=", S.isEq, S.syms("a"), S.syms("b", "a")) == "#f")
        // A predicate that is not a built-in equivalence is called, not hashed.
        #expect(try env.written("lset-union", S.numberEqual, S.list(1, 2), S.list(2, 3)) == "(3 1 2)")
        #expect(try env.written("lset-intersection", S.numberEqual, S.list(1, 2, 3), S.list(3, 1)) == "(1 3)")
    }

    @Test func millionElementLists() {
        withBigStack {
            do {
                let count = 1_000_000
                let big = try env.call("iota", .fixnum(count))
                #expect(try env.written("length", big) == "1000000")
                let squares = try env.call("map", S.square, big)
                #expect(try env.written("last", squares) == "999998000001")
                let evens = try env.call("filter", S.even, big)
                #expect(try env.written("length", evens) == "500000")
                #expect(try env.written("fold", S.plus, .fixnum(0), big) == "499999500000")
                #expect(try env.written("fold-right", S.cons, .null, S.list(1)) == "(1)")
                #expect(try env.written("first", try env.call("reverse", big)) == "999999")
                #expect(try env.written("first", try env.call("fold-right", S.cons, .null, big)) == "0")
                let doubled = try env.call("append", big, big)
                #expect(try env.written("length", try env.call("delete-duplicates", doubled)) == "1000000")
                #expect(try env.written("list-ref", try env.call("list-copy", big), .fixnum(999_999)) == "999999")
                #expect(try env.written("length", try env.call("delete", .fixnum(5), big)) == "999999")
                let descending = try env.call("reverse", big)
                let sorted = try env.call("sort", descending, S.less)
                #expect(try env.written("list-ref", sorted, .fixnum(123_456)) == "123456")
                #expect(sorted.isEqual(big))
                _ = try env.call("reverse!", descending)
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }
}
