import Testing

@testable import TernTemplates

@Suite("Filters")
struct FiltersTests {
    @Test("Filters match jinja2", arguments: ConformanceCase.cases(.filters))
    func conformance(_ testCase: ConformanceCase) throws {
        try expectConformance(testCase)
    }
}
