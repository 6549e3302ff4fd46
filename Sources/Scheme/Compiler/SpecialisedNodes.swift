/// Nodes specialised for what inner loops run most.
///
/// Arithmetic and comparisons of the core number primitives on two fixnums,
/// done by a switch in the node instead of a call through the primitive
/// table's closure, and with a literal integer operand kept in the node
/// (`(- n 1)`, `(< n 2)`): inner loops of numeric code are mostly these.
/// As for every inlined primitive, the node checks on each run that the
/// variable still holds the original procedure; anything else (another
/// value, a bignum, an overflow) takes the general path.
enum FixnumOperation {
    case add, subtract, multiply, less, greater, lessOrEqual, greaterOrEqual, equal

    init?(name: String) {
        switch name {
        case "+": self = .add
        case "-": self = .subtract
        case "*": self = .multiply
        case "<": self = .less
        case ">": self = .greater
        case "<=": self = .lessOrEqual
        case ">=": self = .greaterOrEqual
        case "=": self = .equal
        default: return nil
        }
    }

    /// The result on two fixnums; nil when it overflows.
    @inline(__always) func apply(_ x: Int, _ y: Int) -> Value? {
        switch self {
        case .add:
            let (r, o) = x.addingReportingOverflow(y)
            return o ? nil : .fixnum(r)
        case .subtract:
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? nil : .fixnum(r)
        case .multiply:
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? nil : .fixnum(r)
        case .less: return .boolean(x < y)
        case .greater: return .boolean(x > y)
        case .lessOrEqual: return .boolean(x <= y)
        case .greaterOrEqual: return .boolean(x >= y)
        case .equal: return .boolean(x == y)
        }
    }
}

/// `(op a b)` with both operands computed. The operands, cell and original
/// are copied out of `general` so the fast path reads them from this node
/// alone; `general` takes over for everything else.
final class FixnumBinaryNode: Node {
    let operation: FixnumOperation
    let general: InlineBinaryNode
    let first: Node
    let second: Node
    let cell: GlobalCell
    let original: Procedure

    init(operation: FixnumOperation, general: InlineBinaryNode) {
        self.operation = operation
        self.general = general
        first = general.first
        second = general.second
        cell = general.cell
        original = general.original
    }

    override func run(_ frame: Frame) throws -> Value {
        let x: Value
        let y: Value
        do {
            x = try first.run(frame)
            y = try second.run(frame)
        } catch let e as SchemeError {
            throw general.site.annotate(e, cell.value)
        }
        if case .fixnum(let a) = x, case .fixnum(let b) = y, cell.holds(original), let result = operation.apply(a, b) {
            return result
        }
        return try general.finish(x, y)
    }
}

/// `(op a K)` with K a literal fixnum.
final class FixnumConstantNode: Node {
    let operation: FixnumOperation
    let general: InlineBinaryNode
    let first: Node
    let constant: Int
    let cell: GlobalCell
    let original: Procedure

    init(operation: FixnumOperation, general: InlineBinaryNode, constant: Int) {
        self.operation = operation
        self.general = general
        first = general.first
        self.constant = constant
        cell = general.cell
        original = general.original
    }

    override func run(_ frame: Frame) throws -> Value {
        let x: Value
        do {
            x = try first.run(frame)
        } catch let e as SchemeError {
            throw general.site.annotate(e, cell.value)
        }
        if case .fixnum(let a) = x, cell.holds(original), let result = operation.apply(a, constant) {
            return result
        }
        return try general.finish(x, .fixnum(constant))
    }
}

extension Compiler {
    /// The specialised form of an inlined binary call, when its primitive is one of `FixnumOperation`'s.
    func specialisedFixnumNode(_ general: InlineBinaryNode, name: String) -> Node {
        guard let operation = FixnumOperation(name: name) else { return general }
        if let constant = general.second as? ConstantNode, case .fixnum(let k) = constant.value {
            return FixnumConstantNode(operation: operation, general: general, constant: k)
        }
        return FixnumBinaryNode(operation: operation, general: general)
    }
}

/// `(if (not X) A B)` while `not` is the core primitive: branches on X
/// itself instead of computing the negation as a boolean first.
final class IfNotNode: Node {
    let negation: InlineUnaryNode
    let operand: Node
    let then: Node
    let otherwise: Node?

    init(negation: InlineUnaryNode, then: Node, otherwise: Node?) {
        self.negation = negation
        operand = negation.operand
        self.then = then
        self.otherwise = otherwise
    }

    override func run(_ frame: Frame) throws -> Value {
        let test: Bool
        if negation.cell.holds(negation.original) {
            do {
                test = try operand.run(frame).isFalse
            } catch let e as SchemeError {
                throw negation.site.annotate(e, negation.cell.value)
            }
        } else {
            test = try negation.run(frame).isTrue
        }
        if test { return try then.run(frame) }
        guard let otherwise else { return .unspecified }
        return try otherwise.run(frame)
    }
}

/// What makes a constant shareable: its identity (symbols, keywords) or its bits.
enum SharedConstantKey: Hashable {
    case symbol(ObjectIdentifier)
    case keyword(ObjectIdentifier)
    case fixnum(Int)
    case boolean(Bool)
    case null
    case unspecified
}

extension Compiler {
    /// The node for a constant. Keywords, symbols and small immediates get
    /// one node for all code: ten thousand package definitions pass the same
    /// handful of keywords, and a shared node stays in the cache.
    func constant(_ value: Value) -> Code {
        let key: SharedConstantKey
        switch value {
        case .symbol(let s): key = .symbol(ObjectIdentifier(s))
        case .keyword(let s): key = .keyword(ObjectIdentifier(s))
        case .fixnum(let n) where n >= -1024 && n <= 1024: key = .fixnum(n)
        case .boolean(let b): key = .boolean(b)
        case .null: key = .null
        case .unspecified: key = .unspecified
        default: return Code(node: ConstantNode(value))
        }
        if let node = runtime.sharedConstants[key] { return Code(node: node) }
        let node = ConstantNode(value)
        runtime.sharedConstants[key] = node
        return Code(node: node)
    }
}
