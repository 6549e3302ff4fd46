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

package struct Printer {
    package let display: Bool
    package let limit: Int
    package private(set) var output = ""

    package init(display: Bool, limit: Int) {
        self.display = display
        self.limit = limit
    }

    package mutating func print(_ value: Value) {
        switch value {
        case .null: output += "()"
        case .boolean(let b): output += b ? "#t" : "#f"
        case .fixnum(let n): output += String(n)
        case .bignum(let n): output += String(n.value)
        case .rational(let r): output += "\(r.numerator)/\(r.denominator)"
        case .flonum(let d): output += String(d)
        case .char(let c): output += display ? String(Character(c)) : "#\\" + String(Character(c))
        case .string(let s): output += display ? s.string : "\"" + s.string + "\""
        case .symbol(let s): output += s.name
        case .keyword(let s): output += "#:" + s.name
        case .pair(let p):
            output += "("
            print(p.car)
            var rest = p.cdr
            while case .pair(let q) = rest {
                output += " "
                print(q.car)
                rest = q.cdr
            }
            if !rest.isNull {
                output += " . "
                print(rest)
            }
            output += ")"
        case .vector(let v):
            output += "#("
            for (i, e) in v.elements.enumerated() {
                if i > 0 { output += " " }
                print(e)
            }
            output += ")"
        case .bytevector(let b): output += "#vu8(" + b.bytes.map(String.init).joined(separator: " ") + ")"
        case .procedure(let p): output += "#<procedure \(p.name ?? "")>"
        case .record(let r): output += "#<\(r.type.name)>"
        case .values(let v): output += v.values.map { $0.written() }.joined(separator: " ")
        case .unspecified: output += "#<unspecified>"
        case .eof: output += "#<eof>"
        case .undefined: output += "#<undefined>"
        case .object(let o): output += "#<\(o.typeName)>"
        }
    }
}
