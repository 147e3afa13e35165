import Foundation
import TernEngine
import TernSampling

/// A constraint before it is compiled: a structured-output format or a tool-call format.
enum GrammarKey: Hashable, Sendable {
    case format(ConstraintSpec)
    case toolCalls(TaggedToolCalls)
}

/// Compiled grammars, and each served model's grammar vocabulary, shared by every request.
///
/// Grammars: the `capacity` most recently used, by key (compiling a schema costs milliseconds to
/// seconds; a grammar also keeps the token masks computed for it, which make later requests with
/// the same schema faster). Failures are cached too, so a bad schema sent again is refused at
/// once. Vocabularies: one per model, built on its first constrained request and rebuilt when
/// the model is replaced.
final class ConstraintCache: @unchecked Sendable {
    // Sendable: `grammars`, `clock` are guarded by `lock`; `vocabularies` by `vocabularyLock`.
    private let lock = NSLock()
    private var grammars: [GrammarKey: (result: Result<CompiledGrammar, GrammarError>, used: UInt64)] = [:]
    private var clock: UInt64 = 0
    private let vocabularyLock = NSLock()
    private var vocabularies: [String: (description: ModelDescription, vocabulary: GrammarVocabulary)] = [:]
    /// Grammars kept at most.
    let capacity: Int

    init(capacity: Int = 64) {
        self.capacity = max(1, capacity)
    }

    /// The compiled grammar of `key` (compiled on first use).
    func grammar(_ key: GrammarKey) throws(GrammarError) -> CompiledGrammar {
        if let cached = lock.withLock({ touch(key) }) { return try cached.get() }
        // Compiled outside the lock: other requests keep going meanwhile.
        let result: Result<CompiledGrammar, GrammarError>
        do {
            switch key {
            case .format(let spec): result = .success(try CompiledGrammar(spec))
            case .toolCalls(let format): result = .success(try CompiledGrammar(format))
            }
        } catch {
            result = .failure(error)
        }
        lock.withLock { insert(key, result) }
        return try result.get()
    }

    /// Whether `key` is compiled and cached (for tests).
    func contains(_ key: GrammarKey) -> Bool {
        lock.withLock { grammars[key] != nil }
    }

    /// The grammar vocabulary of `model` (built on first use: one pass over the vocabulary).
    func vocabulary(for model: any ServedModel) -> GrammarVocabulary {
        let description = model.description
        return vocabularyLock.withLock {
            if let cached = vocabularies[description.name], cached.description == description {
                return cached.vocabulary
            }
            let vocabulary = GrammarVocabulary(tokenizer: model.tokenizer)
            vocabularies[description.name] = (description, vocabulary)
            return vocabulary
        }
    }

    /// `key` compiled and paired with `model`'s vocabulary.
    func constraint(_ key: GrammarKey, for model: any ServedModel) throws(GrammarError) -> OutputConstraint {
        OutputConstraint(grammar: try grammar(key), vocabulary: vocabulary(for: model))
    }

    private func touch(_ key: GrammarKey) -> Result<CompiledGrammar, GrammarError>? {
        guard let entry = grammars[key] else { return nil }
        clock += 1
        grammars[key] = (entry.result, clock)
        return entry.result
    }

    private func insert(_ key: GrammarKey, _ result: Result<CompiledGrammar, GrammarError>) {
        clock += 1
        grammars[key] = (result, clock)
        while grammars.count > capacity, let oldest = grammars.min(by: { $0.value.used < $1.value.used }) {
            grammars[oldest.key] = nil
        }
    }
}
