import Hummingbird
import TernEngine

/// Formats choice updates as server-sent events (chat or text completion chunks).
protocol StreamEncoder: Sendable {
    mutating func events(for update: ChoiceUpdate) throws(APIError) -> [ByteBuffer]
    func usageEvent(_ usage: UsageWire) throws(APIError) -> ByteBuffer
    /// The wire `finish_reason` of choice `index`, which ended with `reason` (asked after its
    /// last update's events).
    func finishReason(index: Int, _ reason: FinishReason) -> String
}

extension StreamEncoder {
    func finishReason(index: Int, _ reason: FinishReason) -> String { reason.wireValue }
}

/// Runs validated generations to an HTTP answer and settles the request's usage row, for both
/// answer styles. A client that disconnects (or a failed write) cancels every generation and is
/// recorded with status 499.
struct GenerationResponder: Sendable {
    let call: InferenceCall
    let model: String
    let promptTokens: Int
    let run: GenerationRun

    /// Waits for every choice; `nil` when the client went away first (already recorded).
    func collect(_ request: Request) async -> [ChoiceAccumulator]? {
        do {
            let choices = try await request.body.consumeWithCancellationOnInboundClose { _ in
                try await ChoiceAccumulator.collect(run)
            }
            return choices.sorted { $0.key < $1.key }.map(\.value)
        } catch {
            call.finish(
                model: model, status: InferenceCall.clientClosedStatus, promptTokens: promptTokens,
                errorType: "cancelled")
            return nil
        }
    }

    /// The usage of finished choices.
    func usage(_ choices: [ChoiceAccumulator]) -> UsageWire {
        UsageWire(
            promptTokens: promptTokens, completionTokens: choices.reduce(0) { $0 + $1.completionTokens },
            cachedTokens: choices.map(\.cachedPromptTokens).max() ?? 0)
    }

    /// Answers `wire` as JSON and records success; `finishes` are the choices' wire finish reasons.
    func respond(_ wire: some Encodable, usage: UsageWire, finishes: [String]) -> Response {
        call.finish(
            model: model, status: 200, promptTokens: promptTokens, completionTokens: usage.completionTokens,
            finishReason: Self.finishReasons(finishes))
        do {
            // The connection was watched for the client going away, which ends its reuse.
            return try WireJSON.response(wire, headers: [.connection: "close"])
        } catch {
            return error.response()
        }
    }

    /// The answer for a client that went away (nobody reads it).
    static var clientClosed: Response { Response(status: .init(code: InferenceCall.clientClosedStatus)) }

    /// Streams the generations as server-sent events: `prelude` first, then each update's events,
    /// the usage chunk when asked for, and `data: [DONE]`.
    func stream(
        _ request: Request, encoder: some StreamEncoder, prelude: [ByteBuffer] = [], includeUsage: Bool
    ) -> Response {
        Response(
            status: .ok, headers: ServerSentEvents.headers,
            body: ResponseBody { writer in
                var encoder = encoder
                var completionTokens: [Int: Int] = [:]
                var finishes: [Int: String] = [:]
                var cached = 0
                do {
                    try await request.body.consumeWithCancellationOnInboundClose { _ in
                        try await writer.write(contentsOf: prelude)
                        try await run.run { update in
                            completionTokens[update.index] = update.completionTokens
                            let events = try encoder.events(for: update)
                            if let finish = update.finish {
                                finishes[update.index] = encoder.finishReason(index: update.index, finish)
                                cached = max(cached, update.cachedPromptTokens)
                            }
                            try await writer.write(contentsOf: events)
                        }
                    }
                    let usage = UsageWire(
                        promptTokens: promptTokens, completionTokens: completionTokens.values.reduce(0, +),
                        cachedTokens: cached)
                    if includeUsage {
                        try await writer.write(try encoder.usageEvent(usage))
                    }
                    try await writer.write(ServerSentEvents.done)
                    try await writer.finish(nil)
                    call.finish(
                        model: model, status: 200, promptTokens: promptTokens,
                        completionTokens: usage.completionTokens,
                        finishReason: Self.finishReasons(finishes.sorted { $0.key < $1.key }.map(\.value)))
                } catch {
                    call.finish(
                        model: model, status: InferenceCall.clientClosedStatus, promptTokens: promptTokens,
                        completionTokens: completionTokens.values.reduce(0, +), errorType: "cancelled")
                    throw error
                }
            })
    }

    /// The usage row's finish reason: the choices' reasons, comma-separated when they differ.
    static func finishReasons(_ reasons: [String]) -> String {
        var seen: [String] = []
        for reason in reasons where !seen.contains(reason) { seen.append(reason) }
        return seen.joined(separator: ",")
    }
}
