/// Node classes for the forms every program runs most.

final class ConstantNode: Node {
    let value: Value
    init(_ value: Value) { self.value = value }
    override func run(_ frame: Frame) throws -> Value { value }
}

/// A variable in the current frame.
final class LocalNode: Node {
    let index: Int
    let name: Symbol
    init(index: Int, name: Symbol) {
        self.index = index
        self.name = name
    }
    override func run(_ frame: Frame) throws -> Value {
        let value = frame[index]
        if case .undefined = value { throw LocalNode.uninitialised(name) }
        return value
    }

    static func uninitialised(_ name: Symbol) -> SchemeError {
        SchemeError(.unboundVariable, message: "variable \(name.name) used before its definition", irritants: [.symbol(name)],
                    hint: "a letrec or internal define refers to a variable whose value is not computed yet")
    }
}

/// A variable `depth` frames out.
final class OuterLocalNode: Node {
    let depth: Int
    let index: Int
    let name: Symbol
    init(depth: Int, index: Int, name: Symbol) {
        self.depth = depth
        self.index = index
        self.name = name
    }
    override func run(_ frame: Frame) throws -> Value {
        var f = frame
        for _ in 0..<depth { f = f.parent ?? f }
        let value = f[index]
        if case .undefined = value { throw LocalNode.uninitialised(name) }
        return value
    }
}

final class GlobalNode: Node {
    let cell: GlobalCell
    init(_ cell: GlobalCell) { self.cell = cell }
    override func run(_ frame: Frame) throws -> Value {
        let value = cell.value
        if case .undefined = value { throw UnboundHints.error(for: cell) }
        return value
    }
}

final class IfNode: Node {
    let test: Node
    let then: Node
    let otherwise: Node?
    init(test: Node, then: Node, otherwise: Node?) {
        self.test = test
        self.then = then
        self.otherwise = otherwise
    }
    override func run(_ frame: Frame) throws -> Value {
        if try test.run(frame).isTrue { return try then.run(frame) }
        guard let otherwise else { return .unspecified }
        return try otherwise.run(frame)
    }
}

final class SequenceNode: Node {
    let leading: [Node]
    let last: Node
    init(leading: [Node], last: Node) {
        self.leading = leading
        self.last = last
    }
    override func run(_ frame: Frame) throws -> Value {
        for node in leading { _ = try node.run(frame) }
        return try last.run(frame)
    }
}

/// `let`: values computed in the outer scope, stored into fresh slots.
final class LetNode: Node {
    let slots: [Int]
    let inits: [Node]
    let body: Node
    init(slots: [Int], inits: [Node], body: Node) {
        self.slots = slots
        self.inits = inits
        self.body = body
    }
    override func run(_ frame: Frame) throws -> Value {
        for i in 0..<slots.count { frame[slots[i]] = try inits[i].run(frame) }
        return try body.run(frame)
    }
}

/// A procedure call; `operands` empty to three use the arity-specialised paths.
final class CallNode: Node {
    unowned(unsafe) let runtime: Runtime
    let callee: Node
    let operands: [Node]
    let site: CallSite
    let tail: Bool

    init(runtime: Runtime, callee: Node, operands: [Node], site: CallSite, tail: Bool) {
        self.runtime = runtime
        self.callee = callee
        self.operands = operands
        self.site = site
        self.tail = tail
    }

    override func run(_ frame: Frame) throws -> Value {
        var f = Value.unspecified
        do {
            f = try callee.run(frame)
            switch operands.count {
            case 0: return try runtime.call0(f, tail: tail)
            case 1: return try runtime.call1(f, try operands[0].run(frame), tail: tail)
            case 2:
                let x = try operands[0].run(frame)
                return try runtime.call2(f, x, try operands[1].run(frame), tail: tail)
            case 3:
                let x = try operands[0].run(frame)
                let y = try operands[1].run(frame)
                return try runtime.call3(f, x, y, try operands[2].run(frame), tail: tail)
            default:
                var arguments: [Value] = []
                arguments.reserveCapacity(operands.count)
                for operand in operands { arguments.append(try operand.run(frame)) }
                return try runtime.callN(f, arguments, tail: tail)
            }
        } catch let e as SchemeError {
            throw site.annotate(e, f)
        }
    }
}

/// A call to an unchanged core primitive, done in Swift (see InlinePrimitives).
final class InlineUnaryNode: Node {
    unowned(unsafe) let runtime: Runtime
    let cell: GlobalCell
    let original: Procedure
    let fast: InlinePrimitives.Unary
    let operand: Node
    let site: CallSite
    let tail: Bool

    init(runtime: Runtime, cell: GlobalCell, original: Procedure, fast: InlinePrimitives.Unary, operand: Node, site: CallSite, tail: Bool) {
        self.runtime = runtime
        self.cell = cell
        self.original = original
        self.fast = fast
        self.operand = operand
        self.site = site
        self.tail = tail
    }

    override func run(_ frame: Frame) throws -> Value {
        do {
            let x = try operand.run(frame)
            if cell.holds(original) { return try fast.run(x) }
            return try runtime.call1(cell.value, x, tail: tail)
        } catch let e as SchemeError {
            throw site.annotate(e, cell.value)
        }
    }
}

final class InlineBinaryNode: Node {
    unowned(unsafe) let runtime: Runtime
    let cell: GlobalCell
    let original: Procedure
    let fast: InlinePrimitives.Binary
    let first: Node
    let second: Node
    let site: CallSite
    let tail: Bool

    init(runtime: Runtime, cell: GlobalCell, original: Procedure, fast: InlinePrimitives.Binary, first: Node, second: Node, site: CallSite, tail: Bool) {
        self.runtime = runtime
        self.cell = cell
        self.original = original
        self.fast = fast
        self.first = first
        self.second = second
        self.site = site
        self.tail = tail
    }

    override func run(_ frame: Frame) throws -> Value {
        let x: Value
        let y: Value
        do {
            x = try first.run(frame)
            y = try second.run(frame)
        } catch let e as SchemeError {
            throw site.annotate(e, cell.value)
        }
        return try finish(x, y)
    }

    /// The call once both operands are computed.
    func finish(_ x: Value, _ y: Value) throws -> Value {
        do {
            if cell.holds(original) { return try fast.run(x, y) }
            return try runtime.call2(cell.value, x, y, tail: tail)
        } catch let e as SchemeError {
            throw site.annotate(e, cell.value)
        }
    }
}
