import Basics
import StoreFormats

/// Where everything of one store lives on disk (ARCHITECTURE.md §3).
package struct StoreLayout: Sendable {
    package let storeDirectory: StoreDirectory
    package let stateDirectory: String

    package init(storeDirectory: StoreDirectory, stateDirectory: String) {
        self.storeDirectory = storeDirectory
        self.stateDirectory = stateDirectory
    }

    package var store: String { storeDirectory.path }
    package var databaseDirectory: String { stateDirectory + "/db" }
    package var databasePath: String { databaseDirectory + "/db.sqlite" }
    package var gcRoots: String { stateDirectory + "/gcroots" }
    package var autoRoots: String { gcRoots + "/auto" }
    package var profiles: String { stateDirectory + "/profiles" }
    package var tempRoots: String { stateDirectory + "/temproots" }
    package var locks: String { stateDirectory + "/locks" }
    package var logs: String { stateDirectory + "/log" }
    /// The GC lock: writers hold it shared while they create paths; the
    /// collector holds it exclusively, so it never sees a half-made path as garbage.
    package var gcLock: String { stateDirectory + "/gc.lock" }
    /// Paths are built here and renamed into the store once complete; being a
    /// sibling of the store items keeps the rename atomic (same file system)
    /// and the debris of killed processes in one place.
    package var scratch: String { store + "/.tmp" }
    /// Content-addressed hard links for `gc --optimize`.
    package var links: String { store + "/.links" }

    /// One file holds every per-item lock, a byte each (see `RangeLock`).
    package var itemLocks: String { locks + "/items.lock" }

    package func absolute(_ path: StorePath) -> String {
        path.absolute(in: storeDirectory)
    }
}
