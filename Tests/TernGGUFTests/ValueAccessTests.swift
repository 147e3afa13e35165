import Testing
import TernGGUF

@Suite struct ValueAccessTests {
    @Test func intValueCoversEveryIntegerWidth() {
        let integers: [GGUFValue] = [
            .uint8(7), .int8(7), .uint16(7), .int16(7), .uint32(7), .int32(7), .uint64(7), .int64(7),
        ]
        for value in integers {
            #expect(value.intValue == 7, "\(value.type)")
            #expect(value.doubleValue == 7, "\(value.type)")
        }
        #expect(GGUFValue.int64(-3).intValue == -3)
        #expect(GGUFValue.uint64(UInt64.max).intValue == nil)
        #expect(GGUFValue.float32(7).intValue == nil)
        #expect(GGUFValue.bool(true).intValue == nil)
        #expect(GGUFValue.string("7").intValue == nil)
    }

    @Test func otherAccessorsMatchOnlyTheirCase() {
        #expect(GGUFValue.float32(0.5).doubleValue == 0.5)
        #expect(GGUFValue.float64(-2.25).doubleValue == -2.25)
        #expect(GGUFValue.string("x").doubleValue == nil)
        #expect(GGUFValue.string("x").stringValue == "x")
        #expect(GGUFValue.uint8(1).stringValue == nil)
        #expect(GGUFValue.bool(false).boolValue == false)
        #expect(GGUFValue.uint8(1).boolValue == nil)
        #expect(GGUFValue.array([.uint8(1)]).arrayValue == [.uint8(1)])
        #expect(GGUFValue.string("[]").arrayValue == nil)
    }

    @Test func typedArrays() {
        #expect(GGUFValue.array([.string("a"), .string("b")]).stringArray == ["a", "b"])
        #expect(GGUFValue.array([.string("a"), .uint8(1)]).stringArray == nil)
        #expect(GGUFValue.array([.int32(-1), .int32(2)]).intArray == [-1, 2])
        #expect(GGUFValue.array([.float32(1)]).intArray == nil)
        #expect(GGUFValue.array([.float32(0.5), .int32(2), .float64(1.5)]).floatArray == [0.5, 2, 1.5])
        #expect(GGUFValue.array([.string("1")]).floatArray == nil)
        #expect(GGUFValue.array([]).stringArray == [])
        #expect(GGUFValue.string("a").stringArray == nil)
    }

    @Test func metadataHelpersReadFromAFile() throws {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("llama.block_count", .uint32(30))
        writer.set("llama.rope.freq_base", .float32(100_000))
        writer.set("tokenizer.ggml.add_bos_token", .bool(false))
        writer.set("tokenizer.ggml.tokens", .array([.string("<s>"), .string("hi")]))
        writer.set("tokenizer.ggml.token_type", .array([.int32(3), .int32(1)]))
        writer.set("tokenizer.ggml.scores", .array([.float32(0), .float32(-1.5)]))
        let metadata = try GGUFFile(bytes: writer.serialize()).metadata

        #expect(metadata.count == 7)
        #expect(metadata.contains("llama.block_count"))
        #expect(!metadata.contains("llama.missing"))
        #expect(metadata.string("general.architecture") == "llama")
        #expect(metadata.int("llama.block_count") == 30)
        #expect(metadata.double("llama.block_count") == 30)
        #expect(metadata.float("llama.rope.freq_base") == 100_000)
        #expect(metadata.bool("tokenizer.ggml.add_bos_token") == false)
        #expect(metadata.stringArray("tokenizer.ggml.tokens") == ["<s>", "hi"])
        #expect(metadata.intArray("tokenizer.ggml.token_type") == [3, 1])
        #expect(metadata.floatArray("tokenizer.ggml.scores") == [0, -1.5])
        #expect(metadata.array("tokenizer.ggml.tokens")?.count == 2)
        #expect(metadata.string("llama.block_count") == nil)
        #expect(metadata.int("missing") == nil)
        #expect(metadata.entries.map(\.key) == metadata.keys)
        #expect(metadata.entries.first?.value == .string("llama"))
    }

    @Test func descriptionsAreCompact() {
        #expect(GGUFValue.string("a\"b").description == "\"a\\\"b\"")
        #expect(GGUFValue.array([.uint8(1), .uint8(2)]).description == "[1, 2]")
        let long = GGUFValue.array((0..<100).map { .int32($0) })
        #expect(long.description == "[0, 1, 2, 3, ... (100 elements)]")
        #expect(GGMLType.q4_1.description == "Q4_1")
        #expect(GGUFValueType.float64.description == "float64")
    }
}
