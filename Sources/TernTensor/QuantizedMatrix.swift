import CTernKernels

/// A borrowed, read-only view of a row-major weight matrix in ggml block layout (for example
/// a tensor inside a mapped GGUF file): `rows` rows (output features) of `columns` elements.
public struct QuantizedMatrix: @unchecked Sendable {
    /// The weight format.
    public let format: WeightFormat
    /// Output features (n).
    public let rows: Int
    /// Input features (k).
    public let columns: Int
    /// Bytes from one row to the next.
    public let rowBytes: Int
    /// Start of row 0; must stay valid while the view is used.
    public let baseAddress: UnsafeRawPointer

    /// Wraps `rows` x `columns` weights at `baseAddress`; `rowBytes` defaults to the packed size.
    public init(
        format: WeightFormat, rows: Int, columns: Int, baseAddress: UnsafeRawPointer, rowBytes: Int? = nil
    ) throws(KernelError) {
        let packed = try format.weightRowBytes(columns: columns)
        let stride = rowBytes ?? packed
        guard rows > 0 else { throw .outOfRange("matrix rows \(rows) must be positive") }
        guard stride >= packed else { throw .outOfRange("row stride \(stride) < packed row size \(packed)") }
        self.format = format
        self.rows = rows
        self.columns = columns
        self.rowBytes = stride
        self.baseAddress = baseAddress
    }

    /// Writes row `row` as `columns` floats (embedding lookup, tests).
    public func dequantizeRow(_ row: Int, into destination: UnsafeMutablePointer<Float>) throws(KernelError) {
        guard row >= 0, row < rows else { throw .outOfRange("row \(row) of \(rows)") }
        _ = tern_dequantize_row(format.cType, baseAddress + row * rowBytes, destination, Int32(columns))
    }

    /// `output[i * rowStride + j] = dot(weight row j, activation row i)` for `j` in `range`
    /// and `i` in `0..<count`. Disjoint ranges may run on different threads at once.
    /// `activations` may have been prepared for any format with the same ``WeightFormat/activationLayout``.
    /// Each output is bit-identical whatever `count` or `range` is (batch invariance).
    public func multiply(
        rows range: Range<Int>, activations: QuantizedActivations, count: Int,
        into output: UnsafeMutablePointer<Float>, rowStride: Int, isa: KernelISA = .active
    ) throws(KernelError) {
        guard range.lowerBound >= 0, range.upperBound <= rows else {
            throw .outOfRange("rows \(range) of \(rows)")
        }
        guard activations.format.activationLayout == format.activationLayout, activations.columns == columns else {
            throw .outOfRange(
                "activations for type \(activations.format.rawType) x \(activations.columns) "
                    + "do not match weights \(format.rawType) x \(columns)")
        }
        guard count >= 0, count <= activations.capacity else {
            throw .outOfRange("\(count) activation rows of \(activations.capacity)")
        }
        guard count <= 1 || rowStride >= rows else { throw .outOfRange("output row stride \(rowStride) < \(rows)") }
        let status = tern_matmul(
            isa.cValue, format.cType, Int32(columns), baseAddress, rowBytes, Int32(range.lowerBound),
            Int32(range.upperBound), activations.baseAddress, activations.rowBytes, Int32(count), output,
            max(rowStride, range.upperBound))
        guard status == 0 else { throw .outOfRange("matmul refused its arguments") }
    }
}
