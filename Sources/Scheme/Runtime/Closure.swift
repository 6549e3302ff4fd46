/// Compiled code: evaluates one expression in a frame.
///
/// The hot forms (references, constants, `if`, calls, `let`) are dedicated
/// node classes: a virtual call on an object whose children are `let`
/// properties costs no reference counting, where calling a Swift closure
/// held in another closure's context retains and releases that context.
/// The other forms wrap a closure in a `ClosureNode`.
package struct Code {
    package let node: Node
    @inline(__always) package init(_ run: @escaping (Frame) throws -> Value) { node = ClosureNode(run) }
    @inline(__always) package init(node: Node) { self.node = node }
    @inline(__always) package func callAsFunction(_ frame: Frame) throws -> Value { try node.run(frame) }
}

/// One compiled expression.
package class Node {
    package func run(_ frame: Frame) throws -> Value { .unspecified }
}

final class ClosureNode: Node {
    let body: (Frame) throws -> Value
    init(_ body: @escaping (Frame) throws -> Value) { self.body = body }
    override func run(_ frame: Frame) throws -> Value { try body(frame) }
}

/// The compiled form of a `lambda`: shared by every closure made from it.
package final class LambdaTemplate {
    package let name: String?
    package let location: SourceLocation?
    package let required: Int
    /// Default-value code for each `#:optional` parameter (nil: `#f`), run in
    /// the new frame so it sees earlier parameters.
    package let optionals: [Code?]
    package let hasRest: Bool
    /// `#:key` parameters: the keyword, and default code.
    package let keywords: [(keyword: Symbol, defaultValue: Code?)]
    package let allowOtherKeys: Bool
    package var frameSize = 0
    package var body = Code { _ in .unspecified }

    package init(
        name: String?, location: SourceLocation?, required: Int, optionals: [Code?] = [],
        hasRest: Bool = false, keywords: [(keyword: Symbol, defaultValue: Code?)] = [], allowOtherKeys: Bool = false
    ) {
        self.name = name
        self.location = location
        self.required = required
        self.optionals = optionals
        self.hasRest = hasRest
        self.keywords = keywords
        self.allowOtherKeys = allowOtherKeys
    }

    /// Only required parameters: the call sites fill the frame directly.
    package var isSimple: Bool { optionals.isEmpty && !hasRest && !takesKeywords }

    /// `#:key` names, or `#:allow-other-keys` alone (a phase procedure that
    /// takes every keyword argument and uses none).
    package var takesKeywords: Bool { !keywords.isEmpty || allowOtherKeys }

    package var arityDescription: String {
        if isSimple { return "\(required)" }
        if hasRest || takesKeywords { return "at least \(required)" }
        return "\(required) to \(required + optionals.count)"
    }
}

/// A procedure made by evaluating a `lambda`.
package final class Closure: Procedure {
    package let template: LambdaTemplate
    package let captured: Frame?

    @inline(__always) package init(template: LambdaTemplate, captured: Frame?) {
        self.template = template
        self.captured = captured
        super.init(name: template.name, kind: .closure)
    }

    package override func invoke(_ arguments: [Value], in runtime: Runtime) throws -> Value {
        try runtime.run(self, makeFrame(arguments))
    }

    /// Binds `arguments` to a new frame following the lambda list.
    package func makeFrame(_ arguments: [Value]) throws -> Frame {
        let t = template
        let frame = Frame.make(parent: captured, count: t.frameSize)
        if t.isSimple {
            guard arguments.count == t.required else { throw arityError(given: arguments.count) }
            for i in 0..<arguments.count { frame[i] = arguments[i] }
            return frame
        }
        guard arguments.count >= t.required else { throw arityError(given: arguments.count) }
        for i in 0..<t.required { frame[i] = arguments[i] }
        var next = t.required
        var slot = t.required
        for defaultCode in t.optionals {
            if next < arguments.count, !t.takesKeywords || !arguments[next].isKeyword {
                frame[slot] = arguments[next]
                next += 1
            } else {
                frame[slot] = try defaultCode?(frame) ?? .false
            }
            slot += 1
        }
        if !t.takesKeywords && !t.hasRest && next < arguments.count { throw arityError(given: arguments.count) }
        let restSlot = t.hasRest ? slot : -1
        if t.hasRest {
            frame[slot] = Value.list(Array(arguments[next...]))
            slot += 1
        }
        if t.takesKeywords {
            var given = [Value?](repeating: nil, count: t.keywords.count)
            var index = next
            while index < arguments.count {
                guard case .keyword(let key) = arguments[index] else {
                    if restSlot >= 0 { index += 1; continue }
                    throw SchemeError(.misc, who: name, message: "invalid keyword argument \(arguments[index].written(limit: 40)) in call to \(name ?? "anonymous procedure")", irritants: [arguments[index]])
                }
                guard index + 1 < arguments.count else {
                    throw SchemeError(.misc, who: name, message: "keyword argument #:\(key.name) lacks a value in call to \(name ?? "anonymous procedure")")
                }
                if let position = t.keywords.firstIndex(where: { $0.keyword === key }) {
                    given[position] = arguments[index + 1]
                } else if !t.allowOtherKeys {
                    let known = t.keywords.map { "#:" + $0.keyword.name }.joined(separator: " ")
                    throw SchemeError(.misc, who: name, message: "unrecognized keyword #:\(key.name) in call to \(name ?? "anonymous procedure")", irritants: [.keyword(key)], hint: known.isEmpty ? nil : "it accepts \(known)")
                }
                index += 2
            }
            for (position, keyword) in t.keywords.enumerated() {
                frame[slot] = try given[position] ?? keyword.defaultValue?(frame) ?? .false
                slot += 1
            }
        }
        return frame
    }

    package func arityError(given: Int) -> SchemeError {
        SchemeError.wrongArgumentCount(procedure: name ?? "anonymous procedure", expected: template.arityDescription, given: given)
    }
}

extension Value {
    @inline(__always) package var isKeyword: Bool { if case .keyword = self { return true }; return false }
}

/// Returned by code in tail position after it stored the callee in the
/// runtime; the innermost non-tail call loops on it, so tail calls use no
/// native stack.
package final class TailCallMarker: SchemeObject {
    package override var typeName: String { "tail-call" }
}

extension Runtime {
    /// Runs a closure body and every tail call it makes.
    @inline(__always) package func run(_ closure: Closure, _ frame: Frame) throws -> Value {
        try StackGuard.check()
        try consumeFuel()
        var template = closure.template
        var frame = frame
        while true {
            let result = try template.body(frame)
            if case .object(let object) = result, object === tailMarker {
                guard let nextClosure = pendingClosure, let nextFrame = pendingFrame else { return .unspecified }
                pendingClosure = nil
                pendingFrame = nil
                template = nextClosure.template
                frame = nextFrame
                try consumeFuel()
                continue
            }
            return result
        }
    }

    /// Calls `procedure` with the arguments, looping over tail calls.
    @inline(__always) package func call(_ procedure: Procedure, _ arguments: [Value]) throws -> Value {
        if procedure.kind == .closure {
            let closure = unsafeDowncast(procedure, to: Closure.self)
            return try run(closure, closure.makeFrame(arguments))
        }
        if procedure.kind == .primitive { return try unsafeDowncast(procedure, to: Primitive.self).call(arguments) }
        return try procedure.invoke(arguments, in: self)
    }
}

extension Runtime {
    /// Counts procedure calls against `fuel`, so that a host (the fuzzer, a
    /// time-boxed evaluation) can stop a program that would run forever.
    @inline(__always) package func consumeFuel() throws {
        fuel &-= 1
        if fuel < 0 {
            fuel = 0
            throw SchemeError(.misc, message: "evaluation step limit reached", hint: "the program ran longer than the host allows")
        }
    }
}
