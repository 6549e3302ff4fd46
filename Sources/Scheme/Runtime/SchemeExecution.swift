#if canImport(Glibc)
import Glibc
#endif

/// The Scheme module counts references without atomic instructions (see
/// Package.swift), so Scheme code must never run on two threads at once in a
/// process. Every entry point (`Interpreter`, `ReplSession`) runs under this
/// lock; it is recursive so that nested entries (a REPL evaluating a `load`)
/// do not deadlock.
package enum SchemeExecution {
    private final class Lock: @unchecked Sendable {
        var mutex = pthread_mutex_t()
        init() {
            var attributes = pthread_mutexattr_t()
            pthread_mutexattr_init(&attributes)
            pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
            pthread_mutex_init(&mutex, &attributes)
            pthread_mutexattr_destroy(&attributes)
        }
    }

    private static let lock = Lock()

    package static func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&lock.mutex)
        let stack = StackGuard.enter()
        defer {
            StackGuard.restore(stack)
            pthread_mutex_unlock(&lock.mutex)
        }
        return try body()
    }
}
