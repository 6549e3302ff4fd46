import Basics
import Foundation
import Testing
@testable import StoreFormats

/// Malformed and hostile `.drv` text gives a positioned error, never a trap,
/// and what is accepted always writes back to the same bytes.
struct DerivationHostileTests {
    static let store = "/tmp/nx/store"
    static let out = "\(store)/b64p0sl0immc9p1lwj89awrhnvgiyfhj-simple"

    static func parse(_ text: String) throws -> Derivation {
        try parse(Array(text.utf8))
    }

    static func parse(_ bytes: [UInt8]) throws -> Derivation {
        try Derivation(parsing: bytes, name: "simple", storeDirectory: StoreDirectory(store))
    }

    /// A well-formed derivation with `env` spliced into its environment list.
    static func derivation(outputs: String? = nil, args: String = #""-c""#, env: String = #"("a","1")"#, inputs: String = "", sources: String = "") -> String {
        let outputs = outputs ?? #"("out","\#(out)","","")"#
        return #"Derive([\#(outputs)],[\#(inputs)],[\#(sources)],"x86_64-linux","/bin/sh",[\#(args)],[\#(env)])"#
    }

    static func error(_ text: String) -> DerivationError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error as? DerivationError
        }
    }

    @Test("a well-formed sample parses (the cases below change one thing)")
    func baseline() throws {
        let derivation = try Self.parse(Self.derivation())
        #expect(derivation.environment == ["a": "1"])
    }

    @Test("each malformed input is refused with the byte offset of the problem")
    func positionedErrors() throws {
        let out = Self.out, store = Self.store
        let cases: [(String, String, (DerivationError) -> Bool)] = [
            ("bad escape", Self.derivation(args: #""\q""#), {
                if case .invalidEscape(let offset, "\\q") = $0 { offset > 0 } else { false }
            }),
            ("trailing bytes", Self.derivation() + "GARBAGE", {
                if case .trailingBytes(_, 7) = $0 { true } else { false }
            }),
            ("unsorted environment", Self.derivation(env: #"("z","1"),("a","2")"#), {
                if case .unsorted(_, "environment variable", "a", "z") = $0 { true } else { false }
            }),
            ("duplicate environment", Self.derivation(env: #"("a","1"),("a","2")"#), {
                if case .duplicate(_, "environment variable", "a") = $0 { true } else { false }
            }),
            ("duplicate output", Self.derivation(outputs: #"("out","\#(out)","",""),("out","\#(out)","","")"#), {
                if case .duplicate(_, "output", "out") = $0 { true } else { false }
            }),
            ("missing comma", Self.derivation(args: #""-c" "x""#), {
                if case .unexpected(_, "',' or ']'", _) = $0 { true } else { false }
            }),
            ("not a derivation", "Derivation()", { if case .unexpected(5, "'e(['", "'ation()'") = $0 { true } else { false } }),
            ("empty", "", { if case .unexpected(0, _, "the end of the file") = $0 { true } else { false } }),
            ("unknown algorithm", Self.derivation(outputs: #"("out","\#(out)","md4","00")"#), {
                if case .invalidOutputHash(_, "out", _) = $0 { true } else { false }
            }),
            ("short hash", Self.derivation(outputs: #"("out","\#(out)","sha256","abcd")"#), {
                if case .invalidOutputHash(_, "out", _) = $0 { true } else { false }
            }),
            ("upper-case hash", Self.derivation(outputs: #"("out","\#(out)","sha1","\#(String(repeating: "A", count: 40))")"#), {
                if case .invalidOutputHash(_, "out", _) = $0 { true } else { false }
            }),
            ("nix-base32 hash", Self.derivation(outputs: #"("out","\#(out)","sha256","\#(String(repeating: "0", count: 52))")"#), {
                if case .invalidOutputHash = $0 { true } else { false }
            }),
            ("hash without algorithm", Self.derivation(outputs: #"("out","\#(out)","","abcd")"#), {
                if case .invalidOutputHash = $0 { true } else { false }
            }),
            ("floating output", Self.derivation(outputs: #"("out","","sha256","")"#), {
                if case .floatingOutput(_, "out") = $0 { true } else { false }
            }),
            ("fixed output without path", Self.derivation(outputs: #"("out","","sha1","\#(String(repeating: "a", count: 40))")"#), {
                if case .unexpected = $0 { true } else { false }
            }),
            ("path outside the store", Self.derivation(outputs: #"("out","/nix/store/b64p0sl0immc9p1lwj89awrhnvgiyfhj-x","","")"#), {
                if case .pathOutsideStore(_, _, "/tmp/nx/store") = $0 { true } else { false }
            }),
            ("path with a trailing slash", Self.derivation(sources: #""\#(out)/""#), {
                if case .invalidPath = $0 { true } else { false }
            }),
            ("bad hash part", Self.derivation(outputs: #"("out","\#(store)/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-x","","")"#), {
                if case .invalidPath = $0 { true } else { false }
            }),
            ("unsorted sources", Self.derivation(sources: #""\#(store)/z64p0sl0immc9p1lwj89awrhnvgiyfhj-a","\#(store)/b64p0sl0immc9p1lwj89awrhnvgiyfhj-a""#), {
                if case .unsorted(_, "input source", _, _) = $0 { true } else { false }
            }),
            ("unsorted input outputs", Self.derivation(inputs: #"("\#(store)/b64p0sl0immc9p1lwj89awrhnvgiyfhj-a.drv",["out","dev"])"#), {
                if case .unsorted = $0 { true } else { false }
            }),
            ("backslash in the system", #"Derive([("out","\#(out)","","")],[],[],"x86\\64","/bin/sh",[],[])"#, {
                if case .escapeInUnquotedField(_, "system") = $0 { true } else { false }
            }),
            ("unterminated string", #"Derive([("out"#, {
                if case .unexpected(_, let expected, "the end of the file") = $0 { expected.hasPrefix("'\"'") } else { false }
            }),
            ("escape at the end", #"Derive([],[],[],"s","b",["x\"#, {
                if case .unexpected(_, "an escaped character", _) = $0 { true } else { false }
            }),
            ("raw newline in an escaped string", Self.derivation(args: "\"a\nb\""), {
                if case .unescapedControl(_, "\\n") = $0 { true } else { false }
            }),
        ]
        for (label, text, matches) in cases {
            let error = Self.error(text)
            #expect(error.map(matches) == true, "\(label): \(error.map { "\($0.message)" } ?? "accepted")")
            #expect(error?.message.hasPrefix("at byte ") == true, "\(label)")
        }
    }

    @Test("invalid UTF-8 in a string is refused")
    func invalidUTF8() throws {
        var bytes = Array(Self.derivation(env: #"("a","XY")"#).utf8)
        let index = try #require(bytes.firstIndex(of: UInt8(ascii: "X")))
        bytes[index] = 0xC3
        bytes[index + 1] = 0x28
        #expect(throws: DerivationError.invalidUTF8(offset: index)) { try Self.parse(bytes) }
    }

    @Test("every truncation of every fixture is an error, not a trap")
    func truncations() throws {
        for (path, bytes) in try DerivationFixtures.all() {
            for length in 0..<bytes.count {
                do {
                    _ = try DerivationFixtures.parse(path, Array(bytes[..<length]))
                    Issue.record("\(path) truncated to \(length) bytes was accepted")
                } catch is DerivationError {
                } catch {
                    Issue.record("\(path): unexpected \(error)")
                }
            }
        }
    }

    @Test("random byte changes are refused or round-trip exactly", arguments: [UInt64(1), 2, 3, 4])
    func mutations(seed: UInt64) throws {
        var random = XorShift(seed: seed)
        let fixtures = try DerivationFixtures.all()
        let alphabet = Array(#"()[],"\ntr:/0ak"#.utf8) + [0, 0x0A, 0x09, 0xFF, 0xC3]
        for round in 0..<3000 {
            let (path, original) = fixtures[Int(random.next() % UInt64(fixtures.count))]
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                }
            }
            do {
                let derivation = try DerivationFixtures.parse(path, bytes)
                let written = derivation.serialized(in: try Fixtures.storeDirectory())
                #expect(written == bytes, "seed \(seed) round \(round): accepted but not canonical")
            } catch is DerivationError {
            }
        }
    }

    @Test("deep nesting and huge inputs are handled without recursion or traps")
    func nestingAndSize() throws {
        let nested = "Derive(" + String(repeating: "[", count: 200_000)
        #expect(throws: DerivationError.self) { try Self.parse(nested) }
        let brackets = Self.derivation(args: String(repeating: "[", count: 100_000))
        #expect(throws: DerivationError.self) { try Self.parse(brackets) }
        let big = String(repeating: "x\\n", count: 1_000_000)
        let derivation = try Self.parse(Self.derivation(env: #"("a","\#(big)")"#))
        #expect(derivation.environment["a"]?.utf8.count == 2_000_000)
        let many = (0..<20_000).map { #""arg\#($0)""# }.joined(separator: ",")
        #expect(try Self.parse(Self.derivation(args: many)).arguments.count == 20_000)
    }

    @Test("errors read well: a message with the offset and a hint")
    func messages() throws {
        let error = try #require(Self.error(Self.derivation(args: #""\q""#)))
        #expect(error.message.contains("invalid escape '\\q'"))
        #expect(error.hint?.contains("\\n") == true)
        let wrapped = DerivationFileError(file: "/x/y.drv", error: error)
        #expect(wrapped.message.hasPrefix("derivation '/x/y.drv': at byte "))
    }
}

/// Deterministic pseudo-random numbers (xorshift64), so a failure can be replayed.
struct XorShift {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x2545_F491_4F6C_DD1D | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
