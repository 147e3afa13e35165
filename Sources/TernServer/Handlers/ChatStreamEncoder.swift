import Foundation
import Hummingbird
import TernTokenizers

/// Turns choice updates into `chat.completion.chunk` events in the documented order: per choice a
/// first chunk with `role: "assistant"` (and its first text), then text chunks, then a chunk with an
/// empty `delta` and the `finish_reason`.
struct ChatStreamEncoder: StreamEncoder {
    let id: String
    let model: String
    let tokenizer: any Tokenizer
    let logprobs: Bool
    private var started: Set<Int> = []

    init(id: String, model: String, tokenizer: any Tokenizer, logprobs: Bool) {
        self.id = id
        self.model = model
        self.tokenizer = tokenizer
        self.logprobs = logprobs
    }

    /// The events for one update (none when it carries nothing to show).
    mutating func events(for update: ChoiceUpdate) throws(APIError) -> [ByteBuffer] {
        var events: [ByteBuffer] = []
        let firstChunk = !started.contains(update.index)
        let logprobsWire =
            logprobs && !update.tokens.isEmpty ? ChatLogprobsWire(tokens: update.tokens, tokenizer: tokenizer) : nil
        let textShown = !update.text.isEmpty || (firstChunk && update.finish != nil)
        if textShown {
            started.insert(update.index)
            let delta = ChatCompletionChunkWire.Delta(role: firstChunk ? "assistant" : nil, content: update.text)
            events.append(
                try chunk(ChatCompletionChunkWire.Choice(index: update.index, delta: delta, logprobs: logprobsWire)))
        }
        if let finish = update.finish {
            let leftover = textShown ? nil : logprobsWire
            events.append(
                try chunk(
                    ChatCompletionChunkWire.Choice(
                        index: update.index, delta: .init(), finishReason: finish.wireValue, logprobs: leftover)))
        }
        return events
    }

    /// The closing usage chunk (`choices: []`), sent when `stream_options.include_usage` is set.
    func usageEvent(_ usage: UsageWire) throws(APIError) -> ByteBuffer {
        try ServerSentEvents.event(
            ChatCompletionChunkWire(id: id, created: Self.now, model: model, choices: [], usage: usage))
    }

    private func chunk(_ choice: ChatCompletionChunkWire.Choice) throws(APIError) -> ByteBuffer {
        try ServerSentEvents.event(
            ChatCompletionChunkWire(id: id, created: Self.now, model: model, choices: [choice], usage: nil))
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }
}
