extension ByteReader {
    /// How deep arrays may nest before a file is rejected; real files use at most one level, and
    /// the bound keeps crafted input from exhausting the stack through recursion.
    static let maximumArrayNesting = 8

    /// Reads a value type tag.
    mutating func readValueType() throws(ReadFailure) -> GGUFValueType {
        let offset = position
        let raw = try read(UInt32.self)
        guard let type = GGUFValueType(rawValue: raw) else { throw .unknownValueType(offset: offset, type: raw) }
        return type
    }

    /// Reads one value of `type` (the type tag itself already consumed).
    mutating func readValue(of type: GGUFValueType, depth: Int = 0) throws(ReadFailure) -> GGUFValue {
        switch type {
        case .uint8: .uint8(try read(UInt8.self))
        case .int8: .int8(try read(Int8.self))
        case .uint16: .uint16(try read(UInt16.self))
        case .int16: .int16(try read(Int16.self))
        case .uint32: .uint32(try read(UInt32.self))
        case .int32: .int32(try read(Int32.self))
        case .float32: .float32(Float(bitPattern: try read(UInt32.self)))
        case .bool: .bool(try readBool())
        case .string: .string(try readString())
        case .array: .array(try readArray(depth: depth))
        case .uint64: .uint64(try read(UInt64.self))
        case .int64: .int64(try read(Int64.self))
        case .float64: .float64(Double(bitPattern: try read(UInt64.self)))
        }
    }

    private mutating func readBool() throws(ReadFailure) -> Bool {
        let offset = position
        let byte = try read(UInt8.self)
        guard byte <= 1 else { throw .invalidBool(offset: offset, value: byte) }
        return byte == 1
    }

    /// Reads an array body: element type, uint64 count, then the elements.
    ///
    /// The count is checked against what the remaining bytes could hold before any storage is
    /// reserved, so a forged count can never trigger a huge allocation.
    private mutating func readArray(depth: Int) throws(ReadFailure) -> [GGUFValue] {
        let typeOffset = position
        let elementType = try readValueType()
        if elementType == .array && depth >= Self.maximumArrayNesting {
            throw .nestingTooDeep(offset: typeOffset)
        }
        let countOffset = position
        let declared = try read(UInt64.self)
        guard declared <= UInt64(remaining / elementType.minimumEncodedSize) else {
            throw .arrayTooLong(offset: countOffset, count: declared)
        }
        let count = Int(declared)
        var elements: [GGUFValue] = []
        elements.reserveCapacity(count)
        // One switch per array rather than per element keeps 50k-entry vocabularies fast.
        switch elementType {
        case .string:
            for _ in 0..<count { elements.append(.string(try readString())) }
        case .int32:
            for _ in 0..<count { elements.append(.int32(try read(Int32.self))) }
        case .float32:
            for _ in 0..<count { elements.append(.float32(Float(bitPattern: try read(UInt32.self)))) }
        default:
            for _ in 0..<count { elements.append(try readValue(of: elementType, depth: depth + 1)) }
        }
        return elements
    }
}
