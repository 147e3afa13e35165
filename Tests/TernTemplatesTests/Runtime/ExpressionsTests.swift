import Testing

@testable import TernTemplates

@Suite("Expressions")
struct ExpressionsTests {
    @Test(
        "Expressions: arithmetic, comparisons, access and slicing match jinja2",
        arguments: ConformanceCase.cases(.expressions))
    func conformance(_ testCase: ConformanceCase) throws {
        try expectConformance(testCase)
    }
}
