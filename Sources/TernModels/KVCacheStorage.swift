/// Memory for a paged KV cache: `blockCount` blocks of `blockSize` token slots per layer, keys
/// and values as fp16 rows of `kvDim` values. Which block belongs to which sequence is the
/// engine's business; the model only reads and writes through block tables.
public final class KVCacheStorage: @unchecked Sendable {
    // Sendable: written only by the model runner inside a forward pass.
    public let layerCount: Int
    public let blockCount: Int
    public let blockSize: Int
    public let kvDim: Int
    /// fp16 elements per block (one layer).
    public let blockStride: Int
    /// fp16 elements per layer.
    public let layerStride: Int
    let keys: UnsafeMutablePointer<UInt16>
    let values: UnsafeMutablePointer<UInt16>

    public init(layerCount: Int, blockCount: Int, blockSize: Int, kvDim: Int) {
        self.layerCount = layerCount
        self.blockCount = blockCount
        self.blockSize = blockSize
        self.kvDim = kvDim
        blockStride = blockSize * kvDim
        layerStride = blockStride * blockCount
        let total = layerStride * layerCount
        keys = .allocate(capacity: max(1, total))
        values = .allocate(capacity: max(1, total))
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// Bytes of cache memory held.
    public var byteCount: Int { 2 * 2 * layerStride * layerCount }

    /// Bytes one token occupies across all layers (keys and values).
    public static func bytesPerToken(layerCount: Int, kvDim: Int) -> Int { 2 * 2 * kvDim * layerCount }

    func keyRow(layer: Int, block: Int32, slot: Int) -> UnsafeMutablePointer<UInt16> {
        keys + layer * layerStride + Int(block) * blockStride + slot * kvDim
    }

    func valueRow(layer: Int, block: Int32, slot: Int) -> UnsafeMutablePointer<UInt16> {
        values + layer * layerStride + Int(block) * blockStride + slot * kvDim
    }
}
