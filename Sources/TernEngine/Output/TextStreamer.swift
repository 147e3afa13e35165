import TernSampling
import TernTokenizers

/// A piece of output text and the tokens it was made from.
public struct TextDelta: Sendable, Equatable {
    public var text: String
    public var tokens: [TokenChoice]

    public init(text: String = "", tokens: [TokenChoice] = []) {
        self.text = text
        self.tokens = tokens
    }

    public var isEmpty: Bool { text.isEmpty && tokens.isEmpty }
}

/// Turns generated tokens into text deltas that never split a UTF-8 character and never show any
/// part of a stop string: text that could be the start of a stop string is held back until it
/// either completes the stop string (then it is dropped and generation stops) or cannot anymore.
///
/// With `minTokens`, a stop string counts only if it ends in the text of token `minTokens` or a
/// later one. Before that, text that could begin a stop string is held back all the same, so a
/// stop string that starts before that token and ends in it is caught and never shown.
///
/// A delta carries the tokens whose text it completes; tokens whose text is still held back come
/// with a later delta.
public struct TextStreamer {
    private var detokenizer: StreamingDetokenizer
    private let stops: [[UInt8]]
    private let minTokens: Int
    private var pending: [UInt8] = []
    private var pendingTokens: [TokenChoice] = []
    /// For each pending token, the length of `pending` once its text was added.
    private var pendingEnds: [Int] = []
    /// Leading bytes of `pending` that came before token `minTokens`: no stop string may end in them.
    private var early = 0
    private var seen = 0
    /// Whether a stop string ended the output.
    public private(set) var stopped = false

    /// - Parameters:
    ///   - stopStrings: strings that end the output (excluded from it); empty strings are ignored.
    ///   - minTokens: stop strings ending before this many tokens do not count (like vLLM).
    public init(tokenizer: any Tokenizer, stopStrings: [String], minTokens: Int = 0) {
        detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        stops = stopStrings.filter { !$0.isEmpty }.map { Array($0.utf8) }
        self.minTokens = minTokens
    }

    /// Adds a generated token; returns the text that is now safe to show (maybe empty).
    public mutating func push(_ choice: TokenChoice) -> TextDelta {
        guard !stopped else { return TextDelta() }
        seen += 1
        pending += Array(detokenizer.append(choice.token).utf8)
        pendingTokens.append(choice)
        pendingEnds.append(pending.count)
        guard !stops.isEmpty else { return show(pending.count) }
        if seen < minTokens {
            // Too early for a stop string to end, but one may already have begun.
            early = pending.count
        } else if let match = earliestStop() {
            stopped = true
            let delta = show(match)
            let tokens = delta.tokens + pendingTokens
            pending.removeAll()
            pendingTokens.removeAll()
            pendingEnds.removeAll()
            return TextDelta(text: delta.text, tokens: tokens)
        }
        return show(pending.count - heldSuffixLength())
    }

    /// Ends the output (end of generation or length): everything held back is released.
    public mutating func finish() -> TextDelta {
        guard !stopped else { return TextDelta() }
        pending += Array(detokenizer.finish().utf8)
        let delta = show(pending.count)
        // Tokens that added no text at all still belong to the output.
        let tokens = delta.tokens + pendingTokens
        pendingTokens.removeAll()
        pendingEnds.removeAll()
        return TextDelta(text: delta.text, tokens: tokens)
    }

    /// Shows the first `count` bytes of `pending` (fewer if that would split a character) with the
    /// tokens whose text they complete; the rest stays pending.
    private mutating func show(_ count: Int) -> TextDelta {
        var split = min(max(0, count), pending.count)
        while split > 0, split < pending.count, pending[split] & 0xC0 == 0x80 { split -= 1 }
        guard split > 0 else { return TextDelta() }
        let tokenCount = pendingEnds.prefix { $0 <= split }.count
        let delta = TextDelta(
            text: String(decoding: pending[..<split], as: UTF8.self), tokens: Array(pendingTokens[..<tokenCount]))
        pending.removeFirst(split)
        pendingTokens.removeFirst(tokenCount)
        pendingEnds.removeFirst(tokenCount)
        for index in pendingEnds.indices { pendingEnds[index] -= split }
        early = max(0, early - split)
        return delta
    }

    /// Byte offset in `pending` where the earliest complete stop string that ends after the early
    /// bytes starts.
    private func earliestStop() -> Int? {
        var best: Int?
        for stop in stops where stop.count <= pending.count {
            var start = max(0, early - stop.count + 1)
            while start + stop.count <= pending.count, best == nil || start < best! {
                if pending[start] == stop[0] && pending[start..<(start + stop.count)].elementsEqual(stop) {
                    best = start
                    break
                }
                start += 1
            }
        }
        return best
    }

    /// Length of the longest suffix of `pending` that is a proper prefix of a stop string.
    private func heldSuffixLength() -> Int {
        var longest = 0
        for stop in stops {
            var length = min(stop.count - 1, pending.count)
            while length > longest {
                if pending[(pending.count - length)...].elementsEqual(stop[..<length]) {
                    longest = length
                    break
                }
                length -= 1
            }
        }
        return longest
    }
}
