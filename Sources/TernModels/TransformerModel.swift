import CTernKernels
import TernGGUF
import TernTensor

/// A decoder-only transformer of the llama family (llama, mistral, qwen2, SmolLM...) or gemma3:
/// RMSNorm, rotary positions, grouped-query attention over a paged fp16 KV cache, gated
/// feed-forward, tied or separate output projection; gemma3 adds scaled embeddings, query/key
/// norms, post-norms, GELU and sliding-window layers. Weights stay in the memory-mapped GGUF file.
public final class TransformerModel: LanguageModel, @unchecked Sendable {
    // Sendable: the forward pass is documented as single-caller; weights are read-only.
    public let config: TransformerConfig
    public let pool: ThreadPool
    public let kvBlockSize: Int
    let weights: TransformerWeights
    let rope: RotaryEmbedding
    /// Rope of the sliding-window layers when their base differs (gemma3); nil otherwise.
    let localRope: RotaryEmbedding?
    let scratch: ForwardScratch
    /// Gets every named intermediate of the next forward passes when set (debugging; nil costs nothing).
    public nonisolated(unsafe) weak var observer: (any IntermediateObserver)?
    /// Query rows per attention call, so long prefill runs split into parallel work items.
    static let queryChunk = 64

    public var vocabularySize: Int { config.vocabularySize }
    public var contextLength: Int { config.contextLength }
    public var architecture: String { config.architecture }

    /// Loads the model from an opened GGUF file.
    public init(file: GGUFFile, pool: ThreadPool, kvBlockSize: Int = 16) throws(ModelError) {
        var config = try TransformerConfig(metadata: file.metadata)
        weights = try TransformerWeights(file: file, config: &config)
        self.config = config
        self.pool = pool
        self.kvBlockSize = kvBlockSize
        rope = RotaryEmbedding(
            config: config, base: config.ropeFreqBase, frequencyFactors: weights.ropeFrequencyFactors)
        localRope =
            config.slidingWindow > 0 && config.ropeFreqBaseLocal != config.ropeFreqBase
            ? RotaryEmbedding(
                config: config, base: config.ropeFreqBaseLocal, frequencyFactors: weights.ropeFrequencyFactors)
            : nil
        scratch = ForwardScratch(config: config, threads: pool.activeThreadCount)
    }

    public func makeCache(blockCount: Int) -> KVCacheStorage {
        KVCacheStorage(
            layerCount: config.layerCount, blockCount: blockCount, blockSize: kvBlockSize, kvDim: config.kvDim)
    }

    public func forward(_ batch: ForwardBatch, cache: KVCacheStorage, logits: UnsafeMutablePointer<Float>) {
        guard batch.count > 0 else { return }
        // The pool may be shared with other models; one forward pass holds it at a time.
        pool.exclusive { run(batch, cache: cache, logits: logits) }
    }

    private func run(_ batch: ForwardBatch, cache: KVCacheStorage, logits: UnsafeMutablePointer<Float>) {
        let count = batch.count
        let c = config
        scratch.reserve(tokens: count, config: c)
        let hidden = scratch.hidden.pointer
        embed(batch.tokens, into: hidden)
        let tables = scratch.ropeTables.pointer
        let localTables = scratch.localRopeTables.pointer
        for index in 0..<count {
            rope.fillTable(position: batch.positions[index], tables + index * c.ropeDimensions)
            localRope?.fillTable(position: batch.positions[index], localTables + index * c.ropeDimensions)
        }
        let workItems = attentionWorkItems(batch)
        for layer in 0..<c.layerCount {
            attentionBlock(layer: layer, batch: batch, cache: cache, workItems: workItems)
            feedForwardBlock(layer: layer, tokens: count)
        }
        computeLogits(batch, into: logits)
    }

    // MARK: - Stages

    /// The name is an autoclosure so passes without an observer build no strings.
    private func observe(_ name: @autoclosure () -> String, _ values: UnsafePointer<Float>, width: Int, rows: Int) {
        guard let observer else { return }
        observer.observe(name: name(), values: UnsafeBufferPointer(start: values, count: width * rows), rows: rows)
    }

    private func embed(_ tokens: [Int32], into hidden: UnsafeMutablePointer<Float>) {
        let width = config.embeddingLength
        let embedding = weights.tokenEmbedding
        for (index, token) in tokens.enumerated() {
            let row = Int(token) >= 0 && Int(token) < embedding.rows ? Int(token) : 0
            embedding.dequantizeRow(row, into: hidden + index * width)
            if let scale = config.embeddingScale {
                let values = hidden + index * width
                for i in 0..<width { values[i] *= scale }
            }
        }
    }

    /// `out[t] = rmsnorm(in[t]) * weight` for `count` rows of `width`.
    private func normalize(
        _ input: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        count: Int, width: Int
    ) {
        let eps = config.rmsNormEpsilon
        let rows = { (range: Range<Int>) in
            for row in range {
                tern_rmsnorm(KernelInfo.isa, input + row * width, weight, output + row * width, Int32(width), eps)
            }
        }
        if count >= 16 { pool.parallelFor(count, rows) } else { rows(0..<count) }
    }

    private func attentionBlock(layer: Int, batch: ForwardBatch, cache: KVCacheStorage, workItems: [AttentionWorkItem])
    {
        let c = config
        let w = weights.layers[layer]
        let count = batch.count
        let hidden = scratch.hidden.pointer
        let normed = scratch.normed.pointer
        let query = scratch.query.pointer
        let key = scratch.key.pointer
        let value = scratch.value.pointer
        normalize(hidden, w.attentionNorm, normed, count: count, width: c.embeddingLength)
        observe("attn_norm-\(layer)", normed, width: c.embeddingLength, rows: count)
        let input = scratch.attentionInput
        input.prepare(normed, rows: count, types: [w.query.type, w.key.type, w.value.type], pool: pool)
        if w.query.type == w.key.type && w.key.type == w.value.type {
            pool.matmul(
                [(w.query, query, c.qDim), (w.key, key, c.kvDim), (w.value, value, c.kvDim)],
                input.buffer(for: w.query.type))
        } else {
            pool.matmul(w.query, input.buffer(for: w.query.type), output: query, outputStride: c.qDim)
            pool.matmul(w.key, input.buffer(for: w.key.type), output: key, outputStride: c.kvDim)
            pool.matmul(w.value, input.buffer(for: w.value.type), output: value, outputStride: c.kvDim)
        }
        observe("Qcur_mm-\(layer)", query, width: c.qDim, rows: count)
        observe("Kcur_mm-\(layer)", key, width: c.kvDim, rows: count)
        // Biases (qwen2), query/key norms (gemma3), rotary positions, and the new keys/values into
        // the cache, per token.
        let sliding = c.isSliding(layer)
        let layerRope = sliding ? (localRope ?? rope) : rope
        let tables = sliding && localRope != nil ? scratch.localRopeTables.pointer : scratch.ropeTables.pointer
        let eps = c.rmsNormEpsilon
        let prepareTokens = { (range: Range<Int>) in
            for t in range {
                let q = query + t * c.qDim
                let k = key + t * c.kvDim
                let v = value + t * c.kvDim
                if let bias = w.queryBias { tern_axpy_f32(KernelInfo.isa, 1, bias, q, Int32(c.qDim)) }
                if let bias = w.keyBias { tern_axpy_f32(KernelInfo.isa, 1, bias, k, Int32(c.kvDim)) }
                if let bias = w.valueBias { tern_axpy_f32(KernelInfo.isa, 1, bias, v, Int32(c.kvDim)) }
                if let norm = w.queryNorm {
                    for head in 0..<c.headCount {
                        tern_rmsnorm(
                            KernelInfo.isa, q + head * c.headDim, norm, q + head * c.headDim, Int32(c.headDim), eps)
                    }
                }
                if let norm = w.keyNorm {
                    for head in 0..<c.kvHeadCount {
                        tern_rmsnorm(
                            KernelInfo.isa, k + head * c.headDim, norm, k + head * c.headDim, Int32(c.headDim), eps)
                    }
                }
                let table = tables + t * c.ropeDimensions
                layerRope.apply(q, heads: c.headCount, headDim: c.headDim, table: table)
                layerRope.apply(k, heads: c.kvHeadCount, headDim: c.headDim, table: table)
                if let scale = c.queryPreScale {
                    for i in 0..<c.qDim { q[i] *= scale }
                }
                let position = Int(batch.positions[t])
                let block = batch.blockTables[Int(batch.sequences[t])][position / cache.blockSize]
                let slot = position % cache.blockSize
                tern_f32_to_f16_row(
                    KernelInfo.isa, k, cache.keyRow(layer: layer, block: block, slot: slot), Int32(c.kvDim))
                tern_f32_to_f16_row(
                    KernelInfo.isa, v, cache.valueRow(layer: layer, block: block, slot: slot), Int32(c.kvDim))
            }
        }
        if count >= 16 { pool.parallelFor(count, prepareTokens) } else { prepareTokens(0..<count) }
        observe("Qcur-\(layer)", query, width: c.qDim, rows: count)
        observe("Kcur-\(layer)", key, width: c.kvDim, rows: count)
        observe("Vcur-\(layer)", value, width: c.kvDim, rows: count)
        runAttention(layer: layer, batch: batch, cache: cache, workItems: workItems)
        observe("kqv_out-\(layer)", scratch.attention.pointer, width: c.qDim, rows: count)

        let attentionOut = scratch.attentionOutputInput
        attentionOut.prepare(scratch.attention.pointer, rows: count, types: [w.output.type], pool: pool)
        let projected = scratch.projected.pointer
        pool.matmul(
            w.output, attentionOut.buffer(for: w.output.type), output: projected, outputStride: c.embeddingLength)
        observe("attn_out-\(layer)", projected, width: c.embeddingLength, rows: count)
        if let norm = w.postAttentionNorm {
            normalize(projected, norm, projected, count: count, width: c.embeddingLength)
            observe("attn_post_norm-\(layer)", projected, width: c.embeddingLength, rows: count)
        }
        addInPlace(hidden, projected, count: count * c.embeddingLength)
        observe("sa_out-\(layer)", hidden, width: c.embeddingLength, rows: count)
    }

    private func feedForwardBlock(layer: Int, tokens count: Int) {
        let c = config
        let w = weights.layers[layer]
        let hidden = scratch.hidden.pointer
        let normed = scratch.normed.pointer
        let gate = scratch.gate.pointer
        let up = scratch.up.pointer
        normalize(hidden, w.ffnNorm, normed, count: count, width: c.embeddingLength)
        observe("ffn_norm-\(layer)", normed, width: c.embeddingLength, rows: count)
        let input = scratch.feedForwardInput
        input.prepare(normed, rows: count, types: [w.gate.type, w.up.type], pool: pool)
        if w.gate.type == w.up.type {
            pool.matmul(
                [(w.gate, gate, c.feedForwardLength), (w.up, up, c.feedForwardLength)], input.buffer(for: w.gate.type))
        } else {
            pool.matmul(w.gate, input.buffer(for: w.gate.type), output: gate, outputStride: c.feedForwardLength)
            pool.matmul(w.up, input.buffer(for: w.up.type), output: up, outputStride: c.feedForwardLength)
        }
        let width = c.feedForwardLength
        observe("ffn_gate-\(layer)", gate, width: width, rows: count)
        observe("ffn_up-\(layer)", up, width: width, rows: count)
        let gelu = c.activation == .gelu
        let activate = { (range: Range<Int>) in
            for t in range {
                let (g, u) = (gate + t * width, up + t * width)
                if gelu {
                    tern_gelu_table_mul(g, u, g, Int32(width))
                } else {
                    tern_silu_mul(KernelInfo.isa, g, u, g, Int32(width))
                }
            }
        }
        if count >= 16 { pool.parallelFor(count, activate) } else { activate(0..<count) }
        observe("ffn_act-\(layer)", gate, width: width, rows: count)
        let downInput = scratch.downInput
        downInput.prepare(gate, rows: count, types: [w.down.type], pool: pool)
        let projected = scratch.projected.pointer
        pool.matmul(w.down, downInput.buffer(for: w.down.type), output: projected, outputStride: c.embeddingLength)
        observe("ffn_out-\(layer)", projected, width: c.embeddingLength, rows: count)
        if let norm = w.postFeedForwardNorm {
            normalize(projected, norm, projected, count: count, width: c.embeddingLength)
        }
        addInPlace(hidden, projected, count: count * c.embeddingLength)
        observe("l_out-\(layer)", hidden, width: c.embeddingLength, rows: count)
    }

    private func computeLogits(_ batch: ForwardBatch, into logits: UnsafeMutablePointer<Float>) {
        let rows = batch.logitIndices.count
        guard rows > 0 else { return }
        let width = config.embeddingLength
        let gathered = scratch.logitRows.reserve(rows * width)
        let hidden = scratch.hidden.pointer
        for (row, index) in batch.logitIndices.enumerated() {
            tern_rmsnorm(
                KernelInfo.isa, hidden + index * width, weights.outputNorm, gathered + row * width, Int32(width),
                config.rmsNormEpsilon)
        }
        let input = scratch.logitsInput
        input.prepare(gathered, rows: rows, types: [weights.output.type], pool: pool)
        pool.matmul(
            weights.output, input.buffer(for: weights.output.type), output: logits, outputStride: config.vocabularySize)
    }

    private func addInPlace(_ target: UnsafeMutablePointer<Float>, _ addend: UnsafePointer<Float>, count: Int) {
        tern_axpy_f32(KernelInfo.isa, 1, addend, target, Int32(count))
    }
}
