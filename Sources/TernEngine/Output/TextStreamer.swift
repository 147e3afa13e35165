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
public struct TextStreamer {
    private var detokenizer: StreamingDetokenizer
    private let stops: [[UInt8]]
    private let minTokens: Int
    private var pending: [UInt8] = []
    private var pendingTokens: [TokenChoice] = []
    private var seen = 0
    /// Whether a stop string ended the output.
    public private(set) var stopped = false

    /// - Parameters:
    ///   - stopStrings: strings that end the output (excluded from it); empty strings are ignored.
    ///   - minTokens: stop strings are not checked before this many tokens (like vLLM).
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
        guard !stops.isEmpty, seen >= minTokens else { return release(count: pending.count) }
        if let match = earliestStop() {
            stopped = true
            return release(count: match)
        }
        let held = heldSuffixLength()
        if held == 0 { return release(count: pending.count) }
        var delta = TextDelta(text: String(decoding: pending[..<(pending.count - held)], as: UTF8.self))
        pending.removeFirst(pending.count - held)
        delta.tokens = []
        return delta
    }

    /// Ends the output (end of generation or length): everything held back is released.
    public mutating func finish() -> TextDelta {
        guard !stopped else { return TextDelta() }
        pending += Array(detokenizer.finish().utf8)
        return release(count: pending.count)
    }

    private mutating func release(count: Int) -> TextDelta {
        let delta = TextDelta(text: String(decoding: pending[..<count], as: UTF8.self), tokens: pendingTokens)
        pending.removeAll(keepingCapacity: true)
        pendingTokens.removeAll(keepingCapacity: true)
        return delta
    }

    /// Byte offset in `pending` where the earliest complete stop string starts.
    private func earliestStop() -> Int? {
        var best: Int?
        for stop in stops where stop.count <= pending.count {
            var start = 0
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
