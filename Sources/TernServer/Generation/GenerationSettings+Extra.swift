import TernSampling
import TernTokenizers

extension GenerationSettings {
    /// At most this many `bad_words` plus `bad_word_tokens` entries (each is checked every token).
    static let maxBannedSequences = 1024

    /// Honours the hosted API's extra fields, or answers 422 naming a field this server cannot
    /// honour; none is ever silently ignored.
    ///
    /// - `min_total_tokens`: end-of-generation is suppressed until prompt plus output reach it
    ///   (Hugging Face's `min_length`); exclusive with `min_tokens`.
    /// - `stop_tokens`: every token of every sequence ends generation, like `eos_token`.
    /// - `bad_words` / `bad_word_tokens`: banned sequences (words are tokenized as written, so
    ///   `"clear"` and `" clear"` differ).
    /// - `no_repeat_ngram`: no n-gram of that size occurs twice in prompt plus output.
    mutating func apply(_ extra: ExtraGenerationFields, minTokensGiven: Bool, tokenizer: any Tokenizer)
        throws(APIError)
    {
        try Self.refuseUnsupported(extra)
        if let value = extra.minTotalTokens {
            let name = "min_total_tokens"
            guard !minTokensGiven else {
                throw .invalid("give either 'min_tokens' or '\(name)', not both", param: name)
            }
            guard value >= 0 else { throw .invalid("'\(name)' must be 0 or more, got \(value)", param: name) }
            if let maxTotalTokens, value > maxTotalTokens {
                throw .invalid(
                    "'\(name)' (\(value)) is larger than 'max_total_tokens' (\(maxTotalTokens))", param: name)
            }
            minTotalTokens = value
        }
        for (index, sequence) in (extra.stopTokens ?? []).enumerated() {
            let ids = try Self.tokenIDs(sequence.tokens, field: "stop_tokens[\(index)].tokens", tokenizer: tokenizer)
            stopTokens.formUnion(ids)
        }
        let banned = try Self.bannedSequences(extra, tokenizer: tokenizer)
        sampling.bannedSequences = banned
        if let value = extra.noRepeatNgram {
            guard value >= 1 else {
                throw .invalid("'no_repeat_ngram' must be 1 (off) or more, got \(value)", param: "no_repeat_ngram")
            }
            sampling.noRepeatNgramSize = value
        }
    }

    private static func bannedSequences(_ extra: ExtraGenerationFields, tokenizer: any Tokenizer) throws(APIError)
        -> [[Int32]]
    {
        let words = extra.badWords ?? []
        let sequences = extra.badWordTokens ?? []
        guard words.count + sequences.count <= maxBannedSequences else {
            throw .invalid(
                "'bad_words' and 'bad_word_tokens' list \(words.count + sequences.count) entries; at most "
                    + "\(maxBannedSequences) are allowed", param: words.isEmpty ? "bad_word_tokens" : "bad_words")
        }
        var banned: [[Int32]] = []
        for (index, word) in words.enumerated() {
            let ids = tokenizer.encode(word, addSpecial: false, parseSpecial: false)
            guard !ids.isEmpty else { throw .invalid("'bad_words[\(index)]' is empty", param: "bad_words") }
            banned.append(ids)
        }
        for (index, sequence) in sequences.enumerated() {
            let field = "bad_word_tokens[\(index)].tokens"
            let ids = try tokenIDs(sequence.tokens, field: field, tokenizer: tokenizer)
            guard !ids.isEmpty else { throw .invalid("'\(field)' is empty", param: "bad_word_tokens") }
            banned.append(ids)
        }
        return banned
    }

    /// `ids` as token ids of `tokenizer`'s vocabulary; 422 naming `field` for one outside it.
    private static func tokenIDs(_ ids: [Int], field: String, tokenizer: any Tokenizer) throws(APIError) -> [Int32] {
        let param = String(field.prefix { $0 != "[" })
        var result: [Int32] = []
        for (index, id) in ids.enumerated() {
            guard (0..<tokenizer.vocabularySize).contains(id) else {
                throw .invalid(
                    "'\(field)[\(index)]' is \(id), not a token id (0..<\(tokenizer.vocabularySize))", param: param)
            }
            result.append(Int32(id))
        }
        return result
    }

    /// Documented fields this server cannot honour, refused unless they ask for nothing.
    private static func refuseUnsupported(_ extra: ExtraGenerationFields) throws(APIError) {
        if extra.forcedOutputTokens?.isEmpty == false {
            throw .unsupported("'forced_output_tokens' is not supported", param: "forced_output_tokens")
        }
        if extra.tokenIndexToReplace?.isEmpty == false {
            throw .unsupported(
                "'token_index_to_replace' (input embedding replacement) is not supported",
                param: "token_index_to_replace")
        }
        if extra.embeddingToReplace?.isEmpty == false {
            throw .unsupported(
                "'embedding_to_replace' (input embedding replacement) is not supported", param: "embedding_to_replace")
        }
        if let value = extra.encoderRepetitionPenalty, value != 1 {
            throw .unsupported(
                "'encoder_repetition_penalty' applies to encoder-decoder models only; this server serves decoder-only "
                    + "models (only 1, no penalty, is accepted)", param: "encoder_repetition_penalty")
        }
        if let value = extra.encoderNoRepeatNgram, value != 1 {
            throw .unsupported(
                "'encoder_no_repeat_ngram' applies to encoder-decoder models only; this server serves decoder-only "
                    + "models (only 1, off, is accepted)", param: "encoder_no_repeat_ngram")
        }
        if extra.parseReasoning == true {
            throw .unsupported(
                "'parse_reasoning' is not supported: the served models do not reason", param: "parse_reasoning")
        }
        if extra.includeReasoning == false {
            throw .unsupported(
                "'include_reasoning' only takes effect with 'parse_reasoning', which is not supported",
                param: "include_reasoning")
        }
        if extra.reasoningEffort != nil {
            throw .unsupported(
                "'reasoning_effort' is not supported: the served models do not reason", param: "reasoning_effort")
        }
        if extra.reasoningBudget != nil {
            throw .unsupported(
                "'reasoning_budget' is not supported: the served models do not reason", param: "reasoning_budget")
        }
    }
}
