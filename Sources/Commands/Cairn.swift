import ArgumentParser

/// The root command: only the list of sub-commands and the overview.
struct Cairn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "A functional package manager for reproducible, user-controlled software environments.",
        discussion: """
            Cairn keeps software in a content-addressed store (default /cairn/store) whose
            formats match Nix and Guix byte for byte. A user who cannot create /cairn
            needs no set-up: the store is kept in $XDG_DATA_HOME/cairn (~/.local/share/cairn)
            and shown at /cairn in a user namespace of cairn's own. Relocate it with
            --store-dir and --state-dir, or CAIRN_STORE_DIR and CAIRN_STATE_DIR.

            Examples:
              cairn hash -S nar ./src              hash a tree as Nix and Guix do
              cairn store add ./data.csv           add a file to the store
              cairn archive --export -r PATH > b   ship a closure to another machine
              cairn gc -F 10G                      free space until 10 GiB are available
              cairn derivation show FILE.drv       print a derivation as JSON
              cairn build hello                    build GNU hello from source
              cairn show zlib                      describe a package
              cairn search compression             search the package collection
              cairn install hello                  install into ~/.cairn-profile
              cairn package --roll-back            undo the last change to the profile
              cairn shell hello -- hello           run a command in an environment of packages
              cairn graph hello | dot -Tsvg > g.svg  draw its dependencies
              cairn build FILE.drv                 build a derivation in a sandbox
              cairn import debian-seed --index Packages   list the bootstrap seed
            """,
        version: CairnVersion.current,
        subcommands: [
            HashCommand.self, StoreCommand.self, DerivationCommand.self, BuildCommand.self, ArchiveCommand.self,
            GCCommand.self,
            ShowCommand.self, SearchCommand.self, PackageCommand.self, InstallCommand.self, RemoveCommand.self, UpgradeCommand.self, ShellCommand.self, EditCommand.self, GraphCommand.self,
            ReplCommand.self, ImportCommand.self, DescribeCommand.self, PullCommand.self, TimeMachineCommand.self,
        ]
    )
}

package enum CairnVersion {
    package static let current = "0.1.0"
}
