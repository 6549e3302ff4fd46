/// More of Guile's SRFI-13: comparisons with start/end pairs (`string<`,
/// `string-compare` …), unfolds, `xsubstring`, reverse concatenation, the
/// in-place `string-map!`/`string-reverse!`, and R7RS `string->vector` /
/// `vector->string`.
extension Libraries {
    static func installSRFI13Extras(into library: inout LibraryBuilder) {
        installSRFI13Comparisons(into: &library)
        installSRFI13Unfolds(into: &library)
        installSRFI13Cyclic(into: &library)
        installStringConversions(into: &library)
    }

    // MARK: Comparing

    /// Where two string slices first differ, as `compareScalars` orders them:
    /// the sign and the index in the first string (its end when they are equal).
    private static func mismatch(_ who: String, _ args: [Value], folding: Bool) throws -> (order: Int, index: Int) {
        let s1 = try TextArguments.string(args, 0, who)
        let s2 = try TextArguments.string(args, 1, who)
        let r1 = try TextArguments.range(args, at: 2, length: s1.scalars.count, who: who)
        let r2 = try TextArguments.range(args, at: 4, length: s2.scalars.count, who: who)
        var offset = 0
        while true {
            let i = r1.lowerBound + offset
            let j = r2.lowerBound + offset
            switch (i < r1.upperBound, j < r2.upperBound) {
            case (false, false): return (0, i)
            case (false, true): return (-1, i)
            case (true, false): return (1, i)
            case (true, true):
                var a = s1.scalars[i]
                var b = s2.scalars[j]
                if folding {
                    a = UnicodeText.fold(a)
                    b = UnicodeText.fold(b)
                }
                if a != b { return (a.value < b.value ? -1 : 1, i) }
            }
            offset += 1
        }
    }

    private static func installSRFI13Comparisons(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        let tests: [(String, (Int) -> Bool)] = [
            ("=", { $0 == 0 }), ("<>", { $0 != 0 }), ("<", { $0 < 0 }), (">", { $0 > 0 }),
            ("<=", { $0 <= 0 }), (">=", { $0 >= 0 }),
        ]
        for (suffix, test) in tests {
            for folding in [false, true] {
                let name = (folding ? "string-ci" : "string") + suffix
                library.define(name, arity: 2, 6) { args in
                    .boolean(test(try mismatch(name, args, folding: folding).order))
                }
            }
        }
        for (name, folding) in [("string-compare", false), ("string-compare-ci", true)] {
            library.define(name, arity: 5, 9) { args in
                for position in 3...5 { _ = try args[position - 1].expectProcedure(name, position) }
                let shifted = Array(args[0...1]) + args.dropFirst(5)
                let (order, index) = try mismatch(name, shifted, folding: folding)
                let procedure = order < 0 ? args[2] : order == 0 ? args[3] : args[4]
                return try runtime.apply(procedure, [.fixnum(index)])
            }
        }
    }

    // MARK: Unfolding

    private static func installSRFI13Unfolds(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        for (name, fromRight) in [("string-unfold", false), ("string-unfold-right", true)] {
            library.define(name, arity: 4, 6) { args in
                let (stop, mapper, successor) = (args[0], args[1], args[2])
                var seed = args[3]
                let base = args.count > 4 ? try args[4].expectString(name, 5).scalars : []
                var generated: [Unicode.Scalar] = []
                while try runtime.apply(stop, [seed]).isFalse {
                    let value = try runtime.apply(mapper, [seed])
                    guard case .char(let c) = value else {
                        throw SchemeError(
                            .misc, who: name, message: "in procedure \(name): procedure \(mapper.written(limit: 60)) returned non-char",
                            irritants: [mapper])
                    }
                    guard generated.count < TextArguments.maximumLength else {
                        throw SchemeError(.misc, who: name, message: "in procedure \(name): string too long")
                    }
                    generated.append(c)
                    seed = try runtime.apply(successor, [seed])
                }
                var final: [Unicode.Scalar] = []
                if args.count > 5 {
                    let value = try runtime.apply(args[5], [seed])
                    guard case .string(let s) = value else {
                        throw SchemeError.wrongType(procedure: name, position: 6, expected: "procedure returning a string", got: value)
                    }
                    final = s.scalars
                }
                return TextArguments.make(fromRight ? final + generated.reversed() + base : base + generated + final)
            }
        }
        for name in ["string-concatenate-reverse", "string-concatenate-reverse/shared"] {
            library.define(name, arity: 1, 3) { args in
                var final: [Unicode.Scalar] = []
                if args.count > 1 {
                    let s = try args[1].expectString(name, 2).scalars
                    final = s
                    if args.count > 2 {
                        let end = try args[2].expectIndex(name, 3)
                        guard end <= s.count else { throw SchemeError.outOfRange(procedure: name, position: 3, got: args[2]) }
                        final = Array(s[..<end])
                    }
                }
                var result: [Unicode.Scalar] = []
                for part in try args[0].expectList(name, 1).reversed() {
                    result.append(contentsOf: try part.expectString(name, 1).scalars)
                }
                return TextArguments.make(result + final)
            }
        }
        library.alias("string-concatenate/shared", to: "string-concatenate")
    }

    // MARK: Cyclic extraction and in-place edits

    /// The characters at positions `from..<to` of the infinite repetition of
    /// the selected slice of a string (arguments `s from [to [start end]]`
    /// found at `base`). As in Guile 3, the repetition is indexed from the
    /// start of the string: `start` and `end` only set its period.
    private static func cyclic(_ who: String, _ args: [Value], base: Int) throws -> [Unicode.Scalar] {
        let s = try TextArguments.string(args, base, who)
        let from = try args[base + 1].expectFixnum(who, base + 2)
        let range = try TextArguments.range(args, at: base + 3, length: s.scalars.count, who: who)
        var to = from
        if args.count > base + 2 {
            to = try args[base + 2].expectFixnum(who, base + 3)
        } else {
            let (sum, overflow) = from.addingReportingOverflow(range.count)
            guard !overflow else { throw SchemeError.outOfRange(procedure: who, position: base + 2, got: args[base + 1]) }
            to = sum
        }
        let (count, overflow) = to.subtractingReportingOverflow(from)
        guard !overflow, count >= 0, count <= TextArguments.maximumLength else {
            throw SchemeError.outOfRange(procedure: who, position: base + 3, got: args.count > base + 2 ? args[base + 2] : .fixnum(to))
        }
        if count == 0 { return [] }
        guard !range.isEmpty else {
            throw SchemeError(.misc, who: who, message: "in procedure \(who): start and end indices must not be equal")
        }
        let period = range.count
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(count)
        var offset = ((from % period) + period) % period
        for _ in 0..<count {
            result.append(s.scalars[offset])
            offset += 1
            if offset == period { offset = 0 }
        }
        return result
    }

    private static func installSRFI13Cyclic(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("xsubstring", arity: 2, 5) { args in TextArguments.make(try cyclic("xsubstring", args, base: 0)) }
        library.define("string-xcopy!", arity: 4, 7) { args in
            let target = try TextArguments.mutableString(args[0], "string-xcopy!", 1)
            let at = try args[1].expectIndex("string-xcopy!", 2)
            let piece = try cyclic("string-xcopy!", args, base: 2)
            guard at <= target.scalars.count, piece.count <= target.scalars.count - at else {
                throw SchemeError.outOfRange(procedure: "string-xcopy!", position: 2, got: args[1])
            }
            // Guile 3 writes at the source's `start` (default 0), not at
            // `tstart`, which it only checks; Cairn does the same.
            let source = try TextArguments.string(args, 2, "string-xcopy!")
            let writeAt = try TextArguments.range(args, at: 5, length: source.scalars.count, who: "string-xcopy!").lowerBound
            guard writeAt <= target.scalars.count, piece.count <= target.scalars.count - writeAt else {
                throw SchemeError.outOfRange(procedure: "string-xcopy!", position: 6, got: args.count > 5 ? args[5] : .fixnum(writeAt))
            }
            target.scalars.replaceSubrange(writeAt..<(writeAt + piece.count), with: piece)
            return .unspecified
        }
        library.define("string-reverse!", arity: 1, 3) { args in
            let s = try TextArguments.mutableString(args[0], "string-reverse!", 1)
            let range = try TextArguments.range(args, at: 1, length: s.scalars.count, who: "string-reverse!")
            s.scalars[range].reverse()
            return .unspecified
        }
        library.define("string-map!", arity: 2, 4) { args in
            let s = try TextArguments.mutableString(args[1], "string-map!", 2)
            let range = try TextArguments.range(args, at: 2, length: s.scalars.count, who: "string-map!")
            for i in range where i < s.scalars.count {
                let value = try runtime.apply(args[0], [.char(s.scalars[i])])
                guard case .char(let c) = value else {
                    throw SchemeError.wrongType(procedure: "string-map!", position: 1, expected: "procedure returning a character", got: value)
                }
                // The procedure may have shortened the string; re-check before writing.
                guard i < s.scalars.count else { break }
                s.scalars[i] = c
            }
            return .unspecified
        }
    }

    // MARK: Conversions

    private static func installStringConversions(into library: inout LibraryBuilder) {
        library.define("string->vector", arity: 1, 3) { args in
            let s = try TextArguments.string(args, 0, "string->vector")
            let range = try TextArguments.range(args, at: 1, length: s.scalars.count, who: "string->vector")
            return .vector(SVector(s.scalars[range].map { .char($0) }))
        }
        library.define("vector->string", arity: 1, 3) { args in
            let vector = try args[0].expectVector("vector->string", 1)
            let range = try ListSupport.range(args, startAt: 1, count: vector.elements.count, "vector->string")
            var scalars: [Unicode.Scalar] = []
            scalars.reserveCapacity(range.count)
            for element in vector.elements[range] {
                guard case .char(let c) = element else {
                    throw SchemeError.wrongType(procedure: "vector->string", position: 1, expected: "character", got: element)
                }
                scalars.append(c)
            }
            return .string(SString(scalars: scalars))
        }
        library.define("reverse-list->string") { list in
            var scalars: [Unicode.Scalar] = []
            for element in try list.expectList("reverse-list->string", 1) {
                guard case .char(let c) = element else {
                    throw SchemeError.wrongType(procedure: "reverse-list->string", position: 1, expected: "character", got: element)
                }
                scalars.append(c)
            }
            return .string(SString(scalars: scalars.reversed()))
        }
    }
}
