/// "did you mean …?" for unbound variables: the closest names the module can see.
package enum UnboundHints {
    package static func error(for cell: GlobalCell) -> SchemeError {
        let name = cell.name.name
        var candidates = Set<String>()
        for (symbol, other) in cell.module.table where other.isBound { candidates.insert(symbol.name) }
        for interface in cell.module.imports {
            for symbol in interface.visibleNames { candidates.insert(symbol.name) }
        }
        let suggestions = nearest(to: name, among: candidates)
        var hint: String?
        if !suggestions.isEmpty {
            hint = "did you mean " + suggestions.map { "`\($0)`" }.joined(separator: " or ") + "?"
        }
        var error = SchemeError.unbound(name, hint: hint)
        error.who = nil
        return error
    }

    /// Up to three names within a small edit distance, closest first.
    package static func nearest(to name: String, among candidates: Set<String>, limit: Int = 3) -> [String] {
        let target = Array(name.unicodeScalars)
        let threshold = max(1, min(3, target.count / 3))
        var scored: [(Int, String)] = []
        for candidate in candidates where candidate != name {
            let other = Array(candidate.unicodeScalars)
            if abs(other.count - target.count) > threshold { continue }
            let distance = editDistance(target, other)
            if distance <= threshold, distance < target.count { scored.append((distance, candidate)) }
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        // Only the closest names: a typo one edit away should not be drowned
        // by names three edits away.
        guard let best = scored.first?.0 else { return [] }
        return scored.prefix { $0.0 == best }.prefix(limit).map(\.1)
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
