/// The merge rules of a byte-level BPE vocabulary, keyed by symbol ids instead of strings.
///
/// Every string BPE can produce is interned once: ids below `vocabularySize` are the tokens
/// themselves, higher ids are strings that appear in merges or the byte alphabet but not in the
/// vocabulary. Merging then compares and hashes integers only.
struct BPEMerges: Sendable {
    /// Symbol texts (byte-level spelling); the first `vocabularySize` ids are the tokens.
    private(set) var symbols: ByteStringTable
    let vocabularySize: Int
    /// (left << 32 | right) → (rank << 32 | merged symbol).
    private var pairs: [UInt64: UInt64]
    /// The symbol each raw byte starts as.
    let byteSymbols: [Int32]
    /// The token whose text is exactly one byte, per byte, or -1.
    let singleByteTokens: [Int32]

    /// - Parameters:
    ///   - tokens: the vocabulary's texts, interned in id order (`tokens.count == vocabularySize`).
    ///   - merges: "left right" rules, best first; a rule seen twice keeps its first rank.
    init(tokens: ByteStringTable, merges: [String]) {
        var symbols = tokens
        vocabularySize = tokens.count

        var singleByteTokens = [Int32](repeating: -1, count: 256)
        var byteSymbols = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            if let id = symbols.find([UInt8(byte)]) { singleByteTokens[byte] = id }
            byteSymbols[byte] = symbols.insert(ByteLevelAlphabet.utf8ForByte[byte]).id
        }

        var pairs: [UInt64: UInt64] = [:]
        pairs.reserveCapacity(merges.count)
        var joined: [UInt8] = []
        for (rank, merge) in merges.enumerated() {
            var rule = merge
            rule.withUTF8 { bytes in
                // llama.cpp splits at the first space after the first byte.
                guard bytes.count > 1, let space = bytes[1...].firstIndex(of: 0x20) else { return }
                let left = UnsafeBufferPointer(rebasing: bytes[..<space])
                let right = UnsafeBufferPointer(rebasing: bytes[(space + 1)...])
                guard !right.isEmpty else { return }
                let leftID = symbols.insert(left).id
                let rightID = symbols.insert(right).id
                let key = UInt64(UInt32(leftID)) << 32 | UInt64(UInt32(rightID))
                guard pairs[key] == nil else { return }
                joined.removeAll(keepingCapacity: true)
                joined.append(contentsOf: left)
                joined.append(contentsOf: right)
                let mergedID = symbols.insert(joined).id
                pairs[key] = UInt64(UInt32(rank)) << 32 | UInt64(UInt32(mergedID))
            }
        }

        self.symbols = symbols
        self.pairs = pairs
        self.byteSymbols = byteSymbols
        self.singleByteTokens = singleByteTokens
    }

    /// The rank and result of merging two adjacent symbols, if a rule exists.
    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> (rank: Int32, merged: Int32)? {
        guard let value = pairs[UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))] else { return nil }
        return (Int32(truncatingIfNeeded: value >> 32), Int32(truncatingIfNeeded: value))
    }

    /// Appends the tokens of a finished symbol: itself when it is a token, else the single-byte
    /// tokens of its spelling (llama.cpp's fallback, which drops bytes that have none).
    @inline(__always)
    func appendTokens(of symbol: Int32, to output: inout [Int32]) {
        if Int(symbol) < vocabularySize {
            output.append(symbol)
            return
        }
        for byte in symbols.key(symbol) {
            let token = singleByteTokens[Int(byte)]
            if token >= 0 { output.append(token) }
        }
    }
}
