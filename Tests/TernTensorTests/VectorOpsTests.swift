import CTernKernels
import Foundation
import Testing

@testable import TernTensor

@Suite struct VectorOpsTests {
    static func close(_ a: [Float], _ b: [Float], rel: Float, abs tol: Float = 1e-6) -> Bool {
        zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tol + rel * Swift.abs($1) }
    }

    @Test(arguments: [1, 7, 16, 33, 576])
    func rmsNorm(count: Int) {
        var rng = TestRNG(seed: UInt64(count))
        let x = rng.floats(count, scale: 3), w = rng.floats(count)
        let ms = x.map { Double($0) * Double($0) }.reduce(0, +) / Double(count)
        let inv = Float(1 / (ms + 1e-5).squareRoot())
        let expected = (0..<count).map { x[$0] * inv * w[$0] }
        for isa in supportedISAs {
            var y = [Float](repeating: 0, count: count)
            VectorOps.rmsNorm(x, weight: w, into: &y, count: count, eps: 1e-5, isa: isa)
            #expect(Self.close(y, expected, rel: 1e-5), "\(isa)")
            var inPlace = x
            inPlace.withUnsafeMutableBufferPointer {
                VectorOps.rmsNorm(
                    $0.baseAddress!, weight: nil, into: $0.baseAddress!, count: count, eps: 1e-5, isa: isa)
            }
            #expect(Self.close(inPlace, x.map { $0 * inv }, rel: 1e-5), "\(isa) in place")
        }
    }

    @Test(arguments: [1, 5, 16, 50, 1000])
    func softmax(count: Int) {
        var rng = TestRNG(seed: UInt64(count) + 100)
        var x = rng.floats(count, scale: 20)
        if count > 3 { x[2] = -.infinity }  // masked position
        let mx = x.max()!
        let e = x.map { Double(exp($0 - mx)) }
        let sum = e.reduce(0, +)
        let expected = e.map { Float($0 / sum) }
        for isa in supportedISAs {
            var y = x
            VectorOps.softmax(&y, count: count, isa: isa)
            #expect(Self.close(y, expected, rel: 2e-6, abs: 1e-9), "\(isa)")
            if count > 3 { #expect(y[2] == 0) }
        }
    }

    @Test(arguments: [3, 16, 100])
    func gatedActivations(count: Int) {
        var rng = TestRNG(seed: UInt64(count) + 200)
        var a = rng.floats(count, scale: 8)
        a[0] = -100  // saturation ends of exp
        a[1] = 100
        let b = rng.floats(count, scale: 2)
        let silu = (0..<count).map { a[$0] / (1 + exp(-a[$0])) * b[$0] }
        let c: Float = 0.7978845608028654
        let gelu = (0..<count).map { i -> Float in
            let x = a[i]
            return 0.5 * x * (1 + tanh(c * (x + 0.044715 * x * x * x))) * b[i]
        }
        for isa in supportedISAs {
            var y = [Float](repeating: 0, count: count)
            VectorOps.siluMul(a, b, into: &y, count: count, isa: isa)
            #expect(Self.close(y, silu, rel: 3e-6, abs: 1e-6), "silu \(isa)")
            VectorOps.geluTanhMul(a, b, into: &y, count: count, isa: isa)
            #expect(Self.close(y, gelu, rel: 3e-6, abs: 1e-6), "gelu \(isa)")
        }
    }

    @Test(arguments: [1, 15, 64, 1001])
    func dotAndAxpy(count: Int) {
        var rng = TestRNG(seed: UInt64(count) + 300)
        let a = rng.floats(count), b = rng.floats(count)
        let exact = zip(a, b).map { Double($0) * Double($1) }.reduce(0, +)
        let magnitude = zip(a, b).map { Swift.abs(Double($0) * Double($1)) }.reduce(0, +)
        for isa in supportedISAs {
            let d = VectorOps.dot(a, b, count: count, isa: isa)
            #expect(Swift.abs(Double(d) - exact) <= 1e-6 * magnitude + 1e-7, "\(isa)")
            var y = b
            VectorOps.axpy(0.75, a, &y, count: count, isa: isa)
            #expect(Self.close(y, (0..<count).map { b[$0] + 0.75 * a[$0] }, rel: 1e-6), "\(isa)")
        }
    }

    @Test func halfConversionsRoundToNearestEvenOnEveryISA() {
        var rng = TestRNG(seed: 400)
        var x = rng.floats(200, scale: 70000)
        x += [0, -0, 1e-8, -3e-6, 6.1e-5, 65504, 65519, 65520, 1e6, .infinity, -.infinity, 2.9802322e-08, 5.96e-8]
        x += rng.floats(37, scale: 1e-4)
        let expected = x.map { Float16($0).bitPattern }
        for isa in supportedISAs {
            var h = [UInt16](repeating: 0, count: x.count)
            VectorOps.toHalf(x, into: &h, count: x.count, isa: isa)
            #expect(h == expected, "\(isa)")
            var back = [Float](repeating: 0, count: x.count)
            VectorOps.fromHalf(h, into: &back, count: x.count, isa: isa)
            #expect(bits(back) == bits(expected.map { Float(Float16(bitPattern: $0)) }), "\(isa)")
        }
    }

    @Test(arguments: [KVElement.f32, .f16])
    func attentionMatchesStraightforwardMath(element: KVElement) throws {
        var rng = TestRNG(seed: 500)
        let hd = 64, n = 37, rowFloats = 80  // rows padded: strides differ from head_dim
        let q = rng.floats(hd)
        let kf = rng.floats(n * rowFloats), vf = rng.floats(n * rowFloats)
        // the f16 cache holds rounded values; the reference uses the same rounded values
        let kUsed = element == .f16 ? kf.map { Float(Float16($0)) } : kf
        let vUsed = element == .f16 ? vf.map { Float(Float16($0)) } : vf
        let scale: Float = 0.125
        var s = (0..<n).map { t in scale * (0..<hd).map { q[$0] * kUsed[t * rowFloats + $0] }.reduce(0, +) }
        let mx = s.max()!
        s = s.map { exp($0 - mx) }
        let sum = s.reduce(0, +)
        let expected = (0..<hd).map { d in (0..<n).map { s[$0] / sum * vUsed[$0 * rowFloats + d] }.reduce(0, +) }
        for isa in supportedISAs {
            var out = [Float](repeating: .nan, count: hd), scores = [Float](repeating: 0, count: n)
            if element == .f32 {
                try Attention.attendHead(
                    query: q, keys: kf, keyRowBytes: 4 * rowFloats, values: vf, valueRowBytes: 4 * rowFloats,
                    element: .f32, count: n, headDim: hd, scale: scale, scores: &scores, into: &out, isa: isa)
            } else {
                let kh = kf.map { Float16($0).bitPattern }, vh = vf.map { Float16($0).bitPattern }
                try Attention.attendHead(
                    query: q, keys: kh, keyRowBytes: 2 * rowFloats, values: vh, valueRowBytes: 2 * rowFloats,
                    element: .f16, count: n, headDim: hd, scale: scale, scores: &scores, into: &out, isa: isa)
            }
            #expect(Self.close(out, expected, rel: 1e-4, abs: 1e-5), "\(isa)")
            #expect(Swift.abs(scores.reduce(0, +) - 1) < 1e-5)
        }
    }

    /// Rotary embedding: every ISA gives exactly llama.cpp's rounding (one product rounded, the
    /// other fused), for both pair layouts and a partial rotation (dims < head_dim).
    @Test(arguments: [(64, 64, false), (64, 64, true), (80, 32, false), (256, 256, true)])
    func ropeMatchesTheFusedFormula(headDim: Int, dims: Int, neox: Bool) {
        var rng = TestRNG(seed: UInt64(headDim + dims))
        let heads = 3
        let x = rng.floats(heads * headDim, scale: 4)
        let table = rng.floats(dims)  // any cos, sin values: the arithmetic is what is checked
        var expected = x
        for head in 0..<heads {
            for pair in 0..<(dims / 2) {
                let (i, j) = neox ? (pair, pair + dims / 2) : (2 * pair, 2 * pair + 1)
                let c = table[2 * pair], s = table[2 * pair + 1]
                let x0 = x[head * headDim + i], x1 = x[head * headDim + j]
                expected[head * headDim + i] = (-(s * x1)).addingProduct(c, x0)
                expected[head * headDim + j] = (c * x1).addingProduct(s, x0)
            }
        }
        for isa in supportedISAs {
            var y = x
            y.withUnsafeMutableBufferPointer { out in
                table.withUnsafeBufferPointer {
                    tern_rope_f32(
                        isa.cValue, out.baseAddress!, Int32(heads), Int32(headDim), Int32(dims), $0.baseAddress!,
                        neox ? 1 : 0)
                }
            }
            #expect(y.map(\.bitPattern) == expected.map(\.bitPattern), "\(isa)")
        }
    }
}
