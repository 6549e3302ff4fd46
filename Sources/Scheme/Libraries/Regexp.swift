#if canImport(Glibc)
import Glibc
#endif

/// A compiled POSIX regular expression. Guile runs the C library's engine on
/// the UTF-8 form of the text, and so does Cairn, so that patterns behave
/// identically; offsets are converted between bytes and characters here.
package final class Regexp: SchemeObject {
    package let pattern: String
    private let compiled: UnsafeMutablePointer<regex_t>
    /// Capture groups in the pattern, not counting the whole match.
    let groupCount: Int

    /// Compiles `pattern` with `regcomp` flags; throws regcomp's message on a bad pattern.
    package init(pattern: String, flags: Int32) throws {
        self.pattern = pattern
        compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        guard !pattern.utf8.contains(0) else {
            compiled.deallocate()
            throw SchemeError(.misc, who: "make-regexp", message: "in procedure make-regexp: pattern contains a NUL character",
                              irritants: [.string(pattern)])
        }
        let target = compiled
        let code = UTF8Locale.run { regcomp(target, pattern, flags) }
        guard code == 0 else {
            let message = Regexp.message(code, target)
            compiled.deallocate()
            throw SchemeError(.misc, who: "make-regexp", message: "in procedure make-regexp: \(message)", irritants: [.string(pattern)])
        }
        groupCount = Int(compiled.pointee.re_nsub)
    }

    deinit {
        regfree(compiled)
        compiled.deallocate()
    }

    package override var typeName: String { "regexp" }

    private static func message(_ code: Int32, _ regex: UnsafeMutablePointer<regex_t>) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = regerror(code, regex, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Matches against `subject` starting at character `start`; the groups are
    /// character ranges in the whole string, nil for groups that did not take part.
    func execute(_ subject: RegexSubject, from start: Int, flags: Int32) -> [Range<Int>?]? {
        let byteStart = subject.byteOffset(ofScalar: start)
        let length = subject.bytes.count - 1 - byteStart
        guard length >= 0, length <= Int(Int32.max) else { return nil }
        var groups = [regmatch_t](repeating: regmatch_t(), count: groupCount + 1)
        groups[0].rm_so = 0
        groups[0].rm_eo = regoff_t(length)
        let regex = compiled
        // REG_STARTEND bounds the search by length, so NUL characters in the
        // text do not end it early; the text starts at `start`, so `^` matches
        // there as it does in Guile.
        let code = subject.bytes.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return 1 }
            return UTF8Locale.run { regexec(regex, base + byteStart, groups.count, &groups, flags | REG_STARTEND) }
        }
        guard code == 0 else { return nil }
        return groups.map { group in
            guard group.rm_so >= 0, group.rm_eo >= group.rm_so else { return nil }
            let lower = subject.scalarIndex(ofByte: byteStart + Int(group.rm_so))
            let upper = subject.scalarIndex(ofByte: byteStart + Int(group.rm_eo))
            return lower <= upper ? lower..<upper : nil
        }
    }
}

/// The result of a successful match: the subject string and the character
/// range of each group.
package final class RegexMatch: SchemeObject {
    package let string: SString
    package let groups: [Range<Int>?]

    init(string: SString, groups: [Range<Int>?]) {
        self.string = string
        self.groups = groups
    }

    package override var typeName: String { "regexp-match" }

    var whole: Range<Int> { groups.first.flatMap { $0 } ?? 0..<0 }

    func substring(_ range: Range<Int>) -> Value {
        let scalars = string.scalars
        let lower = min(range.lowerBound, scalars.count)
        let upper = min(max(range.upperBound, lower), scalars.count)
        return TextArguments.make(scalars[lower..<upper])
    }
}

/// A string prepared for matching: its UTF-8 bytes (NUL-terminated) and the
/// map between character indices and byte offsets. ASCII text needs no map.
struct RegexSubject {
    let string: SString
    let bytes: [CChar]
    /// Byte offset of each character plus one final entry; empty for ASCII text.
    private let offsets: [Int]

    init(_ string: SString) {
        self.string = string
        var bytes: [CChar] = []
        bytes.reserveCapacity(string.scalars.count + 1)
        var offsets: [Int] = []
        var isASCII = true
        for (i, scalar) in string.scalars.enumerated() {
            if !scalar.isASCII, isASCII {
                isASCII = false
                offsets = Array(0..<i)
            }
            if !isASCII { offsets.append(bytes.count) }
            for unit in UTF8.encode(scalar) ?? UTF8.EncodedScalar() { bytes.append(CChar(bitPattern: unit)) }
        }
        if !isASCII { offsets.append(bytes.count) }
        bytes.append(0)
        self.bytes = bytes
        self.offsets = offsets
    }

    var characterCount: Int { string.scalars.count }

    func byteOffset(ofScalar index: Int) -> Int {
        guard !offsets.isEmpty else { return index }
        return offsets[max(0, min(index, offsets.count - 1))]
    }

    /// The character starting at byte `offset` (offsets from regexec always fall on character boundaries).
    func scalarIndex(ofByte offset: Int) -> Int {
        guard !offsets.isEmpty else { return offset }
        var low = 0
        var high = offsets.count - 1
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// glibc's regex engine reads multi-byte text according to the thread's
/// locale. A process that never called `setlocale` is in the "C" locale,
/// where `.` would match a single byte of "λ"; matching runs under a UTF-8
/// locale for the calling thread only, leaving the process locale alone.
enum UTF8Locale {
    private final class Handle: @unchecked Sendable {
        let locale: locale_t?
        init() {
            // LC_CTYPE_MASK is 1 << LC_CTYPE in glibc.
            let mask = Int32(1) << LC_CTYPE
            locale = newlocale(mask, "C.UTF-8", nil) ?? newlocale(mask, "C.utf8", nil) ?? newlocale(mask, "en_US.UTF-8", nil)
        }
    }

    private static let handle = Handle()

    static func run<T>(_ body: () -> T) -> T {
        guard let locale = handle.locale else { return body() }
        let previous = uselocale(locale)
        defer { uselocale(previous) }
        return body()
    }
}
