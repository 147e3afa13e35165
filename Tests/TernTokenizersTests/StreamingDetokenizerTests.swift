import TernTokenizers
import Testing

/// A tokenizer whose tokens are arbitrary byte strings, to feed the detokenizer split characters.
private struct ByteTokenizer: Tokenizer {
    var pieces: [[UInt8]]
    var vocabularySize: Int { pieces.count }
    var bosTokenID: Int32? { nil }
    var eosTokenID: Int32? { nil }
    var endOfGenerationTokenIDs: Set<Int32> { [] }
    var addsBOS: Bool { false }
    var addsEOS: Bool { false }
    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32] { [] }
    func pieceBytes(_ id: Int32, skipSpecial: Bool) -> [UInt8] { pieces[Int(id)] }
    func tokenText(_ id: Int32) -> String { "" }
    func tokenID(for text: String) -> Int32? { nil }
    func isSpecial(_ id: Int32) -> Bool { false }
}

@Suite struct StreamingDetokenizerTests {
    @Test(arguments: ["🦙🚀👍🏽 👨‍👩‍👧‍👦 ❤️", "日本語のテキストとカタカナ、ひらがな。", "Ünïcödé ☃ ∑ ∫ ≠ ≤ √ π ∞", "שלום עולם"])
    func streamsWholeCharactersOnly(_ text: String) throws {
        let tokenizer = try SmolLM2.tokenizer()
        let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var chunks: [String] = []
        var heldBack = 0
        for id in ids {
            let chunk = detokenizer.append(id)
            if chunk.isEmpty { heldBack += 1 }
            chunks.append(chunk)
        }
        chunks.append(detokenizer.finish())
        #expect(chunks.joined() == text)
        #expect(chunks.allSatisfy { !$0.contains("\u{FFFD}") })
        // These texts put characters across token boundaries, so something was held back.
        #expect(heldBack > 0)
    }

    @Test func holdsBackSplitCharacter() {
        // 🦙 = F0 9F A6 99 in three tokens, then "!".
        let tokenizer = ByteTokenizer(pieces: [[0xF0, 0x9F], [0xA6], [0x99], [0x21]])
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(detokenizer.append(0) == "")
        #expect(detokenizer.append(1) == "")
        #expect(detokenizer.pendingByteCount == 3)
        #expect(detokenizer.append(2) == "🦙")
        #expect(detokenizer.append(3) == "!")
        #expect(detokenizer.finish() == "")
    }

    @Test func emitsCompletePrefixAndKeepsTail() {
        // "é" then the first two bytes of "日" (E6 97 A5) in one token.
        let tokenizer = ByteTokenizer(pieces: [[0xC3, 0xA9, 0xE6, 0x97], [0xA5]])
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(detokenizer.append(0) == "é")
        #expect(detokenizer.append(1) == "日")
    }

    @Test func unfinishedCharacterBecomesReplacementOnFinish() {
        let tokenizer = ByteTokenizer(pieces: [[0x61, 0xE6, 0x97]])
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(detokenizer.append(0) == "a")
        #expect(detokenizer.finish() == "\u{FFFD}")
        #expect(detokenizer.pendingByteCount == 0)
    }

    @Test func impossibleSequencesAreNotHeldBack() {
        // A stray continuation byte, and E0 80 (overlong) can never become a character.
        let tokenizer = ByteTokenizer(pieces: [[0x80], [0xE0, 0x80], [0x41], [0xF5]])
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(detokenizer.append(0) == "\u{FFFD}")
        #expect(detokenizer.append(1).unicodeScalars.allSatisfy { $0 == "\u{FFFD}" })
        #expect(detokenizer.pendingByteCount == 0)
        #expect(detokenizer.append(2) == "A")
        #expect(detokenizer.append(3) == "\u{FFFD}")
    }

    @Test func skipsSpecialTokensWhenAsked() throws {
        let tokenizer = try SmolLM2.tokenizer()
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer, skipSpecial: true)
        let ids = tokenizer.encode("Hi<|im_end|>", addSpecial: false, parseSpecial: true)
        #expect(ids.map { detokenizer.append($0) }.joined() + detokenizer.finish() == "Hi")
    }
}
