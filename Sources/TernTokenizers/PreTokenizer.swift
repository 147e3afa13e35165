/// Splits text into the words that BPE merges within, using the regex list of one
/// `PreTokenizerKind` as llama.cpp's `unicode_regex_split` applies it.
struct PreTokenizer: Sendable {
    let kind: PreTokenizerKind
    /// The regexes of the kind, in the order llama.cpp applies them.
    let passes: [SplitPass]

    init(_ kind: PreTokenizerKind) {
        self.kind = kind
        self.passes = Self.passes(of: kind)
    }

    private static func passes(of kind: PreTokenizerKind) -> [SplitPass] {
        switch kind {
        case .llamaDefault:
            return [.runs(.punctuationAndDefaultSymbols), .gpt2, .runs(.number), .asciiDigitTriples]
        case .gpt2:
            return [.gpt2]
        case .llama3:
            return [.llama3(maxDigits: 3)]
        case .qwen2:
            return [.llama3(maxDigits: 1)]
        case .starcoder:
            return [.isolate(.number), .gpt2]
        case .falcon:
            return [.runs(.punctuationAndFalconSymbols), .gpt2, .asciiDigitTriples]
        case .deepseekCoder:
            return [
                .isolate(.newline), .optionalWhitespaceThenRun(.letter),
                .optionalWhitespaceThenRun(.punctuation), .runs(.deepseekCJK), .isolate(.number),
            ]
        case .bloom:
            return [.optionalSpaceThenRun(.bloomWordCharacter)]
        }
    }

    /// Word ends (exclusive scalar indices, ascending, the last one `text.scalars.count`).
    func wordEnds(_ text: ScalarView) -> [Int32] {
        let count = text.scalars.count
        guard count > 0 else { return [] }
        var pieces: [Int32] = [Int32(count)]
        for pass in passes {
            var words = WordBoundaries()
            words.ends.reserveCapacity(max(pieces.count, count / 3))
            var start = 0
            for end in pieces {
                pass.split(text, start, Int(end), into: &words)
                start = Int(end)
            }
            pieces = words.ends
        }
        return pieces
    }

    /// The words of a string, for tests and diagnostics.
    func words(_ string: String) -> [String] {
        let scalars = string.unicodeScalars.map(\.value)
        let flags = scalars.map(CodepointFlags.of)
        let ends = scalars.withUnsafeBufferPointer { scalarBuffer in
            flags.withUnsafeBufferPointer { flagBuffer in
                wordEnds(ScalarView(scalars: scalarBuffer, flags: flagBuffer))
            }
        }
        var result: [String] = []
        var start = 0
        for end in ends.map(Int.init) {
            var word = String.UnicodeScalarView()
            for value in scalars[start..<end] {
                if let scalar = Unicode.Scalar(value) { word.append(scalar) }
            }
            result.append(String(word))
            start = end
        }
        return result
    }
}
