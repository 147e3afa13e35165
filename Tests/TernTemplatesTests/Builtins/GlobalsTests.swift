import Testing

@testable import TernTemplates

@Suite("Globals")
struct GlobalsTests {
    @Test(
        "Globals range, dict, namespace, raise_exception, strftime_now match transformers",
        arguments: ConformanceCase.cases(.globals))
    func conformance(_ testCase: ConformanceCase) throws {
        try expectConformance(testCase)
    }
}
