import Testing

@testable import TernTemplates

@Suite("TemplateError")
struct TemplateErrorTests {
    @Test("Errors happen where jinja2 raises them", arguments: ConformanceCase.cases(.errors))
    func conformance(_ testCase: ConformanceCase) throws {
        try expectConformance(testCase)
    }
}
