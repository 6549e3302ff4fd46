/// R7RS strings with Guile's optional start/end arguments. The SRFI-13 subset
/// and char-sets live in SRFI13Library.swift and CharSetLibrary.swift;
/// `installStrings` installs all three.
extension Libraries {
    package static func installStrings(into library: inout LibraryBuilder) {
        installCoreStrings(into: &library)
        installStringComparisons(into: &library)
        installSRFI13(into: &library)
        installCharSets(into: &library)
    }

    private static func installCoreStrings(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("string?") { v in
            if case .string = v { return .true }
            return .false
        }
        library.define("make-string", arity: 1, 2) { args in
            let count = try args[0].expectIndex("make-string", 1)
            // Refuse absurd sizes before allocating: an error, not a crash.
            guard count <= TextArguments.maximumLength else { throw SchemeError.outOfRange(procedure: "make-string", position: 1, got: args[0]) }
            let fill = args.count > 1 ? try args[1].expectChar("make-string", 2) : Unicode.Scalar(UInt8(0))
            return .string(SString(scalars: Array(repeating: fill, count: count)))
        }
        library.define("string", arity: 0, nil) { args in
            var scalars: [Unicode.Scalar] = []
            scalars.reserveCapacity(args.count)
            for (i, arg) in args.enumerated() { scalars.append(try arg.expectChar("string", i + 1)) }
            return .string(SString(scalars: scalars))
        }
        library.define("string-length") { v in .fixnum(try v.expectString("string-length", 1).scalars.count) }
        library.define("string-ref") { s, k in
            let string = try s.expectString("string-ref", 1)
            let index = try k.expectIndex("string-ref", 2)
            guard index < string.scalars.count else { throw SchemeError.outOfRange(procedure: "string-ref", position: 2, got: k) }
            return .char(string.scalars[index])
        }
        library.define("string-set!") { s, k, c in
            let string = try TextArguments.mutableString(s, "string-set!", 1)
            let index = try k.expectIndex("string-set!", 2)
            let char = try c.expectChar("string-set!", 3)
            guard index < string.scalars.count else { throw SchemeError.outOfRange(procedure: "string-set!", position: 2, got: k) }
            string.scalars[index] = char
            return .unspecified
        }
        library.define("substring", arity: 2, 3) { args in try copyRange("substring", args) }
        library.define("substring/shared", arity: 2, 3) { args in try copyRange("substring/shared", args) }
        library.define("substring/copy", arity: 2, 3) { args in try copyRange("substring/copy", args) }
        library.define("string-copy", arity: 1, 3) { args in try copyRange("string-copy", args) }
        library.define("string-append", arity: 0, nil) { args in try appendStrings("string-append", args) }
        library.define("string-append/shared", arity: 0, nil) { args in try appendStrings("string-append/shared", args) }

        library.define("string-copy!", arity: 3, 5) { args in
            let target = try TextArguments.mutableString(args[0], "string-copy!", 1)
            let at = try args[1].expectIndex("string-copy!", 2)
            let source = try TextArguments.string(args, 2, "string-copy!")
            let range = try TextArguments.range(args, at: 3, length: source.scalars.count, who: "string-copy!")
            guard at <= target.scalars.count else { throw SchemeError.outOfRange(procedure: "string-copy!", position: 2, got: args[1]) }
            guard range.count <= target.scalars.count - at else {
                throw SchemeError.outOfRange(procedure: "string-copy!", position: 3, got: args[2])
            }
            // Copy out first: source and target may be the same string.
            let piece = Array(source.scalars[range])
            target.scalars.replaceSubrange(at..<(at + piece.count), with: piece)
            return .unspecified
        }
        library.define("string-fill!", arity: 2, 4) { args in
            let target = try TextArguments.mutableString(args[0], "string-fill!", 1)
            let fill = try args[1].expectChar("string-fill!", 2)
            let range = try TextArguments.range(args, at: 2, length: target.scalars.count, who: "string-fill!")
            for i in range { target.scalars[i] = fill }
            return .unspecified
        }
        library.define("string->list", arity: 1, 3) { args in
            let s = try TextArguments.string(args, 0, "string->list")
            let range = try TextArguments.range(args, at: 1, length: s.scalars.count, who: "string->list")
            return .list(s.scalars[range].map { .char($0) })
        }
        library.define("list->string") { list in
            let elements = try list.expectList("list->string", 1)
            var scalars: [Unicode.Scalar] = []
            scalars.reserveCapacity(elements.count)
            for element in elements {
                guard case .char(let c) = element else {
                    throw SchemeError.wrongType(procedure: "list->string", position: 1, expected: "character", got: element)
                }
                scalars.append(c)
            }
            return .string(SString(scalars: scalars))
        }
        library.define("string-upcase", arity: 1, 3) { args in try mapCase("string-upcase", args, UnicodeText.upcase) }
        library.define("string-downcase", arity: 1, 3) { args in try mapCase("string-downcase", args, UnicodeText.downcase) }
        library.define("string-foldcase", arity: 1, 3) { args in try mapCase("string-foldcase", args, UnicodeText.fold) }
        library.define("string-upcase!", arity: 1, 3) { args in try mapCaseInPlace("string-upcase!", args, UnicodeText.upcase) }
        library.define("string-downcase!", arity: 1, 3) { args in try mapCaseInPlace("string-downcase!", args, UnicodeText.downcase) }

        library.define("string-for-each", arity: 2, nil) { args in
            let proc = args[0]
            let sources = try stringArguments("string-for-each", args)
            for i in 0..<sources.count {
                _ = try runtime.apply(proc, sources.chars(at: i))
            }
            return .unspecified
        }
        library.define("string-map", arity: 2, nil) { args in
            let proc = args[0]
            let sources = try stringArguments("string-map", args)
            var result: [Unicode.Scalar] = []
            result.reserveCapacity(sources.count)
            for i in 0..<sources.count {
                let value = try runtime.apply(proc, sources.chars(at: i))
                guard case .char(let c) = value else {
                    throw SchemeError.wrongType(procedure: "string-map", position: 1, expected: "procedure returning a character", got: value)
                }
                result.append(c)
            }
            return .string(SString(scalars: result))
        }
    }

    /// `substring`/`string-copy`: a fresh mutable copy of `[start, end)`.
    private static func copyRange(_ who: String, _ args: [Value]) throws -> Value {
        let s = try TextArguments.string(args, 0, who)
        let range = try TextArguments.range(args, at: 1, length: s.scalars.count, who: who)
        return .string(SString(scalars: Array(s.scalars[range])))
    }

    private static func appendStrings(_ who: String, _ args: [Value]) throws -> Value {
        var scalars: [Unicode.Scalar] = []
        var total = 0
        for (i, arg) in args.enumerated() { total += try arg.expectString(who, i + 1).scalars.count }
        scalars.reserveCapacity(total)
        for arg in args { if case .string(let s) = arg { scalars.append(contentsOf: s.scalars) } }
        return .string(SString(scalars: scalars))
    }

    /// Guile's case procedures return the whole string with only `[start, end)` mapped.
    private static func mapCase(_ who: String, _ args: [Value], _ map: (Unicode.Scalar) -> Unicode.Scalar) throws -> Value {
        let s = try TextArguments.string(args, 0, who)
        let range = try TextArguments.range(args, at: 1, length: s.scalars.count, who: who)
        var scalars = s.scalars
        for i in range { scalars[i] = map(scalars[i]) }
        return .string(SString(scalars: scalars))
    }

    private static func mapCaseInPlace(_ who: String, _ args: [Value], _ map: (Unicode.Scalar) -> Unicode.Scalar) throws -> Value {
        let s = try TextArguments.mutableString(args[0], who, 1)
        let range = try TextArguments.range(args, at: 1, length: s.scalars.count, who: who)
        for i in range { s.scalars[i] = map(s.scalars[i]) }
        return .unspecified
    }

    /// The strings `string-map` and `string-for-each` walk: either several
    /// strings (R7RS, walked to the shortest) or one string with Guile's
    /// optional start/end.
    private struct StringWalk {
        var strings: [[Unicode.Scalar]]
        var starts: [Int]
        var count: Int

        func chars(at i: Int) -> [Value] {
            zip(strings, starts).map { .char($0[$1 + i]) }
        }
    }

    private static func stringArguments(_ who: String, _ args: [Value]) throws -> StringWalk {
        _ = try args[0].expectProcedure(who, 1)
        let first = try TextArguments.string(args, 1, who)
        if args.count > 2, case .string = args[2] {
            var strings: [[Unicode.Scalar]] = []
            for i in 1..<args.count { strings.append(try args[i].expectString(who, i + 1).scalars) }
            let count = strings.map(\.count).min() ?? 0
            return StringWalk(strings: strings, starts: Array(repeating: 0, count: strings.count), count: count)
        }
        guard args.count <= 4 else { throw SchemeError.wrongArgumentCount(procedure: who, expected: "2 to 4", given: args.count) }
        let range = try TextArguments.range(args, at: 2, length: first.scalars.count, who: who)
        return StringWalk(strings: [first.scalars], starts: [range.lowerBound], count: range.count)
    }

    private static func installStringComparisons(into library: inout LibraryBuilder) {
        let tests: [(String, (Int) -> Bool)] = [
            ("=?", { $0 == 0 }), ("<?", { $0 < 0 }), (">?", { $0 > 0 }), ("<=?", { $0 <= 0 }), (">=?", { $0 >= 0 }),
        ]
        for (suffix, test) in tests {
            for folding in [false, true] {
                let name = (folding ? "string-ci" : "string") + suffix
                library.define(name, arity: 0, nil) { args in
                    var strings: [[Unicode.Scalar]] = []
                    strings.reserveCapacity(args.count)
                    for (i, arg) in args.enumerated() {
                        let s = try arg.expectString(name, i + 1).scalars
                        strings.append(folding ? s.map(UnicodeText.fold) : s)
                    }
                    for i in strings.indices.dropFirst() where !test(compareScalars(strings[i - 1], strings[i])) {
                        return .false
                    }
                    return .true
                }
            }
        }
    }

    /// Lexicographic comparison by code point: negative, zero or positive.
    static func compareScalars<A: Collection<Unicode.Scalar>, B: Collection<Unicode.Scalar>>(_ a: A, _ b: B) -> Int {
        var i = a.makeIterator()
        var j = b.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?): if x != y { return x.value < y.value ? -1 : 1 }
            }
        }
    }
}
