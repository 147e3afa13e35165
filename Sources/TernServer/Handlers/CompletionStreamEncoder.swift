import Hummingbird
import TernTokenizers

/// Turns choice updates into streaming `text_completion` events: text chunks (with the token id
/// when the text came from exactly one token), then per choice a chunk with empty text and the
/// `finish_reason`.
struct CompletionStreamEncoder: StreamEncoder {
    let id: String
    let model: String
    let tokenizer: any Tokenizer
    let logprobs: Bool
    /// Characters of text each choice has sent, for `logprobs.text_offset`.
    private var offsets: [Int: Int] = [:]

    init(id: String, model: String, tokenizer: any Tokenizer, logprobs: Bool) {
        self.id = id
        self.model = model
        self.tokenizer = tokenizer
        self.logprobs = logprobs
    }

    /// The echoed prompt of choice `index`, sent before its generated text.
    mutating func echoEvent(index: Int, text: String) throws(APIError) -> ByteBuffer {
        offsets[index, default: 0] += text.count
        return try chunk(CompletionChunkWire.Choice(index: index, text: text))
    }

    /// The events for one update (none when it carries nothing to show).
    mutating func events(for update: ChoiceUpdate) throws(APIError) -> [ByteBuffer] {
        var events: [ByteBuffer] = []
        var logprobsWire: CompletionLogprobsWire?
        if logprobs && !update.tokens.isEmpty {
            let (wire, next) = CompletionLogprobsWire.make(
                tokens: update.tokens, tokenizer: tokenizer, startingAt: offsets[update.index, default: 0])
            logprobsWire = wire
            offsets[update.index] = next
        }
        if !update.text.isEmpty {
            let token = update.tokens.count == 1 ? Int(update.tokens[0].token) : nil
            events.append(
                try chunk(
                    CompletionChunkWire.Choice(
                        index: update.index, text: update.text, token: token, logprobs: logprobsWire)))
            logprobsWire = nil
        }
        if let finish = update.finish {
            events.append(
                try chunk(
                    CompletionChunkWire.Choice(
                        index: update.index, text: "", finishReason: finish.wireValue, logprobs: logprobsWire)))
        }
        return events
    }

    /// The closing usage chunk (`choices: []`).
    func usageEvent(_ usage: UsageWire) throws(APIError) -> ByteBuffer {
        try ServerSentEvents.event(
            CompletionChunkWire(id: id, created: ChatStreamEncoder.now, model: model, choices: [], usage: usage))
    }

    private func chunk(_ choice: CompletionChunkWire.Choice) throws(APIError) -> ByteBuffer {
        try ServerSentEvents.event(
            CompletionChunkWire(id: id, created: ChatStreamEncoder.now, model: model, choices: [choice], usage: nil))
    }
}
