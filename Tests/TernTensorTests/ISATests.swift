import CTernKernels
import Testing

@testable import TernTensor

@Suite struct ISATests {
    @Test func detectedAndActiveAreSupported() {
        #expect(KernelISA.detected.isSupported)
        #expect(KernelISA.active.isSupported)
        #expect(KernelISA.active.rawValue <= KernelISA.detected.rawValue)
        #expect(KernelISA.scalar.isSupported)
    }

    @Test func namesMatchTheEnvironmentSpelling() {
        #expect(KernelISA.allCases.map(\.description) == ["scalar", "avx2", "avx512"])
    }

    @Test func askingForMoreThanTheCPUHasClampsToDetected() {
        let asked = tern_isa_clamp(TERN_ISA_AVX512)
        #expect(asked.rawValue == UInt32(KernelISA.detected.rawValue))
        #expect(tern_isa_clamp(TERN_ISA_SCALAR) == TERN_ISA_SCALAR)
    }

    @Test func unsupportedTypesAreRejected() {
        #expect(throws: KernelError.unsupportedType(9)) { try WeightFormat(rawType: 9) }
        #expect(throws: KernelError.unsupportedType(99)) { try WeightFormat(rawType: 99) }
        #expect(throws: KernelError.badColumnCount(type: 3, columns: 33)) {
            try RawType.q4_1.format.weightRowBytes(columns: 33)
        }
    }

    @Test func rowSizesMatchGGML() throws {
        let expected: [(RawType, Int)] = [
            (.f32, 4 * 256), (.f16, 2 * 256), (.bf16, 2 * 256), (.q4_0, 8 * 18), (.q4_1, 8 * 20), (.q5_0, 8 * 22),
            (.q5_1, 8 * 24), (.q8_0, 8 * 34), (.q4_K, 144), (.q5_K, 176), (.q6_K, 210),
        ]
        for (type, bytes) in expected {
            #expect(try type.format.weightRowBytes(columns: 256) == bytes, "\(type)")
            #expect(try type.format.activationRowBytes(columns: 256) % 64 == 0)
        }
    }
}
