import ArgumentParser
import Basics
import Sandbox
import Store
import StoreFormats

/// Options every command takes (`--store-dir`, `--state-dir`, `-v`).
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("store-dir"), help: ArgumentHelp(
        "The store directory (default: $CAIRN_STORE_DIR or /cairn/store; for a user who may not create /cairn, $XDG_DATA_HOME/cairn/store shown at /cairn/store).", valueName: "DIR"))
    var storeDirectory: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp(
        "The state directory: database, roots, logs (default: $CAIRN_STATE_DIR or /cairn/var).", valueName: "DIR"))
    var stateDirectory: String?

    @Option(name: [.customShort("v"), .customLong("verbosity")], help: ArgumentHelp(
        "How much to report: 0 quiet, 1 normal, 2 and up more detail.", valueName: "LEVEL"))
    var verbosity: Int = 1

    func apply() {
        Diagnostics.verbosity = verbosity
    }

    func layout() throws -> StoreLayout {
        try Self.layout(storeDirectory: storeDirectory, stateDirectory: stateDirectory)
    }

    /// The layout from the options' values (nil: the environment or default).
    static func layout(storeDirectory: String?, stateDirectory: String?) throws -> StoreLayout {
        let environment = ProcessEnvironment.self
        let store = storeDirectory ?? environment.value("CAIRN_STORE_DIR") ?? "/cairn/store"
        let state = stateDirectory ?? environment.value("CAIRN_STATE_DIR") ?? "/cairn/var"
        let absoluteStore = ProcessEnvironment.absolutePath(store)
        let absoluteState = ProcessEnvironment.absolutePath(state)
        // Before anything else runs (threads would make the kernel refuse the
        // namespace): an unprivileged user's store is shown at /cairn.
        try RootlessMapping.prepare(store: absoluteStore, state: absoluteState)
        let directory: StoreDirectory
        do {
            directory = try StoreDirectory(absoluteStore)
        } catch {
            throw StoreError.storeUnavailable(path: store, reason: error.message)
        }
        return StoreLayout(storeDirectory: directory, stateDirectory: absoluteState)
    }

    func openStore() throws -> LocalStore {
        apply()
        return try LocalStore(layout: layout())
    }
}
