/// A parsed regex: the language only (groups, laziness and names do not change which strings
/// match, so they are not kept).
indirect enum RegexAST: Equatable, Sendable {
    /// One scalar from the set.
    case set(CodePointSet)
    case concat([RegexAST])
    case alternate([RegexAST])
    case repeated(RegexAST, min: Int, max: Int?)

    static let empty = RegexAST.concat([])

    static func literal(_ scalar: UInt32) -> RegexAST { .set(CodePointSet(scalar)) }
}

/// The ASCII classes of `\d`, `\w`, `\s` (Friendli's and Python's `re.ASCII` meaning).
enum RegexClasses {
    static let digit = CodePointSet([0x30...0x39])
    static let word = CodePointSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let space = CodePointSet([0x09...0x0D, 0x20...0x20])
}

/// Emits a regex as grammar IR. In `.jsonString` encoding each scalar is written the way it
/// must appear inside a JSON string literal (quote, backslash and control characters escaped),
/// which is how a schema `pattern` constrains the decoded string.
struct RegexEmitter {
    enum Encoding {
        case raw
        case jsonString
    }

    var ir: GrammarIR
    let encoding: Encoding

    init(ir: GrammarIR, encoding: Encoding) {
        self.ir = ir
        self.encoding = encoding
    }

    mutating func emit(_ ast: RegexAST) throws(GrammarError) -> GrammarIR.NodeID {
        switch ast {
        case .set(let set):
            return encoding == .raw ? try ir.scalars(set) : try jsonCharacters(set)
        case .concat(let parts):
            var nodes: [GrammarIR.NodeID] = []
            for part in parts { nodes.append(try emit(part)) }
            return try ir.sequence(nodes)
        case .alternate(let options):
            var nodes: [GrammarIR.NodeID] = []
            for option in options { nodes.append(try emit(option)) }
            return try ir.choice(nodes)
        case .repeated(let inner, let min, let max):
            return try ir.repeated(try emit(inner), min: min, max: max)
        }
    }

    /// One character of `set` as it appears in a JSON string literal.
    mutating func jsonCharacters(_ set: CodePointSet) throws(GrammarError) -> GrammarIR.NodeID {
        let special = CodePointSet([0x00...0x1F, 0x22...0x22, 0x5C...0x5C])
        var options: [GrammarIR.NodeID] = []
        let plain = set.subtracting(special)
        if !plain.isEmpty { options.append(try ir.scalars(plain)) }
        for range in set.intersection(special).ranges {
            for scalar in range { options.append(try ir.literal(Self.escape(scalar))) }
        }
        return try ir.choice(options)
    }

    static func escape(_ scalar: UInt32) -> String {
        switch scalar {
        case 0x22: return "\\\""
        case 0x5C: return "\\\\"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        default:
            let hex = String(scalar, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
