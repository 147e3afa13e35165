/// Special token ids and BOS/EOS policy, resolved from metadata and defaults as llama.cpp's
/// vocabulary loader resolves them.
public struct SpecialTokens: Sendable, Equatable {
    /// The id of each role that has a token.
    public var ids: [SpecialTokenRole: Int32]
    /// Tokens that end generation (llama.cpp's `llama_vocab_is_eog`).
    public var endOfGeneration: Set<Int32>
    /// Whether encoding with `addSpecial` prepends BOS.
    public var addBOS: Bool
    /// Whether encoding with `addSpecial` appends EOS.
    public var addEOS: Bool

    /// The token of a role, if any.
    public subscript(role: SpecialTokenRole) -> Int32? { ids[role] }
}

extension SpecialTokens {
    /// Resolves special tokens for `vocabulary`, whose texts are interned in id order in `texts`.
    /// Tokens that look like end-of-turn markers but are not typed as control become control,
    /// as in llama.cpp, so `attributes` is updated in place.
    static func resolve(
        _ vocabulary: TokenizerVocabulary, profile: PreTokenizerProfile?, texts: ByteStringTable,
        attributes: inout [TokenAttributes]
    ) throws -> SpecialTokens {
        let size = attributes.count
        var ids = defaultIDs(model: vocabulary.model)
        if profile?.clearsBOS == true { ids[.bos] = nil }

        // Metadata ids replace defaults when in range; out-of-range defaults are dropped.
        for role in SpecialTokenRole.allCases {
            if let id = ids[role], Int(id) >= size { ids[role] = nil }
            if let given = vocabulary.specialTokenIDs[role], given >= 0, given < size {
                ids[role] = Int32(given)
            }
        }

        let defaults = defaultAddFlags(model: vocabulary.model, profile: profile)
        let addBOS = vocabulary.addBOS ?? defaults.bos
        let addEOS = vocabulary.addEOS ?? defaults.eos
        if addBOS && ids[.bos] == nil {
            throw TokenizerError.missingSpecialToken(
                addKey: "tokenizer.ggml.add_bos_token", idKey: SpecialTokenRole.bos.metadataKey)
        }
        if addEOS && ids[.eos] == nil {
            throw TokenizerError.missingSpecialToken(
                addKey: "tokenizer.ggml.add_eos_token", idKey: SpecialTokenRole.eos.metadataKey)
        }

        func tokenIDs(of candidates: [String]) -> [Int32] {
            candidates.compactMap { texts.find(Array($0.utf8)) }.filter { Int($0) < size }.sorted()
        }

        // Roles the converter did not record are recognised by their text.
        for (role, candidates) in detectedRoles where ids[role] == nil {
            if let id = tokenIDs(of: candidates).first {
                ids[role] = id
                attributes[Int(id)].insert(.control)
            }
        }

        var endOfGeneration = Set([SpecialTokenRole.fimPad, .fimRepo, .fimSeparator].compactMap { ids[$0] })
        for id in tokenIDs(of: endOfGenerationTexts) {
            endOfGeneration.insert(id)
            attributes[Int(id)].insert(.control)
        }
        // gpt-oss channel markup is always rendered.
        for id in tokenIDs(of: ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"]) {
            attributes[Int(id)] = .userDefined
        }
        for role in [SpecialTokenRole.eos, .eot, .eom] {
            if let id = ids[role] { endOfGeneration.insert(id) }
        }
        // Harmony and Solar Open use <|end|> between messages, not to stop.
        let eogTexts = Set(endOfGeneration.map { String(decoding: texts.key($0), as: UTF8.self) })
        if let end = tokenIDs(of: ["<|end|>"]).first, endOfGeneration.contains(end),
            (eogTexts.contains("<|return|>") && eogTexts.contains("<|call|>"))
                || (eogTexts.contains("<|calls|>") && eogTexts.contains("<|flush|>"))
        {
            endOfGeneration.remove(end)
            attributes[Int(end)] = .userDefined
        }
        // Gemma 4 and PaddleOCR: </s> is ordinary text when <|tool_response> exists.
        if eogTexts.contains("<|tool_response>"), let closing = tokenIDs(of: ["</s>"]).first,
            endOfGeneration.contains(closing)
        {
            endOfGeneration.remove(closing)
            attributes[Int(closing)] = .normal
        }

        applyStripRules(vocabulary, texts: texts, attributes: &attributes)
        return SpecialTokens(ids: ids, endOfGeneration: endOfGeneration, addBOS: addBOS, addEOS: addEOS)
    }

    /// Whitespace stripping around some special tokens, which GGUF files do not record: llama.cpp
    /// sets it from the model's name, pre-tokenizer or architecture.
    private static func applyStripRules(
        _ vocabulary: TokenizerVocabulary, texts: ByteStringTable, attributes: inout [TokenAttributes]
    ) {
        func set(_ attribute: TokenAttributes, _ on: Bool, text: String) {
            guard let id = texts.find(Array(text.utf8)), Int(id) < attributes.count else { return }
            if on { attributes[Int(id)].insert(attribute) } else { attributes[Int(id)].remove(attribute) }
        }
        func contains(_ value: String?, _ parts: [String]) -> Bool {
            guard let value else { return false }
            return parts.contains { value.contains($0) }
        }
        let name = vocabulary.modelName?.lowercased()
        if contains(vocabulary.preTokenizer, ["jina-v2-de", "jina-v2-es", "jina-v2-code"])
            || contains(vocabulary.architecture, ["nomic-bert-moe", "jina-bert-v3"])
        {
            set(.leftStrip, true, text: "<mask>")
        } else if contains(name, ["phi-3", "phi3"]) {
            // Phi-3 drops the whitespace after its chat markup, but not after <s>, <unk> or <|endoftext|>.
            for index in attributes.indices where !attributes[index].isDisjoint(with: .matchedInText) {
                attributes[index].insert(.rightStrip)
            }
            set(.rightStrip, true, text: "</s>")
            for text in ["<unk>", "<s>", "<|endoftext|>"] { set(.rightStrip, false, text: text) }
        } else if contains(name, ["modern-bert"]) {
            set(.leftStrip, true, text: "[MASK]")
        }
    }

    /// llama.cpp's default special ids per `tokenizer.ggml.model`.
    static func defaultIDs(model: String) -> [SpecialTokenRole: Int32] {
        switch model {
        case "llama": return [.bos: 1, .eos: 2, .unknown: 0]
        case "bert": return [.bos: 101, .unknown: 100, .separator: 102, .padding: 0, .mask: 103]
        case "gpt2", "hybriddna", "whitespace": return [.bos: 11, .eos: 11]
        case "t5": return [.eos: 1, .unknown: 2, .padding: 0]
        case "plamo2": return [.bos: 1, .eos: 2, .unknown: 0, .padding: 3]
        default: return [:]
        }
    }

    /// Whether BOS and EOS are added when the metadata does not say.
    static func defaultAddFlags(model: String, profile: PreTokenizerProfile?) -> (bos: Bool, eos: Bool) {
        switch model {
        case "llama", "bert": return (true, false)
        case "t5": return (false, true)
        case "gpt2", "hybriddna", "whitespace", "gemma4": return (profile?.addsBOSByDefault ?? false, false)
        default: return (false, false)
        }
    }

    /// Texts by which llama.cpp recognises roles missing from the metadata.
    private static let detectedRoles: [(SpecialTokenRole, [String])] = [
        (
            .eot,
            [
                "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
                "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
            ]
        ),
        (.eom, ["<|eom_id|>"]),
        (
            .fimPrefix,
            [
                "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>",
                "<|code_prefix|>", "<|prefix|>",
            ]
        ),
        (
            .fimSuffix,
            [
                "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
                "<|code_suffix|>", "<|suffix|>",
            ]
        ),
        (
            .fimMiddle,
            [
                "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>",
                "<|code_middle|>", "<|middle|>",
            ]
        ),
        (.fimPad, ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]),
        (.fimRepo, ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]),
        (.fimSeparator, ["<|file_sep|>"]),
    ]

    /// Texts of tokens that end generation whatever their metadata says.
    private static let endOfGenerationTexts: [String] = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
        "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
        "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
        "<｜end▁of▁sentence｜>", "[e~[",
    ]
}
