/// G-expressions (ARCHITECTURE.md §5): code to run elsewhere (in a build)
/// that refers to objects of this side, such as packages or files. `#~T`
/// makes a `Gexp` holding T with a hole for every `#$x`/`#$@x`/`#+x`, and
/// the values of those x. Lowering puts each value's file name in its hole
/// and collects the values as inputs of the build.
package final class Gexp: SchemeObject {
    /// The template: the quoted code, `GexpHole`s where values go.
    package let template: Value
    package let references: [GexpReference]
    /// Build-side modules the code needs (`with-imported-modules`), as module names.
    package let modules: Value
    /// Host packages whose modules the code needs (`with-extensions`).
    package let extensions: Value

    package init(template: Value, references: [GexpReference], modules: Value = .null, extensions: Value = .null) {
        self.template = template
        self.references = references
        self.modules = modules
        self.extensions = extensions
    }

    package override var typeName: String { "gexp" }
}

/// One `#$x` of a gexp: the value of x, and how it was written.
package struct GexpReference {
    package let value: Value
    /// The output named by `(ungexp x "lib")`; nil for the default.
    package let output: String?
    /// `#+x`: for the build machine rather than the target (the same here: no cross builds yet).
    package let native: Bool
    /// `#$@x`: x is a list whose lowered elements are spliced in.
    package let splicing: Bool
}

/// Where reference number `index` goes in a template.
package final class GexpHole: SchemeObject {
    package let index: Int
    package init(index: Int) { self.index = index }
    package override var typeName: String { "gexp-hole" }
}

/// `#$output` or `(ungexp output "lib")`: the build's own output file name,
/// lowered to `(getenv "out")`, since the path is known only once the
/// derivation is made.
package final class GexpOutput: SchemeObject {
    package let name: String
    package init(name: String) { self.name = name }
    package override var typeName: String { "gexp-output" }
}

/// A host's object that can appear in a gexp (a derivation, say): what file
/// name stands for it. The lowering collects the object as an input.
package protocol GexpLowerable: HostValue {
    func gexpExpansion(output: String?) throws -> String
}

/// Lowers gexps: templates filled with file names, inputs collected in
/// first-use order. Record types name how their instances lower with
/// `register-gexp-compiler!` (stored in the type's `properties`).
package struct GexpLowering {
    package static let lowerProperty = "gexp-lower"
    package static let expandProperty = "gexp-expand"

    unowned(unsafe) let runtime: Runtime
    /// Derivations (or other lowerable objects) and their outputs, then store paths.
    /// Host objects (`HostObject`s whose value is `GexpLowerable`) and their outputs.
    package private(set) var inputs: [(object: HostObject, output: String?)] = []
    package private(set) var sources: [String] = []
    private var seenInputs = Set<InputKey>()

    private struct InputKey: Hashable {
        let object: ObjectIdentifier
        let output: String?
    }
    private var seenSources = Set<String>()
    /// The outputs `#$output` names, in first-use order: those a derivation
    /// built from the gexp must have.
    package private(set) var outputs: [String] = []

    package init(runtime: Runtime) { self.runtime = runtime }

    /// The S-expression of `gexp`, its inputs added to this lowering.
    package mutating func lower(_ gexp: Gexp) throws -> Value {
        try fill(gexp.template, gexp)
    }

    private mutating func fill(_ template: Value, _ gexp: Gexp) throws -> Value {
        switch template {
        case .object(let hole as GexpHole):
            let reference = gexp.references[hole.index]
            return try lowerValue(reference.value, output: reference.output)
        case .object(let output as GexpOutput):
            return outputReference(output)
        case .pair:
            var items: [Value] = []
            var current = template
            while case .pair(let pair) = current {
                if case .object(let hole as GexpHole) = pair.car, gexp.references[hole.index].splicing {
                    let reference = gexp.references[hole.index]
                    let lowered = try lowerValue(reference.value, output: reference.output)
                    guard let elements = lowered.listElements else {
                        throw SchemeError(.wrongType, who: "ungexp-splicing", message: "#$@ needs a list, got \(reference.value.written(limit: 60))",
                                          irritants: [reference.value], hint: "use #$ to insert a single value")
                    }
                    items += elements
                } else {
                    items.append(try fill(pair.car, gexp))
                }
                current = pair.cdr
            }
            return .list(items, tail: try fill(current, gexp))
        case .vector(let vector):
            return .vector(SVector(try vector.elements.map { try fill($0, gexp) }, mutable: false))
        default:
            return template
        }
    }

    /// What a value of a `#$` becomes in the code.
    package mutating func lowerValue(_ value: Value, output: String?) throws -> Value {
        switch value {
        case .object(let nested as Gexp):
            return try lower(nested)
        case .object(let output as GexpOutput):
            return outputReference(output)
        case .object(let object as HostObject) where object.value is GexpLowerable:
            return .string(try input(object, output: output))
        case .pair:
            guard let elements = value.listElements else { break }
            return .list(try elements.map { try lowerValue($0, output: output) })
        case .null, .string, .symbol, .keyword, .fixnum, .bignum, .rational, .flonum, .boolean, .char:
            return value
        case .record(let record):
            guard let lower = record.type.properties[GexpLowering.lowerProperty] else { break }
            let lowered = try runtime.apply(lower, [value])
            let expansion: Value
            if case .string(let path) = lowered {
                // A compiler returning a file name has put that file in the store.
                addSource(path.string)
                expansion = lowered
            } else {
                expansion = try lowerValue(lowered, output: output)
            }
            if let expand = record.type.properties[GexpLowering.expandProperty] {
                return try runtime.apply(expand, [value, expansion, output.map { .string($0) } ?? .false])
            }
            return expansion
        default:
            break
        }
        throw SchemeError(.wrongType, who: "gexp", message: "cannot use \(value.written(limit: 60)) in a gexp: it has no file name",
                          irritants: [value], hint: "a gexp can refer to packages, origins, files (local-file, plain-file …), derivations, other gexps and plain data")
    }

    private mutating func input(_ object: HostObject, output: String?) throws -> String {
        guard let lowerable = object.value as? GexpLowerable else { return "" }
        let expansion = try lowerable.gexpExpansion(output: output)
        if seenInputs.insert(InputKey(object: ObjectIdentifier(object), output: output)).inserted {
            inputs.append((object, output))
        }
        return expansion
    }

    private mutating func outputReference(_ output: GexpOutput) -> Value {
        if !outputs.contains(output.name) { outputs.append(output.name) }
        return .list(.symbol(Symbol.intern("getenv")), .string(output.name))
    }

    package mutating func addSource(_ path: String) {
        if seenSources.insert(path).inserted { sources.append(path) }
    }
}
