/// A call whose operator is a global variable — `(fib (- n 1))`, `(map f l)`:
/// most calls in package code. Evaluating the operator would copy the
/// variable's value, and Swift retains and releases the procedure in that copy
/// atomically even in this single-threaded module: two locked instructions per
/// call. Instead the node keeps the procedure it last found in the variable
/// and checks, in place, that the variable still holds it.
final class GlobalCallNode: Node {
    unowned(unsafe) let runtime: Runtime
    let cell: GlobalCell
    let operands: [Node]
    let site: CallSite
    let tail: Bool
    /// The procedure last found in `cell`, held strongly by the node so that
    /// it stays alive while it runs even if the variable is reassigned meanwhile.
    private var cached: Procedure?
    /// Procedures the variable held earlier. One of them may still be running
    /// further up the stack, so they are kept; past `retiredLimit`
    /// reassignments the node stops caching (a variable that keeps changing).
    private var retired: [Procedure] = []
    private var caching = true
    private static let retiredLimit = 8

    init(runtime: Runtime, cell: GlobalCell, operands: [Node], site: CallSite, tail: Bool) {
        self.runtime = runtime
        self.cell = cell
        self.operands = operands
        self.site = site
        self.tail = tail
    }

    override func run(_ frame: Frame) throws -> Value {
        if let procedure = cached, cell.holds(procedure) {
            do {
                return try call(procedure, frame)
            } catch let e as SchemeError {
                throw site.annotate(e, .procedure(procedure))
            }
        }
        return try runLookingUp(frame)
    }

    /// The first call, or one after the variable changed: read it as
    /// `GlobalNode` does and remember what it holds.
    private func runLookingUp(_ frame: Frame) throws -> Value {
        var f = Value.unspecified
        do {
            f = cell.value
            if case .undefined = f { throw UnboundHints.error(for: cell) }
            guard case .procedure(let procedure) = f else { throw runtime.notApplicable(f) }
            if caching {
                if let previous = cached { retired.append(previous) }
                if retired.count > Self.retiredLimit {
                    caching = false
                    cached = nil
                } else {
                    cached = procedure
                }
            }
            return try call(procedure, frame)
        } catch let e as SchemeError {
            throw site.annotate(e, f)
        }
    }

    @inline(__always) private func call(_ procedure: Procedure, _ frame: Frame) throws -> Value {
        switch operands.count {
        case 0: return try runtime.call0(procedure: procedure, tail: tail)
        case 1: return try runtime.call1(procedure: procedure, try operands[0].run(frame), tail: tail)
        case 2:
            let x = try operands[0].run(frame)
            return try runtime.call2(procedure: procedure, x, try operands[1].run(frame), tail: tail)
        case 3:
            let x = try operands[0].run(frame)
            let y = try operands[1].run(frame)
            return try runtime.call3(procedure: procedure, x, y, try operands[2].run(frame), tail: tail)
        default:
            var arguments: [Value] = []
            arguments.reserveCapacity(operands.count)
            for operand in operands { arguments.append(try operand.run(frame)) }
            return try runtime.callN(procedure: procedure, arguments, tail: tail)
        }
    }
}
