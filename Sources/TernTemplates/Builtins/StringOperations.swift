/// The string algorithms behind the `str` methods and the text filters, following Python's
/// definitions of whitespace, line breaks, words and letter case.
extension StringMethods {
    /// Python's `str.isspace()` for one code point.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    static func strip(_ text: String, chars: String?, leading: Bool = true, trailing: Bool = true) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let shouldStrip: (Unicode.Scalar) -> Bool = { scalar in set.map { $0.contains(scalar) } ?? isSpace(scalar) }
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var end = scalars.count
        if leading {
            while start < end, shouldStrip(scalars[start]) { start += 1 }
        }
        if trailing {
            while end > start, shouldStrip(scalars[end - 1]) { end -= 1 }
        }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    /// `str.split` / `str.rsplit`: on runs of whitespace (dropping empty parts) without a separator,
    /// on the exact separator otherwise; at most `limit` splits when `limit >= 0`.
    static func split(_ text: String, separator: String?, limit: Int, fromRight: Bool) throws(TemplateError)
        -> [String]
    {
        var scalars = Array(text.unicodeScalars)
        var separatorScalars = separator.map { Array($0.unicodeScalars) }
        if separatorScalars?.isEmpty == true { throw .runtime("empty separator") }
        if fromRight {
            scalars.reverse()
            separatorScalars?.reverse()
        }
        var parts: [[Unicode.Scalar]] = []
        if let separatorScalars {
            var current: [Unicode.Scalar] = []
            var index = 0
            while index < scalars.count {
                if limit < 0 || parts.count < limit,
                    index + separatorScalars.count <= scalars.count,
                    scalars[index..<index + separatorScalars.count].elementsEqual(separatorScalars)
                {
                    parts.append(current)
                    current = []
                    index += separatorScalars.count
                } else {
                    current.append(scalars[index])
                    index += 1
                }
            }
            parts.append(current)
        } else {
            var index = 0
            while index < scalars.count {
                while index < scalars.count, isSpace(scalars[index]) { index += 1 }
                guard index < scalars.count else { break }
                if limit >= 0 && parts.count == limit {
                    // Python keeps the remainder as is, whitespace on its far side included.
                    parts.append(Array(scalars[index...]))
                    break
                }
                var current: [Unicode.Scalar] = []
                while index < scalars.count, !isSpace(scalars[index]) {
                    current.append(scalars[index])
                    index += 1
                }
                parts.append(current)
            }
        }
        if fromRight {
            parts = parts.reversed().map { $0.reversed() }
        }
        return parts.map { String(String.UnicodeScalarView($0)) }
    }

    /// `str.splitlines()`: splits on every Python line boundary, `\r\n` counting as one.
    static func splitLines(_ text: String, keepEnds: Bool) -> [String] {
        let boundaries: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
        let scalars = Array(text.unicodeScalars)
        var lines: [String] = []
        var start = 0
        var index = 0
        while index < scalars.count {
            guard boundaries.contains(scalars[index].value) else {
                index += 1
                continue
            }
            var end = index + 1
            if scalars[index] == "\r", end < scalars.count, scalars[end] == "\n" { end += 1 }
            lines.append(String(String.UnicodeScalarView(scalars[start..<(keepEnds ? end : index)])))
            start = end
            index = end
        }
        if start < scalars.count {
            lines.append(String(String.UnicodeScalarView(scalars[start...])))
        }
        return lines
    }

    static func replace(_ text: String, _ old: String, _ new: String, count: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        let oldScalars = Array(old.unicodeScalars)
        var positions = occurrences(of: oldScalars, in: scalars[...])
        if count >= 0 { positions = Array(positions.prefix(count)) }
        var result = String.UnicodeScalarView()
        var cursor = 0
        for position in positions {
            result.append(contentsOf: scalars[cursor..<position])
            result.append(contentsOf: new.unicodeScalars)
            cursor = position + oldScalars.count
            if oldScalars.isEmpty, position < scalars.count {
                result.append(scalars[position])
                cursor = position + 1
            }
        }
        if cursor < scalars.count { result.append(contentsOf: scalars[cursor...]) }
        return String(result)
    }

    /// Python's `str.title()`: a cased character after an uncased one starts a word.
    static func titleCase(_ text: String) -> String {
        var result = ""
        var previousCased = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isCased {
                result += previousCased ? scalar.properties.lowercaseMapping : scalar.properties.titlecaseMapping
                previousCased = true
            } else {
                result.unicodeScalars.append(scalar)
                previousCased = false
            }
        }
        return result
    }

    /// Python's `str.capitalize()`: first code point in title case, the rest lower case.
    static func capitalize(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return "" }
        return first.properties.titlecaseMapping + String(text.unicodeScalars.dropFirst()).lowercased()
    }

    static func classify(_ name: String, _ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return false }
        func isAlpha(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
            default: false
            }
        }
        switch name {
        case "isdigit": return scalars.allSatisfy { [.decimal, .digit].contains($0.properties.numericType) }
        case "isdecimal": return scalars.allSatisfy { $0.properties.numericType == .decimal }
        case "isnumeric": return scalars.allSatisfy { $0.properties.numericType != nil }
        case "isalpha": return scalars.allSatisfy(isAlpha)
        case "isalnum": return scalars.allSatisfy { isAlpha($0) || $0.properties.numericType != nil }
        case "isspace": return scalars.allSatisfy(isSpace)
        case "islower":
            let cased = scalars.filter { $0.properties.isCased }
            return !cased.isEmpty
                && !cased.contains { $0.properties.isUppercase || $0.properties.generalCategory == .titlecaseLetter }
        default:
            let cased = scalars.filter { $0.properties.isCased }
            return !cased.isEmpty && !cased.contains { $0.properties.isLowercase }
        }
    }

    enum Alignment {
        case left
        case right
        case center
    }

    /// Pads to `width` code points; centering puts the odd extra fill on the right, as Python does.
    static func pad(_ text: String, width: Int, fill: String, alignment: Alignment) -> String {
        let missing = width - text.unicodeScalars.count
        guard missing > 0 else { return text }
        switch alignment {
        case .left: return text + String(repeating: fill, count: missing)
        case .right: return String(repeating: fill, count: missing) + text
        case .center:
            var left = missing / 2
            if missing % 2 == 1 && width % 2 == 1 { left += 1 }
            return String(repeating: fill, count: left) + text + String(repeating: fill, count: missing - left)
        }
    }
}
