import CTernKernels
import TernTensor

/// A run of consecutive query tokens of one sequence attending through one query head.
struct AttentionWorkItem {
    let sequence: Int
    let firstToken: Int
    let tokenCount: Int
    let head: Int
    let singleTokenOrder: Bool
}

extension TransformerModel {
    /// Splits the batch into attention work: runs of one sequence's consecutive tokens in the same
    /// float order, cut into chunks of at most `queryChunk` queries, times every query head.
    /// Computed once per pass.
    func attentionWorkItems(_ batch: ForwardBatch) -> [AttentionWorkItem] {
        var items: [AttentionWorkItem] = []
        var start = 0
        while start < batch.count {
            var end = start + 1
            let single = batch.usesSingleTokenOrder(start)
            while end < batch.count, end - start < Self.queryChunk, batch.sequences[end] == batch.sequences[start],
                batch.usesSingleTokenOrder(end) == single
            {
                end += 1
            }
            for head in 0..<config.headCount {
                items.append(
                    AttentionWorkItem(
                        sequence: Int(batch.sequences[start]), firstToken: start, tokenCount: end - start, head: head,
                        singleTokenOrder: single))
            }
            start = end
        }
        return items
    }

    /// Causal attention of every query in the batch over its sequence's cached keys and values
    /// (which already include this batch's tokens), written to `scratch.attention`.
    func runAttention(layer: Int, batch: ForwardBatch, cache: KVCacheStorage, workItems: [AttentionWorkItem]) {
        let window = Int32(config.isSliding(layer) ? config.slidingWindow : 0)
        let c = config
        let query = scratch.query.pointer
        let output = scratch.attention.pointer
        let groupSize = c.headCount / c.kvHeadCount
        let scale: Float = c.queryPreScale == nil ? 1 / Float(c.headDim).squareRoot() : 1
        let layerKeys = cache.keys + layer * cache.layerStride
        let layerValues = cache.values + layer * cache.layerStride
        let scratchBuffers = scratch.attentionScratch
        batch.positions.withUnsafeBufferPointer { positions in
            pool.parallelForEach(workItems.count) { itemIndex, thread in
                let item = workItems[itemIndex]
                let kvHead = item.head / groupSize
                batch.blockTables[item.sequence].withUnsafeBufferPointer { table in
                    var args = tern_attention_args(
                        q: query + item.firstToken * c.qDim + item.head * c.headDim,
                        q_stride: c.qDim,
                        q_positions: positions.baseAddress! + item.firstToken,
                        q_count: Int32(item.tokenCount),
                        out: output + item.firstToken * c.qDim + item.head * c.headDim,
                        out_stride: c.qDim,
                        k_base: layerKeys + kvHead * c.headDim,
                        v_base: layerValues + kvHead * c.headDim,
                        block_stride: cache.blockStride,
                        row_stride: cache.kvDim,
                        block_table: table.baseAddress!,
                        block_size: Int32(cache.blockSize),
                        head_dim: Int32(c.headDim),
                        scale: scale,
                        window: window,
                        single_token: item.singleTokenOrder ? 1 : 0)
                    tern_attention(KernelInfo.isa, &args, scratchBuffers[thread].pointer)
                }
            }
        }
    }
}
