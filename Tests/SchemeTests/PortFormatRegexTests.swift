#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Scheme

/// Expected values come from Guile 3.0 with `(ice-9 format)`, `(ice-9 rdelim)` and `(ice-9 regex)`.
@Suite struct PortFormatRegexTests {
    let h = TextHarness()

    func format(_ control: String, _ arguments: Value...) throws -> String? {
        try h.call("format", arguments: [.false, .str(control)] + arguments).text
    }

    // MARK: Ports

    @Test func displayAndWriteGoToTheCurrentPort() throws {
        _ = try h.call("display", .str("λ"))
        _ = try h.call("write-char", .chr("😀"))
        _ = try h.call("newline")
        _ = try h.call("write-string", .str("abcd"), .object(h.output), .int(1), .int(3))
        #expect(h.output.contents == "λ😀\nbc")
        #expect(h.output.column == 2)
        #expect(h.failure("display", .str("x"), try h.call("open-input-string", .str("a")))?.kind == .wrongType)
    }

    @Test func withOutputToStringRestoresThePortAfterAnError() throws {
        let original = h.runtime.currentOutputPort
        let text = try h.call("with-output-to-string", h.thunk {
            _ = try h.call("display", .str("x"))
            _ = try h.call("write", .str("y"))
            return .unspecified
        })
        #expect(text.text == "x\"y\"")
        let failure = h.failure("with-output-to-string", h.thunk {
            _ = try h.call("display", .str("lost"))
            throw SchemeError.error("inside")
        })
        #expect(failure?.message == "inside")
        #expect(h.runtime.currentOutputPort.isEq(original))
        #expect(h.output.contents.isEmpty)
    }

    @Test func stringPortsAndClosing() throws {
        let port = try h.call("open-output-string")
        _ = try h.call("display", .str("abc"), port)
        _ = try h.call("write-char", .chr("λ"), port)
        #expect(try h.call("get-output-string", port).text == "abcλ")
        #expect(try h.call("close-port", port).isTrue)
        #expect(try h.call("close-port", port).isFalse)
        #expect(h.failure("display", .str("x"), port)?.kind == .wrongType)
        #expect(h.failure("get-output-string", port)?.kind == .wrongType)
        #expect(try h.call("output-port?", port).isTrue)
        #expect(try h.call("input-port?", port).isFalse)
        let written = try h.call("call-with-output-string", h.procedure { p in try h.call("display", .int(42), p) })
        #expect(written.text == "42")
    }

    @Test func readLineModes() throws {
        let p = try h.call("open-input-string", .str("ab\ncd\r\nef"))
        #expect(try h.call("read-line", p).text == "ab")
        #expect(try h.call("read-line", p, .sym("concat")).text == "cd\r\n")
        let split = try h.call("read-line", p, .sym("split"))
        #expect(split.asPair?.car.text == "ef")
        #expect(split.asPair.map { if case .eof = $0.cdr { return true } else { return false } } == true)
        #expect(try h.call("eof-object?", try h.call("read-line", p)).isTrue)
        let q = try h.call("open-input-string", .str("ab\ncd"))
        #expect(try h.call("read-line", q, .sym("peek")).text == "ab")
        #expect(try h.call("read-char", q).isEqual(.chr("\n")))
        #expect(try h.call("peek-char", q).isEqual(.chr("c")))
        _ = try h.call("unread-char", .chr("x"), q)
        #expect(try h.call("read-string", q).text == "xcd")
        #expect(try h.call("eof-object?", try h.call("read-char", q)).isTrue)
        let r = try h.call("open-input-string", .str("λ😀bc;d"))
        #expect(try h.call("read-string", .int(2), r).text == "λ😀")
        #expect(try h.call("read-delimited", .str(",;"), r).text == "bc")
        #expect(try h.call("with-input-from-string", .str("hello"), try h.value("read-char")).isEqual(.chr("h")))
        #expect(try h.call("call-with-input-string", .str("hi\nyo"), try h.value("read-line")).text == "hi")
    }

    @Test func pkWritesGuilesFormatAndReturnsTheLastArgument() throws {
        let result = try h.call("pk", .sym("a"), .int(3))
        #expect(result.isEqual(.int(3)))
        #expect(h.output.contents == "\n;;; (a 3)\n")
    }

    @Test func filePortsRoundTrip() throws {
        let path = "/tmp/cairn-port-test-\(getpid())-\(Int.random(in: 0..<1_000_000)).txt"
        defer { unlink(path) }
        _ = try h.call("call-with-output-file", .str(path), h.procedure { port in
            _ = try h.call("display", .str("first λ line\n"), port)
            return try h.call("write", .strings("x"), port)
        })
        #expect(try h.call("file-exists?", .str(path)).isTrue)
        _ = try h.call("with-output-to-file", .str(path), h.thunk { try h.call("display", .str("replaced\nsecond")) })
        let port = try h.call("open-input-file", .str(path))
        #expect(try h.call("read-line", port).text == "replaced")
        #expect(try h.call("read-line", port).text == "second")
        #expect(try h.call("port-filename", port).text == path)
        _ = try h.call("close-input-port", port)
        _ = try h.call("delete-file", .str(path))
        #expect(try h.call("file-exists?", .str(path)).isFalse)
        #expect(h.failure("delete-file", .str(path))?.kind == .system)
        #expect(h.failure("open-input-file", .str("/nonexistent/cairn"))?.kind == .system)
    }

    @Test func readTakesDataOneByOneFromALongFile() throws {
        // Long lists, strings whose multi-byte characters straddle the reader's
        // window, symbols cut at its edge, comments: each datum read from the
        // file port must be the one the reader finds in the whole text.
        var text = ""
        for i in 0..<600 {
            text += "(define p\(i) '(\(String(repeating: "é", count: i % 37)) \"\(String(repeating: "λ→", count: i * 3))\"))\n"
            if i % 50 == 0 { text += "#| block \(i) |# ; line\n#;(skipped \(i))\n" + String(repeating: "sym", count: 700 + i) + "\n" }
        }
        let path = "/tmp/cairn-read-test-\(getpid())-\(Int.random(in: 0..<1_000_000)).scm"
        defer { unlink(path) }
        _ = try h.call("call-with-output-file", .str(path), h.procedure { port in try h.call("display", .str(text), port) })
        let expected = try Reader.readAll(text: text, file: SourceFile(name: "x", text: text, registered: false))
        let port = try h.call("open-input-file", .str(path))
        var read: [Value] = []
        while true {
            let datum = try h.call("read", port)
            if case .eof = datum { break }
            read.append(datum)
        }
        #expect(read.count == expected.count)
        #expect(read.map { $0.written() } == expected.map { $0.written() })
    }

    @Test func readHandlesTokensCutAtTheWindowEdge() throws {
        // Each token starts a few characters before the reader's first window
        // ends (1024 characters), so its prefix alone is not valid syntax.
        for token in ["#\\space", "#true", "#false", "#vu8(1 2)", ".5", "#x1F", "#e1.5", "\"a string\"", "|odd symbol|"] {
            for shift in 0..<token.count {
                let padding = String(repeating: "a", count: 1024 - 2 - shift)
                let port = try h.call("open-input-string", .str("(" + padding + " " + token + ") tail"))
                let datum = try h.call("read", port)
                #expect(datum.written().hasSuffix(" " + (try h.call("read", try h.call("open-input-string", .str(token)))).written() + ")"))
                #expect(try h.call("read", port).written() == "tail")
            }
        }
    }

    @Test func readConsumesUpToASyntaxError() throws {
        let port = try h.call("open-input-string", .str("#<bad> ok"))
        #expect(h.failure("read", port)?.kind == .read)
        var next = try h.call("read", port)
        var guardCount = 0
        while next.written() != "ok", guardCount < 10 {
            guardCount += 1
            next = (try? h.call("read", port)) ?? .unspecified
        }
        #expect(next.written() == "ok")
    }

    @Test func readFromAPipeReturnsOnceTheDatumIsComplete() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[1]) }
        let port = FileDescriptorInputPort(descriptor: descriptors[0])
        // The writing end stays open: `read` must not wait for end of input.
        let written = "(a \"b\" 3)\n".utf8.withContiguousStorageIfAvailable { write(descriptors[1], $0.baseAddress, $0.count) }
        #expect(written == 10)
        #expect(try h.call("read", .object(port)).written() == "(a \"b\" 3)")
        #expect(try h.call("read-char", .object(port)).written() == "#\\newline")
        // A list closed by its last character needs nothing after it.
        let closed = "(ok)".utf8.withContiguousStorageIfAvailable { write(descriptors[1], $0.baseAddress, $0.count) }
        #expect(closed == 4)
        #expect(try h.call("read", .object(port)).written() == "(ok)")
    }

    @Test func descriptorPortsBufferUntilFlushed() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }
        let port = FileDescriptorOutputPort(descriptor: descriptors[1], ownsDescriptor: true, buffering: .block)
        try port.write("héllo ")
        try port.write("wörld")
        var flags = fcntl(descriptors[0], F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(descriptors[0], F_SETFL, flags)
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(read(descriptors[0], &buffer, buffer.count) == -1)  // nothing written yet
        try port.close()
        let count = read(descriptors[0], &buffer, buffer.count)
        #expect(count > 0)
        #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self) == "héllo wörld")
    }

    // MARK: format

    @Test func formatBasicDirectives() throws {
        #expect(try format("~a ~s ~d ~x ~o ~b ~~ ~%", .str("s"), .str("s"), .int(42), .int(255), .int(8), .int(5)) == "s \"s\" 42 ff 10 101 ~ \n")
        #expect(try format("~{~a~^, ~}", .list(.int(1), .int(2), .int(3))) == "1, 2, 3")
        #expect(try format("~{~a=~a~^ ~}", .list(.sym("a"), .int(1), .sym("b"), .int(2))) == "a=1 b=2")
        #expect(try format("~:{~a=~a ~}", .list(.list(.sym("a"), .int(1)), .list(.sym("b"), .int(2)))) == "a=1 b=2 ")
        #expect(try format("~@{~a~}", .int(1), .int(2)) == "12")
        #expect(try format("~{~}", .str("~a"), .list(.int(1), .int(2))) == "12")
        #expect(try format("~c~c", .chr("a"), .chr("λ")) == "aλ")
        #expect(try format("~y", .list(.sym("a"), .sym("b"))) == "(a b)\n")
        #expect(try format("~5d|~5a|~5s|", .int(42), .str("ab"), .str("ab")) == "   42|ab   |\"ab\" |")
        #expect(try format("~8@a|", .sym("sym")) == "     sym|")
        #expect(try format("~10,'0d|~:d|~@d", .int(42), .int(1_234_567), .int(5)) == "0000000042|1,234,567|+5")
        #expect(try format("~,,'-:d", .int(1_234_567)) == "1-234-567")
        #expect(try format("~2,'0x", .int(5)) == "05")
        #expect(try format("~x", .int(-255)) == "-ff")
        #expect(try format("~va|", .int(5), .str("x")) == "x    |")
        #expect(try format("abc~\n         def") == "abcdef")
    }

    @Test func formatConditionalsAndMovement() throws {
        #expect(try format("~:[no~;yes~] ~:[no~;yes~]", .false, .int(5)) == "no yes")
        #expect(try format("~[zero~;one~;two~]", .int(1)) == "one")
        #expect(try format("~[zero~;one~:;many~]", .int(7)) == "many")
        #expect(try format("~#[none~;one~;two~]", .int(1), .int(2)) == "two")
        #expect(try format("~@[x=~a~]|", .int(5)) == "x=5|")
        #expect(try format("~@[x=~a~]|", .false) == "|")
        #expect(try format("~a ~@*~a", .int(1), .int(2)) == "1 1")
        #expect(try format("~a ~*~a", .int(1), .int(2), .int(3)) == "1 3")
        #expect(try format("~?", .str("~a-~a"), .list(.int(1), .int(2))) == "1-2")
        #expect(try format("~&a~&b~%~&c") == "a\nb\nc")
        #expect(try format("~a~10t|", .str("ab")) == "ab        |")
        #expect(try format("~:@(~a~)", .str("hello world")) == "HELLO WORLD")
        #expect(try format("~(~a~)", .str("HELLO")) == "hello")
        #expect(try format("~:(~a~)", .str("hello world")) == "Hello World")
        #expect(try format("~@(~a~)", .str("hello world")) == "Hello world")
    }

    @Test func formatFixedPoint() throws {
        #expect(try format("~,2f|~f|~5,1f|~8,3f", .flonum(3.14159), .flonum(2.5), .flonum(1.25), .int(-3)) == "3.14|2.5|  1.3|  -3.000")
        #expect(try format("~,3f ~,0f ~,1f ~,1f", .flonum(2.0 / 3.0), .flonum(2.5), .flonum(0.05), .flonum(0.25)) == "0.667 3. 0.1 0.3")
        #expect(try format("~,2f ~,2f ~,2f", .flonum(0.125), .flonum(2.675), .flonum(-0.005)) == "0.13 2.68 -0.01")
        #expect(try format("~5f|~3,2f|~4,2,,'*f|", .flonum(3.14159), .flonum(0.5), .flonum(123.456)) == "3.142|.50|****|")
        #expect(try format("~,2,2f|~8,3,,,'0f|", .flonum(1.5), .flonum(3.5)) == "150.00|0003.500|")
        #expect(try format("~f|~f|~,1f|", .flonum(1.5e-7), .flonum(1e-10), .flonum(1e-5)) == "0.00000015|0.0000000001|0.0|")
        #expect(try format("~f ~f ~,2f", .int(1), .int(100), .flonum(999.999)) == "1.0 100.0 1000.00")
        #expect(try format("~@f ~,2f", .flonum(1.5), .flonum(.infinity)) == "+1.5 +inf.0")
    }

    @Test func formatDestinationsAndErrors() throws {
        #expect(try h.call("format", .true, .str("~a!"), .int(1)).isTrue)
        #expect(h.output.contents == "1!")
        let port = StringOutputPort()
        _ = try h.call("format", .object(port), .str("~s"), .str("q"))
        #expect(port.contents == "\"q\"")
        #expect(h.failure("format", .str("~a"), .int(1)) != nil)
        #expect(h.failure("format", .false, .str("~q"), .int(1)) != nil)
        #expect(h.failure("format", .false, .str("~a ~a"), .int(1)) != nil)
        #expect(h.failure("format", .false, .str("~d"), .str("x")) != nil)
        #expect(h.failure("format", .false, .str("~{~a"), .null) != nil)
        #expect(h.failure("format", .false, .str("~{~a ~a~}"), .list(.int(1), .int(2), .int(3))) != nil)
        #expect(try format("~a", .int(1), .int(2)) == "1")
        #expect(try h.call("simple-format", .false, .str("~a ~s ~%"), .str("x"), .str("x")).text == "x \"x\" \n")
        #expect(h.failure("simple-format", .false, .str("~d"), .int(1)) != nil)
    }

    // MARK: Regular expressions

    @Test func matchGroupsInNonASCIIText() throws {
        let m = try h.call("string-match", .str("([a-z]+)([0-9]+)?"), .str("  λabc12x"))
        #expect(try h.call("match:substring", m).text == "abc12")
        #expect(try h.call("match:substring", m, .int(1)).text == "abc")
        #expect(try h.call("match:substring", m, .int(2)).text == "12")
        #expect(try h.call("match:start", m).isEqual(.int(3)))
        #expect(try h.call("match:end", m, .int(1)).isEqual(.int(6)))
        #expect(try h.call("match:count", m).isEqual(.int(3)))
        #expect(try h.call("match:prefix", m).text == "  λ")
        #expect(try h.call("match:suffix", m).text == "x")
        #expect(try h.call("match:string", m).text == "  λabc12x")
        #expect(h.failure("match:substring", m, .int(5))?.kind == .outOfRange)
        let unmatched = try h.call("string-match", .str("(a)(x)?"), .str("a"))
        #expect(try h.call("match:substring", unmatched, .int(2)).isFalse)
        #expect(try h.call("match:start", unmatched, .int(2)).isFalse)
        #expect(try h.call("match:substring", try h.call("string-match", .str("é+"), .str("caféé!"))).text == "éé")
        #expect(try h.call("match:end", try h.call("string-match", .str("[[:alpha:]]+"), .str("λμ1"))).isEqual(.int(2)))
        #expect(try h.call("match:end", try h.call("string-match", .str("."), .str("😀"))).isEqual(.int(1)))
    }

    @Test func execOptions() throws {
        let rx = try h.call("make-regexp", .str("b"))
        #expect(try h.call("match:start", try h.call("regexp-exec", rx, .str("abcb"), .int(2))).isEqual(.int(3)))
        #expect(try h.call("string-match", .str("A"), .str("xa")).isFalse)
        let icase = try h.call("make-regexp", .str("A"), try h.value("regexp/icase"))
        #expect(try h.call("match:substring", try h.call("regexp-exec", icase, .str("xa"))).text == "a")
        #expect(try h.call("match:start", try h.call("string-match", .str("^b"), .str("ab"), .int(1))).isEqual(.int(1)))
        let bol = try h.call("make-regexp", .str("^b"))
        #expect(try h.call("regexp-exec", bol, .str("ab"), .int(1), try h.value("regexp/notbol")).isFalse)
        #expect(h.failure("string-match", .str("a"), .str("abc"), .int(10))?.kind == .outOfRange)
        let bad = h.failure("make-regexp", .str("("))
        #expect(bad?.message.contains("Unmatched ( or \\(") == true)
        #expect(h.failure("make-regexp", .str("a"), .sym("foo"))?.kind == .wrongType)
        #expect(try h.call("regexp?", rx).isTrue)
        #expect(try h.call("regexp-match?", try h.call("string-match", .str("a"), .str("a"))).isTrue)
        // Text after a NUL is still searched.
        #expect(try h.call("match:start", try h.call("string-match", .str("b"), .str("a\u{0}b"))).isEqual(.int(2)))
    }

    @Test func substituteGlobal() throws {
        func global(_ items: Value...) throws -> String? {
            try h.call("regexp-substitute/global", arguments: [.false] + items).text
        }
        #expect(try global(.str("[0-9]+"), .str("a1b22c"), .sym("pre"), .str("<"), .int(0), .str(">"), .sym("post")) == "a<1>b<22>c")
        #expect(try global(.str("x*"), .str("abc"), .sym("pre"), .str("-"), .sym("post")) == "-a-b-c-")
        #expect(try global(.str("([a-z])([0-9])"), .str("a1b2"), .sym("pre"), .int(2), .int(1), .sym("post")) == "1a2b")
        let upcase = h.procedure { m in try h.call("string-upcase", try h.call("match:substring", m)) }
        #expect(try global(.str("[a-z]"), .str("a1b2"), .sym("pre"), upcase, .sym("post")) == "A1B2")
        #expect(try global(.str("[0-9]"), .str("a1b2"), .sym("pre")) == "a")
        #expect(try global(.str("[0-9]"), .str("a1b2"), .sym("post")) == "")
        #expect(try global(.str("b"), .str("abcb"), .sym("pre"), .str("X"), .sym("post"), .sym("pre")) == "aXcXca")
        #expect(try global(.str("ö+"), .str("λöö😀ö"), .sym("pre"), .str("[o]"), .sym("post")) == "λ[o]😀[o]")
        let m = try h.call("string-match", .str("[0-9]+"), .str("ab12cd"))
        #expect(try h.call("regexp-substitute", .false, m, .sym("pre"), .str("["), .int(0), .str("]"), .sym("post")).text == "ab[12]cd")
    }

    @Test func listAndFoldMatches() throws {
        let found = try h.call("list-matches", .str("[0-9]+"), .str("a1b22c333"))
        let texts = try found.listElements?.map { try h.call("match:substring", $0).text ?? "" }
        #expect(texts == ["1", "22", "333"])
        #expect(try h.call("list-matches", .str(""), .str("ab")).listElements?.count == 3)
        #expect(try h.call("list-matches", .str("^"), .str("ab\ncd")).listElements?.count == 1)
        let count = try h.call("fold-matches", .str("[0-9]+"), .str("a1b22c333"), .int(0), .procedure(Primitive("count") { _, n in
            guard case .fixnum(let k) = n else { return n }
            return .fixnum(k + 1)
        }))
        #expect(count.isEqual(.int(3)))
        #expect(try h.call("regexp-quote", .str("a.b*c[d]^$\\(x)|+?{}")).text == "a\\.b\\*c\\[d]\\^\\$\\\\[(]x[)][|][+][?][{][}]")
    }

    // MARK: System

    @Test func environment() throws {
        let name = Value.str("CAIRN_TEST_\(getpid())")
        #expect(try h.call("getenv", name).isFalse)
        _ = try h.call("setenv", name, .str("λ=1"))
        #expect(try h.call("getenv", name).text == "λ=1")
        _ = try h.call("unsetenv", name)
        #expect(try h.call("getenv", name).isFalse)
        #expect(h.failure("setenv", .str("A=B"), .str("x"))?.kind == .wrongType)
        #expect(h.failure("getenv", .sym("x"))?.kind == .wrongType)
        #expect(try h.value("internal-time-units-per-second").isEqual(.int(1_000_000_000)))
        guard case .fixnum(let pid) = try h.call("getpid") else { Issue.record("getpid"); return }
        #expect(pid == Int(getpid()))
        guard case .fixnum(let now) = try h.call("current-time") else { Issue.record("current-time"); return }
        #expect(now > 1_600_000_000)
        #expect(try h.call("getcwd").text?.hasPrefix("/") == true)
    }
}
