import ArgumentParser
import Basics
import Glibc
import Store
import StoreFormats

struct StoreInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show what the store records about items.",
        discussion: """
            Prints the NAR hash and size, references, deriver, registration time and
            content address of each item (the fields of `nix path-info --json`).

            Examples:
              cairn store info /cairn/store/…-src
              cairn store info --format=json ./result
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human, json
    }

    @Option(help: "Output format: human or json.")
    var format: Format = .human

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Store items (or symlinks to them).")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("missing PATH argument") }
    }

    func run() throws {
        let store = try global.openStore()
        var infos: [PathInfo] = []
        for path in paths {
            infos.append(try store.pathInfo(store.storePath(forUserPath: path)))
        }
        let output: String
        switch format {
        case .json:
            output = JSONValue.array(infos.map { json($0, store: store) }).rendered() + "\n"
        case .human:
            output = infos.map { human($0, store: store) }.joined(separator: "\n")
        }
        try StandardStreams.output.write(output)
    }

    private func json(_ info: PathInfo, store: LocalStore) -> JSONValue {
        .object([
            ("path", .string(store.absolute(info.path))),
            ("narHash", .string(info.narHash.encoded(.nixBase32))),
            ("narSize", .integer(Int64(clamping: info.narSize))),
            ("references", .array(info.references.map { .string(store.absolute($0)) })),
            ("deriver", info.deriver.map { .string(store.absolute($0)) } ?? .null),
            ("registrationTime", .integer(info.registrationTime)),
            ("ca", info.contentAddress.map { .string($0.rendered) } ?? .null),
        ])
    }

    private func human(_ info: PathInfo, store: LocalStore) -> String {
        var lines = [
            "path: \(store.absolute(info.path))",
            "nar-hash: \(info.narHash.encoded(.nixBase32))",
            "nar-size: \(info.narSize) (\(ByteCount.format(info.narSize)))",
            "references:" + (info.references.isEmpty ? " none" : ""),
        ]
        lines += info.references.map { "  " + store.absolute($0) }
        lines.append("deriver: " + (info.deriver.map { store.absolute($0) } ?? "none"))
        lines.append("registration-time: \(Self.timestamp(info.registrationTime))")
        lines.append("content-address: " + (info.contentAddress?.rendered ?? "none (input-addressed)"))
        return lines.joined(separator: "\n") + "\n"
    }

    /// UTC, ISO 8601, without Foundation.
    static func timestamp(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

extension StoreInfoCommand: AcceptsManyOperands {
    mutating func appendOperands(_ operands: [String]) { paths += operands }
}
