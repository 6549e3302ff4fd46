import Foundation
import Testing
@testable import Scheme

/// Runs Guile, when installed, as the reference for reading and printing.
enum Guile {
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/guile"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Runs `script` with `input` in a file named by `(cadr (command-line))`;
    /// returns standard output split on the separator NUL SOH NUL, which no
    /// sample contains.
    static func run(script: String, input: String) throws -> [String] {
        guard let executable else { return [] }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cairn-guile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scriptURL = directory.appendingPathComponent("script.scm")
        let inputURL = directory.appendingPathComponent("input.scm")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        try input.write(to: inputURL, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--no-auto-compile", "-s", scriptURL.path, inputURL.path]
        var environment = ProcessInfo.processInfo.environment
        // Guile escapes non-ASCII characters on ports whose locale cannot encode them.
        environment["LC_ALL"] = "C.UTF-8"
        environment["GUILE_AUTO_COMPILE"] = "0"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Split the bytes by hand: Foundation's string splitting mishandles NULs.
        let bytes = [UInt8](data)
        var pieces: [String] = []
        var start = 0
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 1, bytes[index + 2] == 0 {
                pieces.append(String(decoding: bytes[start..<index], as: UTF8.self))
                index += 3
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { pieces.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return pieces
    }

    static let prelude = """
        (set-port-encoding! (current-output-port) "UTF-8")
        (define input (open-input-file (cadr (command-line)) #:encoding "UTF-8"))
        (define (separator) (display (list->string (map integer->char '(0 1 0)))))

        """
}

/// Scalar-for-scalar equality: `==` on strings equates canonically
/// equivalent text, which would hide differences in the bytes written.
func same(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.elementsEqual(b.unicodeScalars)
}

@Suite struct GuileOracleTests {
    /// Data whose reading and printing Cairn must reproduce byte for byte.
    /// Floating-point and big numbers are left to NumberSyntax's own tests.
    static let samples = [
        "foo", "FooBar", "(a b c)", "(a . b)", "(a b . c)", "(a . (b . (c)))", "((a . b) . (c . d))",
        "(1 (2 (3 (4))) #(5 6))", "[a b]", "[a (b) [c]]", "'x", "'(quote x)", "`(a ,b ,@c)", "''a",
        "#'x", "#`(a #,b #,@c)", "(quote)", "(quote . a)", "(a quote b)", "(quote a b)",
        "\"plain\"", #""esc \" \\ \n \t \r \a \b \v \f \0""#, #""\x41\x7f\x85\xa0\xad\x01""#,
        #""\u03bb\u2028\ue000\U01F600\U10FFFF""#, "\"a\\\n   b\"", "\"λ and 😀\"", "\"tab\there\"",
        #""\x41;""#, #""\(""#, #""a\|b""#, "\"\"",
        "#\\a", "#\\A", "#\\space", "#\\newline", "#\\tab", "#\\nul", "#\\x7f", "#\\alarm", "#\\backspace",
        "#\\vtab", "#\\page", "#\\return", "#\\esc", "#\\escape", "#\\delete", "#\\x80", "#\\xa0", "#\\xad",
        "#\\λ", "#\\x301", "#\\x2028", "#\\x1F600", "#\\(", "#\\)", "#\\;", "#\\\"", "#\\101", "#\\0",
        "#\\x0", "#\\SPACE", "#\\Nul", "#\\x", "#\\sp", "#\\del", "#\\null", "#\\nl", "#\\x10FFFF", "#\\xe000",
        "#:key", "#:a.b", "#:#{a b}#", "#: spaced", "#:1+",
        "#t", "#f", "#true", "#false", "#T", "#FALSE",
        "#()", "#(a \"b\" #\\c)", "#vu8()", "#vu8(0 127 255)", "#(#(#()))", "#(a (b . c))",
        "#{foo bar}#", "#{}#", "#{1}#", "#{a(b}#", "#{a}b}#", "#{#foo}#", "#{a;b}#", "#{a\"b}#", "#{.}#",
        "#{1+}#", "#{+5}#", "#{a\\x9;b}#", "#{a\\x7f;b}#", "#{'a}#", "#{,a}#", "#{a#}#", "#{-}#",
        "+", "-", "...", "1+", "-1+", "+a", ".a", "a.b", "->x", "a'b", "a,b", "a`b", "{a}", "a|b", ":a", "a:",
        "λ", "A", "<thing>", "a\\b", "é", "·a", "a·",
        "0", "-0", "42", "-17", "+5", "007", "(1 -2 +3)",
        "(define (f x) (+ x 1))", "(a #;b c)", "(a #|c|# b)", "(#t . #f)", "(\"a\" #\\b (\"c d\" . #\\space))",
        "(let ((x 1) (y \"s\")) (display x) (newline))",
    ]

    @Test func writeAndDisplayMatchGuile() throws {
        guard Guile.executable != nil else {
            print("SKIP: guile not found")
            return
        }
        let script = Guile.prelude + """
            (let loop ()
              (let ((datum (read input)))
                (unless (eof-object? datum)
                  (write datum) (separator) (display datum) (separator)
                  (loop))))
            """
        let input = Self.samples.joined(separator: "\n")
        let expected = try Guile.run(script: script, input: input)
        let data = try Read.all(input)
        #expect(data.count == Self.samples.count)
        #expect(expected.count == 2 * data.count, "guile gave \(expected.count) pieces")
        guard expected.count == 2 * data.count else { return }
        for (index, datum) in data.enumerated() {
            #expect(same(datum.written(), expected[2 * index]), "write of \(Self.samples[index])")
            #expect(same(datum.displayed, expected[2 * index + 1]), "display of \(Self.samples[index])")
        }
    }

    /// Characters, strings and symbols made of assorted code points, printed
    /// by both: exercises the Unicode category rules.
    @Test func codePointPrintingMatchesGuile() throws {
        guard Guile.executable != nil else {
            print("SKIP: guile not found")
            return
        }
        var codes = Array(UInt32(0)...0x3FF)
        codes += Array(stride(from: UInt32(0x2000), through: 0x206F, by: 1))
        codes += Array(UInt32(0x3000)...0x3010) + [0xE000, 0xFEFF, 0xFFFD, 0x1F600, 0x10FFFF, 0xF8FF]
        // Cairn reads `|…|` as a symbol, so it braces names starting with `|` where Guile does not.
        let symbolCodes = codes.filter { $0 != 0x7C }
        let script = Guile.prelude + """
            (define codes (read input))
            (define symbol-codes (read input))
            (for-each (lambda (code)
                        (let ((c (integer->char code)))
                          (write c) (separator)
                          (write (string c #\\a)) (separator)))
                      codes)
            (for-each (lambda (code)
                        (let ((c (integer->char code)))
                          (write (string->symbol (string c))) (separator)
                          (write (string->symbol (string #\\a c #\\b))) (separator)
                          (write (string->symbol (string c #\\a))) (separator)))
                      symbol-codes)
            """
        let input = "(" + codes.map(String.init).joined(separator: " ") + ")\n("
            + symbolCodes.map(String.init).joined(separator: " ") + ")"
        let expected = try Guile.run(script: script, input: input)
        #expect(expected.count == 2 * codes.count + 3 * symbolCodes.count)
        guard expected.count == 2 * codes.count + 3 * symbolCodes.count else { return }
        var index = 0
        for code in codes {
            guard let c = Unicode.Scalar(code) else { continue }
            #expect(same(Value.char(c).written(), expected[index]), "char U+\(String(code, radix: 16))")
            #expect(same(Value.string(String(c) + "a").written(), expected[index + 1]), "string U+\(String(code, radix: 16))")
            index += 2
        }
        for code in symbolCodes {
            guard let c = Unicode.Scalar(code) else { continue }
            let names = [String(c), "a" + String(c) + "b", String(c) + "a"]
            for (offset, name) in names.enumerated() {
                let guile = expected[index + offset]
                // Symbol.intern keys its table by String, which equates canonically
                // equivalent names (U+037E and `;`): such a name comes back as the
                // first-interned spelling, so Guile's output cannot be matched.
                guard Symbol.intern(name).name.unicodeScalars.elementsEqual(name.unicodeScalars) else { continue }
                #expect(same(Value.symbol(name).written(), guile), "symbol \(name.debugDescription): \(guile)")
            }
            index += 3
        }
    }

    /// Random snippets of reader syntax: where both readers accept one, they
    /// must produce the same data. (Where only one accepts, Cairn is stricter
    /// by design: lone `.`, `#t` glued to what follows. No piece starts a token
    /// with `|`, which Cairn reads as an R7RS symbol and Guile does not.)
    /// Digits are left out so NumberSyntax's coverage does not matter here.
    @Test func readerAgreesOnRandomSnippets() throws {
        guard Guile.executable != nil else {
            print("SKIP: guile not found")
            return
        }
        let pieces = [
            "(", ")", "[", "]", "#(", "#vu8(", "\"", "\\", "'", "`", ",", ",@", "#\\", "#:", "#t", "#f",
            "#;", "#|", "#|c|#", "#!", "!#", "#{", "}#", ";", ".", " . ", " ", "\n", "\t", "a", "foo", "λ",
            "-", "+", "x", "u", "e", "#'", "#`", "#,", "#,@", "space", "nul", "\\x", "\\n", "\\u", "{", "}",
            "@", "\u{7F}", "#!fold-case", ":", "#true",
        ]
        var generator = SplitMix64(seed: 99)
        var snippets: [String] = []
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }
            snippets.append(text)
        }
        let script = Guile.prelude + """
            (define (read-all-written port)
              (let loop ((written '()))
                (let ((datum (read port)))
                  (if (eof-object? datum)
                      (string-join (reverse written) " ")
                      (loop (cons (call-with-output-string (lambda (out) (write datum out))) written))))))
            (for-each (lambda (snippet)
                        (display (catch #t
                                   (lambda () (call-with-input-string snippet read-all-written))
                                   (lambda _ "ERR")))
                        (separator))
                      (read input))
            """
        let input = "(" + snippets.map { Printer.stringSyntax(Array($0.unicodeScalars)) }.joined(separator: "\n") + ")"
        let expected = try Guile.run(script: script, input: input)
        #expect(expected.count == snippets.count)
        var agreed = 0
        for (snippet, guile) in zip(snippets, expected) where guile != "ERR" {
            guard let data = try? Read.all(snippet) else { continue }
            let ours = data.map { $0.written() }.joined(separator: " ")
            #expect(same(ours, guile), "\(snippet.debugDescription)")
            agreed += 1
        }
        #expect(agreed > 800)
    }

    /// What Guile writes, Cairn reads back as the same datum.
    @Test func readsGuileOutputBack() throws {
        guard Guile.executable != nil else {
            print("SKIP: guile not found")
            return
        }
        let script = Guile.prelude + """
            (let loop ()
              (let ((datum (read input)))
                (unless (eof-object? datum)
                  (write datum) (separator)
                  (loop))))
            """
        let input = Self.samples.joined(separator: "\n")
        let written = try Guile.run(script: script, input: input)
        let original = try Read.all(input)
        guard written.count == original.count else {
            Issue.record("guile gave \(written.count) data for \(original.count)")
            return
        }
        for (text, datum) in zip(written, original) {
            #expect(try Read.one(text).isEqual(datum), "\(text)")
        }
    }
}
