import Testing
@testable import Scheme

/// Expected values come from Guile 3.0 (`guile -c '…'`).
@Suite struct StringLibraryTests {
    let h = TextHarness()

    func texts(_ value: Value) -> [String]? { value.listElements?.map { $0.text ?? "<not a string>" } }

    // MARK: Characters

    @Test func characterClassesFollowGuile() throws {
        #expect(try h.call("char-alphabetic?", .chr("λ")).isTrue)
        #expect(try h.call("char-alphabetic?", .chr("\u{2163}")).isFalse)  // Ⅳ is Nl, not a letter
        #expect(try h.call("char-numeric?", .chr("\u{663}")).isTrue)  // Arabic-Indic three
        #expect(try h.call("char-numeric?", .chr("²")).isFalse)
        #expect(try h.call("char-whitespace?", .chr("\u{3000}")).isTrue)
        #expect(try h.call("char-whitespace?", .chr("\u{200B}")).isFalse)
        #expect(try h.call("char-upper-case?", .chr("\u{1C5}")).isFalse)  // ǅ is titlecase
        #expect(try h.call("digit-value", .chr("\u{663}")).isEqual(.int(3)))
        #expect(try h.call("digit-value", .chr("a")).isFalse)
    }

    @Test func caseMappingIsSimpleLikeGuile() throws {
        #expect(try h.call("char-upcase", .chr("ß")).isEqual(.chr("ß")))
        #expect(try h.call("char-upcase", .chr("\u{1C6}")).isEqual(.chr("\u{1C4}")))
        #expect(try h.call("char-downcase", .chr("\u{130}")).isEqual(.chr("i")))
        #expect(try h.call("char-titlecase", .chr("\u{1C6}")).isEqual(.chr("\u{1C5}")))
        #expect(try h.call("string-upcase", .str("straße")).text == "STRAßE")
        #expect(try h.call("string-upcase", .str("hello"), .int(1), .int(3)).text == "hELlo")
        #expect(try h.call("char-ci=?", .chr("ſ"), .chr("s")).isTrue)
        #expect(try h.call("char-ci=?", .chr("ß"), .chr("ẞ")).isFalse)
        #expect(try h.call("string-ci=?", .str("ẞ"), .str("ß")).isTrue)
        #expect(try h.call("string-titlecase", .str("hello wORLD foo-bar")).text == "Hello World Foo-Bar")
        #expect(try h.call("string-titlecase", .str("\u{1C6}emal 3rd o'neil")).text == "\u{1C5}emal 3Rd O'Neil")
    }

    @Test func characterConversionsCheckRange() throws {
        #expect(try h.call("char->integer", .chr("😀")).isEqual(.int(128_512)))
        #expect(h.failure("integer->char", .int(0xD800))?.kind == .outOfRange)
        #expect(h.failure("integer->char", .int(0x110000))?.kind == .outOfRange)
        #expect(h.failure("integer->char", .int(-1))?.kind == .outOfRange)
        #expect(h.failure("char-upcase", .str("a"))?.kind == .wrongType)
        #expect(try h.call("char<?", .chr("a"), .chr("b"), .chr("c")).isTrue)
        #expect(try h.call("char<?", .chr("a"), .chr("b"), .chr("a")).isFalse)
    }

    // MARK: R7RS strings

    @Test func unicodeStringsIndexByScalar() throws {
        let s = Value.str("λ😀x")
        #expect(try h.call("string-length", s).isEqual(.int(3)))
        #expect(try h.call("string-ref", s, .int(1)).isEqual(.chr("😀")))
        #expect(try h.call("substring", s, .int(1)).text == "😀x")
        #expect(try h.call("string-reverse", s).text == "x😀λ")
        #expect(try h.call("string->list", .str("hello"), .int(1), .int(3)).listElements?.count == 2)
        #expect(try h.call("list->string", .list(.chr("λ"), .chr("😀"))).text == "λ😀")
    }

    @Test func badIndicesThrowInsteadOfTrapping() {
        #expect(h.failure("string-ref", .str("abc"), .int(3))?.kind == .outOfRange)
        #expect(h.failure("string-ref", .str("abc"), .int(-1))?.kind == .outOfRange)
        #expect(h.failure("string-ref", .str("abc"), .str("0"))?.kind == .wrongType)
        #expect(h.failure("substring", .str("abc"), .int(2), .int(1))?.kind == .outOfRange)
        #expect(h.failure("substring", .str("abc"), .int(0), .int(4))?.kind == .outOfRange)
        #expect(h.failure("string-copy!", .str("ab"), .int(1), .str("ab"))?.kind == .outOfRange)
        #expect(h.failure("string-take", .str("abc"), .int(5))?.kind == .outOfRange)
        #expect(h.failure("make-string", .int(-1))?.kind == .outOfRange)
        #expect(h.failure("string-length", .int(5))?.kind == .wrongType)
        #expect(h.failure("string-append", .str("a"), .sym("b"))?.kind == .wrongType)
        #expect(h.failure("list->string", .list(.chr("a"), .int(1)))?.kind == .wrongType)
        #expect(h.failure("string-pad", .str("abc"), .int(5), .chr(" "), .int(9))?.kind == .outOfRange)
    }

    @Test func literalsAreReadOnly() throws {
        let literal = Value.string(SString("abc", mutable: false))
        let error = h.failure("string-set!", literal, .int(0), .chr("x"))
        #expect(error?.kind == .misc)
        #expect(error?.message.contains("read-only") == true)
        #expect(h.failure("string-set!", try h.call("symbol->string", .sym("abc")), .int(0), .chr("x")) != nil)
        let copy = try h.call("string-copy", literal)
        _ = try h.call("string-set!", copy, .int(0), .chr("λ"))
        #expect(copy.text == "λbc")
        #expect(literal.text == "abc")
        _ = try h.call("string-set!", try h.call("substring", literal, .int(0)), .int(0), .chr("x"))
    }

    @Test func mutationProcedures() throws {
        let s = try h.call("make-string", .int(5), .chr("a"))
        _ = try h.call("string-copy!", s, .int(1), .str("xyz"), .int(1))
        #expect(s.text == "ayzaa")
        _ = try h.call("string-fill!", s, .chr("z"), .int(1), .int(3))
        #expect(s.text == "azzaa")
        // Overlapping copy within one string.
        let t = Value.str("abcde")
        _ = try h.call("string-copy!", t, .int(1), t, .int(0), .int(4))
        #expect(t.text == "aabcd")
        #expect(try h.call("make-string", .int(2)).text == "\u{0}\u{0}")
    }

    @Test func comparisons() throws {
        #expect(try h.call("string=?", .str("abc"), .str("abc"), .str("abc")).isTrue)
        #expect(try h.call("string<?", .str("abc"), .str("abd"), .str("abe")).isTrue)
        #expect(try h.call("string<?", .str("ab"), .str("abc")).isTrue)
        #expect(try h.call("string>?", .str("b"), .str("abc")).isTrue)
        #expect(try h.call("string=?", .str("abc")).isTrue)
        #expect(try h.call("string-ci<?", .str("a"), .str("B")).isTrue)
        #expect(h.failure("string=?", .str("abc"), .sym("a"))?.kind == .wrongType)
    }

    @Test func mapAndForEach() throws {
        let upcase = try h.value("char-upcase")
        #expect(try h.call("string-map", upcase, .str("abcd"), .int(1), .int(3)).text == "BC")
        var seen = ""
        _ = try h.call("string-for-each", h.procedure { c in
            if case .char(let s) = c { seen.unicodeScalars.append(s) }
            return .unspecified
        }, .str("λ😀"))
        #expect(seen == "λ😀")
        let second = Value.procedure(Primitive("second") { _, b in b })
        #expect(try h.call("string-map", second, .str("ab"), .str("cde")).text == "cd")
        #expect(h.failure("string-map", h.procedure { _ in .int(1) }, .str("a"))?.kind == .wrongType)
    }

    // MARK: SRFI-13

    @Test func joinAndSplit() throws {
        #expect(try h.call("string-join", .strings("a", "b", "c")).text == "a b c")
        #expect(try h.call("string-join", .strings("a", "b", "c"), .str("-"), .sym("suffix")).text == "a-b-c-")
        #expect(try h.call("string-join", .strings("a", "b", "c"), .str("-"), .sym("prefix")).text == "-a-b-c")
        #expect(try h.call("string-join", .null, .str("-"), .sym("prefix")).text == "")
        #expect(h.failure("string-join", .null, .str("-"), .sym("strict-infix")) != nil)
        #expect(h.failure("string-join", .strings("a"), .str("-"), .sym("bogus"))?.kind == .wrongType)
        #expect(texts(try h.call("string-split", .str("a b  c"), .chr(" "))) == ["a", "b", "", "c"])
        #expect(texts(try h.call("string-split", .str(""), .chr(" "))) == [""])
        #expect(texts(try h.call("string-split", .str("a1b2c"), try h.value("char-numeric?"))) == ["a", "b", "c"])
        let set = try h.call("char-set", .chr(","), .chr(";"))
        #expect(texts(try h.call("string-split", .str("a,b;c"), set)) == ["a", "b", "c"])
    }

    @Test func tokenizeTrimPad() throws {
        #expect(texts(try h.call("string-tokenize", .str("  hello  wörld  "))) == ["hello", "wörld"])
        #expect(texts(try h.call("string-tokenize", .str("a1b2c"), try h.value("char-set:letter"))) == ["a", "b", "c"])
        #expect(try h.call("string-trim", .str("  a  ")).text == "a  ")
        #expect(try h.call("string-trim-right", .str("  a  ")).text == "  a")
        #expect(try h.call("string-trim-both", .str("xxaxx"), .chr("x")).text == "a")
        #expect(try h.call("string-trim", .str("123abc"), try h.value("char-set:digit")).text == "abc")
        #expect(try h.call("string-pad", .str("abc"), .int(5)).text == "  abc")
        #expect(try h.call("string-pad", .str("abcdef"), .int(3)).text == "def")
        #expect(try h.call("string-pad-right", .str("abcdef"), .int(3)).text == "abc")
        #expect(try h.call("string-pad-right", .str("ab"), .int(4), .chr("*")).text == "ab**")
        #expect(try h.call("string-pad", .str("abc"), .int(6), .chr("*"), .int(1)).text == "****bc")
    }

    @Test func searching() throws {
        #expect(try h.call("string-index", .str("hello"), .chr("l")).isEqual(.int(2)))
        #expect(try h.call("string-rindex", .str("hello"), .chr("l")).isEqual(.int(3)))
        #expect(try h.call("string-index", .str("hello"), .chr("z")).isFalse)
        #expect(try h.call("string-index", .str("hello"), try h.value("char-alphabetic?"), .int(2), .int(4)).isEqual(.int(2)))
        #expect(try h.call("string-contains", .str("hello"), .str("ll")).isEqual(.int(2)))
        #expect(try h.call("string-contains", .str("hello"), .str("")).isEqual(.int(0)))
        #expect(try h.call("string-contains", .str("abcabc"), .str("c"), .int(3)).isEqual(.int(5)))
        #expect(try h.call("string-contains", .str("λ😀λ😀"), .str("λ😀"), .int(1)).isEqual(.int(2)))
        #expect(try h.call("string-contains-ci", .str("HELLO"), .str("ll")).isEqual(.int(2)))
        #expect(try h.call("string-prefix?", .str("ab"), .str("abc")).isTrue)
        #expect(try h.call("string-suffix?", .str("bc"), .str("abc")).isTrue)
        #expect(try h.call("string-prefix-ci?", .str("AB"), .str("abc")).isTrue)
        #expect(try h.call("string-suffix-ci?", .str("CD"), .str("abcd")).isTrue)
        #expect(try h.call("string-prefix?", .str("abc"), .str("ab")).isFalse)
        #expect(try h.call("string-prefix-length", .str("abcd"), .str("abxy")).isEqual(.int(2)))
        #expect(try h.call("string-count", .str("banana"), .chr("a")).isEqual(.int(3)))
        #expect(try h.call("string-null?", .str("")).isTrue)
    }

    @Test func foldsAndPredicates() throws {
        let cons = Value.procedure(Primitive("cons") { a, b in .cons(a, b) })
        let folded = try h.call("string-fold", cons, .null, .str("abc"))
        #expect(folded.listElements?.first?.isEqual(.chr("c")) == true)
        let foldedRight = try h.call("string-fold-right", cons, .null, .str("abc"))
        #expect(foldedRight.listElements?.first?.isEqual(.chr("a")) == true)
        #expect(try h.call("string-every", try h.value("char-alphabetic?"), .str("abc")).isTrue)
        #expect(try h.call("string-every", try h.value("char-alphabetic?"), .str("")).isTrue)
        #expect(try h.call("string-every", h.procedure { $0 }, .str("abc")).isEqual(.chr("c")))
        #expect(try h.call("string-any", try h.value("char-numeric?"), .str("ab1")).isTrue)
        #expect(try h.call("string-filter", try h.value("char-alphabetic?"), .str("a1b2")).text == "ab")
        #expect(try h.call("string-delete", try h.value("char-alphabetic?"), .str("a1b2")).text == "12")
        #expect(try h.call("string-replace", .str("abcdef"), .str("XY"), .int(1), .int(3)).text == "aXYdef")
        #expect(try h.call("string-concatenate", .strings("a", "b")).text == "ab")
        #expect(try h.call("string-replace-substring", .str("a-b-c"), .str("-"), .str("::")).text == "a::b::c")
        #expect(try h.call("string-replace-substring", .str("λaλ"), .str("λ"), .str("")).text == "a")
        #expect(h.failure("string-replace-substring", .str("aaa"), .str(""), .str("x"))?.kind == .outOfRange)
        #expect(try h.call("string-take-right", .str("abc"), .int(2)).text == "bc")
        #expect(try h.call("string-drop-right", .str("abc"), .int(2)).text == "a")
    }

    @Test func predicateErrorsPropagate() {
        let failing = h.procedure { _ in throw SchemeError.error("boom") }
        #expect(h.failure("string-index", .str("abc"), failing)?.message == "boom")
        #expect(h.failure("string-index", .str("abc"), .int(3))?.kind == .wrongType)
    }

    @Test func charSets() throws {
        let ab = try h.call("string->char-set", .str("ab"))
        #expect(try h.call("char-set-contains?", ab, .chr("a")).isTrue)
        #expect(try h.call("char-set-contains?", try h.call("char-set-complement", ab), .chr("a")).isFalse)
        #expect(try h.call("char-set-contains?", try h.value("char-set:whitespace"), .chr("\t")).isTrue)
        #expect(try h.call("char-set-contains?", try h.value("char-set:letter+digit"), .chr("7")).isTrue)
        #expect(try h.call("char-set?", ab).isTrue)
    }

    // MARK: Symbols and keywords

    @Test func symbols() throws {
        #expect(try h.call("symbol-append", .sym("a"), .sym("b")).isEq(.sym("ab")))
        #expect(try h.call("string->symbol", .str("hello world")).isEq(.sym("hello world")))
        #expect(try h.call("symbol->string", .sym("λ")).text == "λ")
        #expect(h.failure("symbol-append", .sym("a"), .str("b"))?.kind == .wrongType)
        let g1 = try h.call("gensym")
        let g2 = try h.call("gensym")
        #expect(!g1.isEq(g2))
        guard case .symbol(let s) = g1 else { Issue.record("gensym did not return a symbol"); return }
        #expect(s.name.hasPrefix(" g"))
        #expect(!s.isInterned)
        guard case .symbol(let foo) = try h.call("gensym", .str("foo")) else { return }
        #expect(foo.name.hasPrefix("foo"))
        #expect(h.failure("gensym", .sym("foo"))?.kind == .wrongType)
    }

    @Test func keywords() throws {
        #expect(try h.call("keyword?", .keyword("a")).isTrue)
        #expect(try h.call("keyword?", .sym("a")).isFalse)
        #expect(try h.call("keyword->symbol", .keyword("foo")).isEq(.sym("foo")))
        #expect(try h.call("symbol->keyword", .sym("bar")).isEq(.keyword("bar")))
        #expect(h.failure("keyword->symbol", .sym("a"))?.kind == .wrongType)
    }
}
