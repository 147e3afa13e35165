import TernModels
import TernSampling

/// Turns a scheduled step into one forward pass over a ragged batch, then samples the next token
/// of every sequence whose chunk reached its end.
final class ModelRunner {
    let model: any LanguageModel
    let cache: KVCacheStorage
    private let logits: UnsafeMutablePointer<Float>
    private let maxLogitRows: Int

    init(model: any LanguageModel, blockCount: Int, maxLogitRows: Int) {
        self.model = model
        cache = model.makeCache(blockCount: blockCount)
        self.maxLogitRows = max(1, maxLogitRows)
        logits = .allocate(capacity: self.maxLogitRows * model.vocabularySize)
    }

    deinit { logits.deallocate() }

    /// Runs `chunks` and returns the sampled token of each sequence that wanted logits.
    func run(_ chunks: [ScheduledChunk], scheduler: inout Scheduler) -> [UInt64: TokenChoice] {
        var batch = ForwardBatch()
        var logitOwners: [UInt64] = []
        for chunk in chunks {
            guard let state = scheduler.sequence(chunk.sequenceID) else { continue }
            let sequence = batch.addSequence(blockTable: state.blocks, promptLength: state.request.promptTokens.count)
            let end = chunk.start + chunk.count
            for position in chunk.start..<end {
                let wantsLogits = chunk.wantsLogits && position == end - 1
                batch.append(
                    token: state.tokens[position], position: position, sequence: sequence, wantsLogits: wantsLogits)
            }
            if chunk.wantsLogits { logitOwners.append(chunk.sequenceID) }
        }
        precondition(logitOwners.count <= maxLogitRows, "more logit rows than the runner holds")
        model.forward(batch, cache: cache, logits: logits)
        let vocabulary = model.vocabularySize
        var sampled: [UInt64: TokenChoice] = [:]
        for (row, id) in logitOwners.enumerated() {
            let buffer = UnsafeMutableBufferPointer(start: logits + row * vocabulary, count: vocabulary)
            let request = scheduler.sequence(id)!.request
            sampled[id] = scheduler.withSampler(id) {
                $0.sample(buffer, logprobs: request.logprobs, topLogprobs: request.topLogprobs)
            }
        }
        return sampled
    }
}
