import Testing

@testable import TernTemplates

@Suite("Methods")
struct MethodsTests {
    @Test("Methods on strings, dicts and lists match Python", arguments: ConformanceCase.cases(.methods))
    func conformance(_ testCase: ConformanceCase) throws {
        try expectConformance(testCase)
    }
}
