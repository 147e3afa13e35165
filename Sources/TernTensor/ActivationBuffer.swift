import CTernKernels
import TernGGUF

/// Rows of activations quantized once for the dot-product format that a weight type expects,
/// so every weight block is multiplied against them without re-quantizing.
public final class ActivationBuffer: @unchecked Sendable {
    // Sendable: owned by one model runner; parallel regions only read it after quantization.
    public let weightType: GGMLType
    public let columns: Int
    public let rowBytes: Int
    public private(set) var capacity: Int
    public private(set) var rowCount = 0
    public private(set) var storage: UnsafeMutableRawPointer

    public init(weightType: GGMLType, columns: Int, capacity: Int = 1) {
        self.weightType = weightType
        self.columns = columns
        self.rowBytes = Int(tern_act_row_bytes(Int32(weightType.rawValue), Int32(columns)))
        self.capacity = max(1, capacity)
        storage = UnsafeMutableRawPointer.allocate(byteCount: rowBytes * self.capacity, alignment: 64)
    }

    deinit { storage.deallocate() }

    /// Quantizes `count` rows of `columns` floats (row stride `stride`), in parallel when large.
    public func quantize(
        _ source: UnsafePointer<Float>, rows count: Int, stride: Int, pool: ThreadPool
    ) {
        reserve(count)
        rowCount = count
        let type = Int32(weightType.rawValue)
        let k = Int32(columns)
        let destination = storage
        let rowBytes = rowBytes
        let quantizeRows = { (range: Range<Int>) in
            for row in range {
                tern_quantize_act_row(KernelInfo.isa, type, source + row * stride, k, destination + row * rowBytes)
            }
        }
        if count >= 8 {
            pool.parallelFor(count) { quantizeRows($0) }
        } else {
            quantizeRows(0..<count)
        }
    }

    private func reserve(_ rows: Int) {
        guard rows > capacity else { return }
        storage.deallocate()
        capacity = max(rows, capacity * 2)
        storage = UnsafeMutableRawPointer.allocate(byteCount: rowBytes * capacity, alignment: 64)
    }
}
