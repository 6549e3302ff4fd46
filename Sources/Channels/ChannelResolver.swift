import Basics

/// From the channels a file asks for to the channels a command uses:
/// each fetched (only when its commit is not at hand), authenticated,
/// checked out, and joined by the channels it depends on.
package struct ChannelResolver {
    package let cache: RepositoryCache
    /// Checks each commit against the channel's introduction; nil skips
    /// authentication (`--disable-authentication`).
    package var authenticate: ((ChannelSpec, _ commit: String, _ repository: String) throws -> Void)?

    package init(cache: RepositoryCache, authenticate: ((ChannelSpec, String, String) throws -> Void)?) {
        self.cache = cache
        self.authenticate = authenticate
    }

    /// One instance per channel, in the order given, then dependencies the
    /// list does not name (a channel named twice keeps its first mention).
    package func instantiate(_ specs: [ChannelSpec]) throws -> ChannelSet {
        var pending = specs
        var instances: [ChannelInstance] = []
        var seen = Set<String>()
        while !pending.isEmpty {
            let spec = pending.removeFirst()
            guard seen.insert(spec.name).inserted else { continue }
            let (instance, metadata) = try instantiate(spec)
            instances.append(instance)
            let dependencies = metadata.dependencies.filter { !seen.contains($0.name) }
            // Code an authenticated channel pulls in is authenticated too.
            if authenticate != nil, spec.introduction != nil, let bare = dependencies.first(where: { $0.introduction == nil }) {
                throw ChannelError.unauthenticatedDependency(channel: spec.name, dependency: bare.name)
            }
            pending += dependencies
        }
        return ChannelSet(channels: instances)
    }

    private func instantiate(_ spec: ChannelSpec) throws -> (ChannelInstance, ChannelMetadata) {
        let tree: String, commit: String
        // A full commit whose tree is already here needs neither git nor the
        // network: `time-machine` to a pinned commit starts at once.
        // Authentication keeps its own record of verified commits, so it
        // costs nothing either on the second run.
        if let pinned = spec.commit, Self.isFullCommit(pinned), FileSystem.isDirectory(cache.treeDirectory(of: pinned.lowercased())),
           authenticate == nil || spec.introduction == nil || FileSystem.isDirectory(cache.repository(for: spec.url)) {
            commit = pinned.lowercased()
            tree = cache.treeDirectory(of: commit)
            if let authenticate { try authenticate(spec, commit, cache.repository(for: spec.url)) }
        } else {
            let resolved = try cache.resolve(spec, commit: spec.commit)
            commit = resolved.commit
            if let authenticate { try authenticate(spec, commit, resolved.repository) }
            tree = try cache.tree(of: commit, repository: resolved.repository, channel: spec.name)
        }
        let metadata = try ChannelMetadata.read(tree: tree, channel: spec.name)
        let given = metadata.directory.map { tree + "/" + $0 } ?? tree
        guard FileSystem.isDirectory(given) else { throw ChannelError.missingModules(channel: spec.name, directory: metadata.directory ?? ".") }
        // A symbolic link as the module directory would make a host
        // directory the channel (and readable to its code): it must stay inside.
        guard let modules = FileSystem.realPath(given), let root = FileSystem.realPath(tree),
              modules == root || modules.hasPrefix(root + "/") else {
            throw ChannelError.modulesOutsideTree(channel: spec.name, directory: metadata.directory ?? ".")
        }
        let description = ChannelDescription(name: spec.name, url: spec.url, branch: spec.branch, commit: commit,
                                             introduction: spec.introduction)
        return (ChannelInstance(description: description, modules: modules), metadata)
    }

    package static func isFullCommit(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64) && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0 | 0x20) }
    }
}
