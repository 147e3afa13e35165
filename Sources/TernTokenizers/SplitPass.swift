/// One regex of a llama.cpp pre-tokenizer list, as a hand-written scanner.
///
/// llama.cpp applies the regexes of a list in turn; each one re-splits every piece left by the
/// previous one, keeping both its matches and the text between them as pieces. A piece's ends
/// act as the end of the text for the next regex (so `\s+(?!\S)` sees nothing after a piece).
enum SplitPass {
    /// The GPT-2 regex, matching llama.cpp's `unicode_regex_split_custom_gpt2`.
    case gpt2
    /// The Llama 3 regex (`\p{N}{1,3}`) or, with one digit, the Qwen 2 one (`\p{N}`).
    case llama3(maxDigits: Int)
    /// `X`: every scalar of the class is a piece of its own.
    case isolate(ScalarClass)
    /// `X+`: maximal runs of the class are pieces.
    case runs(ScalarClass)
    /// `\s?X+`
    case optionalWhitespaceThenRun(ScalarClass)
    /// ` ?X+`
    case optionalSpaceThenRun(ScalarClass)
    /// `[0-9][0-9][0-9]`
    case asciiDigitTriples

    /// Splits `lower..<upper` of `text`, appending word ends to `words`.
    func split(_ text: ScalarView, _ lower: Int, _ upper: Int, into words: inout WordBoundaries) {
        words.begin(at: lower)
        switch self {
        case .gpt2:
            Self.splitGPT2(text, lower, upper, &words)
        case .llama3(let maxDigits):
            Self.splitLlama3(text, lower, upper, maxDigits, &words)
        case .isolate(let scalarClass):
            for index in lower..<upper where scalarClass.contains(text.scalar(index), text.flags(index)) {
                words.emit(index)
                words.emit(index + 1)
            }
        case .runs(let scalarClass):
            var index = lower
            while index < upper {
                let inside = scalarClass.contains(text.scalar(index), text.flags(index))
                index += 1
                while index < upper && scalarClass.contains(text.scalar(index), text.flags(index)) == inside {
                    index += 1
                }
                words.emit(index)
            }
        case .optionalWhitespaceThenRun(let scalarClass):
            Self.splitPrefixedRuns(text, lower, upper, scalarClass, &words) { text.flags($0).isWhitespace }
        case .optionalSpaceThenRun(let scalarClass):
            Self.splitPrefixedRuns(text, lower, upper, scalarClass, &words) { text.scalar($0) == 0x20 }
        case .asciiDigitTriples:
            var index = lower
            while index + 3 <= upper {
                if Self.isASCIIDigit(text.scalar(index)) && Self.isASCIIDigit(text.scalar(index + 1))
                    && Self.isASCIIDigit(text.scalar(index + 2))
                {
                    words.emit(index)
                    words.emit(index + 3)
                    index += 3
                } else {
                    index += 1
                }
            }
        }
        words.emit(upper)
    }

    // MARK: - GPT-2

    private static func splitGPT2(_ text: ScalarView, _ lower: Int, _ upper: Int, _ words: inout WordBoundaries) {
        var position = lower
        while position < upper {
            let scalar = text.scalar(position)
            let flags = text.flags(position)

            // 's|'t|'re|'ve|'m|'ll|'d  (case-sensitive)
            if scalar == apostrophe, let length = contractionLength(text, position, upper, caseInsensitive: false) {
                position += length
                words.emit(position)
                continue
            }

            // A leading space belongs to the letters, digits or symbols after it.
            let isSpace = scalar == 0x20
            let nextInPiece = position + 1 < upper
            let classified: CodepointFlags = isSpace ? (nextInPiece ? text.flags(position + 1) : []) : flags
            let classifiedInPiece = !isSpace || nextInPiece

            //  ?\p{L}+   and    ?\p{N}+
            if classified.isLetter || classified.isNumber {
                let wanted: CodepointFlags = classified.isLetter ? .letter : .number
                if isSpace { position += 1 }
                while position < upper && text.flags(position).contains(wanted) { position += 1 }
                words.emit(position)
                continue
            }

            //  ?[^\s\p{L}\p{N}]+
            if classifiedInPiece && !classified.isWhitespace {
                if isSpace { position += 1 }
                while position < upper && text.flags(position).isIsolatedSymbol { position += 1 }
                words.emit(position)
                continue
            }

            position = whitespaceRunEnd(text, position, upper, keepsNewlines: false)
            words.emit(position)
        }
    }

    // MARK: - Llama 3 / Qwen 2

    private static func splitLlama3(
        _ text: ScalarView, _ lower: Int, _ upper: Int, _ maxDigits: Int, _ words: inout WordBoundaries
    ) {
        var position = lower
        while position < upper {
            let scalar = text.scalar(position)
            let flags = text.flags(position)

            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if scalar == apostrophe, let length = contractionLength(text, position, upper, caseInsensitive: true) {
                position += length
                words.emit(position)
                continue
            }

            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(text.isNewline(position) || flags.isNumber) {
                if flags.isLetter || (position + 1 < upper && text.flags(position + 1).isLetter) {
                    position += 1
                    while position < upper && text.flags(position).isLetter { position += 1 }
                    words.emit(position)
                    continue
                }
            }

            // \p{N}{1,3}  (or \p{N})
            if flags.isNumber {
                var groupStart = position
                while position < upper && text.flags(position).isNumber {
                    position += 1
                    if position - groupStart >= maxDigits {
                        words.emit(position)
                        groupStart = position
                    }
                }
                words.emit(position)
                continue
            }

            //  ?[^\s\p{L}\p{N}]+[\r\n]*
            let isSpace = scalar == 0x20
            let classified: CodepointFlags =
                isSpace ? (position + 1 < upper ? text.flags(position + 1) : []) : flags
            if !classified.isWhitespace && !classified.isLetter && !classified.isNumber {
                if isSpace { position += 1 }
                while position < upper && text.flags(position).isIsolatedSymbol { position += 1 }
                while position < upper && text.isNewline(position) { position += 1 }
                words.emit(position)
                continue
            }

            position = whitespaceRunEnd(text, position, upper, keepsNewlines: true)
            words.emit(position)
        }
    }

    // MARK: - Shared pieces

    private static let apostrophe: UInt32 = 0x27

    /// Length of a contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`) at an apostrophe.
    private static func contractionLength(
        _ text: ScalarView, _ position: Int, _ upper: Int, caseInsensitive: Bool
    ) -> Int? {
        guard position + 1 < upper else { return nil }
        let fold: (UInt32) -> UInt32 = { value in
            caseInsensitive && (0x41...0x5A).contains(value) ? value + 0x20 : value
        }
        let next = fold(text.scalar(position + 1))
        switch next {
        case 0x73, 0x74, 0x6D, 0x64:  // s t m d
            return 2
        default:
            break
        }
        guard position + 2 < upper else { return nil }
        let afterNext = fold(text.scalar(position + 2))
        switch (next, afterNext) {
        case (0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C):  // re ve ll
            return 3
        default:
            return nil
        }
    }

    /// Where the whitespace at `position` ends as a word:
    /// `\s*[\r\n]+` (Llama 3 only) | `\s+(?!\S)` | `\s+`, or a single scalar when none matches.
    private static func whitespaceRunEnd(_ text: ScalarView, _ position: Int, _ upper: Int, keepsNewlines: Bool) -> Int
    {
        var count = 0
        var afterLastNewline = -1
        while position + count < upper && text.flags(position + count).isWhitespace {
            if text.isNewline(position + count) { afterLastNewline = position + count + 1 }
            count += 1
        }
        if keepsNewlines && afterLastNewline >= 0 {
            return afterLastNewline
        }
        // Leave the last whitespace to prefix the word after it.
        if count > 1 && position + count < upper {
            return position + count - 1
        }
        return position + max(count, 1)
    }

    /// Splits `prefix?X+`: a run of the class, taking one prefix scalar just before it.
    private static func splitPrefixedRuns(
        _ text: ScalarView, _ lower: Int, _ upper: Int, _ scalarClass: ScalarClass, _ words: inout WordBoundaries,
        isPrefix: (Int) -> Bool
    ) {
        var index = lower
        while index < upper {
            let start = index
            if isPrefix(index) && index + 1 < upper
                && scalarClass.contains(text.scalar(index + 1), text.flags(index + 1))
            {
                index += 1
            } else if !scalarClass.contains(text.scalar(index), text.flags(index)) {
                index += 1
                continue
            }
            while index < upper && scalarClass.contains(text.scalar(index), text.flags(index)) { index += 1 }
            words.emit(start)
            words.emit(index)
        }
    }

    private static func isASCIIDigit(_ value: UInt32) -> Bool {
        (0x30...0x39).contains(value)
    }
}

extension CodepointFlags {
    /// Matches `[^\s\p{L}\p{N}]`.
    @inline(__always)
    var isIsolatedSymbol: Bool {
        intersection([.whitespace, .letter, .number]).isEmpty
    }
}
