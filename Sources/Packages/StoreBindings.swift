import Basics
import Scheme
import Store
import StoreFormats

/// `(cairn core store)`: the store primitives channel code builds on
/// (ARCHITECTURE.md §2, Packages). Unlike Guix's, they take no store
/// argument: an evaluation has one store, its `StoreSession`.
///
///     (add-text-to-store NAME TEXT [REFERENCES])  => "/cairn/store/…-NAME"
///     (add-to-store NAME FILE [RECURSIVE?])       => "/cairn/store/…-NAME"
///     (derivation NAME BUILDER ARGS #:inputs #:env-vars #:outputs
///                 #:hash #:hash-algo #:recursive? #:system) => #<derivation …>
///     (derivation->output-path DRV [OUTPUT])  (derivation-file-name DRV)
///     (base32 "…") => bytevector        (%current-system)  %store-directory
package enum StoreBindings {
    package static func register(on runtime: Runtime, session: StoreSession) {
        unowned(unsafe) let runtime = runtime
        runtime.modules.registerNative([["cairn", "core", "store"]]) { module in
            install(into: module, session: session, runtime: runtime)
        }
    }

    static func install(into module: Module, session: StoreSession, runtime: Runtime) {
        unowned(unsafe) let runtime = runtime
        func define(_ name: String, _ primitive: Primitive) { module.define(Symbol.intern(name), .procedure(primitive)) }
        let directory = session.storeDirectory
        module.define(Symbol.intern("%store-directory"), .string(directory.path))
        // A parameter, as in Guix: (parameterize ((%current-system "…")) …).
        module.define(Symbol.intern("%current-system"), .procedure(Parameter(value: .string(session.system), converter: nil)))
        // (%resolve-specification "name[@version][:output]") => (PACKAGE . OUTPUT-or-#f),
        // what specification->package and specifications->manifest build on.
        define("%resolve-specification", Primitive("%resolve-specification") { v in
            let spec = try v.expectString("specification->package", 1).string
            guard let resolve = session.resolveSpecification else {
                throw SchemeError(.misc, who: "specification->package", message: "no package collection is loaded here to look up \(spec) in")
            }
            do {
                let (package, output) = try resolve(spec)
                return .pair(Pair(package, output.map { .string(SString($0)) } ?? .false))
            } catch let error as any UserFacingError {
                throw SchemeError(.misc, who: "specification->package", message: error.message, hint: error.hint)
            }
        })
        // (%channel-provenance) => ((repository (version 0) (url …) (commit …)) …):
        // what manifest entries record, as Guix's `provenance' property.
        var provenance: Value?
        define("%channel-provenance", Primitive("%channel-provenance") {
            if let provenance { return provenance }
            let texts = session.channelProvenance?() ?? []
            let forms = try texts.map { text -> Value in
                try Reader.readAll(text: text, file: SourceFile(name: "<channel provenance>", text: text)).first ?? .null
            }
            let list = forms.reversed().reduce(Value.null) { .pair(Pair($1, $0)) }
            provenance = list
            return list
        })
        define("store-path?", Primitive("store-path?") { v in
            guard case .string(let s) = v else { return .false }
            return .boolean((try? directory.parse(s.string)) != nil)
        })
        define("add-text-to-store", Primitive("add-text-to-store", arity: 2, 3) { args in
            let name = try args[0].expectString("add-text-to-store", 1).string
            let text = try args[1].expectString("add-text-to-store", 2).string
            let references = try (args.count > 2 ? args[2].listElements ?? [] : []).map { try storePath($0, directory, "add-text-to-store") }
            return try storeErrors("add-text-to-store") {
                .string(try session.addText(name: name, text: text, references: references).absolute(in: directory))
            }
        })
        define("add-to-store", Primitive("add-to-store", arity: 2, 3) { args in
            let name = try args[0].expectString("add-to-store", 1).string
            let file = try args[1].expectString("add-to-store", 2).string
            let recursive = args.count > 2 ? args[2].isTrue : true
            // `local-file` lands here: under confinement a manifest cannot
            // copy /etc/shadow into the store (nor hash it into a path).
            try runtime.ensureReadable(file)
            return try storeErrors("add-to-store") {
                FileReads.observer?(ProcessEnvironment.absolutePath(file))
                return .string(try session.addFile(name: name, path: file, recursive: recursive).absolute(in: directory))
            }
        })
        // (add-modules-to-store NAME '((cairn build utils) …)) => a store
        // directory holding those modules and the ones they use, as a/b/c.scm.
        define("add-modules-to-store", Primitive("add-modules-to-store") { nameValue, modules in
            let name = try nameValue.expectString("add-modules-to-store", 1).string
            let names = try (modules.listElements ?? []).map { module -> [String] in
                guard let parts = module.listElements?.compactMap({ Compiler.symbolOf($0)?.name }), !parts.isEmpty else {
                    throw SchemeError.wrongType(procedure: "add-modules-to-store", position: 2, expected: "list of module names", got: module)
                }
                return parts
            }
            let files = try ModuleImport.closure(of: names, loadPath: runtime.modules.loadPath, ensureReadable: runtime.ensureReadable)
            for file in files { FileReads.observer?(ProcessEnvironment.absolutePath(file.file)) }
            let staged = try ModuleImport.stage(files)
            defer { _ = try? FileSystem.removeTree(staged) }
            return try storeErrors("add-modules-to-store") {
                .string(try session.addFile(name: name, path: staged, recursive: true).absolute(in: directory))
            }
        })
        define("derivation", Primitive("derivation", arity: 3, nil) { args in
            let template = try DerivationArguments.parse(args, session: session)
            return try storeErrors("derivation") { .object(HostObject(try session.add(template))) }
        })
        define("derivation?", Primitive("derivation?") { v in
            if case .object(let host as HostObject) = v, host.value is DerivationObject { return .true }
            return .false
        })
        define("derivation-file-name", Primitive("derivation-file-name") { v in
            .string(try derivationObject(v, "derivation-file-name").fileName)
        })
        define("derivation-name", Primitive("derivation-name") { v in
            .string(try derivationObject(v, "derivation-name").derivation.name)
        })
        define("derivation-output-names", Primitive("derivation-output-names") { v in
            .list(try derivationObject(v, "derivation-output-names").derivation.sortedOutputNames.map { .string($0) })
        })
        define("derivation->output-path", Primitive("derivation->output-path", arity: 1, 2) { args in
            let drv = try derivationObject(args[0], "derivation->output-path")
            return .string(try drv.outputPath(args.count > 1 ? try args[1].expectString("derivation->output-path", 2).string : "out"))
        })
        define("base32", Primitive("base32") { v in
            let text = try v.expectString("base32", 1).string
            do {
                return .bytevector(SBytevector(try NixBase32.decode(text)))
            } catch {
                throw SchemeError(.misc, who: "base32", message: "\"\(text)\" is not a nix-base32 string", irritants: [v],
                                  hint: "a SHA-256 in nix-base32 has 52 characters from 0123456789abcdfghijklmnpqrsvwxyz")
            }
        })
        define("bytevector->nix-base32-string", Primitive("bytevector->nix-base32-string") { v in
            guard case .bytevector(let bytes) = v else { throw SchemeError.wrongType(procedure: "bytevector->nix-base32-string", position: 1, expected: "bytevector", got: v) }
            return .string(NixBase32.encode(bytes.bytes))
        })
    }

    static func derivationObject(_ value: Value, _ who: String) throws -> DerivationObject {
        guard case .object(let host as HostObject) = value, let drv = host.value as? DerivationObject else { throw SchemeError.wrongType(procedure: who, position: 1, expected: "derivation", got: value) }
        return drv
    }

    static func storePath(_ value: Value, _ directory: StoreDirectory, _ who: String) throws -> StorePath {
        let text = try value.expectString(who, 1).string
        do {
            return try directory.parse(text)
        } catch {
            throw SchemeError(.misc, who: who, message: "\(text) is not a store path", irritants: [value],
                              hint: "store paths look like \(directory.path)/<32 characters>-NAME")
        }
    }

    /// Store and format errors as Scheme errors, so a `guard` in channel code
    /// can catch them and the report shows the Scheme call that failed.
    static func storeErrors<T>(_ who: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SchemeError {
            throw error
        } catch let error as any UserFacingError {
            throw SchemeError(.misc, who: who, message: "\(who): \(error.message)", hint: error.hint)
        } catch {
            throw SchemeError(.misc, who: who, message: "\(who): \(error)")
        }
    }
}
