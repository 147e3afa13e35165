import CTernKernels

/// A batch of activation rows prepared (quantized) for one weight type: the right-hand side
/// of ``QuantizedMatrix/multiply(rows:activations:count:into:rowStride:isa:)``.
///
/// Owns 64-byte aligned storage for `capacity` rows. Quantizing distinct rows from several
/// threads at once is safe; the caller orders quantization before the matmuls that read it.
public final class QuantizedActivations: @unchecked Sendable {
    /// The weight format these rows are prepared for.
    public let format: WeightFormat
    /// Elements per row (k).
    public let columns: Int
    /// Rows the storage holds.
    public let capacity: Int
    /// Bytes from one row to the next.
    public let rowBytes: Int
    /// Start of row 0.
    public let baseAddress: UnsafeMutableRawPointer

    /// Allocates room for `capacity` rows of `columns` elements prepared for `format`.
    public init(format: WeightFormat, columns: Int, capacity: Int) throws(KernelError) {
        guard capacity > 0 else { throw .outOfRange("activation capacity \(capacity) must be positive") }
        self.rowBytes = try format.activationRowBytes(columns: columns)
        self.format = format
        self.columns = columns
        self.capacity = capacity
        self.baseAddress = UnsafeMutableRawPointer.allocate(byteCount: rowBytes * capacity, alignment: 64)
        baseAddress.initializeMemory(as: UInt8.self, repeating: 0, count: rowBytes * capacity)
    }

    deinit { baseAddress.deallocate() }

    /// Quantizes `columns` floats at `source` into row `row`.
    public func quantizeRow(_ row: Int, from source: UnsafePointer<Float>, isa: KernelISA = .active)
        throws(KernelError)
    {
        guard row >= 0, row < capacity else { throw .outOfRange("activation row \(row) of \(capacity)") }
        _ = tern_quantize_act_row(
            isa.cValue, format.cType, source, Int32(columns), baseAddress + row * rowBytes)
    }

    /// Quantizes `count` rows, `sourceRowStride` floats apart, into rows `0..<count`.
    public func quantize(
        _ source: UnsafePointer<Float>, count: Int, sourceRowStride: Int, isa: KernelISA = .active
    ) throws(KernelError) {
        guard count >= 0, count <= capacity else { throw .outOfRange("\(count) activation rows of \(capacity)") }
        guard count <= 1 || sourceRowStride >= columns else {
            throw .outOfRange("source row stride \(sourceRowStride) < \(columns) columns")
        }
        for row in 0..<count {
            try quantizeRow(row, from: source + row * sourceRowStride, isa: isa)
        }
    }
}
