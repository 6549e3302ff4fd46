import ArgumentParser

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Add, inspect, dump and restore store items.",
        discussion: """
            Examples:
              cairn store add ./results            add a tree (as nix-store --add)
              cairn store add --flat data.csv      add one file, addressed by its bytes
              cairn store info /cairn/store/…-results --format=json
              cairn store dump ./results > results.nar
              cairn store restore ./copy < results.nar
            """,
        subcommands: [StoreAddCommand.self, StoreDumpCommand.self, StoreRestoreCommand.self, StoreInfoCommand.self]
    )
}
