import TernSampling
import TernTokenizers

/// Chat `logprobs`: `{content: [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}]}`.
struct ChatLogprobsWire: Encodable, Equatable {
    struct Entry: Encodable, Equatable {
        var token: String
        var logprob: Double
        var bytes: [Int]
        var topLogprobs: [Alternative]

        enum CodingKeys: String, CodingKey {
            case token, logprob, bytes
            case topLogprobs = "top_logprobs"
        }
    }

    struct Alternative: Encodable, Equatable {
        var token: String
        var logprob: Double
        var bytes: [Int]
    }

    var content: [Entry]

    init(tokens: [TokenChoice], tokenizer: any Tokenizer) {
        content = tokens.map { choice in
            let piece = tokenizer.pieceBytes(choice.token)
            return Entry(
                token: String(decoding: piece, as: UTF8.self), logprob: wireLogprob(choice.logprob),
                bytes: piece.map(Int.init),
                topLogprobs: choice.topLogprobs.map { alternative in
                    let bytes = tokenizer.pieceBytes(alternative.token)
                    return Alternative(
                        token: String(decoding: bytes, as: UTF8.self), logprob: wireLogprob(alternative.logprob),
                        bytes: bytes.map(Int.init))
                })
        }
    }
}

/// Completions `logprobs`, the legacy OpenAI shape:
/// `{text_offset: [int], token_logprobs: [number], tokens: [string], top_logprobs: [{token: logprob}]}`.
struct CompletionLogprobsWire: Encodable, Equatable {
    var textOffset: [Int] = []
    var tokenLogprobs: [Double] = []
    var tokens: [String] = []
    var topLogprobs: [[String: Double]] = []

    enum CodingKeys: String, CodingKey {
        case textOffset = "text_offset"
        case tokenLogprobs = "token_logprobs"
        case tokens
        case topLogprobs = "top_logprobs"
    }

    /// - Parameter offset: where the first token's text starts in the choice's text (characters).
    /// - Returns: the logprobs and the offset after the last token.
    static func make(tokens choices: [TokenChoice], tokenizer: any Tokenizer, startingAt offset: Int)
        -> (CompletionLogprobsWire, next: Int)
    {
        var wire = CompletionLogprobsWire()
        var position = offset
        for choice in choices {
            let text = String(decoding: tokenizer.pieceBytes(choice.token), as: UTF8.self)
            wire.textOffset.append(position)
            wire.tokens.append(text)
            wire.tokenLogprobs.append(wireLogprob(choice.logprob))
            var alternatives: [String: Double] = [:]
            for alternative in choice.topLogprobs {
                let key = String(decoding: tokenizer.pieceBytes(alternative.token), as: UTF8.self)
                // Two ids can print the same text; keep the likelier (listed first).
                if alternatives[key] == nil {
                    alternatives[key] = wireLogprob(alternative.logprob)
                }
            }
            wire.topLogprobs.append(alternatives)
            position += text.count
        }
        return (wire, position)
    }
}
