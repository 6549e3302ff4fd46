#if canImport(Glibc)
import Glibc
#endif

/// Guile's regular expressions: the primitives of `(ice-9 regex)` and the
/// Scheme-level helpers (`regexp-substitute/global`, `list-matches`, …) that
/// Guix's `substitute*` is built on.
extension Libraries {
    package static func installRegex(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        let cache = RegexCache()
        // Guile's flag values; regexp/basic is special-cased by make-regexp.
        library.define("regexp/basic", .fixnum(0))
        library.define("regexp/extended", .fixnum(Int(REG_EXTENDED)))
        library.define("regexp/icase", .fixnum(Int(REG_ICASE)))
        library.define("regexp/newline", .fixnum(Int(REG_NEWLINE)))
        library.define("regexp/notbol", .fixnum(Int(REG_NOTBOL)))
        library.define("regexp/noteol", .fixnum(Int(REG_NOTEOL)))

        library.define("make-regexp", arity: 1, nil) { args in
            let pattern = try args[0].expectString("make-regexp", 1).string
            var flags = REG_EXTENDED
            for (i, flag) in args.enumerated().dropFirst() {
                let value = try flag.expectFixnum("make-regexp", i + 1)
                if value == 0 { flags &= ~REG_EXTENDED } else { flags |= Int32(truncatingIfNeeded: value) }
            }
            return .object(try Regexp(pattern: pattern, flags: flags))
        }
        library.define("regexp?") { v in
            if case .object(let o) = v, o is Regexp { return .true }
            return .false
        }
        library.define("regexp-exec", arity: 2, 4) { args in
            guard case .object(let regex as Regexp) = args[0] else {
                throw SchemeError.wrongType(procedure: "regexp-exec", position: 1, expected: "regexp", got: args[0])
            }
            let string = try args[1].expectString("regexp-exec", 2)
            let start = try startIndex(args, 2, string, "regexp-exec")
            let flags = args.count > 3 ? Int32(truncatingIfNeeded: try args[3].expectFixnum("regexp-exec", 4)) : 0
            return match(regex, RegexSubject(string), start, flags)
        }
        library.define("string-match", arity: 2, 3) { args in
            let pattern = try args[0].expectString("string-match", 1).string
            let string = try args[1].expectString("string-match", 2)
            let start = try startIndex(args, 2, string, "string-match")
            return match(try cache.regex(pattern), RegexSubject(string), start, 0)
        }
        library.define("regexp-match?") { v in
            if case .object(let o) = v, o is RegexMatch { return .true }
            return .false
        }
        library.define("match:substring", arity: 1, 2) { args in
            let m = try regexMatch(args[0], "match:substring")
            return try group(m, args, "match:substring").map { m.substring($0) } ?? .false
        }
        library.define("match:start", arity: 1, 2) { args in
            let m = try regexMatch(args[0], "match:start")
            return try group(m, args, "match:start").map { .fixnum($0.lowerBound) } ?? .false
        }
        library.define("match:end", arity: 1, 2) { args in
            let m = try regexMatch(args[0], "match:end")
            return try group(m, args, "match:end").map { .fixnum($0.upperBound) } ?? .false
        }
        library.define("match:count") { v in .fixnum(try regexMatch(v, "match:count").groups.count) }
        library.define("match:string") { v in .string(try regexMatch(v, "match:string").string) }
        library.define("match:prefix") { v in
            let m = try regexMatch(v, "match:prefix")
            return m.substring(0..<m.whole.lowerBound)
        }
        library.define("match:suffix") { v in
            let m = try regexMatch(v, "match:suffix")
            return m.substring(m.whole.upperBound..<m.string.scalars.count)
        }
        library.define("regexp-quote") { v in .string(quote(try v.expectString("regexp-quote", 1).scalars)) }

        library.define("list-matches", arity: 2, 3) { args in
            let regex = try regexArgument(args[0], "list-matches", cache)
            let string = try args[1].expectString("list-matches", 2)
            let flags = args.count > 2 ? Int32(truncatingIfNeeded: try args[2].expectFixnum("list-matches", 3)) : 0
            var matches: [Value] = []
            try forEachMatch(regex, string, flags) { matches.append(.object($0)) }
            return .list(matches)
        }
        library.define("fold-matches", arity: 4, 5) { args in
            let regex = try regexArgument(args[0], "fold-matches", cache)
            let string = try args[1].expectString("fold-matches", 2)
            let flags = args.count > 4 ? Int32(truncatingIfNeeded: try args[4].expectFixnum("fold-matches", 5)) : 0
            var accumulator = args[2]
            try forEachMatch(regex, string, flags) { accumulator = try runtime.apply(args[3], [.object($0), accumulator]) }
            return accumulator
        }
        library.define("regexp-substitute", arity: 2, nil) { args in
            let m = try regexMatch(args[1], "regexp-substitute")
            return try withSubstitutionPort(args[0], "regexp-substitute", runtime) { port in
                for item in args.dropFirst(2) {
                    switch item {
                    case .string(let s): try port.write(s.string)
                    case .fixnum: try port.write(try group(m, [args[1], item], "regexp-substitute").map { m.substring($0) }?.displayed ?? "#f")
                    case .symbol(let s) where s.name == "pre": try port.write(m.substring(0..<m.whole.lowerBound).displayed)
                    case .symbol(let s) where s.name == "post":
                        try port.write(m.substring(m.whole.upperBound..<m.string.scalars.count).displayed)
                    default:
                        throw SchemeError.wrongType(procedure: "regexp-substitute", position: 3, expected: "string, integer, pre or post", got: item)
                    }
                }
            }
        }
        library.define("regexp-substitute/global", arity: 3, nil) { args in
            let regex = try regexArgument(args[1], "regexp-substitute/global", cache)
            let string = try args[2].expectString("regexp-substitute/global", 3)
            var matches: [RegexMatch] = []
            try forEachMatch(regex, string, 0) { matches.append($0) }
            let items = Array(args.dropFirst(3))
            return try withSubstitutionPort(args[0], "regexp-substitute/global", runtime) { port in
                var substitution = GlobalSubstitution(port: port, string: string, matches: matches, items: items, runtime: runtime)
                try substitution.run(from: 0, start: 0)
            }
        }
    }

    private static func regexMatch(_ value: Value, _ who: String) throws -> RegexMatch {
        if case .object(let m as RegexMatch) = value { return m }
        throw SchemeError.wrongType(procedure: who, position: 1, expected: "regexp match", got: value)
    }

    /// The range of group `args[1]` (default 0); nil when that group did not match.
    private static func group(_ m: RegexMatch, _ args: [Value], _ who: String) throws -> Range<Int>? {
        let index = args.count > 1 ? try args[1].expectIndex(who, 2) : 0
        guard index < m.groups.count else { throw SchemeError.outOfRange(procedure: who, position: 2, got: args[1]) }
        return m.groups[index]
    }

    private static func startIndex(_ args: [Value], _ index: Int, _ string: SString, _ who: String) throws -> Int {
        guard index < args.count else { return 0 }
        let start = try args[index].expectIndex(who, index + 1)
        guard start <= string.scalars.count else { throw SchemeError.outOfRange(procedure: who, position: index + 1, got: args[index]) }
        return start
    }

    private static func regexArgument(_ value: Value, _ who: String, _ cache: RegexCache) throws -> Regexp {
        switch value {
        case .object(let regex as Regexp): return regex
        case .string(let pattern): return try cache.regex(pattern.string)
        default: throw SchemeError.wrongType(procedure: who, position: 1, expected: "regexp or string", got: value)
        }
    }

    private static func match(_ regex: Regexp, _ subject: RegexSubject, _ start: Int, _ flags: Int32) -> Value {
        guard let groups = regex.execute(subject, from: start, flags: flags) else { return .false }
        return .object(RegexMatch(string: subject.string, groups: groups))
    }

    /// Non-overlapping matches from left to right, as `fold-matches` finds
    /// them: an empty match right after the previous match is skipped.
    private static func forEachMatch(_ regex: Regexp, _ string: SString, _ flags: Int32, _ body: (RegexMatch) throws -> Void) throws {
        let subject = RegexSubject(string)
        var start = 0
        var abuts = false
        while start <= subject.characterCount {
            let bol = start == 0 ? 0 : REG_NOTBOL
            guard let groups = regex.execute(subject, from: start, flags: flags | bol), let whole = groups.first ?? nil else { return }
            if whole.isEmpty, abuts {
                start += 1
                abuts = false
                continue
            }
            try body(RegexMatch(string: string, groups: groups))
            start = whole.upperBound
            abuts = true
        }
    }

    /// Runs `body` on the destination port, or on a string port whose contents are returned when `destination` is #f.
    private static func withSubstitutionPort(_ destination: Value, _ who: String, _ runtime: Runtime, _ body: (Port) throws -> Void) throws -> Value {
        if destination.isFalse {
            let port = StringOutputPort()
            try body(port)
            return .string(port.contents)
        }
        try body(try outputPort([destination], 0, who, runtime))
        return .unspecified
    }

    private static func quote(_ scalars: [Unicode.Scalar]) -> String {
        var result = ""
        for c in scalars {
            switch c {
            case "*", ".", "\\", "^", "$", "[": result += "\\" + String(Character(c))
            case "(", ")", "+", "?", "{", "}", "|": result += "[" + String(Character(c)) + "]"
            default: result.unicodeScalars.append(c)
            }
        }
        return result
    }
}

/// `regexp-substitute/global`'s item walk, following `(ice-9 regex)`: `'post`
/// continues with the next match, so items after a non-final `'post` are
/// written once the rest of the string has been processed.
private struct GlobalSubstitution {
    let port: Port
    let string: SString
    let matches: [RegexMatch]
    let items: [Value]
    let runtime: Runtime

    func text(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: string.scalars[range.clamped(to: 0..<string.scalars.count)])
        return String(view)
    }

    mutating func run(from index: Int, start: Int) throws {
        var index = index
        var start = start
        // Iterates while 'post is the last item (Guile's tail call); recurses otherwise.
        outer: while true {
            guard index < matches.count else {
                try port.write(text(start..<string.scalars.count))
                return
            }
            try StackGuard.check()
            let m = matches[index]
            for (position, item) in items.enumerated() {
                switch item {
                case .string(let s): try port.write(s.string)
                case .fixnum(let n):
                    guard n >= 0, n < m.groups.count else {
                        throw SchemeError.outOfRange(procedure: "regexp-substitute/global", position: position + 4, got: item)
                    }
                    try port.write(m.groups[n].map { m.substring($0).displayed } ?? "#f")
                case .procedure: try port.write(try runtime.apply(item, [.object(m)]).displayed)
                case .symbol(let s) where s.name == "pre": try port.write(text(start..<m.whole.lowerBound))
                case .symbol(let s) where s.name == "post":
                    if position == items.count - 1 {
                        index += 1
                        start = m.whole.upperBound
                        continue outer
                    }
                    try run(from: index + 1, start: m.whole.upperBound)
                default:
                    throw SchemeError.wrongType(
                        procedure: "regexp-substitute/global", position: position + 4,
                        expected: "string, integer, procedure, pre or post", got: item)
                }
            }
            return
        }
    }
}

/// Compiled patterns for `string-match` and friends, which take pattern
/// strings; Guix code calls them in loops with the same few patterns.
private final class RegexCache {
    private var entries: [String: Regexp] = [:]

    func regex(_ pattern: String) throws -> Regexp {
        if let found = entries[pattern] { return found }
        let regex = try Regexp(pattern: pattern, flags: REG_EXTENDED)
        if entries.count >= 64 { entries.removeAll(keepingCapacity: true) }
        entries[pattern] = regex
        return regex
    }
}
