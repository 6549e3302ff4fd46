import Foundation
import Testing

/// `cairn shell -C`: containers holding only the environment. The package is
/// Debian's static busybox copied into the store (nothing is downloaded), so
/// the container has a shell, `ls`, `wget` and the rest without the host's
/// libraries.
@Suite(.serialized)
struct ContainerTests {
    static let busybox = "/bin/busybox"
    static let hasBusybox = FileManager.default.isExecutableFile(atPath: busybox)
    static let skipNote: Comment = "skipped: no /bin/busybox (Debian's busybox-static, which .ci/run installs)"

    static let module = """
        (define-module (my box)
          #:use-module (guix packages) #:use-module (guix gexp) #:use-module (guix search-paths)
          #:use-module (guix build-system trivial) #:use-module ((guix licenses) #:prefix license:))
        (define-public box
          (package
            (name "box") (version "1.35") (source #f)
            (build-system trivial-build-system)
            (arguments
             (list #:builder
                   #~(let ((bin (string-append #$output "/bin")))
                       (mkdir #$output) (mkdir bin)
                       (copy-file #$(local-file "busybox") (string-append bin "/busybox"))
                       (chmod (string-append bin "/busybox") #o555)
                       (for-each (lambda (name) (symlink "busybox" (string-append bin "/" name)))
                                 '("sh" "ls" "cat" "id" "touch" "wget" "env" "pwd" "echo" "sleep" "true"
                                   "readlink" "test")))))
            (native-search-paths (list $PATH))
            (home-page "https://busybox.net") (synopsis "Tools") (description "Tools.")
            (license license:gpl2)))

        """

    final class Setup {
        let t: Sandbox
        init(_ label: String) throws {
            t = try Sandbox(label)
            try t.write("mods/my/box.scm", ContainerTests.module)
            // Next to the module: evaluation may read only the module directories.
            try FileManager.default.copyItem(atPath: ContainerTests.busybox, toPath: t.path("mods/my/busybox"))
            try t.mkdir("home")
            try t.mkdir("work")
            try t.write("secret.txt", "not for the container\n")
        }

        var home: String { t.path("home") }
        var work: String { t.path("work") }

        /// `cairn shell -L mods ARGS`, run from `directory` (default: work).
        func shell(_ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
            var environment = t.storeEnvironment
            environment["HOME"] = home
            let quoted = ([TestTools.cairn, "shell", "-L", t.path("mods")] + arguments).map(ContainerTests.quote)
            return try TestTools.run("/bin/sh", ["-c", "cd \(ContainerTests.quote(directory ?? work)) && exec " + quoted.joined(separator: " ")],
                                     environment: environment)
        }
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @Test("the container holds the environment, /bin/sh, a minimal /etc and the working directory; only that is writable",
          .enabled(if: hasBusybox, skipNote))
    func contents() throws {
        let s = try Setup("container")
        let listing = try s.shell(["-C", "box", "--", "ls", "/"])
        #expect(listing.status == 0, "\(listing.stderr)")
        // The store, the working directory and the home all lie under /tmp here.
        #expect(listing.lines == ["bin", "dev", "etc", "proc", "sys", "tmp"], "\(listing.output)")
        #expect(try s.shell(["-C", "box", "--", "ls", "/etc"]).lines == ["group", "hosts", "passwd"])
        #expect(try s.shell(["-C", "box", "--", "readlink", "/bin/sh"]).output.hasSuffix("-profile/bin/sh\n"))

        let shadow = try s.shell(["-C", "box", "--", "sh", "-c", "cat /etc/shadow"])
        #expect(shadow.status != 0 && shadow.stderr.contains("/etc/shadow"), "\(shadow.stderr)")
        #expect(try s.shell(["-C", "box", "--", "sh", "-c", "exit 7"]).status == 7)
        #expect(try s.shell(["-C", "box", "--", "id", "-u"]).output == "\(getuid())\n")

        let script = """
            touch made-inside && touch "$HOME/in-home" && touch /tmp/in-tmp || exit 1
            for path in "$CAIRN_ENVIRONMENT/x" "$(readlink /bin/sh)x" /etc/x /x /bin/x /dev/x /proc/x /sys/x; do touch "$path" 2>/dev/null && echo "wrote $path"; done
            test -e "\(s.t.path("secret.txt"))" && echo "sees the host"
            test -e "\(s.t.path("mods"))" && echo "sees the modules"
            echo "$PWD $HOME"; echo done
            """
        let writes = try s.shell(["-C", "box", "--", "sh", "-c", script])
        #expect(writes.status == 0 && writes.output == "\(s.work) \(s.home)\ndone\n", "\(writes.output) \(writes.stderr)")
        #expect(FileManager.default.fileExists(atPath: s.work + "/made-inside"))
        // The home and /tmp in the container are its own, empty and gone after.
        #expect(!FileManager.default.fileExists(atPath: s.home + "/in-home"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/in-tmp"))

        // The init keeps none of cairn's descriptors (the store database
        // among them), and cairn's environment is out of the command's reach.
        let initState = try s.shell(["-C", "box", "--", "sh", "-c", "cat /proc/1/environ 2>/dev/null || echo no-environ; set -- $(ls /proc/1/fd 2>/dev/null); echo $#"])
        // At most the status pipe it reports on.
        #expect(initState.lines.first == "no-environ" && ["0", "1"].contains(initState.lines.last ?? ""), "\(initState.output)")
        try s.t.write("work/script.sh", "#!/bin/sh\necho from-script\n", executable: true)
        #expect(try s.shell(["-C", "box", "--", "./script.sh"]).output == "from-script\n")

        let missing = try s.shell(["-C", "box", "--", "gcc"])
        #expect(missing.status == 127 && missing.stderr.contains("gcc: command not found in the container"), "\(missing.stderr)")
    }

    @Test("-N decides whether the container reaches a server on the host's loopback",
          .enabled(if: hasBusybox, skipNote))
    func network() throws {
        let s = try Setup("container-net")
        try s.t.write("served/page.txt", "served-page\n")
        let server = try LocalServer(directory: s.t.path("served"))
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/page.txt"
        let isolated = try s.shell(["-C", "box", "--", "wget", "-q", "-O", "-", url])
        #expect(isolated.status != 0 && isolated.output.isEmpty, "\(isolated.output)")
        let shared = try s.shell(["-C", "-N", "box", "--", "wget", "-q", "-O", "-", url])
        #expect(shared.status == 0 && shared.output == "served-page\n", "\(shared.stderr)")
        #expect(try s.shell(["-C", "-N", "box", "--", "ls", "/etc"]).lines.contains("resolv.conf") == FileManager.default.fileExists(atPath: "/etc/resolv.conf"))
    }

    @Test("--share, --expose, --no-cwd, -P and -u; bad uses are refused and change nothing",
          .enabled(if: hasBusybox, skipNote))
    func options() throws {
        let s = try Setup("container-opts")
        try s.t.write("data/in.txt", "input\n")
        try s.t.mkdir("results")
        let data = s.t.path("data"), results = s.t.path("results")
        let shared = try s.shell(["-C", "--share=\(results)", "--expose=\(data)=/data", "box", "--", "sh", "-c",
                                  "cat /data/in.txt; touch /data/x 2>/dev/null && echo wrote-exposed; echo out > \(results)/out.txt"])
        #expect(shared.status == 0 && shared.output == "input\n", "\(shared.output) \(shared.stderr)")
        #expect(FileManager.default.contents(atPath: results + "/out.txt") == Data("out\n".utf8))

        let noCwd = try s.shell(["-C", "--no-cwd", "box", "--", "sh", "-c", "pwd; test -e \(s.work) || echo no-cwd"])
        #expect(noCwd.output == "\(s.home)\nno-cwd\n", "\(noCwd.stderr)")

        let linked = try s.shell(["-C", "-P", "box", "--", "sh", "-c", "readlink \"$HOME/.cairn-profile\"; echo \"$CAIRN_ENVIRONMENT\""])
        let links = linked.lines
        #expect(links.count == 2 && links[0] == links[1] && links[0].hasSuffix("-profile"), "\(linked.output) \(linked.stderr)")

        try s.t.mkdir("home/project")
        let user = try s.shell(["-C", "-u", "alice", "box", "--", "sh", "-c", "id -un; id -u; echo \"$HOME\"; pwd"], in: s.home + "/project")
        #expect(user.output == "alice\n1000\n/home/alice\n/home/alice/project\n", "\(user.output) \(user.stderr)")

        let withoutC = try s.shell(["-N", "box", "--", "true"])
        #expect(withoutC.status != 0 && withoutC.stderr.contains("--network can only be used with --container"), "\(withoutC.stderr)")
        let both = try s.shell(["-C", "-F", "-W", "box", "--", "true"])
        #expect(both.status == 2 && both.stderr.contains("--nesting and --emulate-fhs cannot be used together"), "\(both.stderr)")
        let etc = try s.shell(["-C", "--share=/etc", "box", "--", "true"])
        #expect(etc.status == 1 && etc.stderr.contains("cannot share '/etc'") && etc.stderr.contains("hint:"), "\(etc.stderr)")
        // The same path spelled otherwise is the same path.
        let spelled = try s.shell(["-C", "--share=\(results)=//etc/", "box", "--", "true"])
        #expect(spelled.status == 1 && spelled.stderr.contains("it would cover /etc"), "\(spelled.stderr)")
        #expect(!FileManager.default.fileExists(atPath: results + "/passwd"))
        let noSource = try s.shell(["-C", "--share==/data", "box", "--", "true"])
        #expect(noSource.status != 0 && noSource.stderr.contains("--share needs SRC[=DST]"), "\(noSource.stderr)")
        let absent = try s.shell(["-C", "--expose=\(s.t.path("absent"))", "box", "--", "true"])
        #expect(absent.status == 1 && absent.stderr.contains("does not exist"), "\(absent.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.t.path("absent")))
    }

    @Test("-W: cairn works in the container and builds into the same store; without -W it is not there",
          .enabled(if: hasBusybox, skipNote))
    func nesting() throws {
        let s = try Setup("container-nest")
        let expression = "(begin (use-modules (cairn gexp)) (computed-file \"nested\" #~(mkdir #$output)))"
        let nested = try s.shell(["-C", "-W", "box", "--", "cairn", "build", "-e", expression])
        #expect(nested.status == 0 && nested.lines.count == 1, "\(nested.output) \(nested.stderr)")
        let item = nested.lines.first ?? ""
        #expect(item.hasPrefix(s.t.store + "/") && item.hasSuffix("-nested") && FileManager.default.fileExists(atPath: item), "\(item)")
        let without = try s.shell(["-C", "box", "--", "cairn", "--version"])
        #expect(without.status == 127 && without.stderr.contains("cairn: command not found in the container"), "\(without.stderr)")
    }

    @Test("a signal sent to cairn reaches the command, and ends cairn the same way",
          .enabled(if: hasBusybox, skipNote))
    func signals() throws {
        let s = try Setup("container-sig")
        #expect(try s.shell(["-C", "box", "--", "true"]).status == 0)
        let process = Process()
        // The test runner's children may start with SIGTERM ignored, which an
        // exec keeps (as nohup's SIGHUP): restore the default first.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=TERM", TestTools.cairn, "shell", "-L", s.t.path("mods"), "-C", "box", "--", "sh", "-c", "touch started; exec sleep 100"]
        process.currentDirectoryURL = URL(fileURLWithPath: s.work)
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in s.t.storeEnvironment { environment[key] = value }
        environment["HOME"] = s.home
        process.environment = environment
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: s.work + "/started") && Date() < deadline { usleep(20_000) }
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM,
                "\(process.terminationReason) \(process.terminationStatus)")
    }

    @Test("an unprivileged user's container on the rootless /cairn mapping",
          .enabled(if: hasBusybox && UnprivilegedTests.runningAsRoot && TestTools.which("setpriv") != nil,
                   "skipped: needs root (to become nobody), setpriv and /bin/busybox"))
    func unprivileged() throws {
        let s = try Setup("container-user")
        _ = try TestTools.run("/bin/chown", ["-R", "65534:65534", s.t.root.path])
        _ = try TestTools.run("/bin/chmod", ["755", s.t.root.path])
        func asNobody(_ arguments: [String]) throws -> ProcessResult {
            let command = ["env", "HOME=\(s.home)", "XDG_DATA_HOME=\(s.t.path("data"))", "PATH=/usr/bin:/bin",
                           TestTools.cairn, "shell", "-L", s.t.path("mods")] + arguments
            return try TestTools.run(
                "/bin/sh", ["-c", "cd \(Self.quote(s.work)) && exec setpriv --reuid=65534 --regid=65534 --clear-groups --reset-env "
                            + command.map(Self.quote).joined(separator: " ")])
        }
        let script = "touch made-inside && touch /etc/x 2>/dev/null; ls /; id -u; cat /etc/shadow 2>/dev/null || echo no-shadow; exit 7"
        let result = try asNobody(["-C", "box", "--", "sh", "-c", script])
        #expect(result.status == 7, "\(result.stderr)")
        #expect(result.lines == ["bin", "cairn", "dev", "etc", "proc", "sys", "tmp", "65534", "no-shadow"], "\(result.output) \(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: s.work + "/made-inside"))
        #expect(FileManager.default.fileExists(atPath: s.t.path("data/cairn/store")))

        // cairn inside (-W) builds into the user's own store.
        let expression = "(begin (use-modules (cairn gexp)) (computed-file \"nested\" #~(mkdir #$output)))"
        let nested = try asNobody(["-C", "-W", "box", "--", "cairn", "build", "-e", expression])
        #expect(nested.status == 0 && nested.output.hasPrefix("/cairn/store/"), "\(nested.output) \(nested.stderr)")
        let item = nested.output.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("/cairn/store/".count)
        #expect(!item.isEmpty && FileManager.default.fileExists(atPath: s.t.path("data/cairn/store/" + item)), "\(item)")

        // Without -C too; and -N decides the network here as well.
        #expect(try asNobody(["box", "--", "sh", "-c", "exit 3"]).status == 3)
        try s.t.write("served/page.txt", "served-page\n")
        let server = try LocalServer(directory: s.t.path("served"))
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/page.txt"
        #expect(try asNobody(["-C", "box", "--", "wget", "-q", "-O", "-", url]).status != 0)
        let shared = try asNobody(["-C", "-N", "box", "--", "wget", "-q", "-O", "-", url])
        #expect(shared.status == 0 && shared.output == "served-page\n", "\(shared.stderr)")
    }
}

/// busybox httpd serving a directory on 127.0.0.1, on a free port.
final class LocalServer {
    let port: Int
    private let process: Process

    init(directory: String) throws {
        for _ in 0..<20 {
            let candidate = Int.random(in: 20_000..<60_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ContainerTests.busybox)
            process.arguments = ["httpd", "-f", "-p", "127.0.0.1:\(candidate)", "-h", directory]
            try process.run()
            // Serving once a request gets an HTTP answer; gone when the port was taken.
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline {
                let probe = try TestTools.run(ContainerTests.busybox, ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:\(candidate)/"])
                if !probe.stderr.contains("Connection refused") { break }
                usleep(50_000)
            }
            if process.isRunning {
                self.process = process
                port = candidate
                return
            }
        }
        throw POSIXError(.EADDRINUSE)
    }

    func stop() {
        // SIGKILL: the test runner may start its children with SIGTERM ignored.
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }
}
