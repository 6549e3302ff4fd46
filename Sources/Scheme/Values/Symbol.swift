import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The runtime's `swift_retain_n`, looked up once (naming it directly is
/// reserved to the Swift runtime).
private let retainMany: (@convention(c) (UnsafeMutableRawPointer, UInt32) -> UnsafeMutableRawPointer)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "swift_retain_n") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutableRawPointer, UInt32) -> UnsafeMutableRawPointer).self)
}()

/// An interned name. Interned symbols with the same name are the same object,
/// so `eq?` and lookups compare pointers. `gensym` makes uninterned ones.
package final class Symbol: Hashable, CustomStringConvertible {
    package let name: String
    package let isInterned: Bool

    /// True when `write` prints the name as it is (no `#{…}#`): decided once,
    /// when an interned symbol is made, because builders print whole
    /// programs of symbols.
    package let isWrittenBare: Bool

    private init(name: String, interned: Bool) {
        self.name = name
        self.isInterned = interned
        self.isWrittenBare = interned && !Printer.needsBraces(name)
    }

    /// Keyed by UTF-8 bytes, not `String`: String equality treats canonically
    /// equivalent spellings as equal, and Scheme symbols compare by code points.
    private static let table = Mutex<[[UInt8]: Symbol]>([:])

    package static func intern(_ name: String) -> Symbol {
        let key = Array(name.utf8)
        return table.withLock { table in
            if let existing = table[key] { return existing }
            let symbol = Symbol(name: name, interned: true)
            table[key] = symbol
            Symbol.makeImmortal(symbol)
            return symbol
        }
    }

    /// Interned symbols are shared by every runtime of the process while the
    /// Scheme module counts references non-atomically (see Package.swift): a
    /// large extra count keeps a lost update from ever freeing one.
    private static func makeImmortal(_ symbol: Symbol) {
        _ = retainMany?(Unmanaged.passUnretained(symbol).toOpaque(), 1 << 24)
    }

    /// A fresh symbol that is `eq?` to no other, even one with the same name.
    package static func uninterned(_ name: String) -> Symbol {
        Symbol(name: name, interned: false)
    }

    package static func == (lhs: Symbol, rhs: Symbol) -> Bool { lhs === rhs }
    package func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    package var description: String { name }
}

// Symbols are immutable and interned under a lock.
extension Symbol: @unchecked Sendable {}
