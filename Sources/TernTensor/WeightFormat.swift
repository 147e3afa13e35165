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
