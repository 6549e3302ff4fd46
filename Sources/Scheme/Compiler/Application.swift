/// Procedure calls. Calls with up to three operands are specialised so that
/// neither the operands nor a closure's parameters go through an array.
extension Compiler {
    /// `head`: what the operator resolved to, when it is an identifier.
    func compileApplication(_ pair: Pair, _ scope: Scope, tail: Bool, head: Binding?) throws -> Code {
        let form = Value.pair(pair)
        guard let operandForms = pair.cdr.listElements else {
            throw SchemeError.syntax("bad procedure call: not a proper list", form: form)
        }
        if case .global(let cell) = head, let inlined = try compileInlinePrimitive(pair, cell, operandForms, scope, tail: tail) {
            return inlined
        }
        var operands: [Node] = []
        operands.reserveCapacity(operandForms.count)
        for operand in operandForms { operands.append(try compile(operand, scope, tail: false).node) }
        let site = CallSite(form: form)
        if case .global(let cell) = head {
            return Code(node: GlobalCallNode(runtime: runtime, cell: cell, operands: operands, site: site, tail: tail))
        }
        let callee = try head.map { try compileReference(pair.car, $0) } ?? compile(pair.car, scope, tail: false)
        return Code(node: CallNode(runtime: runtime, callee: callee.node, operands: operands, site: site, tail: tail))
    }
}

/// Where a call is written, to annotate errors passing through it. Only the
/// position is kept, packed: holding the call's form would keep every form a
/// module was compiled from alive as long as its code. An error report reads
/// the expression back from the source text (`SourceFile.datum`).
package struct CallSite {
    let packedLocation: UInt64

    init(form: Value) {
        packedLocation = form.asPair?.packedLocationBits ?? 0
    }

    var location: SourceLocation? { PackedLocation.unpack(packedLocation) }

    /// Gives the innermost located call to an error its position, and records
    /// a backtrace entry (bounded, so deep recursion stays cheap).
    func annotate(_ error: SchemeError, _ callee: Value) -> SchemeError {
        var e = error
        if e.kind == .exit { return e }
        let location = self.location
        if e.location == nil, let location {
            e.location = location
            e.expression = nil
        }
        if e.backtrace.count < 24 {
            e.backtrace.append(SchemeError.Frame(procedure: callee.asProcedure?.name, location: location, expression: nil))
        } else {
            e.omittedFrames += 1
        }
        return e
    }
}

extension Runtime {
    @inline(__always) func notApplicable(_ value: Value) -> SchemeError {
        SchemeError(.wrongType, message: "wrong type to apply: \(value.written(limit: 60))", irritants: [value],
                    hint: value.isProcedureLike ? nil : "the first element of a call must be a procedure")
    }

    /// Enters a closure: in tail position, hands the frame to the trampoline.
    @inline(__always) func enter(_ closure: Closure, _ frame: Frame, tail: Bool) throws -> Value {
        if tail {
            pendingClosure = closure
            pendingFrame = frame
            return .object(tailMarker)
        }
        return try run(closure, frame)
    }

    @inline(__always) func call0(_ f: Value, tail: Bool) throws -> Value {
        guard case .procedure(let p) = f else { throw notApplicable(f) }
        return try call0(procedure: p, tail: tail)
    }

    @inline(__always) func call0(procedure p: Procedure, tail: Bool) throws -> Value {
        if p.kind == .closure {
            let c = unsafeDowncast(p, to: Closure.self)
            let t = c.template
            guard t.isSimple else { return try enter(c, c.makeFrame([]), tail: tail) }
            guard t.required == 0 else { throw c.arityError(given: 0) }
            return try enter(c, Frame.make(parent: c.captured, count: t.frameSize), tail: tail)
        }
        if p.kind == .primitive, case .arity0(let body) = unsafeDowncast(p, to: Primitive.self).body { return try body() }
        return try call(p, [])
    }

    @inline(__always) func call1(_ f: Value, _ x: Value, tail: Bool) throws -> Value {
        guard case .procedure(let p) = f else { throw notApplicable(f) }
        return try call1(procedure: p, x, tail: tail)
    }

    @inline(__always) func call1(procedure p: Procedure, _ x: Value, tail: Bool) throws -> Value {
        if p.kind == .closure {
            let c = unsafeDowncast(p, to: Closure.self)
            let t = c.template
            guard t.isSimple else { return try enter(c, c.makeFrame([x]), tail: tail) }
            guard t.required == 1 else { throw c.arityError(given: 1) }
            let frame = Frame.make(parent: c.captured, count: t.frameSize)
            frame[0] = x
            return try enter(c, frame, tail: tail)
        }
        if p.kind == .primitive, case .arity1(let body) = unsafeDowncast(p, to: Primitive.self).body { return try body(x) }
        if p is ApplyProcedure { return try applyInPlace([x], tail: tail) }
        return try call(p, [x])
    }

    @inline(__always) func call2(_ f: Value, _ x: Value, _ y: Value, tail: Bool) throws -> Value {
        guard case .procedure(let p) = f else { throw notApplicable(f) }
        return try call2(procedure: p, x, y, tail: tail)
    }

    @inline(__always) func call2(procedure p: Procedure, _ x: Value, _ y: Value, tail: Bool) throws -> Value {
        if p.kind == .closure {
            let c = unsafeDowncast(p, to: Closure.self)
            let t = c.template
            guard t.isSimple else { return try enter(c, c.makeFrame([x, y]), tail: tail) }
            guard t.required == 2 else { throw c.arityError(given: 2) }
            let frame = Frame.make(parent: c.captured, count: t.frameSize)
            frame[0] = x
            frame[1] = y
            return try enter(c, frame, tail: tail)
        }
        if p.kind == .primitive {
            let primitive = unsafeDowncast(p, to: Primitive.self)
            if case .arity2(let body) = primitive.body { return try body(x, y) }
            if let binary = primitive.binary, primitive.minimum <= 2, primitive.maximum.map({ $0 >= 2 }) ?? true {
                return try binary(x, y)
            }
        }
        if p is ApplyProcedure { return try applyInPlace([x, y], tail: tail) }
        return try call(p, [x, y])
    }

    @inline(__always) func call3(_ f: Value, _ x: Value, _ y: Value, _ z: Value, tail: Bool) throws -> Value {
        guard case .procedure(let p) = f else { throw notApplicable(f) }
        return try call3(procedure: p, x, y, z, tail: tail)
    }

    @inline(__always) func call3(procedure p: Procedure, _ x: Value, _ y: Value, _ z: Value, tail: Bool) throws -> Value {
        if p.kind == .closure {
            let c = unsafeDowncast(p, to: Closure.self)
            let t = c.template
            guard t.isSimple else { return try enter(c, c.makeFrame([x, y, z]), tail: tail) }
            guard t.required == 3 else { throw c.arityError(given: 3) }
            let frame = Frame.make(parent: c.captured, count: t.frameSize)
            frame[0] = x
            frame[1] = y
            frame[2] = z
            return try enter(c, frame, tail: tail)
        }
        if p.kind == .primitive, case .arity3(let body) = unsafeDowncast(p, to: Primitive.self).body { return try body(x, y, z) }
        if p is ApplyProcedure { return try applyInPlace([x, y, z], tail: tail) }
        return try call(p, [x, y, z])
    }

    @inline(__always) func callN(_ f: Value, _ arguments: [Value], tail: Bool) throws -> Value {
        guard case .procedure(let p) = f else { throw notApplicable(f) }
        return try callN(procedure: p, arguments, tail: tail)
    }

    @inline(__always) func callN(procedure p: Procedure, _ arguments: [Value], tail: Bool) throws -> Value {
        if p.kind == .closure {
            let c = unsafeDowncast(p, to: Closure.self)
            return try enter(c, c.makeFrame(arguments), tail: tail)
        }
        if p is ApplyProcedure { return try applyInPlace(arguments, tail: tail) }
        return try call(p, arguments)
    }

    /// `(apply f a … list)` called from compiled code: the target is entered
    /// like a direct call, in tail position if the apply was.
    func applyInPlace(_ arguments: [Value], tail: Bool) throws -> Value {
        let (target, spread) = try ApplyProcedure.spread(arguments)
        return try callN(target, spread, tail: tail)
    }
}

extension Value {
    var isProcedureLike: Bool { if case .procedure = self { return true }; return false }
}
