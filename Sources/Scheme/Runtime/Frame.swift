/// What a frame holds besides its slots.
package struct FrameHeader {
    package let parent: Frame?
    package let count: Int
}

/// The variables of one procedure activation (or one top-level form), laid out
/// by the compiler: parameters first, then every `let`, `do` and internal
/// `define` in the body that needs no frame of its own. The slots are
/// allocated in the same block as the object: one allocation per call.
package final class Frame: ManagedBuffer<FrameHeader, Value> {
    @inline(__always) package static func make(parent: Frame?, count: Int) -> Frame {
        let buffer = Frame.create(minimumCapacity: count) { _ in FrameHeader(parent: parent, count: count) }
        let frame = unsafeDowncast(buffer, to: Frame.self)
        frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .undefined, count: count) }
        return frame
    }

    deinit {
        withUnsafeMutablePointers { header, elements in
            _ = elements.deinitialize(count: header.pointee.count)
        }
    }

    @inline(__always) package var parent: Frame? { header.parent }
    @inline(__always) package var count: Int { header.count }

    /// Indices come from the compiler, which sized the frame: never from input.
    @inline(__always) package subscript(index: Int) -> Value {
        get { withUnsafeMutablePointerToElements { $0[index] } }
        set { withUnsafeMutablePointerToElements { $0[index] = newValue } }
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
