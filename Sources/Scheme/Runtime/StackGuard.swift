#if canImport(Glibc)
import Glibc
#endif

/// Deep recursion (in the evaluator, reader, printer, `equal?`, macro expansion)
/// must end in a Scheme "stack overflow" error, never in a crashed process. Every
/// recursive path calls `StackGuard.check()`, which compares the current stack
/// address with the calling thread's stack bounds and throws when less than a
/// safety margin is left. Reading the bounds costs one syscall per thread; the
/// check itself is a comparison.
// glibc's pthread_getattr_np is a GNU extension that the Glibc module does not
// import; its C signature is stable.
@_silgen_name("pthread_getattr_np")
private func getThreadAttributes(_ thread: pthread_t, _ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Int32

private final class ThreadStartBox: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

package enum StackGuard {
    /// Room kept free for Swift frames that run after the check (error
    /// construction, printing, unwinding).
    static let margin = 256 * 1024

    /// The lowest address the current thread may use, plus the margin.
    private static let limitKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    @inline(__always) package static func check() throws {
        guard isNearLimit() else { return }
        throw SchemeError(.stackOverflow, message: "stack overflow", hint: "a recursion is too deep; make it tail-recursive or iterate")
    }

    /// True when the current stack pointer is within the margin of the end of the stack.
    @inline(__always) package static func isNearLimit() -> Bool {
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        // On the thread running Scheme (the one `SchemeExecution` let in):
        // two comparisons. Elsewhere, the thread's own limit.
        if here &- runningLow < runningSize { return here < runningLimit }
        return here < limit()
    }

    /// The stack of the thread inside `SchemeExecution.exclusively`, written
    /// only there, under its lock: the per-thread lookup (a lazy key and
    /// pthread_getspecific) was 6% of a call-heavy program.
    nonisolated(unsafe) private static var runningLow: UInt = 0
    nonisolated(unsafe) private static var runningSize: UInt = 0
    nonisolated(unsafe) private static var runningLimit: UInt = 0

    /// Records the calling thread as the one running Scheme; returns what to
    /// hand back to `restore` when it leaves.
    static func enter() -> (UInt, UInt, UInt) {
        let previous = (runningLow, runningSize, runningLimit)
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        if here &- runningLow < runningSize { return previous }  // a nested entry
        var attributes = pthread_attr_t()
        if getThreadAttributes(pthread_self(), &attributes) == 0 {
            var address: UnsafeMutableRawPointer?
            var size = 0
            if pthread_attr_getstack(&attributes, &address, &size) == 0, let address, size > margin {
                runningLow = UInt(bitPattern: address)
                runningSize = UInt(size)
                runningLimit = runningLow + UInt(margin)
            }
            pthread_attr_destroy(&attributes)
        }
        return previous
    }

    static func restore(_ previous: (UInt, UInt, UInt)) {
        (runningLow, runningSize, runningLimit) = previous
    }

    private static func limit() -> UInt {
        if let stored = pthread_getspecific(limitKey) {
            return UInt(bitPattern: stored)
        }
        var attributes = pthread_attr_t()
        var low: UInt = 0
        if getThreadAttributes(pthread_self(), &attributes) == 0 {
            var address: UnsafeMutableRawPointer?
            var size = 0
            if pthread_attr_getstack(&attributes, &address, &size) == 0, let address {
                low = UInt(bitPattern: address) + UInt(margin)
            }
            pthread_attr_destroy(&attributes)
        }
        // A limit of 1 keeps the "not computed" nil distinct from a real value.
        let value = max(low, 1)
        pthread_setspecific(limitKey, UnsafeRawPointer(bitPattern: value))
        return value
    }

    /// Runs `body` on a new thread with a stack of `size` bytes and waits for it:
    /// the interpreter runs there so that Scheme recursion as deep as Guile's
    /// (which grows its stack on demand) works.
    package static func withLargeStack<T>(size: Int = 1 << 30, _ body: @escaping () -> T) -> T {
        var result: T?
        let box = ThreadStartBox { result = body() }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, size)
        var thread = pthread_t()
        let unmanaged = Unmanaged.passRetained(box)
        let started = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            Unmanaged<ThreadStartBox>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, unmanaged.toOpaque())
        pthread_attr_destroy(&attributes)
        if started != 0 {
            // No thread (resource limits): run here with the normal stack.
            unmanaged.release()
            return body()
        }
        pthread_join(thread, nil)
        // The thread always sets the result before it ends.
        return result ?? body()
    }
}
