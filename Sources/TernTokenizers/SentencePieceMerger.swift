/// The vocabulary side of SentencePiece merging: token texts, their scores and the token of
/// each raw byte.
struct SentencePieceModel: Sendable {
    /// Token texts in id order (whitespace spelled "▁").
    let texts: ByteStringTable
    /// Score of each token; the pair whose merged text scores highest is merged first.
    let scores: [Float]
    /// The token of each byte value for byte fallback: `<0xAB>`, else the one-byte text, else
    /// the unknown token; -1 when there is none of these.
    let byteTokens: [Int32]

    init(texts: ByteStringTable, scores: [Float], unknown: Int32?) {
        self.texts = texts
        self.scores = scores
        let hex = Array("0123456789ABCDEF".utf8)
        byteTokens = (0...255).map { value -> Int32 in
            let byte = UInt8(value)
            let spelled = [
                UInt8(ascii: "<"), UInt8(ascii: "0"), UInt8(ascii: "x"), hex[value >> 4], hex[value & 15],
                UInt8(ascii: ">"),
            ]
            // llama.cpp aborts when neither spelling exists; the unknown token is the gentler answer.
            return texts.find(spelled) ?? texts.find([byte]) ?? unknown ?? -1
        }
    }

    /// The token whose text is exactly `bytes`, if any.
    @inline(__always)
    func token(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let id = texts.find(bytes), Int(id) < scores.count else { return nil }
        return id
    }
}

/// Splits escaped text into tokens as llama.cpp's `llm_tokenizer_spm_session`: one symbol per
/// UTF-8 character, then the adjacent pair whose joined text is the best-scoring token is merged,
/// again and again, until no pair forms a token; symbols left without a token fall back to bytes.
///
/// A symbol is always a contiguous run of the input, so joining two is a change of length and
/// the joined text is looked up in place; nothing is copied. Its scratch buffers are kept between
/// calls, so one merger serves a whole prompt.
struct SentencePieceMerger {
    private struct Symbol {
        var start: Int32
        /// Bytes covered; 0 once merged into the symbol on its left.
        var length: Int32
        var previous: Int32
        var next: Int32
        /// The token spelled by a merged symbol (-1 while it is a single character).
        var token: Int32
    }

    private var symbols: [Symbol] = []
    private var queue = ScoredBigramQueue()

    /// Appends the tokens of `text` (whitespace already escaped) to `output`.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, model: SentencePieceModel, into output: inout [Int32]) {
        guard !text.isEmpty else { return }
        splitCharacters(text)
        queue.removeAll()
        for index in 1..<symbols.count {
            considerPair(Int32(index - 1), Int32(index), text: text, model: model)
        }

        while let bigram = queue.popBest() {
            let left = Int(bigram.left)
            let right = Int(bigram.right)
            // A pair is stale once either side has been merged elsewhere.
            guard symbols[left].length > 0, symbols[right].length > 0,
                symbols[left].length + symbols[right].length == bigram.length
            else { continue }
            symbols[left].length = bigram.length
            symbols[left].token = bigram.token
            symbols[right].length = 0
            let after = symbols[right].next
            symbols[left].next = after
            if after >= 0 { symbols[Int(after)].previous = bigram.left }
            considerPair(symbols[left].previous, bigram.left, text: text, model: model)
            considerPair(bigram.left, after, text: text, model: model)
        }

        var index: Int32 = 0
        while index >= 0 {
            let symbol = symbols[Int(index)]
            emit(symbol, text: text, model: model, into: &output)
            index = symbol.next
        }
    }

    /// One symbol per UTF-8 character, its length read from the lead byte as llama.cpp reads it
    /// (a stray continuation byte stands alone).
    private mutating func splitCharacters(_ text: UnsafeBufferPointer<UInt8>) {
        symbols.removeAll(keepingCapacity: true)
        let count = text.count
        var offset = 0
        while offset < count {
            let lead = text[offset]
            let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
            let length = min(width, count - offset)
            let index = Int32(symbols.count)
            offset += length
            symbols.append(
                Symbol(
                    start: Int32(offset - length), length: Int32(length), previous: index - 1,
                    next: offset == count ? -1 : index + 1, token: -1))
        }
    }

    /// Queues the merge of two neighbours when their joined text is a token.
    private mutating func considerPair(
        _ left: Int32, _ right: Int32, text: UnsafeBufferPointer<UInt8>, model: SentencePieceModel
    ) {
        guard left >= 0, right >= 0 else { return }
        let start = Int(symbols[Int(left)].start)
        let length = symbols[Int(left)].length + symbols[Int(right)].length
        let joined = UnsafeBufferPointer(rebasing: text[start..<(start + Int(length))])
        guard let token = model.token(joined) else { return }
        queue.push(
            ScoredBigram(score: model.scores[Int(token)], left: left, right: right, length: length, token: token))
    }

    /// The token of a final symbol, or its bytes' tokens when it spells none.
    private func emit(
        _ symbol: Symbol, text: UnsafeBufferPointer<UInt8>, model: SentencePieceModel, into output: inout [Int32]
    ) {
        if symbol.token >= 0 {
            output.append(symbol.token)
            return
        }
        let start = Int(symbol.start)
        let bytes = UnsafeBufferPointer(rebasing: text[start..<(start + Int(symbol.length))])
        if let token = model.token(bytes) {
            output.append(token)
            return
        }
        for byte in bytes {
            let token = model.byteTokens[Int(byte)]
            if token >= 0 { output.append(token) }
        }
    }
}
