import TernSampling
import TernTokenizers
import Testing

@testable import TernEngine

/// A tokenizer whose token `i` is the text `pieces[i]` (enough for the streamer, which only
/// needs each token's bytes).
private struct PieceTokenizer: Tokenizer {
    let pieces: [[UInt8]]

    init(_ pieces: [String]) { self.pieces = pieces.map { Array($0.utf8) } }
    init(bytes: [[UInt8]]) { pieces = bytes }

    var vocabularySize: Int { pieces.count }
    var bosTokenID: Int32? { nil }
    var eosTokenID: Int32? { nil }
    var endOfGenerationTokenIDs: Set<Int32> { [] }
    var addsBOS: Bool { false }
    var addsEOS: Bool { false }
    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32] { [] }
    func pieceBytes(_ id: Int32, skipSpecial: Bool) -> [UInt8] { pieces[Int(id)] }
    func tokenText(_ id: Int32) -> String { String(decoding: pieces[Int(id)], as: UTF8.self) }
    func tokenID(for text: String) -> Int32? { pieces.firstIndex(of: Array(text.utf8)).map(Int32.init) }
    func isSpecial(_ id: Int32) -> Bool { false }
}

/// What a streamer showed for a whole generation.
private struct Streamed {
    var deltas: [TextDelta] = []
    var stopped = false
    var text: String { deltas.map(\.text).joined() }
    var tokens: [Int32] { deltas.flatMap(\.tokens).map(\.token) }
}

private func stream(
    _ tokens: [Int32], _ tokenizer: PieceTokenizer, stops: [String], minTokens: Int = 0
) -> Streamed {
    var streamer = TextStreamer(tokenizer: tokenizer, stopStrings: stops, minTokens: minTokens)
    var result = Streamed()
    for token in tokens {
        result.deltas.append(streamer.push(TokenChoice(token: token, logprob: 0, topLogprobs: [])))
        if streamer.stopped { break }
    }
    result.stopped = streamer.stopped
    if !result.stopped { result.deltas.append(streamer.finish()) }
    return result
}

@Suite struct TextStreamerTests {
    @Test func aStopStringStraddlingTheMinTokensBoundaryIsCaughtAndNeverShown() {
        // "aX" is token 1 (before min_tokens = 2); "YZb" is token 2, which completes "XYZ".
        let tokenizer = PieceTokenizer(["aX", "YZb", "c"])
        var streamer = TextStreamer(tokenizer: tokenizer, stopStrings: ["XYZ"], minTokens: 2)
        let first = streamer.push(TokenChoice(token: 0, logprob: 0, topLogprobs: []))
        #expect(first.text == "a", "the possible start of a stop string is held back before min_tokens")
        let second = streamer.push(TokenChoice(token: 1, logprob: 0, topLogprobs: []))
        #expect(streamer.stopped)
        #expect(second.text == "")
        #expect((first.tokens + second.tokens).map(\.token) == [0, 1], "every token is reported once")
    }

    @Test func aStopStringThatEndsBeforeMinTokensDoesNotCount() {
        let tokenizer = PieceTokenizer(["XYZ", "b", "XYZ", "c"])
        let result = stream([0, 1, 2, 3], tokenizer, stops: ["XYZ"], minTokens: 2)
        #expect(result.stopped)
        #expect(result.text == "XYZb")
        #expect(result.tokens == [0, 1, 2])
    }

    @Test func heldTextIsWholeCharactersAndComesOutWhenItCannotBeAStop() {
        let tokenizer = PieceTokenizer(["aé", "b", "éz"])
        var streamer = TextStreamer(tokenizer: tokenizer, stopStrings: ["éz"], minTokens: 3)
        let first = streamer.push(TokenChoice(token: 0, logprob: 0, topLogprobs: []))
        #expect(first.text == "a" && first.tokens.isEmpty, "'é' may start the stop string; its token waits with it")
        let second = streamer.push(TokenChoice(token: 1, logprob: 0, topLogprobs: []))
        #expect(second.text == "éb" && second.tokens.map(\.token) == [0, 1])
        let third = streamer.push(TokenChoice(token: 2, logprob: 0, topLogprobs: []))
        #expect(streamer.stopped && third.text.isEmpty && third.tokens.map(\.token) == [2])
    }

    @Test func withoutStopsEverythingIsShownAtOnceAndSplitCharactersWait() {
        let tokenizer = PieceTokenizer(bytes: [Array("Hi ".utf8), [0xC3], [0xA9]])
        var streamer = TextStreamer(tokenizer: tokenizer, stopStrings: [], minTokens: 5)
        #expect(streamer.push(TokenChoice(token: 0, logprob: 0, topLogprobs: [])).text == "Hi ")
        let head = streamer.push(TokenChoice(token: 1, logprob: 0, topLogprobs: []))
        #expect(head.isEmpty, "half a character shows nothing")
        let tail = streamer.push(TokenChoice(token: 2, logprob: 0, topLogprobs: []))
        #expect(tail.text == "é" && tail.tokens.map(\.token) == [1, 2])
    }

    /// Random ASCII outputs against a direct implementation of the rule: after each token `k` with
    /// `k >= minTokens`, the output ends at the earliest stop string that ends in the text of
    /// token `minTokens` or later.
    @Test func matchesTheReferenceRuleOnRandomOutputs() {
        let tokenizer = PieceTokenizer(["a", "b", "ab", "ba", "c", "abc", "bb", "cab", ""])
        var generator = SeededGenerator(seed: 7)
        let stopSets: [[String]] = [["ab"], ["abc"], ["bcab", "ca"], ["bb", "cabc"], ["c"], ["aaaa", "b"]]
        for _ in 0..<3000 {
            let tokens = (0..<Int.random(in: 1...12, using: &generator)).map { _ in
                Int32.random(in: 0..<Int32(tokenizer.pieces.count), using: &generator)
            }
            let stops = stopSets.randomElement(using: &generator)!
            let minTokens = Int.random(in: 0...6, using: &generator)
            let result = stream(tokens, tokenizer, stops: stops, minTokens: minTokens)
            let expected = reference(tokens, tokenizer, stops: stops, minTokens: minTokens)
            #expect(result.text == expected.text, "\(tokens) \(stops) min \(minTokens)")
            #expect(result.stopped == expected.stopped, "\(tokens) \(stops) min \(minTokens)")
            #expect(result.tokens == Array(tokens.prefix(expected.tokenCount)), "\(tokens) \(stops) min \(minTokens)")
        }
    }

    private func reference(_ tokens: [Int32], _ tokenizer: PieceTokenizer, stops: [String], minTokens: Int)
        -> (text: String, stopped: Bool, tokenCount: Int)
    {
        var text: [UInt8] = []
        var boundary = 0
        for (index, token) in tokens.enumerated() {
            if index + 1 < minTokens { boundary = text.count + tokenizer.pieces[Int(token)].count }
            text += tokenizer.pieces[Int(token)]
            guard index + 1 >= minTokens else { continue }
            var best: Int?
            for stop in stops.map({ Array($0.utf8) }) where stop.count <= text.count {
                for start in 0...(text.count - stop.count)
                where start + stop.count > boundary && Array(text[start..<(start + stop.count)]) == stop {
                    best = min(best ?? start, start)
                    break
                }
            }
            if let best { return (String(decoding: text[..<best], as: UTF8.self), true, index + 1) }
        }
        return (String(decoding: text, as: UTF8.self), false, tokens.count)
    }
}
