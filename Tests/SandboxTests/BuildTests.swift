import Basics
import Foundation
import Glibc
import Sandbox
import Testing

/// What a build may rely on: its outputs, its exact environment, its identity,
/// its exit status, and errors that say what went wrong.
@Suite(.enabled(if: SandboxSupport.available, SandboxSupport.skipComment))
struct BuildTests {
    @Test("outputs written inside are on the host afterwards")
    func outputsVisible() throws {
        let fixture = try Fixture("outputs")
        let script = "mkdir $out/bin && echo built > $out/bin/result && echo scratch > $TMPDIR/scratch"
        let (termination, log) = try ShellBuild(fixture, script: script).run()
        #expect(termination == .exited(0), "\(log)")
        #expect(fixture.read("out/bin/result") == "built\n")
        #expect(fixture.read("build/scratch") == "scratch\n")
    }

    @Test("a writable store directory takes a single-file output beside read-only inputs")
    func fileOutputInWritableStore() throws {
        let fixture = try Fixture("store")
        try fixture.write("input/data", "input data\n")
        let input = "/cairn/store/abcdfghijklmnpqrsvwxyz0123456789-input"
        let output = "/cairn/store/0123456789abcdfghijklmnpqrsvwxyz-file"
        var build = try ShellBuild(fixture, script: "cat \(input)/data > $out && touch \(input)/x 2>/dev/null || echo input-read-only")
        build.spec.environment["out"] = output
        build.spec.writablePaths = [
            .init(try fixture.directory("build"), at: ShellBuild.buildDirectory),
            .init(try fixture.directory("store"), at: "/cairn/store"),
        ]
        build.spec.readOnlyPaths.append(.init(fixture.path("input"), at: input))
        let (termination, log) = try build.run()
        #expect(termination == .exited(0), "\(log)")
        #expect(log.contains("input-read-only"))
        #expect(fixture.read("store/0123456789abcdfghijklmnpqrsvwxyz-file") == "input data\n")
    }

    @Test("the environment is exactly the given one")
    func exactEnvironment() throws {
        let fixture = try Fixture("env")
        var build = try ShellBuild(fixture, script: "")
        build.spec.builder = "/usr/bin/env"
        build.spec.arguments = []
        build.spec.environment = ["out": ShellBuild.output, "PATH": "/path-not-set", "NAME": "value with spaces=and equals"]
        let (termination, log) = try build.run()
        #expect(termination == .exited(0), "\(log)")
        #expect(log == "NAME=value with spaces=and equals\nPATH=/path-not-set\nout=\(ShellBuild.output)\n")
    }

    @Test("the builder runs as the build user, in its directory, on host 'localhost'")
    func identity() throws {
        let fixture = try Fixture("identity")
        let script = "id -u; id -g; id -un; id -G; uname -n; pwd; grep -c . /etc/passwd; cat /etc/hosts; umask"
        let (termination, log) = try ShellBuild(fixture, script: script).run()
        #expect(termination == .exited(0), "\(log)")
        let lines = log.split(separator: "\n").map(String.init)
        #expect(lines.prefix(3) == ["1000", "100", "cairnbld"], "\(log)")
        // As root the caller's supplementary groups are dropped; an ordinary
        // user keeps them (shown as the overflow gid), which the kernel allows
        // no way around.
        #expect(lines.count > 3 && lines[3].hasPrefix("100"), "\(log)")
        #expect(Array(lines.dropFirst(4).prefix(2)) == ["localhost", ShellBuild.buildDirectory], "\(log)")
        #expect(log.contains("127.0.0.1 localhost"))
        #expect(lines.last == "0022")
    }

    @Test("the builder has no capabilities and cannot gain any")
    func noCapabilities() throws {
        let fixture = try Fixture("caps")
        let script = "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status"
        let (termination, log) = try ShellBuild(fixture, script: script).run()
        #expect(termination == .exited(0), "\(log)")
        for line in log.split(separator: "\n") where line.hasPrefix("Cap") {
            #expect(line.hasSuffix("0000000000000000"), "\(line)")
        }
        #expect(log.contains("NoNewPrivs:\t1"), "\(log)")
    }

    @Test("exit statuses and signals come back", arguments: [0, 1, 42, 255])
    func exitStatus(_ status: Int32) throws {
        let fixture = try Fixture("exit")
        let (termination, _) = try ShellBuild(fixture, script: "exit \(status)").run()
        #expect(termination == .exited(status))
        #expect(termination.succeeded == (status == 0))
    }

    @Test("a killed build reports the signal")
    func killed() throws {
        let fixture = try Fixture("killed")
        let build = try ShellBuild(fixture, script: "exec sleep 1000").spec.start()
        build.kill(SIGKILL)
        #expect(try build.wait() == .signaled(SIGKILL))
        #expect(SandboxTermination.signaled(SIGKILL).description.contains("signal 9"))
    }

    @Test("an FHS root provides /bin, /usr and /etc, with the sandbox's own passwd")
    func fhsRoot() throws {
        let fixture = try Fixture("fhs")
        var build = try ShellBuild(fixture, script: "grep -c . /etc/passwd; grep cairnbld /etc/passwd; [ -e /etc/os-release ] && echo has-os-release")
        build.spec.readOnlyPaths = []
        build.spec.fhsRoot = "/"
        let (termination, log) = try build.run()
        #expect(termination == .exited(0), "\(log)")
        #expect(log.hasPrefix("3\n"), "\(log)")
        #expect(log.contains("cairnbld:x:1000:100"))
        if FileManager.default.fileExists(atPath: "/etc/os-release") { #expect(log.contains("has-os-release")) }
    }

    // MARK: - Errors

    @Test("a builder that is not in the sandbox gives a typed error with a hint")
    func missingBuilder() throws {
        let fixture = try Fixture("no-builder")
        var build = try ShellBuild(fixture, script: "")
        build.spec.builder = "/cairn/store/nothing-here/bin/builder"
        #expect(throws: SandboxError.builderNotRunnable(build.spec.builder, code: ENOENT)) { try build.run() }
        let error = SandboxError.builderNotRunnable(build.spec.builder, code: ENOENT)
        #expect(error.message == "cannot run the builder '/cairn/store/nothing-here/bin/builder' in the build sandbox: No such file or directory")
        #expect(error.hint?.contains("read-only inputs") == true)
    }

    @Test("a working directory that does not exist inside is named")
    func missingWorkingDirectory() throws {
        let fixture = try Fixture("no-cwd")
        var build = try ShellBuild(fixture, script: "true")
        build.spec.workingDirectory = "/nowhere"
        #expect(throws: SandboxError.workingDirectoryUnavailable("/nowhere", code: ENOENT)) { try build.run() }
    }

    @Test("missing and overlapping paths are refused before anything starts")
    func badSpecs() throws {
        let fixture = try Fixture("bad")
        var missing = try ShellBuild(fixture, script: "true")
        missing.spec.readOnlyPaths.append(.init(fixture.path("absent")))
        #expect(throws: SandboxError.missingPath(fixture.path("absent"), role: "read-only input")) { try missing.run() }

        var nested = try ShellBuild(fixture, script: "true")
        nested.spec.writablePaths.append(.init(try fixture.directory("w"), at: "/usr/local/out"))
        #expect { try nested.run() } throws: { error in
            guard case SandboxError.conflictingPaths(let target, _, _) = error else { return false }
            return target == "/usr/local/out"
        }

        var relative = try ShellBuild(fixture, script: "true")
        relative.spec.readOnlyPaths.append(.init("/usr", at: "usr"))
        #expect { try relative.run() } throws: { error in
            guard case SandboxError.invalidSpec(let what) = error else { return false }
            return what.contains("absolute")
        }
    }

    @Test("a mount that fails inside the child is reported with its step and reason",
          .enabled(if: getuid() == 0, "skipped: needs root to make a path the parent sees and the build user does not"))
    func childMountFailure() throws {
        // The parent (root, with capabilities) can stat the input; the child
        // has capabilities only in its own user namespace, so the host's
        // permissions stop its bind mount.
        let fixture = try Fixture("locked")
        try fixture.write("locked/input/file", "x")
        chown(fixture.path("locked"), 65534, 65534)
        chmod(fixture.path("locked"), 0o700)
        var build = try ShellBuild(fixture, script: "true")
        let source = fixture.path("locked/input")
        build.spec.readOnlyPaths.append(.init(source, at: "/input"))
        #expect { try build.run() } throws: { error in
            guard let error = error as? SandboxError, case .setupFailed(_, let code, _) = error else { return false }
            return code == EACCES
                && error.message == "bind-mounting '\(source)' read-only at '/input' in the build sandbox failed: Permission denied"
        }
    }
}
