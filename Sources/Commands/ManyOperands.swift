/// Commands whose trailing arguments are store paths or files, any number.
///
/// ArgumentParser appends to an array argument by copying it, so parsing N
/// operands costs O(N²): 10,000 paths took seconds. The runner therefore hands
/// the parser only the head of a long command line and gives the operands
/// past it to the command directly.
protocol AcceptsManyOperands {
    mutating func appendOperands(_ operands: [String])
}

enum OperandSplitter {
    /// Below this many arguments the parser's cost does not matter.
    static let threshold = 64

    /// Splits `arguments` into what the parser must see and trailing
    /// operands that are certainly operands: they come after the last
    /// option and its possible value, after the sub-command words, and one
    /// operand stays with the parser so its checks ("missing PATH") still hold.
    static func split(_ arguments: [String], subcommandWords: Int) -> (head: [String], operands: [String]) {
        guard arguments.count > threshold else { return (arguments, []) }
        var lastOption = subcommandWords - 1
        for (index, argument) in arguments.enumerated() where argument.hasPrefix("-") {
            if argument == "--" {
                lastOption = index
                break
            }
            lastOption = index
        }
        // An option takes at most one value: operands certainly start two
        // places after it; keep one more for the parser.
        let cut = lastOption + 3
        guard cut < arguments.count else { return (arguments, []) }
        return (Array(arguments[..<cut]), Array(arguments[cut...]))
    }
}
