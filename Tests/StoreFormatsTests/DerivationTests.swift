import Basics
import Foundation
import Testing
@testable import StoreFormats

/// The `.drv` files Nix wrote (Fixtures/README.md), readable by store path.
enum DerivationFixtures {
    /// The original three and those of `derivations/derivations.nix`.
    static func all() throws -> [(path: StorePath, bytes: [UInt8])] {
        var result: [(StorePath, [UInt8])] = []
        for (key, file) in [("drv.simple", "simple.drv"), ("drv.multi", "multi.drv"), ("drv.fixed", "fixed.drv")] {
            result.append((try Fixtures.storeDirectory().parse(Fixtures.expected(key)), try Fixtures.bytes(file)))
        }
        return result + (try generated())
    }

    /// Those of `derivations/derivations.nix`, named by their store paths.
    static func generated() throws -> [(path: StorePath, bytes: [UInt8])] {
        var result: [(StorePath, [UInt8])] = []
        let directory = try Fixtures.url("derivations")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        where name.hasSuffix(".drv") {
            result.append((try StorePath(baseName: name), try Fixtures.bytes("derivations/" + name)))
        }
        return result
    }

    static func parse(_ path: StorePath, _ bytes: [UInt8]) throws -> Derivation {
        try Derivation(
            parsing: bytes, name: try #require(Derivation.name(ofDerivationAt: path)),
            storeDirectory: Fixtures.storeDirectory())
    }

    /// A hasher that reads input derivations from the fixtures, counting reads.
    static func hasher(reads: Counter = Counter()) throws -> DerivationHasher {
        let fixtures = try Dictionary(uniqueKeysWithValues: all().map { ($0.path, $0.bytes) })
        return DerivationHasher(storeDirectory: try Fixtures.storeDirectory()) { path in
            reads.count += 1
            guard let bytes = fixtures[path] else { throw FixtureMissing(description: "no fixture \(path)") }
            return try parse(path, bytes)
        }
    }

    final class Counter: @unchecked Sendable { var count = 0 }
}

struct DerivationTests {
    @Test("every .drv written by Nix reads and writes back byte for byte")
    func goldenRoundTrip() throws {
        let fixtures = try DerivationFixtures.all()
        #expect(fixtures.count == 13)
        for (path, bytes) in fixtures {
            let derivation = try DerivationFixtures.parse(path, bytes)
            let written = derivation.serialized(in: try Fixtures.storeDirectory())
            #expect(written == bytes, "\(path): \(String(decoding: written, as: UTF8.self))")
        }
    }

    @Test("the .drv path, output paths and environment Cairn computes are Nix's")
    func pathsMatchNix() throws {
        var hasher = try DerivationFixtures.hasher()
        for (path, bytes) in try DerivationFixtures.all() {
            let derivation = try DerivationFixtures.parse(path, bytes)
            #expect(try hasher.derivationPath(of: derivation) == path)
            try hasher.validate(derivation)
            let outputs = try hasher.outputPaths(of: derivation)
            #expect(outputs == derivation.outputs.compactMapValues(\.path), "\(path)")
        }
    }

    @Test("filling in the outputs of a derivation being made gives what Nix wrote")
    func fillingOutputsMatchesNix() throws {
        var hasher = try DerivationFixtures.hasher()
        for (path, bytes) in try DerivationFixtures.all() {
            let original = try DerivationFixtures.parse(path, bytes)
            var template = original
            for name in template.outputs.keys {
                template.outputs[name]?.path = nil
                template.environment[name] = nil
            }
            let filled = try hasher.fillingOutputs(of: template)
            #expect(filled == original, "\(path)")
            #expect(filled.serialized(in: try Fixtures.storeDirectory()) == bytes)
        }
    }

    @Test("parsed values hold what the ATerm says, escapes decoded")
    func parsedValues() throws {
        let fixtures = try DerivationFixtures.all()
        let escapes = try #require(fixtures.first { $0.path.name == "escapes.drv" })
        let derivation = try DerivationFixtures.parse(escapes.path, escapes.bytes)
        #expect(derivation.arguments == ["-c", "quote\" backslash\\ newline\n return\r tab\t"])
        #expect(derivation.environment["key with \"quotes\""] == "and\\backslashes")
        #expect(derivation.environment[""] == "empty key")
        #expect(derivation.environment["text"] == "bell\u{7} escape\u{1b} del\u{7f} é ☃ 😀 \\n")
        let inputs = try #require(fixtures.first { $0.path.name == "with-inputs.drv" })
        let withInputs = try DerivationFixtures.parse(inputs.path, inputs.bytes)
        #expect(withInputs.inputDerivations.count == 4)
        #expect(withInputs.inputDerivations.values.contains(["bin", "dev"]))
        #expect(withInputs.inputSources.map(\.name) == ["note"])
        #expect(withInputs.references.count == 5)
        let sha1 = try #require(fixtures.first { $0.path.name == "recursive-sha1.drv" })
        let fixed = try #require(try DerivationFixtures.parse(sha1.path, sha1.bytes).fixedOutput)
        #expect(fixed.method == .recursive && fixed.hash.algorithm == .sha1)
        #expect(fixed.methodAndAlgorithm == "r:sha1")
    }

    @Test("input derivations are read once each, however often they are used")
    func hashModuloIsMemoised() throws {
        let reads = DerivationFixtures.Counter()
        var hasher = try DerivationFixtures.hasher(reads: reads)
        let fixtures = try DerivationFixtures.all()
        let inputs = try #require(fixtures.first { $0.path.name == "with-inputs.drv" })
        let derivation = try DerivationFixtures.parse(inputs.path, inputs.bytes)
        try hasher.validate(derivation)
        try hasher.validate(derivation)
        _ = try hasher.hashModulo(ofDerivationAt: inputs.path)
        #expect(reads.count == 5)
    }

    @Test("a chain of 3000 derivations hashes without exhausting the stack")
    func deepChain() throws {
        let directory = try StoreDirectory("/cairn/store")
        final class Box: @unchecked Sendable { var derivations: [StorePath: Derivation] = [:] }
        let box = Box()
        var hasher = DerivationHasher(storeDirectory: directory) { path in
            guard let derivation = box.derivations[path] else { throw FixtureMissing(description: "\(path)") }
            return derivation
        }
        var previous: StorePath?
        for i in 0..<3000 {
            var template = Derivation(
                name: "link-\(i)", outputs: ["out": DerivationOutput()], system: "x86_64-linux", builder: "/bin/sh")
            if let previous { template.inputDerivations[previous] = ["out"] }
            let made = try hasher.fillingOutputs(of: template)
            let path = try hasher.derivationPath(of: made)
            box.derivations[path] = made
            previous = path
        }
        // A fresh hasher must walk the whole chain from the top.
        var fresh = DerivationHasher(storeDirectory: directory) { path in
            guard let derivation = box.derivations[path] else { throw FixtureMissing(description: "\(path)") }
            return derivation
        }
        let top = try #require(previous)
        #expect(try fresh.hashModulo(ofDerivationAt: top).keys.sorted() == ["out"])
        try fresh.validate(try #require(box.derivations[top]))
    }

    @Test("JSON matches nix show-derivation text for every fixture")
    func jsonMatchesNix() throws {
        let directory = try Fixtures.storeDirectory()
        var members: [(String, JSONValue)] = []
        for (path, bytes) in try DerivationFixtures.generated() {
            members.append((path.absolute(in: directory), try DerivationFixtures.parse(path, bytes).json(in: directory)))
        }
        members.sort { byteOrder($0.0, $1.0) }
        #expect(members.count == 10)
        let expected = try Fixtures.text("derivations/show-derivation.json")
        #expect(JSONValue.object(members).prettyRendered() + "\n" == expected)
    }
}
