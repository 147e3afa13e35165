import TernGGUF
import TernTestSupport
import TernTokenizers
import Testing

/// Guards against accidentally quadratic SentencePiece encoding or slow loading of Gemma's
/// 262,144-token vocabulary. The bounds are loose enough for debug builds on a busy machine;
/// release builds are far faster (see the timings printed).
@Suite struct SentencePiecePerformanceTests {
    /// About 2,000 Gemma tokens of mixed prose, code, numbers and chat markup.
    static let longPrompt: String = {
        let paragraph = """
            <start_of_turn>user
            Explain why the sky is blue in 3 sentences, then write `def f(x): return x**2` and \
            list 1,234,567 primes? Émile's café serves 日本語 and emoji 🦙🚀 too.
            <end_of_turn>

            """
        return String(repeating: paragraph, count: 40)
    }()

    @Test func encodingIsLinear() throws {
        let tokenizer = try Gemma3.tokenizer()
        var ids: [Int32] = []
        // The fastest of a few runs: one run can be preempted on a busy machine.
        let single = fastest(of: 3) { ids = tokenizer.encode(Self.longPrompt, addSpecial: false, parseSpecial: true) }
        #expect((1_800...2_600).contains(ids.count))
        let tenfold = String(repeating: Self.longPrompt, count: 10)
        var manyIDs: [Int32] = []
        let ten = fastest(of: 3) { manyIDs = tokenizer.encode(tenfold, addSpecial: false, parseSpecial: true) }
        #expect(manyIDs.count == ids.count * 10)
        // One unbroken run of text is merged as a whole; it must not be quadratic either.
        let run = String(repeating: "abc def ", count: 2_000)
        var runIDs: [Int32] = []
        let unbroken = fastest(of: 3) { runIDs = tokenizer.encode(run, addSpecial: false, parseSpecial: false) }
        print(
            "Gemma encode \(ids.count) tokens: \(single); \(manyIDs.count) tokens: \(ten); \(runIDs.count) tokens in one run: \(unbroken)"
        )
        #expect(ten < single * 30)
        #expect(single < .seconds(1))
        #expect(unbroken < .seconds(1))
        #expect(tokenizer.decode(runIDs, skipSpecial: false) == run)
    }

    @Test func decodingIsFast() throws {
        let tokenizer = try Gemma3.tokenizer()
        let ids = tokenizer.encode(Self.longPrompt, addSpecial: false, parseSpecial: true)
        let clock = ContinuousClock()
        var text = ""
        let elapsed = clock.measure { text = tokenizer.decode(ids, skipSpecial: false) }
        print("Gemma decode \(ids.count) tokens: \(elapsed)")
        #expect(text == Self.longPrompt)
        #expect(elapsed < .milliseconds(200))
    }

    @Test func loadingIsFast() throws {
        let clock = ContinuousClock()
        var file: GGUFFile?
        let path = try TestResources.gemmaModelPath()
        let opening = try clock.measure { file = try GGUFFile(path: path) }
        let gguf = try #require(file)
        var vocabulary: TokenizerVocabulary?
        let reading = try clock.measure { vocabulary = try TokenizerVocabulary(gguf: gguf) }
        var tokenizer: SentencePieceTokenizer?
        let building = try clock.measure { tokenizer = try SentencePieceTokenizer(vocabulary: #require(vocabulary)) }
        print("Gemma open GGUF: \(opening); read vocabulary: \(reading); build tokenizer: \(building)")
        #expect(tokenizer?.vocabularySize == 262_144)
        #expect(reading + building < .seconds(3))
    }
}
