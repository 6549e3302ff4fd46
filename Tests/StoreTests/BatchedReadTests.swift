import Basics
import Foundation
import Testing
@testable import Store
import StoreFormats

/// An evaluation's validity queries share one read transaction
/// (`LocalStore.withBatchedReads`); what another process registers meanwhile
/// must still count wherever a decision to write is made.
struct BatchedReadTests {
    @Test("a batch reads one snapshot; refreshReads and writes see other processes' registrations")
    func snapshotAndRefresh() throws {
        let t = try TempStore()
        // A second store object on the same files: another process.
        let other = try LocalStore(layout: t.store.layout)
        let text = Array("made elsewhere".utf8)
        let path = try t.store.storeDirectory.makeTextPath(
            name: "elsewhere", contentHash: Hash.compute(.sha256, of: text), references: [])
        try t.store.withBatchedReads {
            #expect(try !t.store.database.isValid(path))
            #expect(try other.addText(name: "elsewhere", contents: text) == path)
            // Still the batch's snapshot…
            #expect(try !t.store.database.isValid(path))
            // …until the batch is refreshed, as `install` does under the item lock.
            try t.store.database.refreshReads()
            #expect(try t.store.database.isValid(path))
            // Adding it again inside the batch finds it valid, and a write in
            // the batch (a new item) works and is seen at once.
            #expect(try t.text("elsewhere", "made elsewhere") == path)
            let mine = try t.text("mine", "written in the batch")
            #expect(try t.store.database.isValid(mine))
            #expect(try other.database.isValid(mine))
        }
        // After the batch, plain reads and writes work as before.
        #expect(try t.store.database.pathInfo(path) != nil)
        let after = try t.text("after", "after the batch")
        #expect(try other.database.isValid(after))
    }

    @Test("an item another process added after the batch began is reused, not replaced")
    func installUnderStaleSnapshot() throws {
        let t = try TempStore()
        let other = try LocalStore(layout: t.store.layout)
        let text = Array("shared text".utf8)
        try t.store.withBatchedReads {
            let path = try t.store.storeDirectory.makeTextPath(
                name: "shared", contentHash: Hash.compute(.sha256, of: text), references: [])
            #expect(try !t.store.database.isValid(path))
            #expect(try other.addText(name: "shared", contents: text) == path)
            let inode = try FileSystem.linkStatus(other.absolute(path))?.st_ino
            // This store's snapshot says "not valid": adding must still find
            // the other item and leave its file alone.
            #expect(try t.store.addText(name: "shared", contents: text) == path)
            #expect(try FileSystem.linkStatus(t.store.absolute(path))?.st_ino == inode)
            #expect(try FileSystem.readFile(t.store.absolute(path)) == text)
        }
    }
}
