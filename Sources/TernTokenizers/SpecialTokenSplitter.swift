/// A piece of the input after special tokens have been cut out of it.
enum TextFragment: Equatable {
    /// A special token found in the text.
    case token(Int32)
    /// Byte range of ordinary text, to pre-tokenize and merge.
    case text(Range<Int>)
}

/// Cuts the texts of special tokens out of the input before pre-tokenization, as llama.cpp's
/// `tokenizer_st_partition`: tokens are tried longest first, each one splitting every text
/// fragment left by the longer ones at all its occurrences, left to right.
struct SpecialTokenSplitter: Sendable {
    private struct Candidate: Sendable {
        var id: Int32
        var bytes: [UInt8]
        /// Control and unknown tokens are matched only when special tokens are parsed;
        /// user-defined ones always are.
        var needsParseSpecial: Bool
        /// Whitespace before (after) a match is dropped from the text around it.
        var stripsLeft: Bool
        var stripsRight: Bool
    }

    private let candidates: [Candidate]
    /// Which candidates occur in a text at all, so that only those are searched for.
    private let index: OccurrenceIndex

    /// - Parameters:
    ///   - texts: token texts in id order.
    ///   - attributes: token attributes in id order.
    init(texts: ByteStringTable, attributes: [TokenAttributes]) {
        var candidates: [Candidate] = []
        for (index, attribute) in attributes.enumerated() where !attribute.isDisjoint(with: .matchedInText) {
            let id = Int32(index)
            guard texts.keyLength(id) > 0 else { continue }
            candidates.append(
                Candidate(
                    id: id, bytes: Array(texts.key(id)),
                    needsParseSpecial: !attribute.isDisjoint(with: .hiddenWhenSkipping),
                    stripsLeft: attribute.contains(.leftStrip), stripsRight: attribute.contains(.rightStrip)))
        }
        // Longest first; equal lengths in id order (llama.cpp's sort leaves their order open).
        candidates.sort { ($0.bytes.count, $1.id) > ($1.bytes.count, $0.id) }
        self.candidates = candidates
        self.index = OccurrenceIndex(candidates.map(\.bytes))
    }

    /// Splits `text` into special tokens and the ordinary text between them.
    func split(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [TextFragment] {
        guard !text.isEmpty else { return [] }
        var fragments: [TextFragment] = [.text(0..<text.count)]
        // Candidates that occur nowhere in the text cannot split it; the rest go in priority order.
        for candidateIndex in index.occurring(in: text) {
            let candidate = candidates[candidateIndex]
            guard parseSpecial || !candidate.needsParseSpecial, let first = candidate.bytes.first else { continue }
            var result: [TextFragment] = []
            result.reserveCapacity(fragments.count + 2)
            for fragment in fragments {
                guard case .text(var range) = fragment else {
                    result.append(fragment)
                    continue
                }
                while let match = Self.find(candidate.bytes, first, in: text, range) {
                    var leftEnd = match
                    if candidate.stripsLeft {
                        while leftEnd > range.lowerBound && Self.isSpace(text[leftEnd - 1]) { leftEnd -= 1 }
                    }
                    if leftEnd > range.lowerBound { result.append(.text(range.lowerBound..<leftEnd)) }
                    result.append(.token(candidate.id))
                    var rightStart = match + candidate.bytes.count
                    if candidate.stripsRight {
                        while rightStart < range.upperBound && Self.isSpace(text[rightStart]) { rightStart += 1 }
                    }
                    range = rightStart..<range.upperBound
                }
                if !range.isEmpty { result.append(.text(range)) }
            }
            fragments = result
        }
        return fragments
    }

    /// C's `isspace` in the "C" locale: space, tab, newline, vertical tab, form feed, carriage return.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// First occurrence of `needle` inside `range` of `text`.
    private static func find(
        _ needle: [UInt8], _ first: UInt8, in text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>
    ) -> Int? {
        let length = needle.count
        guard range.count >= length else { return nil }
        return needle.withUnsafeBufferPointer { pattern in
            var index = range.lowerBound
            let last = range.upperBound - length
            while index <= last {
                if text[index] == first {
                    var offset = 1
                    while offset < length && text[index + offset] == pattern[offset] { offset += 1 }
                    if offset == length { return index }
                }
                index += 1
            }
            return nil
        }
    }
}
