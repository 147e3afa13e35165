import Foundation
import Testing

@testable import TernSampling

/// Timings on the real 49k vocabulary (meaningful in release builds: `swift test -c release`).
/// Bounds are asserted in release only; debug builds just print.
@Suite(.serialized) struct ConstraintsPerformanceTests {
    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
    }

    /// Longest-match tokenization (a stand-in for what a model would emit).
    static func tokenize(_ text: String, _ real: RealVocabulary.Loaded) -> [Int32] {
        let trie = real.vocabulary.trie
        let bytes = Array(text.utf8)
        var tokens: [Int32] = []
        var position = 0
        while position < bytes.count {
            var node = 0
            var best: (token: Int32, length: Int)?
            var depth = 0
            while position + depth < bytes.count {
                var child = node + 1
                var found = -1
                while child < Int(trie.nodeSkip[node]) {
                    if trie.nodeByte[child] == bytes[position + depth] {
                        found = child
                        break
                    }
                    child = Int(trie.nodeSkip[child])
                }
                guard found >= 0 else { break }
                node = found
                depth += 1
                let range = Int(trie.nodeTokenOffsets[node])..<Int(trie.nodeTokenOffsets[node + 1])
                if let token = range.first.map({ trie.nodeTokens[$0] }) { best = (token, depth) }
            }
            guard let best else { return tokens }
            tokens.append(best.token)
            position += best.length
        }
        return tokens
    }

    struct Timing {
        var cold: [Double] = []
        var warm: [Double] = []
        var accept: [Double] = []
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func run(
        _ grammar: CompiledGrammar, _ tokens: [Int32], _ real: RealVocabulary.Loaded, into timing: inout Timing,
        warm: Bool
    ) {
        var matcher = GrammarMatcher(grammar: grammar, vocabulary: real.vocabulary)
        var mask = TokenMask(count: real.vocabulary.count)
        let clock = ContinuousClock()
        for token in tokens {
            let elapsed = clock.measure { matcher.allowedTokens(into: &mask) }
            if warm {
                timing.warm.append(milliseconds(elapsed) * 1000)
            } else {
                timing.cold.append(milliseconds(elapsed) * 1000)
            }
            #expect(mask.contains(token))
            var ok = false
            let acceptTime = clock.measure { ok = matcher.accept(token) }
            timing.accept.append(milliseconds(acceptTime) * 1000)
            #expect(ok)
        }
        matcher.allowedTokens(into: &mask)
        #expect(mask.contains(real.end))
    }

    @Test func vocabularyCompileAndMaskTimings() throws {
        let real = try RealVocabulary.get()
        let clock = ContinuousClock()
        let trieTime = clock.measure {
            _ = GrammarVocabulary(tokenBytes: real.bytes, endTokens: [real.end], excluded: [])
        }
        print(
            "vocabulary trie (\(real.vocabulary.count) tokens, \(real.vocabulary.trie.nodeCount) nodes): \(Self.milliseconds(trieTime)) ms"
        )

        let cases: [(String, ConstraintSpec, String)] = [
            (
                "person schema", .jsonSchema(ConstraintsSchemaWalkTests.schemas[0].text),
                #"{"name": "Ada Lovelace", "age": 36, "email": "ada@analytical.engine.org", "tags": ["math", "poet"], "address": {"city": "London", "zip": "12345"}}"#
            ),
            (
                "tree schema", .jsonSchema(ConstraintsSchemaWalkTests.schemas[2].text),
                #"{"value": 1, "children": [{"value": 2, "children": []}, {"value": 3, "children": [{"value": 4, "children": []}]}]}"#
            ),
            (
                "json_object", .jsonObject,
                #"{"title": "The quick brown fox jumps over the lazy dog", "count": 1234567, "ratio": -0.25, "ok": true, "items": [1, 2, 3], "nested": {"a": null}}"#
            ),
            ("regex", .regex(#"[A-Z][a-z]+ [0-9]{3}-[0-9]{4}"#), "Hello 555-1234"),
        ]
        var summary = Timing()
        for (name, spec, text) in cases {
            var compiled: CompiledGrammar?
            let compileTime = try clock.measure { compiled = try CompiledGrammar(spec) }
            let grammar = try #require(compiled)
            let tokens = Self.tokenize(text, real)
            var timing = Timing()
            Self.run(grammar, tokens, real, into: &timing, warm: false)
            Self.run(grammar, tokens, real, into: &timing, warm: true)
            summary.cold += timing.cold
            summary.warm += timing.warm
            summary.accept += timing.accept
            print(
                "\(name): compile \(String(format: "%.2f", Self.milliseconds(compileTime))) ms, \(grammar.stateCount) states, "
                    + "\(tokens.count) tokens; mask µs cold median \(Int(Self.percentile(timing.cold, 0.5))) "
                    + "p90 \(Int(Self.percentile(timing.cold, 0.9))) max \(Int(Self.percentile(timing.cold, 1))); "
                    + "warm median \(Int(Self.percentile(timing.warm, 0.5))) p90 \(Int(Self.percentile(timing.warm, 0.9))) "
                    + "max \(Int(Self.percentile(timing.warm, 1))); accept median \(Int(Self.percentile(timing.accept, 0.5))) µs"
            )
        }
        // Applying a sparse mask (a few allowed tokens) and a dense one to the logits.
        var logits = [Float](repeating: 0, count: real.vocabulary.count)
        var sparse = TokenMask(count: real.vocabulary.count)
        for token: Int32 in [10, 500, 20_000] { sparse.insert(token) }
        var dense = TokenMask(count: real.vocabulary.count)
        for token in 0..<Int32(real.vocabulary.count) where token % 97 != 0 { dense.insert(token) }
        let applySparse = clock.measure { logits.withUnsafeMutableBufferPointer { sparse.apply(to: $0) } }
        let applyDense = clock.measure { logits.withUnsafeMutableBufferPointer { dense.apply(to: $0) } }
        print(
            "apply to 49k logits: sparse mask \(Int(Self.milliseconds(applySparse) * 1000)) µs, dense \(Int(Self.milliseconds(applyDense) * 1000)) µs"
        )
        #expect(logits[10] == 0 && logits[11] == -.infinity)
        #if !DEBUG
            #expect(Self.milliseconds(trieTime) < 100)
            #expect(Self.percentile(summary.warm, 0.5) < 200)
        #endif
    }
}
