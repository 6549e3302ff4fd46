// Fuzz target for the reader and the evaluator.
//
// Build and run with libFuzzer (see bench/../README "Fuzzing"):
//   swift build -c release --product scheme-fuzz \
//     -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
//   .build/release/scheme-fuzz -max_total_time=600 -rss_limit_mb=4096 Fuzz/corpus
// Without those flags it builds as a replayer: `scheme-fuzz FILE…` runs each
// file through the same checks, to reproduce a crash the fuzzer saved.
import Scheme

enum FuzzBody {
    static func check(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let file = SourceFile(name: "<fuzz>", text: text)
        guard let forms = try? Reader.readAll(text: text, file: file) else { return }
        // Printing what was read must work for anything the reader accepts.
        for form in forms { _ = form.written(limit: 10_000) }
        let interpreter = Interpreter()
        interpreter.runtime.fuel = 20_000
        // Output goes to a string port, not to the fuzzer's terminal.
        _ = interpreter.runCapturingOutput(text, name: "<fuzz>")
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzBody.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

/// SwiftPM links an executable's entry point under this name; it hands
/// control to libFuzzer's driver.
@_cdecl("scheme_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
@main
enum Replayer {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            if let text = SourceText.read(path) {
                FuzzBody.check(Array(text.utf8))
                print("ok: \(path)")
            }
        }
    }
}
#endif
