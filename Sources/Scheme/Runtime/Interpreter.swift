/// The entry point for hosts: a runtime with the full language installed.
package final class Interpreter {
    package let runtime: Runtime

    package init(loadPath: [String] = []) {
        runtime = SchemeExecution.exclusively { Runtime() }
        runtime.modules.loadPath = loadPath
        SchemeExecution.exclusively { Interpreter.installRoot(runtime) }
        Interpreter.registerNativeModules(runtime)
    }

    /// Modules of the language that Guile does not have in its root: Guix's
    /// records (`(guix records)`, also `(cairn records)`) and the gexp core
    /// (`(cairn core gexp)`, which the channel's `(guix gexp)` builds on).
    static func registerNativeModules(_ runtime: Runtime) {
        unowned(unsafe) let runtime = runtime
        runtime.modules.registerNative([["cairn", "records"], ["guix", "records"]]) { module in
            RecordStarForms.install(into: module, runtime: runtime)
        }
        runtime.modules.registerNative([["cairn", "core", "gexp"]]) { module in
            GexpForms.install(into: module, runtime: runtime)
        }
    }

    deinit {
        SchemeExecution.exclusively {
            runtime.modules.tearDown()
            runtime.handlers.removeAll()
            runtime.pendingClosure = nil
            runtime.pendingFrame = nil
        }
    }

    /// Installs the core forms and every library into the root module and
    /// exports them all, so `(guile)` and its aliases can be imported.
    static func installRoot(_ runtime: Runtime) {
        let root = runtime.modules.root
        CoreForms.install(into: root)
        ModuleForms.install(into: root)
        DerivedForms.install(into: root, runtime: runtime)
        ControlForms.install(into: root, runtime: runtime)
        RecordForms.install(into: root, runtime: runtime)
        MatchForms.install(into: root, runtime: runtime)
        EndiannessForm.install(into: root, runtime: runtime)
        var library = LibraryBuilder(runtime: runtime)
        Libraries.installAll(into: &library)
        for (name, value) in library.bindings { root.define(name, value) }
        root.exportAll()
    }

    /// Reads and evaluates every form of `text` in the user module; returns the last value.
    @discardableResult
    package func evaluate(_ text: String, name: String = "<string>") throws -> Value {
        try SchemeExecution.exclusively { try evaluateUnlocked(text, name: name) }
    }

    private func evaluateUnlocked(_ text: String, name: String) throws -> Value {
        let file = SourceFile(name: name, text: text)
        var reader = Reader(text: text, file: file)
        let compiler = Compiler(runtime: runtime, module: runtime.modules.user)
        var result = Value.unspecified
        while let form = try reader.read() {
            result = try runtime.evaluateToplevel(form, compiler: compiler)
        }
        return result
    }

    /// Evaluates `text` with the current output port captured: what the program
    /// wrote, and the error that stopped it (nil when it ran to the end).
    package func runCapturingOutput(_ text: String, name: String = "<string>") -> (output: String, error: SchemeError?) {
        SchemeExecution.exclusively { runCapturingOutputUnlocked(text, name: name) }
    }

    private func runCapturingOutputUnlocked(_ text: String, name: String) -> (output: String, error: SchemeError?) {
        let port = StringOutputPort()
        let saved = runtime.currentOutputPort
        runtime.currentOutputPort = .object(port)
        defer { runtime.currentOutputPort = saved }
        switch evaluateOnLargeStack(text, name: name) {
        case .success: return (port.contents, nil)
        case .failure(let error as SchemeError): return (port.contents, error)
        case .failure(let error): return (port.contents, SchemeError(.misc, message: "\(error)"))
        }
    }

    /// Evaluates `text` on a thread with a large stack, so deep recursion
    /// reports "stack overflow" only when it is really deep.
    package func evaluateOnLargeStack(_ text: String, name: String = "<string>") -> Result<Value, any Error> {
        // The lock is taken here and the new thread runs while this one waits
        // for it, so the evaluation is still the only Scheme running.
        SchemeExecution.exclusively {
            StackGuard.withLargeStack {
                do { return .success(try self.evaluateUnlocked(text, name: name)) } catch { return .failure(error) }
            }
        }
    }

}

extension Libraries {
    /// Every library file's installer, in dependency order.
    package static func installAll(into library: inout LibraryBuilder) {
        installNumbers(into: &library)
        installChars(into: &library)
        installStrings(into: &library)
        installSymbols(into: &library)
        installPorts(into: &library)
        installFormat(into: &library)
        installRegex(into: &library)
        installSystem(into: &library)
        installDataStructures(into: &library)
        installEval(into: &library)
        installReaderAndMisc(into: &library)
        // Last: its definitions (eq?, apply, the current-port parameters) win.
        installControl(into: &library)
    }
}
