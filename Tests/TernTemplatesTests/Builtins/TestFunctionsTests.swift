import Testing

@testable import TernTemplates

@Suite("TestFunctions")
struct TestFunctionsTests {
    @Test("Tests (is ...) match jinja2", arguments: ConformanceCase.cases(.tests))
    func conformance(_ testCase: ConformanceCase) throws {
        try expectConformance(testCase)
    }
}
