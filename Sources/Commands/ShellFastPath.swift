import Basics
import Packages
import Profiles
import Store

/// `cairn shell` on a cache hit, without the argument parser: building the
/// parser's picture of every command (reflection over their options) took
/// about a third of a cache hit's time. Only the common shapes are taken
/// here (packages, -m, -L, --pure, -E, -C, -N); anything else, a cache miss
/// or any error goes back to the full command, which does the same work and
/// reports problems as usual.
enum ShellFastPath {
    struct Parsed: Equatable {
        var packages: [String] = []
        var manifests: [String] = []
        var loadPath: [String] = []
        var preserve: [String] = []
        var pure = false
        var container = false
        var network = false
    }

    /// Returns only when the fast path does not apply; otherwise the command
    /// runs in place of this process.
    static func run(_ arguments: [String], command: [String]) {
        guard let parsed = parse(arguments), !parsed.packages.isEmpty || !parsed.manifests.isEmpty,
              !parsed.network || parsed.container else { return }
        var request = ShellRequest()
        request.specifications = parsed.packages
        request.manifestFiles = parsed.manifests.map(ProcessEnvironment.absolutePath)
        guard let layout = try? GlobalOptions.layout(storeDirectory: nil, stateDirectory: nil),
              let cache = ShellCache.standard(),
              let item = cache.lookup(ShellCache.key(ShellCommand.cacheKeyParts(request, layout: layout, loadPath: parsed.loadPath))),
              let preserve = try? ShellCommand.regexes(parsed.preserve) else { return }
        var shell: String?
        if parsed.container && !FileSystem.exists(item + "/bin/sh") {
            guard let built = cache.lookup(ShellCommand.containerShellKey(layout: layout, loadPath: parsed.loadPath)) else { return }
            shell = built
        }
        let container = parsed.container ? ContainerSettings(network: parsed.network) : nil
        ShellCommand.command = command
        do {
            try ShellCommand.enter(item, layout: layout, pure: parsed.pure, preserve: preserve, container: container, shell: shell)
        } catch {
            // Reported by the full command, which meets the same error.
            return
        }
    }

    /// The arguments (after `shell`, before `--`) when all are of the shapes
    /// taken here; nil otherwise.
    static func parse(_ arguments: [String]) -> Parsed? {
        var parsed = Parsed()
        var index = 0
        func value(_ argument: String, _ long: String) -> String? {
            if argument.hasPrefix(long + "=") { return String(argument.dropFirst(long.count + 1)) }
            index += 1
            // A value that looks like an option is the full parser's to judge.
            guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--pure": parsed.pure = true
            case "-C", "--container": parsed.container = true
            case "-N", "--network": parsed.network = true
            case "-m", "--manifest", _ where argument.hasPrefix("--manifest="):
                guard let file = value(argument, "--manifest") else { return nil }
                parsed.manifests.append(file)
            case "-L", "--load-path", _ where argument.hasPrefix("--load-path="):
                guard let directory = value(argument, "--load-path") else { return nil }
                parsed.loadPath.append(directory)
            case "-E", "--preserve", _ where argument.hasPrefix("--preserve="):
                guard let pattern = value(argument, "--preserve") else { return nil }
                parsed.preserve.append(pattern)
            default:
                guard !argument.hasPrefix("-"), !argument.isEmpty else { return nil }
                parsed.packages.append(argument)
            }
            index += 1
        }
        return parsed
    }
}
