import ArgumentParser

struct DerivationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "derivation",
        abstract: "Inspect derivations (.drv files).",
        discussion: """
            Examples:
              cairn derivation show /cairn/store/…-hello-2.12.drv
              cairn derivation show -r ./hello.drv     also every input derivation
            """,
        subcommands: [DerivationShowCommand.self]
    )
}
