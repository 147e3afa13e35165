import TernTokenizers

/// A small tokenizer for server tests: a fixed list of pieces, special tokens, and one token per
/// byte as fallback. Pieces 9 and 10 are the two halves of "é" (0xC3 0xA9), so a character is split
/// across tokens.
struct FakeTokenizer: Tokenizer {
    static let bos: Int32 = 0
    static let eos: Int32 = 1
    static let imStart: Int32 = 2
    static let imEnd: Int32 = 3
    static let hello: Int32 = 4
    static let world: Int32 = 5
    static let bang: Int32 = 6
    static let stopWord: Int32 = 7
    static let there: Int32 = 8
    static let eAcuteHead: Int32 = 9
    static let eAcuteTail: Int32 = 10
    static let newline: Int32 = 11
    static let byteBase: Int32 = 100

    /// Raw bytes of every non-byte piece, by id.
    static let pieces: [[UInt8]] = [
        Array("<s>".utf8), Array("</s>".utf8), Array("<|im_start|>".utf8), Array("<|im_end|>".utf8),
        Array("Hello".utf8), Array(" world".utf8), Array("!".utf8), Array(" STOP".utf8), Array(" there".utf8),
        [0xC3], [0xA9], Array("\n".utf8),
    ]
    static let special: Set<Int32> = [bos, eos, imStart, imEnd]

    var addsBOS = true
    var addsEOS: Bool { false }
    var vocabularySize: Int { Int(Self.byteBase) + 256 }
    var bosTokenID: Int32? { Self.bos }
    var eosTokenID: Int32? { Self.eos }
    var endOfGenerationTokenIDs: Set<Int32> { [Self.eos, Self.imEnd] }

    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32] {
        var bytes = Array(text.utf8)[...]
        var ids: [Int32] = addSpecial && addsBOS ? [Self.bos] : []
        while !bytes.isEmpty {
            // Longest piece first; special pieces only when parsing special tokens.
            var best: (id: Int32, length: Int)?
            for (index, piece) in Self.pieces.enumerated() where piece.count > 1 || !(9...10).contains(index) {
                let id = Int32(index)
                if Self.special.contains(id) && !parseSpecial { continue }
                if bytes.starts(with: piece), piece.count > (best?.length ?? 0) {
                    best = (id, piece.count)
                }
            }
            if let best {
                ids.append(best.id)
                bytes.removeFirst(best.length)
            } else {
                ids.append(Self.byteBase + Int32(bytes.removeFirst()))
            }
        }
        return ids
    }

    func pieceBytes(_ id: Int32, skipSpecial: Bool) -> [UInt8] {
        if skipSpecial && Self.special.contains(id) { return [] }
        if id >= 0 && id < Int32(Self.pieces.count) { return Self.pieces[Int(id)] }
        if id >= Self.byteBase && id < Self.byteBase + 256 { return [UInt8(id - Self.byteBase)] }
        return []
    }

    func tokenText(_ id: Int32) -> String {
        String(decoding: pieceBytes(id, skipSpecial: false), as: UTF8.self)
    }

    func tokenID(for text: String) -> Int32? {
        Self.pieces.firstIndex(of: Array(text.utf8)).map(Int32.init)
    }

    func isSpecial(_ id: Int32) -> Bool { Self.special.contains(id) }
}
