import Foundation
import Testing

@testable import TernTemplates

@Suite("Interpreter limits")
struct InterpreterTests {
    private func expectLimit(
        _ source: String, limits: RenderLimits = RenderLimits(), sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let options = RenderOptions(limits: limits, now: { fixedNow })
        #expect(sourceLocation: sourceLocation) {
            _ = try Template(source).render([:], options: options)
        } throws: { error in
            guard case .limitExceeded = error as? TemplateError else { return false }
            return true
        }
    }

    @Test("unbounded macro recursion stops at the call depth limit")
    func recursion() {
        expectLimit("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
        expectLimit("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", limits: RenderLimits(maxCallDepth: 5))
    }

    @Test("recursion within the limit renders")
    func boundedRecursion() throws {
        let source =
            "{% macro count(n) %}{{ n }}{% if n > 0 %}{{ count(n - 1) }}{% endif %}{% endmacro %}{{ count(20) }}"
        #expect(try Template(source).render([:]) == "20191817161514131211109876543210")
    }

    @Test("nested loops that would run for hours stop at the step limit")
    func runawayLoops() {
        expectLimit(
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            limits: RenderLimits(maxSteps: 50_000))
        expectLimit("{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}")
    }

    @Test("output and values larger than the size limit are refused")
    func sizeLimits() {
        let small = RenderLimits(maxOutputBytes: 1_000)
        expectLimit("{% for i in range(2000) %}x{% endfor %}", limits: small)
        expectLimit("{{ 'x' * 5000 }}", limits: small)
        expectLimit("{{ 'abc' * 9223372036854775807 }}")
        expectLimit("{{ [0] * 9223372036854775807 }}")
        // Doubling a string 40 times would need a terabyte; it fails as soon as it passes the limit.
        expectLimit("{% set ns = namespace(s='xy') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}")
        expectLimit(
            "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}",
            limits: small)
    }

    @Test("the limit error names the line it was hit on")
    func limitLine() {
        #expect(throws: TemplateError.limitExceeded(message: "output is larger than 10 bytes", line: 2)) {
            try Template("ok\n{% for c in 'abcdefghijklmnop' %}x{% endfor %}").render(
                [:], options: RenderOptions(limits: RenderLimits(maxOutputBytes: 10)))
        }
    }

    @Test("runtime errors name the line of the statement")
    func runtimeErrorLine() {
        #expect(throws: TemplateError.runtime(message: "'missing' is undefined", line: 3)) {
            try Template("a\nb\n{{ missing.attr }}").render([:])
        }
        #expect(throws: TemplateError.runtime(message: "can only concatenate str (not \"int\") to str", line: 2)) {
            try Template("{% for m in messages %}\n{{ m.content + 1 }}{% endfor %}").render([
                "messages": [["content": "x"]]
            ])
        }
    }

    @Test("raise_exception surfaces its message as .raised")
    func raiseException() {
        #expect(throws: TemplateError.raised(message: "Only user and assistant roles are supported!")) {
            try Template("{{ raise_exception('Only user and assistant roles are supported!') }}").render([:])
        }
    }

    @Test("a namespace that holds itself does not break the render")
    func selfReferentialNamespace() throws {
        let source = "{% set ns = namespace() %}{% set ns.me = ns %}{{ ns.me.me is defined }}"
        #expect(try Template(source).render([:]) == "True")
    }

    @Test("one compiled template renders concurrently")
    func concurrentRenders() async throws {
        let template = try Template("{% for i in range(n) %}{{ i }}{% endfor %}")
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for n in 0..<16 {
                group.addTask { (n, try template.render(["n": .int(n)])) }
            }
            for try await (n, output) in group {
                #expect(output == (0..<n).map(String.init).joined())
            }
        }
    }
}
