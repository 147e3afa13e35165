import Foundation
import Testing

@testable import TernTemplates

@Suite("TemplateValue")
struct TemplateValueTests {
    @Test("JSON parsing keeps object key order, so tojson prints a schema as it was sent")
    func keyOrder() throws {
        let value = try TemplateValue(parsingJSON: #"{"z": 1, "a": {"y": [1, 2.5, "s"], "b": null}, "m": true}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
        #expect(value["a"]?.objectValue?.keys == ["y", "b"])
        #expect(
            try Template("{{ v|tojson }}").render(["v": value])
                == #"{"z": 1, "a": {"y": [1, 2.5, "s"], "b": null}, "m": true}"#)
    }

    @Test("JSON numbers: integers stay integers, everything else is a double")
    func numbers() throws {
        #expect(
            try TemplateValue(parsingJSON: "[1, -0, 1.0, 1e2, 12345678901234567890]") == [
                .int(1), .int(0), .double(1.0), .double(100), .double(12345678901234567168.0),
            ])
    }

    @Test("JSON strings decode escapes and surrogate pairs")
    func strings() throws {
        #expect(
            try TemplateValue(parsingJSON: #""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#)
                == .string("a\"\\/\u{8}\u{C}\n\r\té😀"))
    }

    @Test("invalid JSON is rejected with the offset of the problem")
    func invalidJSON() {
        #expect(throws: TemplateError.invalidJSON(message: "expected ',' or '}'", offset: 8)) {
            try TemplateValue(parsingJSON: #"{"a": 1 "b": 2}"#)
        }
        #expect(throws: TemplateError.self) { try TemplateValue(parsingJSON: "[1, 2") }
        #expect(throws: TemplateError.self) { try TemplateValue(parsingJSON: "01") }
        #expect(throws: TemplateError.self) { try TemplateValue(parsingJSON: "[1] x") }
        #expect(throws: TemplateError.self) {
            try TemplateValue(
                parsingJSON: String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))
        }
    }

    @Test("literals build values; objects compare without regard to order")
    func literalsAndEquality() {
        let value: TemplateValue = ["role": "user", "n": 1, "x": 1.5, "ok": true, "none": nil, "list": [1, "a"]]
        #expect(value["role"] == .string("user"))
        #expect(value["none"] == .null)
        let reordered = TemplateObject([("b", 2), ("a", 1)])
        #expect(TemplateValue.object(reordered) == ["a": 1, "b": 2])
        #expect(reordered.keys == ["b", "a"])
    }

    @Test("objects keep the first position of a repeated key and drop removed keys")
    func objectUpdates() {
        var object = TemplateObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == .int(3))
        object["a"] = nil
        #expect(object.keys == ["b"])
    }

    @Test("jsonText prints like json.dumps")
    func jsonText() {
        let value: TemplateValue = ["name": "é \"q\"", "v": [1.0, nil, false]]
        #expect(value.jsonText == #"{"name": "é \"q\"", "v": [1.0, null, false]}"#)
    }

    @Test("Codable round trip through JSONEncoder and JSONDecoder")
    func codable() throws {
        let value: TemplateValue = ["a": [1, 2.5, "s", nil, true]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(TemplateValue.self, from: data) == value)
    }
}

@Suite("TemplateValue conversion")
struct TemplateValueConversionTests {
    @Test("Swift values convert to the matching cases")
    func swiftValues() {
        let nested: [String: Any] = ["b": [1, "x", true, 2.5] as [Any], "a": NSNull()]
        #expect(TemplateValue(jsonCompatible: nested) == ["a": nil, "b": [1, "x", true, 2.5]])
        #expect(TemplateValue(jsonCompatible: nested)?.objectValue?.keys == ["a", "b"])
        #expect(TemplateValue(jsonCompatible: true) == .bool(true))
        #expect(TemplateValue(jsonCompatible: 7) == .int(7))
        #expect(TemplateValue(jsonCompatible: UInt8(7)) == .int(7))
        #expect(TemplateValue(jsonCompatible: 1.5) == .double(1.5))
        #expect(TemplateValue(jsonCompatible: Optional<Int>.none as Any) == .null)
        #expect(TemplateValue(jsonCompatible: Date()) == nil)
    }

    @Test("JSONSerialization output converts, booleans included")
    func jsonSerialization() throws {
        let object = try JSONSerialization.jsonObject(
            with: Data(#"{"t": true, "n": 3, "d": 0.5, "s": "x", "z": null}"#.utf8))
        #expect(TemplateValue(jsonCompatible: object) == ["t": true, "n": 3, "d": 0.5, "s": "x", "z": nil])
    }
}
