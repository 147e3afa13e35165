import CTernKernels
import Testing

@testable import TernTensor

@Suite struct MatmulTests {
    /// Odd shapes (partial row groups, short batches, 1..5 blocks) equal looped vec_dot bit for bit.
    @Test(arguments: RawType.allCases)
    func equalsLoopedVecDot(type: RawType) {
        var rng = TestRNG(seed: 17)
        for isa in supportedISAs {
            for (n, m, blocks) in [
                (1, 1, 1), (17, 1, 3), (3, 2, 2), (17, 5, 3), (33, 9, 5), (16, 3, 1), (40, 12, 2), (70, 1, 2),
            ] {
                let columns = type.isFloat ? 29 * blocks : type.block * blocks
                if type.isKQuant && blocks > 3 { continue }  // keep the scalar-heavy K cases small
                let w = TestWeights(type: type, rows: n, columns: columns, rng: &rng)
                let acts = makeActivations(type, (0..<m).map { _ in rng.floats(columns) }, isa: isa)
                let y = matmul(w, acts, count: m, isa: isa)
                var ok = true
                for i in 0..<m {
                    for j in 0..<n
                    where y[i * n + j].bitPattern != DotTests.vecDot(isa, w, row: j, acts, actRow: i).bitPattern {
                        ok = false
                    }
                }
                #expect(ok, "\(type) \(isa) n=\(n) m=\(m) k=\(columns)")
            }
        }
    }

    /// A row's outputs do not depend on the batch it is in (m = 1 vs m = 7 and m = 19), on any
    /// ISA, including k large enough to be processed in several panel chunks.
    @Test(arguments: RawType.allCases)
    func batchInvariance(type: RawType) {
        var rng = TestRNG(seed: 23)
        let columns = type.isFloat ? 333 : (type.isKQuant ? 256 * 7 : 32 * 53)
        let n = 37
        let w = TestWeights(type: type, rows: n, columns: columns, rng: &rng)
        let x = (0..<19).map { _ in rng.floats(columns) }
        for isa in supportedISAs {
            let all = makeActivations(type, x, isa: isa)
            let y19 = matmul(w, all, count: 19, isa: isa)
            let y7 = matmul(w, all, count: 7, isa: isa)
            for i in [0, 3, 6, 18] {
                let one = makeActivations(type, [x[i]], isa: isa)
                let y1 = matmul(w, one, count: 1, isa: isa)
                #expect(bits(y1) == bits(Array(y19[(i * n)..<((i + 1) * n)])), "\(type) \(isa) row \(i) m=19")
                if i < 7 { #expect(bits(y1) == bits(Array(y7[(i * n)..<((i + 1) * n)])), "\(type) \(isa) m=7") }
            }
        }
    }

    /// Row ranges (as threads split them) write only their columns and give the same values.
    @Test func rowRangesComposeAndStayInBounds() throws {
        var rng = TestRNG(seed: 29)
        let type = RawType.q4_1, n = 50, m = 4, columns = 96
        let w = TestWeights(type: type, rows: n, columns: columns, rng: &rng)
        let acts = makeActivations(type, (0..<m).map { _ in rng.floats(columns) }, isa: .active)
        let full = matmul(w, acts, count: m, isa: .active)
        var split = [Float](repeating: -7, count: m * n)
        try w.withMatrix { mat in
            try split.withUnsafeMutableBufferPointer { buf in
                for range in [0..<13, 13..<14, 14..<50] {
                    try mat.multiply(rows: range, activations: acts, count: m, into: buf.baseAddress!, rowStride: n)
                }
            }
        }
        #expect(bits(split) == bits(full))
        var partial = [Float](repeating: -7, count: m * n)
        try w.withMatrix { mat in
            try partial.withUnsafeMutableBufferPointer {
                try mat.multiply(rows: 20..<23, activations: acts, count: m, into: $0.baseAddress!, rowStride: n)
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                #expect(partial[i * n + j] == ((20..<23).contains(j) ? full[i * n + j] : -7))
            }
        }
    }

    /// Q8_0 and Q4_1 share the 32-element activation layout, so one batch feeds both.
    @Test func activationsAreSharedWithinALayout() {
        var rng = TestRNG(seed: 37)
        let w = TestWeights(type: .q8_0, rows: 5, columns: 96, rng: &rng)
        let x = [rng.floats(96), rng.floats(96)]
        let viaQ41 = makeActivations(.q4_1, x, isa: .active), viaQ80 = makeActivations(.q8_0, x, isa: .active)
        #expect(bits(matmul(w, viaQ41, count: 2, isa: .active)) == bits(matmul(w, viaQ80, count: 2, isa: .active)))
    }

    @Test func mismatchedArgumentsThrow() {
        var rng = TestRNG(seed: 31)
        let w = TestWeights(type: .q8_0, rows: 4, columns: 64, rng: &rng)
        let wrongType = makeActivations(.q4_K, [rng.floats(256)], isa: .scalar)
        var y = [Float](repeating: 0, count: 8)
        w.withMatrix { m in
            y.withUnsafeMutableBufferPointer { buf in
                #expect(throws: KernelError.self) {
                    try m.multiply(rows: 0..<4, activations: wrongType, count: 1, into: buf.baseAddress!, rowStride: 4)
                }
                let acts = makeActivations(.q8_0, [rng.floats(64)], isa: .scalar)
                #expect(throws: KernelError.self) {
                    try m.multiply(rows: 0..<5, activations: acts, count: 1, into: buf.baseAddress!, rowStride: 4)
                }
                #expect(throws: KernelError.self) {
                    try m.multiply(rows: 0..<4, activations: acts, count: 2, into: buf.baseAddress!, rowStride: 4)
                }
            }
        }
    }
}
