import Synchronization

/// Symbols and keywords (Guile's `#:name`).
extension Libraries {
    /// `gensym` numbers are process-wide so that symbols from two runtimes
    /// never print alike either.
    private static let gensymCounter = Atomic<Int>(0)

    package static func installSymbols(into library: inout LibraryBuilder) {
        library.define("symbol?") { v in
            if case .symbol = v { return .true }
            return .false
        }
        library.define("symbol->string") { v in
            // Guile returns the symbol's own, read-only name.
            .string(SString(try v.expectSymbol("symbol->string", 1).name, mutable: false))
        }
        library.define("string->symbol") { v in .symbol(Symbol.intern(try v.expectString("string->symbol", 1).string)) }
        library.define("symbol-append", arity: 0, nil) { args in
            var name = ""
            for (i, arg) in args.enumerated() { name += try arg.expectSymbol("symbol-append", i + 1).name }
            return .symbol(Symbol.intern(name))
        }
        library.define("make-symbol") { v in .symbol(Symbol.uninterned(try v.expectString("make-symbol", 1).string)) }
        library.define("symbol-interned?") { v in .boolean(try v.expectSymbol("symbol-interned?", 1).isInterned) }
        library.define("gensym", arity: 0, 1) { args in
            // Guile's default prefix starts with a space so generated names
            // cannot collide with anything a program reads.
            let prefix = args.isEmpty ? " g" : try args[0].expectString("gensym", 1).string
            let number = gensymCounter.add(1, ordering: .relaxed).oldValue
            return .symbol(Symbol.uninterned(prefix + String(number)))
        }
        library.define("keyword?") { v in
            if case .keyword = v { return .true }
            return .false
        }
        library.define("keyword->symbol") { v in
            guard case .keyword(let s) = v else {
                throw SchemeError.wrongType(procedure: "keyword->symbol", position: 1, expected: "keyword", got: v)
            }
            return .symbol(s)
        }
        library.define("symbol->keyword") { v in .keyword(try v.expectSymbol("symbol->keyword", 1)) }
    }
}
