/// The part of SRFI-13 that Guile provides by default and Guix code uses.
/// Argument orders follow Guile 3 (e.g. `string-filter` takes the predicate first).
extension Libraries {
    static func installSRFI13(into library: inout LibraryBuilder) {
        installSRFI13Searching(into: &library)
        installSRFI13Building(into: &library)
        installSRFI13Folding(into: &library)
        installSRFI13Extras(into: &library)
    }

    // MARK: Searching and comparing

    private static func installSRFI13Searching(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("string-null?") { v in .boolean(try v.expectString("string-null?", 1).scalars.isEmpty) }

        /// Defines a procedure `(name s pred [start end])` scanning with `body`.
        func defineScan(_ name: String, _ body: @escaping ([Unicode.Scalar], Range<Int>, CharMatcher) throws -> Value) {
            library.define(name, arity: 2, 4) { args in
                let s = try TextArguments.string(args, 0, name)
                let matcher = try CharMatcher(args[1], runtime: runtime, who: name, position: 2)
                let range = try TextArguments.range(args, at: 2, length: s.scalars.count, who: name)
                return try body(s.scalars, range, matcher)
            }
        }
        let firstMatch: ([Unicode.Scalar], Range<Int>, CharMatcher) throws -> Value = { s, range, m in
            for i in range where try m.matches(s[i]) { return .fixnum(i) }
            return .false
        }
        let lastMatch: ([Unicode.Scalar], Range<Int>, CharMatcher) throws -> Value = { s, range, m in
            for i in range.reversed() where try m.matches(s[i]) { return .fixnum(i) }
            return .false
        }
        defineScan("string-index", firstMatch)
        defineScan("string-rindex", lastMatch)
        defineScan("string-index-right", lastMatch)
        defineScan("string-skip") { s, range, m in
            for i in range where try !m.matches(s[i]) { return .fixnum(i) }
            return .false
        }
        defineScan("string-skip-right") { s, range, m in
            for i in range.reversed() where try !m.matches(s[i]) { return .fixnum(i) }
            return .false
        }
        defineScan("string-count") { s, range, m in
            var count = 0
            for i in range where try m.matches(s[i]) { count += 1 }
            return .fixnum(count)
        }

        for (name, folding) in [("string-contains", false), ("string-contains-ci", true)] {
            library.define(name, arity: 2, 6) { args in
                let (a, b) = try twoStrings(name, args, folding: folding)
                guard let found = search(a.text[a.range], for: b.text[b.range]) else { return .false }
                return .fixnum(found)
            }
        }
        let affixTests: [(String, Bool, Bool)] = [
            ("string-prefix?", false, false), ("string-prefix-ci?", false, true),
            ("string-suffix?", true, false), ("string-suffix-ci?", true, true),
        ]
        for (name, suffix, folding) in affixTests {
            library.define(name, arity: 2, 6) { args in
                let (a, b) = try twoStrings(name, args, folding: folding)
                let length = suffix ? commonSuffix(a, b) : commonPrefix(a, b)
                return .boolean(length == a.range.count)
            }
        }
        let affixLengths: [(String, Bool, Bool)] = [
            ("string-prefix-length", false, false), ("string-prefix-length-ci", false, true),
            ("string-suffix-length", true, false), ("string-suffix-length-ci", true, true),
        ]
        for (name, suffix, folding) in affixLengths {
            library.define(name, arity: 2, 6) { args in
                let (a, b) = try twoStrings(name, args, folding: folding)
                return .fixnum(suffix ? commonSuffix(a, b) : commonPrefix(a, b))
            }
        }
    }

    /// A string argument with its selected range; `text` is case-folded when comparing `-ci`.
    private struct Slice {
        var text: [Unicode.Scalar]
        var range: Range<Int>
    }

    /// Decodes `(s1 s2 [start1 end1 start2 end2])`.
    private static func twoStrings(_ who: String, _ args: [Value], folding: Bool) throws -> (Slice, Slice) {
        let s1 = try TextArguments.string(args, 0, who)
        let s2 = try TextArguments.string(args, 1, who)
        let r1 = try TextArguments.range(args, at: 2, length: s1.scalars.count, who: who)
        let r2 = try TextArguments.range(args, at: 4, length: s2.scalars.count, who: who)
        let t1 = folding ? s1.scalars.map(UnicodeText.fold) : s1.scalars
        let t2 = folding ? s2.scalars.map(UnicodeText.fold) : s2.scalars
        return (Slice(text: t1, range: r1), Slice(text: t2, range: r2))
    }

    private static func commonPrefix(_ a: Slice, _ b: Slice) -> Int {
        var n = 0
        while n < a.range.count, n < b.range.count, a.text[a.range.lowerBound + n] == b.text[b.range.lowerBound + n] { n += 1 }
        return n
    }

    private static func commonSuffix(_ a: Slice, _ b: Slice) -> Int {
        var n = 0
        while n < a.range.count, n < b.range.count, a.text[a.range.upperBound - 1 - n] == b.text[b.range.upperBound - 1 - n] { n += 1 }
        return n
    }

    /// The index (in the base array) where `needle` first occurs in `haystack`.
    static func search(_ haystack: ArraySlice<Unicode.Scalar>, for needle: ArraySlice<Unicode.Scalar>) -> Int? {
        guard let first = needle.first else { return haystack.startIndex }
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    // MARK: Building new strings

    private static func installSRFI13Building(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("string-join", arity: 1, 3) { args in
            let parts = try args[0].expectList("string-join", 1)
            let delimiter = args.count > 1 ? try args[1].expectString("string-join", 2).scalars : [" "]
            var grammar = "infix"
            if args.count > 2 {
                guard case .symbol(let g) = args[2], ["infix", "strict-infix", "suffix", "prefix"].contains(g.name) else {
                    throw SchemeError.wrongType(procedure: "string-join", position: 3, expected: "grammar symbol", got: args[2])
                }
                grammar = g.name
            }
            if parts.isEmpty, grammar == "strict-infix" {
                throw SchemeError(.misc, who: "string-join", message: "in procedure string-join: strict-infix grammar requires non-empty list")
            }
            var result: [Unicode.Scalar] = []
            for (i, part) in parts.enumerated() {
                guard case .string(let s) = part else {
                    throw SchemeError.wrongType(procedure: "string-join", position: 1, expected: "list of strings", got: part)
                }
                if grammar == "prefix" || (i > 0 && grammar != "suffix") { result.append(contentsOf: delimiter) }
                result.append(contentsOf: s.scalars)
                if grammar == "suffix" { result.append(contentsOf: delimiter) }
            }
            return .string(SString(scalars: result))
        }
        library.define("string-split", arity: 2, 4) { args in
            let s = try TextArguments.string(args, 0, "string-split")
            let matcher = try CharMatcher(args[1], runtime: runtime, who: "string-split", position: 2)
            let range = try TextArguments.range(args, at: 2, length: s.scalars.count, who: "string-split")
            var fields: [Value] = []
            var fieldStart = range.lowerBound
            for i in range where try matcher.matches(s.scalars[i]) {
                fields.append(TextArguments.make(s.scalars[fieldStart..<i]))
                fieldStart = i + 1
            }
            fields.append(TextArguments.make(s.scalars[fieldStart..<range.upperBound]))
            return .list(fields)
        }
        library.define("string-tokenize", arity: 1, 4) { args in
            let s = try TextArguments.string(args, 0, "string-tokenize")
            // Guile's default token set is char-set:graphic.
            let matcher = args.count > 1
                ? try CharMatcher(args[1], runtime: runtime, who: "string-tokenize", position: 2)
                : .set(CharSet(label: "graphic", isGraphic))
            let range = try TextArguments.range(args, at: 2, length: s.scalars.count, who: "string-tokenize")
            var tokens: [Value] = []
            var tokenStart: Int?
            for i in range {
                if try matcher.matches(s.scalars[i]) {
                    if tokenStart == nil { tokenStart = i }
                } else if let start = tokenStart {
                    tokens.append(TextArguments.make(s.scalars[start..<i]))
                    tokenStart = nil
                }
            }
            if let start = tokenStart { tokens.append(TextArguments.make(s.scalars[start..<range.upperBound])) }
            return .list(tokens)
        }

        for (name, left, right) in [("string-trim", true, false), ("string-trim-right", false, true), ("string-trim-both", true, true)] {
            library.define(name, arity: 1, 4) { args in
                let s = try TextArguments.string(args, 0, name)
                let matcher: CharMatcher = args.count > 1
                    ? try CharMatcher(args[1], runtime: runtime, who: name, position: 2)
                    : .set(CharSet(label: "whitespace", UnicodeText.isWhitespace))
                let range = try TextArguments.range(args, at: 2, length: s.scalars.count, who: name)
                var lower = range.lowerBound
                var upper = range.upperBound
                if left { while lower < upper, try matcher.matches(s.scalars[lower]) { lower += 1 } }
                if right { while upper > lower, try matcher.matches(s.scalars[upper - 1]) { upper -= 1 } }
                return TextArguments.make(s.scalars[lower..<upper])
            }
        }
        for (name, padLeft) in [("string-pad", true), ("string-pad-right", false)] {
            library.define(name, arity: 2, 5) { args in
                let s = try TextArguments.string(args, 0, name)
                let width = try args[1].expectIndex(name, 2)
                guard width <= TextArguments.maximumLength else { throw SchemeError.outOfRange(procedure: name, position: 2, got: args[1]) }
                let fill = args.count > 2 ? try args[2].expectChar(name, 3) : " "
                let range = try TextArguments.range(args, at: 3, length: s.scalars.count, who: name)
                let piece = s.scalars[range]
                if piece.count >= width {
                    // Too long: string-pad keeps the right end, string-pad-right the left.
                    return TextArguments.make(padLeft ? piece.suffix(width) : piece.prefix(width))
                }
                let padding = Array(repeating: fill, count: width - piece.count)
                return TextArguments.make(padLeft ? padding + piece : Array(piece) + padding)
            }
        }
        let cuts: [(String, (ArraySlice<Unicode.Scalar>, Int) -> ArraySlice<Unicode.Scalar>)] = [
            ("string-take", { $0.prefix($1) }), ("string-drop", { $0.dropFirst($1) }),
            ("string-take-right", { $0.suffix($1) }), ("string-drop-right", { $0.dropLast($1) }),
        ]
        for (name, cut) in cuts {
            library.define(name) { s, n in
                let string = try s.expectString(name, 1)
                let count = try n.expectIndex(name, 2)
                guard count <= string.scalars.count else { throw SchemeError.outOfRange(procedure: name, position: 2, got: n) }
                return TextArguments.make(cut(string.scalars[...], count))
            }
        }
        library.define("string-reverse", arity: 1, 3) { args in
            let s = try TextArguments.string(args, 0, "string-reverse")
            let range = try TextArguments.range(args, at: 1, length: s.scalars.count, who: "string-reverse")
            // Guile returns the whole string with only [start, end) reversed.
            var scalars = s.scalars
            scalars[range].reverse()
            return .string(SString(scalars: scalars))
        }
        library.define("string-concatenate") { list in
            var result: [Unicode.Scalar] = []
            for part in try list.expectList("string-concatenate", 1) {
                result.append(contentsOf: try part.expectString("string-concatenate", 1).scalars)
            }
            return .string(SString(scalars: result))
        }
        library.define("string-replace", arity: 2, 6) { args in
            let s1 = try TextArguments.string(args, 0, "string-replace")
            let s2 = try TextArguments.string(args, 1, "string-replace")
            let r1 = try TextArguments.range(args, at: 2, length: s1.scalars.count, who: "string-replace")
            let r2 = try TextArguments.range(args, at: 4, length: s2.scalars.count, who: "string-replace")
            return TextArguments.make(s1.scalars[..<r1.lowerBound] + s2.scalars[r2] + s1.scalars[r1.upperBound...])
        }
        // From (ice-9 string-fun); Guix uses it. Guile loops forever on an
        // empty pattern; Cairn reports an error instead.
        library.define("string-replace-substring") { s, pattern, replacement in
            let text = try s.expectString("string-replace-substring", 1).scalars
            let needle = try pattern.expectString("string-replace-substring", 2).scalars
            let insert = try replacement.expectString("string-replace-substring", 3).scalars
            guard !needle.isEmpty else { throw SchemeError.outOfRange(procedure: "string-replace-substring", position: 2, got: pattern) }
            var result: [Unicode.Scalar] = []
            var from = 0
            while let found = search(text[from...], for: needle[...]) {
                result.append(contentsOf: text[from..<found])
                result.append(contentsOf: insert)
                from = found + needle.count
            }
            result.append(contentsOf: text[from...])
            return .string(SString(scalars: result))
        }
        library.define("string-titlecase", arity: 1, 3) { args in
            let s = try TextArguments.string(args, 0, "string-titlecase")
            let range = try TextArguments.range(args, at: 1, length: s.scalars.count, who: "string-titlecase")
            var scalars = s.scalars
            titlecase(&scalars, range)
            return .string(SString(scalars: scalars))
        }
        library.define("string-titlecase!", arity: 1, 3) { args in
            let s = try TextArguments.mutableString(args[0], "string-titlecase!", 1)
            let range = try TextArguments.range(args, at: 1, length: s.scalars.count, who: "string-titlecase!")
            titlecase(&s.scalars, range)
            return .unspecified
        }
        library.define("string-tabulate") { proc, n in
            let count = try n.expectIndex("string-tabulate", 2)
            var result: [Unicode.Scalar] = []
            for i in 0..<count {
                let value = try runtime.apply(proc, [.fixnum(i)])
                result.append(try value.expectChar("string-tabulate", 1))
            }
            return .string(SString(scalars: result))
        }
    }

    /// Guile capitalises the first letter of each run of letters and
    /// lowercases the rest ("3rd" becomes "3Rd").
    private static func titlecase(_ scalars: inout [Unicode.Scalar], _ range: Range<Int>) {
        var inWord = false
        for i in range {
            let c = scalars[i]
            if UnicodeText.isLetter(c) {
                scalars[i] = inWord ? UnicodeText.downcase(c) : UnicodeText.titlecase(c)
                inWord = true
            } else {
                inWord = false
            }
        }
    }

    /// SRFI-14's char-set:graphic: letters, marks, numbers, punctuation and symbols.
    static func isGraphic(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return c.value > 0x20 && c.value < 0x7F }
        switch c.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format,
             .surrogate, .privateUse, .unassigned: return false
        default: return true
        }
    }

    // MARK: Folding and filtering

    private static func installSRFI13Folding(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        for (name, fromRight) in [("string-fold", false), ("string-fold-right", true)] {
            library.define(name, arity: 3, 5) { args in
                let s = try TextArguments.string(args, 2, name)
                let range = try TextArguments.range(args, at: 3, length: s.scalars.count, who: name)
                var accumulator = args[1]
                let indices: [Int] = fromRight ? range.reversed() : Array(range)
                for i in indices { accumulator = try runtime.apply(args[0], [.char(s.scalars[i]), accumulator]) }
                return accumulator
            }
        }
        library.define("string-every", arity: 2, 4) { args in
            let matcher = try CharMatcher(args[0], runtime: runtime, who: "string-every", position: 1)
            let s = try TextArguments.string(args, 1, "string-every")
            let range = try TextArguments.range(args, at: 2, length: s.scalars.count, who: "string-every")
            var last: Value = .true
            for i in range {
                // A predicate's own true value is the answer, as in SRFI-13.
                last = try matchValue(matcher, s.scalars[i])
                if last.isFalse { return .false }
            }
            return last
        }
        library.define("string-any", arity: 2, 4) { args in
            let matcher = try CharMatcher(args[0], runtime: runtime, who: "string-any", position: 1)
            let s = try TextArguments.string(args, 1, "string-any")
            let range = try TextArguments.range(args, at: 2, length: s.scalars.count, who: "string-any")
            for i in range {
                let value = try matchValue(matcher, s.scalars[i])
                if value.isTrue { return value }
            }
            return .false
        }
        for (name, keep) in [("string-filter", true), ("string-delete", false)] {
            library.define(name, arity: 2, 4) { args in
                let matcher = try CharMatcher(args[0], runtime: runtime, who: name, position: 1)
                let s = try TextArguments.string(args, 1, name)
                let range = try TextArguments.range(args, at: 2, length: s.scalars.count, who: name)
                var result: [Unicode.Scalar] = []
                for i in range where try matcher.matches(s.scalars[i]) == keep { result.append(s.scalars[i]) }
                return .string(SString(scalars: result))
            }
        }
    }

    private static func matchValue(_ matcher: CharMatcher, _ c: Unicode.Scalar) throws -> Value {
        if case .predicate(let proc, let runtime) = matcher { return try runtime.apply(proc, [.char(c)]) }
        return .boolean(try matcher.matches(c))
    }
}
