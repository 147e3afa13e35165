/// Where one tensor lives in a GGUF file and how it is laid out.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name, e.g. "blk.0.attn_q.weight".
    public let name: String
    /// Element type; quantized types are stored as blocks of `type.blockSize` elements.
    public let type: GGMLType
    /// Dimensions in ggml order: `shape[0]` is the innermost, contiguous one (the row length).
    public let shape: [Int]
    /// Absolute byte offset of the tensor's data in the file (data section start plus relative offset).
    public let offset: Int
    /// Bytes of data: `type.rowBytes(shape[0]) * rowCount`.
    public let byteCount: Int

    /// Built only from validated shapes: every dimension positive, products fit in `Int`, and
    /// `shape[0]` a multiple of the type's block size.
    init(name: String, type: GGMLType, shape: [Int], offset: Int, byteCount: Int) {
        self.name = name
        self.type = type
        self.shape = shape
        self.offset = offset
        self.byteCount = byteCount
    }

    /// Total number of elements (product of the shape).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Number of rows: the product of every dimension but the innermost.
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }

    /// Length of one row in elements (`shape[0]`).
    public var rowLength: Int { shape.first ?? 1 }

    /// Bytes of one row.
    public var rowBytes: Int { type.rowBytes(rowLength) }
}
