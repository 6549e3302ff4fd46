import Basics
import Foundation
import Glibc
import Store
import StoreFormats
import Testing

/// `cairn build` on derivations registered in a temporary store, each run by
/// the built binary in its own process, as users run it.
@Suite(.serialized)
struct BuildCommandTests {
    @Test("a simple build produces its output, canonical and registered with its deriver and log")
    func simpleBuild() throws {
        let t = try BuildStore("simple")
        let drv = try t.derivation("hello", "mkdir $out; echo hello > $out/greeting; chmod 755 $out/greeting; echo built")
        let result = try t.build(drv)
        #expect(result.status == 0, "\(result.stderr)")
        let out = try t.output(drv)
        #expect(result.lines == [out])
        #expect(t.read(out + "/greeting") == "hello\n")
        let info = try t.store.pathInfo(try t.storeDirectory.parse(out))
        #expect(info.deriver == drv)
        #expect(info.references.isEmpty)
        var st = stat()
        #expect(lstat(out + "/greeting", &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o555)
        #expect(st.st_mtim.tv_sec == 1)
        #expect(lstat(out, &st) == 0 && st.st_mode & 0o7777 == 0o555)
        // The log is kept compressed, where --log-file says.
        let log = try t.cairn(["build", "--log-file", t.absolute(drv)])
        #expect(log.status == 0)
        let logPath = try #require(log.lines.first)
        #expect(logPath.hasSuffix(".bz2") && logPath.contains("/log/drvs/"))
        let text = try Tools.run("/bin/bzcat", [logPath])
        #expect(text.stdout == "built\n")
        // Again: nothing to build, the same path.
        let again = try t.build(drv)
        #expect(again.status == 0 && again.lines == [out])
        #expect(!again.stderr.contains("building"))
    }

    @Test("multiple outputs are all built and registered together")
    func multipleOutputs() throws {
        let t = try BuildStore("multi")
        let drv = try t.derivation("multi", "echo lib > $out; mkdir $dev; echo $out > $dev/ref", outputs: ["out", "dev"])
        let result = try t.build(drv)
        #expect(result.status == 0, "\(result.stderr)")
        let (out, dev) = (try t.output(drv), try t.output(drv, "dev"))
        #expect(result.lines == [dev, out])
        #expect(t.read(out) == "lib\n")
        let devInfo = try t.store.pathInfo(try t.storeDirectory.parse(dev))
        #expect(devInfo.references == [try t.storeDirectory.parse(out)])
    }

    @Test("a chain of derivations builds inputs first; references are exactly those found")
    func chainAndReferences() throws {
        let t = try BuildStore("chain")
        let a = try t.derivation("a", "echo a > $out")
        let b = try t.derivation("b", "echo unused > $out")
        let aOut = try t.output(a), bOut = try t.output(b)
        let c = try t.derivation(
            "c", "mkdir $out; cat \(aOut) > $out/copy; echo \(aOut) > $out/path; echo $out > $out/self",
            inputs: [a: ["out"], b: ["out"]])
        let result = try t.build(c, options: ["-M", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let cOut = try t.output(c)
        #expect(t.read(cOut + "/copy") == "a\n")
        let info = try t.store.pathInfo(try t.storeDirectory.parse(cOut))
        #expect(info.references == [try t.storeDirectory.parse(aOut), try t.storeDirectory.parse(cOut)].sorted())
        #expect(try t.isValid(bOut))
    }

    @Test("fixed-output derivations, flat and recursive, are verified; a mismatch names both hashes")
    func fixedOutputs() throws {
        let t = try BuildStore("fixed")
        try "payload\n".write(toFile: t.root + "/payload", atomically: true, encoding: .utf8)
        let source = try t.store.add(t.root + "/payload", name: "payload")
        let flatHash = Hash.compute(.sha256, of: Array("payload\n".utf8))
        let flat = try t.derivation(
            "flat", "cat \(t.absolute(source)) > $out", sources: [source],
            fixed: FixedOutputHash(method: .flat, hash: flatHash))
        let built = try t.build(flat)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(t.read(try t.output(flat)) == "payload\n")

        // Recursive: the NAR hash of a tree with the file.
        try FileManager.default.createDirectory(atPath: t.root + "/tree", withIntermediateDirectories: true)
        try "payload\n".write(toFile: t.root + "/tree/file", atomically: true, encoding: .utf8)
        chmod(t.root + "/tree/file", 0o644)
        let narHash = try LocalStore.narHash(of: t.root + "/tree").hash
        let recursive = try t.derivation(
            "recursive", "mkdir $out; cat \(t.absolute(source)) > $out/file", sources: [source],
            fixed: FixedOutputHash(method: .recursive, hash: narHash))
        let builtRecursive = try t.build(recursive)
        #expect(builtRecursive.status == 0, "\(builtRecursive.stderr)")

        let wrong = try t.derivation(
            "wrong", "echo other > $out", fixed: FixedOutputHash(method: .flat, hash: flatHash))
        let failed = try t.build(wrong)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("hash mismatch in fixed-output derivation"))
        #expect(failed.stderr.contains("specified: \(flatHash.encoded(.sri))"))
        #expect(failed.stderr.contains("got: \(Hash.compute(.sha256, of: Array("other\n".utf8)).encoded(.sri))"))
        #expect(try !t.isValid(try t.output(wrong)))
    }

    @Test("a missing output is an error naming it; nothing is registered")
    func missingOutput() throws {
        let t = try BuildStore("missing")
        let drv = try t.derivation("half", "echo x > $out", outputs: ["out", "doc"])
        let result = try t.build(drv)
        #expect(result.status == 1)
        #expect(result.stderr.contains("did not produce its output 'doc'"))
        #expect(try !t.isValid(try t.output(drv)))
        #expect(!FileManager.default.fileExists(atPath: try t.output(drv)))
    }

    @Test("allowedReferences and disallowedReferences are enforced")
    func referenceRules() throws {
        let t = try BuildStore("refrules")
        let dep = try t.derivation("dep", "echo dep > $out")
        try #require(try t.build(dep).status == 0)
        let depOut = try t.output(dep)
        let refers = "echo \(depOut) > $out"
        let allowedNone = try t.derivation("allowed-none", refers, inputs: [dep: ["out"]], environment: ["allowedReferences": ""])
        let result = try t.build(allowedNone)
        #expect(result.status == 1)
        #expect(result.stderr.contains("refers to '\(depOut)', which its allowedReferences forbids"), "\(result.stderr)")
        let allowedDep = try t.derivation("allowed-dep", refers, inputs: [dep: ["out"]], environment: ["allowedReferences": depOut])
        #expect(try t.build(allowedDep).status == 0)
        let disallowed = try t.derivation("disallowed", refers, inputs: [dep: ["out"]], environment: ["disallowedReferences": depOut])
        let refused = try t.build(disallowed)
        #expect(refused.status == 1 && refused.stderr.contains("disallowedReferences"))
        #expect(try !t.isValid(try t.output(disallowed)))
    }

    @Test("a failing build registers nothing and names its log; -K keeps the build directory")
    func failingBuild() throws {
        let t = try BuildStore("fail")
        let drv = try t.derivation("broken", "echo partial > $out; echo oops >&2; echo scratch > note; exit 3")
        let result = try t.build(drv)
        #expect(result.status == 1)
        #expect(result.stderr.contains("builder for '\(t.absolute(drv))' failed: it exited with status 3"))
        #expect(result.stderr.contains("hint: the build log is in '"))
        #expect(try !t.isValid(try t.output(drv)))
        #expect(!FileManager.default.fileExists(atPath: try t.output(drv)))
        let log = BuildLogPath.of(t, drv)
        #expect(try Tools.run("/bin/bzcat", [log]).stdout == "oops\n")
        #expect((try FileManager.default.contentsOfDirectory(atPath: t.root + "/store/.tmp")).isEmpty)

        let kept = try t.build(drv, options: ["-K"])
        #expect(kept.status == 1)
        let line = try #require(kept.stderr.split(separator: "\n").first { $0.contains("keeping build directory") })
        let directory = String(line.split(separator: "'")[1])
        // Moved out of the process's own directory of builds, which is gone.
        #expect(directory.hasPrefix((ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/cairn-build-broken-"), "\(directory)")
        #expect(t.read(directory + "/note") == "scratch\n")
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test("--check passes a deterministic build and catches a non-deterministic one")
    func check() throws {
        let t = try BuildStore("check")
        let stable = try t.derivation("stable", "echo same > $out")
        let varying = try t.derivation("varying", "date +%N > $out")
        #expect(try t.build(stable, varying).status == 0)
        #expect(try t.build(stable, options: ["--check"]).status == 0)
        let result = try t.build(varying, options: ["--check", "-K"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("may not be deterministic"), "\(result.stderr)")
        #expect(result.stderr.contains("(the output itself)"))
        let kept = try t.output(varying) + ".check"
        #expect(FileManager.default.fileExists(atPath: kept))
        let rounds = try t.build(try t.derivation("rounds", "date +%N > $out"), options: ["--rounds=2"])
        #expect(rounds.status == 1 && rounds.stderr.contains("may not be deterministic"))
    }

    @Test("setuid and setgid bits and write bits are stripped from outputs")
    func setuidStripped() throws {
        let t = try BuildStore("setuid")
        let drv = try t.derivation("suid", "mkdir $out; echo x > $out/tool; chmod 6777 $out/tool; mkdir -m 1777 $out/dir")
        #expect(try t.build(drv).status == 0)
        var st = stat()
        #expect(lstat(try t.output(drv) + "/tool", &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o555)
        #expect(lstat(try t.output(drv) + "/dir", &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o555)
    }

    @Test("a build cannot write to its inputs or elsewhere in the store")
    func storeIsProtected() throws {
        let t = try BuildStore("protect")
        let dep = try t.derivation("dep", "echo dep > $out")
        try #require(try t.build(dep).status == 0)
        let depOut = try t.output(dep)
        let store = t.root + "/store"
        let drv = try t.derivation(
            "writer",
            "echo x > \(depOut) 2>/dev/null && echo wrote-input; echo x > \(t.absolute(t.shell))/bin/new 2>/dev/null && echo wrote-shell; echo x > \(store)/intruder; echo done > $out",
            inputs: [dep: ["out"]])
        let result = try t.build(drv)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(t.read(depOut) == "dep\n")
        #expect(!FileManager.default.fileExists(atPath: store + "/intruder"))
        #expect(!FileManager.default.fileExists(atPath: t.absolute(t.shell) + "/bin/new"))
        let log = try Tools.run("/bin/bzcat", [BuildLogPath.of(t, drv)]).stdout
        #expect(!log.contains("wrote-input") && !log.contains("wrote-shell"))
    }

    @Test("a process the builder leaves running does not survive the build")
    func noSurvivors() throws {
        let t = try BuildStore("survivor")
        let marker = "4242\(getpid() % 1000)"
        let drv = try t.derivation("daemon", "sleep \(marker) & echo ok > $out")
        #expect(try t.build(drv).status == 0)
        let survivors = hostProcesses(containing: "sleep \(marker)")
        #expect(survivors.isEmpty, "\(survivors)")
    }

    @Test("--timeout and --max-silent-time kill the build")
    func timeouts() throws {
        let t = try BuildStore("timeout")
        let drv = try t.derivation("slow", "sleep 30; echo > $out")
        let started = Date()
        let result = try t.build(drv, options: ["--timeout", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("took longer than 1 seconds"))
        let silent = try t.build(drv, options: ["--max-silent-time", "1"])
        #expect(silent.stderr.contains("printed nothing for 1 seconds"))
        #expect(Date().timeIntervalSince(started) < 20)
    }

    @Test("-n lists what would be built; --keep-going builds what it can")
    func dryRunAndKeepGoing() throws {
        let t = try BuildStore("dry")
        let bad = try t.derivation("bad", "exit 1")
        let good = try t.derivation("good", "echo > $out")
        let top = try t.derivation("top", "echo > $out", inputs: [bad: ["out"]])
        let dry = try t.build(top, good, options: ["-n"])
        #expect(dry.status == 0)
        #expect(Set(dry.lines.map { $0.trimmingCharacters(in: .whitespaces) }) == Set([bad, top, good].map(t.absolute)))
        let result = try t.build(top, good, options: ["-k"])
        #expect(result.status == 1)
        #expect(result.stderr.components(separatedBy: "failed: it exited").count == 2)
        #expect(result.stderr.contains("2 derivations failed to build"))
        #expect(try t.isValid(try t.output(good)))
    }

    @Test("usage errors exit 2; a non-derivation is refused with a hint")
    func usage() throws {
        let t = try BuildStore("usage")
        #expect(try t.cairn(["build"]).status == 2)
        let notDrv = try t.cairn(["build", t.absolute(t.shell)])
        #expect(notDrv.status == 1 && notDrv.stderr.contains("is not a derivation"))
        #expect(notDrv.stderr.contains("hint:"))
        let help = try t.cairn(["build", "--help"])
        #expect(help.stdout.contains("Examples:"))
    }

    func hostProcesses(containing marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains(marker) ? "\(pid): \(line)" : nil
        }
    }
}

enum BuildLogPath {
    static func of(_ t: BuildStore, _ drv: StorePath) -> String {
        let base = drv.baseName
        return "\(t.root)/var/log/drvs/\(base.prefix(2))/\(base.dropFirst(2)).bz2"
    }
}

@Suite(.serialized)
struct BuildOutputTests {
    @Test("-v 2 streams build logs to stderr; -q prints only the output paths")
    func verbosity() throws {
        let t = try BuildStore("verbosity")
        let loud = try t.derivation("loud", "echo line-from-the-builder; echo > $out")
        let streamed = try t.build(loud, options: ["-v", "2"])
        #expect(streamed.status == 0)
        #expect(streamed.stderr.contains("line-from-the-builder"))
        let quiet = try t.build(try t.derivation("quiet", "echo chatter; echo > $out"), options: ["-q"])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        #expect(quiet.lines.count == 1)
    }
}
