import TernGGUF

/// Hyperparameters of a decoder-only transformer, read from GGUF metadata under the
/// `<architecture>.` prefix and checked for consistency. One struct describes both families Tern
/// runs: the llama family (llama, mistral, qwen2, granite, SmolLM) and gemma3, whose differences
/// are the feature switches at the end.
public struct TransformerConfig: Sendable, Equatable {
    /// Feed-forward gate activations.
    public enum Activation: Sendable, Equatable {
        case silu
        /// GELU (tanh form) as ggml evaluates it: through an fp16 lookup table.
        case gelu
    }

    public var architecture: String
    public var layerCount: Int
    public var contextLength: Int
    public var embeddingLength: Int
    public var feedForwardLength: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDim: Int
    public var ropeDimensions: Int
    public var ropeFreqBase: Float
    /// Linear rope scaling: positions are divided by this factor (1 = none).
    public var ropeLinearScale: Float
    /// Rotate adjacent pairs (llama, GGUF's permuted weights) or the two halves (neox: qwen2, gemma3).
    public var ropeNeox: Bool
    public var rmsNormEpsilon: Float
    public var vocabularySize: Int
    public var activation: Activation = .silu
    /// Token embeddings are multiplied by this (gemma: sqrt(embedding length)).
    public var embeddingScale: Float?
    /// RMS-normalize each query and key head before rope (gemma3).
    public var normalizesQueryKey = false
    /// RMS-normalize the attention and feed-forward outputs before the residual add (gemma3).
    public var normalizesBlockOutputs = false
    /// Attention span of the sliding-window layers in positions (0 = every layer sees everything).
    public var slidingWindow = 0
    /// Per layer: whether it uses the sliding window (and the local rope base).
    public var slidingLayers: [Bool] = []
    /// Rope base of the sliding-window layers.
    public var ropeFreqBaseLocal: Float = 10_000
    /// Queries are multiplied by this after rope and attention scores are not scaled again
    /// (gemma3); nil: scores are scaled by 1/sqrt(head size) (llama).
    public var queryPreScale: Float?

    /// Architectures this implementation runs, and whether they rotate halves (neox style).
    static let llamaFamily: [String: Bool] = ["llama": false, "mistral": false, "qwen2": true, "granite": false]
    static let supported: Set<String> = Set(llamaFamily.keys).union(["gemma3"])

    public var kvDim: Int { kvHeadCount * headDim }
    public var qDim: Int { headCount * headDim }

    /// Whether layer `layer` attends through the sliding window.
    public func isSliding(_ layer: Int) -> Bool { slidingWindow > 0 && layer < slidingLayers.count && slidingLayers[layer] }

    public init(metadata: GGUFMetadata) throws(ModelError) {
        guard let arch = metadata.string("general.architecture") else {
            throw .missingMetadata(key: "general.architecture")
        }
        guard Self.supported.contains(arch) else { throw .unsupportedArchitecture(arch) }
        let reader = MetadataReader(metadata: metadata, prefix: arch)
        architecture = arch
        ropeNeox = Self.llamaFamily[arch] ?? true
        layerCount = try reader.positive("block_count")
        contextLength = try reader.positive("context_length")
        embeddingLength = try reader.positive("embedding_length")
        feedForwardLength = try reader.positive("feed_forward_length")
        headCount = try reader.positive("attention.head_count")
        kvHeadCount = metadata.int("\(arch).attention.head_count_kv") ?? headCount
        guard kvHeadCount > 0, headCount % kvHeadCount == 0 else {
            throw .invalidMetadata(
                key: "\(arch).attention.head_count_kv",
                reason: "\(kvHeadCount) does not divide the head count \(headCount)")
        }
        let explicitHeadDim = metadata.int("\(arch).attention.key_length")
        headDim = explicitHeadDim ?? embeddingLength / headCount
        guard headDim > 0, headDim % 2 == 0 else {
            throw .invalidMetadata(key: "\(arch).attention.key_length", reason: "head size \(headDim) must be even")
        }
        if explicitHeadDim == nil, headDim * headCount != embeddingLength {
            throw .invalidMetadata(
                key: "\(arch).embedding_length",
                reason: "\(embeddingLength) is not a multiple of the head count \(headCount)")
        }
        if let valueLength = metadata.int("\(arch).attention.value_length"), valueLength != headDim {
            throw .invalidMetadata(
                key: "\(arch).attention.value_length", reason: "value size \(valueLength) differs from key size \(headDim)")
        }
        ropeDimensions = metadata.int("\(arch).rope.dimension_count") ?? headDim
        guard ropeDimensions > 0, ropeDimensions <= headDim, ropeDimensions % 2 == 0 else {
            throw .invalidMetadata(
                key: "\(arch).rope.dimension_count", reason: "\(ropeDimensions) must be even and at most \(headDim)")
        }
        ropeFreqBase = try reader.positiveFloat("rope.freq_base", default: 10_000)
        ropeLinearScale = try reader.ropeLinearScale()
        rmsNormEpsilon = Float(metadata.double("\(arch).attention.layer_norm_rms_epsilon") ?? 1e-5)
        // Often absent; the loader then takes it from the embedding matrix.
        vocabularySize = metadata.int("\(arch).vocab_size") ?? 0
        if arch == "gemma3" { try applyGemma3(reader) }
    }

    /// Gemma 3: scaled embeddings, query/key norms, post-norms, GELU, and sliding-window layers
    /// (every `pattern`-th layer global) with their own rope base.
    private mutating func applyGemma3(_ reader: MetadataReader) throws(ModelError) {
        activation = .gelu
        embeddingScale = Float(embeddingLength).squareRoot()
        queryPreScale = 1 / Float(headDim).squareRoot()
        normalizesQueryKey = true
        normalizesBlockOutputs = true
        ropeFreqBaseLocal = try reader.positiveFloat("rope.freq_base_swa", default: 10_000)
        slidingWindow = reader.metadata.int("gemma3.attention.sliding_window") ?? 0
        guard slidingWindow >= 0 else {
            throw .invalidMetadata(key: "gemma3.attention.sliding_window", reason: "must not be negative")
        }
        let pattern = reader.metadata.int("gemma3.attention.sliding_window_pattern") ?? 6
        guard pattern > 0 else {
            throw .invalidMetadata(key: "gemma3.attention.sliding_window_pattern", reason: "must be positive")
        }
        slidingLayers = (0..<layerCount).map { $0 % pattern < pattern - 1 }
    }
}

/// Typed access to `<architecture>.*` metadata with errors that name the key.
struct MetadataReader {
    let metadata: GGUFMetadata
    let prefix: String

    func positive(_ suffix: String) throws(ModelError) -> Int {
        let key = "\(prefix).\(suffix)"
        guard let value = metadata.int(key) else { throw .missingMetadata(key: key) }
        guard value > 0 else { throw .invalidMetadata(key: key, reason: "must be positive, found \(value)") }
        return value
    }

    func positiveFloat(_ suffix: String, default fallback: Float) throws(ModelError) -> Float {
        let key = "\(prefix).\(suffix)"
        let value = Float(metadata.double(key) ?? Double(fallback))
        guard value > 0 else { throw .invalidMetadata(key: key, reason: "must be positive") }
        return value
    }

    func ropeLinearScale() throws(ModelError) -> Float {
        switch metadata.string("\(prefix).rope.scaling.type") {
        case nil, "none":
            return 1
        case "linear":
            return try positiveFloat("rope.scaling.factor", default: 1)
        case "llama3":
            // llama3-style scaling arrives as the `rope_freqs.weight` tensor.
            return 1
        case let other?:
            throw .invalidMetadata(key: "\(prefix).rope.scaling.type", reason: "'\(other)' is not supported")
        }
    }
}
