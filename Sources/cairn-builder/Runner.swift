import Basics
import Glibc
import Scheme

/// The build-side runner (ARCHITECTURE.md §1.5, §4): runs a build script
/// inside the sandbox, as `guile --no-auto-compile -L DIR SCRIPT` does for
/// Guix. It depends on the language alone, nothing host-side.
///
///     cairn-builder [-L DIR]... SCRIPT [ARGS...]
///
/// The script's forms run in order in the user module; `-L` directories
/// (the modules `with-imported-modules` shipped) are searched for
/// `use-modules`. The exit status is 0 when the script ran to its end, the
/// code given to `(exit N)`, or 1 after an error, reported on stderr.
@main
enum Runner {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var loadPath: [String] = []
        while arguments.count >= 2, arguments[0] == "-L" {
            loadPath.append(arguments[1])
            arguments.removeFirst(2)
        }
        guard let script = arguments.first else {
            Diagnostics.writeStandardError("cairn-builder: usage: cairn-builder [-L DIR]... SCRIPT [ARGS...]\n")
            exit(2)
        }
        let interpreter = Interpreter(loadPath: loadPath)
        let runtime = interpreter.runtime
        SchemeExecution.exclusively {
            var library = LibraryBuilder(runtime: runtime)
            PosixLibrary.install(into: &library, runtime: runtime)
            let root = runtime.modules.root
            for (name, value) in library.bindings { root.define(name, value) }
            root.exportAll()
        }
        runtime.commandLine = arguments
        let status: Int32 = StackGuard.withLargeStack {
            do {
                try SchemeExecution.exclusively {
                    let forms = try runtime.modules.readSource(script)
                    let compiler = Compiler(runtime: runtime, module: runtime.modules.user)
                    try forms.forEach { _ = try runtime.evaluateToplevel($0, compiler: compiler) }
                }
                Libraries.flushPorts(of: runtime)
                return 0
            } catch let error as SchemeError {
                Libraries.flushPorts(of: runtime)
                if error.kind == .exit, case .fixnum(let code) = error.payload ?? .fixnum(0) { return Int32(truncatingIfNeeded: code) }
                Diagnostics.writeStandardError(ErrorReport.render(error, prefix: "cairn-builder: error: "))
                return 1
            } catch {
                Libraries.flushPorts(of: runtime)
                Diagnostics.writeStandardError("cairn-builder: error: \(error)\n")
                return 1
            }
        }
        exit(status)
    }
}
