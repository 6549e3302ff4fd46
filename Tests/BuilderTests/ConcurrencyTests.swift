import Basics
import Foundation
import Glibc
import Store
import StoreFormats
import Testing

/// Crashes, concurrent `cairn build` processes and builds by an
/// unprivileged user.
@Suite(.serialized)
struct ConcurrencyTests {
    @Test("SIGKILL of cairn build mid-build leaves nothing registered; a rerun succeeds and sweeps the debris")
    func killedMidBuild() throws {
        let t = try BuildStore("sigkill")
        let tmp = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        // Process directories there already (this test process's own, if it built in-process).
        func processDirectories() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).filter { $0.hasPrefix("cairn-builds-") })
        }
        let before = processDirectories()
        let drv = try t.derivation("sleeper", "echo started; sleep 3.1417; echo done > $out")
        let running = try Tools.start(Tools.cairn, ["build", t.absolute(drv)], environment: t.environment)
        // Wait until the builder runs (its output reaches the log being written).
        let deadline = Date().addingTimeInterval(30)
        while !running.stderrSoFar.contains("building") && Date() < deadline { usleep(50_000) }
        usleep(500_000)
        kill(running.process.processIdentifier, SIGKILL)
        _ = try running.finish()
        let out = try t.output(drv)
        #expect(try !t.isValid(out))
        #expect(!FileManager.default.fileExists(atPath: out))
        usleep(200_000)
        #expect(hostSleepers().isEmpty, "the builder died with cairn")
        let debris = try FileManager.default.contentsOfDirectory(atPath: t.root + "/store/.tmp")
        #expect(!debris.isEmpty, "the killed build left its scratch directory")

        // Each process keeps its builds' directories in a cairn-builds-TOKEN of its own.
        func ownedEntries(_ prefix: String) -> [String] {
            let owners = ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).filter {
                $0.hasPrefix("cairn-builds-") && !$0.hasSuffix(".lock")
            }
            return owners.flatMap { owner in
                ((try? FileManager.default.contentsOfDirectory(atPath: tmp + "/" + owner)) ?? [])
                    .filter { $0.hasPrefix(prefix) }
            }
        }
        func buildDirectories() -> [String] { ownedEntries("sleeper-") }
        #expect(!buildDirectories().isEmpty, "the killed build left its build directory")
        #expect(!ownedEntries("cairn-sandbox-").isEmpty, "its sandbox was staged in the process's directory")
        let rerun = try t.build(drv)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(t.read(out) == "done\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.root + "/store/.tmp").isEmpty)
        #expect(buildDirectories().isEmpty, "the rerun swept the build directory and its lock")
        // Nor is anything of the killed process left in TMPDIR: its sandbox
        // staging directory lived in its own directory, swept with it.
        let leftovers = processDirectories().subtracting(before)
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("two concurrent cairn build of one graph build each derivation once")
    func concurrentBuildsShare() throws {
        let t = try BuildStore("concurrent")
        let a = try t.derivation("shared-a", "sleep 1; echo a > $out")
        let b = try t.derivation("shared-b", "sleep 1; echo b > $out", inputs: [a: ["out"]])
        let c = try t.derivation("shared-c", "echo c > $out", inputs: [a: ["out"], b: ["out"]])
        let first = try Tools.start(Tools.cairn, ["build", t.absolute(c)], environment: t.environment)
        let second = try Tools.start(Tools.cairn, ["build", t.absolute(c)], environment: t.environment)
        let results = [try first.finish(), try second.finish()]
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.lines == [try t.output(c)])
        }
        // Each process says "building 'NAME'..." when it builds; one of them
        // found the outputs valid after waiting on the lock instead.
        let stderr = results.map(\.stderr).joined()
        for name in ["shared-a", "shared-b", "shared-c"] {
            #expect(stderr.components(separatedBy: "building '\(name)'").count == 2, "\(stderr)")
        }
    }

    static let runningAsRoot = getuid() == 0
    static let canDropPrivileges = !runningAsRoot || Tools.which("setpriv") != nil

    @Test("an unprivileged user builds in a store of their own, sandboxed",
          .enabled(if: canDropPrivileges, "skipped: running as root without setpriv (util-linux)"))
    func unprivilegedBuild() throws {
        let t = try BuildStore("rootless")
        let dep = try t.derivation("user-dep", "echo dep > $out")
        let drv = try t.derivation("user-build", "id -u > $out; cat \(try t.output(dep)) >> $out", inputs: [dep: ["out"]])
        let arguments = ["build", "-M", "2", t.absolute(drv)]
        let result: ProcessResult
        if Self.runningAsRoot {
            _ = try Tools.run("/bin/chown", ["-R", "65534:65534", t.root])
            let env = t.environment.map { "\($0.key)=\($0.value)" }
            result = try Tools.run(
                "/usr/bin/env",
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--reset-env", "env",
                 "HOME=/nonexistent"] + env + [Tools.cairn] + arguments)
        } else {
            result = try t.cairn(arguments)
        }
        if result.stderr.contains("refused to create the build sandbox's namespaces") {
            Issue.record("unprivileged user namespaces are refused here: \(result.stderr)")
            return
        }
        #expect(result.status == 0, "\(result.stderr)")
        // Inside, the build user is 1000 (as in Nix); outside, the files are the user's.
        #expect(t.read(try t.output(drv)) == "1000\ndep\n")
        var st = stat()
        #expect(lstat(try t.output(drv), &st) == 0 && st.st_uid == (Self.runningAsRoot ? 65534 : getuid()))
    }

    func hostSleepers() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.hasPrefix("sleep 3.1417") ? line : nil
        }
    }
}
