import CTernKernels

@testable import TernTensor

/// Raw ggml type values (a local mirror: TernGGUF's GGMLType is not on main yet).
enum RawType: UInt32, CaseIterable, Sendable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q4_K = 12, q5_K = 13, q6_K = 14
    case bf16 = 30

    var format: WeightFormat { try! WeightFormat(rawType: rawValue) }
    var isFloat: Bool { self == .f32 || self == .f16 || self == .bf16 }
    var isKQuant: Bool { self == .q4_K || self == .q5_K || self == .q6_K }
    /// Block size used to pick test sizes (float types get odd sizes).
    var block: Int { isFloat ? 1 : (isKQuant ? 256 : 32) }
}

/// The ISAs this CPU can run.
let supportedISAs = KernelISA.allCases.filter(\.isSupported)

/// Deterministic xorshift generator for test data.
struct TestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    mutating func floats(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in float() * scale } }
}

/// A weight matrix quantized with the reference quantizer.
struct TestWeights {
    let type: RawType
    let rows: Int
    let columns: Int
    let rowBytes: Int
    var bytes: [UInt8]

    init(type: RawType, rows: Int, columns: Int, rng: inout TestRNG) {
        self.type = type
        self.rows = rows
        self.columns = columns
        let rowBytes = try! type.format.weightRowBytes(columns: columns)
        self.rowBytes = rowBytes
        var bytes = [UInt8](repeating: 0, count: rowBytes * rows)
        for r in 0..<rows {
            // rows of different magnitude and offset so scales and mins vary
            let x = rng.floats(columns, scale: Float(1 + r % 3)).map { $0 + Float(r % 2) * 0.3 }
            bytes.withUnsafeMutableBytes { buf in
                _ = tern_quantize_weights_ref(Int32(type.rawValue), x, Int32(columns), buf.baseAddress! + r * rowBytes)
            }
        }
        self.bytes = bytes
    }

    func withMatrix<R>(_ body: (QuantizedMatrix) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { buf in
            let m = try! QuantizedMatrix(
                format: type.format, rows: rows, columns: columns, baseAddress: buf.baseAddress!)
            return try body(m)
        }
    }

    func dequantized(row: Int) -> [Float] {
        var out = [Float](repeating: 0, count: columns)
        withMatrix { m in out.withUnsafeMutableBufferPointer { try! m.dequantizeRow(row, into: $0.baseAddress!) } }
        return out
    }

    func rowPointer(_ row: Int, _ body: (UnsafeRawPointer) -> Void) {
        bytes.withUnsafeBytes { body($0.baseAddress! + row * rowBytes) }
    }
}

/// m activation rows quantized for `type` on `isa`.
func makeActivations(_ type: RawType, _ x: [[Float]], isa: KernelISA) -> QuantizedActivations {
    let acts = try! QuantizedActivations(format: type.format, columns: x[0].count, capacity: x.count)
    for (i, row) in x.enumerated() {
        row.withUnsafeBufferPointer { try! acts.quantizeRow(i, from: $0.baseAddress!, isa: isa) }
    }
    return acts
}

/// y[i][j] via the matmul API (all rows).
func matmul(_ w: TestWeights, _ acts: QuantizedActivations, count: Int, isa: KernelISA) -> [Float] {
    var y = [Float](repeating: .nan, count: count * w.rows)
    w.withMatrix { m in
        y.withUnsafeMutableBufferPointer {
            try! m.multiply(
                rows: 0..<w.rows, activations: acts, count: count, into: $0.baseAddress!, rowStride: w.rows, isa: isa)
        }
    }
    return y
}

func bits(_ a: [Float]) -> [UInt32] { a.map(\.bitPattern) }

func halfToFloat(_ h: UInt16) -> Float { Float(Float16(bitPattern: h)) }
