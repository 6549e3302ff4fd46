/// `write` and `display` representations, matching Guile 3's output.
extension Value {
    /// The `write` form, cut to about `limit` characters with `…` when longer.
    package func written(limit: Int = .max) -> String {
        var printer = Printer(display: false, limit: limit)
        printer.print(self)
        return printer.output
    }

    package var displayed: String {
        var printer = Printer(display: true, limit: .max)
        printer.print(self)
        return printer.output
    }
}

/// Heap objects (ports, hash tables, closures, promises…) that print
/// themselves. Nested values should go through `printer.print` so that cycle
/// detection, depth limits and truncation keep working.
package protocol SchemePrintable: AnyObject {
    func print(to printer: inout Printer)
}

/// Prints values the way Guile 3's `write` and `display` do, including its
/// notation for shared structure on a cycle: `#-1#` refers to the container
/// one level out from the innermost one being printed (`(1 2 . #-1#)`).
package struct Printer {
    /// Display mode: characters and strings raw. Symbols, and the fields of
    /// records, print the same in both modes, as in Guile.
    package private(set) var display: Bool
    package let limit: Int
    /// What was printed, as UTF-8: appending bytes is several times cheaper
    /// than appending to a `String`, and builders print whole programs.
    private var bytes: [UInt8] = []
    package var output: String { String(decoding: bytes, as: UTF8.self) }
    /// True once output reached `limit` and was cut.
    package private(set) var isTruncated = false
    /// Scalars in `output`, counted only when there is a limit.
    private var length = 0
    /// The pairs, vectors and records being printed, outermost first: Guile's
    /// reference stack, whose indices give the numbers in `#-1#`.
    private var stack: [AnyObject] = []
    /// The stack as a set, kept only while the stack is deeper than
    /// `scanLimit`: below it a scan of the stack is cheaper than hashing
    /// every pair printed.
    private var onStack: Set<ObjectIdentifier> = []
    private static let scanLimit = 32

    package init(display: Bool, limit: Int) {
        self.display = display
        self.limit = max(0, limit)
    }

    /// Appends `text` verbatim (subject to the limit).
    package mutating func emit(_ text: String) {
        guard !isTruncated else { return }
        if limit == .max {
            bytes.append(contentsOf: text.utf8)
            return
        }
        let count = text.unicodeScalars.count
        if length + count <= limit {
            bytes.append(contentsOf: text.utf8)
            length += count
            return
        }
        for scalar in text.unicodeScalars.prefix(limit - length) { bytes.append(contentsOf: String(scalar).utf8) }
        bytes.append(contentsOf: "…".utf8)
        length = limit
        isTruncated = true
    }

    /// A string in `write` syntax, straight into the output when there is no
    /// limit and nothing needs escaping (the common case).
    private mutating func emitStringSyntax(_ scalars: [Unicode.Scalar]) {
        guard limit == .max, !isTruncated,
              scalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }) else {
            emit(Printer.stringSyntax(scalars))
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for scalar in scalars { bytes.append(UInt8(truncatingIfNeeded: scalar.value)) }
        bytes.append(UInt8(ascii: "\""))
    }

    package mutating func print(_ value: Value) {
        guard !isTruncated else { return }
        switch value {
        case .null: emit("()")
        case .boolean(let b): emit(b ? "#t" : "#f")
        case .fixnum, .bignum, .rational, .flonum: emit(NumberSyntax.format(value))
        case .char(let c): emit(display ? String(c) : Printer.characterSyntax(c))
        case .string(let s):
            if display { emit(s.string) } else { emitStringSyntax(s.scalars) }
        case .symbol(let s): printSymbol(s)
        case .keyword(let s): emit("#:" + Printer.symbolSyntax(s.name))
        case .pair(let p): printList(p)
        case .vector(let v): printVector(v)
        case .bytevector(let b):
            emit("#vu8(" + b.bytes.lazy.map { String($0) }.joined(separator: " ") + ")")
        case .procedure(let p):
            if let custom = p as? SchemePrintable {
                custom.print(to: &self)
            } else if let name = p.name {
                emit("#<procedure \(name)>")
            } else {
                emit("#<procedure \(Printer.address(p))>")
            }
        case .record(let r): printRecord(r)
        case .values(let v):
            for (index, element) in v.values.enumerated() {
                if index > 0 { emit(" ") }
                print(element)
            }
        case .unspecified: emit("#<unspecified>")
        case .eof: emit("#<eof>")
        case .undefined: emit("#<undefined>")
        case .object(let o):
            if let custom = o as? SchemePrintable {
                custom.print(to: &self)
            } else if let type = o as? RecordType {
                emit("#<record-type \(Printer.symbolSyntax(type.name))>")
            } else {
                emit("#<\(o.typeName)>")
            }
        }
    }

    // MARK: Compound data

    /// Pushes a container about to be printed; false (after printing the
    /// back-reference or `...`) when it must not be printed.
    private mutating func enter(_ object: AnyObject) -> Bool {
        if StackGuard.isNearLimit() {
            // Too deep to recurse further on this thread's stack.
            emit("...")
            return false
        }
        if isOnStack(object) {
            printReference(to: object)
            return false
        }
        push(object)
        return true
    }

    private func isOnStack(_ object: AnyObject) -> Bool {
        if stack.count <= Printer.scanLimit {
            for entry in stack where entry === object { return true }
            return false
        }
        return onStack.contains(ObjectIdentifier(object))
    }

    private mutating func push(_ object: AnyObject) {
        stack.append(object)
        if stack.count == Printer.scanLimit + 1 {
            onStack = Set(stack.map { ObjectIdentifier($0) })
        } else if stack.count > Printer.scanLimit + 1 {
            onStack.insert(ObjectIdentifier(object))
        }
    }

    private mutating func pop(to count: Int) {
        while stack.count > count, let object = stack.popLast() {
            if stack.count == Printer.scanLimit {
                onStack.removeAll(keepingCapacity: true)
            } else if stack.count > Printer.scanLimit {
                onStack.remove(ObjectIdentifier(object))
            }
        }
    }

    /// Guile's `#N#`: the index of `target` on the stack relative to the
    /// innermost container. Guile skips back over list tails that share their
    /// cdr with the next entry, which in practice matters only for a tail whose
    /// cdr is itself; reproduced so that the numbers agree.
    private mutating func printReference(to target: AnyObject) {
        guard var reference = stack.lastIndex(where: { $0 === target }) else { return }
        var current = stack.count - 1
        if stack[current] is Pair {
            while current > 0, let outer = stack[current - 1] as? Pair, let inner = stack[current] as? Pair,
                  outer.cdr.isEq(inner.cdr) {
                current -= 1
            }
        }
        reference -= current
        emit("#\(reference)#")
    }

    private mutating func printList(_ first: Pair) {
        let base = stack.count
        guard enter(first) else { return }
        defer { pop(to: base) }
        emit("(")
        print(first.car)
        var rest = first.cdr
        // Each tail goes on the stack too, so a cdr cycle ends in ` . #N#`.
        while case .pair(let tail) = rest, !isTruncated {
            if isOnStack(tail) {
                emit(" . ")
                printReference(to: tail)
                emit(")")
                return
            }
            push(tail)
            emit(" ")
            print(tail.car)
            rest = tail.cdr
        }
        if !rest.isNull {
            emit(" . ")
            print(rest)
        }
        emit(")")
    }

    private mutating func printVector(_ vector: SVector) {
        let base = stack.count
        guard enter(vector) else { return }
        defer { pop(to: base) }
        emit("#(")
        for (index, element) in vector.elements.enumerated() {
            if isTruncated { return }
            if index > 0 { emit(" ") }
            print(element)
        }
        emit(")")
    }

    /// Guile's default record printer: `#<point x: 1 y: "a">`, field values
    /// written even under `display`.
    private mutating func printRecord(_ record: Record) {
        let base = stack.count
        guard enter(record) else { return }
        defer { pop(to: base) }
        let wasDisplay = display
        display = false
        defer { display = wasDisplay }
        emit("#<" + Printer.symbolSyntax(record.type.name))
        for (index, name) in record.type.fieldNames.enumerated() where index < record.fields.count {
            if isTruncated { return }
            emit(" " + Printer.symbolSyntax(name.name) + ": ")
            print(record.fields[index])
        }
        emit(">")
    }

    private mutating func printSymbol(_ symbol: Symbol) {
        if symbol.isWrittenBare, limit == .max {
            if !isTruncated { bytes.append(contentsOf: symbol.name.utf8) }
        } else if symbol.isInterned {
            emit(Printer.symbolSyntax(symbol.name))
        } else {
            emit("#<uninterned-symbol \(Printer.symbolSyntax(symbol.name)) \(Printer.address(symbol))>")
        }
    }

    static func address(_ object: AnyObject) -> String {
        String(UInt(bitPattern: Unmanaged.passUnretained(object).toOpaque()), radix: 16)
    }
}

// MARK: Atoms

extension Printer {
    /// `"…"` with Guile's escapes: `\"`, `\\`, `\n`, `\t` and the other C
    /// escapes, then `\xHH`, `\uHHHH` or `\UHHHHHH` for anything not graphic.
    package static func stringSyntax(_ scalars: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in scalars {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case " ": out.append(scalar)
            default:
                if scalar.isGraphic {
                    out.append(scalar)
                } else {
                    out.append(contentsOf: escaped(scalar).unicodeScalars)
                }
            }
        }
        out.append("\"")
        return String(out)
    }

    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        let value = scalar.value
        switch value {
        case 0x07: return "\\a"
        case 0x08: return "\\b"
        case 0x09: return "\\t"
        case 0x0B: return "\\v"
        case 0x0C: return "\\f"
        case 0x0D: return "\\r"
        case ...0xFF: return "\\x" + hex(value, width: 2)
        case ...0xFFFF: return "\\u" + hex(value, width: 4)
        default: return "\\U" + hex(value, width: 6)
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `#\a`, `#\space`, `#\x7f` as `#\delete`, other non-graphic characters
    /// in octal (`#\200`), combining marks over a dotted circle.
    package static func characterSyntax(_ scalar: Unicode.Scalar) -> String {
        if scalar.value >= 0x80, scalar.properties.canonicalCombiningClass.rawValue != 0 {
            return "#\\\u{25CC}" + String(scalar)
        }
        if scalar.isGraphic { return "#\\" + String(scalar) }
        if let name = CharacterNames.name(of: scalar) { return "#\\" + name }
        return "#\\" + String(scalar.value, radix: 8)
    }

    /// A symbol's name as `write` shows it: bare when Guile would read it back
    /// as the same symbol, else in Guile's `#{…}#` notation.
    package static func symbolSyntax(_ name: String) -> String {
        guard needsBraces(name) else { return name }
        var out = "#{"
        for scalar in name.unicodeScalars {
            // Guile leaves a backslash raw here, although its reader then takes
            // it as an escape; kept for byte-identical output.
            if scalar.isSymbolSubsequent || scalar.properties.generalCategory == .spaceSeparator {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\x" + String(scalar.value, radix: 16) + ";"
            }
        }
        return out + "}#"
    }

    /// Guile's test for symbols that need `#{…}#`, with its default options
    /// (no keyword syntax other than `#:`, so names starting or ending with `:`
    /// are printed bare whatever they contain). One deviation: names starting
    /// with `|` are braced, because Cairn reads `|…|` as an R7RS symbol.
    static func needsBraces(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return true }
        switch first {
        case "'", "`", ",", "\"", ";", "#", "|":
            return true
        case ":":
            return false
        case ".", "+", "-", "0"..."9":
            if first == ".", scalars.count == 1 { return true }
            if NumberSyntax.parse(name) != nil { return true }
        default:
            break
        }
        guard first.isSymbolInitial else { return true }
        if last == ":" { return false }
        for scalar in scalars.dropFirst() {
            if !scalar.isSymbolSubsequent || scalar == "\"" || scalar == ";" || scalar == "#" { return true }
        }
        return false
    }
}
