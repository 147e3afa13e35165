import TernModels

/// One sequence run directly on a model with its own KV cache: the simplest path from a prompt
/// to logits, used by `tern generate` and `tern bench` (the serving engine batches instead).
public final class SequenceSession {
    public let model: any LanguageModel
    public let capacity: Int
    /// Prompt tokens per forward pass while prefilling, bounding scratch memory.
    public let prefillChunk: Int
    private let cache: KVCacheStorage
    private let blockTable: [Int32]
    public private(set) var length = 0
    /// Tokens of the first `append` after a reset: the prompt.
    public private(set) var promptLength = 0
    public let logits: UnsafeMutableBufferPointer<Float>

    /// A session holding up to `capacity` tokens (prompt plus generated).
    public init(model: any LanguageModel, capacity: Int, prefillChunk: Int = 512) {
        self.model = model
        self.capacity = capacity
        self.prefillChunk = max(1, prefillChunk)
        let blocks = (capacity + model.kvBlockSize - 1) / model.kvBlockSize
        cache = model.makeCache(blockCount: max(1, blocks))
        blockTable = (0..<Int32(max(1, blocks))).map { $0 }
        logits = .allocate(capacity: model.vocabularySize)
    }

    deinit { logits.deallocate() }

    /// Forgets every token (the cache memory is reused).
    public func reset() {
        length = 0
        promptLength = 0
    }

    /// Appends `tokens` and leaves the logits after the last one in `logits`.
    /// - Precondition: the session has room (`length + tokens.count <= capacity`).
    public func append(_ tokens: [Int32]) {
        precondition(length + tokens.count <= capacity, "sequence longer than the session capacity")
        if length == 0 { promptLength = tokens.count }
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + prefillChunk)
            var batch = ForwardBatch()
            let sequence = batch.addSequence(blockTable: blockTable, promptLength: promptLength)
            for index in start..<end {
                batch.append(
                    token: tokens[index], position: length + index - start, sequence: sequence,
                    wantsLogits: index == tokens.count - 1)
            }
            model.forward(batch, cache: cache, logits: logits.baseAddress!)
            length += end - start
            start = end
        }
    }
}
