/// Which tokens of a vocabulary are allowed at one step: a bitset with one bit per token id.
public struct TokenMask: Sendable, Equatable {
    /// The vocabulary size the mask covers.
    public private(set) var count: Int
    var words: [UInt64]

    /// A mask over `count` tokens with nothing allowed.
    public init(count: Int) {
        self.count = max(0, count)
        words = [UInt64](repeating: 0, count: (self.count + 63) / 64)
    }

    /// Whether `token` is allowed.
    public func contains(_ token: Int32) -> Bool {
        guard token >= 0, Int(token) < count else { return false }
        return words[Int(token) >> 6] & (1 << UInt64(token & 63)) != 0
    }

    /// How many tokens are allowed.
    public var allowedCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The allowed token ids in increasing order.
    public var allowedTokens: [Int32] {
        var result: [Int32] = []
        for (index, word) in words.enumerated() {
            var rest = word
            while rest != 0 {
                result.append(Int32(index * 64 + rest.trailingZeroBitCount))
                rest &= rest - 1
            }
        }
        return result
    }

    /// Sets the logit of every disallowed token to -infinity (also logits beyond `count`, which
    /// padded output layers have).
    public func apply(to logits: UnsafeMutableBufferPointer<Float>) {
        let limit = min(count, logits.count)
        var index = 0
        for word in words where index < limit {
            if word == .max, index + 64 <= limit {
                index += 64
                continue
            }
            let end = min(index + 64, limit)
            var bit = 0
            while index < end {
                if word & (1 << UInt64(bit)) == 0 { logits[index] = -.infinity }
                index += 1
                bit += 1
            }
        }
        while index < logits.count {
            logits[index] = -.infinity
            index += 1
        }
    }

    mutating func insert(_ token: Int32) {
        guard token >= 0, Int(token) < count else { return }
        words[Int(token) >> 6] |= 1 << UInt64(token & 63)
    }

    /// Disallows everything and resizes to `count` tokens.
    mutating func reset(count: Int) {
        if count != self.count || words.count != (count + 63) / 64 {
            self = TokenMask(count: count)
        } else {
            for i in words.indices { words[i] = 0 }
        }
    }
}
