/// Characters: R7RS `(scheme char)` plus Guile's extras.
extension Libraries {
    package static func installChars(into library: inout LibraryBuilder) {
        library.define("char?") { v in
            if case .char = v { return .true }
            return .false
        }
        library.define("char->integer") { v in .fixnum(Int(try v.expectChar("char->integer", 1).value)) }
        library.define("integer->char") { v in
            let n = try v.expectFixnum("integer->char", 1)
            // Surrogates and values past U+10FFFF are not scalars; Guile rejects them too.
            guard let code = UInt32(exactly: n), let scalar = Unicode.Scalar(code) else {
                throw SchemeError.outOfRange(procedure: "integer->char", position: 1, got: v)
            }
            return .char(scalar)
        }

        defineComparisons(into: &library, prefix: "char", key: { $0.value })
        // Guile's char-ci comparisons compare upper-case forms (so ß and ẞ differ).
        defineComparisons(into: &library, prefix: "char-ci", key: { UnicodeText.upcase($0).value })

        definePredicate("char-alphabetic?", UnicodeText.isLetter, into: &library)
        definePredicate("char-numeric?", UnicodeText.isDigit, into: &library)
        definePredicate("char-whitespace?", UnicodeText.isWhitespace, into: &library)
        definePredicate("char-upper-case?", UnicodeText.isUpper, into: &library)
        definePredicate("char-lower-case?", UnicodeText.isLower, into: &library)
        defineMapping("char-upcase", UnicodeText.upcase, into: &library)
        defineMapping("char-downcase", UnicodeText.downcase, into: &library)
        defineMapping("char-titlecase", UnicodeText.titlecase, into: &library)
        defineMapping("char-foldcase", UnicodeText.fold, into: &library)

        library.define("digit-value") { v in
            let c = try v.expectChar("digit-value", 1)
            guard UnicodeText.isDigit(c), let value = c.properties.numericValue else { return .false }
            return .fixnum(Int(value))
        }
        library.define("char-general-category") { v in
            .symbol(generalCategoryName(try v.expectChar("char-general-category", 1)))
        }
    }

    /// `=? <? >? <=? >=?` over one or more characters, comparing `key`.
    private static func defineComparisons(
        into library: inout LibraryBuilder, prefix: String, key: @escaping (Unicode.Scalar) -> UInt32
    ) {
        let tests: [(String, (UInt32, UInt32) -> Bool)] = [
            ("=?", { $0 == $1 }), ("<?", { $0 < $1 }), (">?", { $0 > $1 }),
            ("<=?", { $0 <= $1 }), (">=?", { $0 >= $1 }),
        ]
        for (suffix, test) in tests {
            let name = prefix + suffix
            library.define(name, arity: 1, nil) { args in
                // Check every argument's type even after the answer is known, as Guile does.
                var keys: [UInt32] = []
                keys.reserveCapacity(args.count)
                for (i, arg) in args.enumerated() { keys.append(key(try arg.expectChar(name, i + 1))) }
                for i in keys.indices.dropFirst() where !test(keys[i - 1], keys[i]) { return .false }
                return .true
            }
        }
    }

    private static func definePredicate(
        _ name: String, _ test: @escaping (Unicode.Scalar) -> Bool, into library: inout LibraryBuilder
    ) {
        library.define(name) { v in .boolean(test(try v.expectChar(name, 1))) }
    }

    private static func defineMapping(
        _ name: String, _ map: @escaping (Unicode.Scalar) -> Unicode.Scalar, into library: inout LibraryBuilder
    ) {
        library.define(name) { v in .char(map(try v.expectChar(name, 1))) }
    }

    /// Guile's two-letter category symbols (`Lu`, `Nd`, …).
    static func generalCategoryName(_ c: Unicode.Scalar) -> String {
        switch c.properties.generalCategory {
        case .uppercaseLetter: return "Lu"
        case .lowercaseLetter: return "Ll"
        case .titlecaseLetter: return "Lt"
        case .modifierLetter: return "Lm"
        case .otherLetter: return "Lo"
        case .nonspacingMark: return "Mn"
        case .spacingMark: return "Mc"
        case .enclosingMark: return "Me"
        case .decimalNumber: return "Nd"
        case .letterNumber: return "Nl"
        case .otherNumber: return "No"
        case .connectorPunctuation: return "Pc"
        case .dashPunctuation: return "Pd"
        case .openPunctuation: return "Ps"
        case .closePunctuation: return "Pe"
        case .initialPunctuation: return "Pi"
        case .finalPunctuation: return "Pf"
        case .otherPunctuation: return "Po"
        case .mathSymbol: return "Sm"
        case .currencySymbol: return "Sc"
        case .modifierSymbol: return "Sk"
        case .otherSymbol: return "So"
        case .spaceSeparator: return "Zs"
        case .lineSeparator: return "Zl"
        case .paragraphSeparator: return "Zp"
        case .control: return "Cc"
        case .format: return "Cf"
        case .surrogate: return "Cs"
        case .privateUse: return "Co"
        case .unassigned: return "Cn"
        @unknown default: return "Cn"
        }
    }
}
