import Basics
import Foundation
import Glibc
@testable import Sandbox
import Testing

/// The root's layout, computed without starting anything.
struct RootPlanTests {
    func spec(_ fixture: Fixture) throws -> SandboxSpec {
        SandboxSpec(
            builder: "/bin/sh", workingDirectory: "/build",
            readOnlyPaths: [.init("/usr"), .init(try fixture.directory("in"), at: "/cairn/store/x-in")],
            writablePaths: [.init(try fixture.directory("build"), at: "/build")])
    }

    func targets(_ plan: RootPlan) -> [String] {
        plan.steps.compactMap {
            if case .bind(_, let at, _) = $0.operation { return at }
            return nil
        }
    }

    @Test("parents are created before what is mounted in them, and the root is made read-only last")
    func order() throws {
        let fixture = try Fixture("plan")
        let plan = try RootPlan(spec(fixture))
        let binds = targets(plan)
        #expect(binds.contains("/usr"))
        #expect(binds.contains("/cairn/store/x-in"))
        #expect(binds.contains("/dev/null"))
        let descriptions = plan.steps.map(\.description)
        let cairn = try #require(descriptions.firstIndex(of: "creating the directory '/cairn'"))
        let store = try #require(descriptions.firstIndex(of: "creating the directory '/cairn/store'"))
        let input = try #require(descriptions.firstIndex { $0.contains("at '/cairn/store/x-in'") })
        #expect(cairn < store && store < input)
        #expect(plan.steps.last?.operation == .remountReadOnly("/"))
        #expect(descriptions.contains("mounting /proc"))
    }

    @Test("inputs are read-only, nosuid, nodev; writable paths nosuid, nodev; devices untouched")
    func attributes() throws {
        let fixture = try Fixture("attrs")
        let plan = try RootPlan(spec(fixture))
        for step in plan.steps {
            guard case .bind(_, let at, let attributes) = step.operation else { continue }
            switch at {
            case "/usr", "/cairn/store/x-in": #expect(attributes == .input)
            case "/build": #expect(attributes == .writable)
            default: #expect(at.hasPrefix("/dev/") && attributes.isEmpty)
            }
        }
    }

    @Test("a read-only input inside a writable path is allowed; inside a read-only one it is not")
    func nesting() throws {
        let fixture = try Fixture("nesting")
        var allowed = try spec(fixture)
        allowed.writablePaths.append(.init(try fixture.directory("store"), at: "/cairn/store"))
        _ = try RootPlan(allowed)

        var refused = try spec(fixture)
        refused.readOnlyPaths.append(.init(try fixture.directory("other"), at: "/usr/share/other"))
        #expect(throws: SandboxError.conflictingPaths(
            "/usr/share/other", "the read-only input '/usr'", "the read-only input '\(fixture.path("other"))'")) {
            try RootPlan(refused)
        }

        var twice = try spec(fixture)
        twice.readOnlyPaths.append(.init(fixture.path("in"), at: "/build"))
        #expect(throws: SandboxError.self) { try RootPlan(twice) }
    }

    @Test("the sandbox's own parts cannot be claimed", arguments: ["/", "/proc", "/dev/null", "/a/../b", "relative"])
    func reserved(_ target: String) throws {
        let fixture = try Fixture("reserved")
        var spec = try spec(fixture)
        spec.readOnlyPaths.append(.init(fixture.path("in"), at: target))
        #expect(throws: SandboxError.self) { try RootPlan(spec) }
    }

    @Test("/etc files are written for the build user; the host network brings the host's resolver files")
    func etcFiles() throws {
        let fixture = try Fixture("etc")
        try fixture.write("etc/resolv.conf", "nameserver 127.0.0.53\n")
        try fixture.write("etc/hosts", "127.0.0.1 host\n")
        var spec = try spec(fixture)
        func written(_ plan: RootPlan) -> [String: String] {
            var files: [String: String] = [:]
            for step in plan.steps {
                if case .writeFile(let path, let contents, _) = step.operation, !contents.isEmpty {
                    files[path] = String(decoding: contents, as: UTF8.self)
                }
            }
            return files
        }
        let isolated = written(try RootPlan(spec, hostEtc: fixture.path("etc")))
        #expect(isolated["/etc/hosts"] == "127.0.0.1 localhost\n::1 localhost\n")
        #expect(isolated["/etc/passwd"]?.contains("cairnbld:x:1000:100:Cairn build user:/homeless-shelter:/noshell") == true)
        #expect(isolated["/etc/group"]?.contains("cairnbld:!:100:") == true)

        spec.network = .host
        let shared = try RootPlan(spec, hostEtc: fixture.path("etc"))
        #expect(written(shared)["/etc/hosts"] == nil)
        #expect(targets(shared).contains("/etc/resolv.conf"))
        #expect(targets(shared).contains("/etc/hosts"))
        #expect(!targets(shared).contains("/etc/services"))
    }

    @Test("bad names and values are refused")
    func validation() throws {
        let fixture = try Fixture("validate")
        var spec = try spec(fixture)
        spec.environment = ["A=B": "x"]
        #expect(throws: SandboxError.self) { try RootPlan(spec) }
        spec.environment = ["A": "x\u{0}y"]
        #expect(throws: SandboxError.self) { try RootPlan(spec) }
        spec.environment = [:]
        spec.hostname = ""
        #expect(throws: SandboxError.self) { try RootPlan(spec) }
        spec.hostname = "localhost"
        spec.builder = "bin/sh"
        #expect(throws: SandboxError.self) { try RootPlan(spec) }
    }

    @Test("the kernel switch that stops namespaces is named in the hint")
    func restrictions() throws {
        let fixture = try Fixture("sysctl")
        let settings = fixture.path("sys")
        #expect(NamespaceRestriction.detect(settings: settings, privileged: false) == nil)
        try fixture.directory("sys/kernel")
        try fixture.directory("sys/user")
        try fixture.write("sys/user/max_user_namespaces", "0\n")
        #expect(NamespaceRestriction.detect(settings: settings, privileged: true)
            == .namespaceLimit(name: "user.max_user_namespaces", value: 0))
        try fixture.write("sys/kernel/apparmor_restrict_unprivileged_userns", "1\n")
        #expect(NamespaceRestriction.detect(settings: settings, privileged: false) == .appArmorRestriction)
        try fixture.write("sys/kernel/unprivileged_userns_clone", "0\n")
        let restriction = NamespaceRestriction.detect(settings: settings, privileged: false)
        #expect(restriction == .unprivilegedCloneDisabled)
        let error = SandboxError.namespacesUnavailable(operation: "clone", code: EPERM, restriction: restriction)
        #expect(error.message == "the kernel refused to create the build sandbox's namespaces (clone: Operation not permitted)")
        #expect(error.hint?.contains("sysctl -w kernel.unprivileged_userns_clone=1") == true)
    }
}
