import TernGGUF
import TernModels
import TernTensor
import TernTestSupport

/// The default model loaded once per test process (the mapping is shared; forward passes are
/// serialized by the suites being `.serialized`).
enum ModelHarness {
    nonisolated(unsafe) private static var cached: (any LanguageModel)?

    static func model() throws -> any LanguageModel {
        if let cached { return cached }
        let file = try GGUFFile(path: TestResources.modelPath())
        let model = try ModelFactory.load(file: file, pool: ThreadPool(threadCount: 2))
        cached = model
        return model
    }

    /// Runs `tokens` as one sequence from position 0 and returns the logits of `rows` positions.
    static func logits(_ model: any LanguageModel, tokens: [Int32], rows: [Int]) -> [[Float]] {
        let blocks = (tokens.count + model.kvBlockSize - 1) / model.kvBlockSize
        let cache = model.makeCache(blockCount: max(1, blocks))
        var batch = ForwardBatch()
        let sequence = batch.addSequence(blockTable: (0..<Int32(max(1, blocks))).map { $0 }, promptLength: tokens.count)
        for (position, token) in tokens.enumerated() {
            batch.append(token: token, position: position, sequence: sequence, wantsLogits: rows.contains(position))
        }
        let vocabulary = model.vocabularySize
        var out = [Float](repeating: 0, count: rows.count * vocabulary)
        out.withUnsafeMutableBufferPointer { model.forward(batch, cache: cache, logits: $0.baseAddress!) }
        return (0..<rows.count).map { Array(out[($0 * vocabulary)..<(($0 + 1) * vocabulary)]) }
    }

    /// Greedy continuation of `prompt` for `count` tokens, one decode step at a time.
    static func greedy(_ model: any LanguageModel, prompt: [Int32], count: Int) -> [Int32] {
        let capacity = prompt.count + count
        let blocks = (capacity + model.kvBlockSize - 1) / model.kvBlockSize
        let cache = model.makeCache(blockCount: blocks)
        let table = (0..<Int32(blocks)).map { $0 }
        var logits = [Float](repeating: 0, count: model.vocabularySize)
        var output: [Int32] = []
        var pending = prompt
        var position = 0
        while output.count < count {
            var batch = ForwardBatch()
            let sequence = batch.addSequence(blockTable: table, promptLength: prompt.count)
            for (offset, token) in pending.enumerated() {
                batch.append(
                    token: token, position: position + offset, sequence: sequence,
                    wantsLogits: offset == pending.count - 1)
            }
            logits.withUnsafeMutableBufferPointer { model.forward(batch, cache: cache, logits: $0.baseAddress!) }
            position += pending.count
            let next = Int32(logits.indices.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }!)
            output.append(next)
            pending = [next]
        }
        return output
    }
}
