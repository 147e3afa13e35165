import Foundation
import Testing

@testable import TernSampling

/// Random walks through schema grammars (pick any allowed token until an end token): every
/// finished output must parse and validate.
@Suite struct ConstraintsSchemaWalkTests {
    static let schemas: [(name: String, text: String)] = [
        (
            "person",
            #"""
            {"type":"object","properties":{
              "name":{"type":"string","minLength":1,"maxLength":12},
              "age":{"type":"integer","minimum":0,"maximum":150},
              "email":{"type":"string","format":"email"},
              "tags":{"type":"array","items":{"type":"string","maxLength":6},"maxItems":3},
              "address":{"type":"object","properties":{
                 "city":{"type":"string"},"zip":{"type":"string","pattern":"^[0-9]{5}$"}},
                 "required":["zip"],"additionalProperties":false}},
             "required":["name","age"],"additionalProperties":false}
            """#
        ),
        (
            "enums",
            #"{"type":"object","properties":{"status":{"enum":["active","in\"active",null,3,[1,{"a":true}]]},"kind":{"const":"user"},"n":{"type":"integer","enum":[1,2,2.5,"x"]}},"required":["status","kind"]}"#
        ),
        (
            "tree",
            ##"{"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":3}},"required":["value","children"],"additionalProperties":false}},"$ref":"#/$defs/node"}"##
        ),
        (
            "linked-list",
            ##"{"$defs":{"list":{"anyOf":[{"type":"null"},{"type":"object","properties":{"head":{"type":"number"},"tail":{"$ref":"#/$defs/list"}},"required":["head","tail"],"additionalProperties":false}]}},"$ref":"#/$defs/list"}"##
        ),
        (
            "any-of",
            #"{"anyOf":[{"type":"string","maxLength":5},{"type":"integer","minimum":-5,"maximum":5},{"type":"null"}]}"#
        ),
        (
            "tuple",
            #"{"type":"array","prefixItems":[{"type":"string"},{"type":"number"},{"type":"boolean"}],"items":false,"minItems":2}"#
        ),
        (
            "formats",
            #"{"type":"object","properties":{"d":{"type":"string","format":"date"},"dt":{"type":"string","format":"date-time"},"t":{"type":"string","format":"time"},"u":{"type":"string","format":"uuid"},"e":{"type":"string","format":"email"},"ip":{"type":"string","format":"ipv4"}},"required":["d","dt","t","u","e","ip"],"additionalProperties":false}"#
        ),
        (
            "string-items",
            #"{"type":"array","items":{"type":"string","minLength":2,"maxLength":4},"minItems":1,"maxItems":4}"#
        ),
        (
            "additional-schema",
            #"{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"],"additionalProperties":{"type":"boolean"}}"#
        ),
        ("additional-true", #"{"type":"object","properties":{"name":{"type":"string"}},"additionalProperties":true}"#),
        (
            "number-bounds",
            #"{"type":"object","properties":{"p":{"type":"number","minimum":0,"maximum":1},"q":{"type":"number","exclusiveMinimum":-2,"exclusiveMaximum":3},"r":{"type":"integer","exclusiveMinimum":10},"s":{"type":"integer","minimum":-120,"maximum":-7}},"required":["p","q","r","s"],"additionalProperties":false}"#
        ),
        (
            "one-of-discriminated",
            #"{"oneOf":[{"type":"object","properties":{"kind":{"const":"a"},"x":{"type":"integer"}},"required":["kind","x"],"additionalProperties":false},{"type":"object","properties":{"kind":{"const":"b"},"y":{"type":"string"}},"required":["kind","y"],"additionalProperties":false}]}"#
        ),
        (
            "all-of",
            #"{"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"type":"string","maxLength":3}},"required":["b"]}]}"#
        ),
        ("nullable-union", #"{"type":["string","null","boolean"]}"#),
        (
            "pattern-search",
            #"{"type":"object","properties":{"code":{"type":"string","pattern":"^ab+c"}},"required":["code"],"additionalProperties":false}"#
        ),
        ("anything", #"{}"#),
        ("object-any", #"{"type":"object"}"#),
        (
            "ref-with-siblings",
            ##"{"$defs":{"base":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}},"$ref":"#/$defs/base","properties":{"b":{"type":"boolean"}},"required":["b"]}"##
        ),
        (
            "optional-first",
            #"{"type":"object","properties":{"x":{"type":"integer"},"y":{"type":"integer"},"z":{"type":"integer"}},"required":["z"],"additionalProperties":false}"#
        ),
    ]

    static func validate(_ output: [UInt8], schemaText: String) throws -> [String] {
        guard (try? JSONSerialization.jsonObject(with: Data(output), options: .fragmentsAllowed)) != nil else {
            return ["not JSON: \(String(decoding: output, as: UTF8.self))"]
        }
        let schema = try JSONReader.parse(schemaText)
        // Free-form keys (additionalProperties) can repeat; like Python's json, keep the last.
        let value = try JSONReader.parse(String(decoding: output, as: UTF8.self), keepLastDuplicate: true)
        return SchemaValidator(root: schema).errors(value, schema)
    }

    /// Outputs are appended here (one JSON line each) when TERN_GRAMMAR_DUMP is set, for an
    /// extra check with Python's jsonschema.
    static let dumpLock = NSLock()

    static func dump(_ name: String, _ schema: String, _ output: [UInt8]) {
        guard let path = ProcessInfo.processInfo.environment["TERN_GRAMMAR_DUMP"] else { return }
        dumpLock.lock()
        defer { dumpLock.unlock() }
        let line =
            "{\"name\":\(JSONValue.quoted(name)),\"schema\":\(schema.replacingOccurrences(of: "\n", with: "")),"
            + "\"output\":\(JSONValue.quoted(String(decoding: output, as: UTF8.self)))}\n"
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            handle.closeFile()
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: Data(line.utf8))
        }
    }

    func walk(_ vocabulary: GrammarVocabulary, _ bytes: [[UInt8]], seeds: Range<UInt64>, limit: Int) throws {
        let closing = ConstraintsFixtures.closing(bytes)
        for (name, text) in Self.schemas {
            let grammar = try CompiledGrammar(.jsonSchema(text))
            var finished = 0
            for seed in seeds {
                let walk = try ConstraintsFixtures.randomWalk(
                    grammar, vocabulary, bytes: bytes, seed: seed, limit: limit, preferEnd: 0.6, closeBias: 0.3,
                    closing: closing)
                guard walk.finished else { continue }
                finished += 1
                Self.dump(name, text, walk.output)
                let problems = try Self.validate(walk.output, schemaText: text)
                #expect(problems.isEmpty, "\(name): \(String(decoding: walk.output, as: UTF8.self)) \(problems)")
            }
            #expect(finished * 10 >= seeds.count * 7, "\(name): only \(finished) of \(seeds.count) walks finished")
        }
    }

    @Test func syntheticVocabularyWalksValidate() throws {
        let fixture = ConstraintsFixtures.synthetic()
        try walk(fixture.vocabulary, fixture.bytes, seeds: 0..<40, limit: 500)
    }

    @Test func realVocabularyWalksValidate() throws {
        let real = try RealVocabulary.get()
        try walk(real.vocabulary, real.bytes, seeds: 100..<110, limit: 800)
    }
}
