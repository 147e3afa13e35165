import CTernKernels
import Testing

@testable import TernTensor

@Suite struct ActivationTests {
    static func rowBytes(_ acts: QuantizedActivations, _ row: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: acts.baseAddress + row * acts.rowBytes, count: acts.rowBytes))
    }

    @Test(arguments: [RawType.q8_0, .q4_K])
    func everyISAProducesTheSameBytes(type: RawType) {
        var rng = TestRNG(seed: 41)
        let x = [rng.floats(512, scale: 3), [Float](repeating: 0, count: 512), rng.floats(512).map { $0 * 1e-3 }]
        let ref = makeActivations(type, x, isa: .scalar)
        for isa in supportedISAs {
            let got = makeActivations(type, x, isa: isa)
            for r in 0..<x.count { #expect(Self.rowBytes(got, r) == Self.rowBytes(ref, r), "\(isa) row \(r)") }
        }
    }

    /// 32-element blocks, as llama.cpp's q8_0/q8_1 quantizers: q = round-half-even(x * 127 / amax),
    /// d = fp16(amax / 127), s = fp16((amax / 127) * sum(q)).
    @Test func q8BlocksFollowTheRoundingRule() {
        var rng = TestRNG(seed: 43)
        var x = rng.floats(64, scale: 5)
        x[3] = 2.5 * 5 / 127  // exact multiples and ties exercise the rounding
        let acts = makeActivations(.q8_0, [x], isa: .active)
        let bytes = Self.rowBytes(acts, 0)
        for b in 0..<2 {
            let blk = Array(bytes[(48 * b)..<(48 * b + 48)])
            let xs = Array(x[(32 * b)..<(32 * b + 32)])
            let amax = xs.map(abs).max()!
            let d = blk[32..<36].withUnsafeBytes { $0.loadUnaligned(as: Float.self) }
            let s = blk[36..<40].withUnsafeBytes { $0.loadUnaligned(as: Float.self) }
            let sum = blk[40..<44].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
            #expect(d == Float(Float16(amax / 127)))
            var total: Int32 = 0
            for j in 0..<32 {
                let q = Int8(bitPattern: blk[j])
                #expect(Float(q) == (xs[j] * (127 / amax)).rounded(.toNearestOrEven))
                total += Int32(q)
            }
            #expect(sum == total)
            #expect(s == Float(Float16((amax / 127) * Float(total))))
        }
    }

    @Test func floatFormatsTakeF32RowsVerbatim() {
        let x: [Float] = [1.5, -2, 3.25]
        let acts = makeActivations(.f16, [x], isa: .active)
        let back = UnsafeRawPointer(acts.baseAddress).assumingMemoryBound(to: Float.self)
        #expect(Array(UnsafeBufferPointer(start: back, count: 3)) == x)
    }
}
