/// The variables of one procedure activation (or one top-level form), laid out
/// by the compiler: parameters first, then every `let`, `do` and internal
/// `define` in the body that needs no frame of its own. One allocation holds
/// the header and the slots.
package final class Frame {
    package let parent: Frame?
    private let slots: UnsafeMutablePointer<Value>
    package let count: Int

    @inline(__always) package init(parent: Frame?, count: Int) {
        self.parent = parent
        self.count = count
        slots = UnsafeMutablePointer<Value>.allocate(capacity: max(count, 1))
        slots.initialize(repeating: .undefined, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// Indices come from the compiler, which sized the frame: never from input.
    @inline(__always) package subscript(index: Int) -> Value {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    @inline(__always) package func ancestor(_ depth: Int) -> Frame {
        var frame = self
        for _ in 0..<depth {
            // The compiler counts depth from the scopes it built; a frame at that
            // depth always exists. Falling back to self keeps a compiler bug from trapping.
            frame = frame.parent ?? frame
        }
        return frame
    }
}
