import Foundation
import Testing

/// Profiles and generations (`cairn package`, `install`, `remove`,
/// `upgrade`), over small packages of a user module that build in a moment
/// with the trivial build system: nothing is downloaded.
@Suite(.serialized)
struct ProfileTests {
    static let module = """
        (define-module (my tools)
          #:use-module (guix packages) #:use-module (guix gexp) #:use-module (guix search-paths)
          #:use-module (guix build-system trivial) #:use-module ((guix licenses) #:prefix license:))
        (define (tool name version text)
          (package
            (name name) (version version) (source #f)
            (build-system trivial-build-system)
            (arguments
             (list #:builder
                   #~(let ((file (string-append #$output "/bin/" #$name)))
                       (mkdir #$output)
                       (mkdir (string-append #$output "/bin"))
                       (call-with-output-file file
                         (lambda (port) (display (string-append "#!/bin/sh\\necho " #$text "\\n") port)))
                       (chmod file #o755))))
            (native-search-paths (list $PATH))
            (home-page "https://example.org") (synopsis "A tool") (description "A tool.")
            (license license:expat)))
        (define-public greet (tool "greet" "1.0" "hello-from-greet"))
        (define-public greet-2 (tool "greet" "2.0" "hello-from-greet-2"))
        (define-public wave (tool "wave" "1.0" "a-wave"))
        ;; Built with a build-side module shipped into the build, as GNU packages are.
        (define-public modular
          (package
            (inherit wave) (name "modular")
            (arguments
             (list #:builder
                   (with-imported-modules '((cairn build utils))
                     #~(begin
                         (use-modules (cairn build utils))
                         (mkdir-p (string-append #$output "/bin"))
                         (call-with-output-file (string-append #$output "/bin/modular")
                           (lambda (port) (display "#!/bin/sh\necho modular\n" port)))
                         (chmod (string-append #$output "/bin/modular") #o755)))))))

        """

    /// A sandbox with the module and a home directory of its own.
    final class Setup {
        let t: Sandbox
        init(_ label: String) throws {
            t = try Sandbox(label)
            try t.write("mods/my/tools.scm", ProfileTests.module)
            try t.mkdir("home")
        }

        var home: String { t.path("home") }
        var profile: String { home + "/.cairn-profile" }
        /// Where the default profile's generations are.
        func generation(_ number: Int) -> String { t.state + "/profiles/per-user/\(NSUserName())/cairn-profile-\(number)-link" }

        @discardableResult
        func cairn(_ arguments: [String]) throws -> ProcessResult {
            var environment = t.storeEnvironment
            environment["HOME"] = home
            return try TestTools.run(TestTools.cairn, arguments, environment: environment)
        }

        func package(_ arguments: [String]) throws -> ProcessResult {
            try cairn(["package", "-L", t.path("mods")] + arguments)
        }

        /// What `sh` finds on PATH after sourcing the profile's etc/profile.
        func run(_ command: String, profile: String? = nil) throws -> ProcessResult {
            let chosen = profile ?? self.profile
            return try TestTools.run("/bin/sh", ["-c", "PATH=/usr/bin:/bin; CAIRN_PROFILE='\(chosen)'; . \"$CAIRN_PROFILE/etc/profile\"; \(command)"])
        }

        var installed: [String] {
            get throws { try package(["-I"]).lines.map { $0.split(separator: "\t").prefix(2).joined(separator: "@") } }
        }
    }

    @Test("install, upgrade, remove, roll back, switch and delete generations; etc/profile sets PATH")
    func generations() throws {
        let s = try Setup("profile-gen")
        let first = try s.package(["-i", "greet@1.0", "wave"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("The following packages will be installed:"), "\(first.stderr)")
        #expect(try s.installed == ["greet@1.0", "wave@1.0"])
        #expect(try s.run("greet; wave").output == "hello-from-greet\na-wave\n")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: s.profile)
        #expect(link == s.t.state + "/profiles/per-user/\(NSUserName())/cairn-profile")

        let upgrade = try s.package(["-u"])
        #expect(upgrade.status == 0 && upgrade.stderr.contains("The following package will be upgraded:"), "\(upgrade.stderr)")
        #expect(try s.installed == ["greet@2.0", "wave@1.0"])
        #expect(try s.run("greet").output == "hello-from-greet-2\n")

        let remove = try s.cairn(["remove", "-L", s.t.path("mods"), "wave"])
        #expect(remove.status == 0, "\(remove.stderr)")
        #expect(try s.installed == ["greet@2.0"])
        #expect(try s.run("command -v wave || echo none").output == "none\n")

        let list = try s.package(["-l"])
        #expect(list.lines.filter { $0.hasPrefix("Generation") }.count == 3)
        #expect(list.lines.contains { $0.hasPrefix("Generation 3") && $0.hasSuffix("(current)") }, "\(list.output)")
        #expect(try s.package(["-l", "2"]).lines.filter { $0.hasPrefix("Generation") }.count == 1)

        #expect(try s.package(["--roll-back"]).stderr.contains("switched from generation 3 to 2"))
        #expect(try s.installed == ["greet@2.0", "wave@1.0"])
        #expect(try s.package(["-S", "1"]).status == 0)
        #expect(try s.installed == ["greet@1.0", "wave@1.0"])
        #expect(try s.package(["-S", "+2"]).status == 0)
        #expect(try s.installed == ["greet@2.0"])
        #expect(try s.package(["-S", "-1"]).status == 0)
        #expect(try s.installed == ["greet@2.0", "wave@1.0"])

        // Deleting: the current generation stays whatever the pattern says.
        // -u never downgrades: greet 3.0 from another directory stays when it is not loaded.
        try s.t.write("newer/my/newer.scm", """
            (define-module (my newer) #:use-module (guix packages) #:use-module (my tools))
            (define-public greet-3 (package (inherit greet) (version "3.0")))

            """)
        let newer = try s.cairn(["package", "-L", s.t.path("mods"), "-L", s.t.path("newer"), "-i", "greet@3.0"])
        #expect(newer.status == 0, "\(newer.stderr)")
        let kept = try s.package(["-u", "greet"])
        #expect(kept.status == 0 && kept.stderr.contains("greet would be downgraded from 3.0 to 2.0"), "\(kept.stderr)")
        #expect(try s.installed.contains("greet@3.0"))
        #expect(try s.package(["-S", "2"]).status == 0)

        let delete = try s.package(["-d", "1..2"])
        #expect(delete.status == 0 && delete.stderr.contains("not deleting generation 2, the current one"), "\(delete.stderr)")
        let remaining = try s.package(["-l"])
        #expect(remaining.lines.filter { $0.hasPrefix("Generation") }.map { $0.split(separator: "\t")[0] } == ["Generation 2", "Generation 3", "Generation 4"], "\(remaining.output)")
        #expect(try s.package(["-d"]).status == 0)
        #expect(try s.package(["-l"]).lines.filter { $0.hasPrefix("Generation") }.count == 1)

        let paths = try s.package(["--search-paths"])
        #expect(paths.output == "export PATH=\"\(s.profile)/bin\"\n", "\(paths.output)")
        #expect(try s.package(["--search-paths=prefix"]).output == "export PATH=\"\(s.profile)/bin${PATH:+:}$PATH\"\n")
    }

    @Test("the same request again makes no generation; the same manifest gives the same profile item")
    func nothingToDo() throws {
        let s = try Setup("profile-same")
        #expect(try s.package(["-i", "wave"]).status == 0)
        let again = try s.package(["-i", "wave"])
        #expect(again.status == 0 && again.stderr.contains("nothing to be done"), "\(again.stderr)")
        #expect(try s.package(["-l"]).lines.filter { $0.hasPrefix("Generation") }.count == 1)
        let other = s.t.path("other-profile")
        #expect(try s.package(["-p", other, "-i", "wave"]).status == 0)
        let mine = try FileManager.default.destinationOfSymbolicLink(atPath: s.generation(1))
        let theirs = try FileManager.default.destinationOfSymbolicLink(atPath: s.t.path("other-profile-1-link"))
        #expect(mine == theirs)
        // A profile of one package is a directory of its own; the package's item is untouched.
        #expect(try FileManager.default.attributesOfItem(atPath: mine)[.type] as? FileAttributeType == .typeDirectory)
        let wave = try #require(try s.package(["-I"]).lines.first?.split(separator: "\t").last.map(String.init))
        #expect(!FileManager.default.fileExists(atPath: wave + "/etc") && !FileManager.default.fileExists(atPath: wave + "/manifest"))
        // -p naming the user's link means the profile it points to.
        #expect(try s.package(["-p", s.profile, "-I"]).lines.count == 1)
        // The profile's manifest reads back as Guix's format.
        let manifest = try String(contentsOfFile: mine + "/manifest", encoding: .utf8)
        #expect(manifest.hasPrefix("(manifest (version 4) (packages ((\"wave\" \"1.0\" \"out\" \""), "\(manifest)")
    }

    @Test("bad requests change nothing and say why")
    func badRequests() throws {
        let s = try Setup("profile-bad")
        #expect(try s.package(["-i", "wave"]).status == 0)
        let before = try FileManager.default.destinationOfSymbolicLink(atPath: s.generation(1))
        let missing = try s.package(["-r", "greet"])
        #expect(missing.status == 1 && missing.stderr.contains("package 'greet' not found in profile"), "\(missing.stderr)")
        let unknown = try s.package(["-i", "gret"])
        #expect(unknown.status == 1 && unknown.stderr.contains("unknown package 'gret'") && unknown.stderr.contains("greet"), "\(unknown.stderr)")
        let conflict = try s.package(["-i", "greet@1.0", "greet@2.0"])
        #expect(conflict.status == 1 && conflict.stderr.contains("conflicting entries for greet:out"), "\(conflict.stderr)")
        // Allowed, the union keeps the first package's file and says so.
        let other = s.t.path("collide")
        let allowed = try s.package(["-p", other, "--allow-collisions", "-i", "greet@1.0", "greet@2.0"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try s.run("greet", profile: other).output == "hello-from-greet\n")
        let noGeneration = try s.package(["-S", "9"])
        #expect(noGeneration.status == 1 && noGeneration.stderr.contains("has no generation 9"), "\(noGeneration.stderr)")
        let pattern = try s.package(["-d", "x..y"])
        #expect(pattern.status == 1 && pattern.stderr.contains("invalid generation pattern"), "\(pattern.stderr)")
        let noPrevious = try s.package(["--roll-back"])
        #expect(noPrevious.status == 1 && noPrevious.stderr.contains("no generation before the current one"), "\(noPrevious.stderr)")
        #expect(try s.package(["-l"]).lines.filter { $0.hasPrefix("Generation") }.count == 1)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: s.generation(1)) == before)
        #expect(try s.installed == ["wave@1.0"])
    }

    @Test("gc keeps what live generations use, of the default profile and of one given with -p, and frees deleted ones")
    func garbageCollection() throws {
        let s = try Setup("profile-gc")
        #expect(try s.package(["-i", "greet@1.0"]).status == 0)
        #expect(try s.package(["-u"]).status == 0)
        let other = s.t.path("project/profile")
        try s.t.mkdir("project")
        #expect(try s.package(["-p", other, "-i", "wave"]).status == 0)
        let old = try #require(try s.package(["-l", "1"]).lines.first { $0.contains("greet\t1.0") }?.split(separator: "\t").last.map(String.init))
        let new = try #require(try s.installed.first == "greet@2.0" ? s.package(["-I"]).lines.first?.split(separator: "\t").last.map(String.init) : nil)
        let wave = try #require(try s.package(["-p", other, "-I"]).lines.first?.split(separator: "\t").last.map(String.init))
        #expect(try s.cairn(["gc"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: old) && FileManager.default.fileExists(atPath: new) && FileManager.default.fileExists(atPath: wave))
        #expect(try s.package(["-d", "1"]).status == 0)
        #expect(try s.cairn(["gc"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(FileManager.default.fileExists(atPath: new) && FileManager.default.fileExists(atPath: wave))
        #expect(try s.run("greet").output == "hello-from-greet-2\n")
        #expect(try s.run("wave", profile: other).output == "a-wave\n")
    }

    @Test("--export-manifest round-trips through -m; a Guix manifest loads unchanged; a bad manifest changes nothing")
    func manifests() throws {
        let s = try Setup("profile-manifest")
        #expect(try s.package(["-i", "greet@1.0", "wave"]).status == 0)
        let before = try s.package(["-I"]).output
        let exported = try s.package(["--export-manifest"])
        #expect(exported.output.hasSuffix("(specifications->manifest\n  (list \"greet@1.0\"\n        \"wave@1.0\"))\n"), "\(exported.output)")
        try s.t.write("exported.scm", exported.output)
        #expect(try s.package(["-r", "wave"]).status == 0)
        let applied = try s.package(["-m", s.t.path("exported.scm")])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try s.package(["-I"]).output == before)
        // The generation the manifest made holds the same item as generation 1.
        let first = try FileManager.default.destinationOfSymbolicLink(atPath: s.generation(1))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: s.generation(3)) == first)

        try s.t.write("guix.scm", "(use-modules (gnu) (guix profiles))\n(specifications->manifest '(\"greet\" \"wave\"))\n")
        #expect(try s.package(["-m", s.t.path("guix.scm")]).status == 0)
        #expect(try s.installed == ["greet@2.0", "wave@1.0"])

        try s.t.write("bad.scm", "(list 1 2)\n")
        let bad = try s.package(["-m", s.t.path("bad.scm")])
        #expect(bad.status == 1 && bad.stderr.contains("evaluates to (1 2), not a manifest"), "\(bad.stderr)")
        try s.t.write("unknown.scm", "(specifications->manifest (list \"nosuch\"))\n")
        let unknown = try s.package(["-m", s.t.path("unknown.scm")])
        #expect(unknown.status == 1 && unknown.stderr.contains("unknown package 'nosuch'"), "\(unknown.stderr)")
        #expect(try s.installed == ["greet@2.0", "wave@1.0"])
        #expect(try s.package(["-l"]).lines.filter { $0.hasPrefix("Generation") }.count == 4)
    }
}
