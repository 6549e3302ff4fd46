import Foundation
import Testing

/// `(cairn build utils)` as build scripts use it: each test writes a script,
/// runs it with the build-side runner in a temporary directory, and checks
/// what it printed and the files it left. Guix's `(guix build utils)` is the
/// reference for names, arguments and results.
@Suite struct BuildUtilsTests {
    @Test("substitute* replaces every match on a line, binds groups (and `_`), edits each file of a list, keeps the mode")
    func substituteStar() throws {
        let t = try UtilsScratch("substitute")
        try t.write("a.conf", "x=1 y=2 x=3\nkeep me\nx=40\n", mode: 0o640)
        try t.write("b.conf", "hello world\n")
        let result = try t.run(#"""
            (use-modules (cairn build utils))
            (substitute* "a.conf"
              (("(x|y)=([0-9]+)" all name value) (string-append name "<" value ">"))
              (("(k)(eep)" _ k rest) (string-append rest k)))
            (substitute* (list "a.conf" "b.conf") (("o") "0") (("^") "> "))
            (substitute* "b.conf" (("(q)?(w)" all q w) (if q "Q" (string-upcase w))))
            """#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try t.read("a.conf") == "> x<1> y<2> x<3>\n> eepk me\n> x<40>\n")
        #expect(try t.read("b.conf") == "> hell0 W0rld\n")
        #expect(try t.mode("a.conf") == 0o640)
        // The replacement goes through a temporary file, which must not stay.
        #expect(try t.entries() == ["a.conf", "b.conf", "script.scm"])
    }

    @Test("find-files returns sorted names, matches regexps on the base name, can list directories and follow symlinks")
    func findFiles() throws {
        let t = try UtilsScratch("find-files")
        for file in ["t/z.so", "t/b/lib.so.1", "t/a/c/x.so", "t/B.so", "t/a/y.txt"] { try t.write(file, file) }
        try FileManager.default.createSymbolicLink(atPath: t.path + "/t/link", withDestinationPath: "a")
        let result = try t.run(#"""
            (use-modules (cairn build utils))
            (write (find-files "t")) (newline)
            (write (find-files "t" "\\.so$")) (newline)
            (write (find-files "t" "^[ab]$" #:directories? #t)) (newline)
            (write (find-files "t/link" "\\.so$" #:stat stat)) (newline)
            (write (find-files "t" (lambda (file st) (eq? 'symlink (stat:type st))))) (newline)
            (write (find-files "missing")) (newline)
            """#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines == [
            #"("t/B.so" "t/a/c/x.so" "t/a/y.txt" "t/b/lib.so.1" "t/link" "t/z.so")"#,
            #"("t/B.so" "t/a/c/x.so" "t/z.so")"#,
            #"("t/a" "t/b")"#,
            #"("t/link/c/x.so")"#,
            #"("t/link")"#,
            "()",
        ])
        // Guix reports an unreadable or missing directory and goes on.
        #expect(result.stderr.contains("find-files: missing: No such file or directory"))
    }

    @Test("copy-recursively keeps symlinks as symlinks, file modes and (when asked) modification times")
    func copyRecursively() throws {
        let t = try UtilsScratch("copy")
        try t.write("src/bin/tool", "#!/bin/sh\n", mode: 0o751)
        try t.write("src/share/data", "data", mode: 0o600)
        try FileManager.default.createSymbolicLink(atPath: t.path + "/src/link", withDestinationPath: "share/data")
        try FileManager.default.createSymbolicLink(atPath: t.path + "/src/dangling", withDestinationPath: "/nonexistent")
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: t.path + "/src/share")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 2000)], ofItemAtPath: t.path + "/src/share/data")
        let result = try t.run(#"""
            (use-modules (cairn build utils))
            (copy-recursively "src" "dst" #:keep-mtime? #t)
            (copy-recursively "src" "followed" #:follow-symlinks? #t #:log (open-output-string))
            """#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("`src/bin/tool' -> `dst/bin/tool'"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: t.path + "/dst/link") == "share/data")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: t.path + "/dst/dangling") == "/nonexistent")
        #expect(try t.mode("dst/bin/tool") == 0o751)
        #expect(try t.mode("dst/share/data") == 0o600)
        // Directories get fresh modes (umask 022 here), as in Guix: a copy of a
        // read-only store tree must stay writable.
        #expect(try t.mode("dst/share") == 0o755)
        #expect(try t.modificationTime("dst/share/data") == 2000)
        #expect(try t.read("dst/share/data") == "data")
        // Following symlinks copies what they point to; a dangling one is reported.
        #expect(try t.type("followed/link") == .typeRegular)
        #expect(try t.read("followed/link") == "data")
        #expect(result.stderr.contains("i/o error: src/dangling"))
    }

    @Test("invoke returns #t, raises an error naming the program and status, and the runner exits 1 when nothing catches it")
    func invoke() throws {
        let t = try UtilsScratch("invoke")
        let caught = try t.run(#"""
            (use-modules (cairn build utils))
            (write (invoke "true")) (newline)
            (write (guard (c ((invoke-error? c)
                              (list (invoke-error-program c) (invoke-error-arguments c)
                                    (invoke-error-exit-status c) (invoke-error-term-signal c))))
                     (invoke "sh" "-c" "exit 3"))) (newline)
            (write (guard (c ((invoke-error? c) (invoke-error-term-signal c)))
                     (invoke "sh" "-c" "kill -9 $$"))) (newline)
            (write (guard (c ((invoke-error? c) (invoke-error-exit-status c)))
                     (invoke "cairn-no-such-program"))) (newline)
            (write (guard (c ((invoke-error? c) 'invoke) (#t 'other)) (error "unrelated"))) (newline)
            (guard (c ((invoke-error? c) (report-invoke-error c (current-output-port))))
              (invoke "false" "a b"))
            """#)
        #expect(caught.status == 0, "\(caught.stderr)")
        #expect(caught.lines == [
            "#t",
            #"("sh" ("-c" "exit 3") 3 #f)"#,
            "9",
            "127",
            "other",
            #"command "false" "a b" failed with status 1"#,
        ])
        let uncaught = try t.run(#"""
            (use-modules (cairn build utils))
            (invoke "sh" "-c" "exit 7")
            (display "not reached")
            """#)
        #expect(uncaught.status == 1)
        #expect(uncaught.stderr.contains(#"program "sh" exited with status 7"#), "\(uncaught.stderr)")
        #expect(!uncaught.stdout.contains("not reached"))

        // The runner's primitives behave as Guile's: a program that cannot
        // start is a child that exited 127; (stat FILE #f) is #f for no file.
        let primitives = try t.run(#"""
            (write (list (status:exit-val (system* "cairn-no-such-program")) (stat "/no/such/file" #f) (vector? (stat "/" #f))))
            """#)
        #expect(primitives.stdout == "(127 #f #t)", "\(primitives.stderr)")
        #expect(primitives.stderr.contains("In execvp of cairn-no-such-program: No such file or directory"))
    }

    @Test("wrap-program moves the program to .NAME-real and its wrapper sets =, prefix and suffix variables")
    func wrapProgram() throws {
        let t = try UtilsScratch("wrap")
        try t.write("out/bin/hello", "#!/bin/sh\necho \"FOO=$FOO PATH=$PATH LIST=$LIST EXTRA=$EXTRA\"\n", mode: 0o755)
        let result = try t.run(#"""
            (use-modules (cairn build utils))
            (wrap-program "out/bin/hello" #:sh "/bin/sh"
                          '("FOO" = ("a" "b"))
                          '("PATH" prefix ("/opt/bin"))
                          '("LIST" ";" suffix ("/x" "/y")))
            (invoke "out/bin/hello")
            ;; A second wrap adds to the wrapper instead of wrapping it.
            (wrap-program "out/bin/hello" '("EXTRA" = ("e")))
            (invoke "out/bin/hello")
            (write (guard (c (#t 'refused)) (wrap-program "out/bin/.hello-real" '("X" = ("y"))))) (newline)
            """#, environment: ["PATH": "/usr/bin:/bin", "LIST": "/orig"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines == [
            "FOO=a:b PATH=/opt/bin:/usr/bin:/bin LIST=/orig;/x;/y EXTRA=",
            "FOO=a:b PATH=/opt/bin:/usr/bin:/bin LIST=/orig;/x;/y EXTRA=e",
            "refused",
        ])
        #expect(try t.read("out/bin/.hello-real").hasPrefix("#!/bin/sh\necho"))
        let wrapper = try t.read("out/bin/hello")
        #expect(wrapper.hasPrefix("#!/bin/sh\n"))
        #expect(wrapper.hasSuffix("exec \"\(t.path)/out/bin/.hello-real\" \"$@\"\n"), "\(wrapper)")
        #expect(try t.mode("out/bin/hello") == 0o755)
        #expect(try t.entries("out/bin") == [".hello-real", "hello"])
    }

    @Test("patch-shebang points #! at the interpreter of the same name in the directories given, keeping mode and mtime")
    func patchShebang() throws {
        let t = try UtilsScratch("shebang")
        try t.write("tools/sh", "#!/bin/sh\n", mode: 0o755)
        try t.write("tools/python3", "#!/bin/sh\n", mode: 0o755)
        try t.write("script", "#!/bin/sh -e\necho hi\n", mode: 0o754)
        try t.write("env-script", "#! /usr/bin/env python3 -u\nprint(1)\n", mode: 0o755)
        try t.write("perl-script", "#!/usr/bin/perl\n", mode: 0o755)
        try t.write("text", "no shebang\n", mode: 0o644)
        try t.write("bin/a", "#!/bin/sh\n", mode: 0o755)
        try t.write("bin/b", "#!/usr/bin/env sh\n", mode: 0o755)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1000)], ofItemAtPath: t.path + "/script")
        let tools = t.path + "/tools"
        let result = try t.run(#"""
            (use-modules (cairn build utils))
            (define tools (list "\#(tools)"))
            (write (map (lambda (f) (patch-shebang f tools)) '("script" "env-script" "perl-script" "text"))) (newline)
            (write (patch-shebang "script" tools)) (newline)
            (write (patch-directory-shebangs '("bin" "missing") tools)) (newline)
            """#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines == ["(#t #t #f #f)", "#f", #"("bin/a" "bin/b")"#])
        #expect(try t.read("script") == "#!\(tools)/sh -e\necho hi\n")
        #expect(try t.read("env-script") == "#!\(tools)/python3 -u\nprint(1)\n")
        #expect(try t.read("perl-script") == "#!/usr/bin/perl\n")
        #expect(try t.read("bin/b") == "#!\(tools)/sh\n")
        #expect(try t.mode("script") == 0o754)
        #expect(try t.modificationTime("script") == 1000)
        #expect(result.stderr.contains("patch-shebang: script: changing `/bin/sh' to `\(tools)/sh'"))
        #expect(result.stderr.contains("no binary for interpreter `perl'"))
    }

    @Test("with-directory-excursion restores the working directory when its body raises")
    func directoryExcursion() throws {
        let t = try UtilsScratch("excursion")
        try t.write("sub/dir/file", "x")
        let result = try t.run(#"""
            (use-modules (cairn build utils))
            (define start (getcwd))
            (write (with-directory-excursion "sub/dir" (file-exists? "file"))) (newline)
            (write (guard (c (#t 'raised))
                     (with-directory-excursion "sub" (error "inside the excursion")))) (newline)
            (write (string=? start (getcwd))) (newline)
            """#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines == ["#t", "raised", "#t"])
    }

    @Test("modify-phases applies delete, replace, add-before and add-after in order; a missing anchor raises")
    func modifyPhases() throws {
        let t = try UtilsScratch("phases")
        let result = try t.run(#"""
            (use-modules (cairn build utils))
            (define %phases
              (list (cons 'unpack (const 'u)) (cons 'configure (const 'c))
                    (cons 'build (const 'b)) (cons 'install (const 'i))))
            (define phases
              (modify-phases %phases
                (delete 'configure)
                (add-before 'build 'bootstrap (const 'bs))
                (add-after 'bootstrap 'patch (const 'p))
                (replace 'install (const 'new-install))
                (add-after 'install 'wrap (const 'w))))
            (write (map car phases)) (newline)
            (write (map (lambda (phase) ((cdr phase))) phases)) (newline)
            (write (guard (c (#t 'raised)) (modify-phases %phases (add-after 'check 'x (const 0))))) (newline)
            """#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines == [
            "(unpack bootstrap patch build install wrap)",
            "(u bs p b new-install w)",
            "raised",
        ])
    }

    @Test("mkdir-p, install-file, delete-file-recursively and the search-path helpers")
    func filesAndSearchPaths() throws {
        let t = try UtilsScratch("files")
        try t.write("in1/bin/tool", "", mode: 0o755)
        try t.write("in2/lib/x", "")
        try FileManager.default.createDirectory(atPath: t.path + "/in2/bin", withIntermediateDirectories: true)
        let result = try t.run(#"""
            (use-modules (cairn build utils))
            (mkdir-p "a/b/c") (mkdir-p "a/b/c")
            (install-file "in1/bin/tool" "out/libexec/x")
            (write (list (directory-exists? "a/b/c") (executable-file? "out/libexec/x/tool"))) (newline)
            (symlink "../in1" "a/link")
            (delete-file-recursively "a")
            (write (list (file-exists? "a") (file-exists? "in1/bin/tool"))) (newline)
            (write (search-path-as-list '("bin" "lib") '("in1" "in2" "in1"))) (newline)
            (set-path-environment-variable "TOOLS" '("bin") '("in1" "none" "in2"))
            (write (list (getenv "TOOLS") (search-path-as-string->list "/a::/b:"))) (newline)
            (setenv "PATH" (string-append (getcwd) "/in1/bin"))
            (write (list (which "tool") (which "absent"))) (newline)
            (write (call-with-values (lambda () (package-name->name+version "gtk+-3.24.1")) list)) (newline)
            """#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines == [
            "(#t #t)",
            "(#f #t)",
            #"("in1/bin" "in2/bin" "in2/lib")"#,
            "environment variable `TOOLS' set to `in1/bin:in2/bin'",
            #"("in1/bin:in2/bin" ("/a" "/b"))"#,
            #"("\#(t.path)/in1/bin/tool" #f)"#,
            #"("gtk+" "3.24.1")"#,
        ])
    }
}

/// The runner and the channel: the runner is built next to the test bundle
/// (as `cairn` is for CommandsTests), the channel is in the source tree.
enum UtilsRunner {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let channel = packageRoot + "/channel"
    static let executable: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("cairn-builder").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot + "/.build/debug/cairn-builder"
    }()
}

struct UtilsRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
}

/// A temporary directory that scripts run in; removed with the value.
final class UtilsScratch {
    let path: String
    private let output: String

    init(_ label: String) throws {
        let base = "/tmp/cairn-build-utils-\(label)-\(UUID().uuidString.prefix(8))"
        path = base + "/work"
        output = base + "/output"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }

    func write(_ name: String, _ text: String, mode: Int = 0o644) throws {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path + "/" + name, encoding: .utf8) }

    private func attributes(_ name: String) throws -> [FileAttributeKey: Any] {
        try FileManager.default.attributesOfItem(atPath: path + "/" + name)
    }

    func mode(_ name: String) throws -> Int { try #require(try attributes(name)[.posixPermissions] as? Int) }
    func type(_ name: String) throws -> FileAttributeType? { try attributes(name)[.type] as? FileAttributeType }
    func modificationTime(_ name: String) throws -> Int {
        Int(try #require(try attributes(name)[.modificationDate] as? Date).timeIntervalSince1970)
    }

    func entries(_ directory: String = ".") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path + "/" + directory).sorted()
    }

    /// Runs `script` (saved as script.scm) with the channel on the load path,
    /// in this directory, with `environment` added to the test's own.
    func run(_ script: String, environment: [String: String] = [:]) throws -> UtilsRun {
        try #require(FileManager.default.isExecutableFile(atPath: UtilsRunner.executable),
                     "cairn-builder not found at \(UtilsRunner.executable): swift build --product cairn-builder")
        try script.write(toFile: path + "/script.scm", atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: UtilsRunner.executable)
        process.arguments = ["-L", UtilsRunner.channel, "script.scm"]
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Files, not pipes: a chatty script cannot block on a full pipe.
        FileManager.default.createFile(atPath: output + "/out", contents: nil)
        FileManager.default.createFile(atPath: output + "/err", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output + "/out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: output + "/err"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return UtilsRun(status: process.terminationStatus,
                        stdout: (try? String(contentsOfFile: output + "/out", encoding: .utf8)) ?? "",
                        stderr: (try? String(contentsOfFile: output + "/err", encoding: .utf8)) ?? "")
    }
}
