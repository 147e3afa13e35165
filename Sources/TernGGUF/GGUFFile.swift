import Foundation

/// An open GGUF model file: its validated metadata and tensor table, and the tensor bytes in a
/// read-only memory mapping of the file.
///
/// Opening reads only the header, metadata and tensor infos; tensor data is paged in by the OS
/// when first touched. All validation happens in `init`, so a `GGUFFile` that exists is
/// internally consistent: every tensor's data lies inside the file.
///
/// `@unchecked Sendable` is safe: every stored property is a `let`, the mapping is read-only and
/// is unmapped only when the object is deinitialized, i.e. when no thread can still use it.
public final class GGUFFile: @unchecked Sendable {
    /// The path the file was opened from ("<memory>" for `init(bytes:)`).
    public let path: String
    /// GGUF format version (2 or 3).
    public let version: UInt32
    /// Alignment of tensor data: `general.alignment`, or 32 when absent.
    public let alignment: Int
    /// Size of the file in bytes.
    public let fileSize: Int
    /// Absolute offset of the tensor data section (aligned to `alignment`).
    public let dataOffset: Int
    /// Key-value metadata, in file order.
    public let metadata: GGUFMetadata
    /// Tensor infos, in file order.
    public let tensors: [GGUFTensorInfo]

    private let region: MappedRegion
    private let tensorIndex: [String: Int]

    /// How deeply metadata arrays may nest; deeper nesting is rejected as malformed.
    public static let maximumArrayNesting = ByteReader.maximumArrayNesting

    /// Opens, maps and validates the GGUF file at `path`.
    public convenience init(path: String) throws(GGUFError) {
        try self.init(region: MappedRegion(mapping: path), path: path)
    }

    /// Opens, maps and validates the GGUF file at a file URL.
    public convenience init(contentsOf url: URL) throws(GGUFError) {
        try self.init(path: url.path)
    }

    /// Validates GGUF bytes held in memory (copied), e.g. a file a test built with `GGUFWriter`.
    public convenience init(bytes: [UInt8]) throws(GGUFError) {
        try self.init(region: MappedRegion(copying: bytes), path: "<memory>")
    }

    private init(region: MappedRegion, path: String) throws(GGUFError) {
        // On failure the region is released with this frame, which unmaps it.
        let parsed = try GGUFParser.parse(region.bytes)
        self.region = region
        self.path = path
        self.version = parsed.version
        self.alignment = parsed.alignment
        self.fileSize = region.bytes.count
        self.dataOffset = parsed.dataOffset
        self.metadata = parsed.metadata
        self.tensors = parsed.tensors
        var index: [String: Int] = [:]
        index.reserveCapacity(parsed.tensors.count)
        for (position, tensor) in parsed.tensors.enumerated() {
            index[tensor.name] = position
        }
        self.tensorIndex = index
    }

    /// The tensor named `name`, if the file has one.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The bytes of `tensor`'s data, in its type's block layout, straight from the mapping.
    ///
    /// The buffer is valid only while this `GGUFFile` is alive; keep a reference to the file for
    /// as long as the buffer (or anything derived from it) is used. `tensor` must come from this
    /// file's `tensors`.
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        precondition(
            tensor.offset >= 0 && tensor.byteCount >= 0 && tensor.offset <= fileSize - tensor.byteCount,
            "tensor '\(tensor.name)' does not belong to \(path)")
        return UnsafeRawBufferPointer(rebasing: region.bytes[tensor.offset..<tensor.offset + tensor.byteCount])
    }

    /// The data of the tensor named `name`, if the file has one (see `data(of:)` for lifetime).
    public func data(named name: String) -> UnsafeRawBufferPointer? {
        tensor(named: name).map { data(of: $0) }
    }

    /// All bytes of the file (valid while this object is alive).
    public var bytes: UnsafeRawBufferPointer { region.bytes }

    /// The model architecture, `general.architecture` (e.g. "llama").
    public var architecture: String? { metadata.string("general.architecture") }
}
