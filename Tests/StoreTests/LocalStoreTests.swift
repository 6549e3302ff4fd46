import Basics
import Foundation
import GRDB
import Testing
@testable import Store
import StoreFormats

final class TempStore {
    let root: String
    let store: LocalStore

    init() throws {
        root = "/tmp/cairn-store-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        store = try LocalStore(layout: StoreLayout(
            storeDirectory: try StoreDirectory(root + "/store"), stateDirectory: root + "/var"))
    }

    deinit {
        _ = try? FileSystem.removeTree(root)
    }

    func text(_ name: String, _ contents: String, refs: [StorePath] = []) throws -> StorePath {
        try store.addText(name: name, contents: Array(contents.utf8), references: refs)
    }

    /// Items this process added are its temp roots; tests of the collector drop them.
    func forgetTemporaryRoots() throws {
        try store.releaseTemporaryRoots()
    }

    func root(_ name: String, _ path: StorePath) throws {
        try FileSystem.symlink(target: store.absolute(path), at: store.layout.gcRoots + "/" + name)
    }
}

struct LocalStoreTests {
    @Test("text items record references; closures come references first")
    func referencesAndClosure() throws {
        let t = try TempStore()
        let a = try t.text("a", "alpha")
        let b = try t.text("b", "uses \(t.store.absolute(a))", refs: [a])
        let c = try t.text("c", "uses \(t.store.absolute(b))", refs: [b])
        #expect(try t.store.pathInfo(c).references == [b])
        #expect(try t.store.closure(of: [c]) == [a, b, c])
        #expect(try t.store.database.referrers(of: a) == [b])
        if case .text = try t.store.pathInfo(b).contentAddress {} else { Issue.record("b should be a text item") }
        // The same text again is the same item, not a new one.
        #expect(try t.text("b", "uses \(t.store.absolute(a))", refs: [a]) == b)
    }

    @Test("registration refuses references to invalid paths")
    func invalidReference() throws {
        let t = try TempStore()
        let ghost = try StorePath(baseName: "00000000000000000000000000000000-ghost")
        #expect(throws: StoreError.self) { try t.text("x", "x", refs: [ghost]) }
        let name = try t.store.storeDirectory.makeTextPath(name: "x", contentHash: Hash.compute(.sha256, of: Array("x".utf8)), references: [ghost])
        #expect(try !t.store.isValid(name))
    }

    @Test("gc deletes referrers before references and keeps the closure of roots")
    func gcOrder() throws {
        let t = try TempStore()
        let a = try t.text("a", "alpha")
        let b = try t.text("b", "beta", refs: [a])
        let c = try t.text("c", "gamma", refs: [b])
        let lone = try t.text("lone", "lone")
        try t.root("keep-b", b)
        try t.forgetTemporaryRoots()
        var order: [StorePath] = []
        let result = try t.store.collectGarbage(.collect(atLeast: nil)) { order.append($0) }
        #expect(Set(result.deleted) == [c, lone])
        #expect(try t.store.isValid(a) && t.store.isValid(b))
        try FileSystem.removeFile(t.store.layout.gcRoots + "/keep-b")
        order = []
        _ = try t.store.collectGarbage(.collect(atLeast: nil)) { order.append($0) }
        #expect(order == [b, a])
    }

    @Test("gc -d takes dead referrers along and refuses live paths")
    func deleteWithReferrers() throws {
        let t = try TempStore()
        let a = try t.text("a", "alpha")
        let b = try t.text("b", "beta", refs: [a])
        let live = try t.text("live", "live")
        try t.root("live", live)
        try t.forgetTemporaryRoots()
        #expect(throws: StoreError.self) { try t.store.collectGarbage(.delete([live])) }
        let result = try t.store.collectGarbage(.delete([a]))
        #expect(Set(result.deleted) == [a, b])
        #expect(try t.store.isValid(live))
    }

    @Test("temp roots of a live process protect items; those of dead processes do not")
    func temporaryRoots() throws {
        let t = try TempStore()
        let a = try t.text("a", "alpha")
        // addText made `a` a temp root of this (living) process.
        #expect(try t.store.findTemporaryRoots().contains(a))
        #expect(try t.store.collectGarbage(.collect(atLeast: nil)).deleted.isEmpty)
        // A roots file nobody holds is stale: removed, and its roots ignored.
        let stale = t.store.layout.tempRoots + "/999999999"
        try FileSystem.writeAtomically(Array((t.store.absolute(a) + "\0").utf8), to: stale)
        #expect(try t.store.findTemporaryRoots().contains(a))
        #expect(!FileSystem.exists(stale))
    }

    @Test("a database written by a newer Cairn is refused, not migrated")
    func newerDatabase() throws {
        let t = try TempStore()
        let queue = try DatabaseQueue(path: t.store.layout.databasePath)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        #expect(throws: StoreError.self) {
            _ = try LocalStore(layout: t.store.layout)
        }
    }

    @Test("opening twice keeps the data (migrations run once)")
    func reopen() throws {
        let t = try TempStore()
        let a = try t.text("a", "alpha")
        let again = try LocalStore(layout: t.store.layout)
        #expect(try again.isValid(a))
        #expect(try again.pathInfo(a).narSize == t.store.pathInfo(a).narSize)
    }

    @Test("debris of a killed add is cleaned by the next writer and by gc")
    func debrisCleanup() throws {
        let t = try TempStore()
        let debris = try t.store.scratchPath()
        try FileSystem.createDirectories(debris + "/half/written")
        let orphan = t.store.layout.store + "/00000000000000000000000000000000-orphan"
        try FileSystem.createDirectories(orphan)
        _ = try t.text("x", "x")
        #expect(!FileSystem.exists(debris))
        #expect(FileSystem.exists(orphan))
        _ = try t.store.collectGarbage(.collect(atLeast: nil))
        #expect(!FileSystem.exists(orphan))
    }
}

struct ReferenceScanningTests {
    @Test("scanning finds hash parts in contents, names and symlink targets, and nothing partial")
    func scan() throws {
        let t = try TempStore()
        let a = try t.text("a", "alpha")
        let b = try t.text("b", "beta")
        let c = try t.text("c", "gamma")
        let d = try t.text("d", "delta")
        let tree = t.root + "/tree"
        try FileSystem.createDirectories(tree + "/bin")
        var contents = [UInt8](repeating: 0x2E, count: 3_000_000)
        let shebang = Array("#!\(t.store.absolute(a))/bin/sh".utf8)
        contents.replaceSubrange(2_000_000..<2_000_000 + shebang.count, with: shebang)
        try FileSystem.writeAtomically(contents, to: tree + "/bin/script")
        try FileSystem.symlink(target: t.store.absolute(b) + "/lib", at: tree + "/link")
        try FileSystem.writeAtomically([], to: tree + "/named-" + c.hashPart)
        // 31 of d's 32 characters: not a reference.
        try FileSystem.writeAtomically(Array(d.hashPart.dropLast().utf8), to: tree + "/partial")
        let result = try LocalStore.scanReferences(tree, candidates: [a, b, c, d])
        #expect(result.references == [a, b, c].sorted())
        #expect(result.narHash == (try LocalStore.narHash(of: tree)).hash)
    }
}
