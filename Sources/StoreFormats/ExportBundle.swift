/// What follows each NAR in an export bundle: the item's path, references
/// and deriver, which the importing store registers.
package struct ExportTrailer: Equatable, Sendable {
    package var path: StorePath
    package var references: [StorePath]
    package var deriver: StorePath?

    package init(path: StorePath, references: [StorePath], deriver: StorePath?) {
        self.path = path
        self.references = references
        self.deriver = deriver
    }
}

/// The `nix-store --export` format. A bundle is, for each item,
///
///     u64 1, NAR, u64 0x4558494e ("NIXE"), path, u64 n, n reference paths,
///     deriver path or "", u64 0 (no signature)
///
/// and then u64 0. Paths are absolute, so a bundle only imports into a store
/// with the same store directory (the paths' hashes depend on it anyway).
package enum ExportBundle {
    package static let magic: UInt64 = 0x4558_494e
    /// Longer than any valid absolute store path could sensibly be; guards
    /// the allocation for a corrupt length.
    static let maxPathLength = 4096
    /// Nix ignores the legacy signature; it is read only to skip it.
    static let maxSignatureLength = 64 * 1024

    package static func writeItemStart(_ sink: ByteSink) throws {
        try write(u64: 1, to: sink)
    }

    package static func writeTrailer(_ trailer: ExportTrailer, storeDirectory: StoreDirectory, to sink: ByteSink) throws {
        var output = [UInt8]()
        WireFormat.append(magic, to: &output)
        WireFormat.append(string: Array(trailer.path.absolute(in: storeDirectory).utf8), to: &output)
        // Sorted, as Nix writes its reference sets, so equal items give
        // byte-identical bundles.
        let references = trailer.references.sorted()
        WireFormat.append(UInt64(references.count), to: &output)
        for reference in references {
            WireFormat.append(string: Array(reference.absolute(in: storeDirectory).utf8), to: &output)
        }
        WireFormat.append(string: Array((trailer.deriver?.absolute(in: storeDirectory) ?? "").utf8), to: &output)
        WireFormat.append(0, to: &output)
        try output.withUnsafeBytes { try sink($0) }
    }

    package static func writeEnd(_ sink: ByteSink) throws {
        try write(u64: 0, to: sink)
    }

    private static func write(u64 value: UInt64, to sink: ByteSink) throws {
        try withUnsafeBytes(of: value.littleEndian) { try sink($0) }
    }

    /// Reads the marker before an item: true when a NAR follows, false at
    /// the end of the bundle.
    package static func readItemStart<S>(_ reader: inout ByteReader<S>) throws -> Bool {
        let marker = try translatingErrors { try reader.readU64() }
        switch marker {
        case 1: return true
        case 0: return false
        default:
            throw FormatError.invalidExportBundle(
                "not a bundle made by 'cairn archive --export' or 'nix-store --export' "
                    + "(item marker \(marker) at byte \(reader.bytesConsumed - 8))")
        }
    }

    /// Reads the trailer after an item's NAR, checking that every path
    /// belongs to `storeDirectory`.
    package static func readTrailer<S>(_ reader: inout ByteReader<S>, storeDirectory: StoreDirectory) throws -> ExportTrailer {
        try translatingErrors {
            let offset = reader.bytesConsumed
            let marker = try reader.readU64()
            guard marker == magic else {
                throw FormatError.invalidExportBundle(
                    "expected the 'NIXE' marker after the archive at byte \(offset), found 0x\(String(marker, radix: 16))")
            }
            let path = try readPath(&reader, storeDirectory: storeDirectory)
            let count = try reader.readU64()
            var references = [StorePath]()
            // Every reference takes at least 8 bytes of input, so a corrupt
            // count fails at the end of data; only the reservation needs a cap.
            references.reserveCapacity(Int(min(count, 1024)))
            for _ in 0..<count {
                references.append(try readPath(&reader, storeDirectory: storeDirectory))
            }
            let deriverText = try reader.readString(maxLength: maxPathLength)
            let deriver = deriverText.isEmpty ? nil : try parse(deriverText, storeDirectory: storeDirectory)
            switch try reader.readU64() {
            case 0:
                break
            case 1:
                // Legacy signature from old Nix versions: skipped, as Nix does.
                _ = try reader.readString(maxLength: maxSignatureLength)
            case let other:
                throw FormatError.invalidExportBundle("unexpected signature marker \(other) after '\(path)'")
            }
            return ExportTrailer(path: path, references: references, deriver: deriver)
        }
    }

    private static func readPath<S>(_ reader: inout ByteReader<S>, storeDirectory: StoreDirectory) throws -> StorePath {
        try parse(try reader.readString(maxLength: maxPathLength), storeDirectory: storeDirectory)
    }

    private static func parse(_ bytes: [UInt8], storeDirectory: StoreDirectory) throws -> StorePath {
        try storeDirectory.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// Restates wire-level failures in terms of the bundle.
    private static func translatingErrors<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as ByteReaderError {
            switch error {
            case .unexpectedEnd(let offset):
                throw FormatError.invalidExportBundle("it ends at byte \(offset) before the end marker (truncated?)")
            default:
                throw FormatError.invalidExportBundle(error.message)
            }
        }
    }
}
