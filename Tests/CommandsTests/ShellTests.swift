import Foundation
import Testing

/// `cairn shell` without containers, over the small packages of
/// ProfileTests' module: commands, exit codes, the cache and what makes it
/// miss, --pure, authorisation of a directory's manifest.scm.
@Suite(.serialized)
struct ShellTests {
    typealias Setup = ProfileTests.Setup

    /// `cairn shell -L mods ARGS` run from `directory`.
    func shell(_ s: Setup, _ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:]) throws -> ProcessResult {
        var environment = s.t.storeEnvironment
        environment["HOME"] = s.home
        for (key, value) in extra { environment[key] = value }
        let quoted = ([TestTools.cairn, "shell", "-L", s.t.path("mods")] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try TestTools.run("/bin/sh", ["-c", "cd '\(directory ?? s.t.root.path)' && exec " + quoted.joined(separator: " ")], environment: environment)
    }

    @Test("commands run in the environment; exit codes and signals pass through; the cache answers the second time")
    func commands() throws {
        let s = try Setup("shell-run")
        let first = try shell(s, ["greet@1.0", "wave", "--", "sh", "-c", "greet; wave; exit 7"])
        #expect(first.status == 7, "\(first.stderr)")
        #expect(first.output == "hello-from-greet\na-wave\n")
        #expect(first.stderr.contains("building 'profile'"))
        let again = try shell(s, ["greet@1.0", "wave", "--", "greet"])
        #expect(again.status == 0 && again.output == "hello-from-greet\n" && again.stderr.isEmpty, "\(again.stderr)")
        let signalled = try shell(s, ["wave", "--", "sh", "-c", "kill -KILL $$"])
        #expect(signalled.signalled && signalled.status == SIGKILL, "\(signalled.status) \(signalled.output) \(signalled.stderr)")
        let missing = try shell(s, ["wave", "--", "no-such-command"])
        #expect(missing.status == 127 && missing.stderr.contains("no-such-command: command not found"), "\(missing.stderr)")
        let paths = try shell(s, ["wave", "--search-paths"])
        #expect(paths.output.hasPrefix("export PATH=\"\(s.t.store)/") && paths.output.hasSuffix("-profile/bin${PATH:+:}$PATH\"\n"), "\(paths.output)")
        let unknown = try shell(s, ["wavy", "--", "true"])
        #expect(unknown.status == 1 && unknown.stderr.contains("unknown package 'wavy'"), "\(unknown.stderr)")
    }

    @Test("an edit to the package module, or to a file the manifest reads, makes a new profile")
    func cacheMisses() throws {
        let s = try Setup("shell-cache")
        try s.t.write("names.txt", "(\"greet\")\n")
        try s.t.write("manifest.scm", "(specifications->manifest (call-with-input-file \"\(s.t.path("names.txt"))\" read))\n")
        let manifest = s.t.path("manifest.scm")
        #expect(try shell(s, ["-m", manifest, "--", "greet"]).output == "hello-from-greet-2\n")
        let hit = try shell(s, ["-m", manifest, "--", "greet"])
        #expect(hit.output == "hello-from-greet-2\n" && !hit.stderr.contains("building"), "\(hit.stderr)")
        // The file the manifest reads names another package.
        try s.t.write("names.txt", "(\"wave\")\n")
        #expect(try shell(s, ["-m", manifest, "--", "wave"]).output == "a-wave\n")
        // The package module itself changes what wave prints.
        try s.t.write("mods/my/tools.scm", ProfileTests.module.replacingOccurrences(of: "\"a-wave\"", with: "\"a-big-wave\""))
        let edited = try shell(s, ["-m", manifest, "--", "wave"])
        #expect(edited.output == "a-big-wave\n", "\(edited.stderr)")
        #expect(try shell(s, ["--rebuild-cache", "-m", manifest, "--", "wave"]).output == "a-big-wave\n")
        // A package whose build ships build-side modules is cached too, and
        // the modules it ships count among the files read.
        #expect(try shell(s, ["modular", "--", "modular"]).output == "modular\n")
        let modularHit = try shell(s, ["modular", "--", "modular"])
        #expect(modularHit.output == "modular\n" && !modularHit.stderr.contains("building"), "\(modularHit.stderr)")
        let listings = try FileManager.default.contentsOfDirectory(atPath: s.home + "/.cache/cairn/profiles").filter { $0.hasSuffix(".inputs") }
        let texts = try listings.map { try String(contentsOfFile: s.home + "/.cache/cairn/profiles/" + $0, encoding: .utf8) }
        #expect(texts.contains { $0.contains("/cairn/build/utils.scm\n") })
    }

    @Test("--pure keeps what a session needs and what -E names")
    func pure() throws {
        let s = try Setup("shell-pure")
        let environment = ["FOO": "1", "BAR": "2"]
        let plain = try shell(s, ["wave", "--", "/bin/sh", "-c", "echo ${FOO:-none} ${BAR:-none} ${HOME:+home}"], environment: environment)
        #expect(plain.output == "1 2 home\n", "\(plain.stderr)")
        let pure = try shell(s, ["--pure", "-E", "^FO", "wave", "--", "/bin/sh", "-c", "echo ${FOO:-none} ${BAR:-none} ${HOME:+home}; echo $PATH"], environment: environment)
        #expect(pure.lines.first == "1 none home", "\(pure.stderr)")
        #expect(pure.lines.last?.hasSuffix("-profile/bin") == true && pure.lines.last?.contains(":") == false)
    }

    @Test("a directory's manifest.scm is loaded only once the directory is authorised; -r makes a GC root")
    func authorisation() throws {
        let s = try Setup("shell-auth")
        try s.t.mkdir("project")
        let project = s.t.path("project")
        try s.t.write("project/manifest.scm", "(specifications->manifest (list \"wave\"))\n")
        let refused = try shell(s, ["--", "wave"], in: project)
        #expect(refused.status == 1 && refused.stderr.contains("not loading manifest.scm from \(project), which is not authorised"), "\(refused.stderr)")
        #expect(refused.stderr.contains("shell-authorized-directories"))
        try s.t.write("home/.config/cairn/shell-authorized-directories", project + "\n")
        let allowed = try shell(s, ["-r", project + "/env", "--", "wave"], in: project)
        #expect(allowed.status == 0 && allowed.output == "a-wave\n", "\(allowed.stderr)")
        let item = try FileManager.default.destinationOfSymbolicLink(atPath: project + "/env")
        try FileManager.default.removeItem(atPath: s.home + "/.cache")
        #expect(try s.cairn(["gc"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: item + "/bin/wave"))
        let nothing = try shell(s, ["--", "true"], in: s.t.path("mods"))
        #expect(nothing.status == 1 && nothing.stderr.contains("no packages given"), "\(nothing.stderr)")
    }

    @Test("--check says which variables the shell's startup files change", .enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash")))
    func check() throws {
        let s = try Setup("shell-check")
        let good = try shell(s, ["--check", "wave", "--", "wave"], environment: ["SHELL": "/bin/bash"])
        #expect(good.status == 0 && good.output == "a-wave\n" && good.stderr.contains("all is well"), "\(good.stderr)")
        try s.t.write("home/.bashrc", "export PATH=/usr/bin:/bin\n")
        let clobbered = try shell(s, ["--check", "wave", "--", "wave"], environment: ["SHELL": "/bin/bash"])
        #expect(clobbered.status == 0 && clobbered.output == "a-wave\n", "\(clobbered.stderr)")
        #expect(clobbered.stderr.contains("warning: variable 'PATH' is changed by the startup files of '/bin/bash'"), "\(clobbered.stderr)")
    }
}
