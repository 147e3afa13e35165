/// The part of a GGUF file that was being read when a problem was found.
public enum GGUFLocation: Sendable, Equatable, CustomStringConvertible {
    /// Magic, version and the two counts.
    case header
    /// The key string of the metadata entry at `index` (its name is not known yet).
    case metadataKey(index: Int)
    /// The type tag or value of the metadata entry named `key`.
    case metadataValue(key: String)
    /// The name of the tensor info at `index` (its name is not known yet).
    case tensorName(index: Int)
    /// The dimensions, type or offset of the tensor info named `name`.
    case tensorInfo(name: String)

    public var description: String {
        switch self {
        case .header: "header"
        case .metadataKey(let index): "key of metadata entry #\(index)"
        case .metadataValue(let key): "value of metadata key '\(key)'"
        case .tensorName(let index): "name of tensor info #\(index)"
        case .tensorInfo(let name): "info of tensor '\(name)'"
        }
    }
}

/// Everything that can be wrong with a GGUF file. Every case says where: the key or tensor
/// concerned and `offset`, the byte offset in the file of the field at fault.
public enum GGUFError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or its size read (`errno` from the system call).
    case cannotOpen(path: String, errno: Int32)
    /// The file could not be memory-mapped.
    case cannotMap(path: String, errno: Int32)
    /// The first four bytes are not "GGUF" (the bytes found, read little-endian, are in `found`).
    case badMagic(found: UInt32)
    /// A version other than 2 or 3 (version 1 used 32-bit lengths and is not read).
    case unsupportedVersion(UInt32, offset: Int)
    /// The file ends inside `location`, at `offset`.
    case truncated(GGUFLocation, offset: Int)
    /// A string's length (read at `offset`) runs past the end of the file.
    case stringTooLong(GGUFLocation, offset: Int, length: UInt64)
    /// The tensor count or metadata count at `offset` is more than the remaining bytes could hold.
    case implausibleCount(field: String, offset: Int, count: UInt64)
    /// A metadata value (or array element) type tag that GGUF does not define.
    case unknownValueType(key: String, offset: Int, type: UInt32)
    /// An array's element count (read at `offset`) is more than the remaining bytes could hold.
    case arrayTooLong(key: String, offset: Int, count: UInt64)
    /// Arrays nested deeper than `GGUFFile.maximumArrayNesting`.
    case arrayNestingTooDeep(key: String, offset: Int)
    /// A bool byte other than 0 or 1.
    case invalidBool(key: String, offset: Int, value: UInt8)
    /// The same metadata key appears twice; `offset` is that of the second occurrence.
    case duplicateKey(String, offset: Int)
    /// `general.alignment` is not a uint32.
    case alignmentWrongType(offset: Int, type: GGUFValueType)
    /// `general.alignment` is zero or not a power of two.
    case invalidAlignment(offset: Int, value: UInt32)
    /// The same tensor name appears twice; `offset` is that of the second tensor info.
    case duplicateTensor(String, offset: Int)
    /// A tensor's ggml type is not one `GGMLType` knows.
    case unknownTensorType(tensor: String, offset: Int, type: UInt32)
    /// A tensor with no dimensions or more than four.
    case invalidDimensionCount(tensor: String, offset: Int, count: UInt32)
    /// A tensor dimension that is zero or negative (as int64).
    case invalidDimension(tensor: String, offset: Int, shape: [Int64])
    /// A tensor whose element count or byte size overflows.
    case tensorTooLarge(tensor: String, offset: Int, shape: [Int64])
    /// A tensor whose row length is not a multiple of its type's block size.
    case rowNotMultipleOfBlock(tensor: String, offset: Int, rowLength: Int, type: GGMLType)
    /// A tensor's relative data offset is not a multiple of the file's alignment.
    case misalignedTensorOffset(tensor: String, offset: Int, tensorOffset: UInt64, alignment: Int)
    /// A tensor's data (absolute start `offset`, `byteCount` long) ends past the end of the file.
    case tensorDataOutOfBounds(tensor: String, offset: Int, byteCount: Int, fileSize: Int)
    /// Two tensors' data overlap; `offset` is the absolute start of `tensor`'s data.
    case overlappingTensors(tensor: String, other: String, offset: Int)

    public var description: String {
        "GGUF: " + message
    }

    private var message: String {
        switch self {
        case .cannotOpen(let path, let code): "cannot open '\(path)' (errno \(code))"
        case .cannotMap(let path, let code): "cannot memory-map '\(path)' (errno \(code))"
        case .badMagic(let found): "bad magic 0x\(String(found, radix: 16)) at byte 0, expected \"GGUF\""
        case .unsupportedVersion(let version, let offset): versionMessage(version, offset)
        case .truncated(let location, let offset): "file ends in the \(location) at byte \(offset)"
        case .stringTooLong(let location, let offset, let length):
            "string of \(length) bytes in the \(location) at byte \(offset) runs past the end of the file"
        case .implausibleCount(let field, let offset, let count):
            "\(field) \(count) at byte \(offset) is more than the file could hold"
        case .unknownValueType(let key, let offset, let type):
            "unknown value type \(type) for key '\(key)' at byte \(offset)"
        case .arrayTooLong(let key, let offset, let count):
            "array of \(count) elements for key '\(key)' at byte \(offset) is longer than the file could hold"
        case .arrayNestingTooDeep(let key, let offset): "arrays nested too deep for key '\(key)' at byte \(offset)"
        case .invalidBool(let key, let offset, let value):
            "bool byte \(value) (not 0 or 1) for key '\(key)' at byte \(offset)"
        case .duplicateKey(let key, let offset): "duplicate metadata key '\(key)' at byte \(offset)"
        case .alignmentWrongType(let offset, let type):
            "general.alignment at byte \(offset) is a \(type), expected uint32"
        case .invalidAlignment(let offset, let value):
            "general.alignment \(value) at byte \(offset) is not a non-zero power of two"
        case .duplicateTensor(let name, let offset): "duplicate tensor '\(name)' at byte \(offset)"
        case .unknownTensorType(let name, let offset, let type):
            "tensor '\(name)' has unknown ggml type \(type) at byte \(offset)"
        case .invalidDimensionCount(let name, let offset, let count):
            "tensor '\(name)' has \(count) dimensions at byte \(offset), expected 1 to 4"
        case .invalidDimension(let name, let offset, let shape):
            "tensor '\(name)' has a zero or negative dimension in \(shape) at byte \(offset)"
        case .tensorTooLarge(let name, let offset, let shape):
            "tensor '\(name)' with shape \(shape) at byte \(offset) is too large"
        case .rowNotMultipleOfBlock(let name, let offset, let rowLength, let type):
            "tensor '\(name)' row length \(rowLength) at byte \(offset) is not a multiple of "
                + "\(type.name)'s block size \(type.blockSize)"
        case .misalignedTensorOffset(let name, let offset, let tensorOffset, let alignment):
            "tensor '\(name)' data offset \(tensorOffset) at byte \(offset) is not a multiple of \(alignment)"
        case .tensorDataOutOfBounds(let name, let offset, let byteCount, let fileSize):
            "tensor '\(name)' data (\(byteCount) bytes at byte \(offset)) runs past the end of the "
                + "\(fileSize)-byte file"
        case .overlappingTensors(let name, let other, let offset):
            "tensor '\(name)' data at byte \(offset) overlaps tensor '\(other)'"
        }
    }

    private func versionMessage(_ version: UInt32, _ offset: Int) -> String {
        if version == 1 {
            return "GGUF version 1 (at byte \(offset)) is not supported; convert the file to version 3"
        }
        if (1...3).contains(version.byteSwapped) {
            return "big-endian GGUF files are not supported (version field at byte \(offset))"
        }
        return "unsupported GGUF version \(version) at byte \(offset), expected 2 or 3"
    }
}
