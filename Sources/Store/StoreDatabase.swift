import Basics
import GRDB
import StoreFormats

/// The SQLite database of valid paths (Nix's schema in spirit: ValidPaths,
/// Refs, DerivationOutputs). A path is valid exactly when it has a row here;
/// rows are only written once the path is complete on disk.
package final class StoreDatabase: @unchecked Sendable {
    // GRDB's queue serialises access; @unchecked because DatabaseQueue is a class
    // we only touch through its own synchronised API.
    private let queue: DatabaseQueue
    private let path: String
    package let storeDirectory: StoreDirectory
    /// Only with WAL: under a rollback journal a long read transaction would
    /// keep other processes from writing.
    private let mayBatchReads: Bool

    package init(path: String, storeDirectory: StoreDirectory) throws {
        self.path = path
        self.storeDirectory = storeDirectory
        var configuration = Configuration()
        // Other cairn processes may be writing; wait for them rather than fail.
        configuration.busyMode = .timeout(600)
        // WAL needs memory shared between all users of the database, which
        // processes on different hosts of a network file system do not have;
        // there the classic rollback journal is the safe choice.
        let networked = Self.isOnNetworkFileSystem(FileSystem.directoryName(path))
        configuration.journalMode = networked ? .default : .wal
        mayBatchReads = !networked
        // The batch of reads (see `beginReadBatch`) is a transaction that
        // stays open from one access to the next, which GRDB forbids unless told.
        configuration.allowsUnsafeTransactions = mayBatchReads
        configuration.foreignKeysEnabled = true
        configuration.label = "cairn-store"
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync: a crash may lose the last transactions but
            // never corrupts the database, and registration stays fast.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if networked { try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        }
        // Processes starting together would otherwise race to create the
        // schema (one sees a half-made database); the check and migration run
        // under a lock of their own, held only for that moment.
        let schemaLock = try FileLock(path: FileSystem.directoryName(path) + "/schema.lock")
        try schemaLock.lock(.exclusive)
        defer { schemaLock.unlock() }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = Self.migrator
            try queue.read { db in
                let known = Set(migrator.migrations)
                let applied = try migrator.appliedIdentifiers(db)
                let unknown = applied.subtracting(known)
                if !unknown.isEmpty {
                    throw StoreError.databaseTooNew(path: path, unknownMigrations: unknown.sorted())
                }
            }
            try migrator.migrate(queue)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database(path: path, detail: "\(error)")
        }
    }

    private static func isOnNetworkFileSystem(_ directory: String) -> Bool {
        guard let type = FileSystem.mountType(of: directory) else { return false }
        return ["nfs", "nfs4", "lustre", "gpfs", "beegfs", "cifs", "smb3", "ceph", "fuse.sshfs", "glusterfs"]
            .contains(type)
    }

    /// Schema versions. Never edit a registered migration: add a new one.
    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-valid-paths") { db in
            try db.execute(sql: """
                CREATE TABLE ValidPaths (
                    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
                    path TEXT UNIQUE NOT NULL,
                    hash TEXT NOT NULL,
                    registrationTime INTEGER NOT NULL,
                    deriver TEXT,
                    narSize INTEGER,
                    ca TEXT
                );
                CREATE TABLE Refs (
                    referrer INTEGER NOT NULL,
                    reference INTEGER NOT NULL,
                    PRIMARY KEY (referrer, reference),
                    FOREIGN KEY (referrer) REFERENCES ValidPaths(id) ON DELETE CASCADE,
                    FOREIGN KEY (reference) REFERENCES ValidPaths(id) ON DELETE RESTRICT
                );
                CREATE INDEX IndexReferrer ON Refs(referrer);
                CREATE INDEX IndexReference ON Refs(reference);
                -- A path may refer to itself; RESTRICT would then forbid deleting it.
                CREATE TRIGGER DeleteSelfRefs BEFORE DELETE ON ValidPaths
                BEGIN
                    DELETE FROM Refs WHERE referrer = old.id AND reference = old.id;
                END;
                CREATE TABLE DerivationOutputs (
                    drv INTEGER NOT NULL,
                    id TEXT NOT NULL,
                    path TEXT NOT NULL,
                    PRIMARY KEY (drv, id),
                    FOREIGN KEY (drv) REFERENCES ValidPaths(id) ON DELETE CASCADE
                );
                CREATE INDEX IndexDerivationOutputs ON DerivationOutputs(path);
                """)
        }
        return migrator
    }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as any UserFacingError {
            throw error
        } catch {
            throw StoreError.database(path: path, detail: "\(error)")
        }
    }

    // MARK: Batched reads

    /// While an evaluation runs, the validity queries it makes for every item
    /// (thousands for a package collection) share one read transaction: on
    /// their own, each pays for beginning and ending a transaction, with its
    /// file locks, more than for the lookup. Anything else first ends the
    /// batch, so writes and other reads see the database as it is now.
    /// Both flags are touched only inside the queue's closures, which GRDB
    /// runs one at a time.
    private var batchRequested = false
    private var batchOpen = false

    /// Starts grouping `isValid` and `derivationOutputs` reads (see above).
    /// The caller ends it with `endReadBatch` before it lets go of the GC
    /// lock: a snapshot must not outlive the collector's exclusion.
    package func beginReadBatch() throws {
        guard mayBatchReads else { return }
        try wrap { try queue.inDatabase { _ in batchRequested = true } }
    }

    package func endReadBatch() throws {
        try wrap {
            try queue.inDatabase { db in
                batchRequested = false
                try closeBatch(db)
            }
        }
    }

    /// Makes the next read see what other processes committed meanwhile:
    /// for a check that decides whether to write.
    package func refreshReads() throws {
        try wrap { try queue.inDatabase { db in try closeBatch(db) } }
    }

    /// Nothing else here leaves a transaction open, so one still open is
    /// the batch's; it only read, and ending it by rollback cannot write.
    private func closeBatch(_ db: Database) throws {
        batchOpen = false
        if db.isInsideTransaction { try db.rollback() }
    }

    private func batchedRead<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.inDatabase { db in
            if batchRequested, !batchOpen, !db.isInsideTransaction {
                try db.beginTransaction(.deferred)
                batchOpen = true
            }
            return try body(db)
        }
    }

    /// A read in a transaction of its own, after ending the batch: in the same
    /// access to the queue, so no batched read of another thread slips in.
    private func readFresh<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.inDatabase { db in
            try closeBatch(db)
            var result: T?
            try db.readOnly {
                try db.inTransaction(.deferred) {
                    result = try body(db)
                    return .commit
                }
            }
            guard let result else { throw StoreError.database(path: path, detail: "a read returned no result") }
            return result
        }
    }

    private func writeFresh<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.inDatabase { db in
            try closeBatch(db)
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            guard let result else { throw StoreError.database(path: path, detail: "a write returned no result") }
            return result
        }
    }

    private func storePath(_ text: String) throws -> StorePath {
        try storeDirectory.parse(text)
    }

    // MARK: Queries

    package func isValid(_ path: StorePath) throws -> Bool {
        try wrap {
            // One statement is atomic by itself; a read transaction (with its
            // read-only pragmas) would double the cost of this hot query.
            try batchedRead { db in
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM ValidPaths WHERE path = ?"),
                    arguments: [path.absolute(in: storeDirectory)]) ?? false
            }
        }
    }

    package func pathInfo(_ path: StorePath) throws -> PathInfo? {
        try wrap {
            try readFresh { db in
                let absolute = path.absolute(in: storeDirectory)
                guard let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT id, hash, registrationTime, deriver, narSize, ca FROM ValidPaths WHERE path = ?"),
                    arguments: [absolute])
                else { return nil }
                let id: Int64 = row["id"]
                let references = try String.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT v.path FROM Refs r JOIN ValidPaths v ON v.id = r.reference
                        WHERE r.referrer = ?
                        """), arguments: [id])
                let deriver: String? = row["deriver"]
                let ca: String? = row["ca"]
                let narSize: Int64? = row["narSize"]
                return PathInfo(
                    path: path,
                    narHash: try Hash.parse(row["hash"] as String),
                    narSize: UInt64(max(0, narSize ?? 0)),
                    references: try references.map(storePath),
                    deriver: try deriver.flatMap { $0.isEmpty ? nil : try storePath($0) },
                    registrationTime: row["registrationTime"],
                    contentAddress: try ca.flatMap { $0.isEmpty ? nil : try ContentAddress(parsing: $0) })
            }
        }
    }

    package func allValidPaths() throws -> [StorePath] {
        try wrap {
            try readFresh { db in
                try String.fetchAll(db, sql: "SELECT path FROM ValidPaths ORDER BY path").map(storePath)
            }
        }
    }

    package func referrers(of path: StorePath) throws -> [StorePath] {
        try wrap {
            try readFresh { db in
                try String.fetchAll(
                    db, sql: """
                        SELECT v.path FROM Refs r
                        JOIN ValidPaths v ON v.id = r.referrer
                        JOIN ValidPaths t ON t.id = r.reference
                        WHERE t.path = ? ORDER BY v.path
                        """, arguments: [path.absolute(in: storeDirectory)]
                ).map(storePath)
            }
        }
    }

    /// The closure of `roots` (roots included), walked by SQLite in one read
    /// transaction: a build needs its inputs' closure, and one query per item
    /// made a long chain of builds quadratic in Swift and GRDB overhead.
    /// `missing` is the first root found not valid (the walk stops there).
    package func closure(ofValid roots: some Sequence<StorePath>) throws -> (Set<StorePath>, missing: StorePath?) {
        try wrap {
            try readFresh { db in
                let statement = try db.cachedStatement(sql: """
                    WITH RECURSIVE closure(id) AS (
                        SELECT id FROM ValidPaths WHERE path = ?
                        UNION
                        SELECT r.reference FROM Refs r JOIN closure c ON r.referrer = c.id
                    )
                    SELECT v.path FROM closure c JOIN ValidPaths v ON v.id = c.id
                    """)
                var result: Set<StorePath> = []
                for root in roots where !result.contains(root) {
                    let paths = try String.fetchAll(statement, arguments: [root.absolute(in: storeDirectory)])
                    if paths.isEmpty { return (result, root) }
                    for path in paths { result.insert(try storePath(path)) }
                }
                return (result, nil)
            }
        }
    }

    /// The whole reference graph in two queries: for GC and closures, which
    /// would otherwise issue one query per path.
    package func referenceGraph() throws -> ReferenceGraph {
        try wrap {
            try readFresh { db in
                var paths: [Int64: StorePath] = [:]
                var sizes: [StorePath: UInt64] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT id, path, narSize FROM ValidPaths")
                while let row = try rows.next() {
                    let path = try storePath(row["path"] as String)
                    paths[row["id"]] = path
                    sizes[path] = UInt64(max(0, (row["narSize"] as Int64?) ?? 0))
                }
                var references: [StorePath: [StorePath]] = [:]
                let refs = try Row.fetchCursor(db, sql: "SELECT referrer, reference FROM Refs")
                while let row = try refs.next() {
                    guard let from = paths[row[0]], let to = paths[row[1]] else { continue }
                    references[from, default: []].append(to)
                }
                return ReferenceGraph(paths: Set(paths.values), references: references, narSizes: sizes)
            }
        }
    }

    // MARK: Updates

    /// Registers paths in one transaction: either all become valid or none.
    /// References must be valid already or be registered in the same call.
    /// `derivationOutputs` gives, for `.drv` paths among them, the path of
    /// each output, recorded in the same transaction.
    package func register(_ infos: [PathInfo], derivationOutputs: [StorePath: [String: StorePath]] = [:]) throws {
        try wrap {
            try writeFresh { db in
                for info in infos {
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO ValidPaths (path, hash, registrationTime, deriver, narSize, ca)
                            VALUES (?, ?, ?, ?, ?, ?)
                            ON CONFLICT(path) DO UPDATE SET hash = excluded.hash,
                                registrationTime = excluded.registrationTime, deriver = excluded.deriver,
                                narSize = excluded.narSize, ca = excluded.ca
                            """
                    ).execute(
                        arguments: [
                            info.path.absolute(in: storeDirectory),
                            info.narHash.encoded(.base16),
                            info.registrationTime,
                            info.deriver?.absolute(in: storeDirectory),
                            Int64(clamping: info.narSize),
                            info.contentAddress?.rendered,
                        ])
                }
                for info in infos {
                    try db.cachedStatement(
                        sql: "DELETE FROM Refs WHERE referrer = (SELECT id FROM ValidPaths WHERE path = ?)"
                    ).execute(arguments: [info.path.absolute(in: storeDirectory)])
                    for reference in info.references {
                        try db.cachedStatement(
                            sql: """
                                INSERT INTO Refs (referrer, reference)
                                SELECT a.id, b.id FROM ValidPaths a, ValidPaths b WHERE a.path = ? AND b.path = ?
                                """
                        ).execute(
                            arguments: [
                                info.path.absolute(in: storeDirectory), reference.absolute(in: storeDirectory),
                            ])
                        if db.changesCount != 1 {
                            throw StoreError.notValid(path: reference.absolute(in: storeDirectory))
                        }
                    }
                }
                for (derivation, outputs) in derivationOutputs {
                    try recordDerivationOutputs(db, derivation: derivation, outputs: outputs)
                }
            }
        }
    }

    /// Records (or corrects) the output paths of a valid `.drv` path on its
    /// own, for one registered before its outputs were known to this table.
    package func recordDerivationOutputs(of derivation: StorePath, _ outputs: [String: StorePath]) throws {
        try wrap {
            try writeFresh { db in try recordDerivationOutputs(db, derivation: derivation, outputs: outputs) }
        }
    }

    private func recordDerivationOutputs(_ db: Database, derivation: StorePath, outputs: [String: StorePath]) throws {
        for (name, output) in outputs.sorted(by: { $0.key < $1.key }) {
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO DerivationOutputs (drv, id, path)
                    SELECT id, ?, ? FROM ValidPaths WHERE path = ?
                    """
            ).execute(arguments: [name, output.absolute(in: storeDirectory), derivation.absolute(in: storeDirectory)])
            if db.changesCount != 1 { throw StoreError.notValid(path: derivation.absolute(in: storeDirectory)) }
        }
    }

    /// Output name -> path of a registered `.drv` path (empty when unknown).
    package func derivationOutputs(of derivation: StorePath) throws -> [String: StorePath] {
        try wrap {
            // One statement, atomic by itself: evaluations ask this for every
            // .drv they write again, and a read transaction would triple its cost.
            try batchedRead { db in
                let rows = try Row.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT o.id, o.path FROM DerivationOutputs o JOIN ValidPaths v ON v.id = o.drv
                        WHERE v.path = ?
                        """), arguments: [derivation.absolute(in: storeDirectory)])
                var outputs: [String: StorePath] = [:]
                for row in rows { outputs[row[0]] = try storePath(row[1]) }
                return outputs
            }
        }
    }

    /// The registered `.drv` paths that name `output` as one of their outputs.
    package func derivers(of output: StorePath) throws -> [StorePath] {
        try wrap {
            try readFresh { db in
                try String.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT v.path FROM DerivationOutputs o JOIN ValidPaths v ON v.id = o.drv
                        WHERE o.path = ? ORDER BY v.path
                        """), arguments: [output.absolute(in: storeDirectory)]
                ).map(storePath)
            }
        }
    }

    /// Removes paths from the database in one transaction. Referrers must be
    /// among `paths` or already invalid (the schema refuses otherwise).
    package func invalidate(_ paths: [StorePath]) throws {
        try wrap {
            try writeFresh { db in
                // One prepared statement for the whole batch: preparing is what
                // costs (SQLite compiles the foreign-key and trigger checks).
                let delete = try db.cachedStatement(sql: "DELETE FROM ValidPaths WHERE path = ?")
                for path in paths {
                    try delete.execute(arguments: [path.absolute(in: storeDirectory)])
                }
            }
        }
    }
}

/// The valid paths and who refers to whom, loaded at once.
package struct ReferenceGraph: Sendable {
    package var paths: Set<StorePath>
    package var references: [StorePath: [StorePath]]
    package var narSizes: [StorePath: UInt64]

    /// Everything reachable from `roots` through references (roots included when valid).
    package func closure(of roots: some Sequence<StorePath>) -> Set<StorePath> {
        var seen: Set<StorePath> = []
        var stack = roots.filter { paths.contains($0) }
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            for reference in references[next, default: []] where !seen.contains(reference) {
                stack.append(reference)
            }
        }
        return seen
    }

    package func referrers() -> [StorePath: [StorePath]] {
        var result: [StorePath: [StorePath]] = [:]
        for (from, targets) in references {
            for to in targets { result[to, default: []].append(from) }
        }
        return result
    }
}
