import Testing

@testable import TernTemplates

@Suite("Parser")
struct ParserTests {
    private func render(_ source: String, _ context: [String: TemplateValue] = [:]) throws -> String {
        try Template(source).render(context)
    }

    @Test("operator precedence follows jinja2: filters bind tighter than arithmetic, tests than not")
    func precedence() throws {
        #expect(try render("{{ 1 + 2 * 3 ** 2 }}") == "19")
        #expect(try render("{{ 'a' ~ 2 * 3 }}") == "a6")
        // `~` binds tighter than `+`, so this adds 2 to the string 'a1', which Python refuses.
        #expect(throws: TemplateError.self) { try render("{{ 'a' ~ 1 + 2 }}") }
        #expect(try render("{{ -1|abs }}") == "1")
        #expect(try render("{{ ' x '|trim + '!' }}") == "x!")
        #expect(try render("{{ not x is defined }}") == "True")
        #expect(try render("{{ 1 if false else 2 if false else 3 }}") == "3")
        #expect(try render("{{ a or b and c }}", ["a": false, "b": true, "c": "C"]) == "C")
    }

    @Test("tests take one bare argument unless followed by and/or/else")
    func testArguments() throws {
        #expect(try render("{{ 9 is divisibleby 3 }}") == "True")
        #expect(try render("{{ x is defined and x }}", ["x": "v"]) == "v")
        #expect(try render("{{ 'y' if x is none else 'n' }}", ["x": nil]) == "y")
    }

    @Test("for targets unpack tuples; set targets namespaces")
    func targets() throws {
        #expect(try render("{% for a, b in [[1, 2]] %}{{ b }}{{ a }}{% endfor %}") == "21")
        #expect(try render("{% set ns = namespace(v=1) %}{% set ns.v = 2 %}{{ ns.v }}") == "2")
    }

    @Test("syntax errors report the line and column of the offending token")
    func syntaxErrorLocations() {
        #expect(throws: TemplateError.syntax(message: "unexpected 'end of print statement'", line: 1, column: 8)) {
            try Template("{{ 1 + }}")
        }
        #expect(
            throws: TemplateError.syntax(
                message: "unexpected end of template, expected 'elif' or 'else' or 'endif'", line: 3, column: 7)
        ) {
            try Template("line one\n{% if x %}\nno end")
        }
        #expect(throws: TemplateError.syntax(message: "unknown tag 'frobnicate'", line: 2, column: 4)) {
            try Template("ok\n{% frobnicate %}")
        }
        #expect(throws: TemplateError.syntax(message: "'break' outside of a loop", line: 1, column: 4)) {
            try Template("{% break %}")
        }
    }

    @Test("unsupported features fail at compile time with a clear message")
    func unsupported() {
        #expect(
            throws: TemplateError.syntax(
                message: "'include' is not supported: chat templates are a single file", line: 1, column: 4)
        ) {
            try Template("{% include 'other.jinja' %}")
        }
        #expect(throws: TemplateError.syntax(message: "recursive loops are not supported", line: 1, column: 19)) {
            try Template("{% for x in items recursive %}{% endfor %}")
        }
    }

    @Test("nesting is bounded so hostile templates cannot exhaust the stack")
    func nestingLimit() {
        let deep = "{{ " + String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500) + " }}"
        #expect {
            try Template(deep)
        } throws: { error in
            guard case .syntax(let message, _, _) = error as? TemplateError else { return false }
            return message.contains("nesting")
        }
        let blocks = String(repeating: "{% if true %}", count: 200) + String(repeating: "{% endif %}", count: 200)
        #expect(throws: TemplateError.self) { try Template(blocks) }
        let fine = "{{ " + String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30) + " }}"
        #expect((try? Template(fine).render([:])) == "1")
    }
}
