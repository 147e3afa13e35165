import TernGGUF
import TernTokenizers
import Testing

/// Guards against accidentally quadratic encoding or loading. The bounds are loose enough for
/// debug builds on a busy machine; release builds are far faster (see the timings printed).
@Suite struct PerformanceTests {
    /// About 2,000 tokens of mixed prose, code, numbers and chat markup.
    static let longPrompt: String = {
        let paragraph = """
            <|im_start|>user
            Explain why the sky is blue in 3 sentences, then write `def f(x): return x**2` and \
            list 1,234,567 primes? Émile's café serves 日本語 and emoji 🦙🚀 too.
            <|im_end|>

            """
        return String(repeating: paragraph, count: 33)
    }()

    @Test func encodingIsLinear() throws {
        let tokenizer = try SmolLM2.tokenizer()
        var ids: [Int32] = []
        // The fastest of a few runs: one run can be preempted on a busy machine.
        let single = fastest(of: 3) { ids = tokenizer.encode(Self.longPrompt, addSpecial: false, parseSpecial: true) }
        #expect((1_800...2_600).contains(ids.count))
        let tenfold = String(repeating: Self.longPrompt, count: 10)
        var manyIDs: [Int32] = []
        let ten = fastest(of: 3) { manyIDs = tokenizer.encode(tenfold, addSpecial: false, parseSpecial: true) }
        #expect(manyIDs.count == ids.count * 10)
        print("encode \(ids.count) tokens: \(single); \(manyIDs.count) tokens: \(ten)")
        #expect(ten < single * 30)
        #expect(single < .seconds(1))
    }

    @Test func decodingIsFast() throws {
        let tokenizer = try SmolLM2.tokenizer()
        let ids = tokenizer.encode(Self.longPrompt, addSpecial: false, parseSpecial: true)
        let clock = ContinuousClock()
        var text = ""
        let elapsed = clock.measure { text = tokenizer.decode(ids, skipSpecial: false) }
        print("decode \(ids.count) tokens: \(elapsed)")
        #expect(text == Self.longPrompt)
        #expect(elapsed < .milliseconds(200))
    }

    @Test func loadingIsFast() throws {
        let clock = ContinuousClock()
        var file: GGUFFile?
        let opening = try clock.measure { file = try GGUFFile(path: smolLM2ModelPath) }
        let gguf = try #require(file)
        var tokenizer: BPETokenizer?
        let building = try clock.measure { tokenizer = try BPETokenizer(gguf: gguf) }
        print("open GGUF: \(opening); build tokenizer from its metadata: \(building)")
        #expect(tokenizer?.vocabularySize == 49152)
        #expect(building < .seconds(2))
    }
}

/// The shortest of `runs` timings of `body`.
func fastest(of runs: Int, _ body: () -> Void) -> Duration {
    let clock = ContinuousClock()
    return (0..<runs).map { _ in clock.measure(body) }.min() ?? .zero
}
