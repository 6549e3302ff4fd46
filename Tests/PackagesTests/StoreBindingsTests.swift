import Basics
import Foundation
import Packages
import Scheme
import Testing

/// `(cairn core store)`: derivations made by Scheme get the `.drv` and
/// output paths Nix gives the same derivations; text files, gexps over
/// derivations, and the errors a channel author sees.
@Suite(.serialized) struct StoreBindingsTests {
    static let prelude = "(use-modules (cairn core store) (cairn core gexp)) "

    /// `a` (two outputs) <- `b` (uses a:lib and a text file) and a fixed-output `c`,
    /// written with the environment Nix's `derivation` makes (name, system, builder, outputs).
    static let scheme = prelude + """
        (define (nix-env name . rest) (append `(("name" . ,name) ("system" . "x86_64-linux") ("builder" . "/bin/sh")) rest))
        (define a (derivation "a" "/bin/sh" '("-c" "echo a > $out; echo l > $lib") #:outputs '("out" "lib")
                              #:env-vars (nix-env "a" '("outputs" . "out lib"))))
        (define t (add-text-to-store "t.txt" "hello"))
        (define b-script (string-append "cat " t " " (derivation->output-path a "lib") " > $out"))
        (define b (derivation "b" "/bin/sh" (list "-c" b-script) #:inputs (list (cons a "lib") t) #:env-vars (nix-env "b")))
        (define c (derivation "c" "/bin/sh" '("-c" "echo -n hello > $out")
                              #:hash (base32 "094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic") #:hash-algo 'sha256
                              #:env-vars (nix-env "c" '("outputHash" . "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
                                                      '("outputHashAlgo" . "sha256") '("outputHashMode" . "flat"))))
        """

    static let nix = """
        let
          a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo a > $out; echo l > $lib" ];
                           outputs = [ "out" "lib" ]; };
          t = builtins.toFile "t.txt" "hello";
          b = derivation { name = "b"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "cat ${t} ${a.lib} > $out" ]; };
          c = derivation { name = "c"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo -n hello > $out" ];
                           outputHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
                           outputHashAlgo = "sha256"; outputHashMode = "flat"; };
        in [ a.drvPath a.outPath a.lib.outPath t b.drvPath b.outPath c.drvPath c.outPath ]
        """

    @Test(.enabled(if: Nix.path != nil, "skipped: Nix (Debian nix-bin) is not installed; the Scheme derivation differential test needs it"))
    func derivationsMatchNix() throws {
        let fixture = try EvaluationFixture("nix")
        let ours = fixture.run(Self.scheme + """
            (list (derivation-file-name a) (derivation->output-path a) (derivation->output-path a "lib") t
                  (derivation-file-name b) (derivation->output-path b) (derivation-file-name c) (derivation->output-path c))
            """)
        let theirs = try #require(Nix.evaluate(Self.nix, storeDirectory: fixture.storeDirectory, scratch: fixture.root + "/nix-side") as? [String])
        #expect(ours == "(" + theirs.map { "\"\($0)\"" }.joined(separator: " ") + ")")
        // The .drv files are in the store, valid, and name their inputs.
        let bDrv = try fixture.string(Self.scheme + "(derivation-file-name b)")
        let text = try String(contentsOfFile: bDrv, encoding: .utf8)
        #expect(text.contains("\"lib\"") && text.contains("t.txt"))
    }

    @Test func gexpsOverDerivationsCollectTheirInputs() throws {
        let fixture = try EvaluationFixture("gexp")
        let result = fixture.run(Self.scheme + """
            (define lowered (lower-gexp #~(list #$a #$a:lib #$b #$a)))
            (list (equal? (car lowered) (list 'list (derivation->output-path a) (derivation->output-path a "lib")
                                              (derivation->output-path b) (derivation->output-path a)))
                  (map (lambda (input) (cons (derivation-name (car input)) (cdr input))) (cadr lowered)))
            """)
        #expect(result == #"(#t (("a" . #f) ("a" . "lib") ("b" . #f)))"#)
    }

    @Test func theSameEvaluationGivesTheSamePaths() throws {
        // Two evaluations, each with a fresh store at the same place.
        let expression = Self.scheme + "(map derivation-file-name (list a b c))"
        let root = "/tmp/cairn-packages-test-same-\(UUID().uuidString.prefix(8))"
        let one = try EvaluationFixture("same", root: root).run(expression)
        let two = try EvaluationFixture("same", root: root).run(expression)
        #expect(one == two && one.hasPrefix("(\"\(root)/store/"))
    }

    @Test func errorsNameTheProblem() throws {
        let fixture = try EvaluationFixture("errors")
        #expect(fixture.run(Self.prelude + "(derivation \"x\" \"/bin/sh\" '() #:inputs (list 5))") == "error: derivation x: cannot use 5 as an input")
        #expect(fixture.run(Self.prelude + "(derivation \"x\" \"/bin/sh\" '() #:input '())") == "error: derivation: unexpected argument #:input")
        #expect(fixture.run(Self.prelude + "(derivation \"x\" \"/bin/sh\" '() #:hash \"nothex\")").hasPrefix("error: derivation x: bad #:hash"))
        #expect(fixture.run(Self.prelude + "(derivation \"x\" \"/bin/sh\" '() #:outputs '(\"a\" \"a\"))") == "error: derivation x: #:outputs must name distinct outputs")
        #expect(fixture.run(Self.prelude + "(derivation \"x y\" \"/bin/sh\" '())").hasPrefix("error: derivation: "))
        // Nothing half-made: the failed calls wrote nothing to the store.
        let written = (try? FileManager.default.contentsOfDirectory(atPath: fixture.storeDirectory)) ?? []
        #expect(written.filter { !$0.hasPrefix(".") }.isEmpty, "\(written)")
        #expect(fixture.run(Self.prelude + "(derivation->output-path (derivation \"x\" \"/bin/sh\" '()) \"doc\")") == "error: derivation x has no output doc")
        #expect(fixture.run(Self.prelude + "(base32 \"eeee\")") == "error: \"eeee\" is not a nix-base32 string")
        #expect(fixture.run(Self.prelude + "(add-text-to-store \"t\" \"x\" '(\"/etc/passwd\"))") == "error: /etc/passwd is not a store path")
        #expect(fixture.run(Self.prelude + "(add-to-store \"f\" \"/nonexistent/file\")").hasPrefix("error: add-to-store: "))
    }

    @Test func evaluatorTargets() throws {
        let fixture = try EvaluationFixture("targets")
        let value = try fixture.evaluator.evaluate(expression: Self.scheme + "(list a (add-text-to-store \"f\" \"x\"))")
        let targets = try fixture.evaluator.targets(of: value, origin: "-e")
        #expect(targets.count == 2)
        #expect(throws: EvaluationError.self) { try fixture.evaluator.targets(of: .fixnum(3), origin: "-e") }
    }
}
