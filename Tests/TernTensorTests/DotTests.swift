import CTernKernels
import Testing

@testable import TernTensor

@Suite struct DotTests {
    static func vecDot(_ isa: KernelISA, _ w: TestWeights, row: Int, _ acts: QuantizedActivations, actRow: Int) -> Float
    {
        var out = Float.nan
        w.rowPointer(row) { p in
            out = tern_vec_dot(
                isa.cValue, Int32(w.type.rawValue), Int32(w.columns), p, acts.baseAddress + actRow * acts.rowBytes)
        }
        return out
    }

    /// Every ISA gives the scalar reference's bits for quantized formats, and stays within
    /// summation-order noise of it for float formats.
    @Test(arguments: RawType.allCases)
    func everyISAMatchesScalar(type: RawType) {
        var rng = TestRNG(seed: 3)
        for blocks in 1...5 {
            let columns = type.isFloat ? 13 * blocks + 2 : type.block * blocks
            let w = TestWeights(type: type, rows: 4, columns: columns, rng: &rng)
            let x = (0..<2).map { _ in rng.floats(columns) }
            let acts = makeActivations(type, x, isa: .scalar)
            for row in 0..<4 {
                for i in 0..<2 {
                    let ref = Self.vecDot(.scalar, w, row: row, acts, actRow: i)
                    for isa in supportedISAs {
                        let got = Self.vecDot(isa, w, row: row, acts, actRow: i)
                        if type.isFloat {
                            #expect(abs(got - ref) <= 1e-5 * (1 + abs(ref)), "\(type) \(isa) k=\(columns)")
                        } else {
                            #expect(got.bitPattern == ref.bitPattern, "\(type) \(isa) k=\(columns): \(got) vs \(ref)")
                        }
                    }
                }
            }
        }
    }

    /// Against float math on the dequantized weights and the unquantized activations: the only
    /// error allowed is activation rounding (at most half a quantization step per element, so
    /// bounded by sum |w| * d / 2 per activation block) plus float noise.
    @Test(arguments: RawType.allCases)
    func tracksFloatMath(type: RawType) {
        var rng = TestRNG(seed: 5)
        let columns = type.isFloat ? 301 : type.block * 4
        let w = TestWeights(type: type, rows: 6, columns: columns, rng: &rng)
        let x = rng.floats(columns, scale: 2)
        let actBlock = type.isKQuant ? 256 : 32
        for isa in supportedISAs {
            let acts = makeActivations(type, [x], isa: isa)
            for row in 0..<6 {
                let wf = w.dequantized(row: row)
                var exact = 0.0, magnitude = 0.0, bound = 0.0
                for i in 0..<columns {
                    exact += Double(wf[i]) * Double(x[i])
                    magnitude += abs(Double(wf[i]) * Double(x[i]))
                }
                if !type.isFloat {
                    for b in 0..<(columns / actBlock) {
                        let range = (b * actBlock)..<((b + 1) * actBlock)
                        let amax = range.map { Double(abs(x[$0])) }.max()!
                        let sumW = range.map { Double(abs(wf[$0])) }.reduce(0, +)
                        bound += sumW * amax / 127 * 0.5001
                    }
                }
                let got = Double(Self.vecDot(isa, w, row: row, acts, actRow: 0))
                #expect(abs(got - exact) <= bound + 2e-5 * magnitude + 1e-6, "\(type) \(isa) row \(row)")
            }
        }
    }

    @Test func badArgumentsGiveNaNNotACrash() {
        var w = [UInt8](repeating: 0, count: 64), a = [UInt8](repeating: 0, count: 256)
        let r = w.withUnsafeMutableBytes { wp in
            a.withUnsafeMutableBytes { ap in tern_vec_dot(TERN_ISA_SCALAR, 3, 33, wp.baseAddress!, ap.baseAddress!) }
        }
        #expect(r.isNaN)
        #expect(tern_vec_dot(TERN_ISA_SCALAR, 9, 32, &w, &a).isNaN)
    }
}
