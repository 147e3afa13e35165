import TernSampling

/// What ``ToolCallParser`` found in the output.
enum ToolCallEvent: Equatable {
    /// Answer text (never tool-call markup).
    case content(String)
    /// A call began: its position among the choice's calls, new id and function name.
    case callStarted(index: Int, id: String, name: String)
    /// More of call `index`'s arguments (JSON text).
    case arguments(index: Int, String)
}

/// Splits a model's output into answer text and tool calls in the ``TaggedToolCalls`` format
/// (`<tool_call>{"name": …, "arguments": …}</tool_call>`), incrementally: text is pushed as it is
/// generated and events come out as soon as they are certain, so streaming and non-streaming
/// answers are built from the same events.
///
/// - Text that could be the start of an open tag is held back until it is known not to be; so
///   is whitespace, which is dropped when a call follows it.
/// - A call is announced once its `name` is read, with arguments streamed after that.
/// - Output that does not follow the format (possible only without a grammar) stays text; a call
///   cut off before its name was read is dropped.
struct ToolCallParser {
    private enum Mode {
        /// Answer text; `held` may end with part of an open tag or whitespace.
        case text
        /// After an open tag, before the object's `{`.
        case beforeObject
        /// Inside the call object.
        case object
        /// After the object, reading up to the close tag.
        case afterObject
    }

    private let openTag = Array(TaggedToolCalls.openTag.unicodeScalars)
    private let closeTag = Array(TaggedToolCalls.closeTag.unicodeScalars)
    private let makeID: @Sendable () -> String
    private var mode = Mode.text
    private var held: [Unicode.Scalar] = []
    /// The current call's raw text (reported as text if it turns out not to be a call).
    private var raw: [Unicode.Scalar] = []
    private var scanner = ToolCallScanner()
    /// Arguments read before the name (reported once the call is announced).
    private var earlyArguments = ""
    private var announced = false
    private var closeMatched = 0
    private var events: [ToolCallEvent] = []
    /// Calls announced so far (the last one may still be incomplete).
    private(set) var callCount = 0

    /// - Parameter makeID: the id of each call (`call_` and random characters by default).
    init(makeID: @escaping @Sendable () -> String = ToolCallParser.newCallID) {
        self.makeID = makeID
    }

    /// Reads more output; returns what it revealed.
    mutating func push(_ text: String) -> [ToolCallEvent] {
        for scalar in text.unicodeScalars { read(scalar) }
        if mode == .text { releaseText() }
        return takeEvents()
    }

    /// The output ended: reports what was held back.
    mutating func finish() -> [ToolCallEvent] {
        switch mode {
        case .text:
            let allWhitespace = held.allSatisfy(ToolCallScanner.isWhitespace)
            if !(allWhitespace && callCount > 0) { emitText(held) }
            held = []
        case .beforeObject, .object, .afterObject:
            // Cut off (max_tokens): an announced call keeps the arguments it has; an
            // unannounced one is dropped rather than shown as markup.
            break
        }
        mode = .text
        return takeEvents()
    }

    /// A new call id: `call_` and 24 random letters and digits.
    static func newCallID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return "call_" + String((0..<24).map { _ in alphabet.randomElement()! })
    }

    private mutating func takeEvents() -> [ToolCallEvent] {
        defer { events = [] }
        return Self.coalesced(events)
    }

    private mutating func read(_ scalar: Unicode.Scalar) {
        switch mode {
        case .text:
            held.append(scalar)
            if held.count >= openTag.count, Array(held.suffix(openTag.count)) == openTag {
                var before = Array(held.dropLast(openTag.count))
                while let last = before.last, ToolCallScanner.isWhitespace(last) { before.removeLast() }
                emitText(before)
                held = []
                raw = openTag
                scanner = ToolCallScanner()
                earlyArguments = ""
                announced = false
                mode = .beforeObject
            }
        case .beforeObject:
            raw.append(scalar)
            if ToolCallScanner.isWhitespace(scalar) { return }
            var findings: [ToolCallScanner.Finding] = []
            if scanner.read(scalar, into: &findings) {
                mode = .object
            } else {
                // Not a call after all: the tag and what followed are text.
                emitText(raw)
                raw = []
                mode = .text
            }
        case .object:
            raw.append(scalar)
            var findings: [ToolCallScanner.Finding] = []
            _ = scanner.read(scalar, into: &findings)
            for finding in findings { handle(finding) }
        case .afterObject:
            if closeMatched < closeTag.count, scalar == closeTag[closeMatched] {
                closeMatched += 1
                if closeMatched == closeTag.count { mode = .text }
            } else if closeMatched == 0, ToolCallScanner.isWhitespace(scalar) {
                return
            } else {
                // No close tag: the call is over anyway; what follows is read as text.
                closeMatched = 0
                mode = .text
                read(scalar)
            }
        }
    }

    private mutating func handle(_ finding: ToolCallScanner.Finding) {
        switch finding {
        case .name(let name):
            guard !announced else { return }
            announced = true
            callCount += 1
            events.append(.callStarted(index: callCount - 1, id: makeID(), name: name))
            if !earlyArguments.isEmpty { events.append(.arguments(index: callCount - 1, earlyArguments)) }
            earlyArguments = ""
        case .arguments(let fragment):
            if announced {
                events.append(.arguments(index: callCount - 1, fragment))
            } else {
                earlyArguments += fragment
            }
        case .closed:
            if announced {
                if !scanner.sawArguments { events.append(.arguments(index: callCount - 1, "{}")) }
                mode = .afterObject
            } else {
                // An object without a name is not a call: show it, and what follows, as written.
                emitText(raw)
                mode = .text
            }
            raw = []
            closeMatched = 0
        }
    }

    /// Reports held text except what may still become an open tag, and trailing whitespace.
    private mutating func releaseText() {
        var keep = 0
        for length in stride(from: min(held.count, openTag.count - 1), through: 1, by: -1)
        where Array(held.suffix(length)) == Array(openTag.prefix(length)) {
            keep = length
            break
        }
        var cut = held.count - keep
        while cut > 0, ToolCallScanner.isWhitespace(held[cut - 1]) { cut -= 1 }
        guard cut > 0 else { return }
        emitText(Array(held[..<cut]))
        held.removeFirst(cut)
    }

    private mutating func emitText(_ scalars: [Unicode.Scalar]) {
        guard !scalars.isEmpty else { return }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        events.append(.content(text))
    }

    /// Adjacent text events, and adjacent argument fragments of one call, joined.
    static func coalesced(_ events: [ToolCallEvent]) -> [ToolCallEvent] {
        var result: [ToolCallEvent] = []
        for event in events {
            switch (result.last, event) {
            case (.content(let a)?, .content(let b)):
                result[result.count - 1] = .content(a + b)
            case (.arguments(let i, let a)?, .arguments(let j, let b)) where i == j:
                result[result.count - 1] = .arguments(index: i, a + b)
            default:
                result.append(event)
            }
        }
        return result
    }
}

/// A whole answer split into text and tool calls (non-streaming answers).
struct ParsedAnswer: Equatable {
    /// The text; nil when the answer is only tool calls.
    var content: String?
    var toolCalls: [ToolCallWire]

    /// Parses `text` with the same events a stream of it would produce.
    init(_ text: String, makeID: @escaping @Sendable () -> String = ToolCallParser.newCallID) {
        var parser = ToolCallParser(makeID: makeID)
        var calls: [ToolCallWire] = []
        var content = ""
        for event in parser.push(text) + parser.finish() {
            switch event {
            case .content(let piece): content += piece
            case .callStarted(_, let id, let name):
                calls.append(ToolCallWire(id: id, function: .init(name: name, arguments: "")))
            case .arguments(let index, let fragment): calls[index].function.arguments += fragment
            }
        }
        self.content = calls.isEmpty || !content.isEmpty ? content : nil
        toolCalls = calls
    }
}
