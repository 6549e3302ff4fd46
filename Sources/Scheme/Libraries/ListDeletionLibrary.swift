/// Guile's core deletion procedures: `delq`, `delv` (fresh lists, like
/// SRFI-1 `delete`), and the destructive `delq!`, `delv!`, `delq1!`,
/// `delv1!`, `delete1!`, which splice the matching pairs out of the argument.
extension Libraries {
    static func installListDeletion(into library: inout LibraryBuilder) {
        library.define("delq") { item, list in try deleteCopying(list, "delq") { $0.isEq(item) } }
        library.define("delv") { item, list in try deleteCopying(list, "delv") { $0.isEqv(item) } }
        library.define("delq!") { item, list in try deleteInPlace(list, "delq!", firstOnly: false) { $0.isEq(item) } }
        library.define("delv!") { item, list in try deleteInPlace(list, "delv!", firstOnly: false) { $0.isEqv(item) } }
        library.define("delq1!") { item, list in try deleteInPlace(list, "delq1!", firstOnly: true) { $0.isEq(item) } }
        library.define("delv1!") { item, list in try deleteInPlace(list, "delv1!", firstOnly: true) { $0.isEqv(item) } }
        library.define("delete1!") { item, list in
            try deleteInPlace(list, "delete1!", firstOnly: true) { $0.isEqual(item) }
        }
    }

    /// A fresh list of the elements of the proper list `list` that do not match.
    private static func deleteCopying(_ list: Value, _ who: String, matches: (Value) -> Bool) throws -> Value {
        var builder = ListBuilder()
        for element in try ListSupport.elements(list, who, 2) where !matches(element) { builder.append(element) }
        return builder.finish()
    }

    /// Unlinks the matching pairs (only the first with `firstOnly`) and returns
    /// the list's new head. The list is checked first so that an improper
    /// list is an error, not half edited.
    private static func deleteInPlace(_ list: Value, _ who: String, firstOnly: Bool, matches: (Value) -> Bool) throws -> Value {
        _ = try ListSupport.elementsCount(list, who, 2)
        var head = list
        var previous: Pair?
        var current = list
        while case .pair(let pair) = current {
            current = pair.cdr
            if matches(pair.car) {
                if let previous { previous.cdr = pair.cdr } else { head = pair.cdr }
                if firstOnly { break }
            } else {
                previous = pair
            }
        }
        return head
    }
}
