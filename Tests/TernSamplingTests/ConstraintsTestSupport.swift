import Foundation
import Testing

@testable import TernSampling

/// Deterministic generator for reproducible random walks.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum ConstraintsFixtures {
    /// Every single byte, JSON-ish fragments and words, one end token and one excluded token.
    static let syntheticPieces: [String] = {
        var pieces = (0..<256).map { String(UnicodeScalar(UInt8($0))) }
        pieces += [
            "{\"", "\":", "\": ", "\", \"", "\",", "\"}", "},", "}}", "]}", "}]", "],", "[{", "[\"", "\"]", "{}",
            "[]", ", ", ",\n", "\n  ", "\n    ", "  ", "true", "false", "null", "nu", "ll", "tr", "ue", "12", "345",
            "0.", ".5", "e+", "-1", "00", "name", "age", "value", "children", " the", "the", "ing", " a", "é", "日本",
            "\\n", "\\\"", "\\u00", "ab", "abc", "xyz", "2024", "-01", "-12", "T12", ":30", ":00Z", "@", ".com",
            "user", "\"name\": \"", "\": [", "\": {", "\": \"", "\": true", "123\"", "\"a\"", "ok\"}", "\"\n}",
        ]
        return pieces
    }()

    static func synthetic() -> (vocabulary: GrammarVocabulary, bytes: [[UInt8]], end: Int32, excluded: Int32) {
        var bytes = syntheticPieces.map { piece -> [UInt8] in
            if piece.unicodeScalars.count == 1, let scalar = piece.unicodeScalars.first, scalar.value < 256 {
                return [UInt8(scalar.value)]
            }
            return Array(piece.utf8)
        }
        bytes.append(Array("<end>".utf8))
        bytes.append(Array("<special>".utf8))
        let end = Int32(bytes.count - 2)
        let excluded = Int32(bytes.count - 1)
        let vocabulary = GrammarVocabulary(tokenBytes: bytes, endTokens: [end], excluded: [excluded])
        return (vocabulary, bytes, end, excluded)
    }

    /// Tokens containing quotes, brackets or the punctuation that moves formats along (`@ . :`).
    static func closing(_ bytes: [[UInt8]]) -> [Int32] {
        bytes.indices.filter { bytes[$0].contains { [0x22, 0x7D, 0x5D, 0x40, 0x2E, 0x3A].contains($0) } }.map(
            Int32.init)
    }

    /// A uniformly random allowed token from `candidates` (rejection sampling on the mask,
    /// then an exhaustive fallback), or nil if none is allowed.
    static func pick(_ candidates: [Int32], _ mask: TokenMask, _ rng: inout SplitMix64) -> Int32? {
        guard !candidates.isEmpty else { return nil }
        for _ in 0..<256 {
            let token = candidates[Int(rng.next() % UInt64(candidates.count))]
            if mask.contains(token) { return token }
        }
        return candidates.filter { mask.contains($0) }.randomElement(using: &rng)
    }

    /// Random walk: repeatedly pick a random allowed token until an end token (or `limit`).
    /// Checks on the way that every masked token is accepted and the mask is never empty.
    /// `preferEnd` and `closeBias` (rising as the walk grows) steer walks toward finishing.
    static func randomWalk(
        _ grammar: CompiledGrammar, _ vocabulary: GrammarVocabulary, bytes: [[UInt8]], seed: UInt64,
        limit: Int = 400, preferEnd: Double = 0.3, closeBias: Double = 0, closing: [Int32]? = nil
    ) throws -> (output: [UInt8], finished: Bool) {
        var rng = SplitMix64(seed: seed)
        var matcher = GrammarMatcher(grammar: grammar, vocabulary: vocabulary)
        var mask = TokenMask(count: vocabulary.count)
        let everything = (0..<Int32(vocabulary.count)).map { $0 }
        let closers = closeBias > 0 ? closing ?? Self.closing(bytes) : []
        let ends = vocabulary.trie.endTokens
        var output: [UInt8] = []
        for step in 0..<limit {
            matcher.allowedTokens(into: &mask)
            try #require(
                mask.allowedCount > 0, "empty mask at step \(step) after \(String(decoding: output, as: UTF8.self))")
            let pressure = Double(step) / Double(limit)
            var token: Int32?
            if matcher.isAccepting, Double(rng.next() % 1000) / 1000 < preferEnd + pressure {
                token = ends.first
            } else if closeBias > 0, Double(rng.next() % 1000) / 1000 < closeBias + pressure {
                token = pick(closers, mask, &rng)
            }
            let chosen = try #require(token ?? pick(everything, mask, &rng))
            #expect(mask.contains(chosen))
            let accepted = matcher.accept(chosen)
            try #require(accepted, "mask allowed \(chosen) but accept refused it")
            if vocabulary.trie.isEnd[Int(chosen)] { return (output, true) }
            output += bytes[Int(chosen)]
        }
        return (output, false)
    }
}
