import Foundation
import Testing

@testable import TernSampling

@Suite struct ConstraintsRegexTests {
    /// A vocabulary of the 256 single bytes plus an end token (id 256).
    static let byteVocabulary = GrammarVocabulary(
        tokenBytes: (0..<256).map { [UInt8($0)] } + [[]], endTokens: [256], excluded: [])

    struct Case {
        var pattern: String
        var strings: [(text: String, matches: Bool)]
    }

    static func loadCases() throws -> (cases: [Case], errors: [String: [String]]) {
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(ConstraintsRegexCases.json.utf8)) as? [String: Any])
        let list = try #require(root["cases"] as? [[String: Any]])
        var cases: [Case] = []
        for item in list {
            let pattern = try #require(item["pattern"] as? String)
            let pairs = try #require(item["cases"] as? [[Any]])
            cases.append(
                Case(pattern: pattern, strings: pairs.map { ($0[0] as? String ?? "", $0[1] as? Bool ?? false) }))
        }
        return (cases, try #require(root["errors"] as? [String: [String]]))
    }

    /// Feeds `text` byte by byte; true when every byte is accepted and the end is a match.
    static func fullyMatches(_ grammar: CompiledGrammar, _ text: String, checkMasks: Bool) -> Bool {
        var matcher = GrammarMatcher(grammar: grammar, vocabulary: byteVocabulary)
        var mask = TokenMask(count: 257)
        for byte in text.utf8 {
            if checkMasks {
                matcher.allowedTokens(into: &mask)
                for candidate in 0..<256 where mask.contains(Int32(candidate)) != matcher.allows(Int32(candidate)) {
                    Issue.record("mask and accept disagree on byte \(candidate) in \(text)")
                }
            }
            guard matcher.accept(Int32(byte)) else { return false }
        }
        if checkMasks {
            matcher.allowedTokens(into: &mask)
            #expect(mask.contains(256) == matcher.isAccepting)
        }
        return matcher.isAccepting
    }

    @Test func agreesWithPythonFullMatch() throws {
        let (cases, _) = try Self.loadCases()
        #expect(cases.count >= 50)
        var checked = 0
        var matching = 0
        for item in cases {
            let grammar = try CompiledGrammar(.regex(item.pattern))
            for (text, expected) in item.strings {
                let actual = Self.fullyMatches(grammar, text, checkMasks: expected)
                #expect(actual == expected, "pattern \(item.pattern) on \(text.debugDescription)")
                checked += 1
                if actual { matching += 1 }
            }
        }
        #expect(checked > 3_000)
        #expect(matching > 200)
    }

    @Test func rejectsWhatPythonRejectsAndNamesUnsupportedConstructs() throws {
        let (_, errors) = try Self.loadCases()
        for pattern in errors["invalid"] ?? [] {
            #expect(throws: GrammarError.self, "\(pattern)") { try CompiledGrammar(.regex(pattern)) }
        }
        for pattern in errors["unsupported"] ?? [] {
            do {
                _ = try CompiledGrammar(.regex(pattern))
                Issue.record("\(pattern) compiled")
            } catch {
                guard case .unsupportedRegex = error else {
                    Issue.record("\(pattern): expected unsupportedRegex, got \(error)")
                    continue
                }
            }
        }
    }

    @Test func errorMessagesNameTheConstruct() {
        #expect(throws: GrammarError.unsupportedRegex(offset: 0, construct: "look-ahead")) {
            try CompiledGrammar(.regex("(?=a)a"))
        }
        #expect(throws: GrammarError.unsupportedRegex(offset: 3, construct: "back-reference")) {
            try CompiledGrammar(.regex("(a)\\1"))
        }
        #expect(throws: GrammarError.invalidRegex(offset: 0, reason: "nothing to repeat")) {
            try CompiledGrammar(.regex("*a"))
        }
    }

    @Test func hugeRepetitionIsBoundedWithAClearError() {
        #expect(throws: GrammarError.self) { try CompiledGrammar(.regex("a{100000}")) }
        let start = ContinuousClock.now
        #expect(throws: GrammarError.self) { try CompiledGrammar(.regex("((a{1000}){1000}){1000}")) }
        #expect(throws: GrammarError.self) { try CompiledGrammar(.regex("(a|b)*a(a|b){24}")) }
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func randomWalksMatchTheRegex() throws {
        let fixture = ConstraintsFixtures.synthetic()
        for pattern in ["[a-z]{3,8}@[a-z]+\\.(com|org)", "\\d{3}-\\d{4}", "(yes|no|maybe)", "[A-Z][a-z]* [0-9]{1,3}"] {
            let grammar = try CompiledGrammar(.regex(pattern))
            let check = try NSRegularExpression(pattern: "^(?:\(pattern))$")
            for seed in 0..<30 {
                let walk = try ConstraintsFixtures.randomWalk(
                    grammar, fixture.vocabulary, bytes: fixture.bytes, seed: UInt64(seed))
                #expect(walk.finished)
                let text = String(decoding: walk.output, as: UTF8.self)
                #expect(check.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil, "\(text)")
            }
        }
    }
}
