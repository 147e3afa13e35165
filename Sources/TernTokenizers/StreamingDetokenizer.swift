/// Turns generated token ids into text as they arrive, never emitting part of a character.
///
/// A token can end in the middle of a multi-byte UTF-8 character (an emoji is often three
/// tokens). `append` returns the text that is complete so far and holds back a trailing
/// sequence that may still be completed; bytes that can never form a character are emitted as
/// U+FFFD right away.
public struct StreamingDetokenizer: Sendable {
    private let tokenizer: any Tokenizer
    private let skipSpecial: Bool
    private var pending: [UInt8] = []

    /// - Parameters:
    ///   - tokenizer: the tokenizer whose pieces are concatenated.
    ///   - skipSpecial: leave out control and unknown tokens.
    public init(tokenizer: any Tokenizer, skipSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecial = skipSpecial
    }

    /// Adds a token and returns the text it completes (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        pending.append(contentsOf: tokenizer.pieceBytes(id, skipSpecial: skipSpecial))
        let complete = Self.completeLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns whatever is held back, an unfinished character becoming U+FFFD, and resets.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Bytes held back because they may start a character that later tokens complete.
    public var pendingByteCount: Int { pending.count }

    /// Length of the prefix of `bytes` that does not end inside a character that could still
    /// be completed.
    static func completeLength(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        // The last lead byte can be at most three bytes back in an unfinished character.
        var lead = count - 1
        while lead >= 0 && lead >= count - 4 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0 && lead >= count - 4 && bytes[lead] & 0xC0 != 0x80 else { return count }
        let needed = sequenceLength(lead: bytes[lead])
        let have = count - lead
        guard needed > have else { return count }
        // Hold back only a prefix some continuation could still make valid.
        if have >= 2 && !isValidSecondByte(bytes[lead + 1], lead: bytes[lead]) { return count }
        return lead
    }

    /// Bytes in a UTF-8 sequence starting with `lead`; 1 for bytes that cannot start one.
    private static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 1
        }
    }

    /// The second-byte ranges that rule out overlong forms, surrogates and values past U+10FFFF.
    private static func isValidSecondByte(_ byte: UInt8, lead: UInt8) -> Bool {
        switch lead {
        case 0xE0: return (0xA0...0xBF).contains(byte)
        case 0xED: return (0x80...0x9F).contains(byte)
        case 0xF0: return (0x90...0xBF).contains(byte)
        case 0xF4: return (0x80...0x8F).contains(byte)
        default: return (0x80...0xBF).contains(byte)
        }
    }
}
