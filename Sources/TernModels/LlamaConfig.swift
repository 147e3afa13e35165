import TernGGUF

/// Hyperparameters of a llama-family model (llama, mistral, qwen2, smollm...), read from GGUF
/// metadata under the `<architecture>.` prefix and checked for consistency.
public struct LlamaConfig: Sendable, Equatable {
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
    /// Rotate adjacent pairs (llama, GGUF's permuted weights) or the two halves (neox: qwen2...).
    public var ropeNeox: Bool
    public var rmsNormEpsilon: Float
    public var vocabularySize: Int

    /// Architectures this implementation runs, and whether they rotate halves (neox style).
    static let supported: [String: Bool] = ["llama": false, "mistral": false, "qwen2": true, "granite": false]

    public var kvDim: Int { kvHeadCount * headDim }
    public var qDim: Int { headCount * headDim }

    public init(metadata: GGUFMetadata) throws(ModelError) {
        guard let arch = metadata.string("general.architecture") else {
            throw .missingMetadata(key: "general.architecture")
        }
        guard let neox = Self.supported[arch] else { throw .unsupportedArchitecture(arch) }
        architecture = arch
        ropeNeox = neox
        func required(_ suffix: String) throws(ModelError) -> Int {
            let key = "\(arch).\(suffix)"
            guard let value = metadata.int(key) else { throw .missingMetadata(key: key) }
            guard value > 0 else { throw .invalidMetadata(key: key, reason: "must be positive, found \(value)") }
            return value
        }
        layerCount = try required("block_count")
        contextLength = try required("context_length")
        embeddingLength = try required("embedding_length")
        feedForwardLength = try required("feed_forward_length")
        headCount = try required("attention.head_count")
        kvHeadCount = metadata.int("\(arch).attention.head_count_kv") ?? headCount
        guard kvHeadCount > 0, headCount % kvHeadCount == 0 else {
            throw .invalidMetadata(
                key: "\(arch).attention.head_count_kv",
                reason: "\(kvHeadCount) does not divide the head count \(headCount)")
        }
        headDim = metadata.int("\(arch).attention.key_length") ?? embeddingLength / headCount
        guard headDim > 0, headDim % 2 == 0 else {
            throw .invalidMetadata(key: "\(arch).attention.key_length", reason: "head size \(headDim) must be even")
        }
        if metadata.int("\(arch).attention.key_length") == nil, headDim * headCount != embeddingLength {
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
        ropeFreqBase = Float(metadata.double("\(arch).rope.freq_base") ?? 10_000)
        guard ropeFreqBase > 0 else {
            throw .invalidMetadata(key: "\(arch).rope.freq_base", reason: "must be positive")
        }
        ropeLinearScale = 1
        switch metadata.string("\(arch).rope.scaling.type") {
        case nil, "none":
            break
        case "linear":
            let factor = Float(metadata.double("\(arch).rope.scaling.factor") ?? 1)
            guard factor > 0 else {
                throw .invalidMetadata(key: "\(arch).rope.scaling.factor", reason: "must be positive")
            }
            ropeLinearScale = factor
        case let other?:
            // llama3-style scaling arrives as the `rope_freqs.weight` tensor, not as a type.
            if other != "llama3" {
                throw .invalidMetadata(key: "\(arch).rope.scaling.type", reason: "'\(other)' is not supported")
            }
        }
        rmsNormEpsilon = Float(metadata.double("\(arch).attention.layer_norm_rms_epsilon") ?? 1e-5)
        // Often absent; the loader then takes it from the embedding matrix.
        vocabularySize = metadata.int("\(arch).vocab_size") ?? 0
    }
}
