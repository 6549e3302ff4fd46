import Foundation
import Testing
@testable import Scheme

/// Reading one datum (or all) from a test string.
enum Read {
    static let file = SourceFile(name: "<test>")

    static func one(_ text: String) throws -> Value {
        var reader = Reader(text: text, file: file)
        guard let datum = try reader.read() else { throw SchemeError.read("no datum", at: nil) }
        return datum
    }

    static func all(_ text: String) throws -> [Value] {
        try Reader.readAll(text: text, file: file)
    }

    /// The error reading `text` raises, or nil if it reads.
    static func failure(_ text: String) -> SchemeError? {
        do {
            _ = try all(text)
            return nil
        } catch let error as SchemeError {
            return error
        } catch {
            return SchemeError.read("unexpected error \(error)", at: nil)
        }
    }

    /// `text` read then written, data separated by spaces.
    static func written(_ text: String) throws -> String {
        try all(text).map { $0.written() }.joined(separator: " ")
    }
}

@Suite struct ReaderTests {
    @Test func atoms() throws {
        #expect(try Read.one("42").isEqual(.fixnum(42)))
        #expect(try Read.one("-17").isEqual(.fixnum(-17)))
        #expect(try Read.one("foo").isEq(.symbol("foo")))
        #expect(try Read.one("FooBar").isEq(.symbol("FooBar")))
        #expect(try Read.one("#t").isEq(.true))
        #expect(try Read.one("#true").isEq(.true))
        #expect(try Read.one("#F").isEq(.false))
        #expect(try Read.one("#false").isEq(.false))
        #expect(try Read.one("#:key").isEq(.keyword("key")))
        #expect(try Read.one("#: spaced").isEq(.keyword("spaced")))
        #expect(try Read.one("#:#{a b}#").isEq(.keyword("a b")))
        #expect(try Read.one("()").isNull)
        #expect(try Read.one("[]").isNull)
        // Tokens that start like numbers but are not numbers are symbols.
        for name in ["+", "-", "...", "1+", "-1+", "+a", ".a", "->x", "a.b", "a'b", "a,b", "{a}", "a|b"] {
            #expect(try Read.one(name).isEq(.symbol(name)), "\(name)")
        }
    }

    @Test func strings() throws {
        func string(_ text: String) throws -> String? {
            guard case .string(let s) = try Read.one(text) else { return nil }
            #expect(!s.isMutable)
            return s.string
        }
        #expect(try string(#""plain""#) == "plain")
        #expect(try string(#""a\nb\tc\rd\ae\0f\vg\bh\fi""#) == "a\nb\tc\rd\u{7}e\0f\u{B}g\u{8}h\u{C}i")
        #expect(try string(#""q\"q\\q\|q\(q""#) == "q\"q\\q|q(q")
        #expect(try string(#""\x41\u03bb\U01F600""#) == "Aλ😀")
        // Guile's default `\x` takes exactly two digits: the `;` stays.
        #expect(try string(#""\x41;""#) == "A;")
        // Backslash-newline drops the newline only (no `hungry-eol-escapes`).
        #expect(try string("\"a\\\n   b\"") == "a   b")
        #expect(try string("\"multi\nline\"") == "multi\nline")
        #expect(try string("\"λx\"") == "λx")
        // `#!r6rs` switches to R6RS escapes, as in Guile.
        #expect(try Read.written("#!r6rs \"\\x41;\" \"a\\\n   b\"") == #""A" "ab""#)
    }

    @Test func characters() throws {
        let cases: [(String, UInt32)] = [
            ("#\\a", 0x61), ("#\\A", 0x41), ("#\\space", 0x20), ("#\\SPACE", 0x20), ("#\\newline", 0x0A),
            ("#\\tab", 0x09), ("#\\nul", 0), ("#\\null", 0), ("#\\x41", 0x41), ("#\\x", 0x78), ("#\\x0", 0),
            ("#\\alarm", 7), ("#\\backspace", 8), ("#\\delete", 0x7F), ("#\\del", 0x7F), ("#\\escape", 0x1B),
            ("#\\esc", 0x1B), ("#\\linefeed", 0x0A), ("#\\page", 0x0C), ("#\\return", 0x0D), ("#\\vtab", 0x0B),
            ("#\\λ", 0x3BB), ("#\\(", 0x28), ("#\\)", 0x29), ("#\\;", 0x3B), ("#\\\"", 0x22), ("#\\ ", 0x20),
            ("#\\101", 0o101), ("#\\0", 0x30), ("#\\7", 0x37), ("#\\00", 0), ("#\\soh", 1), ("#\\us", 0x1F),
            ("#\\x10FFFF", 0x10FFFF), ("#\\😀", 0x1F600), ("#\\\u{25CC}\u{301}", 0x301), ("#\\\u{301}\u{25CC}", 0x301),
        ]
        for (text, code) in cases {
            #expect(try Read.one(text).isEqv(.char(Unicode.Scalar(code)!)), "\(text)")
        }
        // A character token ends at a delimiter: `#\x41;` is `#\A` then a comment.
        #expect(try Read.written("(#\\x41;c\n#\\a(b))") == "(#\\A #\\a (b))")
        #expect(try Read.written("#\\(a") == "#\\( a")
    }

    @Test func listsAndAbbreviations() throws {
        #expect(try Read.written("(a b . c)") == "(a b . c)")
        #expect(try Read.written("(a . (b c))") == "(a b c)")
        #expect(try Read.written("(a . #;x b #;y)") == "(a . b)")
        #expect(try Read.written("[a (b) [c]]") == "(a (b) (c))")
        #expect(try Read.written("'a `b ,c ,@d") == "(quote a) (quasiquote b) (unquote c) (unquote-splicing d)")
        #expect(try Read.written("' ;comment\n x") == "(quote x)")
        #expect(try Read.written("#'a #`b #,c #,@d")
            == "(syntax a) (quasisyntax b) (unsyntax c) (unsyntax-splicing d)")
        #expect(try Read.written("#~a #$b #$@c #+d #+@e")
            == "(gexp a) (ungexp b) (ungexp-splicing c) (ungexp-native d) (ungexp-native-splicing e)")
        #expect(try Read.written("#~(list #$output #$@(map f xs))")
            == "(gexp (list (ungexp output) (ungexp-splicing (map f xs))))")
    }

    @Test func vectorsAndBytevectors() throws {
        guard case .vector(let v) = try Read.one("#(1 \"two\" #(3))") else { Issue.record("not a vector"); return }
        #expect(v.elements.count == 3)
        #expect(!v.isMutable)
        #expect(try Read.written("#()") == "#()")
        guard case .bytevector(let b) = try Read.one("#vu8(0 1 255)") else { Issue.record("not a bytevector"); return }
        #expect(b.bytes == [0, 1, 255])
        #expect(try Read.written("#u8(7) #vu8()") == "#vu8(7) #vu8()")
    }

    @Test func comments() throws {
        #expect(try Read.written("; line\na ; more\n b") == "a b")
        #expect(try Read.written("#| block #| nested |# still |# c") == "c")
        #expect(try Read.written("#;(ignored datum) d #; #; e f g") == "d g")
        #expect(try Read.written("#!/usr/bin/guile \\\n-e main -s\n!#\n(main)") == "(main)")
        #expect(try Read.written("(a #|x|# b #;c)") == "(a b)")
        #expect(try Read.written("#!fold-case ABC #\\A \"X\" #!no-fold-case ABC") == "abc #\\A \"X\" ABC")
        #expect(try Read.all("  ; only a comment\n #| and a block |#  ").isEmpty)
        #expect(try Read.all("").isEmpty)
    }

    @Test func symbolNotations() throws {
        #expect(try Read.one("|hello world|").isEq(.symbol("hello world")))
        #expect(try Read.one("|a\\|b\\x41;|").isEq(.symbol("a|bA")))
        #expect(try Read.one("#{hello world}#").isEq(.symbol("hello world")))
        #expect(try Read.one("#{}#").isEq(.symbol("")))
        #expect(try Read.one("#{a}b}#").isEq(.symbol("a}b")))
        #expect(try Read.one("#{a\\x28;b}#").isEq(.symbol("a(b")))
        #expect(try Read.one("#{1}#").isEq(.symbol("1")))
    }

    @Test func numberPrefixesGoToNumberSyntax() throws {
        // The token is passed whole to NumberSyntax, which owns the prefixes.
        let token = "#x1F"
        if let expected = NumberSyntax.parse(token) {
            #expect(try Read.one(token).isEqv(expected))
        } else {
            #expect(Read.failure(token)?.message.contains("#x1F") == true)
        }
    }

    @Test func positions() throws {
        let text = "(define (f x)\n  (+ x 1))\n'(a \"λλ\" b)"
        let data = try Read.all(text)
        #expect(data.count == 2)
        func positions(_ value: Value) -> [String] {
            var out: [String] = []
            var current = value
            while case .pair(let p) = current {
                out.append(p.location.map { "\($0.line):\($0.column)" } ?? "-")
                current = p.cdr
            }
            return out
        }
        #expect(positions(data[0]) == ["1:1", "1:9", "2:3"])
        let elements = data[0].listElements ?? []
        #expect(positions(elements[1]) == ["1:9", "1:12"])
        #expect(positions(elements[2]) == ["2:3", "2:6", "2:8"])
        // The quote form sits at the quote; columns count characters, not bytes.
        #expect(positions(data[1]) == ["3:1", "3:2"])
        let quoted = data[1].listElements?[1] ?? .null
        #expect(positions(quoted) == ["3:2", "3:5", "3:10"])
        #expect(data[0].asPair?.location?.file === Read.file)
    }

    @Test func errorPositions() {
        let cases: [(String, String, Int, Int)] = [
            ("(a b", "unterminated list", 1, 1),
            ("x\n  (a (b c)", "unterminated list", 2, 3),
            ("  \"abc", "unterminated string", 1, 3),
            ("a #| x #| y |#", "unterminated block comment", 1, 3),
            ("#!/bin/sh\nno end", "unterminated `#!`", 1, 1),
            ("#{abc", "unterminated `#{", 1, 1),
            ("|abc", "unterminated `|", 1, 1),
            ("#(1 2", "unterminated vector", 1, 1),
            ("a )", "unexpected `)`", 1, 3),
            ("(a]", "mismatched `]`", 1, 3),
            ("#&", "unknown `#` syntax `#&`", 1, 1),
            ("#\\foo", "unknown character name `#\\foo`", 1, 1),
            ("#\\x110000", "out of range", 1, 1),
            ("\"a\\qb\"", "invalid escape `\\q`", 1, 3),
            ("\"\\x4g\"", "invalid character in escape", 1, 2),
            ("\"\\ud800\"", "not a character", 1, 2),
            ("(. a)", "misplaced `.`", 1, 2),
            (" .", "misplaced `.`", 1, 2),
            ("(a . b c)", "only one datum", 1, 8),
            ("(a .)", "expected a datum after `.`", 1, 5),
            ("#vu8(1 256)", "bytevector element out of range", 1, 8),
            ("#vu8(1 x)", "bytevector element out of range", 1, 8),
            ("#vu8 (1)", "unknown `#` syntax", 1, 1),
            ("#(a . b)", "`.` is not allowed in a vector", 1, 5),
            ("'", "end of input after `'`", 1, 1),
            ("(a ')", "expected a datum after `'`", 1, 5),
            ("#;", "end of input after `#;`", 1, 1),
            ("#:1", "`#:` must be followed by a symbol", 1, 1),
            ("#", "end of input after `#`", 1, 1),
            ("#\\", "end of input after `#\\`", 1, 1),
            ("#tru", "unknown `#` syntax `#tru`", 1, 1),
            ("#nil", "not supported", 1, 1),
            ("#2(1 2)", "unsupported `#` syntax", 1, 1),
            ("#!curly-infix", "curly-infix", 1, 1),
        ]
        for (text, message, line, column) in cases {
            guard let error = Read.failure(text) else {
                Issue.record("no error reading \(text)")
                continue
            }
            #expect(error.kind == .read, "\(text)")
            #expect(error.message.contains(message), "\(text): \(error.message)")
            #expect(error.location?.line == Int32(line) && error.location?.column == Int32(column),
                    "\(text): at \(error.location.map(\.description) ?? "nowhere")")
        }
        #expect(Read.failure("(a b")?.hint?.contains("`)`") == true)
    }

    @Test func tellsIncompleteInputApart() {
        for text in ["(a", "\"abc", "#| x", "'", "#(1", "#;", "(a . ", "#\\", "#{a"] {
            #expect(Read.failure(text).map(Reader.isIncompleteInput) == true, "\(text)")
        }
        for text in [")", "#&", "(a . b c)", "#\\foo"] {
            #expect(Read.failure(text).map(Reader.isIncompleteInput) == false, "\(text)")
        }
    }

    @Test func readsDataOneByOne() throws {
        var reader = Reader(text: "a (b) \"c\" ; end", file: Read.file)
        #expect(try reader.read()?.isEq(.symbol("a")) == true)
        #expect(try reader.read()?.written() == "(b)")
        #expect(try reader.read()?.written() == "\"c\"")
        #expect(try reader.read() == nil)
        #expect(try reader.read() == nil)
    }

    @Test func guixStyleFixture() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let text = try String(contentsOf: url.appendingPathComponent("Reader/sample.scm"), encoding: .utf8)
        let file = SourceFile(name: "sample.scm", text: text)
        let data = try Reader.readAll(text: text, file: file)
        #expect(data.count == 8)
        #expect(data[0].asPair?.location?.line == 7)
        let written = data.map { $0.written() }
        #expect(written[1].contains("(gexp (list (string-append \"--prefix=\" (ungexp output))"))
        #expect(written[1].contains("(ungexp-native-splicing (list \"a\" \"b\"))"))
        #expect(!written[1].contains("gettext"))
        #expect(written[1].contains(#"\"Hello, world!\" and then exits.  It\nserves"#))
        #expect(written[2].contains("(unquote-splicing (list 1 2)) (square brackets) . tail)"))
        #expect(written[5] == "(define syntaxes (list (syntax x) (quasisyntax (y (unsyntax z) (unsyntax-splicing w)))))")
        #expect(written[6] == "(define symbols (quote (#{hello world}# #{odd symbol}# λ->μ ... + - #{1+}# a.b)))")
        for datum in data {
            let again = try Read.one(datum.written())
            #expect(again.isEqual(datum), "\(datum.written(limit: 80))")
        }
    }

    @Test func readsLargeFilesQuickly() throws {
        var text = ""
        for i in 0..<10_000 {
            text += "(define (function-\(i) x y)\n  \"Docstring number \(i).\"\n  (let ((z (+ x y \(i))))\n    (list 'a \"b\" #\\c z #:key #t)))\n"
        }
        let start = Date()
        let data = try Read.all(text)
        let elapsed = Date().timeIntervalSince(start)
        #expect(data.count == 10_000)
        #expect(data[9_999].asPair?.location?.line == 39_997)
        // Generous even for a debug build; the real cost is well under a second.
        #expect(elapsed < 20, "reading 10,000 definitions took \(elapsed)s")
    }
}
