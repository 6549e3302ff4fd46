/// Sizes as users write and read them ("10G", "500MiB", "1.5 GiB").
package enum ByteCount {
    /// Parses a number of bytes with an optional unit: K, M, G, T (and KiB…TiB)
    /// are powers of 1024; KB, MB, GB, TB are powers of 1000, as in Guix.
    package static func parse(_ text: String) -> UInt64? {
        let trimmed = text.trimmingSpaces()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard !digits.isEmpty, let value = Double(digits), value >= 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingSpaces().uppercased()
        let factor: Double
        switch unit {
        case "", "B": factor = 1
        case "K", "KIB": factor = 1024
        case "M", "MIB": factor = 1024 * 1024
        case "G", "GIB": factor = 1024 * 1024 * 1024
        case "T", "TIB": factor = 1024 * 1024 * 1024 * 1024
        case "P", "PIB": factor = 1024 * 1024 * 1024 * 1024 * 1024
        case "KB": factor = 1e3
        case "MB": factor = 1e6
        case "GB": factor = 1e9
        case "TB": factor = 1e12
        case "PB": factor = 1e15
        default: return nil
        }
        let bytes = value * factor
        guard bytes < Double(UInt64.max) else { return nil }
        return UInt64(bytes.rounded())
    }

    /// "12.3 MiB" style, for reports.
    package static func format(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        return "\(rounded) \(units[unit])"
    }
}

extension StringProtocol {
    package func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed())
    }
}
