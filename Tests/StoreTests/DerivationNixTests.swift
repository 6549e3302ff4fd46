import Basics
import Foundation
import Testing
@testable import Store
import StoreFormats

/// Nix (Debian nix-bin) in the same logical store directory as a Cairn
/// store, its own files elsewhere (`real=`), so both can write side by side.
struct NixOracle {
    static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/nix-instantiate")
        || (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/nix-instantiate") }
    static let skipReason: Comment = "skipped: Nix (Debian nix-bin) is not installed; the derivation differential tests need it"

    let root: String
    let storeDirectory: StoreDirectory
    var realStore: String { root + "/nix/store" }

    /// Evaluates `expression` (an attribute set of derivations) and returns,
    /// per attribute, the `.drv` path and output paths Nix gives them.
    func instantiate(_ expression: String) throws -> [String: (drv: StorePath, outputs: [String: StorePath])] {
        let file = root + "/cases.nix"
        try expression.write(toFile: file, atomically: true, encoding: .utf8)
        let query = """
            builtins.mapAttrs (n: d: { drv = d.drvPath;
              outputs = builtins.listToAttrs (map (o: { name = o; value = d.${o}.outPath; }) (d.outputs or [ "out" ])); })
              (import \(file))
            """
        let output = try run(["--eval", "--strict", "--json", "--read-write-mode", "-E", query])
        guard let json = try JSONSerialization.jsonObject(with: output) as? [String: [String: Any]] else {
            throw FixtureError("nix-instantiate printed no object")
        }
        var result: [String: (StorePath, [String: StorePath])] = [:]
        for (name, entry) in json {
            guard let drv = entry["drv"] as? String, let outputs = entry["outputs"] as? [String: String] else {
                throw FixtureError("unexpected entry \(entry)")
            }
            result[name] = (try storeDirectory.parse(drv), try outputs.mapValues { try storeDirectory.parse($0) })
        }
        return result
    }

    /// The bytes of a file Nix wrote, by its logical store path.
    func bytes(of path: StorePath) throws -> [UInt8] {
        try FileSystem.readFile(realStore + "/" + path.baseName)
    }

    private func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let uri = "local?store=\(storeDirectory.path)&real=\(realStore)&state=\(root)/nix/var&log=\(root)/nix/log"
        process.arguments = ["nix-instantiate", "--store", uri] + arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in [
            "NIX_STORE_DIR": storeDirectory.path, "NIX_STATE_DIR": root + "/nix/var", "NIX_LOG_DIR": root + "/nix/log",
            "NIX_CONF_DIR": root + "/nix/etc", "HOME": root + "/nix/home",
        ] { environment[key] = value }
        process.environment = environment
        let output = Pipe()
        let errors = root + "/nix-stderr"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError("nix-instantiate failed: " + ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""))
        }
        return data
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One `derivation { … }` call, written both as a Nix expression and as the
/// template Cairn fills in: the attributes become the environment as Nix's
/// primitive makes it (lists joined by spaces; `args` the arguments).
struct DerivationCase {
    var name: String
    var attributes: [(String, [String])]

    init(_ name: String, _ attributes: [(String, [String])]) {
        self.name = name
        self.attributes = [("name", [name]), ("system", ["x86_64-linux"]), ("builder", ["/bin/sh"])] + attributes
    }

    var nix: String {
        let body = attributes.map { key, values in
            let value = key == "args" || key == "outputs"
                ? "[ " + values.map(Self.nixString).joined(separator: " ") + " ]" : Self.nixString(values[0])
            return "\(Self.nixString(key)) = \(value);"
        }
        return "derivation { \(body.joined(separator: " ")) }"
    }

    /// A Nix string literal: `"`, `\` and `$` escaped, controls as escapes.
    static func nixString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "$": out += "\\$"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    func template() throws -> Derivation {
        var environment: [String: String] = [:]
        for (key, values) in attributes where key != "args" { environment[key] = values.joined(separator: " ") }
        let outputNames = attributes.first { $0.0 == "outputs" }?.1 ?? ["out"]
        var outputs = Dictionary(uniqueKeysWithValues: outputNames.map { ($0, DerivationOutput()) })
        if let hash = environment["outputHash"] {
            let algorithm = environment["outputHashAlgo"].flatMap { HashAlgorithm(rawValue: $0) }
            let method: ContentAddressMethod = environment["outputHashMode"] == "recursive" ? .recursive : .flat
            outputs["out"] = DerivationOutput(fixed: FixedOutputHash(method: method, hash: try Hash.parse(hash, defaultAlgorithm: algorithm)))
        }
        return Derivation(
            name: name, outputs: outputs, system: environment["system"] ?? "", builder: environment["builder"] ?? "",
            arguments: attributes.first { $0.0 == "args" }?.1 ?? [], environment: environment)
    }
}

@Suite(.enabled(if: NixOracle.available, NixOracle.skipReason))
struct DerivationNixTests {
    static let hello256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    static let hello1 = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    static let hello512 = "sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw=="

    static let cases: [DerivationCase] = [
        DerivationCase("plain", [("args", ["-c", "echo hi > $out"])]),
        DerivationCase("multiple-1.0", [("outputs", ["out", "dev", "lib", "aa"]), ("args", ["-c", "x"])]),
        DerivationCase("flat-sha256", [("outputHash", [hello256]), ("outputHashAlgo", ["sha256"]), ("outputHashMode", ["flat"])]),
        DerivationCase("flat-sha1", [("outputHash", [hello1]), ("outputHashAlgo", ["sha1"])]),
        DerivationCase("flat-sha512", [("outputHash", [hello512])]),
        DerivationCase("recursive-sha256", [
            ("outputHash", ["1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"]), ("outputHashAlgo", ["sha256"]),
            ("outputHashMode", ["recursive"]),
        ]),
        DerivationCase("recursive-sha1", [("outputHash", ["sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00="]), ("outputHashMode", ["recursive"])]),
        DerivationCase("recursive-sha512", [("outputHash", [hello512]), ("outputHashMode", ["recursive"])]),
        DerivationCase("escapes", [
            ("args", ["-c", "quote\" backslash\\ dollar$ ${x} newline\n return\r tab\t bell\u{7} é ☃ 😀"]),
            ("key \"quoted\"", ["and\\backslashes\nand lines"]), ("", ["empty key"]), ("zzz", [""]),
        ]),
    ]

    /// Environments with random text: every special character in random places.
    static func randomCases(seed: UInt64) -> [DerivationCase] {
        var random = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 {
            random ^= random << 13
            random ^= random >> 7
            random ^= random << 17
            return random
        }
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "$", "{", "}", "\n", "\r", "\t", "\u{1}", "\u{1b}", "é", "☃", "😀", "\\n", "(", ")", ",", "[", "]"]
        func text() -> String { (0..<Int(next() % 12)).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined() }
        return (0..<6).map { i in
            let attributes = (0..<Int(1 + next() % 5)).map { j in ("k\(j)\(text())", [text()]) }
            return DerivationCase("random-\(seed)-\(i)", [("args", (0..<Int(next() % 4)).map { _ in text() })] + attributes)
        }
    }

    @Test("Cairn makes Nix's .drv bytes, .drv paths and output paths", arguments: [UInt64(0), 1, 2, 3])
    func sameDerivationsAsNix(seed: UInt64) throws {
        let t = try TempStore()
        let oracle = NixOracle(root: t.root, storeDirectory: t.store.storeDirectory)
        let cases = seed == 0 ? Self.cases : Self.randomCases(seed: seed)
        let expression = "{\n" + cases.map { "  \(DerivationCase.nixString($0.name)) = \($0.nix);" }.joined(separator: "\n") + "\n}\n"
        let nix = try oracle.instantiate(expression)
        var hasher = t.store.derivationHasher()
        for testCase in cases {
            let expected = try #require(nix[testCase.name], "Nix made no \(testCase.name)")
            let made = try hasher.fillingOutputs(of: testCase.template())
            let nixBytes = try oracle.bytes(of: expected.drv)
            let ours = made.serialized(in: t.store.storeDirectory)
            #expect(ours == nixBytes, "\(testCase.name):\n\(String(decoding: ours, as: UTF8.self))\n\(String(decoding: nixBytes, as: UTF8.self))")
            #expect(try t.store.addDerivation(made) == expected.drv, "\(testCase.name)")
            #expect(made.outputs.compactMapValues(\.path) == expected.outputs, "\(testCase.name)")
            #expect(try t.store.database.derivationOutputs(of: expected.drv) == expected.outputs)
            // And Nix's file reads and writes back the same.
            let parsed = try Derivation(parsing: nixBytes, name: testCase.name, storeDirectory: t.store.storeDirectory)
            #expect(parsed == made)
            #expect(parsed.serialized(in: t.store.storeDirectory) == nixBytes)
        }
    }

    @Test("with input derivations (fixed-output ones by their hash), sources and text files, paths are Nix's")
    func inputsMatchNix() throws {
        let t = try TempStore()
        let oracle = NixOracle(root: t.root, storeDirectory: t.store.storeDirectory)
        try "source text\n".write(toFile: t.root + "/src.txt", atomically: true, encoding: .utf8)
        let plain = Self.cases[0], multiple = Self.cases[1], fixed = Self.cases[3], recursive = Self.cases[5]
        let command = "cat ${plain} ${multiple.dev} ${multiple.lib} ${fixed} ${recursive} ${note} ${./src.txt} > $out"
        let expression = """
            let note = builtins.toFile "note" "a note"; in rec {
              plain = \(plain.nix);
              multiple = \(multiple.nix);
              fixed = \(fixed.nix);
              recursive = \(recursive.nix);
              top = derivation { name = "top"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "\(command)" ]; };
              chained = derivation { name = "chained"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "${top}" "${fixed}" ]; };
            }
            """
        let nix = try oracle.instantiate(expression)

        var hasher = t.store.derivationHasher()
        var drvs: [String: StorePath] = [:]
        var outputs: [String: [String: StorePath]] = [:]
        for testCase in [plain, multiple, fixed, recursive] {
            let made = try hasher.fillingOutputs(of: testCase.template())
            drvs[testCase.name] = try t.store.addDerivation(made)
            outputs[testCase.name] = made.outputs.compactMapValues(\.path)
        }
        let note = try t.store.addText(name: "note", contents: Array("a note".utf8))
        let source = try t.store.add(t.root + "/src.txt")
        func out(_ name: String, _ output: String = "out") -> String {
            outputs[name]?[output].map { t.store.absolute($0) } ?? "missing"
        }
        var top = try DerivationCase("top", [("args", ["-c", [
            "cat", out("plain"), out("multiple-1.0", "dev"), out("multiple-1.0", "lib"), out("flat-sha1"),
            out("recursive-sha256"), t.store.absolute(note), t.store.absolute(source), "> $out",
        ].joined(separator: " ")])]).template()
        top.inputDerivations = try [
            #require(drvs["plain"]): ["out"], #require(drvs["multiple-1.0"]): ["dev", "lib"],
            #require(drvs["flat-sha1"]): ["out"], #require(drvs["recursive-sha256"]): ["out"],
        ]
        top.inputSources = [note, source]
        top = try hasher.fillingOutputs(of: top)
        let topPath = try t.store.addDerivation(top)
        let topOut = try #require(top.outputs["out"]?.path)
        var chained = try DerivationCase("chained", [("args", [t.store.absolute(topOut), out("flat-sha1")])]).template()
        chained.inputDerivations = [topPath: ["out"], try #require(drvs["flat-sha1"]): ["out"]]
        chained = try hasher.fillingOutputs(of: chained)
        let chainedPath = try t.store.addDerivation(chained)

        #expect(nix["top"]?.drv == topPath)
        #expect(nix["top"]?.outputs == top.outputs.compactMapValues(\.path))
        #expect(nix["chained"]?.drv == chainedPath)
        #expect(nix["chained"]?.outputs == chained.outputs.compactMapValues(\.path))
        #expect(try oracle.bytes(of: topPath) == FileSystem.readFile(t.store.absolute(topPath)))
        #expect(try oracle.bytes(of: chainedPath) == FileSystem.readFile(t.store.absolute(chainedPath)))

        // Every .drv Nix wrote reads, validates against Nix's own files and
        // writes back identically.
        var nixHasher = DerivationHasher(storeDirectory: t.store.storeDirectory) { path in
            try Derivation(
                parsing: oracle.bytes(of: path), name: Derivation.name(ofDerivationAt: path) ?? "",
                storeDirectory: t.store.storeDirectory)
        }
        for (_, entry) in nix {
            let bytes = try oracle.bytes(of: entry.drv)
            let parsed = try Derivation(
                parsing: bytes, name: try #require(Derivation.name(ofDerivationAt: entry.drv)),
                storeDirectory: t.store.storeDirectory)
            #expect(parsed.serialized(in: t.store.storeDirectory) == bytes)
            try nixHasher.validate(parsed)
            #expect(try nixHasher.derivationPath(of: parsed) == entry.drv)
        }
    }
}
