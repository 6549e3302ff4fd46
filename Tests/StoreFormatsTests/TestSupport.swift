import Basics
import Foundation
import Testing
@testable import StoreFormats

struct FixtureMissing: Error, CustomStringConvertible {
    var description: String
}

/// Artefacts written by Nix (see Fixtures/README.md).
enum Fixtures {
    static func url(_ name: String) throws -> URL {
        guard let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw FixtureMissing(description: "the Fixtures resource directory is missing")
        }
        return directory.appendingPathComponent(name)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(name)))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// `expected.txt` as a dictionary: what Nix printed for each key.
    static func expected() throws -> [String: String] {
        var values: [String: String] = [:]
        for line in try text("expected.txt").split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return values
    }

    static func expected(_ key: String) throws -> String {
        guard let value = try expected()[key] else {
            throw FixtureMissing(description: "expected.txt has no key '\(key)'")
        }
        return value
    }

    /// The store directory Nix used when producing the fixtures.
    static func storeDirectory() throws -> StoreDirectory {
        try StoreDirectory(try expected("storeDir"))
    }
}

/// An in-memory file tree, the simplest thing a NAR can be compared with.
indirect enum Node: Equatable {
    case regular(executable: Bool, contents: [UInt8])
    case symlink(target: [UInt8])
    case directory([Entry])

    struct Entry: Equatable {
        var name: [UInt8]
        var node: Node
        init(_ name: String, _ node: Node) { self.name = Array(name.utf8); self.node = node }
        init(bytes: [UInt8], _ node: Node) { self.name = bytes; self.node = node }
    }

    static func file(_ text: String, executable: Bool = false) -> Node {
        .regular(executable: executable, contents: Array(text.utf8))
    }

    static func link(_ target: String) -> Node { .symlink(target: Array(target.utf8)) }

    /// Looks up a slash-separated path below this node.
    func child(_ path: String) -> Node? {
        var node = self
        for component in path.split(separator: "/") {
            guard case .directory(let entries) = node,
                  let entry = entries.first(where: { $0.name == Array(component.utf8) })
            else { return nil }
            node = entry.node
        }
        return node
    }
}

/// Builds a `Node` from NAR events, checking they nest properly.
struct TreeBuilder: NARVisitor {
    private var stack: [(name: [UInt8]?, entries: [Node.Entry])] = []
    private var pendingFile: (name: [UInt8]?, executable: Bool, size: UInt64, contents: [UInt8])?
    private(set) var root: Node?
    private(set) var contentCalls = 0

    mutating func directory(name: [UInt8]?) throws {
        #expect(pendingFile == nil)
        stack.append((name, []))
    }

    mutating func endDirectory() throws {
        guard let frame = stack.popLast() else { throw FixtureMissing(description: "endDirectory without directory") }
        attach(frame.name, .directory(frame.entries))
    }

    mutating func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws {
        #expect(pendingFile == nil)
        pendingFile = (name, executable, size, [])
    }

    mutating func contents(_ chunk: UnsafeRawBufferPointer) throws {
        contentCalls += 1
        pendingFile?.contents.append(contentsOf: chunk)
    }

    mutating func endRegular() throws {
        guard let file = pendingFile else { throw FixtureMissing(description: "endRegular without file") }
        #expect(UInt64(file.contents.count) == file.size)
        pendingFile = nil
        attach(file.name, .regular(executable: file.executable, contents: file.contents))
    }

    mutating func symlink(name: [UInt8]?, target: [UInt8]) throws {
        attach(name, .symlink(target: target))
    }

    private mutating func attach(_ name: [UInt8]?, _ node: Node) {
        if stack.isEmpty {
            #expect(name == nil, "only the root node has no name")
            root = node
        } else {
            #expect(name != nil, "entries have names")
            stack[stack.count - 1].entries.append(Node.Entry(bytes: name ?? [], node))
        }
    }
}

/// Parses a whole NAR into a tree.
func parseTree(_ bytes: [UInt8], bufferSize: Int = 256 * 1024, maxReadSize: Int = .max,
               limits: NARLimits = .init()) throws -> Node {
    var reader = ByteReader(ArraySource(bytes, maxReadSize: maxReadSize), bufferSize: bufferSize)
    var builder = TreeBuilder()
    try NARReader.parseWhole(&reader, into: &builder, limits: limits)
    guard let root = builder.root else { throw FixtureMissing(description: "no root node") }
    return root
}

/// Serialises a tree with `NARWriter`, feeding contents in `chunkSize` pieces.
func serialise(_ node: Node, chunkSize: Int = 4096, bufferSize: Int = NARWriter.defaultBufferSize) throws -> [UInt8] {
    var output = [UInt8]()
    var writer = NARWriter(sink: { output.append(contentsOf: $0) }, bufferSize: bufferSize)
    try writer.begin()
    try write(node, to: &writer, chunkSize: chunkSize)
    try writer.finish()
    #expect(writer.bytesWritten == UInt64(output.count))
    return output
}

func write(_ node: Node, to writer: inout NARWriter, chunkSize: Int) throws {
    switch node {
    case .regular(let executable, let contents):
        try writer.beginRegular(executable: executable, size: UInt64(contents.count))
        var offset = 0
        while offset < contents.count {
            let end = min(offset + chunkSize, contents.count)
            try contents[offset..<end].withUnsafeBytes { try writer.writeContents($0) }
            offset = end
        }
        try writer.endRegular()
    case .symlink(let target):
        try writer.symlink(target: target)
    case .directory(let entries):
        try writer.beginDirectory()
        for entry in entries {
            try writer.beginEntry(name: entry.name)
            try write(entry.node, to: &writer, chunkSize: chunkSize)
            try writer.endEntry()
        }
        try writer.endDirectory()
    }
}

/// Pieces of hand-made wire data, for building hostile archives.
enum Wire {
    case s(String)
    case b([UInt8])
    case n(UInt64)
    case raw([UInt8])

    static func encode(_ items: [Wire]) -> [UInt8] {
        var output = [UInt8]()
        for item in items {
            switch item {
            case .s(let text): WireFormat.append(string: Array(text.utf8), to: &output)
            case .b(let bytes): WireFormat.append(string: bytes, to: &output)
            case .n(let value): WireFormat.append(value, to: &output)
            case .raw(let bytes): output.append(contentsOf: bytes)
            }
        }
        return output
    }
}
