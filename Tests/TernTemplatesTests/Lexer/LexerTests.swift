import Testing

@testable import TernTemplates

@Suite("Lexer")
struct LexerTests {
    @Test("whitespace control, comments and raw blocks match jinja2", arguments: ConformanceCase.cases(.lexer))
    func conformance(_ testCase: ConformanceCase) throws {
        try expectConformance(testCase)
    }

    @Test("tags become begin, content and end tokens with their positions")
    func tokensAndPositions() throws {
        let tokens = try Lexer.tokenize("a\n  {{ x.y | f(1, 'z') }}")
        #expect(
            tokens.map(\.kind) == [
                .data("a\n  "), .variableBegin, .name("x"), .op(.dot), .name("y"), .op(.pipe), .name("f"), .op(.lparen),
                .integer(1), .op(.comma), .string("z"), .op(.rparen), .variableEnd, .endOfInput,
            ])
        let name = try #require(tokens.first { $0.kind == .name("y") })
        #expect(name.line == 2)
        #expect(name.column == 8)
    }

    @Test("trim_blocks drops one newline after a block tag, not after a print tag")
    func trimBlocks() throws {
        #expect(try Lexer.tokenize("{% if x %}\n\nA{{ y }}\nB").map(\.kind).contains(.data("\nA")))
        #expect(try Lexer.tokenize("{% if x %}\n\nA{{ y }}\nB").map(\.kind).contains(.data("\nB")))
    }

    @Test("lstrip_blocks drops the indentation before a block tag that starts a line")
    func lstripBlocks() throws {
        let kinds = try Lexer.tokenize("x\n    {% if y %}z").map(\.kind)
        #expect(kinds.first == .data("x\n"))
        let kept = try Lexer.tokenize("x   {% if y %}z").map(\.kind)
        #expect(kept.first == .data("x   "))
    }

    @Test("one trailing newline is dropped, as keep_trailing_newline=False does")
    func trailingNewline() throws {
        #expect(try Lexer.tokenize("a\n").map(\.kind) == [.data("a"), .endOfInput])
        #expect(try Lexer.tokenize("a\n\n").map(\.kind) == [.data("a\n"), .endOfInput])
    }

    @Test("numbers: underscores, radix prefixes, floats with exponents")
    func numbers() throws {
        let kinds = try Lexer.tokenize("{{ 1_000 0x1F 0b11 0o7 2.5 1e3 3E-1 }}").map(\.kind)
        #expect(
            kinds.dropFirst().prefix(7) == [
                .integer(1000), .integer(31), .integer(3), .integer(7), .float(2.5), .float(1000), .float(0.3),
            ])
    }

    @Test("string escapes follow Python")
    func stringEscapes() throws {
        let kinds = try Lexer.tokenize(#"{{ 'a\nb\t\x41\u00e9\'q\\ \d' }}"#).map(\.kind)
        #expect(kinds[1] == .string("a\nb\tAé'q\\ \\d"))
    }

    @Test("end of a tag inside brackets is not the end of the tag")
    func bracketsBalance() throws {
        let kinds = try Lexer.tokenize("{{ {'a': {'b': 1}} }}").map(\.kind)
        #expect(kinds.filter { $0 == .op(.rbrace) }.count == 2)
        #expect(kinds.suffix(2) == [.variableEnd, .endOfInput])
    }

    @Test("lexical errors name line and column")
    func errors() {
        #expect(throws: TemplateError.syntax(message: "unterminated string", line: 2, column: 4)) {
            try Lexer.tokenize("ok\n{{ 'open }}")
        }
        #expect(throws: TemplateError.syntax(message: "missing end of comment tag", line: 1, column: 3)) {
            try Lexer.tokenize("a {# never closed")
        }
        #expect(throws: TemplateError.syntax(message: "unexpected ')', expected ']'", line: 1, column: 9)) {
            try Lexer.tokenize("{{ [1, 2) }}")
        }
        #expect(throws: TemplateError.syntax(message: "unexpected character '$'", line: 3, column: 7)) {
            try Lexer.tokenize("\n\n{% if $ %}")
        }
    }
}
