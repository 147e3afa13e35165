import TernGGUF
import TernTensor

/// The tensors of one transformer block.
struct TransformerLayerWeights: @unchecked Sendable {
    // Sendable: every pointer refers to the read-only model mapping.
    let attentionNorm: UnsafePointer<Float>
    let query: WeightMatrix
    let key: WeightMatrix
    let value: WeightMatrix
    let queryBias: UnsafePointer<Float>?
    let keyBias: UnsafePointer<Float>?
    let valueBias: UnsafePointer<Float>?
    let output: WeightMatrix
    let ffnNorm: UnsafePointer<Float>
    let gate: WeightMatrix
    let up: WeightMatrix
    let down: WeightMatrix
    /// Per-head query/key norms (gemma3).
    let queryNorm: UnsafePointer<Float>?
    let keyNorm: UnsafePointer<Float>?
    /// Norms of the attention and feed-forward outputs before the residual add (gemma3).
    let postAttentionNorm: UnsafePointer<Float>?
    let postFeedForwardNorm: UnsafePointer<Float>?
}

/// All weights of a transformer, as views into the mapped GGUF file.
struct TransformerWeights: @unchecked Sendable {
    // Sendable: every pointer refers to the read-only mapping owned by `file`.
    let file: GGUFFile
    let tokenEmbedding: WeightMatrix
    let outputNorm: UnsafePointer<Float>
    /// The output projection; the token embedding when the model ties them.
    let output: WeightMatrix
    /// Per-dimension-pair rope frequency divisors (llama3-style scaling), if present.
    let ropeFrequencyFactors: UnsafePointer<Float>?
    let layers: [TransformerLayerWeights]

    init(file: GGUFFile, config: inout TransformerConfig) throws(ModelError) {
        self.file = file
        let loader = TensorLoader(file: file)
        let embedding = config.embeddingLength
        tokenEmbedding = try loader.matrix("token_embd.weight", columns: embedding, rows: nil)
        if config.vocabularySize == 0 { config.vocabularySize = tokenEmbedding.rows }
        guard tokenEmbedding.rows == config.vocabularySize else {
            throw .tensorShapeMismatch(
                name: "token_embd.weight", expected: [embedding, config.vocabularySize],
                found: [embedding, tokenEmbedding.rows])
        }
        outputNorm = try loader.vector("output_norm.weight", count: embedding)
        if file.tensor(named: "output.weight") != nil {
            output = try loader.matrix("output.weight", columns: embedding, rows: config.vocabularySize)
        } else {
            output = tokenEmbedding
        }
        ropeFrequencyFactors =
            file.tensor(named: "rope_freqs.weight") != nil
            ? try loader.vector("rope_freqs.weight", count: config.ropeDimensions / 2) : nil
        var layers: [TransformerLayerWeights] = []
        for index in 0..<config.layerCount {
            let prefix = "blk.\(index)."
            func optionalVector(_ name: String, _ count: Int) throws(ModelError) -> UnsafePointer<Float>? {
                file.tensor(named: prefix + name) != nil ? try loader.vector(prefix + name, count: count) : nil
            }
            /// Required when the architecture uses it, absent otherwise.
            func featureVector(_ name: String, _ count: Int, _ used: Bool) throws(ModelError) -> UnsafePointer<Float>? {
                used ? try loader.vector(prefix + name, count: count) : nil
            }
            layers.append(
                TransformerLayerWeights(
                    attentionNorm: try loader.vector(prefix + "attn_norm.weight", count: embedding),
                    query: try loader.matrix(prefix + "attn_q.weight", columns: embedding, rows: config.qDim),
                    key: try loader.matrix(prefix + "attn_k.weight", columns: embedding, rows: config.kvDim),
                    value: try loader.matrix(prefix + "attn_v.weight", columns: embedding, rows: config.kvDim),
                    queryBias: try optionalVector("attn_q.bias", config.qDim),
                    keyBias: try optionalVector("attn_k.bias", config.kvDim),
                    valueBias: try optionalVector("attn_v.bias", config.kvDim),
                    output: try loader.matrix(prefix + "attn_output.weight", columns: config.qDim, rows: embedding),
                    ffnNorm: try loader.vector(prefix + "ffn_norm.weight", count: embedding),
                    gate: try loader.matrix(prefix + "ffn_gate.weight", columns: embedding, rows: config.feedForwardLength),
                    up: try loader.matrix(prefix + "ffn_up.weight", columns: embedding, rows: config.feedForwardLength),
                    down: try loader.matrix(
                        prefix + "ffn_down.weight", columns: config.feedForwardLength, rows: embedding),
                    queryNorm: try featureVector("attn_q_norm.weight", config.headDim, config.normalizesQueryKey),
                    keyNorm: try featureVector("attn_k_norm.weight", config.headDim, config.normalizesQueryKey),
                    postAttentionNorm: try featureVector(
                        "post_attention_norm.weight", embedding, config.normalizesBlockOutputs),
                    postFeedForwardNorm: try featureVector(
                        "post_ffw_norm.weight", embedding, config.normalizesBlockOutputs)))
        }
        self.layers = layers
    }
}

/// Looks tensors up by name and checks their type and shape.
struct TensorLoader {
    let file: GGUFFile

    func matrix(_ name: String, columns: Int, rows: Int?) throws(ModelError) -> WeightMatrix {
        guard let info = file.tensor(named: name) else { throw .missingTensor(name: name) }
        guard info.shape.count == 2, info.shape[0] == columns, rows == nil || info.shape[1] == rows else {
            throw .tensorShapeMismatch(name: name, expected: [columns, rows ?? -1], found: info.shape)
        }
        let matrix = WeightMatrix(file: file, tensor: info)
        guard matrix.isSupported else { throw .unsupportedTensorType(name: name, type: info.type.name) }
        return matrix
    }

    func vector(_ name: String, count: Int) throws(ModelError) -> UnsafePointer<Float> {
        guard let info = file.tensor(named: name) else { throw .missingTensor(name: name) }
        guard info.elementCount == count, info.shape[0] == count else {
            throw .tensorShapeMismatch(name: name, expected: [count], found: info.shape)
        }
        guard info.type == .f32 else { throw .unsupportedTensorType(name: name, type: info.type.name) }
        return file.data(of: info).baseAddress!.assumingMemoryBound(to: Float.self)
    }
}
