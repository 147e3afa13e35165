/// The bytes each token decodes to, computed once at load (llama.cpp's token-to-piece cache)
/// and stored in one flat buffer.
struct TokenPieces: Sendable {
    private let bytes: [UInt8]
    /// Where each token's piece starts in `bytes`; one extra element marks the end of the last.
    private let starts: [Int32]
    /// Tokens whose piece is hidden when special tokens are skipped.
    private let hidden: [Bool]

    /// Byte-level BPE pieces, as llama.cpp's `token_to_piece` for a BPE vocabulary:
    /// control, unknown and user-defined tokens decode to their text; normal tokens are mapped
    /// back through the byte alphabet; `<0xAB>` byte tokens give their byte; others give nothing.
    init(byteLevelTexts texts: ByteStringTable, attributes: [TokenAttributes]) {
        self.init(texts: texts, attributes: attributes, decodeNormal: Self.appendByteLevelDecoding)
    }

    /// SentencePiece pieces, as llama.cpp's `token_to_piece` for an SPM vocabulary: as for
    /// byte-level BPE, except that normal tokens are their text with each "▁" turned back into
    /// a space.
    init(sentencePieceTexts texts: ByteStringTable, attributes: [TokenAttributes]) {
        self.init(texts: texts, attributes: attributes, decodeNormal: Self.appendUnescapingWhitespace)
    }

    private init(
        texts: ByteStringTable, attributes: [TokenAttributes],
        decodeNormal: (ArraySlice<UInt8>, inout [UInt8]) -> Void
    ) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(texts.count * 6)
        var starts: [Int32] = [0]
        starts.reserveCapacity(attributes.count + 1)
        for (index, attribute) in attributes.enumerated() {
            let text = texts.key(Int32(index))
            if !attribute.isDisjoint(with: [.unknown, .control, .userDefined]) {
                bytes.append(contentsOf: text)
            } else if attribute.contains(.normal) {
                decodeNormal(text, &bytes)
            } else if attribute.contains(.byte) {
                bytes.append(Self.byteTokenValue(text))
            }
            starts.append(Int32(bytes.count))
        }
        self.bytes = bytes
        self.starts = starts
        self.hidden = attributes.map { !$0.isDisjoint(with: .hiddenWhenSkipping) }
    }

    var count: Int { hidden.count }

    /// The bytes of token `id`; empty for ids out of range and, when `skipSpecial`, for control
    /// and unknown tokens.
    func piece(_ id: Int32, skipSpecial: Bool) -> ArraySlice<UInt8> {
        guard id >= 0, Int(id) < hidden.count, !(skipSpecial && hidden[Int(id)]) else { return [] }
        return bytes[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])]
    }

    /// Maps each character of a byte-level spelling back to its byte. A character outside the
    /// alphabet is written as llama.cpp writes it: `[UNK_BYTE_0x<its UTF-8 in hex><token text>]`.
    private static func appendByteLevelDecoding(of text: ArraySlice<UInt8>, to bytes: inout [UInt8]) {
        let scalars = String(decoding: text, as: UTF8.self).unicodeScalars
        for scalar in scalars {
            if let byte = ByteLevelAlphabet.byte(for: scalar.value) {
                bytes.append(byte)
                continue
            }
            var marker = "[UNK_BYTE_0x"
            for unit in String(Character(scalar)).utf8 {
                marker += String(unit, radix: 16).leftPadded(to: 2)
            }
            bytes.append(contentsOf: marker.utf8)
            bytes.append(contentsOf: text)
            bytes.append(UInt8(ascii: "]"))
        }
    }

    /// Copies a SentencePiece spelling with each "▁" (E2 96 81) turned into a space.
    private static func appendUnescapingWhitespace(of text: ArraySlice<UInt8>, to bytes: inout [UInt8]) {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == 0xE2 && index + 2 < text.endIndex && text[index + 1] == 0x96 && text[index + 2] == 0x81 {
                bytes.append(UInt8(ascii: " "))
                index += 3
            } else {
                bytes.append(text[index])
                index += 1
            }
        }
    }

    /// The byte of a `<0xAB>` token, read as llama.cpp reads it with `strtol` on the two
    /// characters after "<0x": the leading hex digits count, and none at all gives 0.
    static func byteTokenValue(_ text: ArraySlice<UInt8>) -> UInt8 {
        var value: UInt8 = 0
        for character in text.dropFirst(3).prefix(2) {
            guard let digit = hexDigitValue(character) else { break }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexDigitValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
