import Testing

@testable import TernTemplates

@Suite("Python formatting")
struct PythonFormattingTests {
    static let floatCases: [(Double, String)] = [
        (1.0, "1.0"), (0.1, "0.1"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1.5e-7, "1.5e-07"),
        (0.0001, "0.0001"), (0.00001, "1e-05"), (123456789012345678.0, "1.2345678901234568e+17"),
        (-2.5, "-2.5"), (-0.0, "-0.0"), (1.0 / 3.0, "0.3333333333333333"), (Double.leastNonzeroMagnitude, "5e-324"),
        (Double.infinity, "inf"), (100.0, "100.0"), (1234.5, "1234.5"),
    ]

    @Test("floats print as Python's repr", arguments: floatCases)
    func floats(value: Double, expected: String) {
        #expect(formatPythonFloat(value) == expected)
    }

    @Test("strings print as Python's repr inside containers")
    func stringRepr() {
        #expect(pythonStringRepr("plain") == "'plain'")
        #expect(pythonStringRepr("it's") == "\"it's\"")
        #expect(pythonStringRepr("both ' and \"") == "'both \\' and \"'")
        #expect(pythonStringRepr("a\nb\t\u{1}\u{7f}é") == "'a\\nb\\t\\x01\\x7fé'")
        #expect(pythonStringRepr("\u{a0}\u{2028}") == "'\\xa0\\u2028'")
    }

    @Test("containers print as Python prints them")
    func containers() {
        let value = Value.dict(
            ValueDict([("a", .list([.int(1), .none, .bool(true)])), ("t", .tuple([.string("x")]))]))
        #expect(value.pythonString == "{'a': [1, None, True], 't': ('x',)}")
        #expect(Value.undefined(.name("x")).pythonString == "")
        #expect(Value.list([.undefined(.name("x"))]).pythonString == "[Undefined]")
    }
}
