import TernModels
import Testing

/// Batch invariance of the forward pass on the real SmolLM2 model: a sequence's logits are
/// bitwise the same whether its tokens run alone or inside a ragged batch of 8 sequences of
/// different lengths, mixing prefill chunks (from position 0 and mid-prompt) with one-token decode
/// steps over cached context. Each sequence has its own KV blocks; the sequence runs with the same
/// chunking of its own tokens and the same prompt length (which decides the float order of its
/// attention: batched for prompt tokens, one-token for generated ones) in both runs, but on
/// different block ids. A control run with another prompt length for the target must change some
/// of its logits, which shows the bitwise comparison can see a change of float order at all.
@Suite(.serialized) struct BatchInvarianceTests {
    /// The target's second prompt chunk (70 tokens: more than one 64-query attention work item,
    /// over 20 cached positions) inside a 192-token batch with a fresh prefill, a mid-prompt chunk,
    /// a 64-token prefill and decode steps of four other sequences (one of them with a one-token
    /// prompt, one with 70 positions of context) gives the same logits, bit for bit, at every
    /// position of both of its chunks as running the two chunks alone.
    @Test func prefillChunkLogitsDoNotDependOnTheBatch() throws {
        let plan = Plan(
            promptLengths: [12, 30, 40, 70, 1, 90, 20, 100],
            generated: [3, 0, 0, 2, 2, 0, 2, 0],
            target: 5,
            passes: [
                [0: 12, 2: 16, 3: 70, 4: 1, 5: 20, 6: 20],
                [0: 1, 1: 30, 2: 24, 3: 1, 4: 1, 5: 70, 6: 1, 7: 64],
            ],
            controlPromptLength: 20)
        try plan.expectBatchInvariance()
    }

    /// Three decode steps of the target (one-token order, 33 to 35 positions of context) each inside
    /// a batch of 8 — other decode steps, and prefill chunks of sequences still reading their
    /// prompts — give the same logits, bit for bit, as the same steps run alone; so does its prompt,
    /// run inside the first batch.
    @Test func decodeStepLogitsDoNotDependOnTheBatch() throws {
        let plan = Plan(
            promptLengths: [12, 30, 33, 70, 1, 64, 20, 90],
            generated: [4, 4, 3, 3, 4, 0, 4, 0],
            target: 2,
            passes: [
                [0: 12, 1: 30, 2: 33, 3: 70, 4: 1, 5: 16, 6: 20, 7: 40],
                [0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 16, 6: 1, 7: 17],
                [0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 16, 6: 1, 7: 33],
                [0: 1, 1: 1, 2: 1, 4: 1, 5: 16, 6: 1],
            ],
            controlPromptLength: 36)
        try plan.expectBatchInvariance()
    }
}

/// Sequences, and the passes that run them: each pass maps a sequence to how many of its next
/// tokens it runs (continuing where its previous chunk stopped).
struct Plan {
    let promptLengths: [Int]
    /// Generated tokens per sequence, after its prompt.
    let generated: [Int]
    let target: Int
    let passes: [[Int: Int]]
    /// A prompt length for the target that changes the float order of some of its tokens: the
    /// control run with it must differ, or the bitwise comparison could not see an order change.
    let controlPromptLength: Int

    /// Runs the passes with all sequences and with the target alone; expects every target logit
    /// of the first run to equal the second's bit for bit.
    func expectBatchInvariance() throws {
        let model = try ModelHarness.model()
        var random = SplitMix64(seed: 2024)
        let tokens = zip(promptLengths, generated).map { prompt, extra in
            (0..<(prompt + extra)).map { _ in Int32(random.next() % UInt64(model.vocabularySize)) }
        }
        let batched = run(model, tokens: tokens, passes: passes, promptLengths: promptLengths, reversedBlocks: false)
        let targetPasses = passes.map { $0.filter { $0.key == target } }.filter { !$0.isEmpty }
        let alone = run(
            model, tokens: tokens, passes: targetPasses, promptLengths: promptLengths, reversedBlocks: true)
        var otherOrder = promptLengths
        otherOrder[target] = controlPromptLength
        let control = run(
            model, tokens: tokens, passes: targetPasses, promptLengths: otherOrder, reversedBlocks: true)
        let positions = batched.keys.sorted()
        #expect(positions == alone.keys.sorted())
        #expect(positions.count == passes.reduce(0) { $0 + ($1[target] ?? 0) })
        #expect(positions.allSatisfy { batched[$0]!.allSatisfy(\.isFinite) && alone[$0]!.allSatisfy(\.isFinite) })
        #expect(
            positions.contains { control[$0]!.map(\.bitPattern) != alone[$0]!.map(\.bitPattern) },
            "the other float order should change some logits")
        var mismatches: [String] = []
        for position in positions {
            let (a, b) = (batched[position]!, alone[position]!)
            if a.map(\.bitPattern) != b.map(\.bitPattern) {
                let worst = zip(a, b).map { abs($0 - $1) }.max()!
                mismatches.append("position \(position): largest difference \(worst)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(positions.count) positions differ: \(mismatches)")
    }

    /// Runs `passes` over fresh KV blocks (each sequence its own, assigned from the top of the pool
    /// when `reversedBlocks`) and returns the target's logits by position. Other sequences ask
    /// for the logits of their chunk's last token, as the engine does.
    func run(
        _ model: any LanguageModel, tokens: [[Int32]], passes: [[Int: Int]], promptLengths: [Int], reversedBlocks: Bool
    ) -> [Int: [Float]] {
        let blockSize = model.kvBlockSize
        let counts = tokens.map { ($0.count + blockSize - 1) / blockSize }
        let total = counts.reduce(0, +)
        var tables: [[Int32]] = []
        var next = 0
        for count in counts {
            tables.append((next..<(next + count)).map { Int32(reversedBlocks ? total - 1 - $0 : $0) })
            next += count
        }
        let cache = model.makeCache(blockCount: total)
        var done = [Int](repeating: 0, count: tokens.count)
        var result: [Int: [Float]] = [:]
        let vocabulary = model.vocabularySize
        for pass in passes {
            var batch = ForwardBatch()
            var targetPositions: [Int] = []
            var targetIndex: Int32?
            for sequence in pass.keys.sorted() {
                let index = batch.addSequence(blockTable: tables[sequence], promptLength: promptLengths[sequence])
                if sequence == target { targetIndex = index }
                let end = done[sequence] + pass[sequence]!
                for position in done[sequence]..<end {
                    let isTarget = sequence == target
                    if isTarget { targetPositions.append(position) }
                    batch.append(
                        token: tokens[sequence][position], position: position, sequence: index,
                        wantsLogits: isTarget || position == end - 1)
                }
                done[sequence] = end
            }
            var logits = [Float](repeating: .nan, count: batch.logitIndices.count * vocabulary)
            logits.withUnsafeMutableBufferPointer { model.forward(batch, cache: cache, logits: $0.baseAddress!) }
            for (row, tokenIndex) in batch.logitIndices.enumerated() where batch.sequences[tokenIndex] == targetIndex {
                let position = Int(batch.positions[tokenIndex])
                result[position] = Array(logits[(row * vocabulary)..<((row + 1) * vocabulary)])
            }
            precondition(targetPositions.allSatisfy { result[$0] != nil })
        }
        return result
    }
}
