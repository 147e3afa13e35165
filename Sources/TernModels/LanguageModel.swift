/// The tokens of one forward pass: a ragged batch mixing decode tokens and prefill chunks of
/// several sequences. Token `i` belongs to sequence `sequences[i]`, sits at `positions[i]`, and
/// its keys and values are written to that sequence's KV blocks (`blockTables[sequence]`).
public struct ForwardBatch: Sendable {
    public var tokens: [Int32] = []
    public var positions: [Int32] = []
    public var sequences: [Int32] = []
    /// Per sequence: the KV cache block ids holding positions `0..<blockSize`, `blockSize..<2*blockSize`, ...
    public var blockTables: [[Int32]] = []
    /// Indices into `tokens` whose logits the caller wants, in the order the rows are returned.
    public var logitIndices: [Int] = []

    public init() {}

    public var count: Int { tokens.count }

    /// Adds a sequence's block table and returns its index for `append`.
    public mutating func addSequence(blockTable: [Int32]) -> Int32 {
        blockTables.append(blockTable)
        return Int32(blockTables.count - 1)
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
