import Basics

/// Why a derivation was rejected: while reading its ATerm text (these carry
/// the byte offset of the problem, since a `.drv` file is a single line), or
/// while checking or completing it.
package enum DerivationError: UserFacingError, Equatable {
    // MARK: Reading

    /// The text does not follow the ATerm grammar at `offset`.
    case unexpected(offset: Int, expected: String, found: String)
    /// An escape other than the five Nix writes (`\"` `\\` `\n` `\r` `\t`).
    case invalidEscape(offset: Int, escape: String)
    /// A raw newline, carriage return or tab where Nix writes an escape.
    case unescapedControl(offset: Int, escape: String)
    /// A backslash in a field Nix writes without escapes, so it cannot
    /// come back the same from Nix's writer.
    case escapeInUnquotedField(offset: Int, field: String)
    case invalidUTF8(offset: Int)
    case unsorted(offset: Int, what: String, key: String, previous: String)
    case duplicate(offset: Int, what: String, key: String)
    case trailingBytes(offset: Int, count: Int)
    case invalidPath(offset: Int, text: String, reason: String)
    case pathOutsideStore(offset: Int, text: String, storeDirectory: String)
    case invalidOutputHash(offset: Int, output: String, reason: String)
    /// `("out","","sha256","")`: a floating content-addressed output, an
    /// experimental Nix feature Cairn does not implement.
    case floatingOutput(offset: Int, output: String)

    // MARK: Checking and completing

    case noOutputs(derivation: String)
    case mixedOutputKinds(derivation: String)
    case fixedOutputNotSingle(derivation: String, outputs: [String])
    case invalidName(String, reason: String)
    case invalidOutputName(derivation: String, output: String, reason: String)
    case unrepresentableSystem(derivation: String, system: String)
    case missingOutputPath(derivation: String, output: String)
    case outputPathMismatch(derivation: String, output: String, actual: String, expected: String)
    case environmentMismatch(derivation: String, variable: String, actual: String?, expected: String)
    case unknownInputOutput(derivation: String, input: String, output: String, available: [String])
    case notADerivationPath(String)
    case inputCycle(String)

    package var message: String {
        switch self {
        case .unexpected(let offset, let expected, let found):
            "at byte \(offset): expected \(expected), found \(found)"
        case .invalidEscape(let offset, let escape):
            "at byte \(offset): invalid escape '\(escape)' in a string"
        case .unescapedControl(let offset, let escape):
            "at byte \(offset): a raw control character where Nix writes '\(escape)'"
        case .escapeInUnquotedField(let offset, let field):
            "at byte \(offset): a backslash in the \(field), which Nix writes without escapes"
        case .invalidUTF8(let offset):
            "at byte \(offset): a string is not valid UTF-8"
        case .unsorted(let offset, let what, let key, let previous):
            "at byte \(offset): \(what) '\(key)' comes after '\(previous)'; they must be sorted"
        case .duplicate(let offset, let what, let key):
            "at byte \(offset): duplicate \(what) '\(key)'"
        case .trailingBytes(let offset, let count):
            "at byte \(offset): \(count) unexpected byte\(count == 1 ? "" : "s") after the end of the derivation"
        case .invalidPath(let offset, let text, let reason):
            "at byte \(offset): invalid store path '\(text)': \(reason)"
        case .pathOutsideStore(let offset, let text, let directory):
            "at byte \(offset): path '\(text)' is not in the store directory '\(directory)'"
        case .invalidOutputHash(let offset, let output, let reason):
            "at byte \(offset): invalid hash of fixed output '\(output)': \(reason)"
        case .floatingOutput(let offset, let output):
            "at byte \(offset): output '\(output)' is a floating content-addressed output (Nix's experimental ca-derivations), which Cairn does not support"
        case .noOutputs(let derivation):
            "derivation '\(derivation)' has no outputs"
        case .mixedOutputKinds(let derivation):
            "derivation '\(derivation)' mixes fixed outputs with input-addressed ones"
        case .fixedOutputNotSingle(let derivation, let outputs):
            "fixed-output derivation '\(derivation)' must have exactly one output named 'out', not \(outputs.map { "'\($0)'" }.joined(separator: ", "))"
        case .invalidName(let name, let reason):
            "invalid derivation name '\(name)': \(reason)"
        case .invalidOutputName(let derivation, let output, let reason):
            "derivation '\(derivation)' has an invalid output name '\(output)': \(reason)"
        case .unrepresentableSystem(let derivation, let system):
            "derivation '\(derivation)' has system '\(system)', which cannot be written to a .drv file"
        case .missingOutputPath(let derivation, let output):
            "derivation '\(derivation)' has no path for output '\(output)'"
        case .outputPathMismatch(let derivation, let output, let actual, let expected):
            "derivation '\(derivation)' has incorrect path '\(actual)' for output '\(output)'; it should be '\(expected)'"
        case .environmentMismatch(let derivation, let variable, let actual, let expected):
            if let actual {
                "derivation '\(derivation)' has incorrect environment variable '\(variable)' = '\(actual)'; it should be '\(expected)'"
            } else {
                "derivation '\(derivation)' lacks the environment variable '\(variable)'; it should be '\(expected)'"
            }
        case .unknownInputOutput(let derivation, let input, let output, let available):
            "derivation '\(derivation)' uses output '\(output)' of '\(input)', which only has \(available.map { "'\($0)'" }.joined(separator: ", "))"
        case .notADerivationPath(let path):
            "'\(path)' is not a derivation (its name does not end in '.drv')"
        case .inputCycle(let path):
            "the input derivations form a cycle through '\(path)'"
        }
    }

    package var hint: String? {
        switch self {
        case .unexpected, .invalidUTF8:
            "a .drv file is one line: Derive([outputs],[input derivations],[sources],\"system\",\"builder\",[arguments],[environment])"
        case .floatingOutput:
            "give the output's hash in advance (a fixed-output derivation) or none (an input-addressed one)"
        case .noOutputs:
            "give the derivation at least the output 'out'"
        case .mixedOutputKinds:
            "either every output is input-addressed, or the derivation has a single fixed output 'out'"
        case .unknownInputOutput:
            "use one of the outputs the input derivation lists"
        case .notADerivationPath:
            "derivation files are store paths named NAME.drv"
        case .inputCycle:
            "derivations cannot depend on themselves; the input derivations are damaged"
        case .invalidEscape:
            "Nix writes only \\\" \\\\ \\n \\r and \\t in .drv strings; other characters appear as they are"
        case .unsorted, .duplicate, .trailingBytes, .escapeInUnquotedField, .unescapedControl, .invalidPath:
            "Nix never writes a .drv file like this; was it edited by hand? Regenerate it from its source"
        case .invalidOutputHash:
            "fixed-output hashes are written in lower-case hexadecimal with their algorithm (sha256, sha512, sha1 or md5), optionally prefixed by 'r:'"
        case .pathOutsideStore:
            "is CAIRN_STORE_DIR (or --store-dir) set to the store directory the derivation was written for?"
        case .fixedOutputNotSingle:
            "a fixed-output derivation has one output, 'out'; split the others into their own derivations"
        case .invalidName:
            "names use letters, digits and + - . _ ? =, do not start with '.' and do not end in '.drv'"
        case .invalidOutputName:
            "output names use letters, digits and + - . _ ? = and cannot be 'drv'"
        case .unrepresentableSystem:
            "Nix writes the system field without escapes, so it cannot contain '\"' or '\\'"
        case .outputPathMismatch, .environmentMismatch, .missingOutputPath:
            "output paths follow from the rest of the derivation; let Cairn fill them in instead of writing them by hand"
        default:
            nil
        }
    }
}

/// A derivation error together with the file it was read from, so the
/// command line can say which of several files is at fault.
package struct DerivationFileError: UserFacingError, Equatable {
    package var file: String
    package var error: DerivationError

    package init(file: String, error: DerivationError) {
        self.file = file
        self.error = error
    }

    package var message: String { "derivation '\(file)': \(error.message)" }
    package var hint: String? { error.hint }
}
