import Foundation
import TernModels
import TernSampling

/// Sizes of the engine. `kvCacheTokens` bounds the KV memory; the rest bound the work per step.
public struct EngineConfiguration: Sendable {
    public var kvCacheTokens: Int
    public var maxBatchTokens: Int
    public var maxRunning: Int
    public var maxWaiting: Int
    public var prefixCaching: Bool

    public init(
        kvCacheTokens: Int = 16_384, maxBatchTokens: Int = 512, maxRunning: Int = 64, maxWaiting: Int = 256,
        prefixCaching: Bool = true
    ) {
        self.kvCacheTokens = kvCacheTokens
        self.maxBatchTokens = maxBatchTokens
        self.maxRunning = maxRunning
        self.maxWaiting = maxWaiting
        self.prefixCaching = prefixCaching
    }
}

/// A point-in-time view of the engine for metrics.
public struct EngineStats: Sendable, Equatable {
    public var running = 0
    public var waiting = 0
    public var kvBlocksUsed = 0
    public var kvBlocksFree = 0
    public var kvBlocksCached = 0
    public var preemptions = 0
    public var promptTokensQueried = 0
    public var promptTokensReused = 0
    public var promptTokensProcessed = 0
    public var generatedTokens = 0
    public var steps = 0

    public init() {}
}

/// The serving engine: requests in, token streams out, one batched forward pass per iteration
/// over everything running. The model runs on a dedicated thread (never on the Swift concurrency
/// pool); callers talk to it through a locked inbox and `AsyncStream`s.
public final class Engine: @unchecked Sendable {
    // Sendable: mutable state is either guarded by `lock` (inbox, stats, continuations table) or
    // touched only by the engine thread (scheduler, runner).
    public let model: any LanguageModel
    public let configuration: EngineConfiguration
    public let schedulerConfiguration: SchedulerConfiguration

    private let lock = NSCondition()
    private var inbox: [(UInt64, EngineRequest, AsyncStream<EngineEvent>.Continuation)] = []
    private var cancellations: [UInt64] = []
    private var accepting = true
    private var stopped = false
    private var nextID: UInt64 = 1
    private var statsSnapshot = EngineStats()
    private var queuedCount = 0

    // Engine-thread state.
    private var scheduler: Scheduler
    private var continuations: [UInt64: AsyncStream<EngineEvent>.Continuation] = [:]
    private let runner: ModelRunner
    private var thread: Thread?

    public init(model: any LanguageModel, configuration: EngineConfiguration = EngineConfiguration()) {
        self.model = model
        self.configuration = configuration
        let blocks = max(1, (configuration.kvCacheTokens + model.kvBlockSize - 1) / model.kvBlockSize)
        schedulerConfiguration = SchedulerConfiguration(
            blockSize: model.kvBlockSize, blockCount: blocks, maxBatchTokens: configuration.maxBatchTokens,
            maxRunning: configuration.maxRunning, maxWaiting: configuration.maxWaiting,
            contextLength: model.contextLength, prefixCaching: configuration.prefixCaching)
        scheduler = Scheduler(configuration: schedulerConfiguration)
        runner = ModelRunner(model: model, blockCount: blocks, maxLogitRows: schedulerConfiguration.maxBatchTokens)
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "tern-engine"
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    /// The longest prompt plus generation one request may use.
    public var maxSequenceTokens: Int { schedulerConfiguration.maxSequenceTokens }

    /// Starts generating. The stream yields tokens then exactly one `.finished`; terminating the
    /// stream (a disconnected client) cancels the request within one iteration.
    public func submit(_ request: EngineRequest) throws(EngineError) -> AsyncStream<EngineEvent> {
        guard !request.promptTokens.isEmpty else { throw .emptyPrompt }
        let needed = request.promptTokens.count + max(1, request.maxTokens)
        guard needed <= maxSequenceTokens else { throw .promptTooLong(tokens: needed, limit: maxSequenceTokens) }
        lock.lock()
        defer { lock.unlock() }
        guard accepting else { throw .shuttingDown }
        guard queuedCount < configuration.maxWaiting else { throw .queueFull(retryAfterSeconds: 1) }
        let id = nextID
        nextID += 1
        queuedCount += 1
        let (stream, continuation) = AsyncStream<EngineEvent>.makeStream()
        continuation.onTermination = { [weak self] termination in
            if case .cancelled = termination { self?.cancel(id) }
        }
        inbox.append((id, request, continuation))
        lock.signal()
        return stream
    }

    /// Current counters and gauges.
    public var stats: EngineStats {
        lock.lock()
        defer { lock.unlock() }
        return statsSnapshot
    }

    /// Stops accepting requests, lets the in-flight ones finish, then stops the engine thread.
    public func shutdown() async {
        stopAccepting()
        while !isStopped { try? await Task.sleep(for: .milliseconds(5)) }
    }

    private func stopAccepting() {
        lock.lock()
        accepting = false
        lock.signal()
        lock.unlock()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func cancel(_ id: UInt64) {
        lock.lock()
        cancellations.append(id)
        lock.signal()
        lock.unlock()
    }

    // MARK: - Engine thread

    private func loop() {
        while true {
            lock.lock()
            while inbox.isEmpty && cancellations.isEmpty && !scheduler.hasWork && accepting {
                lock.wait()
            }
            let arrivals = inbox
            let cancelled = cancellations
            inbox.removeAll()
            cancellations.removeAll()
            let finished = !accepting && arrivals.isEmpty && !scheduler.hasWork
            lock.unlock()
            if finished { break }

            for (id, request, continuation) in arrivals {
                let sampler = Sampler(
                    parameters: request.sampling, promptTokens: request.promptTokens,
                    endTokens: request.stopTokens, constraint: request.constraint?.makeMatcher())
                do {
                    // submit() already applied the queue bound; preempted requests waiting again
                    // must not turn an accepted request into a refused one.
                    try scheduler.add(id: id, request: request, sampler: sampler, boundedQueue: false)
                    continuations[id] = continuation
                } catch {
                    // Unreachable in practice: submit() checked the same length limits.
                    continuation.yield(
                        .finished(.cancelled, EngineUsage(promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0)))
                    continuation.finish()
                }
            }
            for id in cancelled {
                if let state = scheduler.remove(id), let continuation = continuations.removeValue(forKey: id) {
                    continuation.yield(.finished(.cancelled, state.usage))
                    continuation.finish()
                }
            }
            if scheduler.hasWork { step() }
            publishStats()
        }
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private func step() {
        let chunks = scheduler.schedule()
        guard !chunks.isEmpty else { return }
        for chunk in chunks {
            guard let state = scheduler.sequence(chunk.sequenceID) else { continue }
            statsPromptTokens += max(0, min(chunk.start + chunk.count, state.request.promptTokens.count) - chunk.start)
        }
        let sampled = runner.run(chunks, scheduler: &scheduler)
        let events = scheduler.complete(chunks, sampled: sampled)
        for (id, list) in events {
            guard let continuation = continuations[id] else { continue }
            for event in list {
                continuation.yield(event)
                if case .finished = event {
                    continuation.finish()
                    continuations[id] = nil
                }
            }
        }
        statsSteps += 1
        statsGenerated += sampled.count
    }

    private var statsSteps = 0
    private var statsPromptTokens = 0
    private var statsGenerated = 0

    private func publishStats() {
        var snapshot = EngineStats()
        snapshot.running = scheduler.running.count
        snapshot.waiting = scheduler.waiting.count
        snapshot.kvBlocksUsed = scheduler.pool.usedCount
        snapshot.kvBlocksFree = scheduler.pool.availableCount
        snapshot.kvBlocksCached = scheduler.pool.cachedCount
        snapshot.preemptions = scheduler.preemptionCount
        snapshot.promptTokensQueried = scheduler.promptTokensQueried
        snapshot.promptTokensReused = scheduler.promptTokensReused
        snapshot.promptTokensProcessed = statsPromptTokens
        snapshot.generatedTokens = statsGenerated
        snapshot.steps = statsSteps
        lock.lock()
        statsSnapshot = snapshot
        queuedCount = scheduler.waiting.count + inbox.count
        lock.unlock()
    }
}
