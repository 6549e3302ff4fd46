import Basics
import Glibc
import StoreFormats

/// Which files differ between two trees (for `--check`): paths relative to
/// the roots, with what differs. Bounded, since a user reads it.
enum TreeComparison {
    static let limit = 20

    static func differences(_ first: String, _ second: String) -> [String] {
        let a = describe(first)
        let b = describe(second)
        var result: [String] = []
        for name in Set(a.keys).union(b.keys).sorted() where a[name] != b[name] {
            let shown = name.isEmpty ? "(the output itself)" : name
            switch (a[name], b[name]) {
            case (nil, _): result.append("\(shown) (only in the new result)")
            case (_, nil): result.append("\(shown) (only in the registered output)")
            default: result.append(shown)
            }
            if result.count == limit {
                result.append("…")
                break
            }
        }
        return result
    }

    /// Relative path -> a summary of the entry (kind, executable bit and a
    /// content hash, or a symlink's target).
    private static func describe(_ root: String) -> [String: String] {
        var result: [String: String] = [:]
        var pending = [""]
        while let relative = pending.popLast() {
            let path = relative.isEmpty ? root : root + "/" + relative
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            switch FileSystem.kind(of: st) {
            case .directory:
                result[relative] = "directory"
                for name in (try? FileSystem.entryNames(ofDirectory: path)) ?? [] {
                    pending.append(relative.isEmpty ? name : relative + "/" + name)
                }
            case .regular:
                let digest = (try? FileSystem.readFile(path)).map { Hash.compute(.sha256, of: $0).encoded(.base16) } ?? "?"
                result[relative] = "file \(st.st_mode & 0o111 != 0 ? "x" : "-") \(digest)"
            case .symlink:
                result[relative] = "symlink " + ((try? FileSystem.readLink(path)) ?? "?")
            case .other:
                result[relative] = "other"
            }
        }
        return result
    }
}
