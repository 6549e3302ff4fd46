import Basics
import Dispatch

/// Reads a large file on a second thread, one chunk ahead of its consumer.
///
/// Hashing is the bottleneck of every NAR pass and runs on one core; the copy
/// out of the page cache that `read` does can then happen on the other core
/// instead of in between hashing calls. Two buffers alternate: the reader
/// fills one while the consumer uses the other.
final class PrefetchingReader: @unchecked Sendable {
    // @unchecked: each buffer and result slot is touched by one thread at a
    // time, handed over through `filled` (which orders the accesses).
    private let buffers: [UnsafeMutableRawBufferPointer]
    // Two stored properties, not an array: the reader thread writes one
    // while the consumer reads the other, and an array is one value.
    private var first: Result<Int, any Error> = .success(0)
    private var second: Result<Int, any Error> = .success(0)
    private let queue = DispatchQueue(label: "cairn.prefetch")
    private let filled = DispatchSemaphore(value: 0)

    init(chunkSize: Int) {
        buffers = (0..<2).map { _ in .allocate(byteCount: chunkSize, alignment: 64) }
    }

    deinit { for buffer in buffers { buffer.deallocate() } }

    /// Streams `size` bytes of `file` to `consume`, in file order. Fails if
    /// the file ends early (it changed while being read).
    func stream(_ file: OpenFile, size: UInt64, path: String, to consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        let chunk = UInt64(buffers[0].count)
        var requested: UInt64 = 0
        func request(into slot: Int) {
            let count = Int(min(chunk, size - requested))
            requested += UInt64(count)
            queue.async { [self] in
                let buffer = UnsafeMutableRawBufferPointer(rebasing: buffers[slot][0..<count])
                let result = Result { try file.readFully(into: buffer) }
                if slot == 0 { first = result } else { second = result }
                filled.signal()
            }
        }
        var slot = 0
        var delivered: UInt64 = 0
        var outstanding = 1
        var failure: (any Error)?
        request(into: 0)
        // Every request is waited for, even after an error, so no read
        // outlives this call (the buffers belong to it).
        while outstanding > 0 {
            filled.wait()
            outstanding -= 1
            if failure == nil && requested < size {
                request(into: 1 - slot)
                outstanding += 1
            }
            let expected = Int(min(chunk, size - delivered))
            if failure == nil {
                do {
                    guard try (slot == 0 ? first : second).get() == expected else { throw StoreError.fileChanged(path: path) }
                    try consume(UnsafeRawBufferPointer(rebasing: buffers[slot][0..<expected]))
                } catch {
                    failure = error
                }
            }
            delivered += UInt64(expected)
            slot = 1 - slot
        }
        if let failure { throw failure }
    }
}
