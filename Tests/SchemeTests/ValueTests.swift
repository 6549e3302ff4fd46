import Testing
@testable import Scheme

@Suite struct ValueTests {
    @Test func listsRoundTrip() {
        let list = Value.list(.fixnum(1), .fixnum(2), .fixnum(3))
        #expect(list.listElements?.count == 3)
        #expect(Value.cons(.fixnum(1), .fixnum(2)).listElements == nil)
    }

    @Test func equalityFollowsGuile() {
        #expect(Value.symbol("a").isEq(.symbol("a")))
        #expect(!Value.string("a").isEq(.string("a")))
        #expect(Value.string("a").isEqual(.string("a")))
        #expect(!Value.flonum(0.0).isEqv(.flonum(-0.0)))
    }
}
