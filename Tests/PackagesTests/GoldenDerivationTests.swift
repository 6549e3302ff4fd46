import Foundation
import Testing

/// The golden test (ARCHITECTURE.md §1.1): the fixture channel's
/// derivations, evaluated in a store at a fixed place, have exactly these
/// `.drv` and output paths. A change in the Swift core (records, gexp
/// lowering, module shipping, ATerm, hashing) that moves any of them fails
/// here: it would give every user new derivations for the same channel.
/// If a change is meant to do that, it is a new builtin or a new format
/// version, and these lines change with a note saying why.
@Suite(.serialized)
struct GoldenDerivationTests {
    static let channel = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/golden").path
    static let root = "/tmp/cairn-golden-derivations"

    static let expected = [
        "58fshb4m9ck37l2lbggzj8jnfhd1clqg-base-1.0.drv", "ii5l98k1czjjki7z6wxmgrhrfrs7zajb-base-1.0",
        "4s9ld66z0f0r8kcqbfpv9d3aa9wa19ax-multi-1.0.drv", "9v0lcvwhi89s5c7kkj7lzc7fgwrg3kw1-multi-1.0-doc",
        "ig84ya42acs524n9jfs8sas5fk2x5d7k-multi-1.0-lib", "k8g02ipaqc3hr8akjh7hjfgil932vn3f-multi-1.0",
        "y2yckdc5kq54znij6s1x5cmhfaz6x28x-derived-2.0.drv", "lbj4bj7kazybi6q8c791g6n3h2xhpw9z-derived-2.0",
    ]

    @Test func fixtureChannelDerivationsArePinned() throws {
        let fixture = try EvaluationFixture("golden", root: Self.root, loadPath: [Self.channel])
        let result = fixture.run("""
            (use-modules (golden base) (cairn core store))
            (apply append (map (lambda (w)
                                 (let ((drv (widget-drv w)))
                                   (cons (derivation-file-name drv)
                                         (map (lambda (o) (derivation->output-path drv o)) (derivation-output-names drv)))))
                               %golden))
            """)
        let paths = result.dropFirst().dropLast().split(separator: " ").map { String($0.dropFirst().dropLast()).replacingOccurrences(of: Self.root + "/store/", with: "") }
        #expect(paths == Self.expected, "\(result)")
    }
}
