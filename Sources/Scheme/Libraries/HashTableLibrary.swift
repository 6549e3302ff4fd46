/// Guile's hash-table procedures (`hash-ref`, `hashq-set!`, `hash-fold`, …)
/// and the SRFI-69 ones Guile provides (`hash-table-ref`, `hash-table-update!`,
/// …), all over `HashTable`. Procedures that list or visit entries do so in
/// insertion order.
extension Libraries {
    package static func installHashTables(into library: inout LibraryBuilder) {
        let caller = SchemeCaller(library.runtime)
        library.define("make-hash-table", arity: 0, nil) { arguments in
            // Guile's core form takes an optional size; SRFI-69's takes an
            // equivalence predicate and hash function first.
            guard let first = arguments.first, case .procedure = first else {
                if let size = arguments.first { _ = try size.expectIndex("make-hash-table", 1) }
                return .object(HashTable(kind: nil))
            }
            let hash = arguments.count > 1 ? try ListSupport.procedure(arguments[1], "make-hash-table", 2) : nil
            return .object(HashTable(kind: tableKind(equivalence: first, hash: hash)))
        }
        library.define("hash-table?") { value in
            if case .object(let object) = value, object is HashTable { return .true }
            return .false
        }
        for (prefix, equivalence) in [("hash", Equivalence.equal), ("hashq", .eq), ("hashv", .eqv)] {
            installCoreAccessors(prefix, equivalence, into: &library)
        }
        installTableTraversal(into: &library, caller)
        installSRFI69(into: &library, caller)
        installHashFunctions(into: &library)
    }

    private static func tableKind(equivalence: Value, hash: Value?) -> HashTable.Kind {
        if let builtIn = Equivalence.of(equivalence) { return .builtIn(builtIn) }
        return .custom(equivalence: equivalence, hash: hash)
    }

    static func expectTable(_ value: Value, _ who: String, _ position: Int) throws -> HashTable {
        if case .object(let object) = value, let table = object as? HashTable { return table }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "hash-table", got: value)
    }

    /// `hash-ref`, `hashq-set!`, … for one of the three equivalences.
    private static func installCoreAccessors(_ prefix: String, _ equivalence: Equivalence, into library: inout LibraryBuilder) {
        let ref = prefix + "-ref"
        library.define(ref, arity: 2, 3) { arguments in
            let table = try expectTable(arguments[0], ref, 1)
            if let handle = table.find(arguments[1], equivalence) { return handle.cdr }
            return arguments.count > 2 ? arguments[2] : .false
        }
        let set = prefix + "-set!"
        library.define(set) { tableValue, key, value in
            let table = try expectTable(tableValue, set, 1)
            try table.handle(for: key, equivalence, default: value, nil).cdr = value
            return value
        }
        let remove = prefix + "-remove!"
        library.define(remove) { tableValue, key in
            let table = try expectTable(tableValue, remove, 1)
            guard let location = table.locate(key, equivalence) else { return .false }
            table.remove(location)
            return .pair(location.handle)
        }
        let getHandle = prefix + "-get-handle"
        library.define(getHandle) { tableValue, key in
            let table = try expectTable(tableValue, getHandle, 1)
            return table.find(key, equivalence).map { .pair($0) } ?? .false
        }
        let createHandle = prefix + "-create-handle!"
        library.define(createHandle) { tableValue, key, value in
            let table = try expectTable(tableValue, createHandle, 1)
            return .pair(try table.handle(for: key, equivalence, default: value, nil))
        }
    }

    private static func installTableTraversal(into library: inout LibraryBuilder, _ caller: SchemeCaller) {
        library.define("hash-fold") { procedure, initial, tableValue in
            let procedure = try ListSupport.procedure(procedure, "hash-fold", 1)
            let table = try expectTable(tableValue, "hash-fold", 3)
            var accumulator = initial
            for handle in table.handles { accumulator = try caller.call(procedure, handle.car, handle.cdr, accumulator) }
            return accumulator
        }
        library.define("hash-for-each") { procedure, tableValue in
            let procedure = try ListSupport.procedure(procedure, "hash-for-each", 1)
            let table = try expectTable(tableValue, "hash-for-each", 2)
            for handle in table.handles { _ = try caller.call(procedure, handle.car, handle.cdr) }
            return .unspecified
        }
        library.define("hash-for-each-handle") { procedure, tableValue in
            let procedure = try ListSupport.procedure(procedure, "hash-for-each-handle", 1)
            let table = try expectTable(tableValue, "hash-for-each-handle", 2)
            for handle in table.handles { _ = try caller.call(procedure, .pair(handle)) }
            return .unspecified
        }
        library.define("hash-map->list") { procedure, tableValue in
            let procedure = try ListSupport.procedure(procedure, "hash-map->list", 1)
            let table = try expectTable(tableValue, "hash-map->list", 2)
            var builder = ListBuilder()
            for handle in table.handles { builder.append(try caller.call(procedure, handle.car, handle.cdr)) }
            return builder.finish()
        }
        library.define("hash-count") { predicate, tableValue in
            let predicate = try ListSupport.procedure(predicate, "hash-count", 1)
            let table = try expectTable(tableValue, "hash-count", 2)
            var count = 0
            for handle in table.handles where try caller.test(predicate, handle.car, handle.cdr) { count += 1 }
            return .fixnum(count)
        }
        library.define("hash-clear!") { tableValue in
            try expectTable(tableValue, "hash-clear!", 1).removeAll()
            return .unspecified
        }
    }

    private static func installSRFI69(into library: inout LibraryBuilder, _ caller: SchemeCaller) {
        library.define("hash-table-ref", arity: 2, 4) { arguments in
            let table = try expectTable(arguments[0], "hash-table-ref", 1)
            if let handle = try table.find(arguments[1], caller) {
                guard arguments.count > 3 else { return handle.cdr }
                return try caller.call(arguments[3], handle.cdr)
            }
            guard arguments.count > 2 else { throw keyNotFound("hash-table-ref", arguments[1]) }
            return try caller.call(arguments[2])
        }
        library.define("hash-table-ref/default") { tableValue, key, fallback in
            let table = try expectTable(tableValue, "hash-table-ref/default", 1)
            return try table.find(key, caller)?.cdr ?? fallback
        }
        library.define("hash-table-set!") { tableValue, key, value in
            let table = try expectTable(tableValue, "hash-table-set!", 1)
            try table.handle(for: key, default: value, caller).cdr = value
            return .unspecified
        }
        library.define("hash-table-delete!") { tableValue, key in
            let table = try expectTable(tableValue, "hash-table-delete!", 1)
            if let location = try table.locate(key, caller) { table.remove(location) }
            return .unspecified
        }
        for name in ["hash-table-exists?", "hash-table-contains?"] {
            library.define(name) { tableValue, key in
                .boolean(try expectTable(tableValue, name, 1).find(key, caller) != nil)
            }
        }
        library.define("hash-table-update!", arity: 3, 4) { arguments in
            let table = try expectTable(arguments[0], "hash-table-update!", 1)
            let key = arguments[1]
            let current: Value
            if let handle = try table.find(key, caller) {
                current = handle.cdr
            } else if arguments.count > 3 {
                current = try caller.call(arguments[3])
            } else {
                throw keyNotFound("hash-table-update!", key)
            }
            let updated = try caller.call(arguments[2], current)
            try table.handle(for: key, default: updated, caller).cdr = updated
            return .unspecified
        }
        library.define("hash-table-update!/default", arity: 4, 4) { arguments in
            let table = try expectTable(arguments[0], "hash-table-update!/default", 1)
            let key = arguments[1]
            let current = try table.find(key, caller)?.cdr ?? arguments[3]
            let updated = try caller.call(arguments[2], current)
            try table.handle(for: key, default: updated, caller).cdr = updated
            return .unspecified
        }
        library.define("hash-table-size") { tableValue in .fixnum(try expectTable(tableValue, "hash-table-size", 1).count) }
        library.define("hash-table-keys") { tableValue in
            Value.list(try expectTable(tableValue, "hash-table-keys", 1).handles.map(\.car))
        }
        library.define("hash-table-values") { tableValue in
            Value.list(try expectTable(tableValue, "hash-table-values", 1).handles.map(\.cdr))
        }
        library.define("hash-table->alist") { tableValue in
            Value.list(try expectTable(tableValue, "hash-table->alist", 1).handles.map { .pair(Pair($0.car, $0.cdr)) })
        }
        library.define("hash-table-walk") { tableValue, procedure in
            let table = try expectTable(tableValue, "hash-table-walk", 1)
            let procedure = try ListSupport.procedure(procedure, "hash-table-walk", 2)
            for handle in table.handles { _ = try caller.call(procedure, handle.car, handle.cdr) }
            return .unspecified
        }
        library.define("hash-table-fold") { tableValue, procedure, initial in
            let table = try expectTable(tableValue, "hash-table-fold", 1)
            let procedure = try ListSupport.procedure(procedure, "hash-table-fold", 2)
            var accumulator = initial
            for handle in table.handles { accumulator = try caller.call(procedure, handle.car, handle.cdr, accumulator) }
            return accumulator
        }
        library.define("hash-table-copy", arity: 1, 2) { arguments in
            .object(try expectTable(arguments[0], "hash-table-copy", 1).copy())
        }
        library.define("alist->hash-table", arity: 1, nil) { arguments in
            let equivalence = arguments.count > 1 ? try ListSupport.procedure(arguments[1], "alist->hash-table", 2) : nil
            let hash = arguments.count > 2 ? try ListSupport.procedure(arguments[2], "alist->hash-table", 3) : nil
            let table = HashTable(kind: equivalence.map { tableKind(equivalence: $0, hash: hash) } ?? .builtIn(.equal))
            for element in try ListSupport.elements(arguments[0], "alist->hash-table", 1) {
                guard case .pair(let entry) = element else {
                    throw SchemeError.wrongType(
                        procedure: "alist->hash-table", position: 1, expected: "association list", got: arguments[0])
                }
                // Earlier entries take precedence, as in SRFI-69.
                try table.handle(for: entry.car, default: entry.cdr, caller)
            }
            return .object(table)
        }
    }

    private static func keyNotFound(_ who: String, _ key: Value) -> SchemeError {
        SchemeError(.misc, who: who, message: "in procedure \(who): key not in table: \(key.written(limit: 60))", irritants: [key])
    }

    /// `hash`, `hashq`, `hashv` and `hash-by-identity`: `(hash obj [bound])`,
    /// a non-negative integer below `bound`.
    private static func installHashFunctions(into library: inout LibraryBuilder) {
        for (name, equivalence) in [("hash", Equivalence.equal), ("hashq", .eq), ("hashv", .eqv), ("hash-by-identity", .eq)] {
            library.define(name, arity: 1, 2) { arguments in
                var bound = Int.max
                if arguments.count > 1 {
                    bound = try arguments[1].expectIndex(name, 2)
                    guard bound > 0 else { throw SchemeError.outOfRange(procedure: name, position: 2, got: arguments[1]) }
                }
                let code = UInt(bitPattern: equivalence.hash(arguments[0]))
                return .fixnum(Int(code % UInt(bound)))
            }
        }
    }
}
