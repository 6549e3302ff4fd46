/// `read` and Guile's small core helpers that are not part of another library.
extension Libraries {
    package static func installReaderAndMisc(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("read", arity: 0, 1) { args in
            let port = try inputPort(args, 0, "read", runtime)
            let rest = try port.read(count: nil)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: rest)
            let text = String(view)
            // Positions in what is left of the port would mislead, and one
            // registered file per datum read would pile up: no locations.
            var reader = Reader(text: text, file: SourceFile(name: "<port>", text: text, registered: false))
            let datum = try reader.read()
            // Give back what the datum did not use, so the next read starts there.
            let consumedBytes = min(reader.offset, text.utf8.count)
            let consumed = String(decoding: Array(text.utf8.prefix(consumedBytes)), as: UTF8.self).unicodeScalars.count
            for scalar in rest[min(consumed, rest.count)...].reversed() { try port.unread(scalar) }
            return datum ?? .eof
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
}
