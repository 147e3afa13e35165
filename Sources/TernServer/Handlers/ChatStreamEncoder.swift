import Foundation
import Hummingbird
import TernEngine
import TernSampling
import TernTokenizers

/// Turns choice updates into `chat.completion.chunk` events in the documented order: per choice a
/// first chunk with `role: "assistant"` (and its first text), then text chunks, then a chunk with an
/// empty `delta` and the `finish_reason`.
///
/// When the answer may call tools, each choice's text goes through a ``ToolCallParser``: text
/// chunks carry only answer text, and calls arrive as `tool_calls` deltas (the first with index,
/// id, type, name and empty arguments, then argument fragments); a choice that called a tool
/// finishes with `"tool_calls"`.
struct ChatStreamEncoder: StreamEncoder {
    let id: String
    let model: String
    let tokenizer: any Tokenizer
    let logprobs: Bool
    private var started: Set<Int> = []
    /// Per choice, when the answer may call tools.
    private var parsers: [Int: ToolCallParser]?
    /// Tokens whose text the parser still holds, per choice (their logprobs go with later chunks).
    private var heldTokens: [Int: [TokenChoice]] = [:]

    /// - Parameter parsesToolCalls: split tool calls out of the text.
    init(id: String, model: String, tokenizer: any Tokenizer, logprobs: Bool, parsesToolCalls: Bool = false) {
        self.id = id
        self.model = model
        self.tokenizer = tokenizer
        self.logprobs = logprobs
        parsers = parsesToolCalls ? [:] : nil
    }

    /// The events for one update (none when it carries nothing to show).
    mutating func events(for update: ChoiceUpdate) throws(APIError) -> [ByteBuffer] {
        guard parsers != nil else {
            let delta = update.text.isEmpty ? [] : [ChatCompletionChunkWire.Delta(content: update.text)]
            return try chunks(delta, tokens: update.tokens, update: update)
        }
        var parser = parsers![update.index] ?? ToolCallParser()
        var found = parser.push(update.text)
        if update.finish != nil { found = ToolCallParser.coalesced(found + parser.finish()) }
        parsers![update.index] = parser
        let deltas = found.map { event in
            switch event {
            case .content(let text): ChatCompletionChunkWire.Delta(content: text)
            case .callStarted(let index, let id, let name):
                ChatCompletionChunkWire.Delta(toolCalls: [.start(index: index, id: id, name: name)])
            case .arguments(let index, let fragment):
                ChatCompletionChunkWire.Delta(toolCalls: [.arguments(index: index, fragment)])
            }
        }
        let tokens = (heldTokens.removeValue(forKey: update.index) ?? []) + update.tokens
        if deltas.isEmpty && update.finish == nil {
            heldTokens[update.index] = tokens
            return []
        }
        return try chunks(deltas, tokens: tokens, update: update)
    }

    /// The wire `finish_reason` of a choice that ended with `reason`.
    func finishReason(index: Int, _ reason: FinishReason) -> String {
        if reason == .stop, let parser = parsers?[index], parser.callCount > 0 { return "tool_calls" }
        return reason.wireValue
    }

    /// The closing usage chunk (`choices: []`), sent when `stream_options.include_usage` is set.
    func usageEvent(_ usage: UsageWire) throws(APIError) -> ByteBuffer {
        try ServerSentEvents.event(
            ChatCompletionChunkWire(id: id, created: Self.now, model: model, choices: [], usage: usage))
    }

    /// One chunk per delta (the first of a choice with its role; the update's logprobs on the
    /// first), then the finish chunk when the choice ended.
    private mutating func chunks(
        _ deltas: [ChatCompletionChunkWire.Delta], tokens: [TokenChoice], update: ChoiceUpdate
    ) throws(APIError) -> [ByteBuffer] {
        var events: [ByteBuffer] = []
        var deltas = deltas
        if deltas.isEmpty, update.finish != nil, !started.contains(update.index) {
            // An empty answer still gets its role chunk.
            deltas = [ChatCompletionChunkWire.Delta(content: "")]
        }
        var logprobsWire =
            logprobs && !tokens.isEmpty ? ChatLogprobsWire(tokens: tokens, tokenizer: tokenizer) : nil
        for var delta in deltas {
            if started.insert(update.index).inserted { delta.role = "assistant" }
            events.append(
                try chunk(ChatCompletionChunkWire.Choice(index: update.index, delta: delta, logprobs: logprobsWire)))
            logprobsWire = nil
        }
        if let finish = update.finish {
            events.append(
                try chunk(
                    ChatCompletionChunkWire.Choice(
                        index: update.index, delta: .init(), finishReason: finishReason(index: update.index, finish),
                        logprobs: logprobsWire)))
        }
        return events
    }

    private func chunk(_ choice: ChatCompletionChunkWire.Choice) throws(APIError) -> ByteBuffer {
        try ServerSentEvents.event(
            ChatCompletionChunkWire(id: id, created: Self.now, model: model, choices: [choice], usage: nil))
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }
}
