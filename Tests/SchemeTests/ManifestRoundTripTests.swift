import Foundation
import Testing
@testable import Scheme

/// Guix manifests and package modules read, print and read back to the same
/// data (their evaluation needs the packages issue's procedures).
@Suite struct ManifestRoundTripTests {
    static var directory: URL? {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent("manifests")
    }

    @Test(arguments: ["hpc", "transformations", "gexp-package"])
    func roundTrips(_ name: String) throws {
        let directory = try #require(ManifestRoundTripTests.directory)
        let text = try String(contentsOf: directory.appendingPathComponent(name + ".scm"), encoding: .utf8)
        let forms = try Reader.readAll(text: text, file: SourceFile(name: name + ".scm", text: text))
        #expect(!forms.isEmpty)
        let printed = forms.map { $0.written() }.joined(separator: "\n")
        let reread = try Reader.readAll(text: printed, file: SourceFile(name: "printed", text: printed))
        #expect(reread.count == forms.count)
        for (a, b) in zip(forms, reread) { #expect(a.isEqual(b), "\(a.written(limit: 200))") }
        #expect(reread.map { $0.written() }.joined(separator: "\n") == printed)
        // Every list starts with a position in the original file.
        for form in forms { #expect(form.asPair?.location?.file.name == name + ".scm") }
    }

    @Test func gexpSyntaxReadsAsForms() throws {
        let text = "#~(list #$output #$@flags #+tool)"
        let forms = try Reader.readAll(text: text, file: SourceFile(name: "g", text: text))
        #expect(forms.first?.written() == "(gexp (list (ungexp output) (ungexp-splicing flags) (ungexp-native tool)))")
    }

    @Test func manifestSpecificationsAreData() throws {
        let directory = try #require(ManifestRoundTripTests.directory)
        let text = try String(contentsOf: directory.appendingPathComponent("hpc.scm"), encoding: .utf8)
        let forms = try Reader.readAll(text: text, file: SourceFile(name: "hpc.scm", text: text))
        let call = try #require(forms.first?.listElements)
        #expect(call.first?.written() == "specifications->manifest")
        let quoted = try #require(call.last?.listElements)
        #expect(quoted.last?.listElements?.map { $0.displayed } == ["gcc-toolchain", "coreutils", "grep", "sed", "openmpi", "openblas", "petsc"])
    }
}
