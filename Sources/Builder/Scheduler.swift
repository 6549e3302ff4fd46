import Basics
import Glibc
import Store
import StoreFormats
import Synchronization

/// Realises derivations: walks the graph from the requested ones down to
/// what is already valid, then builds in topological order, up to `maxJobs`
/// at once, each on a thread of its own (a running sandbox blocks its
/// thread; the cooperative pool must not be tied up by it).
///
/// Concurrency between processes: each build first takes the per-output
/// build locks of its outputs (`STATEDIR/locks/builds.lock`, one byte per
/// output, in a global order), then looks again whether they are valid. Two
/// `cairn build` of the same graph thus build each derivation once: the
/// second waits on the lock and then finds the outputs valid.
package final class Scheduler {
    package struct Node: Sendable {
        package let path: StorePath
        package let derivation: Derivation
        /// Derivations of this plan that must be built first.
        package var dependencies: [StorePath]
        /// Rebuild and compare (`--check`), rather than build.
        package var compare: Bool
    }

    /// What has to be done, in topological order (dependencies first).
    package struct Plan {
        package var nodes: [Node]
        package var isEmpty: Bool { nodes.isEmpty }
    }

    private let store: SharedStore
    private let options: BuildOptions
    private let progress: BuildProgress

    package init(store: LocalStore, options: BuildOptions, progress: BuildProgress) {
        self.store = SharedStore(store)
        self.options = options
        self.progress = progress
    }

    // MARK: Planning

    /// The derivations to build for `roots`. Outputs already valid are not
    /// rebuilt (and their inputs not visited), unless `--check` asks to
    /// rebuild the roots.
    package func plan(_ roots: [StorePath]) throws -> Plan {
        var nodes: [StorePath: Node] = [:]
        var order: [StorePath] = []
        var visited: Set<StorePath> = []
        let rootSet = Set(roots)
        // Iterative post-order: a chain of thousands of derivations must not
        // exhaust the stack.
        var stack: [(StorePath, Bool)] = roots.reversed().map { ($0, false) }
        while let (path, expanded) = stack.popLast() {
            if expanded {
                order.append(path)
                continue
            }
            guard visited.insert(path).inserted else { continue }
            guard Derivation.name(ofDerivationAt: path) != nil else {
                throw BuildError.notADerivation(path: path.absolute(in: store.layout.storeDirectory))
            }
            let derivation = try store.with { try $0.readDerivation(at: path) }
            let valid = try outputsValid(derivation)
            let compare = valid && options.check && rootSet.contains(path)
            guard !valid || compare else { continue }
            nodes[path] = Node(path: path, derivation: derivation, dependencies: [], compare: compare)
            stack.append((path, true))
            for input in derivation.inputDerivations.keys.sorted().reversed() where !visited.contains(input) {
                stack.append((input, false))
            }
        }
        var result: [Node] = []
        for path in order {
            guard var node = nodes[path] else { continue }
            node.dependencies = node.derivation.inputDerivations.keys.filter { nodes[$0] != nil }.sorted()
            result.append(node)
        }
        return Plan(nodes: result)
    }

    private func outputsValid(_ derivation: Derivation) throws -> Bool {
        try store.with { store in
            try derivation.outputs.values.allSatisfy { output in
                guard let path = output.path else { return false }
                return try store.isValid(path)
            }
        }
    }

    // MARK: Running

    private enum Event: Sendable {
        case finished(StorePath, (any Error)?)
    }

    /// Runs the plan. Failures are reported as they happen (once each, with
    /// the log); dependents of a failure are skipped. Throws `failures` at
    /// the end if anything failed.
    package func run(_ plan: Plan) throws {
        guard !plan.isEmpty else { return }
        // Debris of killed builds lives in the scratch area; the store sweeps
        // it when no other writer is active. Then the GC lock is held shared
        // for the whole run, so a collector never takes a build's scratch
        // directory or freshly registered outputs for garbage.
        try store.with { store in try store.withWriteLock {} }
        let gcLock = try FileLock(path: store.layout.gcLock)
        if try !gcLock.tryLock(.shared) {
            Diagnostics.info("waiting for the garbage collector to finish...")
            try gcLock.lock(.shared)
        }
        defer { gcLock.unlock() }
        defer { store.mountPoints.remove() }

        var pending: [StorePath: Int] = [:]
        var dependents: [StorePath: [StorePath]] = [:]
        var nodes: [StorePath: Node] = [:]
        for node in plan.nodes {
            nodes[node.path] = node
            pending[node.path] = node.dependencies.count
            for dependency in node.dependencies { dependents[dependency, default: []].append(node.path) }
        }
        var ready = plan.nodes.filter { $0.dependencies.isEmpty }.map(\.path)
        var running = 0
        var failed = 0
        var stopping = false
        let events = EventQueue<Event>()
        progress.setTotal(plan.nodes.count)
        defer { progress.clear() }

        while true {
            while !stopping, running < max(1, options.maxJobs), !ready.isEmpty {
                let path = ready.removeFirst()
                guard let node = nodes[path] else { continue }
                running += 1
                let store = store, options = options, progress = progress
                try startThread {
                    let error = Self.realise(node, store: store, options: options, progress: progress)
                    events.post(.finished(path, error))
                }
            }
            if running == 0 { break }
            guard let event = events.wait(timeout: 1) else {
                progress.redraw()
                continue
            }
            switch event {
            case .finished(let path, let error):
                running -= 1
                progress.finished(path)
                if let error {
                    failed += 1
                    progress.print(Self.render(error))
                    if !options.keepGoing { stopping = true }
                    // Dependents are skipped: the failure was reported once.
                    var skipped = dependents[path] ?? []
                    while let next = skipped.popLast() {
                        guard pending.removeValue(forKey: next) != nil else { continue }
                        failed += 1
                        progress.finished(next)
                        skipped += dependents[next] ?? []
                    }
                } else {
                    for dependent in dependents[path] ?? [] {
                        guard let count = pending[dependent] else { continue }
                        pending[dependent] = count - 1
                        if count == 1 { ready.append(dependent) }
                    }
                }
            }
        }
        if failed > 0 { throw BuildError.failures(count: failed) }
    }

    private static func render(_ error: any Error) -> String {
        guard let error = error as? any UserFacingError else { return "cairn: error: \(error)\n" }
        return "cairn: error: \(error.message)\n" + (error.hint.map { "hint: \($0)\n" } ?? "")
    }

    /// On the build's own thread: lock, look again, build (and compare for
    /// `--rounds`), unlock.
    private static func realise(_ node: Node, store: SharedStore, options: BuildOptions, progress: BuildProgress) -> (any Error)? {
        do {
            let outputs = node.derivation.outputs.values.compactMap(\.path)
            let locks = try RangeLockSet(file: store.layout.locks + "/builds.lock", keys: outputs.map(\.hashPart))
            defer { locks.unlock() }
            let valid = try store.with { store in try outputs.allSatisfy { try store.isValid($0) } }
            if valid && !node.compare { return nil }
            progress.started(node.path, name: node.derivation.name)
            let build = DerivationBuild(
                store: store, path: node.path, derivation: node.derivation, options: options, progress: progress)
            try build.run(compare: node.compare)
            if !node.compare {
                for _ in 1..<max(1, options.rounds) { try build.run(compare: true) }
            }
            return nil
        } catch {
            return error
        }
    }
}

/// Events from the build threads to the scheduler's thread.
private final class EventQueue<Event: Sendable>: @unchecked Sendable {
    private let events = Mutex<[Event]>([])
    private let semaphore: UnsafeMutablePointer<sem_t>

    init() {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    func post(_ event: Event) {
        events.withLock { $0.append(event) }
        sem_post(semaphore)
    }

    /// The next event, or nil after `timeout` seconds without one.
    func wait(timeout: Int) -> Event? {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        deadline.tv_sec += timeout
        while sem_timedwait(semaphore, &deadline) != 0 {
            if errno == EINTR { continue }
            return nil
        }
        return events.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}

private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// Runs `body` on a new detached thread with a generous stack.
private func startThread(_ body: @escaping @Sendable () -> Void) throws {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    pthread_attr_setstacksize(&attributes, 8 << 20)
    var thread = pthread_t()
    let code = pthread_create(&thread, &attributes, { raw in
        guard let raw else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, context)
    if code != 0 {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        throw SystemError("start a build thread for", "the scheduler", code: code)
    }
}
