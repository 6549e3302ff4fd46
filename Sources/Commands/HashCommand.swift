import ArgumentParser
import Basics
import Glibc
import Store
import StoreFormats

struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Compute the cryptographic hash of files or trees.",
        discussion: """
            As `guix hash`. With -S nar the hash covers the NAR serialisation of the file
            or directory (what fixed-output derivations and `nix-hash` use); with the
            default -S none it covers the bytes of a regular file ('-' is standard input).

            Examples:
              cairn hash foo.tar.gz                 nix-base32 SHA-256 of a file
              cairn hash -S nar -x ./checkout       hash of a tree, without .git and friends
              cairn hash -f base16 -H sha512 FILE   hexadecimal SHA-512
            """)

    enum Serializer: String, ExpressibleByArgument, CaseIterable {
        case none, nar
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case nixBase32 = "nix-base32"
        case base32
        case base16
        case hex
        case hexadecimal
        case base64
        case sri

        var encoding: HashEncoding {
            switch self {
            case .nixBase32, .base32: .nixBase32
            case .base16, .hex, .hexadecimal: .base16
            case .base64: .base64
            case .sri: .sri
            }
        }
    }

    @Option(name: [.customShort("S"), .customLong("serializer")], help: "How to read FILE: none (its bytes) or nar.")
    var serializer: Serializer = .none

    @Flag(name: .customShort("r"), help: "Same as -S nar (deprecated in Guix, kept for old scripts).")
    var recursive = false

    @Option(name: [.customShort("f"), .customLong("format")], help: "Output format: nix-base32, base16, base64 or sri.")
    var format: Format = .nixBase32

    @Option(name: [.customShort("H"), .customLong("hash")], help: "Hash algorithm: sha256 or sha512 (also sha1, md5).")
    var algorithm: String = "sha256"

    @Flag(name: [.customShort("x"), .customLong("exclude-vcs")], help: "Leave out version-control directories (.git, .hg, .svn, .bzr, CVS).")
    var excludeVCS = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Files or directories to hash.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("missing FILE argument") }
        if HashAlgorithm(name: algorithm) == nil {
            throw ValidationError("unknown hash algorithm '\(algorithm)'; choose sha256, sha512, sha1 or md5")
        }
    }

    func run() throws {
        global.apply()
        let algorithm = HashAlgorithm(name: algorithm) ?? .sha256
        let serializeAsNAR = serializer == .nar || recursive
        var output = ""
        for file in files {
            let hash: Hash
            if serializeAsNAR {
                hash = try LocalStore.narHash(of: file, excludeVersionControl: excludeVCS, algorithm: algorithm).hash
            } else {
                hash = try Self.flatHash(of: file, algorithm: algorithm)
            }
            output += hash.encoded(format.encoding, withAlgorithm: format == .sri) + "\n"
        }
        try StandardStreams.output.write(output)
    }

    static func flatHash(of file: String, algorithm: HashAlgorithm) throws -> Hash {
        let handle: OpenFile
        if file == "-" {
            handle = StandardStreams.input
        } else {
            guard let st = try FileSystem.linkStatus(file) else { throw StoreError.missingFile(path: file) }
            if FileSystem.kind(of: st) == .directory { throw HashCommandError.directoryNeedsNAR(file) }
            handle = try OpenFile(file, flags: O_RDONLY)
        }
        var context = HashContext(algorithm)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = try handle.read(into: buffer)
            if n == 0 { break }
            context.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return try Hash(algorithm: algorithm, bytes: context.finalize())
    }
}

enum HashCommandError: UserFacingError {
    case directoryNeedsNAR(String)

    var message: String {
        switch self {
        case .directoryNeedsNAR(let path): "'\(path)' is a directory"
        }
    }

    var hint: String? {
        switch self {
        case .directoryNeedsNAR(let path): "hash a directory through its NAR serialisation: 'cairn hash -S nar \(path)'"
        }
    }
}

extension HashCommand: AcceptsManyOperands {
    mutating func appendOperands(_ operands: [String]) { files += operands }
}
