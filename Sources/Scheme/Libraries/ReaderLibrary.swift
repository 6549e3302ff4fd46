/// `read` and Guile's small core helpers that are not part of another library.
extension Libraries {
    package static func installReaderAndMisc(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("read", arity: 0, 1) { args in
            try readDatum(from: try inputPort(args, 0, "read", runtime))
        }
        library.define("symbol=?", arity: 1, nil) { args in
            let symbols = try args.enumerated().map { try $1.expectSymbol("symbol=?", $0 + 1) }
            return .boolean(symbols.allSatisfy { $0 === symbols[0] })
        }
        library.define("basename", arity: 1, 2) { args in
            var path = try args[0].expectString("basename", 1).string
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            var base = path == "/" ? "/" : String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
            if args.count > 1 {
                let suffix = try args[1].expectString("basename", 2).string
                if base.hasSuffix(suffix) && base != suffix { base.removeLast(suffix.count) }
            }
            return .string(base)
        }
        library.define("dirname") { value in
            var path = try value.expectString("dirname", 1).string
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            guard let slash = path.lastIndex(of: "/") else { return .string(".") }
            var directory = String(path[..<slash])
            while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
            return .string(directory.isEmpty ? "/" : directory)
        }
        library.define("object->string", arity: 1, 2) { args in
            .string(args[0].written())
        }
    }

    /// One datum from `port`. The reader runs on a window of the unread text
    /// that doubles while the datum may continue past it (an unclosed list, a
    /// token cut at its edge such as `#\\sp` of `#\\space`), then consumes
    /// only the datum. On a syntax error the text up to the error is consumed,
    /// as Guile does, so a loop that reports and reads on moves forward.
    static func readDatum(from port: Port) throws -> Value {
        var limit = 1024
        var more = false
        while true {
            let (window, atEnd) = try port.unreadWindow(limit: limit, more: more)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: window)
            let text = String(view)
            let utf8 = text.utf8
            // Positions in what is left of the port would mislead, and one
            // registered file per datum read would pile up: no locations.
            var reader = Reader(text: text, file: SourceFile(name: "<port>", text: text, registered: false))
            let datum: Value?
            do {
                datum = try reader.read()
            } catch let error as SchemeError where error.kind == .read {
                // A token cut at the window's edge fails near the edge.
                if !atEnd && (Reader.isIncompleteInput(error) || reader.offset >= utf8.count - edgeMargin) {
                    (limit, more) = grow(limit, window.count)
                    continue
                }
                port.skip(scalars(in: utf8, upTo: max(1, min(reader.offset, utf8.count))))
                throw error
            }
            let consumedBytes = min(reader.offset, utf8.count)
            // A datum that ends the window may go on past it, unless its last
            // character closes it (a list, a string, a |symbol|).
            let closed = consumedBytes > 0 && [UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "\""), UInt8(ascii: "|")]
                .contains(utf8[utf8.index(utf8.startIndex, offsetBy: consumedBytes - 1)])
            if !atEnd && (datum == nil || (consumedBytes == utf8.count && !closed)) {
                (limit, more) = grow(limit, window.count)
                continue
            }
            port.skip(scalars(in: utf8, upTo: consumedBytes))
            return datum ?? .eof
        }
    }

    /// How near the end of the window a read error must be to count as a cut token.
    private static let edgeMargin = 64

    /// Characters in the first `bytes` bytes of `utf8`.
    private static func scalars(in utf8: String.UTF8View, upTo bytes: Int) -> Int {
        utf8.prefix(bytes).count(where: { $0 & 0xC0 != 0x80 })
    }

    /// A larger window: twice the characters, reading input once the buffered ones are all in it.
    private static func grow(_ limit: Int, _ shown: Int) -> (Int, Bool) {
        (limit * 2, shown < limit)
    }
}
