import Basics
import StoreFormats

/// Turns NAR events back into NAR bytes. Because the reader accepts only
/// canonical NARs, re-encoding what it reports reproduces the input exactly,
/// which is how an import computes the NAR hash without buffering the archive.
package struct NAREncodingVisitor: NARVisitor {
    private var writer: NARWriter
    /// Whether each open directory was an entry (it must close one too).
    private var openEntries: [Bool] = []

    package init(sink: @escaping ByteSink) throws {
        writer = NARWriter(sink: sink)
        try writer.begin()
    }

    private mutating func open(_ name: [UInt8]?) throws {
        if let name { try writer.beginEntry(name: name) }
    }

    package mutating func directory(name: [UInt8]?) throws {
        try open(name)
        try writer.beginDirectory()
        openEntries.append(name != nil)
    }

    package mutating func endDirectory() throws {
        try writer.endDirectory()
        if openEntries.popLast() == true { try writer.endEntry() }
    }

    private var regularIsEntry = false

    package mutating func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws {
        try open(name)
        regularIsEntry = name != nil
        try writer.beginRegular(executable: executable, size: size)
    }

    package mutating func contents(_ chunk: UnsafeRawBufferPointer) throws {
        try writer.writeContents(chunk)
    }

    package mutating func endRegular() throws {
        try writer.endRegular()
        if regularIsEntry { try writer.endEntry() }
    }

    package mutating func symlink(name: [UInt8]?, target: [UInt8]) throws {
        try open(name)
        try writer.symlink(target: target)
        if name != nil { try writer.endEntry() }
    }

    /// Writes the end of the archive and flushes.
    package mutating func finish() throws {
        try writer.finish()
    }
}

/// Sends every NAR event to two visitors.
package struct TeeVisitor<A: NARVisitor, B: NARVisitor>: NARVisitor {
    package var first: A
    package var second: B

    package init(_ first: A, _ second: B) {
        self.first = first
        self.second = second
    }

    package mutating func directory(name: [UInt8]?) throws {
        try first.directory(name: name)
        try second.directory(name: name)
    }

    package mutating func endDirectory() throws {
        try first.endDirectory()
        try second.endDirectory()
    }

    package mutating func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws {
        try first.regular(name: name, executable: executable, size: size)
        try second.regular(name: name, executable: executable, size: size)
    }

    package mutating func contents(_ chunk: UnsafeRawBufferPointer) throws {
        try first.contents(chunk)
        try second.contents(chunk)
    }

    package mutating func endRegular() throws {
        try first.endRegular()
        try second.endRegular()
    }

    package mutating func symlink(name: [UInt8]?, target: [UInt8]) throws {
        try first.symlink(name: name, target: target)
        try second.symlink(name: name, target: target)
    }
}

/// Hashes the contents of a single regular file (flat content addressing),
/// refusing anything else. When not `enabled` it ignores every event, so one
/// pipeline serves both addressing methods.
package final class FlatHashVisitor: NARVisitor {
    private var context: HashContext
    private let path: String
    private let enabled: Bool

    package init(algorithm: HashAlgorithm = .sha256, path: String, enabled: Bool = true) {
        context = HashContext(algorithm)
        self.path = path
        self.enabled = enabled
    }

    package func directory(name: [UInt8]?) throws {
        if enabled { throw StoreError.notRegularFile(path: path) }
    }
    package func endDirectory() throws {}
    package func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws {}
    package func contents(_ chunk: UnsafeRawBufferPointer) throws {
        if enabled { context.update(chunk) }
    }
    package func endRegular() throws {}
    package func symlink(name: [UInt8]?, target: [UInt8]) throws {
        if enabled { throw StoreError.notRegularFile(path: path) }
    }

    package func finalize() throws -> Hash {
        try Hash(algorithm: context.algorithm, bytes: context.finalize())
    }
}

/// Passes events on, reporting every regular file as non-executable when enabled.
package struct ExecutableBitClearing<V: NARVisitor>: NARVisitor {
    package var inner: V
    private let enabled: Bool

    package init(_ inner: V, enabled: Bool) {
        self.inner = inner
        self.enabled = enabled
    }

    package mutating func directory(name: [UInt8]?) throws { try inner.directory(name: name) }
    package mutating func endDirectory() throws { try inner.endDirectory() }
    package mutating func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws {
        try inner.regular(name: name, executable: executable && !enabled, size: size)
    }
    package mutating func contents(_ chunk: UnsafeRawBufferPointer) throws { try inner.contents(chunk) }
    package mutating func endRegular() throws { try inner.endRegular() }
    package mutating func symlink(name: [UInt8]?, target: [UInt8]) throws {
        try inner.symlink(name: name, target: target)
    }
}

/// Passes events on when there is a visitor to pass them to.
package struct OptionalVisitor<V: NARVisitor>: NARVisitor {
    package var wrapped: V?

    package init(_ wrapped: V?) { self.wrapped = wrapped }

    package mutating func directory(name: [UInt8]?) throws { try wrapped?.directory(name: name) }
    package mutating func endDirectory() throws { try wrapped?.endDirectory() }
    package mutating func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws {
        try wrapped?.regular(name: name, executable: executable, size: size)
    }
    package mutating func contents(_ chunk: UnsafeRawBufferPointer) throws { try wrapped?.contents(chunk) }
    package mutating func endRegular() throws { try wrapped?.endRegular() }
    package mutating func symlink(name: [UInt8]?, target: [UInt8]) throws {
        try wrapped?.symlink(name: name, target: target)
    }
}
