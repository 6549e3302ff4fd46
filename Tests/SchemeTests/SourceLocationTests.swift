import Testing
@testable import Scheme

/// A pair keeps its location packed in 8 bytes; what goes in must come out.
struct SourceLocationTests {
    @Test("a pair's location round-trips: file, line and column")
    func roundTrip() {
        let file = SourceFile(name: "channel/hello.scm", text: "(define x 1)\n")
        let pair = Pair(.fixnum(1), .null, location: SourceLocation(file: file, line: 1_234, column: 56))
        let location = pair.location
        #expect(location?.file === file)
        #expect(location?.line == 1_234)
        #expect(location?.column == 56)
        pair.location = SourceLocation(file: file, line: 7, column: 3)
        #expect(pair.location?.description == "channel/hello.scm:7:3")
        pair.location = nil
        #expect(pair.location == nil)
    }

    @Test("lines and columns past what 8 bytes hold are clamped, not wrapped")
    func clamping() {
        let file = SourceFile(name: "wide.scm")
        let pair = Pair(.null, .null, location: SourceLocation(file: file, line: 30_000_000, column: 70_000))
        #expect(pair.location?.line == Int32((1 << 24) - 1))
        #expect(pair.location?.column == Int32((1 << 16) - 1))
    }

    @Test("forms read from an unregistered file carry no location")
    func unregistered() throws {
        let file = SourceFile(name: "<port>", text: "(a b)", registered: false)
        var reader = Reader(text: "(a b)", file: file)
        let form = try #require(try reader.read())
        #expect(form.asPair != nil)
        #expect(form.asPair?.location == nil)
        let registered = SourceFile(name: "f.scm", text: "(a b)")
        var again = Reader(text: "(a b)", file: registered)
        #expect(try again.read()?.asPair?.location?.description == "f.scm:1:1")
    }
}
