import CTernKernels
import TernGGUF
import TernTensor

/// A growable float array with a stable base pointer between resizes.
final class FloatBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(_ capacity: Int = 0) {
        self.capacity = max(1, capacity)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Ensures room for `count` floats (contents are not preserved when it grows).
    @discardableResult
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: count)
        }
        return pointer
    }
}

/// One input matrix quantized for every weight type that consumes it, quantizing each type once.
final class QuantizedInput {
    let columns: Int
    private var buffers: [UInt32: ActivationBuffer] = [:]

    init(columns: Int) { self.columns = columns }

    /// Quantizes `rows` rows of `source` for each type in `types` (duplicates are skipped).
    func prepare(_ source: UnsafePointer<Float>, rows: Int, types: [GGMLType], pool: ThreadPool) {
        var done: Set<UInt32> = []
        for type in types where done.insert(type.rawValue).inserted {
            buffer(for: type).quantize(source, rows: rows, stride: columns, pool: pool)
        }
    }

    func buffer(for type: GGMLType) -> ActivationBuffer {
        if let existing = buffers[type.rawValue] { return existing }
        let created = ActivationBuffer(weightType: type, columns: columns)
        buffers[type.rawValue] = created
        return created
    }
}

/// Working memory of a forward pass, grown to the largest batch seen and reused afterwards so a
/// decode step allocates nothing.
final class ForwardScratch {
    let hidden = FloatBuffer()
    let normed = FloatBuffer()
    let query = FloatBuffer()
    let key = FloatBuffer()
    let value = FloatBuffer()
    let attention = FloatBuffer()
    let projected = FloatBuffer()
    let gate = FloatBuffer()
    let up = FloatBuffer()
    let ropeTables = FloatBuffer()
    /// Rope tables of the sliding-window layers when they use their own base (gemma3).
    let localRopeTables = FloatBuffer()
    let logitRows = FloatBuffer()
    let attentionInput: QuantizedInput
    let attentionOutputInput: QuantizedInput
    let feedForwardInput: QuantizedInput
    let downInput: QuantizedInput
    let logitsInput: QuantizedInput
    /// One attention scratch area per pool thread.
    let attentionScratch: [FloatBuffer]
    let attentionScratchFloats: Int

    init(config: TransformerConfig, threads: Int) {
        attentionInput = QuantizedInput(columns: config.embeddingLength)
        attentionOutputInput = QuantizedInput(columns: config.qDim)
        feedForwardInput = QuantizedInput(columns: config.embeddingLength)
        downInput = QuantizedInput(columns: config.feedForwardLength)
        logitsInput = QuantizedInput(columns: config.embeddingLength)
        let floats = Int(tern_attention_scratch_floats(Int32(config.contextLength + 1), Int32(config.headDim)))
        attentionScratchFloats = floats
        attentionScratch = (0..<threads).map { _ in FloatBuffer(floats) }
    }

    /// Sizes every per-token buffer for `tokens` tokens.
    func reserve(tokens: Int, config: TransformerConfig) {
        hidden.reserve(tokens * config.embeddingLength)
        normed.reserve(tokens * config.embeddingLength)
        query.reserve(tokens * config.qDim)
        key.reserve(tokens * config.kvDim)
        value.reserve(tokens * config.kvDim)
        attention.reserve(tokens * config.qDim)
        projected.reserve(tokens * config.embeddingLength)
        gate.reserve(tokens * config.feedForwardLength)
        up.reserve(tokens * config.feedForwardLength)
        ropeTables.reserve(tokens * config.ropeDimensions)
        localRopeTables.reserve(tokens * config.ropeDimensions)
    }
}
