import CTernKernels
import Testing

@testable import TernTensor

/// Independent Swift decoders written from the ggml block layouts, to check the C dequantizer.
enum ReferenceDecode {
    static func half(_ b: [UInt8], _ o: Int) -> Float { halfToFloat(UInt16(b[o]) | UInt16(b[o + 1]) << 8) }

    static func row(_ type: RawType, _ b: [UInt8], columns: Int) -> [Float] {
        var y = [Float]()
        switch type {
        case .f32:
            for i in 0..<columns {
                let u = (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[4 * i + $1]) << (8 * $1) }
                y.append(Float(bitPattern: u))
            }
        case .f16: for i in 0..<columns { y.append(half(b, 2 * i)) }
        case .bf16:
            for i in 0..<columns { y.append(Float(bitPattern: (UInt32(b[2 * i]) | UInt32(b[2 * i + 1]) << 8) << 16)) }
        case .q8_0:
            for blk in 0..<columns / 32 {
                let o = blk * 34, d = half(b, o)
                for j in 0..<32 { y.append(Float(Int8(bitPattern: b[o + 2 + j])) * d) }
            }
        case .q4_0, .q4_1, .q5_0, .q5_1:
            let size = [RawType.q4_0: 18, .q4_1: 20, .q5_0: 22, .q5_1: 24][type]!
            for blk in 0..<columns / 32 {
                let o = blk * size, d = half(b, o)
                let hasMin = type == .q4_1 || type == .q5_1, five = type == .q5_0 || type == .q5_1
                let m = hasMin ? half(b, o + 2) : 0
                let qhAt = o + (hasMin ? 4 : 2)
                let qh = five ? (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[qhAt + $1]) << (8 * $1) } : 0
                let qs = o + (hasMin ? 4 : 2) + (five ? 4 : 0)
                var vals = [Float](repeating: 0, count: 32)
                for j in 0..<16 {
                    var lo = Int(b[qs + j] & 0xF), hi = Int(b[qs + j] >> 4)
                    if five {
                        lo |= Int((qh >> UInt32(j)) & 1) << 4
                        hi |= Int((qh >> UInt32(j + 16)) & 1) << 4
                    }
                    let off = hasMin ? 0 : (five ? 16 : 8)
                    vals[j] = hasMin ? Float(lo) * d + m : Float(lo - off) * d
                    vals[j + 16] = hasMin ? Float(hi) * d + m : Float(hi - off) * d
                }
                y += vals
            }
        case .q4_K, .q5_K:
            let size = type == .q4_K ? 144 : 176
            for blk in 0..<columns / 256 {
                let o = blk * size, d = half(b, o), dmin = half(b, o + 2), sc = Array(b[(o + 4)..<(o + 16)])
                let qh = type == .q5_K ? Array(b[(o + 16)..<(o + 48)]) : []
                let qs = o + (type == .q5_K ? 48 : 16)
                for j in 0..<8 {
                    let s = j < 4 ? Int(sc[j] & 63) : Int(sc[j + 4] & 0xF) | Int(sc[j - 4] >> 6) << 4
                    let mn = j < 4 ? Int(sc[j + 4] & 63) : Int(sc[j + 4] >> 4) | Int(sc[j] >> 6) << 4
                    for l in 0..<32 {
                        let byte = b[qs + 32 * (j / 2) + l]
                        var q = Int(j % 2 == 0 ? byte & 0xF : byte >> 4)
                        if type == .q5_K { q += Int((qh[l] >> UInt8(j)) & 1) * 16 }
                        y.append(d * Float(s) * Float(q) - dmin * Float(mn))
                    }
                }
            }
        case .q6_K:
            for blk in 0..<columns / 256 {
                let o = blk * 210, d = half(b, o + 208)
                for e in 0..<256 {
                    let n = e / 128, r = e % 128, part = r / 32, l = r % 32
                    let lo = b[o + 64 * n + l + 32 * (part & 1)]
                    let q4 = Int(part < 2 ? lo & 0xF : lo >> 4)
                    let q = q4 | Int((b[o + 128 + 32 * n + l] >> UInt8(2 * part)) & 3) << 4
                    let scale = Int8(bitPattern: b[o + 192 + e / 16])
                    y.append(d * Float(scale) * Float(q - 32))
                }
            }
        }
        return y
    }
}

@Suite struct DequantizeTests {
    @Test(arguments: RawType.allCases)
    func matchesIndependentDecoder(type: RawType) {
        var rng = TestRNG(seed: 7)
        let columns = type.isFloat ? 77 : type.block * 3
        let w = TestWeights(type: type, rows: 3, columns: columns, rng: &rng)
        for r in 0..<3 {
            let expected = ReferenceDecode.row(
                type, Array(w.bytes[(r * w.rowBytes)..<((r + 1) * w.rowBytes)]), columns: columns)
            let got = w.dequantized(row: r)
            // fused multiply-add may round differently from Swift's separate ops in the last bit
            for (a, b) in zip(got, expected) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(type)") }
        }
    }

    @Test(arguments: RawType.allCases)
    func roundTripErrorIsBoundedByTheFormat(type: RawType) {
        var rng = TestRNG(seed: 11)
        let columns = type.isFloat ? 64 : type.block * 2
        let x = rng.floats(columns)
        let rowBytes = try! type.format.weightRowBytes(columns: columns)
        var bytes = [UInt8](repeating: 0, count: rowBytes)
        _ = bytes.withUnsafeMutableBytes {
            tern_quantize_weights_ref(Int32(type.rawValue), x, Int32(columns), $0.baseAddress!)
        }
        var y = [Float](repeating: 0, count: columns)
        _ = bytes.withUnsafeBytes { tern_dequantize_row(Int32(type.rawValue), $0.baseAddress!, &y, Int32(columns)) }
        let tolerance: [RawType: Float] = [
            .f32: 0, .f16: 1e-3, .bf16: 8e-3, .q8_0: 0.01, .q4_0: 0.15, .q4_1: 0.1, .q5_0: 0.07, .q5_1: 0.05,
            .q4_K: 0.15, .q5_K: 0.08, .q6_K: 0.04,
        ]
        let worst = zip(x, y).map { abs($0 - $1) }.max()!
        #expect(worst <= tolerance[type]!, "\(type) worst error \(worst)")
    }
}
