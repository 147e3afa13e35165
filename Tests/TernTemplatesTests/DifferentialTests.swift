import Testing

@testable import TernTemplates

@Suite("Differential")
struct DifferentialTests {
    @Test("2000 randomly composed templates render as jinja2 renders them")
    func randomTemplates() throws {
        guard case .object(let object) = try TemplateValue(parsingJSON: DifferentialCase.context) else {
            Issue.record("the context is not an object")
            return
        }
        let context = Dictionary(object.entries.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        for testCase in DifferentialCase.all {
            expectConformance(source: testCase.template, context: context, expected: testCase.expected)
        }
    }
}
