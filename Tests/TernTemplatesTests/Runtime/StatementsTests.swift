import Testing

@testable import TernTemplates

@Suite("Statements")
struct StatementsTests {
    @Test(
        "Statements: loops, conditionals, assignments, macros and blocks match jinja2",
        arguments: ConformanceCase.cases(.statements))
    func conformance(_ testCase: ConformanceCase) throws {
        try expectConformance(testCase)
    }
}
