import ArgumentParser
import Basics
import Glibc
import Scheme

struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Evaluate Scheme: an interactive REPL, a script, or expressions.",
        discussion: """
            Cairn's Scheme is compatible with Guile for the code manifests, channels and
            package definitions use. Errors show file:line:column, the source line, a
            hint and a backtrace.

            Examples:
              cairn repl                                   interactive; ,q or Ctrl-D to leave
              cairn repl -c '(display (+ 1 2)) (newline)'  evaluate expressions, like guile -c
              cairn repl script.scm a b                    run a script; (command-line) => ("script.scm" "a" "b")
              cairn repl -L ./modules -c '(use-modules (my tools))'
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("Evaluate EXPRS and exit; only what they print is shown.", valueName: "EXPRS"))
    var expressions: String?

    @Option(name: [.customShort("L"), .customLong("load-path")], help: ArgumentHelp("Add DIR to the front of the module load path (also CAIRN_LOAD_PATH).", valueName: "DIR"))
    var loadPath: [String] = []

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("A script to run, then the arguments it receives.", valueName: "FILE ARGS"))
    var script: [String] = []

    func run() throws {
        // The passthrough operands swallow --help; as `guile --help`, it asks for help.
        if expressions == nil, let first = script.first, first == "--help" || first == "-h" {
            throw CleanExit.helpRequest(self)
        }
        let interpreter = SchemeHost.makeInterpreter(loadPath: loadPath)
        let runtime = interpreter.runtime
        // The process ends as soon as the program does: freeing the heap the
        // program built (every module, closure and datum) would only cost time.
        StackGuard.withLargeStack {
            let status: Int32
            if let expressions {
                runtime.commandLine = ["cairn"] + script
                status = ReplCommand.runProgram(interpreter) { try interpreter.evaluate(expressions, name: "<command-line>") }
            } else if let file = script.first {
                runtime.commandLine = script
                status = ReplCommand.runProgram(interpreter) {
                    let forms = try runtime.modules.readSource(file)
                    let compiler = Compiler(runtime: runtime, module: runtime.modules.user)
                    try forms.forEach { _ = try runtime.evaluateToplevel($0, compiler: compiler) }
                }
            } else {
                runtime.commandLine = ["cairn"]
                status = ReplCommand.interactive(interpreter)
            }
            Libraries.flushPorts(of: runtime)
            Glibc.exit(status)
        }
    }

    /// Runs a script or `-c` program: its errors end it with status 1, `(exit N)` with N.
    static func runProgram(_ interpreter: Interpreter, _ body: () throws -> Void) -> Int32 {
        defer { Libraries.flushPorts(of: interpreter.runtime) }
        do {
            try SchemeExecution.exclusively { try body() }
            return 0
        } catch let error as SchemeError {
            if error.kind == .exit, case .fixnum(let code) = error.payload ?? .fixnum(0) { return Int32(truncatingIfNeeded: code) }
            Libraries.flushPorts(of: interpreter.runtime)
            Diagnostics.writeStandardError(ErrorReport.render(error, prefix: "cairn: error: "))
            return 1
        } catch is ContinuationInvoked {
            Diagnostics.writeStandardError("cairn: error: a continuation was invoked after its call/cc returned\n")
            return 1
        } catch {
            Diagnostics.writeStandardError("cairn: error: \(error)\n")
            return 1
        }
    }

    static func interactive(_ interpreter: Interpreter) -> Int32 {
        let session = ReplSession(interpreter: interpreter)
        let terminal = isatty(0) != 0
        if terminal {
            Diagnostics.writeStandardError("Cairn \(CairnVersion.current) Scheme REPL. Type ,help for help, ,q to quit.\n")
        }
        while true {
            if terminal || !session.isContinuing {
                let prompt = session.isContinuing ? "" : session.prompt
                if !prompt.isEmpty, terminal {
                    try? Libraries.writeToCurrentOutput(prompt, runtime: interpreter.runtime)
                    Libraries.flushPorts(of: interpreter.runtime)
                }
            }
            guard let line = readLine(strippingNewline: true) else {
                if terminal { try? Libraries.writeToCurrentOutput("\n", runtime: interpreter.runtime) }
                Libraries.flushPorts(of: interpreter.runtime)
                return 0
            }
            switch session.feed(line, reportError: { Diagnostics.writeStandardError($0) }) {
            case .proceed: continue
            case .quit(let code):
                Libraries.flushPorts(of: interpreter.runtime)
                return code
            }
        }
    }
}
