import TernSampling

/// Limits the scheduler works within.
public struct SchedulerConfiguration: Sendable, Equatable {
    /// Tokens per KV block.
    public var blockSize: Int
    /// Blocks in the KV pool.
    public var blockCount: Int
    /// Tokens one forward pass may process (decode tokens plus prefill chunks).
    public var maxBatchTokens: Int
    /// Requests running at once.
    public var maxRunning: Int
    /// Requests waiting for admission before new ones are refused.
    public var maxWaiting: Int
    /// Context length of the model.
    public var contextLength: Int
    /// Reuse cached full blocks across requests with the same prefix.
    public var prefixCaching: Bool

    public init(
        blockSize: Int, blockCount: Int, maxBatchTokens: Int = 512, maxRunning: Int = 64, maxWaiting: Int = 256,
        contextLength: Int, prefixCaching: Bool = true
    ) {
        self.blockSize = blockSize
        self.blockCount = blockCount
        self.maxBatchTokens = max(maxBatchTokens, maxRunning)
        self.maxRunning = maxRunning
        self.maxWaiting = maxWaiting
        self.contextLength = contextLength
        self.prefixCaching = prefixCaching
    }

    /// Tokens one request may hold at most: the context, bounded by the whole pool.
    public var maxSequenceTokens: Int { min(contextLength, blockSize * blockCount) }
}

/// One sequence's share of a forward pass: compute tokens `start..<start+count` of its token list.
public struct ScheduledChunk: Sendable, Equatable {
    public let sequenceID: UInt64
    public let start: Int
    public let count: Int
    /// The chunk ends at the sequence's last token, so its logits choose the next token.
    public let wantsLogits: Bool
}

/// Iteration-level scheduling (Orca) over a paged KV cache (vLLM): every step, running requests
/// get their next token or prefill chunk first, then waiting requests are admitted in arrival
/// order while the token budget and free blocks allow. When blocks run out, the newest running
/// request is preempted (its blocks freed; it is recomputed later). A pure state machine: the
/// engine runs the model between `schedule()` and `complete(_:sampled:)`.
public struct Scheduler: Sendable {
    public let configuration: SchedulerConfiguration
    public private(set) var pool: BlockPool
    private var sequences: [UInt64: SequenceState] = [:]
    /// Running sequence ids in arrival order.
    public private(set) var running: [UInt64] = []
    /// Waiting sequence ids, next to admit first.
    public private(set) var waiting: [UInt64] = []
    public private(set) var preemptionCount = 0
    public private(set) var promptTokensQueried = 0
    public private(set) var promptTokensReused = 0

    public init(configuration: SchedulerConfiguration) {
        self.configuration = configuration
        pool = BlockPool(blockCount: configuration.blockCount)
    }

    /// Whether any request is running or waiting.
    public var hasWork: Bool { !running.isEmpty || !waiting.isEmpty }

    public func sequence(_ id: UInt64) -> SequenceState? { sequences[id] }

    /// Queues a request. Throws when the queue is full or the request can never fit.
    /// `boundedQueue: false` skips the queue bound for a request already admitted by a gate in
    /// front of the scheduler (the engine's submit), so it is never refused after being accepted.
    public mutating func add(id: UInt64, request: EngineRequest, sampler: Sampler, boundedQueue: Bool = true)
        throws(EngineError)
    {
        guard !request.promptTokens.isEmpty else { throw .emptyPrompt }
        let needed = request.promptTokens.count + max(1, request.maxTokens)
        guard needed <= configuration.maxSequenceTokens else {
            throw .promptTooLong(tokens: needed, limit: configuration.maxSequenceTokens)
        }
        guard !boundedQueue || waiting.count < configuration.maxWaiting else { throw .queueFull(retryAfterSeconds: 1) }
        sequences[id] = SequenceState(id: id, request: request, sampler: sampler)
        waiting.append(id)
    }

    /// Removes a request wherever it is and frees its blocks. Returns its state if it existed.
    @discardableResult
    public mutating func remove(_ id: UInt64) -> SequenceState? {
        guard let state = sequences.removeValue(forKey: id) else { return nil }
        pool.release(state.blocks)
        running.removeAll { $0 == id }
        waiting.removeAll { $0 == id }
        return state
    }

    /// Plans the next forward pass.
    public mutating func schedule() -> [ScheduledChunk] {
        var budget = configuration.maxBatchTokens
        var chunks: [ScheduledChunk] = []
        var index = 0
        while index < running.count, budget > 0 {
            let id = running[index]
            let state = sequences[id]!
            let count = min(state.tokens.count - state.computed, budget)
            guard count > 0 else {
                index += 1
                continue
            }
            if !reserveBlocks(id, upTo: state.computed + count) {
                // Out of blocks: preempt from the newest end until this one fits (or is itself preempted).
                var scheduledSelf = true
                while !reserveBlocks(id, upTo: state.computed + count) {
                    let victim = running.last!
                    preempt(victim)
                    chunks.removeAll { $0.sequenceID == victim }
                    if victim == id {
                        scheduledSelf = false
                        break
                    }
                }
                guard scheduledSelf else { continue }
            }
            chunks.append(
                ScheduledChunk(
                    sequenceID: id, start: state.computed, count: count,
                    wantsLogits: state.computed + count == state.tokens.count))
            budget -= count
            index += 1
        }
        admitWaiting(budget: &budget, chunks: &chunks)
        return chunks
    }

    /// Applies a finished forward pass: `sampled` holds the chosen token of every chunk that wanted
    /// logits. Returns the events to deliver, per sequence; finished sequences are removed.
    public mutating func complete(_ chunks: [ScheduledChunk], sampled: [UInt64: TokenChoice]) -> [(
        UInt64, [EngineEvent]
    )] {
        var events: [(UInt64, [EngineEvent])] = []
        for chunk in chunks {
            // Taken out of the table while it changes, so its token array and sampler are
            // uniquely referenced and grow in place instead of being copied every step.
            guard var state = sequences.removeValue(forKey: chunk.sequenceID) else { continue }
            state.computed = chunk.start + chunk.count
            registerFullBlocks(&state)
            guard chunk.wantsLogits, let choice = sampled[chunk.sequenceID] else {
                sequences[chunk.sequenceID] = state
                continue
            }
            var output: [EngineEvent] = []
            var finish: FinishReason?
            if state.request.stopTokens.contains(choice.token) {
                finish = .stop
            } else {
                state.sampler.accept(choice.token)
                if state.sampler.constraint?.isTerminated == true {
                    // A grammar's end token that is not a stop token (`ignore_eos`): the
                    // constrained output is complete and nothing may follow it.
                    finish = .stop
                } else {
                    state.tokens.append(choice.token)
                    state.generated += 1
                    output.append(.token(choice))
                    if state.sampler.constraint?.isComplete == true {
                        // Only an end token could follow: finish now instead of sampling it.
                        finish = .stop
                    } else if state.generated >= state.request.maxTokens
                        || state.tokens.count >= configuration.maxSequenceTokens
                    {
                        finish = .length
                    }
                }
            }
            sequences[chunk.sequenceID] = state
            if let finish {
                output.append(.finished(finish, state.usage))
                remove(chunk.sequenceID)
            }
            events.append((chunk.sequenceID, output))
        }
        return events
    }

    /// Mutable access to a sequence's sampler (the engine samples between schedule and complete).
    public mutating func withSampler<T>(_ id: UInt64, _ body: (inout Sampler) -> T) -> T? {
        guard sequences[id] != nil else { return nil }
        return body(&sequences[id]!.sampler)
    }

    // MARK: - Internals

    private mutating func admitWaiting(budget: inout Int, chunks: inout [ScheduledChunk]) {
        while budget > 0, running.count < configuration.maxRunning, let id = waiting.first {
            var state = sequences.removeValue(forKey: id)!
            let lookedUp = state.computed == 0 && state.blocks.isEmpty
            if lookedUp { reusePrefix(&state) }
            let count = min(state.tokens.count - state.computed, budget)
            let neededBlocks = blocksFor(state.computed + count) - state.blocks.count
            guard neededBlocks <= pool.availableCount else {
                // The head of the line waits for blocks; the prefix blocks it took go back to the
                // cache (still indexed) so they do not sit idle while it waits.
                pool.release(state.blocks)
                state.blocks = []
                state.computed = 0
                state.cachedPromptTokens = 0
                state.registeredBlocks = 0
                state.registeredChainHash = 0
                sequences[id] = state
                break
            }
            state.blocks += pool.allocate(neededBlocks)!
            if lookedUp && configuration.prefixCaching {
                // Counted on admission only: a head of line that waits looks up again every step.
                promptTokensQueried += state.tokens.count
                promptTokensReused += state.computed
            }
            sequences[id] = state
            waiting.removeFirst()
            running.append(id)
            chunks.append(
                ScheduledChunk(
                    sequenceID: id, start: state.computed, count: count,
                    wantsLogits: state.computed + count == state.tokens.count))
            budget -= count
        }
    }

    /// Takes cached blocks for the longest cached prefix (always leaving the last token to compute,
    /// whose logits are needed).
    private mutating func reusePrefix(_ state: inout SequenceState) {
        guard configuration.prefixCaching else { return }
        let size = configuration.blockSize
        let reusable = (state.tokens.count - 1) / size
        var parent: UInt64 = 0
        for blockIndex in 0..<reusable {
            let key = BlockKey(
                parentHash: parent, tokens: Array(state.tokens[blockIndex * size..<(blockIndex + 1) * size]),
                batchedPrefix: state.batchedPrefix(ofBlock: blockIndex, blockSize: size))
            guard let block = pool.lookup(key) else { break }
            state.blocks.append(block)
            parent = key.chainHash
        }
        state.computed = state.blocks.count * size
        state.registeredBlocks = state.blocks.count
        state.registeredChainHash = parent
        if state.generated == 0 { state.cachedPromptTokens = state.computed }
    }

    private mutating func registerFullBlocks(_ state: inout SequenceState) {
        guard configuration.prefixCaching else { return }
        let size = configuration.blockSize
        while state.registeredBlocks < state.computed / size {
            let index = state.registeredBlocks
            let key = BlockKey(
                parentHash: state.registeredChainHash, tokens: Array(state.tokens[index * size..<(index + 1) * size]),
                batchedPrefix: state.batchedPrefix(ofBlock: index, blockSize: size))
            pool.register(state.blocks[index], key: key)
            state.registeredChainHash = key.chainHash
            state.registeredBlocks += 1
        }
    }

    private func blocksFor(_ tokens: Int) -> Int { (tokens + configuration.blockSize - 1) / configuration.blockSize }

    private mutating func reserveBlocks(_ id: UInt64, upTo tokens: Int) -> Bool {
        let needed = blocksFor(tokens) - sequences[id]!.blocks.count
        guard needed > 0 else { return true }
        guard let blocks = pool.allocate(needed) else { return false }
        sequences[id]!.blocks += blocks
        return true
    }

    private mutating func preempt(_ id: UInt64) {
        guard var state = sequences[id] else { return }
        pool.release(state.blocks)
        state.blocks = []
        state.computed = 0
        state.registeredBlocks = 0
        state.registeredChainHash = 0
        sequences[id] = state
        running.removeAll { $0 == id }
        waiting.insert(id, at: 0)
        preemptionCount += 1
    }
}

/// A request's progress inside the scheduler.
public struct SequenceState: Sendable {
    public let id: UInt64
    public let request: EngineRequest
    public var sampler: Sampler
    /// Prompt followed by generated tokens.
    public var tokens: [Int32]
    /// Tokens whose keys/values are in the cache.
    public var computed = 0
    public var blocks: [Int32] = []
    public var generated = 0
    public var cachedPromptTokens = 0
    var registeredBlocks = 0
    var registeredChainHash: UInt64 = 0

    init(id: UInt64, request: EngineRequest, sampler: Sampler) {
        self.id = id
        self.request = request
        self.sampler = sampler
        tokens = request.promptTokens
    }

    /// How many leading tokens of block `index` are computed in the batched order: prompt tokens
    /// are, generated ones are not, and a one-token prompt is not (as in `ForwardBatch`).
    func batchedPrefix(ofBlock index: Int, blockSize: Int) -> Int {
        let promptLength = request.promptTokens.count
        guard promptLength > 1 else { return 0 }
        return min(blockSize, max(0, promptLength - index * blockSize))
    }

    public var usage: EngineUsage {
        EngineUsage(
            promptTokens: request.promptTokens.count, completionTokens: generated,
            cachedPromptTokens: cachedPromptTokens)
    }
}
