/// The word-splitting rules applied before BPE, one per family of llama.cpp regex lists.
/// Each is a hand-written scanner reproducing the regexes llama.cpp uses for that family.
public enum PreTokenizerKind: String, Sendable, CaseIterable {
    /// llama.cpp's fallback when `tokenizer.ggml.pre` is absent: punctuation runs, the GPT-2
    /// rules, number runs, then groups of three ASCII digits.
    case llamaDefault = "default"
    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    case gpt2
    /// Llama 3: case-insensitive contractions, one optional non-letter before letters,
    /// digits in groups of up to three, newlines kept with the whitespace before them.
    case llama3
    /// Qwen 2: the Llama 3 rules with every digit on its own.
    case qwen2
    /// StarCoder / SmolLM: every digit on its own, then the GPT-2 rules.
    case starcoder
    /// Falcon: punctuation runs, the GPT-2 rules, then groups of three ASCII digits.
    case falcon
    /// DeepSeek Coder: newlines alone, `\s?\p{L}+`, `\s?\p{P}+`, CJK runs, single digits.
    case deepseekCoder
    /// BLOOM / Poro: ` ?[^(\s|.,!?…。，、।۔،)]+`.
    case bloom
}

/// How a `tokenizer.ggml.pre` name configures the BPE tokenizer, as llama.cpp's vocabulary loader
/// decides it.
struct PreTokenizerProfile: Sendable, Equatable {
    var kind: PreTokenizerKind
    /// Whole words already in the vocabulary are emitted without running the merges.
    var ignoresMerges = false
    /// BOS is added by default (the metadata can still say otherwise).
    var addsBOSByDefault = false
    /// The model has no BOS token whatever the defaults say (ChatGLM).
    var clearsBOS = false
    /// The name was not recognised and the GPT-2 rules were used instead.
    var isFallback = false

    init(
        kind: PreTokenizerKind, ignoresMerges: Bool = false, addsBOSByDefault: Bool = false,
        clearsBOS: Bool = false, isFallback: Bool = false
    ) {
        self.kind = kind
        self.ignoresMerges = ignoresMerges
        self.addsBOSByDefault = addsBOSByDefault
        self.clearsBOS = clearsBOS
        self.isFallback = isFallback
    }

    /// The profile for a `tokenizer.ggml.pre` value. llama.cpp refuses names it does not know;
    /// we tokenize them with the GPT-2 rules and say so through `isFallback`.
    init(name: String?) {
        guard let name, !name.isEmpty, name != "default" else {
            self.init(kind: .llamaDefault)
            return
        }
        switch name {
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
            "jina-v5-nano":
            self.init(kind: .llama3, ignoresMerges: true, addsBOSByDefault: true)
        case "dbrx", "smaug-bpe":
            self.init(kind: .llama3)
        case "glm4", "chatglm-bpe":
            self.init(kind: .llama3, clearsBOS: true)
        case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez", "stablelm2", "hunyuan",
            "solar-open", "grok-2":
            self.init(kind: .qwen2)
        case "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2":
            self.init(kind: .starcoder)
        case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0",
            "mellum", "modern-bert", "jina-v1-en", "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais",
            "trillion", "granite-docling", "exaone4":
            self.init(kind: .gpt2)
        case "falcon":
            self.init(kind: .falcon)
        case "deepseek-coder":
            self.init(kind: .deepseekCoder)
        case "poro-chat", "bloom", "gpt3-finnish":
            self.init(kind: .bloom)
        default:
            self.init(kind: .gpt2, isFallback: true)
        }
    }
}

extension PreTokenizerKind {
    /// Splits `text` into the words BPE would merge within (special tokens are not recognised
    /// here). Useful to inspect or test the pre-tokenizer on its own.
    public func words(_ text: String) -> [String] {
        PreTokenizer(self).words(text)
    }
}
