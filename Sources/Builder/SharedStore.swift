import Store
import Synchronization

/// The store as the builds running on several threads share it. `LocalStore`
/// keeps per-process state (the GC lock depth, temp roots) that is not
/// thread-safe, so every use goes through one lock; builds spend their time
/// in the sandbox, not here.
package final class SharedStore: @unchecked Sendable {
    private let store: LocalStore
    private let lock = Mutex<Void>(())
    /// Spare mount points for builds' inputs, shared by the run's builds.
    let mountPoints = MountPointPool()

    package init(_ store: LocalStore) {
        self.store = store
    }

    /// What never changes: the layout (directories) of the store.
    package var layout: StoreLayout { store.layout }

    package func with<T>(_ body: (LocalStore) throws -> T) throws -> T {
        try lock.withLock { _ in try body(store) }
    }
}
