/// Everything read from a GGUF file's header, metadata and tensor infos.
struct ParsedGGUF {
    var version: UInt32
    var alignment: Int
    var dataOffset: Int
    var metadata: GGUFMetadata
    var tensors: [GGUFTensorInfo]
}

/// Reads and validates the whole structure of a GGUF file held in memory (normally a mapping).
///
/// Validation is complete before anything is returned: every field is bounds-checked, every
/// tensor's data is known to lie inside the file, so later accesses need no checks.
struct GGUFParser {
    static let magic: UInt32 = 0x4655_4747  // "GGUF" read as a little-endian uint32
    static let defaultAlignment = 32
    static let alignmentKey = "general.alignment"

    var reader: ByteReader

    init(_ bytes: UnsafeRawBufferPointer) {
        reader = ByteReader(bytes)
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(GGUFError) -> ParsedGGUF {
        var parser = GGUFParser(bytes)
        return try parser.parse()
    }

    mutating func parse() throws(GGUFError) -> ParsedGGUF {
        let (version, tensorCount, keyCount) = try readHeader()
        let (metadata, alignment) = try readMetadata(count: keyCount)
        let infos = try readTensorInfos(count: tensorCount, alignment: alignment)
        let dataOffset = Self.alignUp(reader.position, to: alignment)
        let tensors = try placeTensors(infos, dataOffset: dataOffset)
        return ParsedGGUF(
            version: version, alignment: alignment, dataOffset: dataOffset, metadata: metadata, tensors: tensors)
    }

    // MARK: - Header

    private mutating func readHeader() throws(GGUFError) -> (version: UInt32, tensors: Int, keys: Int) {
        let found = try headerField(UInt32.self)
        guard found == Self.magic else { throw .badMagic(found: found) }
        let versionOffset = reader.position
        let version = try headerField(UInt32.self)
        guard version == 2 || version == 3 else { throw .unsupportedVersion(version, offset: versionOffset) }
        // The counts are checked against the bytes that are left once both have been read.
        let tensorOffset = reader.position
        let tensorCount = try headerField(UInt64.self)
        let keyOffset = reader.position
        let keyCount = try headerField(UInt64.self)
        // Smallest possible entries: a key-value pair is an 8-byte key length, a 4-byte type tag
        // and a 1-byte value; a tensor info an 8-byte name length, a 4-byte dimension count, one
        // 8-byte dimension, a 4-byte type and an 8-byte offset.
        let left = UInt64(reader.remaining)
        guard keyCount <= left / 13 else {
            throw .implausibleCount(field: "metadata_kv_count", offset: keyOffset, count: keyCount)
        }
        guard tensorCount <= left / 32 else {
            throw .implausibleCount(field: "tensor_count", offset: tensorOffset, count: tensorCount)
        }
        return (version, Int(tensorCount), Int(keyCount))
    }

    private mutating func headerField<T: FixedWidthInteger>(_: T.Type) throws(GGUFError) -> T {
        try readField(T.self, in: .header)
    }

    // MARK: - Metadata

    private mutating func readMetadata(count: Int) throws(GGUFError) -> (GGUFMetadata, alignment: Int) {
        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        // The count is only known to be plausible, so reserve modestly and let storage grow.
        keys.reserveCapacity(min(count, 1024))
        values.reserveCapacity(min(count, 1024))
        var alignmentValueOffset = 0
        for index in 0..<count {
            let keyOffset = reader.position
            let key: String
            do {
                key = try reader.readString()
            } catch {
                throw Self.describe(error, at: .metadataKey(index: index))
            }
            guard values[key] == nil else { throw .duplicateKey(key, offset: keyOffset) }
            do {
                let type = try reader.readValueType()
                if key == Self.alignmentKey { alignmentValueOffset = reader.position }
                values[key] = try reader.readValue(of: type)
            } catch {
                throw Self.describe(error, at: .metadataValue(key: key))
            }
            keys.append(key)
        }
        let alignment = try Self.alignment(values[Self.alignmentKey], offset: alignmentValueOffset)
        return (GGUFMetadata(keys: keys, values: values), alignment)
    }

    private static func alignment(_ value: GGUFValue?, offset: Int) throws(GGUFError) -> Int {
        guard let value else { return defaultAlignment }
        guard case .uint32(let alignment) = value else {
            throw .alignmentWrongType(offset: offset, type: value.type)
        }
        guard alignment != 0, alignment & (alignment - 1) == 0 else {
            throw .invalidAlignment(offset: offset, value: alignment)
        }
        return Int(alignment)
    }

    // MARK: - Helpers

    /// Reads one fixed-width field, reporting a short file as truncation of `location`.
    mutating func readField<T: FixedWidthInteger>(_: T.Type, in location: GGUFLocation) throws(GGUFError) -> T {
        do {
            return try reader.read(T.self)
        } catch {
            throw Self.describe(error, at: location)
        }
    }

    /// Turns a low-level read failure into the public error, naming where it happened.
    static func describe(_ failure: ReadFailure, at location: GGUFLocation) -> GGUFError {
        // Only values have types, arrays and bools, so only their failures need a key.
        let key = if case .metadataValue(let key) = location { key } else { "" }
        return switch failure {
        case .truncated(let offset): .truncated(location, offset: offset)
        case .stringTooLong(let offset, let length): .stringTooLong(location, offset: offset, length: length)
        case .unknownValueType(let offset, let type): .unknownValueType(key: key, offset: offset, type: type)
        case .arrayTooLong(let offset, let count): .arrayTooLong(key: key, offset: offset, count: count)
        case .nestingTooDeep(let offset): .arrayNestingTooDeep(key: key, offset: offset)
        case .invalidBool(let offset, let value): .invalidBool(key: key, offset: offset, value: value)
        }
    }

    /// Rounds `offset` up to a multiple of `alignment` (a power of two); `offset` is at most the
    /// file size, so this cannot overflow.
    static func alignUp(_ offset: Int, to alignment: Int) -> Int {
        (offset + alignment - 1) & ~(alignment - 1)
    }
}
