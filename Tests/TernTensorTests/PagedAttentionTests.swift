import CTernKernels
import Testing

/// The paged attention kernel: every ISA variant must equal the scalar version bit for bit (the
/// scalar version is the llama.cpp order, checked end to end by the model reference tests), and a
/// query's result must not depend on the other queries of the call.
@Suite struct PagedAttentionTests {
    struct Setup {
        var keys: [UInt16]
        var values: [UInt16]
        var queries: [Float]
        var table: [Int32]
        let headDim: Int
        let blockSize: Int
        let kvDim: Int
    }

    static func makeSetup(positions: Int, headDim: Int, blockSize: Int, seed: UInt64) -> Setup {
        var state = seed
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 20_001 - 10_000) / 2_500
        }
        let kvDim = headDim * 2  // two KV heads per row, the test reads the second
        let blocks = (positions + blockSize - 1) / blockSize
        // Blocks in a scrambled order, as a paged cache hands them out.
        let table = (0..<Int32(blocks)).map { ($0 * 7 + 3) % Int32(blocks) }
        var keys = [UInt16](repeating: 0, count: blocks * blockSize * kvDim)
        var values = keys
        for index in 0..<keys.count {
            keys[index] = Float16(next()).bitPattern
            values[index] = Float16(next() / 2).bitPattern
        }
        let queries = (0..<(positions * headDim)).map { _ in next() }
        return Setup(
            keys: keys, values: values, queries: queries, table: table, headDim: headDim, blockSize: blockSize,
            kvDim: kvDim)
    }

    static func run(_ s: Setup, isa: tern_isa, queries: Range<Int>, single: Bool, window: Int32 = 0) -> [Float] {
        let setup = s
        let count = queries.count
        var out = [Float](repeating: .nan, count: count * s.headDim)
        let positions = queries.map { Int32($0) }
        var scratch = [Float](
            repeating: 0, count: Int(tern_attention_scratch_floats(Int32(queries.upperBound + 64), Int32(s.headDim))))
        setup.queries.withUnsafeBufferPointer { q in
            setup.keys.withUnsafeBufferPointer { k in
                setup.values.withUnsafeBufferPointer { v in
                    setup.table.withUnsafeBufferPointer { table in
                        positions.withUnsafeBufferPointer { pos in
                            out.withUnsafeMutableBufferPointer { o in
                                var args = tern_attention_args(
                                    q: q.baseAddress! + queries.lowerBound * s.headDim, q_stride: s.headDim,
                                    q_positions: pos.baseAddress!, q_count: Int32(count), out: o.baseAddress!,
                                    out_stride: s.headDim, k_base: k.baseAddress! + s.headDim,
                                    v_base: v.baseAddress! + s.headDim, block_stride: s.blockSize * s.kvDim,
                                    row_stride: s.kvDim, block_table: table.baseAddress!,
                                    block_size: Int32(s.blockSize),
                                    head_dim: Int32(s.headDim), scale: 0.125, window: window,
                                    single_token: single ? 1 : 0)
                                scratch.withUnsafeMutableBufferPointer { tern_attention(isa, &args, $0.baseAddress!) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    static let isas: [tern_isa] = [TERN_ISA_AVX2, TERN_ISA_AVX512].filter { tern_isa_clamp($0) == $0 }

    @Test(arguments: [
        (64, 16, false), (64, 16, true), (80, 16, true), (80, 16, false), (64, 8, false), (256, 32, true),
        (256, 32, false),
    ])
    func everyISAMatchesScalar(headDim: Int, blockSize: Int, single: Bool) {
        let setup = Self.makeSetup(positions: 150, headDim: headDim, blockSize: blockSize, seed: 11)
        let reference = Self.run(setup, isa: TERN_ISA_SCALAR, queries: 0..<150, single: single)
        #expect(!reference.contains { !$0.isFinite })
        for isa in Self.isas {
            let got = Self.run(setup, isa: isa, queries: 0..<150, single: single)
            #expect(got.map(\.bitPattern) == reference.map(\.bitPattern), "isa \(isa.rawValue)")
        }
    }

    @Test func slidingWindowMatchesScalarAndLimitsTheKeys() {
        let setup = Self.makeSetup(positions: 100, headDim: 64, blockSize: 16, seed: 5)
        let reference = Self.run(setup, isa: TERN_ISA_SCALAR, queries: 0..<100, single: false, window: 20)
        for isa in Self.isas {
            let got = Self.run(setup, isa: isa, queries: 0..<100, single: false, window: 20)
            #expect(got.map(\.bitPattern) == reference.map(\.bitPattern))
        }
        let full = Self.run(setup, isa: TERN_ISA_SCALAR, queries: 0..<100, single: false)
        #expect(Array(reference[0..<(20 * 64)]) == Array(full[0..<(20 * 64)]))
        #expect(Array(reference[(60 * 64)..<(61 * 64)]) != Array(full[(60 * 64)..<(61 * 64)]))
    }

    @Test func aQueryDoesNotDependOnItsNeighbours() {
        let setup = Self.makeSetup(positions: 90, headDim: 64, blockSize: 16, seed: 9)
        for isa in [TERN_ISA_SCALAR] + Self.isas {
            let all = Self.run(setup, isa: isa, queries: 0..<90, single: false)
            // alone, and at each place in a partial group of query rows (the kernels take four at a time)
            for queries in [70..<71, 68..<71, 69..<72, 70..<73] {
                let some = Self.run(setup, isa: isa, queries: queries, single: false)
                let at = 70 - queries.lowerBound
                #expect(Array(all[(70 * 64)..<(71 * 64)]) == Array(some[(at * 64)..<((at + 1) * 64)]), "\(queries)")
            }
        }
    }
}
