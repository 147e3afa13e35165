import Testing
import TernGGUF

@Suite struct GGMLTypeTests {
    /// ggml's type traits, written out independently: raw value, name, block size, block bytes.
    static let traits: [(UInt32, String, Int, Int)] = [
        (0, "F32", 1, 4), (1, "F16", 1, 2), (2, "Q4_0", 32, 18), (3, "Q4_1", 32, 20),
        (6, "Q5_0", 32, 22), (7, "Q5_1", 32, 24), (8, "Q8_0", 32, 34), (9, "Q8_1", 32, 36),
        (10, "Q2_K", 256, 84), (11, "Q3_K", 256, 110), (12, "Q4_K", 256, 144), (13, "Q5_K", 256, 176),
        (14, "Q6_K", 256, 210), (15, "Q8_K", 256, 292), (16, "IQ2_XXS", 256, 66), (17, "IQ2_XS", 256, 74),
        (18, "IQ3_XXS", 256, 98), (19, "IQ1_S", 256, 50), (20, "IQ4_NL", 32, 18), (21, "IQ3_S", 256, 110),
        (22, "IQ2_S", 256, 82), (23, "IQ4_XS", 256, 136), (24, "I8", 1, 1), (25, "I16", 1, 2),
        (26, "I32", 1, 4), (27, "I64", 1, 8), (28, "F64", 1, 8), (29, "IQ1_M", 256, 56),
        (30, "BF16", 1, 2), (34, "TQ1_0", 256, 54), (35, "TQ2_0", 256, 66), (39, "MXFP4", 32, 17),
    ]

    @Test func everyTypeMatchesGGMLTraits() throws {
        #expect(GGMLType.allCases.count == Self.traits.count)
        for (raw, name, blockSize, blockBytes) in Self.traits {
            let type = try #require(GGMLType(rawValue: raw), "raw value \(raw)")
            #expect(type.name == name)
            #expect(type.blockSize == blockSize, "\(name)")
            #expect(type.blockBytes == blockBytes, "\(name)")
            #expect(GGMLType(name: name.lowercased()) == type)
        }
    }

    @Test(arguments: [UInt32(4), 5, 31, 32, 33, 36, 37, 38, 40, 1000])
    func removedOrUnknownRawValuesHaveNoType(raw: UInt32) {
        #expect(GGMLType(rawValue: raw) == nil)
    }

    @Test func rowBytes() {
        #expect(GGMLType.q4_1.rowBytes(576) == 18 * 20)
        #expect(GGMLType.q8_0.rowBytes(576) == 18 * 34)
        #expect(GGMLType.q4_K.rowBytes(512) == 2 * 144)
        #expect(GGMLType.f32.rowBytes(576) == 2304)
        #expect(GGMLType.bf16.rowBytes(3) == 6)
        #expect(GGMLType.f16.isQuantized == false)
        #expect(GGMLType.q6_K.isQuantized)
        #expect(GGMLType(name: "nonsense") == nil)
    }
}
