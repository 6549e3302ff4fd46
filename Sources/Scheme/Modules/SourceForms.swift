/// The top-level forms of a source file, handed out one at a time: a module
/// or script runs each form as it comes, and the data of a form that has run
/// can be freed before the next is decoded, instead of every form of a large
/// module staying alive until its last one has run.
package struct SourceForms {
    private let nextForm: () throws -> Value?

    package init(next: @escaping () throws -> Value?) {
        nextForm = next
    }

    /// Forms already read; each is let go as it is handed out.
    package init(_ forms: [Value]) {
        let box = FormsBox(forms)
        nextForm = { box.next() }
    }

    /// The next form, or nil after the last.
    package func next() throws -> Value? { try nextForm() }

    /// Runs `body` on every form in order.
    package func forEach(_ body: (Value) throws -> Void) throws {
        while let form = try next() { try body(form) }
    }
}

private final class FormsBox {
    private var forms: [Value]
    private var index = 0

    init(_ forms: [Value]) { self.forms = forms }

    func next() -> Value? {
        guard index < forms.count else { return nil }
        defer { index += 1 }
        let form = forms[index]
        forms[index] = .null
        return form
    }
}
