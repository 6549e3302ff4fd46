/// A Scheme hash table. Entries are `(key . value)` pairs ("handles", as Guile
/// calls them) so `hash-get-handle` can return the live entry. Iteration
/// follows insertion order, which keeps program output deterministic.
///
/// Guile's core tables have no fixed equivalence: `hashq-set!` and
/// `hash-set!` may be used on the same table. Here a table adopts the
/// equivalence of its first insertion (or the one given to SRFI-69's
/// `make-hash-table`) and hashes with it; an accessor with a finer
/// equivalence still hashes with the table's (values that are `eq?` have
/// the same `equal?` hash) and a coarser one falls back to a linear scan.
package final class HashTable: SchemeObject {
    package enum Kind {
        case builtIn(Equivalence)
        /// SRFI-69 table with a Scheme equivalence predicate and an optional
        /// Scheme hash function `(hash key bound)`; without one, lookups scan.
        case custom(equivalence: Value, hash: Value?)
    }

    private struct Entry {
        let handle: Pair
        let hash: Int
    }

    /// nil until a core table is first written to.
    package private(set) var kind: Kind?
    /// Insertion-ordered entries; removed ones are nil until the next rehash.
    private var entries: [Entry?] = []
    /// Open addressing with linear probing: an index into `entries`,
    /// `emptySlot` or `deletedSlot`. The count is a power of two.
    private var slots: [Int] = []
    private var usedSlots = 0
    package private(set) var count = 0
    /// Made by Guile's `make-hash-table` (no equivalence given): takes the
    /// equivalence of the accessor that first fills it.
    package let isCoreTable: Bool

    private static let emptySlot = -1
    private static let deletedSlot = -2
    /// The bound passed to Scheme hash functions, as Guile passes its bucket count.
    static let schemeHashBound = Int(Int32.max)

    package init(kind: Kind?) {
        self.kind = kind
        isCoreTable = kind == nil
        super.init()
    }

    private init(kind: Kind?, isCoreTable: Bool) {
        self.kind = kind
        self.isCoreTable = isCoreTable
        super.init()
    }

    package override var typeName: String { "hash-table" }

    /// Live handles in insertion order. A snapshot, so procedures called
    /// while iterating may modify the table.
    package var handles: [Pair] { entries.compactMap { $0?.handle } }

    /// The equivalence SRFI-69 procedures use: the table's, or `equal?`.
    var builtInEquivalence: Equivalence? {
        switch kind {
        case .none: return .equal
        case .builtIn(let equivalence): return equivalence
        case .custom: return nil
        }
    }

    // MARK: Lookup

    /// A found entry: its handle and, when known, the slot that holds it.
    struct Location {
        let handle: Pair
        let slot: Int?
    }

    /// The handle whose key is `equivalence`-same as `key`.
    func find(_ key: Value, _ equivalence: Equivalence) -> Pair? { locate(key, equivalence)?.handle }

    func locate(_ key: Value, _ equivalence: Equivalence) -> Location? {
        guard count > 0 else { return nil }
        if case .builtIn(let tableEquivalence) = kind, equivalence <= tableEquivalence {
            return probe(hash: tableEquivalence.hash(key)) { equivalence.same($0, key) }
        }
        for entry in entries {
            if let entry, equivalence.same(entry.handle.car, key) { return Location(handle: entry.handle, slot: nil) }
        }
        return nil
    }

    /// The handle for `key` under the table's own equivalence, which for a
    /// custom table means calling Scheme.
    func find(_ key: Value, _ caller: SchemeCaller) throws -> Pair? { try locate(key, caller)?.handle }

    func locate(_ key: Value, _ caller: SchemeCaller) throws -> Location? {
        guard case .custom(let same, let hashFunction) = kind else {
            return locate(key, builtInEquivalence ?? .equal)
        }
        guard count > 0 else { return nil }
        if hashFunction != nil {
            return try probe(hash: hash(of: key, caller)) { try caller.test(same, key, $0) }
        }
        for handle in handles where try caller.test(same, key, handle.car) { return Location(handle: handle, slot: nil) }
        return nil
    }

    /// Looks through the probe sequence of `hash`. Works on copies of the
    /// arrays, since `matches` may run Scheme code that changes the table.
    private func probe(hash: Int, matches: (Value) throws -> Bool) rethrows -> Location? {
        let slots = self.slots
        let entries = self.entries
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var index = hash & mask
        for _ in 0..<slots.count {
            let slot = slots[index]
            if slot == Self.emptySlot { return nil }
            if slot >= 0, slot < entries.count, let entry = entries[slot], entry.hash == hash,
                try matches(entry.handle.car)
            {
                return Location(handle: entry.handle, slot: index)
            }
            index = (index + 1) & mask
        }
        return nil
    }

    /// The hash of `key` under the table's equivalence.
    private func hash(of key: Value, _ caller: SchemeCaller?) throws -> Int {
        switch kind {
        case .none: return Equivalence.equal.hash(key)
        case .builtIn(let equivalence): return equivalence.hash(key)
        case .custom(_, let hashFunction):
            guard let hashFunction else { return 0 }
            guard let caller else { return 0 }
            let result = try caller.call(hashFunction, key, .fixnum(Self.schemeHashBound))
            guard case .fixnum(let n) = result else {
                throw SchemeError.wrongType(procedure: "hash-table", position: 1, expected: "exact integer hash", got: result)
            }
            return n
        }
    }

    // MARK: Update

    /// The handle for `key`, created with `value` when absent (Guile's
    /// `hash-create-handle!`). An empty core table adopts the accessor's equivalence.
    @discardableResult
    func handle(for key: Value, _ equivalence: Equivalence, default value: Value, _ caller: SchemeCaller?) throws -> Pair {
        if isCoreTable, count == 0 { kind = .builtIn(equivalence) }
        if let existing = find(key, equivalence) { return existing }
        return try insert(key, value, caller)
    }

    /// SRFI-69 flavour: matches with the table's own equivalence.
    @discardableResult
    func handle(for key: Value, default value: Value, _ caller: SchemeCaller) throws -> Pair {
        if kind == nil { kind = .builtIn(.equal) }
        if let existing = try find(key, caller) { return existing }
        return try insert(key, value, caller)
    }

    private func insert(_ key: Value, _ value: Value, _ caller: SchemeCaller?) throws -> Pair {
        let hash = try self.hash(of: key, caller)
        let handle = Pair(key, value)
        if (usedSlots + 1) * 4 > slots.count * 3 { rehash(minimumCount: count + 1) }
        let mask = slots.count - 1
        var index = hash & mask
        // The load factor stays below 3/4, so a free slot exists.
        for _ in 0..<slots.count {
            let slot = slots[index]
            if slot == Self.emptySlot || slot == Self.deletedSlot {
                if slot == Self.emptySlot { usedSlots += 1 }
                slots[index] = entries.count
                entries.append(Entry(handle: handle, hash: hash))
                count += 1
                return handle
            }
            index = (index + 1) & mask
        }
        // Unreachable while the load factor holds; grow and retry rather than fail.
        rehash(minimumCount: slots.count)
        return try insert(key, value, caller)
    }

    /// Unlinks a found entry. The slot is checked again because Scheme code
    /// run since the lookup may have changed the table; if it no longer
    /// holds the handle, the slots are searched.
    func remove(_ location: Location) {
        if let index = location.slot, index < slots.count, removeIfHolding(location.handle, at: index) { return }
        for index in slots.indices where removeIfHolding(location.handle, at: index) { return }
    }

    private func removeIfHolding(_ handle: Pair, at index: Int) -> Bool {
        let slot = slots[index]
        guard slot >= 0, slot < entries.count, let entry = entries[slot], entry.handle === handle else { return false }
        slots[index] = Self.deletedSlot
        entries[slot] = nil
        count -= 1
        return true
    }

    func removeAll() {
        entries = []
        slots = []
        usedSlots = 0
        count = 0
        if isCoreTable { kind = nil }
    }

    /// A copy with fresh handles.
    func copy() -> HashTable {
        let table = HashTable(kind: kind, isCoreTable: isCoreTable)
        table.entries = entries.compactMap { $0.map { Entry(handle: Pair($0.handle.car, $0.handle.cdr), hash: $0.hash) } }
        table.count = table.entries.count
        table.rehash(minimumCount: table.count)
        return table
    }

    /// Rebuilds the slots with room for `minimumCount` entries at under half
    /// load, dropping removed entries.
    private func rehash(minimumCount: Int) {
        let live = entries.compactMap { $0 }
        var capacity = 8
        while capacity < minimumCount * 2 { capacity *= 2 }
        var newSlots = [Int](repeating: Self.emptySlot, count: capacity)
        let mask = capacity - 1
        for (position, entry) in live.enumerated() {
            var index = entry.hash & mask
            while newSlots[index] != Self.emptySlot { index = (index + 1) & mask }
            newSlots[index] = position
        }
        entries = live
        slots = newSlots
        usedSlots = live.count
        count = live.count
    }
}
