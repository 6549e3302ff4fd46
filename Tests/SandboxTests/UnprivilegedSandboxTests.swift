import Basics
import Foundation
import Glibc
import Sandbox
import Testing

/// Cairn is rootless by default (ARCHITECTURE.md §1.3): the sandbox must work
/// for a user with no privileges at all. When the tests run as an ordinary
/// user, every other test already covers this; as root, these run the
/// sandbox from a thread switched to `nobody` (see `onThread(asUser:)`).
@Suite(.enabled(if: SandboxSupport.available, SandboxSupport.skipComment))
struct UnprivilegedSandboxTests {
    static let nobody: uid_t = 65534

    @Test("as nobody: outputs, identity, hidden processes and no network",
          .enabled(if: getuid() == 0, "skipped: not root; the other tests already run unprivileged"))
    func unprivilegedBuild() throws {
        let listener = try LoopbackListener()
        let fixture = try Fixture("nobody")
        let script = """
            id -u > $out/uid; id -g >> $out/uid
            ls /proc | grep -c '^[0-9]' > $out/procs
            (exec 3<>/dev/tcp/127.0.0.1/\(listener.port)) 2>/dev/null && echo LEAK-network
            touch /usr/x 2>/dev/null && echo LEAK-write
            echo done
            """
        let build = try ShellBuild(fixture, script: script, shell: "/bin/bash")
        try fixture.give(to: Self.nobody, Self.nobody)
        let (termination, log) = try onThread(asUser: Self.nobody, Self.nobody) {
            // Prove the thread really is unprivileged before trusting the result.
            guard geteuid() == Self.nobody else { throw SandboxError.invalidSpec("the thread is still root") }
            return try build.run()
        }
        #expect(termination == .exited(0), "\(log)")
        #expect(log == "done\n", "\(log)")
        #expect(fixture.read("out/uid") == "1000\n100\n")
        #expect(Int((fixture.read("out/procs") ?? "").filter(\.isNumber)) ?? 99 <= 3)
        // Files the build made belong to the caller outside.
        var st = stat()
        #expect(stat(fixture.path("out/uid"), &st) == 0 && st.st_uid == Self.nobody)
        #expect(geteuid() == 0, "the test process itself must stay root")
    }

    @Test("as nobody: a killed build leaves nothing behind",
          .enabled(if: getuid() == 0, "skipped: not root; the other tests already run unprivileged"))
    func unprivilegedKill() throws {
        let marker = "cairn-sandbox-nobody-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fixture = try Fixture("nobody-kill")
        let build = try ShellBuild(fixture, script: "sh -c 'sleep 1000; : \(marker)' & echo up > $out/up; wait")
        try fixture.give(to: Self.nobody, Self.nobody)
        let termination = try onThread(asUser: Self.nobody, Self.nobody) { () throws -> SandboxTermination in
            let running = try build.spec.start()
            for _ in 0..<200 where fixture.read("out/up") == nil { usleep(10_000) }
            running.kill()
            return try running.wait()
        }
        #expect(termination == .signaled(SIGKILL))
        #expect(SandboxSupport.hostProcesses(containing: marker).isEmpty)
    }
}
