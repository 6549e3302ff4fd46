/// A minimal SRFI-14: the predefined sets SRFI-13 callers pass around, set
/// construction from characters and strings, complement, union and membership.
extension Libraries {
    static func installCharSets(into library: inout LibraryBuilder) {
        let predefined: [(String, (Unicode.Scalar) -> Bool)] = [
            ("whitespace", UnicodeText.isWhitespace),
            ("letter", UnicodeText.isLetter),
            ("digit", UnicodeText.isDigit),
            ("letter+digit", { UnicodeText.isLetter($0) || UnicodeText.isDigit($0) }),
            ("upper-case", UnicodeText.isUpper),
            ("lower-case", UnicodeText.isLower),
            ("graphic", isGraphic),
            ("printing", { isGraphic($0) || UnicodeText.isWhitespace($0) }),
            ("punctuation", isPunctuation),
            ("hex-digit", { $0.isASCII && $0.properties.isASCIIHexDigit }),
            ("blank", { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }),
            ("ascii", { $0.isASCII }),
            ("empty", { _ in false }),
            ("full", { _ in true }),
        ]
        for (name, test) in predefined {
            library.define("char-set:" + name, .object(CharSet(label: name, test)))
        }
        library.define("char-set?") { v in
            if case .object(let o) = v, o is CharSet { return .true }
            return .false
        }
        library.define("char-set", arity: 0, nil) { args in
            var members = Set<Unicode.Scalar>()
            for (i, arg) in args.enumerated() { members.insert(try arg.expectChar("char-set", i + 1)) }
            return .object(CharSet(scalars: members))
        }
        library.define("string->char-set", arity: 1, 2) { args in
            let members = Set(try args[0].expectString("string->char-set", 1).scalars)
            if args.count > 1 {
                let base = try charSet(args[1], "string->char-set", 2)
                let fixed = members
                return .object(CharSet(label: "charset") { fixed.contains($0) || base.contains($0) })
            }
            return .object(CharSet(scalars: members))
        }
        library.define("list->char-set", arity: 1, 2) { args in
            var members = Set<Unicode.Scalar>()
            for element in try args[0].expectList("list->char-set", 1) {
                members.insert(try element.expectChar("list->char-set", 1))
            }
            if args.count > 1 {
                let base = try charSet(args[1], "list->char-set", 2)
                let fixed = members
                return .object(CharSet(label: "charset") { fixed.contains($0) || base.contains($0) })
            }
            return .object(CharSet(scalars: members))
        }
        library.define("char-set-complement") { v in
            let set = try charSet(v, "char-set-complement", 1)
            return .object(CharSet(label: "complement") { !set.contains($0) })
        }
        library.define("char-set-union", arity: 0, nil) { args in
            var sets: [CharSet] = []
            for (i, arg) in args.enumerated() { sets.append(try charSet(arg, "char-set-union", i + 1)) }
            return .object(CharSet(label: "union") { c in sets.contains { $0.contains(c) } })
        }
        library.define("char-set-intersection", arity: 1, nil) { args in
            var sets: [CharSet] = []
            for (i, arg) in args.enumerated() { sets.append(try charSet(arg, "char-set-intersection", i + 1)) }
            return .object(CharSet(label: "intersection") { c in sets.allSatisfy { $0.contains(c) } })
        }
        library.define("char-set-difference", arity: 1, nil) { args in
            let base = try charSet(args[0], "char-set-difference", 1)
            var removed: [CharSet] = []
            for (i, arg) in args.enumerated().dropFirst() { removed.append(try charSet(arg, "char-set-difference", i + 1)) }
            return .object(CharSet(label: "difference") { c in base.contains(c) && !removed.contains { $0.contains(c) } })
        }
        library.define("char-set-adjoin", arity: 1, nil) { args in
            let base = try charSet(args[0], "char-set-adjoin", 1)
            var added = Set<Unicode.Scalar>()
            for (i, arg) in args.enumerated().dropFirst() { added.insert(try arg.expectChar("char-set-adjoin", i + 1)) }
            let fixed = added
            return .object(CharSet(label: "charset") { fixed.contains($0) || base.contains($0) })
        }
        library.define("char-set-contains?") { s, c in
            let set = try charSet(s, "char-set-contains?", 1)
            return .boolean(set.contains(try c.expectChar("char-set-contains?", 2)))
        }
    }

    private static func charSet(_ value: Value, _ who: String, _ position: Int) throws -> CharSet {
        if case .object(let o as CharSet) = value { return o }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "char-set", got: value)
    }

    private static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }
}
