import Basics
import Sandbox

/// What can go wrong realising a derivation, each with what to do about it.
/// Messages name the derivation by its `.drv` path, as users pass it.
package enum BuildError: UserFacingError, Equatable {
    /// The builder ran and failed (non-zero exit or a signal).
    case builderFailed(derivation: String, how: String, log: String?, lastLines: [String] = [])
    case timedOut(derivation: String, seconds: Int, log: String?)
    case silentTooLong(derivation: String, seconds: Int, log: String?)
    case missingOutput(derivation: String, output: String, path: String)
    case unsupportedFileType(derivation: String, path: String)
    case fixedOutputMismatch(derivation: String, path: String, specified: String, got: String)
    case fixedOutputNotAFile(derivation: String, path: String)
    case fixedOutputHasReferences(derivation: String, references: [String])
    case forbiddenReference(derivation: String, output: String, reference: String, rule: String)
    case invalidReferenceSpecification(derivation: String, variable: String, item: String)
    case invalidFHSRoot(derivation: String, value: String)
    case unknownBuiltin(derivation: String, name: String, known: [String])
    case builtinFailed(derivation: String, name: String, reason: String)
    case wrongSystem(derivation: String, system: String, host: String)
    case dependencyFailed(derivation: String, dependency: String)
    case notADerivation(path: String)
    case notDeterministic(derivation: String, output: String, differences: [String], kept: String?)
    case failures(count: Int)
    case sandbox(derivation: String, SandboxError)

    package var message: String {
        switch self {
        case .builderFailed(let drv, let how, _, let lines):
            "builder for '\(drv)' failed: it \(how)"
                + (lines.isEmpty ? "" : "; the last \(lines.count) lines of its log:\n" + lines.map { "  | " + $0 }.joined(separator: "\n"))
        case .timedOut(let drv, let seconds, _):
            "building '\(drv)' took longer than \(seconds) seconds; it was killed"
        case .silentTooLong(let drv, let seconds, _):
            "building '\(drv)' printed nothing for \(seconds) seconds; it was killed"
        case .missingOutput(let drv, let output, let path):
            "builder for '\(drv)' did not produce its output '\(output)' at '\(path)'"
        case .unsupportedFileType(let drv, let path):
            "the output of '\(drv)' holds '\(path)', which is neither a regular file, a directory nor a symbolic link"
        case .fixedOutputMismatch(let drv, let path, let specified, let got):
            "hash mismatch in fixed-output derivation '\(drv)' (output '\(path)'):\n  specified: \(specified)\n       got: \(got)"
        case .fixedOutputNotAFile(let drv, let path):
            "fixed-output derivation '\(drv)' hashes its output flat, but '\(path)' is not a regular file"
        case .fixedOutputHasReferences(let drv, let references):
            "the output of fixed-output derivation '\(drv)' refers to store paths: \(references.joined(separator: ", "))"
        case .forbiddenReference(let drv, let output, let reference, let rule):
            "output '\(output)' of '\(drv)' refers to '\(reference)', which its \(rule) forbids"
        case .invalidReferenceSpecification(let drv, let variable, let item):
            "'\(drv)' lists '\(item)' in \(variable), which is neither a store path nor one of its outputs"
        case .invalidFHSRoot(let drv, let value):
            "'\(drv)' names '\(value)' as its FHS root (\(BuildEnvironment.fhsRootVariable)), which is not one of its input store paths"
        case .unknownBuiltin(let drv, let name, _):
            "'\(drv)' uses the builtin builder 'builtin:\(name)', which this cairn does not have"
        case .builtinFailed(let drv, let name, let reason):
            "builtin:\(name) failed for '\(drv)': \(reason)"
        case .wrongSystem(let drv, let system, let host):
            "'\(drv)' is for the system '\(system)', but this machine builds for '\(host)'"
        case .dependencyFailed(let drv, let dependency):
            "cannot build '\(drv)': its dependency '\(dependency)' failed"
        case .notADerivation(let path):
            "'\(path)' is not a derivation (a store path ending in .drv)"
        case .notDeterministic(let drv, let output, let differences, let kept):
            "derivation '\(drv)' may not be deterministic: output '\(output)' differs when rebuilt"
                + (differences.isEmpty ? "" : "; differing files: " + differences.joined(separator: ", "))
                + (kept.map { "; the new result is kept at '\($0)'" } ?? "")
        case .failures(let count):
            "\(count) derivation\(count == 1 ? "" : "s") failed to build"
        case .sandbox(let drv, let error):
            "cannot start the build of '\(drv)': \(error.message)"
        }
    }

    package var hint: String? {
        switch self {
        case .builderFailed(_, _, let log, _), .timedOut(_, _, let log), .silentTooLong(_, _, let log):
            log.map { "the build log is in '\($0)' (read it with 'bzcat'); rerun with -K to keep the build directory" }
        case .missingOutput:
            "the builder must create every output named in the derivation (the environment variable of each output holds its path)"
        case .unsupportedFileType:
            "store items hold only regular files, directories and symbolic links; remove sockets, pipes and devices before the build ends"
        case .fixedOutputMismatch:
            "if the new content is the one you want, put the 'got' hash in the derivation"
        case .fixedOutputNotAFile:
            "use recursive hashing (outputHashMode = \"recursive\") for a directory"
        case .fixedOutputHasReferences:
            "a fixed-output result must not mention store paths; strip them, or make it an ordinary derivation"
        case .forbiddenReference:
            "remove the reference from the output (e.g. strip the binary or patch the path), or change allowedReferences/disallowedReferences"
        case .invalidReferenceSpecification:
            "list store paths or output names, separated by spaces"
        case .invalidFHSRoot:
            "add the FHS tree to the derivation's input sources (or as an output of an input derivation) and name its store path"
        case .unknownBuiltin(_, _, let known):
            known.isEmpty
                ? "this cairn has no builtin builders; use a newer cairn"
                : "builtins known here: \(known.map { "builtin:" + $0 }.joined(separator: ", ")); a derivation written for a newer cairn needs a newer cairn"
        case .wrongSystem:
            "build it on a machine of that system"
        case .notADerivation:
            "pass .drv files from the store, e.g. as written by 'nix-instantiate' or imported with 'cairn archive --import'"
        case .notDeterministic(_, _, _, let kept):
            kept == nil ? "rerun with -K to keep the differing result and compare it with diffoscope" : "compare both with diffoscope"
        case .failures:
            "the messages above name each failed derivation and its log"
        case .sandbox(_, let error):
            error.hint
        case .builtinFailed, .dependencyFailed:
            nil
        }
    }
}
