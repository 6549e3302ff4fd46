import ArgumentParser
import Basics
import Packages
import Scheme
import Store
import StoreFormats

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Write the dependency graph of packages in Graphviz's dot language.",
        discussion: """
            Types (-t): package (explicit inputs, the default), reverse-package (what
            depends on PACKAGE, across the collection), bag (inputs including the build
            system's implicit ones), derivation (.drv files and sources), references
            (store references of the built outputs; build them first).

            Examples:
              cairn graph hello | dot -Tsvg > hello.svg
              cairn graph -t bag -M 1 zlib
              cairn graph -t reverse-package glibc
              cairn graph -t derivation hello | dot -Tpdf > hello.pdf
            """)

    enum GraphType: String, ExpressibleByArgument, CaseIterable {
        case package, reversePackage = "reverse-package", bag, derivation, references
    }

    @OptionGroup var global: GlobalOptions

    @OptionGroup var modules: PackageModuleOptions

    @Option(name: [.customShort("t"), .customLong("type")], help: ArgumentHelp(
        "The graph: package, reverse-package, bag, derivation or references.", valueName: "TYPE"))
    var type: GraphType = .package

    @Option(name: [.customShort("M"), .customLong("max-depth")], help: ArgumentHelp(
        "Stop DEPTH edges away from the given packages.", valueName: "DEPTH"))
    var maxDepth: Int?

    @Argument(help: ArgumentHelp("Packages whose graph to draw.", valueName: "PACKAGE"))
    var packages: [String]

    func validate() throws {
        if packages.isEmpty { throw ValidationError("missing PACKAGE argument") }
        if let maxDepth, maxDepth < 0 { throw ValidationError("--max-depth must be 0 or more") }
    }

    /// A graph as nodes (identifier, label) and edges, in first-visit order.
    struct Graph {
        var labels: [String: String] = [:]
        var order: [String] = []
        var edges: [(String, String)] = []

        mutating func node(_ id: String, _ label: String) -> Bool {
            guard labels[id] == nil else { return false }
            labels[id] = label
            order.append(id)
            return true
        }

        func dot(title: String) -> String {
            var text = "digraph \"\(title)\" {\n"
            for id in order {
                text += "  \"\(id)\" [label = \"\(labels[id] ?? id)\", shape = box, fontname = sans];\n"
            }
            for (from, to) in edges { text += "  \"\(from)\" -> \"\(to)\" [color = gray40];\n" }
            return text + "}\n"
        }
    }

    func run() throws {
        let text = try PackageQuery.run(global: global, loadPath: modules.loadPath) { query in
            let roots = try packages.map { try query.collection.resolve($0).entry }
            var graph = Graph()
            switch type {
            case .package, .bag:
                try packageGraph(query, roots: roots, into: &graph, implicit: type == .bag)
            case .reversePackage:
                try reverseGraph(query, roots: roots, into: &graph)
            case .derivation, .references:
                try storeGraph(query, roots: roots, into: &graph, references: type == .references)
            }
            return graph.dot(title: "Cairn \(type.rawValue)")
        }
        try StandardStreams.output.write(text)
    }

    private func within(_ depth: Int) -> Bool { maxDepth.map { depth < $0 } ?? true }

    /// The package inputs of a package: explicit, or those of its bag.
    private func children(_ query: PackageQuery, _ entry: PackageCollection.Entry, implicit: Bool) throws -> [PackageCollection.Entry] {
        if !implicit {
            let info = try query.info(entry)
            return try (info.nativeInputs + info.inputs + info.propagatedInputs).compactMap { try $0.package.map(query.collection.describe) }
        }
        let modules: ModuleRegistry = query.runtime.modules
        let packages = try modules.resolve(["cairn", "packages"].map { Symbol.intern($0) })
        let buildSystem = try modules.resolve(["cairn", "build-system"].map { Symbol.intern($0) })
        func procedure(_ module: Module, _ name: String) throws -> Value {
            guard let value = module.exports[Symbol.intern(name)]?.value else { throw SchemeError(.module, message: "\(module.displayName) lacks \(name)") }
            return value
        }
        let bag = try query.runtime.apply(try procedure(packages, "package->bag"), [entry.value])
        var inputs: [Value] = []
        for accessor in ["bag-build-inputs", "bag-host-inputs"] {
            inputs += try query.runtime.apply(try procedure(buildSystem, accessor), [bag]).listElements ?? []
        }
        let isPackage = try procedure(packages, "package?")
        return try inputs.compactMap { input in
            guard let parts = input.listElements, parts.count >= 2, try query.runtime.apply(isPackage, [parts[1]]).isTrue else { return nil }
            return try query.collection.describe(parts[1])
        }
    }

    /// Node names: name@version, with a suffix for a second package object of
    /// the same name and version (a variant), so the two are not merged.
    final class NodeNames {
        private var names: [ObjectIdentifier: String] = [:]
        private var used: Set<String> = []

        func id(_ entry: PackageCollection.Entry) -> String {
            guard case .record(let record) = entry.value else { return entry.fullName }
            if let known = names[ObjectIdentifier(record)] { return known }
            var name = entry.fullName
            var counter = 2
            while used.contains(name) { name = "\(entry.fullName) (\(counter))"; counter += 1 }
            names[ObjectIdentifier(record)] = name
            used.insert(name)
            return name
        }
    }

    private func packageGraph(_ query: PackageQuery, roots: [PackageCollection.Entry], into graph: inout Graph, implicit: Bool) throws {
        let names = NodeNames()
        var pending = roots.map { ($0, 0) }
        while !pending.isEmpty {
            let (entry, depth) = pending.removeFirst()
            guard graph.node(names.id(entry), entry.fullName), within(depth) else { continue }
            for child in try children(query, entry, implicit: implicit) {
                if !graph.edges.contains(where: { $0 == (names.id(entry), names.id(child)) }) {
                    graph.edges.append((names.id(entry), names.id(child)))
                }
                pending.append((child, depth + 1))
            }
        }
        // Nodes beyond the depth limit are drawn where edges reach them.
        for (_, to) in graph.edges where graph.labels[to] == nil { _ = graph.node(to, to) }
    }

    private func reverseGraph(_ query: PackageQuery, roots: [PackageCollection.Entry], into graph: inout Graph) throws {
        let names = NodeNames()
        var dependents: [String: [PackageCollection.Entry]] = [:]
        for entry in query.collection.entries {
            for child in try children(query, entry, implicit: false) { dependents[names.id(child), default: []].append(entry) }
        }
        var pending = roots.map { ($0, 0) }
        while !pending.isEmpty {
            let (entry, depth) = pending.removeFirst()
            guard graph.node(names.id(entry), entry.fullName), within(depth) else { continue }
            for parent in dependents[names.id(entry)] ?? [] {
                graph.edges.append((names.id(parent), names.id(entry)))
                pending.append((parent, depth + 1))
            }
        }
        for (from, _) in graph.edges where graph.labels[from] == nil { _ = graph.node(from, from) }
    }

    /// Derivations and their inputs, or outputs and their references.
    private func storeGraph(_ query: PackageQuery, roots: [PackageCollection.Entry], into graph: inout Graph, references: Bool) throws {
        let store = query.store
        var pending: [(StorePath, Int)] = []
        for entry in roots {
            for target in try query.evaluator.targets(ofPackage: entry.fullName, in: query.collection) {
                guard case .derivation(let drv, _) = target else { continue }
                if references {
                    for name in drv.derivation.sortedOutputNames {
                        guard let path = drv.derivation.outputs[name]?.path else { continue }
                        guard try store.isValid(path) else { throw GraphError.notBuilt(store.absolute(path), entry.fullName) }
                        pending.append((path, 0))
                    }
                } else {
                    pending.append((drv.path, 0))
                }
            }
        }
        while !pending.isEmpty {
            let (path, depth) = pending.removeFirst()
            let id = store.absolute(path)
            guard graph.node(id, path.name), within(depth) else { continue }
            var next: [StorePath] = []
            if references {
                next = try store.pathInfo(path).references.filter { $0 != path }.sorted { $0.baseName < $1.baseName }
            } else if path.baseName.hasSuffix(".drv") {
                let derivation = try store.readDerivation(at: path)
                next = derivation.inputDerivations.keys.sorted { $0.baseName < $1.baseName }
                    + derivation.inputSources.sorted { $0.baseName < $1.baseName }
            }
            for child in next {
                graph.edges.append((id, store.absolute(child)))
                pending.append((child, depth + 1))
            }
        }
        for (_, to) in graph.edges where graph.labels[to] == nil { _ = graph.node(to, FileSystem.baseName(to)) }
    }
}

enum GraphError: UserFacingError {
    case notBuilt(String, String)

    var message: String {
        switch self {
        case .notBuilt(let path, let package): "'\(path)' of \(package) is not in the store, so it has no references yet"
        }
    }

    var hint: String? {
        switch self {
        case .notBuilt(_, let package): "build it first: cairn build \(package)"
        }
    }

    var description: String { message }
}
