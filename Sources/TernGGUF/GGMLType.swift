/// A ggml tensor element type, with the raw values ggml writes into GGUF tensor infos.
///
/// Quantized types store elements in fixed-size blocks: `blockSize` elements packed into
/// `blockBytes` bytes. The sizes mirror ggml's type traits (ggml.c / ggml-common.h); raw values
/// missing from the enum (4, 5, 31–33, 36–38) belong to types ggml has removed.
public enum GGMLType: UInt32, Sendable, CaseIterable {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case iq2_XXS = 16
    case iq2_XS = 17
    case iq3_XXS = 18
    case iq1_S = 19
    case iq4_NL = 20
    case iq3_S = 21
    case iq2_S = 22
    case iq4_XS = 23
    case i8 = 24
    case i16 = 25
    case i32 = 26
    case i64 = 27
    case f64 = 28
    case iq1_M = 29
    case bf16 = 30
    case tq1_0 = 34
    case tq2_0 = 35
    case mxfp4 = 39

    /// Number of elements in one block (1 for plain scalar types).
    public var blockSize: Int { Self.layout(self).elements }

    /// Number of bytes one block occupies.
    public var blockBytes: Int { Self.layout(self).bytes }

    /// Whether elements are stored in multi-element quantization blocks.
    public var isQuantized: Bool { blockSize > 1 }

    /// The name ggml uses for the type ("F32", "Q4_1", "IQ2_XXS", ...).
    public var name: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q8_1: "Q8_1"
        case .q2_K: "Q2_K"
        case .q3_K: "Q3_K"
        case .q4_K: "Q4_K"
        case .q5_K: "Q5_K"
        case .q6_K: "Q6_K"
        case .q8_K: "Q8_K"
        case .iq2_XXS: "IQ2_XXS"
        case .iq2_XS: "IQ2_XS"
        case .iq3_XXS: "IQ3_XXS"
        case .iq1_S: "IQ1_S"
        case .iq4_NL: "IQ4_NL"
        case .iq3_S: "IQ3_S"
        case .iq2_S: "IQ2_S"
        case .iq4_XS: "IQ4_XS"
        case .i8: "I8"
        case .i16: "I16"
        case .i32: "I32"
        case .i64: "I64"
        case .f64: "F64"
        case .iq1_M: "IQ1_M"
        case .bf16: "BF16"
        case .tq1_0: "TQ1_0"
        case .tq2_0: "TQ2_0"
        case .mxfp4: "MXFP4"
        }
    }

    /// Looks a type up by its ggml name, ignoring case ("q4_1" finds `.q4_1`).
    public init?(name: String) {
        let wanted = name.uppercased()
        guard let match = Self.allCases.first(where: { $0.name == wanted }) else { return nil }
        self = match
    }

    /// Bytes taken by a row of `elements` elements.
    ///
    /// `elements` must be a multiple of `blockSize`; every row of a tensor the reader accepted is.
    public func rowBytes(_ elements: Int) -> Int {
        elements / blockSize * blockBytes
    }

    /// `rowBytes(elements)`, or nil when it overflows `Int` (for sizes read from untrusted files).
    func checkedRowBytes(_ elements: Int) -> Int? {
        let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: blockBytes)
        return overflow ? nil : bytes
    }

    /// Super-block size of the k-quants and i-quants (ggml's QK_K).
    private static let superBlock = 256

    // Block layouts as (elements, bytes); comments give the fields that make up each byte count.
    private static func layout(_ type: GGMLType) -> (elements: Int, bytes: Int) {
        let k = superBlock
        return switch type {
        case .f32: (1, 4)
        case .f16: (1, 2)
        case .bf16: (1, 2)
        case .f64: (1, 8)
        case .i8: (1, 1)
        case .i16: (1, 2)
        case .i32: (1, 4)
        case .i64: (1, 8)
        case .q4_0: (32, 2 + 16)  // f16 scale, 32 nibbles
        case .q4_1: (32, 2 + 2 + 16)  // f16 scale and min, 32 nibbles
        case .q5_0: (32, 2 + 4 + 16)  // f16 scale, high bits, nibbles
        case .q5_1: (32, 2 + 2 + 4 + 16)  // f16 scale and min, high bits, nibbles
        case .q8_0: (32, 2 + 32)  // f16 scale, 32 int8
        case .q8_1: (32, 2 + 2 + 32)  // f16 scale and sum, 32 int8
        case .iq4_NL: (32, 2 + 16)  // f16 scale, 32 nibble indices
        case .mxfp4: (32, 1 + 16)  // e8m0 exponent, 32 fp4 values
        case .q2_K: (k, 2 + 2 + k / 16 + k / 4)  // d, dmin, scales, 2-bit quants = 84
        case .q3_K: (k, 2 + k / 4 + k / 8 + 12)  // d, quants, high-bit mask, scales = 110
        case .q4_K: (k, 2 + 2 + 12 + k / 2)  // d, dmin, scales, nibbles = 144
        case .q5_K: (k, 2 + 2 + 12 + k / 8 + k / 2)  // d, dmin, scales, high bits, nibbles = 176
        case .q6_K: (k, k / 2 + k / 4 + k / 16 + 2)  // low nibbles, high bits, scales, d = 210
        case .q8_K: (k, 4 + k + k / 8)  // f32 d, int8 quants, int16 group sums = 292
        case .iq2_XXS: (k, 2 + k / 4)  // = 66
        case .iq2_XS: (k, 2 + k / 4 + k / 32)  // = 74
        case .iq2_S: (k, 2 + k / 4 + k / 16)  // = 82
        case .iq3_XXS: (k, 2 + k / 4 + k / 8)  // = 98
        case .iq3_S: (k, 2 + k / 4 + k / 8 + k / 32 + 4)  // = 110
        case .iq1_S: (k, 2 + k / 8 + k / 16)  // = 50
        case .iq1_M: (k, k / 8 + k / 16 + k / 32)  // = 56
        case .iq4_XS: (k, 2 + 2 + k / 64 + k / 2)  // = 136
        case .tq1_0: (k, 2 + 4 * 13)  // base-3 packed trits = 54
        case .tq2_0: (k, 2 + k / 4)  // 2-bit trits = 66
        }
    }
}

extension GGMLType: CustomStringConvertible {
    public var description: String { name }
}
