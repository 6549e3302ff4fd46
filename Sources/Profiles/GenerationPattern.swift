/// Guix's generation patterns, for `-l` and `-d`: `N`, `N..M`, `N..`, `..M`,
/// comma-separated lists of those, or an age (`2d`, `3w`, `1m`: generations
/// older than that many days, weeks or months).
package enum GenerationPattern {
    package static func select(_ pattern: String, from generations: [Profile.Generation], now: Int) throws -> [Profile.Generation] {
        let text = trimmed(pattern)
        if let unit = text.last, "dwm".contains(unit), let count = Int(text.dropLast()), count >= 0 {
            let seconds = count * (unit == "d" ? 86_400 : unit == "w" ? 7 * 86_400 : 30 * 86_400)
            return generations.filter { $0.time < now - seconds }
        }
        var ranges: [ClosedRange<Int>] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let piece = trimmed(String(part))
            if let dots = piece.firstRange(of: "..") {
                let low = piece[..<dots.lowerBound], high = piece[dots.upperBound...]
                guard low.isEmpty || Int(low) != nil, high.isEmpty || Int(high) != nil, !(low.isEmpty && high.isEmpty) else {
                    throw ProfileError.badPattern(pattern)
                }
                let from = Int(low) ?? Int.min, to = Int(high) ?? Int.max
                guard from <= to else { throw ProfileError.badPattern(pattern) }
                ranges.append(from...to)
            } else if let number = Int(piece) {
                ranges.append(number...number)
            } else {
                throw ProfileError.badPattern(pattern)
            }
        }
        return generations.filter { generation in ranges.contains { $0.contains(generation.number) } }
    }

    private static func trimmed(_ text: String) -> String {
        String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    /// The generation `-S` names: `N`, or `+N`/`-N` relative to `current`.
    package static func target(_ text: String, current: Int?) throws -> Int {
        if let first = text.first, first == "+" || first == "-", let offset = Int(text.dropFirst()) {
            guard let current else { throw ProfileError.badPattern(text) }
            return first == "+" ? current + offset : current - offset
        }
        guard let number = Int(text) else { throw ProfileError.badPattern(text) }
        return number
    }
}
