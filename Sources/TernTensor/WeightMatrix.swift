import CTernKernels
import TernGGUF

/// A 2-D weight tensor in the mapped model file: `rows` output features, each a row of `columns`
/// input features stored in the blocks of `type`. No data is copied.
public struct WeightMatrix: @unchecked Sendable {
    // Sendable: points into a read-only mapping that lives as long as the model's GGUFFile.
    public let name: String
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let rowBytes: Int
    public let base: UnsafeRawPointer

    /// A view of `tensor`, which must be 2-D (or 1-D, read as a single row).
    public init(file: GGUFFile, tensor: GGUFTensorInfo) {
        name = tensor.name
        type = tensor.type
        columns = tensor.shape[0]
        rows = tensor.shape.dropFirst().reduce(1, *)
        rowBytes = tensor.type.rowBytes(columns)
        base = UnsafeRawPointer(file.data(of: tensor).baseAddress!)
    }

    /// Whether the kernels can multiply this matrix.
    public var isSupported: Bool { tern_type_supported(Int32(type.rawValue)) != 0 }

    /// Dequantizes row `row` into `destination` (`columns` floats).
    public func dequantizeRow(_ row: Int, into destination: UnsafeMutablePointer<Float>) {
        tern_dequantize_row(Int32(type.rawValue), base + row * rowBytes, destination, Int32(columns))
    }
}
