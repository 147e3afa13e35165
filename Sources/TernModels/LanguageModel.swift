/// The tokens of one forward pass: a ragged batch mixing decode tokens and prefill chunks of
/// several sequences. Token `i` belongs to sequence `sequences[i]`, sits at `positions[i]`, and
/// its keys and values are written to that sequence's KV blocks (`blockTables[sequence]`).
public struct ForwardBatch: Sendable {
    public var tokens: [Int32] = []
    public var positions: [Int32] = []
    public var sequences: [Int32] = []
    /// Per sequence: the KV cache block ids holding positions `0..<blockSize`, `blockSize..<2*blockSize`, ...
    public var blockTables: [[Int32]] = []
    /// Per sequence: how many of its tokens are prompt. Tokens at later positions are generated
    /// ones, which llama.cpp runs one per pass; their attention follows its one-token float order
    /// (as does every token of a one-token prompt) so outputs match llama.cpp bit for bit whatever
    /// the batch, chunking, prefix cache or recomputation.
    public var promptLengths: [Int32] = []
    /// Indices into `tokens` whose logits the caller wants, in the order the rows are returned.
    public var logitIndices: [Int] = []

    public init() {}

    public var count: Int { tokens.count }

    /// Adds a sequence's block table and prompt length; returns its index for `append`.
    public mutating func addSequence(blockTable: [Int32], promptLength: Int) -> Int32 {
        blockTables.append(blockTable)
        promptLengths.append(Int32(clamping: promptLength))
        return Int32(blockTables.count - 1)
    }

    /// Whether token `index` attends in llama.cpp's one-token order (see `promptLengths`).
    public func usesSingleTokenOrder(_ index: Int) -> Bool {
        let promptLength = promptLengths[Int(sequences[index])]
        return positions[index] >= promptLength || promptLength == 1
    }

    /// Adds one token of sequence `sequence` at `position`.
    public mutating func append(token: Int32, position: Int, sequence: Int32, wantsLogits: Bool) {
        if wantsLogits { logitIndices.append(tokens.count) }
        tokens.append(token)
        positions.append(Int32(position))
        sequences.append(sequence)
    }
}

/// A causal language model that runs forward passes over ragged batches with a paged KV cache.
///
/// Call protocol: the caller owns a `KVCacheStorage` made by `makeCache(blockCount:)`, assigns
/// blocks to sequences, and calls `forward` with every token whose keys/values are not yet in
/// the cache. The model writes those keys/values, then returns one row of `vocabularySize`
/// logits per entry of `batch.logitIndices`. Not thread-safe: one caller at a time.
public protocol LanguageModel: AnyObject, Sendable {
    var vocabularySize: Int { get }
    var contextLength: Int { get }
    var architecture: String { get }
    /// Tokens per KV cache block.
    var kvBlockSize: Int { get }

    func makeCache(blockCount: Int) -> KVCacheStorage
    /// Runs the batch; `logits` receives `batch.logitIndices.count * vocabularySize` floats.
    func forward(_ batch: ForwardBatch, cache: KVCacheStorage, logits: UnsafeMutablePointer<Float>)
}
