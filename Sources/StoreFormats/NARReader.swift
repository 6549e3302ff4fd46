/// Receives a NAR's contents as properly nested events. `name` is nil for
/// the root node and otherwise the entry's name in the enclosing directory.
/// The `contents` chunk is a view into the reader's buffer, valid only
/// during the call.
package protocol NARVisitor {
    mutating func directory(name: [UInt8]?) throws
    mutating func endDirectory() throws
    mutating func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws
    mutating func contents(_ chunk: UnsafeRawBufferPointer) throws
    mutating func endRegular() throws
    mutating func symlink(name: [UInt8]?, target: [UInt8]) throws
}

/// Bounds on what a NAR may contain, so a hostile archive cannot exhaust
/// memory or make unpacking build absurd trees.
package struct NARLimits: Sendable {
    package var maxDepth = 256
    /// Linux's NAME_MAX: longer names could not be unpacked anyway.
    package var maxNameLength = 255
    /// PATH_MAX minus the terminating NUL.
    package var maxTargetLength = 4095
    package var maxFileSize: UInt64 = 1 << 44

    package init(maxDepth: Int = 256, maxNameLength: Int = 255, maxTargetLength: Int = 4095,
                 maxFileSize: UInt64 = 1 << 44) {
        self.maxDepth = maxDepth
        self.maxNameLength = maxNameLength
        self.maxTargetLength = maxTargetLength
        self.maxFileSize = maxFileSize
    }
}

/// Parses NAR archives in a single streaming pass. Only the canonical form
/// that `nix-store --dump` writes is accepted (fields in their fixed order,
/// entries sorted): a NAR is hashed as bytes, so two spellings of one tree
/// must not both be valid.
package enum NARReader {
    /// Parses exactly one NAR, from the magic to its final ")", and stops;
    /// whatever follows stays in `reader`.
    package static func parse<S: ByteSource, V: NARVisitor>(
        _ reader: inout ByteReader<S>, into visitor: inout V, limits: NARLimits = .init()
    ) throws {
        var parser = Parser(limits: limits)
        do {
            try parser.parseArchive(&reader, &visitor)
        } catch let error as ByteReaderError {
            // Restate wire-level failures as NAR errors that say where in the
            // archive they happened.
            let kind: NARError.Kind
            let offset: UInt64?
            switch error {
            case .unexpectedEnd(let at): (kind, offset) = (.truncated, at)
            case .nonZeroPadding(let at): (kind, offset) = (.nonZeroPadding, at)
            case .stringTooLong(let length, let limit, let at): (kind, offset) = (.stringTooLong(length: length, limit: limit), at)
            case .unexpectedToken(let expected, let found, let at):
                (kind, offset) = (.unexpectedToken(expected: "'\(expected)'", found: found), at)
            case .sourceOverrun: throw error
            }
            throw NARError(kind, path: parser.currentPath, offset: offset)
        }
    }

    /// Parses one NAR that must make up the whole stream.
    package static func parseWhole<S: ByteSource, V: NARVisitor>(
        _ reader: inout ByteReader<S>, into visitor: inout V, limits: NARLimits = .init()
    ) throws {
        try parse(&reader, into: &visitor, limits: limits)
        guard try reader.isAtEnd else {
            throw NARError(.trailingData, offset: reader.bytesConsumed)
        }
    }

    /// The parser walks directories with an explicit stack rather than by
    /// recursion, so no limit setting can overflow the thread's stack.
    private struct Parser {
        let limits: NARLimits
        /// Names from the root to the entry being parsed.
        var names: [[UInt8]] = []
        /// The previous entry name in each open directory, for the order check.
        var previousNames: [[UInt8]?] = []

        init(limits: NARLimits) { self.limits = limits }

        var currentPath: String? {
            names.isEmpty ? nil : "/" + names.map { NARError.show($0) }.joined(separator: "/")
        }

        func fail(_ kind: NARError.Kind, at offset: UInt64? = nil) -> NARError {
            NARError(kind, path: currentPath, offset: offset)
        }

        /// Reads one of a few keywords; anything else is reported against
        /// `expected`, without reading a long string to quote it.
        mutating func word<S>(_ reader: inout ByteReader<S>, expected: String) throws -> String {
            do {
                return try reader.readShortString()
            } catch ByteReaderError.stringTooLong(let length, _, let offset) {
                throw fail(.unexpectedToken(expected: expected, found: "a string of \(length) bytes"), at: offset)
            }
        }

        mutating func parseArchive<S, V: NARVisitor>(_ reader: inout ByteReader<S>, _ visitor: inout V) throws {
            do {
                try reader.readToken("nix-archive-1")
            } catch ByteReaderError.unexpectedToken(_, _, let offset) {
                throw fail(.badMagic, at: offset)
            }
            guard try parseNode(name: nil, &reader, &visitor) else { return }
            while !previousNames.isEmpty {
                let offset = reader.bytesConsumed
                switch try word(&reader, expected: "'entry' or ')'") {
                case ")":
                    try visitor.endDirectory()
                    previousNames.removeLast()
                    // A directory other than the root was the node of an
                    // entry, which closes now.
                    if !previousNames.isEmpty { try closeEntry(&reader) }
                case "entry":
                    try reader.readToken("(")
                    try reader.readToken("name")
                    let name = try readName(&reader)
                    names.append(name)
                    try reader.readToken("node")
                    if try !parseNode(name: name, &reader, &visitor) {
                        try closeEntry(&reader)
                    }
                case let other:
                    throw fail(.unexpectedToken(expected: "'entry' or ')'", found: "'\(other)'"), at: offset)
                }
            }
        }

        mutating func closeEntry<S>(_ reader: inout ByteReader<S>) throws {
            try reader.readToken(")")
            names.removeLast()
        }

        /// Reads an entry name, checks it and its order against the previous
        /// entry of the same directory.
        mutating func readName<S>(_ reader: inout ByteReader<S>) throws -> [UInt8] {
            let offset = reader.bytesConsumed
            let length = try reader.readU64()
            guard length <= UInt64(limits.maxNameLength) else {
                throw fail(.nameTooLong(length: length, limit: limits.maxNameLength), at: offset)
            }
            let name = try reader.readStringContents(length: length)
            if let reason = NAREntryName.problem(with: name) { throw fail(.invalidName(name, reason: reason), at: offset) }
            if let previous = previousNames[previousNames.count - 1] {
                if name == previous { throw fail(.duplicateName(name), at: offset) }
                // Byte order, as Nix sorts: any other order would give the
                // same tree a second NAR and a second hash.
                if name.lexicographicallyPrecedes(previous) {
                    throw fail(.unsortedNames(previous: previous, next: name), at: offset)
                }
            }
            previousNames[previousNames.count - 1] = name
            return name
        }

        /// Parses a node up to its end, except that a directory is only
        /// opened (returns true) and its entries are left to the caller.
        mutating func parseNode<S, V: NARVisitor>(
            name: [UInt8]?, _ reader: inout ByteReader<S>, _ visitor: inout V
        ) throws -> Bool {
            if names.count > limits.maxDepth { throw fail(.tooDeep(limit: limits.maxDepth), at: reader.bytesConsumed) }
            try reader.readToken("(")
            try reader.readToken("type")
            let typeOffset = reader.bytesConsumed
            switch try word(&reader, expected: "a file type") {
            case "regular":
                try parseRegular(name: name, &reader, &visitor)
                return false
            case "symlink":
                try reader.readToken("target")
                let offset = reader.bytesConsumed
                let length = try reader.readU64()
                guard length > 0 else { throw fail(.invalidTarget(reason: "it is empty"), at: offset) }
                guard length <= UInt64(limits.maxTargetLength) else {
                    throw fail(.invalidTarget(reason: "\(length) bytes exceed the limit of \(limits.maxTargetLength)"), at: offset)
                }
                let target = try reader.readStringContents(length: length)
                guard !target.contains(0) else { throw fail(.invalidTarget(reason: "it contains a NUL byte"), at: offset) }
                try visitor.symlink(name: name, target: target)
                try reader.readToken(")")
                return false
            case "directory":
                try visitor.directory(name: name)
                previousNames.append(nil)
                return true
            case let other:
                throw fail(.unknownFileType(other), at: typeOffset)
            }
        }

        mutating func parseRegular<S, V: NARVisitor>(
            name: [UInt8]?, _ reader: inout ByteReader<S>, _ visitor: inout V
        ) throws {
            var offset = reader.bytesConsumed
            var field = try word(&reader, expected: "'executable' or 'contents'")
            let executable = field == "executable"
            if executable {
                let markerOffset = reader.bytesConsumed
                guard try reader.readU64() == 0 else { throw fail(.nonEmptyExecutableMarker, at: markerOffset) }
                offset = reader.bytesConsumed
                field = try word(&reader, expected: "'contents'")
            }
            guard field == "contents" else {
                let expected = executable ? "'contents'" : "'executable' or 'contents'"
                throw fail(.unexpectedToken(expected: expected, found: "'\(field)'"), at: offset)
            }
            let sizeOffset = reader.bytesConsumed
            let size = try reader.readU64()
            guard size <= limits.maxFileSize else {
                throw fail(.fileTooLarge(size: size, limit: limits.maxFileSize), at: sizeOffset)
            }
            try visitor.regular(name: name, executable: executable, size: size)
            try reader.readBytes(count: size) { try visitor.contents($0) }
            try reader.skipPadding(for: size)
            try visitor.endRegular()
            try reader.readToken(")")
        }
    }
}
