import Testing
@testable import StoreFormats

private let hashA = "l5ba34ay9mj2w9m5agj58yamjal0l9v8"
private let hashB = "qnrk0wa3k9cmlbidk7s1hzyqd6bhk9rc"
private let hashC = "msa25ka1k1x7zj6gmvd6lijh4s4ipr67"
private let absent = "zqrf5vll21npbc5dsm57kmq2cxaj6siy"

private func scan(_ bytes: [UInt8], chunkSize: Int, candidates: [String] = [hashA, hashB, hashC, absent]) -> Set<String> {
    var scanner = ReferenceScanner(hashParts: candidates)
    var offset = 0
    while offset < bytes.count {
        let end = min(offset + chunkSize, bytes.count)
        bytes[offset..<end].withUnsafeBytes { scanner.scan($0) }
        offset = end
    }
    return scanner.found
}

private let sample: [UInt8] = {
    var bytes = Array("#!/bin/sh\nexec /cairn/store/\(hashA)-hello/bin/hello \"$@\"\n".utf8)
    bytes += [0, 1, 2, 0xFF]
    bytes += Array("RPATH=/cairn/store/\(hashB)-tree/lib:".utf8)
    // Glued to other digits on both sides: still a match of the window.
    bytes += Array("000\(hashC)111".utf8)
    return bytes
}()

@Test(arguments: [1, 2, 7, 31, 32, 33, 64, 100_000])
func findsHashesWhateverTheChunking(chunkSize: Int) {
    #expect(scan(sample, chunkSize: chunkSize) == [hashA, hashB, hashC])
}

@Test(arguments: [1, 7, 64])
func ignoresPartialHashes(chunkSize: Int) {
    var bytes = Array("/cairn/store/\(hashA.dropLast())-x ".utf8)  // 31 characters
    bytes += Array("\(hashB.dropFirst())".utf8)  // at the very end
    bytes += Array(" \(hashC.prefix(16))\n\(hashC.dropFirst(16))".utf8)  // broken by a newline
    #expect(scan(bytes, chunkSize: chunkSize).isEmpty)
}

@Test func findsAHashAtTheVeryStartAndEnd() {
    #expect(scan(Array(hashA.utf8), chunkSize: 7) == [hashA])
    #expect(scan(Array("x\(hashB)".utf8), chunkSize: 1) == [hashB])
    #expect(scan(Array("\(hashA)\(hashB)".utf8), chunkSize: 5) == [hashA, hashB])
}

@Test func ignoresCandidatesThatCannotBeHashParts() {
    let bytes = Array("short eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee \(hashA)".utf8)
    #expect(scan(bytes, chunkSize: 3, candidates: ["short", String(repeating: "e", count: 32), hashA]) == [hashA])
    #expect(scan(bytes, chunkSize: 3, candidates: []).isEmpty)
}

@Test func agreesWithANaiveSearchOnRandomData() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("0123456789abcdfghijklmnpqrsvwxyz".utf8)
    let candidates = (0..<20).map { _ in
        String(decoding: (0..<32).map { _ in alphabet.randomElement(using: &generator) ?? 48 }, as: UTF8.self)
    }
    for _ in 0..<20 {
        // Mostly digits, so long digit runs and near misses are common.
        var bytes = (0..<3000).map { _ in
            Int.random(in: 0..<40, using: &generator) == 0 ? UInt8(ascii: "-") : alphabet.randomElement(using: &generator) ?? 48
        }
        for candidate in candidates.prefix(Int.random(in: 0...10, using: &generator)) {
            let at = Int.random(in: 0...(bytes.count - 32), using: &generator)
            bytes.replaceSubrange(at..<(at + 32), with: Array(candidate.utf8))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let expected = Set(candidates.filter { text.contains($0) })
        for chunkSize in [1, 13, 64, 4096] {
            #expect(scan(bytes, chunkSize: chunkSize, candidates: candidates) == expected)
        }
    }
}

@Test func findsAHashCutAtAnyOneOrTwoPlaces() {
    let bytes = Array("x-\(hashA)-y".utf8)
    for first in 0...bytes.count {
        for second in first...bytes.count {
            var scanner = ReferenceScanner(hashParts: [hashA, absent])
            bytes[0..<first].withUnsafeBytes { scanner.scan($0) }
            bytes[first..<second].withUnsafeBytes { scanner.scan($0) }
            bytes[second...].withUnsafeBytes { scanner.scan($0) }
            #expect(scanner.found == [hashA], "cut at \(first) and \(second)")
        }
    }
}
