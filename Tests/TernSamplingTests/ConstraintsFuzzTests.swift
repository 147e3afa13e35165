import Foundation
import Testing

@testable import TernSampling

/// Random schemas built from a palette of keywords (valid, invalid and unsupported mixed):
/// compiling never crashes, and whatever compiles yields outputs that validate.
@Suite struct ConstraintsFuzzTests {
    struct SchemaGenerator {
        var rng: SplitMix64

        mutating func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 1000) / 1000 < p }
        mutating func number(_ range: ClosedRange<Int>) -> JSONValue {
            let value = Int(rng.next() % UInt64(range.count)) + range.lowerBound
            return .number(JSONNumber(text: String(value), value: Double(value)))
        }

        mutating func literal() -> JSONValue {
            pick([
                .null, .bool(true), .string("a"), .string("b\"c"), number(-3...3), .array([.null]),
                .object([("k", .bool(false))]),
            ])
        }

        mutating func schema(depth: Int) -> JSONValue {
            if depth > 3 || chance(0.15) {
                return pick([
                    .bool(true),
                    .object([("type", .string(pick(["string", "integer", "number", "boolean", "null"])))]),
                ])
            }
            var members: [(key: String, value: JSONValue)] = []
            switch rng.next() % 9 {
            case 0:
                members.append(("type", .string("object")))
                var properties: [(key: String, value: JSONValue)] = []
                for name in ["a", "b", "c", "d"] where chance(0.5) {
                    properties.append((name, schema(depth: depth + 1)))
                }
                members.append(("properties", .object(properties)))
                let required = properties.map(\.key).filter { _ in chance(0.5) } + (chance(0.1) ? ["zz"] : [])
                if !required.isEmpty { members.append(("required", .array(required.map { .string($0) }))) }
                if chance(0.5) {
                    members.append(
                        ("additionalProperties", chance(0.5) ? .bool(chance(0.5)) : schema(depth: depth + 1)))
                }
            case 1:
                members.append(("type", .string("array")))
                if chance(0.7) { members.append(("items", schema(depth: depth + 1))) }
                if chance(0.3) {
                    members.append(("prefixItems", .array([schema(depth: depth + 1), schema(depth: depth + 1)])))
                }
                if chance(0.4) { members.append(("minItems", number(0...3))) }
                if chance(0.4) { members.append(("maxItems", number(0...4))) }
            case 2:
                members.append(("type", .string("string")))
                if chance(0.4) { members.append(("minLength", number(0...3))) }
                if chance(0.4) { members.append(("maxLength", number(0...6))) }
                if chance(0.3) {
                    members.append(
                        ("pattern", .string(pick(["^[a-c]+$", "x", "^(a|bc)*$", "(?=a)", "[", "^\\d{2}$"]))))
                }
                if chance(0.3) {
                    members.append(("format", .string(pick(["date", "uuid", "email", "hostname", "time"]))))
                }
            case 3:
                members.append(("type", .string(pick(["integer", "number"]))))
                if chance(0.6) { members.append((pick(["minimum", "exclusiveMinimum"]), number(-20...20))) }
                if chance(0.6) { members.append((pick(["maximum", "exclusiveMaximum"]), number(-20...20))) }
            case 4:
                members.append(
                    chance(0.5)
                        ? ("const", literal()) : ("enum", .array((0..<Int(rng.next() % 4)).map { _ in literal() })))
                if chance(0.3) { members.append(("type", .string(pick(["string", "integer", "null"])))) }
            case 5:
                let key = pick(["anyOf", "oneOf", "allOf"])
                members.append((key, .array((0..<Int(1 + rng.next() % 3)).map { _ in schema(depth: depth + 1) })))
            case 6:
                members.append(("$ref", .string(pick(["#", "#/$defs/node", "#/$defs/leaf", "#/$defs/none"]))))
            case 7:
                members.append(
                    (
                        pick(["not", "patternProperties", "uniqueItems", "contains", "title", "description"]),
                        schema(depth: depth + 1)
                    ))
            default:
                members.append(("type", .array([.string("string"), .string("null")])))
            }
            return .object(members)
        }
    }

    @Test func randomSchemasNeverCrashAndCompiledOnesValidate() throws {
        let fixture = ConstraintsFixtures.synthetic()
        var generator = SchemaGenerator(rng: SplitMix64(seed: 2024))
        var compiled = 0
        var validated = 0
        // TERN_FUZZ_COUNT raises the count for a longer local run.
        let count = Int(ProcessInfo.processInfo.environment["TERN_FUZZ_COUNT"] ?? "") ?? 400
        for index in 0..<count {
            let defs: JSONValue = .object([
                (
                    "node",
                    .object([
                        ("type", .string("array")), ("items", .object([("$ref", .string("#/$defs/node"))])),
                        ("maxItems", generator.number(0...2)),
                    ])
                ),
                ("leaf", generator.schema(depth: 2)),
            ])
            guard case .object(var members) = generator.schema(depth: 0) else { continue }
            members.append(("$defs", defs))
            let schema = JSONValue.object(members)
            let text = schema.serialized
            let grammar: CompiledGrammar
            do {
                grammar = try CompiledGrammar(.jsonSchema(text))
            } catch {
                #expect(!error.description.isEmpty)
                continue
            }
            compiled += 1
            let walk = try ConstraintsFixtures.randomWalk(
                grammar, fixture.vocabulary, bytes: fixture.bytes, seed: UInt64(index), limit: 300, preferEnd: 0.6,
                closeBias: 0.3)
            guard walk.finished else { continue }
            validated += 1
            let problems = try ConstraintsSchemaWalkTests.validate(walk.output, schemaText: text)
            ConstraintsSchemaWalkTests.dump("fuzz", text, walk.output)
            #expect(problems.isEmpty, "\(text) → \(String(decoding: walk.output, as: UTF8.self)): \(problems)")
        }
        print("fuzz: \(compiled) of \(count) random schemas compiled, \(validated) walks finished and validated")
        #expect(compiled > 100)
        #expect(validated > 80)
    }
}
