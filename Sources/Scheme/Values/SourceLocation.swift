import Synchronization

/// A file the reader has read, shared by every location in it.
package final class SourceFile: @unchecked Sendable {
    /// The name shown in messages: the path as the user gave it, or a label
    /// such as `<repl>` or `<command-line>`.
    package let name: String
    /// The text, kept so that errors can quote the offending line.
    package let text: String?

    /// This file's number in `SourceFiles`, by which pairs name it.
    package private(set) var number: UInt32 = 0

    /// An unregistered file gives its pairs no location (and is not kept
    /// for the life of the process): for text read again and again, such as
    /// what `read` takes from a port.
    package init(name: String, text: String? = nil, registered: Bool = true) {
        self.name = name
        self.text = text
        if registered { number = SourceFiles.register(self) }
    }

    /// The datum written at `line`:`column` (1-based; columns count Unicode
    /// scalars), read again from the text: compiled calls keep only their
    /// position, and an error report asks for the expression this way.
    package func datum(line: Int, column: Int) -> Value? {
        guard let text, line >= 1, column >= 1 else { return nil }
        let utf8 = text.utf8
        var start = utf8.startIndex
        for _ in 1..<line {
            guard let newline = utf8[start...].firstIndex(of: 0x0A) else { return nil }
            start = utf8.index(after: newline)
        }
        var scalars = text.unicodeScalars[start...].makeIterator()
        var offset = 0
        for _ in 1..<column {
            guard let scalar = scalars.next(), scalar != "\n" else { return nil }
            offset += UTF8.width(scalar)
        }
        guard let from = utf8.index(start, offsetBy: offset, limitedBy: utf8.endIndex) else { return nil }
        // A call is rarely longer than this; a longer one shows no expression.
        let to = utf8.index(from, offsetBy: 1 << 18, limitedBy: utf8.endIndex) ?? utf8.endIndex
        let rest = String(decoding: utf8[from..<to], as: UTF8.self)
        var reader = Reader(text: rest, file: SourceFile(name: name, text: nil, registered: false))
        return (try? reader.read()) ?? nil
    }

    /// The text of line `line` (1-based), if known.
    package func line(_ line: Int) -> String? {
        guard let text, line >= 1 else { return nil }
        var current = 1
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" {
                if current == line { return String(text[start..<index]) }
                current += 1
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        return current == line ? String(text[start...]) : nil
    }
}

/// A position in a source file: 1-based line, 1-based column (Guile shows
/// columns 0-based in some places; Cairn's messages use 1-based like compilers do).
package struct SourceLocation: CustomStringConvertible, @unchecked Sendable {
    package let file: SourceFile
    package let line: Int32
    package let column: Int32

    package init(file: SourceFile, line: Int, column: Int) {
        self.file = file
        self.line = Int32(clamping: line)
        self.column = Int32(clamping: column)
    }

    package var description: String { "\(file.name):\(line):\(column)" }
}

/// Every source file read, by number. A pair keeps its location in 8 bytes
/// (`PackedLocation`) rather than a reference and two integers: pairs are the
/// most numerous objects, and that makes each a 64-byte allocation instead of
/// 80 (lists: 16% faster), with no reference count to keep on the file.
/// Files are therefore kept for the life of the process (with their text,
/// which error messages quote). Reading needs no lock: the table only grows,
/// in chunks that never move, and an entry is written before its number is
/// handed out.
package enum SourceFiles {
    private static let chunkSize = 4096
    private static let chunkCount = 4096
    nonisolated(unsafe) private static let chunks: UnsafeMutablePointer<UnsafeMutablePointer<Unmanaged<SourceFile>>?> = {
        let table = UnsafeMutablePointer<UnsafeMutablePointer<Unmanaged<SourceFile>>?>.allocate(capacity: chunkCount)
        table.initialize(repeating: nil, count: chunkCount)
        return table
    }()
    private static let count = Mutex<Int>(0)

    static func register(_ file: SourceFile) -> UInt32 {
        count.withLock { count in
            // Number 0 means "no location": past the table's end, files get it.
            guard count < min(chunkSize * chunkCount, Int(PackedLocation.maxFile)) else { return 0 }
            let chunk = count / chunkSize
            if chunks[chunk] == nil { chunks[chunk] = .allocate(capacity: chunkSize) }
            chunks[chunk]?.advanced(by: count % chunkSize).initialize(to: .passRetained(file))
            count += 1
            return UInt32(count)
        }
    }

    @inline(__always) static func file(_ number: UInt32) -> SourceFile? {
        guard number > 0 else { return nil }
        let index = Int(number) - 1
        guard index < chunkSize * chunkCount, let chunk = chunks[index / chunkSize] else { return nil }
        return chunk[index % chunkSize].takeUnretainedValue()
    }
}

/// A location in 64 bits: file number (24 bits), line (24), column (16);
/// larger lines and columns are clamped. 0 means none.
package enum PackedLocation {
    static let maxFile: UInt64 = (1 << 24) - 1
    static let maxLine: UInt64 = (1 << 24) - 1
    static let maxColumn: UInt64 = (1 << 16) - 1

    @inline(__always) static func pack(_ location: SourceLocation?) -> UInt64 {
        guard let location, location.file.number != 0 else { return 0 }
        let line = min(UInt64(max(0, location.line)), maxLine)
        let column = min(UInt64(max(0, location.column)), maxColumn)
        return UInt64(location.file.number) << 40 | line << 16 | column
    }

    /// `pack` for a line and column of the file numbered `file` (0: no location).
    @inline(__always) static func pack(file: UInt32, line: UInt64, column: UInt64) -> UInt64 {
        guard file != 0, line != 0 else { return 0 }
        return UInt64(file) << 40 | min(line, maxLine) << 16 | min(column, maxColumn)
    }

    @inline(__always) static func unpack(_ packed: UInt64) -> SourceLocation? {
        guard packed != 0, let file = SourceFiles.file(UInt32(truncatingIfNeeded: packed >> 40)) else { return nil }
        return SourceLocation(file: file, line: Int((packed >> 16) & maxLine), column: Int(packed & maxColumn))
    }
}
