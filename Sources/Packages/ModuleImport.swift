import Basics
import Foundation
import Scheme

/// Build-side modules shipped into a build (`with-imported-modules`): the
/// named modules and every module they use that is found on the same load
/// path (Guix's `source-module-closure`), copied as `a/b/c.scm` into one
/// store directory the runner gets with `-L`.
enum ModuleImport {
    /// `ensureReadable` refuses files a confined evaluation may not read
    /// (a module file that is a symlink out of the load path).
    static func closure(
        of names: [[String]], loadPath: [String], ensureReadable: (String) throws -> Void = { _ in }
    ) throws -> [(relative: String, file: String)] {
        var pending = names
        var seen = Set<[String]>()
        var found: [(String, String)] = []
        while let name = pending.popLast() {
            guard seen.insert(name).inserted else { continue }
            let relative = name.joined(separator: "/") + ".scm"
            guard let file = loadPath.lazy.map({ ($0.hasSuffix("/") ? $0 : $0 + "/") + relative }).first(where: FileSystem.exists) else {
                if found.isEmpty || names.contains(name) {
                    throw SchemeError(.misc, who: "with-imported-modules", message: "no module (\(name.joined(separator: " "))) on the load path to ship into the build",
                                      hint: "build-side modules live in the channel, under cairn/build/; the load path is " + loadPath.joined(separator: ":"))
                }
                continue  // a module of the language itself, such as (srfi srfi-1)
            }
            try ensureReadable(file)
            found.append((relative, file))
            pending += try usedModules(file)
        }
        return found.sorted { $0.0 < $1.0 }
    }

    /// The modules a file's `define-module` form uses (`#:use-module`, `#:autoload`).
    static func usedModules(_ file: String) throws -> [[String]] {
        guard let text = SourceText.read(file) else { return [] }
        let forms = (try? Reader.readAll(text: text, file: SourceFile(name: file, text: text))) ?? []
        guard let header = forms.first(where: { $0.asPair.map { Compiler.symbolOf($0.car)?.name == "define-module" } ?? false }),
              let items = header.listElements else { return [] }
        var used: [[String]] = []
        var index = 2
        while index + 1 < items.count {
            if case .keyword(let keyword) = items[index], ["use-module", "autoload"].contains(keyword.name) {
                var spec = items[index + 1]
                // (#:use-module ((a b) #:select (…))) names the module first.
                if case .pair(let pair) = spec, case .pair = pair.car { spec = pair.car }
                if let parts = spec.listElements?.compactMap({ Compiler.symbolOf($0)?.name }), !parts.isEmpty { used.append(parts) }
            }
            index += 1
        }
        return used
    }

    /// A scratch directory tree holding the files, ready to add to the store.
    static func stage(_ files: [(relative: String, file: String)]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.path + "/cairn-modules-\(getpid())-\(UUID().uuidString.prefix(8))"
        for (relative, file) in files {
            let target = directory + "/" + relative
            try FileSystem.createDirectories(FileSystem.directoryName(target))
            try FileSystem.writeAtomically(try FileSystem.readFile(file), to: target, mode: 0o444)
        }
        return directory
    }
}
