/// Splits template text into tokens the way jinja2's lexer does when configured as transformers
/// configures it: `trim_blocks=True` (drop the first newline after a block or comment tag),
/// `lstrip_blocks=True` (drop the spaces and tabs before a block or comment tag that starts a
/// line), `keep_trailing_newline=False` (drop one newline at the end of the template), and
/// `-` / `+` whitespace control on tags.
struct Lexer {
    private(set) var scalars: [Unicode.Scalar]
    var position = 0
    private(set) var tokens: [Token] = []
    /// Whether the last thing consumed ended a line: lstrip_blocks also applies to text that sits
    /// right after such a tag and contains no newline of its own.
    private var lineStarting = true
    private let lineStarts: [Int]

    static let trimBlocks = true
    static let lstripBlocks = true

    /// Tokenizes `source`, ending the list with `.endOfInput`.
    static func tokenize(_ source: String) throws(TemplateError) -> [Token] {
        var lexer = Lexer(source: source)
        try lexer.run()
        return lexer.tokens
    }

    private init(source: String) {
        var normalized: [Unicode.Scalar] = []
        normalized.reserveCapacity(source.unicodeScalars.count)
        var previousWasCR = false
        for scalar in source.unicodeScalars {
            if scalar == "\r" {
                normalized.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            normalized.append(scalar)
        }
        if normalized.last == "\n" {
            normalized.removeLast()
        }
        scalars = normalized
        var starts = [0]
        for (index, scalar) in normalized.enumerated() where scalar == "\n" {
            starts.append(index + 1)
        }
        lineStarts = starts
    }

    // MARK: - Locations and errors

    /// The 1-based line and column of scalar index `index`.
    func location(of index: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return (low + 1, index - lineStarts[low] + 1)
    }

    func syntaxError(_ message: String, at index: Int) -> TemplateError {
        let (line, column) = location(of: index)
        return .syntax(message: message, line: line, column: column)
    }

    mutating func emit(_ kind: TokenKind, at index: Int) {
        let (line, column) = location(of: index)
        tokens.append(Token(kind: kind, line: line, column: column))
    }

    // MARK: - Helpers on the scalar buffer

    func matches(_ text: String, at index: Int) -> Bool {
        var cursor = index
        for scalar in text.unicodeScalars {
            guard cursor < scalars.count, scalars[cursor] == scalar else { return false }
            cursor += 1
        }
        return true
    }

    func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    /// The index after the whitespace run starting at `index`.
    func skippingWhitespace(from index: Int) -> Int {
        var cursor = index
        while cursor < scalars.count, isWhitespace(scalars[cursor]) { cursor += 1 }
        return cursor
    }

    // MARK: - Top level

    private mutating func run() throws(TemplateError) {
        while position < scalars.count {
            guard let tagStart = nextTagStart(from: position) else {
                emitData(from: position, to: scalars.count, strip: nil)
                break
            }
            let opener = scalars[tagStart + 1]
            let markIndex = tagStart + 2
            let mark: Unicode.Scalar? =
                markIndex < scalars.count && (scalars[markIndex] == "-" || scalars[markIndex] == "+")
                ? scalars[markIndex] : nil
            let afterOpen = markIndex + (mark == nil ? 0 : 1)

            if opener == "%", let rawBodyStart = rawBlockBodyStart(after: afterOpen) {
                emitData(from: position, to: tagStart, strip: strip(for: mark, lstrips: true))
                try lexRaw(bodyStart: rawBodyStart, tagStart: tagStart)
                continue
            }
            emitData(from: position, to: tagStart, strip: strip(for: mark, lstrips: opener != "{"))
            position = afterOpen
            switch opener {
            case "#":
                try skipComment(openedAt: tagStart)
            case "%":
                emit(.blockBegin, at: tagStart)
                try lexTagContents(isBlock: true, openedAt: tagStart)
            default:
                emit(.variableBegin, at: tagStart)
                try lexTagContents(isBlock: false, openedAt: tagStart)
            }
        }
        emit(.endOfInput, at: scalars.count)
    }

    private func nextTagStart(from index: Int) -> Int? {
        var cursor = index
        while cursor + 1 < scalars.count {
            if scalars[cursor] == "{" {
                let next = scalars[cursor + 1]
                if next == "{" || next == "%" || next == "#" { return cursor }
            }
            cursor += 1
        }
        return nil
    }

    /// How the text before a tag is trimmed.
    enum Strip {
        /// `{%-`: drop all trailing whitespace.
        case all
        /// lstrip_blocks: drop spaces and tabs between the last newline and the tag.
        case lineIndent
    }

    private func strip(for mark: Unicode.Scalar?, lstrips: Bool) -> Strip? {
        if mark == "-" { return .all }
        if mark == "+" || !lstrips || !Self.lstripBlocks { return nil }
        return .lineIndent
    }

    /// Emits `scalars[start..<end]` as data after applying `strip`.
    mutating func emitData(from start: Int, to end: Int, strip: Strip?) {
        var stop = end
        switch strip {
        case .all:
            while stop > start, isWhitespace(scalars[stop - 1]) { stop -= 1 }
        case .lineIndent:
            var lineBegin = start
            if let lastNewline = scalars[start..<end].lastIndex(of: "\n") { lineBegin = lastNewline + 1 }
            if (lineBegin > start || lineStarting) && lineBegin < end
                && scalars[lineBegin..<end].allSatisfy({ isWhitespace($0) })
            {
                stop = lineBegin
            }
        case nil:
            break
        }
        if stop > start {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[start..<stop])
            emit(.data(String(text)), at: start)
        }
        position = end
    }

    // MARK: - Tag ends

    /// If a block tag ends at `index` (only checked outside brackets), consumes it with its
    /// trailing-whitespace rule and returns true.
    mutating func consumeTagEnd(at index: Int, isBlock: Bool) -> Bool {
        let closer: Unicode.Scalar = isBlock ? "%" : "}"
        if isBlock, matches("+%}", at: index) {
            position = index + 3
            lineStarting = false
            return true
        }
        if matches("-", at: index), index + 2 < scalars.count, scalars[index + 1] == closer, scalars[index + 2] == "}" {
            position = skippingWhitespace(from: index + 3)
            lineStarting = position > index + 3 && scalars[position - 1] == "\n"
            return true
        }
        if index + 1 < scalars.count, scalars[index] == closer, scalars[index + 1] == "}" {
            position = index + 2
            lineStarting = false
            if isBlock, Self.trimBlocks, position < scalars.count, scalars[position] == "\n" {
                position += 1
                lineStarting = true
            }
            return true
        }
        return false
    }

    private mutating func skipComment(openedAt start: Int) throws(TemplateError) {
        var cursor = position
        while cursor + 1 < scalars.count {
            if matches("+#}", at: cursor) {
                position = cursor + 3
                lineStarting = false
                return
            }
            if matches("-#}", at: cursor) {
                position = skippingWhitespace(from: cursor + 3)
                lineStarting = position > cursor + 3 && scalars[position - 1] == "\n"
                return
            }
            if matches("#}", at: cursor) {
                position = cursor + 2
                lineStarting = false
                if Self.trimBlocks, position < scalars.count, scalars[position] == "\n" {
                    position += 1
                    lineStarting = true
                }
                return
            }
            cursor += 1
        }
        throw syntaxError("missing end of comment tag", at: start)
    }

    // MARK: - Raw blocks

    /// If `{% raw %}` starts here (after `{%` and its mark), the index where its body begins.
    private func rawBlockBodyStart(after index: Int) -> Int? {
        var cursor = skippingWhitespace(from: index)
        guard matches("raw", at: cursor) else { return nil }
        cursor = skippingWhitespace(from: cursor + 3)
        if matches("-%}", at: cursor) { return skippingWhitespace(from: cursor + 3) }
        if matches("%}", at: cursor) { return cursor + 2 }
        return nil
    }

    private mutating func lexRaw(bodyStart: Int, tagStart: Int) throws(TemplateError) {
        lineStarting = false
        var cursor = bodyStart
        while cursor + 1 < scalars.count {
            if matches("{%", at: cursor) {
                let markIndex = cursor + 2
                let mark: Unicode.Scalar? =
                    markIndex < scalars.count && (scalars[markIndex] == "-" || scalars[markIndex] == "+")
                    ? scalars[markIndex] : nil
                var inner = skippingWhitespace(from: markIndex + (mark == nil ? 0 : 1))
                if matches("endraw", at: inner) {
                    inner = skippingWhitespace(from: inner + 6)
                    let saved = position
                    if consumeTagEnd(at: inner, isBlock: true) {
                        let after = position
                        let lineStartingAfter = lineStarting
                        position = saved
                        emitData(from: bodyStart, to: cursor, strip: strip(for: mark, lstrips: true))
                        position = after
                        lineStarting = lineStartingAfter
                        return
                    }
                }
            }
            cursor += 1
        }
        throw syntaxError("missing end of raw directive", at: tagStart)
    }
}
