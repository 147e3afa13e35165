import TernEngine
import TernSampling
import TernTokenizers

/// What one choice produced since its previous update. The last update of a choice has `finish`.
struct ChoiceUpdate: Sendable {
    var index: Int
    /// Text safe to show: whole characters, never part of a stop string.
    var text: String
    /// The tokens `text` came from (with log-probabilities when asked for).
    var tokens: [TokenChoice]
    var finish: FinishReason?
    /// Tokens this choice generated so far.
    var completionTokens: Int
    /// Prompt tokens served from the prefix cache (known once finished).
    var cachedPromptTokens = 0
}

/// One engine generation: the choice it answers and the engine's event stream.
struct ChoiceJob: Sendable {
    var index: Int
    var stream: AsyncStream<EngineEvent>
}

/// Runs the engine generations of one request (n choices, maybe several prompts) and delivers
/// their output as ``ChoiceUpdate``s, interleaved as the tokens arrive.
///
/// Cancellation: if the calling task is cancelled (the client went away) or `consume` throws (a
/// write failed), every generation's stream is terminated, which cancels it in the engine. A
/// choice that hits a stop string is cancelled in the engine at once.
struct GenerationRun: Sendable {
    var jobs: [ChoiceJob]
    var tokenizer: any Tokenizer
    var stopStrings: [String]
    var minTokens: Int
    var timing: TokenTiming?

    /// Submits one engine request per choice. If the engine refuses one, those already submitted
    /// are cancelled and the refusal is answered (429 for a full queue).
    static func submit(_ requests: [(index: Int, request: EngineRequest)], to model: any ServedModel) throws(APIError)
        -> [ChoiceJob]
    {
        var jobs: [ChoiceJob] = []
        for (index, request) in requests {
            do {
                jobs.append(ChoiceJob(index: index, stream: try model.generate(request)))
            } catch {
                for job in jobs { cancel(job.stream) }
                throw APIError(engine: error)
            }
        }
        return jobs
    }

    /// Cancels a generation nobody will read: only a cancelled consumer terminates an
    /// `AsyncStream` from the reading side.
    static func cancel(_ stream: AsyncStream<EngineEvent>) {
        let task = Task {
            for await _ in stream {}
        }
        task.cancel()
    }

    /// Runs every choice to its end, handing each update to `consume` in arrival order.
    func run(_ consume: (ChoiceUpdate) async throws -> Void) async throws {
        let (updates, sink) = AsyncStream<ChoiceUpdate>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask { [self] in
                    await pump(job, into: sink)
                }
            }
            var open = jobs.count
            for await update in updates {
                try await consume(update)
                if update.finish != nil {
                    open -= 1
                    if open == 0 { break }
                }
            }
            sink.finish()
            try Task.checkCancellation()
        }
    }

    /// Reads one generation, turning tokens into text deltas, until it ends or a stop string appears.
    private func pump(_ job: ChoiceJob, into sink: AsyncStream<ChoiceUpdate>.Continuation) async {
        var streamer = TextStreamer(tokenizer: tokenizer, stopStrings: stopStrings, minTokens: minTokens)
        var iterator = job.stream.makeAsyncIterator()
        var generated = 0
        var pendingTokens: [TokenChoice] = []
        var lastTokenTime: ContinuousClock.Instant?
        while let event = await iterator.next() {
            switch event {
            case .token(let choice):
                generated += 1
                timing?.tokenArrived(previous: &lastTokenTime)
                var delta = streamer.push(choice)
                // Tokens whose text is held back (part of a character or of a possible stop string)
                // travel with the next text that is shown.
                delta.tokens = pendingTokens + delta.tokens
                pendingTokens = []
                if streamer.stopped {
                    sink.yield(
                        ChoiceUpdate(
                            index: job.index, text: delta.text, tokens: delta.tokens, finish: .stop,
                            completionTokens: generated))
                    await Self.cancelCurrent(&iterator)
                    return
                }
                if delta.text.isEmpty {
                    pendingTokens = delta.tokens
                } else {
                    sink.yield(
                        ChoiceUpdate(
                            index: job.index, text: delta.text, tokens: delta.tokens, finish: nil,
                            completionTokens: generated))
                }
            case .finished(let reason, let usage):
                let tail = streamer.finish()
                sink.yield(
                    ChoiceUpdate(
                        index: job.index, text: tail.text, tokens: pendingTokens + tail.tokens, finish: reason,
                        completionTokens: max(generated, usage.completionTokens),
                        cachedPromptTokens: usage.cachedPromptTokens))
                return
            }
        }
        // The stream ended without `.finished`: this task was cancelled.
        sink.yield(
            ChoiceUpdate(
                index: job.index, text: "", tokens: pendingTokens, finish: .cancelled, completionTokens: generated))
    }

    /// Ends the generation behind `iterator` now: the next `next()` of a cancelled task terminates
    /// the stream, and the engine cancels the request when its stream terminates. Only this
    /// choice's child task is cancelled.
    private static func cancelCurrent(_ iterator: inout AsyncStream<EngineEvent>.Iterator) async {
        withUnsafeCurrentTask { $0?.cancel() }
        _ = await iterator.next()
    }
}

extension APIError {
    /// The answer to an engine refusal.
    init(engine error: EngineError) {
        switch error {
        case .queueFull(let seconds):
            self = .busy(
                "the server is busy (the request queue is full); retry after \(seconds) s",
                retryAfterSeconds: seconds)
        case .promptTooLong:
            self = .invalid(error.description, param: "max_tokens", code: "context_length_exceeded")
        case .emptyPrompt:
            self = .invalid("the prompt is empty (it has no tokens)", param: "prompt")
        case .shuttingDown:
            self = .unavailable("the server is shutting down", retryAfterSeconds: 5)
        }
    }
}
