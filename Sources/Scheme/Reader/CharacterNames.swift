/// Character names as Guile reads and writes them (`#\space`, `#\nul`, …).
enum CharacterNames {
    /// Every name Guile's reader accepts (R5RS, R6RS, R7RS, the C0 control
    /// abbreviations and a few aliases), keyed in lower case: Guile matches them
    /// case-insensitively.
    private static let byName: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [:]
        let pairs: [(String, UInt32)] = [
            ("space", 0x20), ("newline", 0x0A),
            ("nul", 0x00), ("alarm", 0x07), ("backspace", 0x08), ("tab", 0x09), ("linefeed", 0x0A),
            ("vtab", 0x0B), ("page", 0x0C), ("return", 0x0D), ("esc", 0x1B), ("delete", 0x7F),
            ("escape", 0x1B),
            ("soh", 0x01), ("stx", 0x02), ("etx", 0x03), ("eot", 0x04), ("enq", 0x05), ("ack", 0x06),
            ("bel", 0x07), ("bs", 0x08), ("ht", 0x09), ("lf", 0x0A), ("vt", 0x0B), ("ff", 0x0C),
            ("cr", 0x0D), ("so", 0x0E), ("si", 0x0F), ("dle", 0x10), ("dc1", 0x11), ("dc2", 0x12),
            ("dc3", 0x13), ("dc4", 0x14), ("nak", 0x15), ("syn", 0x16), ("etb", 0x17), ("can", 0x18),
            ("em", 0x19), ("sub", 0x1A), ("fs", 0x1C), ("gs", 0x1D), ("rs", 0x1E), ("us", 0x1F),
            ("sp", 0x20), ("del", 0x7F),
            ("null", 0x00), ("nl", 0x0A), ("np", 0x0C),
        ]
        for (name, code) in pairs {
            if let scalar = Unicode.Scalar(code) { table[name] = scalar }
        }
        return table
    }()

    static func scalar(named lowercasedName: String) -> Unicode.Scalar? {
        byName[lowercasedName]
    }

    /// The names `write` uses for code points 0 to 32.
    private static let controlNames = [
        "nul", "soh", "stx", "etx", "eot", "enq", "ack", "alarm", "backspace", "tab", "newline", "vtab",
        "page", "return", "so", "si", "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em",
        "sub", "esc", "fs", "gs", "rs", "us", "space",
    ]

    /// The name `write` gives `scalar`, if it has one.
    static func name(of scalar: Unicode.Scalar) -> String? {
        if scalar.value < UInt32(controlNames.count) { return controlNames[Int(scalar.value)] }
        return scalar.value == 0x7F ? "delete" : nil
    }
}

/// Unicode general categories grouped the way Guile's printer tests them.
extension Unicode.Scalar {
    /// Letters, marks, numbers, punctuation and symbols: written as themselves
    /// in strings and characters.
    var isGraphic: Bool {
        if value < 0x80 { return value > 0x20 && value < 0x7F }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// May start a symbol written without `#{…}#` (R6RS identifier categories
    /// plus private use).
    var isSymbolInitial: Bool {
        if value < 0x80 { return Unicode.Scalar.asciiSymbolInitial(value) }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .letterNumber, .otherNumber, .dashPunctuation, .connectorPunctuation,
             .otherPunctuation, .currencySymbol, .mathSymbol, .modifierSymbol, .otherSymbol, .privateUse:
            return true
        default:
            return false
        }
    }

    /// May appear after the first character of a symbol written plainly.
    var isSymbolSubsequent: Bool {
        if value < 0x80 { return Unicode.Scalar.asciiSymbolInitial(value) || (value >= 0x30 && value <= 0x39) }
        if isSymbolInitial { return true }
        switch properties.generalCategory {
        case .decimalNumber, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// ASCII graphic characters other than digits and brackets: in Unicode they
    /// are all letters, `Pd`, `Pc`, `Po`, `Sc`, `Sm` or `Sk`.
    private static func asciiSymbolInitial(_ value: UInt32) -> Bool {
        guard value > 0x20, value < 0x7F else { return false }
        switch value {
        case 0x28, 0x29, 0x5B, 0x5D, 0x7B, 0x7D: return false  // ( ) [ ] { }
        case 0x30...0x39: return false
        default: return true
        }
    }
}
