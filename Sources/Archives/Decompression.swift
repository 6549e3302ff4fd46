import CLzma
import CZlib

/// Decompression of archive members, chosen by their magic bytes: gzip (zlib)
/// and xz (liblzma), the two compressions Debian packages use; anything
/// else that is not already a tar archive is refused.
package enum Decompression {
    /// Output beyond this is refused: members are decompressed in memory,
    /// and a small download must not be able to exhaust it.
    package static let limit = 2 << 30

    package static func decompress(_ data: ArraySlice<UInt8>, archive: String, member: String) throws -> [UInt8] {
        if let plain = try decompressed(data, archive: archive) { return plain }
        if member.hasSuffix(".tar") { return Array(data) }
        throw ArchiveError.unsupportedCompression(archive: archive, member: member)
    }

    /// `data` decompressed, or nil when it is neither gzip nor xz.
    package static func decompressed(_ data: ArraySlice<UInt8>, archive: String) throws -> [UInt8]? {
        if data.starts(with: [0x1F, 0x8B]) { return try gunzip(data, archive: archive) }
        if data.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return try unxz(data, archive: archive) }
        return nil
    }

    static func gunzip(_ data: ArraySlice<UInt8>, archive: String) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: a window of 2^15 and a gzip (or zlib) header detected.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ArchiveError.decompression(archive: archive, detail: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        try data.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = UInt32(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                guard output.count <= limit else { throw ArchiveError.decompression(archive: archive, detail: "more than \(limit) bytes") }
                switch status {
                case Z_OK: continue
                case Z_STREAM_END:
                    // Several gzip members in a row decompress to their concatenation.
                    if stream.avail_in == 0 { return }
                    inflateReset(&stream)
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw ArchiveError.truncated(archive: archive, what: "its gzip data")
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw ArchiveError.decompression(archive: archive, detail: detail)
                }
            }
        }
        return output
    }

    /// liblzma's LZMA_CONCATENATED flag (a macro Swift cannot import):
    /// decode every xz stream in the input, as `xz -d` does.
    private static let lzmaConcatenated: UInt32 = 0x08

    static func unxz(_ data: ArraySlice<UInt8>, archive: String) throws -> [UInt8] {
        var stream = lzma_stream()
        guard lzma_stream_decoder(&stream, UInt64.max, lzmaConcatenated) == LZMA_OK else {
            throw ArchiveError.decompression(archive: archive, detail: "liblzma could not start")
        }
        defer { lzma_end(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        try data.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress else { return }
            stream.next_in = base
            stream.avail_in = input.count
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> lzma_ret in
                    stream.next_out = out.baseAddress
                    stream.avail_out = out.count
                    return lzma_code(&stream, LZMA_FINISH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - stream.avail_out)])
                guard output.count <= limit else { throw ArchiveError.decompression(archive: archive, detail: "more than \(limit) bytes") }
                switch status {
                case LZMA_OK: continue
                case LZMA_STREAM_END: return
                case LZMA_BUF_ERROR: throw ArchiveError.truncated(archive: archive, what: "its xz data")
                case LZMA_DATA_ERROR, LZMA_FORMAT_ERROR: throw ArchiveError.decompression(archive: archive, detail: "the xz data is corrupt")
                default: throw ArchiveError.decompression(archive: archive, detail: "liblzma error \(status.rawValue)")
                }
            }
        }
        return output
    }
}
