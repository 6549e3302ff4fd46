import Basics
import Foundation
import Glibc
import Sandbox
import Testing

/// Builds that try to escape the sandbox, and must fail to (ARCHITECTURE.md
/// §1.4; issue 4, "How we will know"). Each script records what it managed;
/// the test checks from the host.
@Suite(.enabled(if: SandboxSupport.available, SandboxSupport.skipComment))
struct IsolationTests {
    @Test("an isolated build cannot reach a server on the host's loopback, yet has its own 127.0.0.1")
    func networkIsolated() throws {
        let listener = try LoopbackListener()
        let fixture = try Fixture("net-off")
        // bash's /dev/tcp connects without any client tool; python3, where the
        // host has it, shows that the sandbox's own loopback is up.
        let script = """
            if exec 3<>/dev/tcp/127.0.0.1/\(listener.port); then echo reached-host; else echo unreachable; fi
            if [ -x /usr/bin/python3 ]; then
              /usr/bin/python3 -c 'import socket
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
            c = socket.create_connection(s.getsockname()); print("loopback-up")'
            else echo loopback-up; fi
            """
        let build = try ShellBuild(fixture, script: script, shell: "/bin/bash")
        let (termination, log) = try build.run()
        #expect(termination == .exited(0), "\(log)")
        #expect(log.contains("unreachable"), "\(log)")
        #expect(!log.contains("reached-host"), "\(log)")
        #expect(log.contains("loopback-up"), "\(log)")
    }

    @Test("a build with the host network reaches the test's server and gets the host's resolver files")
    func networkShared() throws {
        let listener = try LoopbackListener()
        let fixture = try Fixture("net-on")
        let script = """
            exec 3<>/dev/tcp/127.0.0.1/\(listener.port) && echo reached-host
            for f in resolv.conf hosts services nsswitch.conf; do [ -e /etc/$f ] && echo has-$f; done
            """
        var build = try ShellBuild(fixture, script: script, shell: "/bin/bash")
        build.spec.network = .host
        let (termination, log) = try build.run()
        #expect(termination == .exited(0), "\(log)")
        #expect(log.contains("reached-host"), "\(log)")
        for name in ["resolv.conf", "hosts", "services", "nsswitch.conf"] where FileManager.default.fileExists(atPath: "/etc/" + name) {
            #expect(log.contains("has-" + name), "\(log)")
        }
    }

    @Test("host files in /tmp, /root and /home are out of sight")
    func hostFilesHidden() throws {
        let fixture = try Fixture("secrets")
        let secret = try fixture.write("secret", "the host's secret\n")
        chmod(secret, 0o644)
        let script = """
            cat \(secret) && echo LEAK-tmp-file
            [ -e /root ] && echo LEAK-root
            [ -e /home ] && echo LEAK-home
            ls -A /tmp
            ls -A /
            """
        let (termination, log) = try ShellBuild(fixture, script: script).run()
        #expect(termination == .exited(0), "\(log)")
        #expect(!log.contains("LEAK"), "\(log)")
        #expect(!log.contains("the host's secret"), "\(log)")
        let listing = log.split(separator: "\n").map(String.init)
        #expect(listing.contains("cairn-build-test-0"))
        // Only what the sandbox provides and what the test bound.
        let allowed: Set<String> = ["bin", "cairn", "dev", "etc", "lib", "lib64", "proc", "sbin", "tmp", "usr", "cairn-build-test-0"]
        let unexpected = listing.filter { !allowed.contains($0) && !$0.contains("No such file") }
        #expect(unexpected.isEmpty, "\(log)")
    }

    @Test("only the build's own processes are visible; the builder is PID 1")
    func processesHidden() throws {
        let fixture = try Fixture("proc")
        let script = "echo pid=$$; ls /proc > $out/proc; cat /proc/1/cmdline | tr '\\0' ' ' > $out/init"
        let (termination, log) = try ShellBuild(fixture, script: script).run()
        #expect(termination == .exited(0), "\(log)")
        #expect(log.contains("pid=1"))
        let pids = (fixture.read("out/proc") ?? "").split(separator: "\n").filter { Int($0) != nil }
        #expect(pids.contains("1"))
        // The shell, and ls or cat; never the host's hundreds.
        #expect(pids.count <= 3, "\(pids)")
        #expect(fixture.read("out/init")?.hasPrefix("/bin/sh -c") == true)
    }

    @Test("inputs, the store, the root and /dev are read-only")
    func readOnlyInputs() throws {
        let fixture = try Fixture("readonly")
        try fixture.write("input/file", "original\n")
        let input = "/cairn/store/abcdfghijklmnpqrsvwxyz0123456789-input"
        let script = """
            try() { if "$@" 2>/dev/null; then echo "WROTE: $*"; fi; }
            try sh -c 'echo changed > \(input)/file'
            try touch \(input)/new
            try rm -f \(input)/file
            try chmod 777 \(input)/file
            try mkdir /cairn/store/new
            try touch /newfile
            try touch /usr/newfile
            try touch /dev/newfile
            try touch /etc/passwd
            echo done
            """
        var build = try ShellBuild(fixture, script: script)
        build.spec.readOnlyPaths.append(.init(fixture.path("input"), at: input))
        let (termination, log) = try build.run()
        #expect(termination == .exited(0), "\(log)")
        #expect(log.contains("done"), "\(log)")
        #expect(!log.contains("WROTE"), "\(log)")
        #expect(fixture.read("input/file") == "original\n")
        #expect(!FileManager.default.fileExists(atPath: fixture.path("input/new")))
    }

    @Test("no process of the build survives it, whether it ends or is killed")
    func noSurvivors() throws {
        let marker = "cairn-sandbox-survivor-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fixture = try Fixture("survivors")
        // A daemonised grandchild (new session, parent gone) carrying the marker.
        let script = """
            setsid sh -c 'sleep 1000; : \(marker)' > /dev/null 2>&1 &
            sh -c 'sleep 1000; : \(marker)' &
            sleep 0.2
            echo started > $out/started
            """
        let (termination, log) = try ShellBuild(fixture, script: script).run()
        #expect(termination == .exited(0), "\(log)")
        #expect(fixture.read("out/started") == "started\n")
        #expect(SandboxSupport.hostProcesses(containing: marker).isEmpty)

        var waiting = try ShellBuild(fixture, script: "sh -c 'sleep 1000; : \(marker)' & echo up > $out/up; wait")
        let log2 = try OpenFile(fixture.path("log2"), flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o666)
        waiting.spec.standardOutput = log2.fd
        waiting.spec.standardError = log2.fd
        let build = try waiting.spec.start()
        for _ in 0..<200 where fixture.read("out/up") == nil { usleep(10_000) }
        // The builder and its background shell both carry the marker (a shell
        // caught between fork and exec briefly shows the builder's command line
        // a second time, so wait for things to settle and count at least two).
        for _ in 0..<100 where SandboxSupport.hostProcesses(containing: marker).count != 2 { usleep(20_000) }
        #expect(SandboxSupport.hostProcesses(containing: marker).count >= 2)
        build.kill()
        #expect(try build.wait() == .signaled(SIGKILL))
        #expect(SandboxSupport.hostProcesses(containing: marker).isEmpty)
    }

    @Test("descriptors the caller leaves open do not reach the builder")
    func descriptorsClosed() throws {
        let fixture = try Fixture("fds")
        // Opened without O_CLOEXEC on purpose.
        let leaky = open(fixture.path("."), O_RDONLY | O_DIRECTORY)
        defer { close(leaky) }
        let (termination, log) = try ShellBuild(fixture, script: "ls /proc/self/fd").run()
        #expect(termination == .exited(0), "\(log)")
        // 0, 1, 2, and the directory ls itself reads.
        #expect(log.split(separator: "\n").count == 4, "\(log)")
    }
}
