/// The read-eval-print loop behind `cairn repl`: reads complete data across
/// lines, prints each value as Guile does (`$1 = …`), and reports errors
/// without ending the session.
package final class ReplSession {
    let interpreter: Interpreter
    private var counter = 0
    private var pending = ""
    private var compiler: Compiler

    package init(interpreter: Interpreter) {
        self.interpreter = interpreter
        compiler = Compiler(runtime: interpreter.runtime, module: interpreter.runtime.modules.user)
    }

    package var prompt: String { "cairn@\(compiler.module.displayName)> " }

    /// Whether the session waits for the rest of a datum.
    package var isContinuing: Bool { !pending.isEmpty }

    package enum Outcome {
        case proceed
        case quit(Int32)
    }

    /// Feeds one line of input; evaluates every datum it completes.
    package func feed(_ line: String, reportError: (String) -> Void) -> Outcome {
        SchemeExecution.exclusively { feedUnlocked(line, reportError: reportError) }
    }

    private func feedUnlocked(_ line: String, reportError: (String) -> Void) -> Outcome {
        let trimmed = line.trimmingWhitespace
        if pending.isEmpty, trimmed.hasPrefix(",") {
            return command(String(trimmed.dropFirst()), reportError: reportError)
        }
        pending += line + "\n"
        let file = SourceFile(name: "<repl>", text: pending)
        var reader = Reader(text: pending, file: file)
        var forms: [Value] = []
        do {
            while let form = try reader.read() { forms.append(form) }
        } catch let error as SchemeError {
            if Reader.isIncompleteInput(error) {
                return .proceed
            }
            pending = ""
            reportError(ErrorReport.render(error, backtrace: false))
            return .proceed
        } catch {
            pending = ""
            return .proceed
        }
        pending = ""
        let runtime = interpreter.runtime
        for form in forms {
            do {
                let value = try runtime.evaluateToplevel(form, compiler: compiler)
                let values: [Value]
                switch value {
                case .unspecified: values = []
                case .values(let many): values = many.values
                default: values = [value]
                }
                var text = ""
                for v in values {
                    counter += 1
                    text += "$\(counter) = \(v.written())\n"
                }
                if !text.isEmpty { try? Libraries.writeToCurrentOutput(text, runtime: runtime) }
            } catch let error as SchemeError {
                if error.kind == .exit, case .fixnum(let code) = error.payload ?? .fixnum(0) { return .quit(Int32(truncatingIfNeeded: code)) }
                Libraries.flushPorts(of: runtime)
                reportError(ErrorReport.render(error))
                return .proceed
            } catch let jump as ContinuationInvoked {
                _ = jump
                reportError("error: a continuation was invoked outside its extent\n")
            } catch {
                reportError("error: \(error)\n")
            }
        }
        Libraries.flushPorts(of: runtime)
        return .proceed
    }

    private func command(_ text: String, reportError: (String) -> Void) -> Outcome {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch words.first ?? "" {
        case "q", "quit", "exit":
            return .quit(0)
        case "help", "h", "?":
            try? Libraries.writeToCurrentOutput("""
                Commands:
                  ,help          show this list
                  ,quit  ,q      leave the REPL (also Ctrl-D)
                  ,use MODULE    import a module, e.g. ,use (srfi srfi-1)
                Anything else is evaluated as Scheme.

                """, runtime: interpreter.runtime)
            Libraries.flushPorts(of: interpreter.runtime)
            return .proceed
        case "use":
            return feedUnlocked("(use-modules " + words.dropFirst().joined(separator: " ") + ")", reportError: reportError)
        default:
            reportError("error: unknown REPL command ,\(words.first ?? "")\nhint: type ,help for the list of commands\n")
            return .proceed
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
