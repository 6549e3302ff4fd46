import Basics
import Scheme

/// The fields of a package record as Swift values, read through the
/// channel's accessors (so thunked fields are computed as Guix would).
/// Runs on the Scheme thread.
package struct PackageInfo {
    package struct Input {
        package let label: String
        /// The input when it is a package of the collection (or any package).
        package let package: Value?
        package let output: String?
    }

    package let entry: PackageCollection.Entry
    package let outputs: [String]
    package let inputs: [Input]
    package let nativeInputs: [Input]
    package let propagatedInputs: [Input]
    package let homePage: String?
    package let synopsis: String
    package let description: String
    package let licenses: [String]
    package let properties: Value

    package init(_ entry: PackageCollection.Entry, runtime: Runtime) throws {
        let modules: ModuleRegistry = runtime.modules
        let packages = try modules.resolve(["cairn", "packages"].map { Symbol.intern($0) })
        let licenses = try modules.resolve(["cairn", "licenses"].map { Symbol.intern($0) })
        func call(_ module: Module, _ name: String, _ argument: Value) throws -> Value {
            guard let procedure = module.exports[Symbol.intern(name)]?.value else {
                throw SchemeError(.module, message: "\(module.displayName) does not export \(name)")
            }
            return try runtime.apply(procedure, [argument])
        }
        func text(_ value: Value) -> String? {
            if case .string(let s) = value { return s.string }
            return nil
        }
        func inputs(_ field: String) throws -> [Input] {
            try (try call(packages, field, entry.value).listElements ?? []).compactMap { input in
                guard let parts = input.listElements, parts.count >= 2, let label = text(parts[0]) else { return nil }
                let isPackage = try call(packages, "package?", parts[1]).isTrue
                return Input(label: label, package: isPackage ? parts[1] : nil, output: parts.count > 2 ? text(parts[2]) : nil)
            }
        }
        self.entry = entry
        outputs = (try call(packages, "package-outputs", entry.value).listElements ?? []).compactMap(text)
        self.inputs = try inputs("package-inputs")
        nativeInputs = try inputs("package-native-inputs")
        propagatedInputs = try inputs("package-propagated-inputs")
        homePage = text(try call(packages, "package-home-page", entry.value))
        synopsis = text(try call(packages, "package-synopsis", entry.value)) ?? ""
        description = text(try call(packages, "package-description", entry.value)) ?? ""
        let license = try call(packages, "package-license", entry.value)
        let licenseList = license.listElements ?? [license]
        self.licenses = try licenseList.compactMap { value in
            try call(licenses, "license?", value).isTrue ? text(try call(licenses, "license-name", value)) : nil
        }
        properties = try call(packages, "package-properties", entry.value)
    }

    /// Direct inputs as `guix show` lists dependencies: name@version for
    /// packages, the label otherwise.
    package func dependencies(in collection: PackageCollection) throws -> [String] {
        try (inputs + nativeInputs + propagatedInputs).map { input in
            guard let package = input.package else { return input.label }
            let described = try collection.describe(package)
            return described.fullName + (input.output.map { $0 == "out" ? "" : ":" + $0 } ?? "")
        }
    }
}
