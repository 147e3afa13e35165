import TernTemplates

/// Reads one tool-call object (`{"name": "f", "arguments": {...}}`) a character at a time, as
/// the model writes it, and reports the function name as soon as its string is closed and the
/// arguments' JSON text as it arrives (without the whitespace between JSON tokens). Keys may come
/// in any order; `parameters` is accepted for `arguments` (as some models write it); other
/// members are skipped. An `arguments` value that is a JSON string (arguments already serialized)
/// is reported decoded, in one piece, when it ends.
struct ToolCallScanner {
    /// What one character revealed.
    enum Finding: Equatable {
        case name(String)
        case arguments(String)
        /// The object's closing brace was read.
        case closed
    }

    private enum Phase {
        case start, key, colon, valueStart, value, comma, done
    }

    private enum ValueKind {
        case string, container, scalar
    }

    private var phase = Phase.start
    private var key = ""
    private var inKey = false
    private var keyEscaped = false
    private var kind = ValueKind.scalar
    private var valueText = ""
    private var valueDepth = 0
    private var inString = false
    private var escaped = false
    /// Whether the value being read is the arguments, and whether it is streamed as it comes
    /// (unless it is a string).
    private var valueIsArguments = false
    private var streamsValue = false
    private(set) var sawArguments = false
    private(set) var name: String?

    /// Whether the object was closed.
    var isClosed: Bool { phase == .done }

    /// Reads `scalar`; false when it cannot be part of a call object (only at the start, which
    /// must be `{`), in which case nothing changed.
    mutating func read(_ scalar: Unicode.Scalar, into findings: inout [Finding]) -> Bool {
        switch phase {
        case .start:
            guard scalar == "{" else { return false }
            phase = .key
        case .key:
            readKey(scalar, into: &findings)
        case .colon:
            if scalar == ":" { phase = .valueStart }
        case .valueStart:
            if !Self.isWhitespace(scalar) { startValue(scalar, into: &findings) }
        case .value:
            readValue(scalar, into: &findings)
        case .comma:
            if scalar == "," {
                phase = .key
            } else if scalar == "}" {
                phase = .done
                findings.append(.closed)
            }
        case .done:
            break
        }
        return true
    }

    private mutating func readKey(_ scalar: Unicode.Scalar, into findings: inout [Finding]) {
        guard inKey else {
            if scalar == "\"" {
                inKey = true
                key = "\""
            } else if scalar == "}" {
                phase = .done
                findings.append(.closed)
            }
            return
        }
        key.unicodeScalars.append(scalar)
        if keyEscaped {
            keyEscaped = false
        } else if scalar == "\\" {
            keyEscaped = true
        } else if scalar == "\"" {
            inKey = false
            key = Self.decodeString(key) ?? key
            phase = .colon
        }
    }

    private mutating func startValue(_ scalar: Unicode.Scalar, into findings: inout [Finding]) {
        phase = .value
        valueText = ""
        valueDepth = 0
        inString = false
        escaped = false
        valueIsArguments = key == "arguments" || (key == "parameters" && !sawArguments)
        switch scalar {
        case "\"":
            kind = .string
            inString = true
        case "{", "[":
            kind = .container
            valueDepth = 1
        default:
            kind = .scalar
        }
        streamsValue = valueIsArguments && kind != .string
        if valueIsArguments { sawArguments = true }
        valueText.unicodeScalars.append(scalar)
        if streamsValue { findings.append(.arguments(String(scalar))) }
    }

    private mutating func readValue(_ scalar: Unicode.Scalar, into findings: inout [Finding]) {
        if kind == .scalar, scalar == "," || scalar == "}" || Self.isWhitespace(scalar) {
            endValue(into: &findings)
            phase = .comma
            _ = read(scalar, into: &findings)
            return
        }
        valueText.unicodeScalars.append(scalar)
        // Arguments are reported compact: whitespace between JSON tokens is left out.
        if streamsValue, inString || !Self.isWhitespace(scalar) { findings.append(.arguments(String(scalar))) }
        var ended = false
        if inString {
            if escaped {
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "\"" {
                inString = false
                ended = valueDepth == 0
            }
        } else {
            switch scalar {
            case "\"": inString = true
            case "{", "[": valueDepth += 1
            case "}", "]":
                valueDepth -= 1
                ended = valueDepth == 0
            default: break
            }
        }
        if ended {
            endValue(into: &findings)
            phase = .comma
        }
    }

    private mutating func endValue(into findings: inout [Finding]) {
        if key == "name", kind == .string, name == nil, let decoded = Self.decodeString(valueText) {
            name = decoded
            findings.append(.name(decoded))
        } else if valueIsArguments, kind == .string, let decoded = Self.decodeString(valueText) {
            findings.append(.arguments(decoded))
        }
        streamsValue = false
        valueIsArguments = false
    }

    private static func decodeString(_ json: String) -> String? {
        guard case .string(let text)? = try? TemplateValue(parsingJSON: json) else { return nil }
        return text
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r"
    }
}
