import CTernKernels

/// Size facts of a ggml weight type (identified by its raw `ggml_type` value, the same as
/// `GGMLType.rawValue` in TernGGUF) as the kernels see it.
public struct WeightFormat: Sendable, Hashable {
    /// The raw ggml type value.
    public let rawType: UInt32

    /// Fails for types without kernels.
    public init(rawType: UInt32) throws(KernelError) {
        guard rawType <= UInt32(Int32.max), tern_type_supported(Int32(rawType)) != 0 else {
            throw .unsupportedType(rawType)
        }
        self.rawType = rawType
    }

    var cType: Int32 { Int32(rawType) }

    /// Elements per block (1 for F32/F16/BF16).
    public var blockSize: Int { Int(tern_type_block_size(cType)) }

    /// Weight formats with equal `activationLayout` take the same prepared activations, so
    /// one quantized batch can feed, say, both a Q4_1 and a Q8_0 matrix: 0 for f32 rows
    /// (F32/F16/BF16), 1 for 32-element Q8 blocks (Q4_0/Q4_1/Q5_0/Q5_1/Q8_0), 2 for Q8_K
    /// blocks (Q4_K/Q5_K/Q6_K).
    public var activationLayout: Int { blockSize == 1 ? 0 : (blockSize == 32 ? 1 : 2) }

    /// Bytes of one packed weight row of `columns` elements.
    public func weightRowBytes(columns: Int) throws(KernelError) -> Int {
        try checkColumns(columns)
        return tern_weight_row_bytes(cType, Int32(columns))
    }

    /// Bytes of one activation row prepared for this weight type (a multiple of 64).
    public func activationRowBytes(columns: Int) throws(KernelError) -> Int {
        try checkColumns(columns)
        return tern_act_row_bytes(cType, Int32(columns))
    }

    func checkColumns(_ columns: Int) throws(KernelError) {
        guard columns > 0, columns <= Int(Int32.max), columns % blockSize == 0 else {
            throw .badColumnCount(type: rawType, columns: columns)
        }
    }
}
