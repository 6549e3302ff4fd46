
/// Every failure in reading, expanding or running Scheme. Runtime errors are
/// catchable by `guard` and `with-exception-handler`, which see them as
/// condition objects (see `Condition`); `raise` of any other object travels as
/// `kind == .raise` with the object in `payload`.
package struct SchemeError: Error, @unchecked Sendable {
    package enum Kind: String, Sendable {
        case read = "read-error"
        case syntax = "syntax-error"
        case unboundVariable = "unbound-variable"
        case wrongNumberOfArguments = "wrong-number-of-args"
        case wrongType = "wrong-type-arg"
        case outOfRange = "out-of-range"
        /// `(error "message" irritant …)`, and primitives' other failures.
        case misc = "misc-error"
        case assertion = "assertion-failure"
        /// `(raise obj)` of an object that is not a condition made by Cairn.
        case raise = "raise"
        case stackOverflow = "stack-overflow"
        case system = "system-error"
        case module = "module-error"
        /// `(exit)`: not an error, unwinds to the top level.
        case exit = "exit"
        /// Guile's `(throw key arg …)`: `payload` is `(key arg …)`.
        case thrown = "throw"
    }

    package struct Frame: @unchecked Sendable {
        package let procedure: String?
        package let location: SourceLocation?
        package let expression: Value?
        package init(procedure: String?, location: SourceLocation?, expression: Value?) {
            self.procedure = procedure
            self.location = location
            self.expression = expression
        }
    }

    package var kind: Kind
    /// The procedure or form that reported the error (Guile's "who"), if any.
    package var who: String?
    package var message: String
    package var irritants: [Value]
    package var payload: Value?
    package var isContinuable = false
    package var location: SourceLocation?
    package var expression: Value?
    package var hint: String?
    /// Innermost first, at most a couple of dozen entries.
    package var backtrace: [Frame] = []
    /// Backtrace entries left out to keep deep recursions cheap.
    package var omittedFrames = 0
    /// Handlers at this depth of the handler stack and deeper have seen the
    /// error already (it was raised inside one of them).
    package var handlerBarrier = Int.max
    /// Reported at the top-level form being evaluated when neither the
    /// position nor the backtrace is in that form's file: a refusal deep in
    /// a channel's `local-file` then names the manifest line that asked.
    package var reportsAtToplevelForm = false

    package init(
        _ kind: Kind, who: String? = nil, message: String, irritants: [Value] = [],
        payload: Value? = nil, location: SourceLocation? = nil, expression: Value? = nil, hint: String? = nil
    ) {
        self.kind = kind
        self.who = who
        self.message = message
        self.irritants = irritants
        self.payload = payload
        self.location = location
        self.expression = expression
        self.hint = hint
    }

    package static func read(_ message: String, at location: SourceLocation?, hint: String? = nil) -> SchemeError {
        SchemeError(.read, message: message, location: location, hint: hint)
    }

    package static func syntax(_ message: String, form: Value?, hint: String? = nil) -> SchemeError {
        SchemeError(.syntax, message: message, location: form?.asPair?.location, expression: form, hint: hint)
    }

    /// `position` is 1-based, as in Guile's "Wrong type argument in position 1".
    package static func wrongType(procedure: String, position: Int, expected: String, got: Value) -> SchemeError {
        SchemeError(
            .wrongType, who: procedure,
            message: "in procedure \(procedure): wrong type argument in position \(position) (expecting \(expected)): \(got.written(limit: 60))",
            irritants: [got])
    }

    package static func outOfRange(procedure: String, position: Int, got: Value) -> SchemeError {
        SchemeError(
            .outOfRange, who: procedure,
            message: "in procedure \(procedure): argument out of range in position \(position): \(got.written(limit: 60))",
            irritants: [got])
    }

    package static func wrongArgumentCount(procedure: String, expected: String, given: Int) -> SchemeError {
        SchemeError(
            .wrongNumberOfArguments, who: procedure,
            message: "wrong number of arguments to \(procedure): expected \(expected), given \(given)")
    }

    /// What `(error message irritant …)` raises.
    package static func error(_ message: String, irritants: [Value] = [], who: String? = nil) -> SchemeError {
        SchemeError(.misc, who: who, message: message, irritants: irritants)
    }

    package static func unbound(_ name: String, hint: String? = nil) -> SchemeError {
        SchemeError(.unboundVariable, message: "unbound variable: \(name)", irritants: [.symbol(name)], hint: hint)
    }
}

