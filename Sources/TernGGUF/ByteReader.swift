/// Why a low-level read failed; the parser adds the key or tensor it was reading and turns this
/// into a `GGUFError`.
enum ReadFailure: Error {
    case truncated(offset: Int)
    case stringTooLong(offset: Int, length: UInt64)
    case unknownValueType(offset: Int, type: UInt32)
    case arrayTooLong(offset: Int, count: UInt64)
    case nestingTooDeep(offset: Int)
    case invalidBool(offset: Int, value: UInt8)
}

/// A cursor over a byte region that reads little-endian fields, checking every read against the
/// end of the region so no input can make it touch memory outside the file.
struct ByteReader {
    private let base: UnsafeRawPointer
    /// Total bytes in the region.
    let count: Int
    /// Offset of the next byte to read.
    private(set) var position: Int = 0

    /// `bytes` must stay valid while the reader is used (it points into the file mapping).
    init(_ bytes: UnsafeRawBufferPointer) {
        // An empty region never dereferences base: every read fails its bounds check first.
        self.base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        self.count = bytes.count
    }

    var remaining: Int { count - position }

    /// Reads a fixed-width little-endian integer.
    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(ReadFailure) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw .truncated(offset: position) }
        let value = base.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: value)
    }

    /// Reads a GGUF string: a uint64 byte length, then that many UTF-8 bytes (no terminator).
    ///
    /// Built straight from the mapping without an intermediate copy; invalid UTF-8 is repaired
    /// with U+FFFD rather than rejected, as ggml itself does not validate it.
    mutating func readString() throws(ReadFailure) -> String {
        let lengthOffset = position
        let length = try read(UInt64.self)
        guard length <= UInt64(remaining) else { throw .stringTooLong(offset: lengthOffset, length: length) }
        let bytes = UnsafeRawBufferPointer(start: base + position, count: Int(length))
        position += Int(length)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Moves to `offset`, which must lie within the region.
    mutating func seek(to offset: Int) throws(ReadFailure) {
        guard offset >= 0, offset <= count else { throw .truncated(offset: count) }
        position = offset
    }
}
