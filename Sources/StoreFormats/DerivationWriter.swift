import Basics

/// Writes a derivation as the ATerm text of a `.drv` file, byte for byte as
/// Nix's `Derivation::unparse`: maps sorted by key bytes, and two kinds of
/// strings. The builder, arguments and environment are escaped (`\"` `\\`
/// `\n` `\r` `\t`, every other byte as it is); output names, paths, hashes
/// and the system are written as they are, because Nix does so. (A system
/// holding `"` or `\` therefore cannot be written; `DerivationHasher`
/// refuses to make such a derivation.)
package enum DerivationWriter {
    package static func write(_ derivation: Derivation, storeDirectory: StoreDirectory) -> [UInt8] {
        write(derivation, storeDirectory: storeDirectory, maskingOutputs: false, replacingInputs: nil)
    }

    /// The general form hash-modulo needs: with `maskingOutputs`, output
    /// paths and the environment variables named after outputs are written
    /// empty; `replacingInputs` stands for the input derivations, keyed by any
    /// string (hash-modulo uses the inputs' own hashes in base16).
    static func write(
        _ derivation: Derivation, storeDirectory: StoreDirectory,
        maskingOutputs: Bool, replacingInputs: [String: Set<String>]?
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        out += Array("Derive([".utf8)
        for (index, name) in derivation.sortedOutputNames.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let output = derivation.outputs[name] ?? DerivationOutput()
            out.append(UInt8(ascii: "("))
            raw(name, to: &out)
            out.append(UInt8(ascii: ","))
            raw(maskingOutputs ? "" : output.path.map { $0.absolute(in: storeDirectory) } ?? "", to: &out)
            out.append(UInt8(ascii: ","))
            raw(output.fixed?.methodAndAlgorithm ?? "", to: &out)
            out.append(UInt8(ascii: ","))
            raw(output.fixed.map { $0.hash.encoded(.base16, withAlgorithm: false) } ?? "", to: &out)
            out.append(UInt8(ascii: ")"))
        }
        out += Array("],[".utf8)
        let inputs: [(String, Set<String>)] = replacingInputs.map { Array($0) }
            ?? derivation.inputDerivations.map { ($0.key.absolute(in: storeDirectory), $0.value) }
        for (index, input) in inputs.sorted(by: { byteOrder($0.0, $1.0) }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "("))
            raw(input.0, to: &out)
            out.append(UInt8(ascii: ","))
            list(input.1.sorted(by: byteOrder), escaped: false, to: &out)
            out.append(UInt8(ascii: ")"))
        }
        out += Array("],".utf8)
        list(derivation.inputSources.sorted().map { $0.absolute(in: storeDirectory) }, escaped: false, to: &out)
        out.append(UInt8(ascii: ","))
        raw(derivation.system, to: &out)
        out.append(UInt8(ascii: ","))
        escaped(derivation.builder, to: &out)
        out.append(UInt8(ascii: ","))
        list(derivation.arguments, escaped: true, to: &out)
        out += Array(",[".utf8)
        for (index, key) in derivation.environment.keys.sorted(by: byteOrder).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "("))
            escaped(key, to: &out)
            out.append(UInt8(ascii: ","))
            let masked = maskingOutputs && derivation.outputs[key] != nil
            escaped(masked ? "" : derivation.environment[key] ?? "", to: &out)
            out.append(UInt8(ascii: ")"))
        }
        out += Array("])".utf8)
        return out
    }

    private static func raw(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out += string.utf8
        out.append(UInt8(ascii: "\""))
    }

    private static func escaped(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func list(_ strings: [String], escaped escaping: Bool, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, string) in strings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if escaping { escaped(string, to: &out) } else { raw(string, to: &out) }
        }
        out.append(UInt8(ascii: "]"))
    }
}

extension Derivation {
    /// The ATerm text of this derivation's `.drv` file.
    package func serialized(in storeDirectory: StoreDirectory) -> [UInt8] {
        DerivationWriter.write(self, storeDirectory: storeDirectory)
    }

    /// Parses a `.drv` file's text; `name` comes from its store path.
    package init(parsing bytes: [UInt8], name: String, storeDirectory: StoreDirectory) throws(DerivationError) {
        self = try DerivationParser.parse(bytes, name: name, storeDirectory: storeDirectory)
    }
}
