/// A tensor info as read, before the data section's start is known.
struct RawTensorInfo {
    var name: String
    var type: GGMLType
    var shape: [Int]
    /// Offset relative to the start of the data section; already checked to fit in `Int`.
    var relativeOffset: Int
    var byteCount: Int
}

extension GGUFParser {
    /// ggml tensors have at most four dimensions (GGML_MAX_DIMS).
    static let maximumDimensions: UInt32 = 4

    mutating func readTensorInfos(count: Int, alignment: Int) throws(GGUFError) -> [RawTensorInfo] {
        var infos: [RawTensorInfo] = []
        var seen: Set<String> = []
        infos.reserveCapacity(min(count, 4096))
        for index in 0..<count {
            let infoOffset = reader.position
            let name: String
            do {
                name = try reader.readString()
            } catch {
                throw Self.describe(error, at: .tensorName(index: index))
            }
            guard seen.insert(name).inserted else { throw .duplicateTensor(name, offset: infoOffset) }
            infos.append(try readTensorInfo(named: name, alignment: alignment))
        }
        return infos
    }

    /// Reads the dimension count, dimensions, type and offset of one tensor, validating each.
    private mutating func readTensorInfo(named name: String, alignment: Int) throws(GGUFError) -> RawTensorInfo {
        let location = GGUFLocation.tensorInfo(name: name)
        let dimensionCountOffset = reader.position
        let dimensionCount = try readField(UInt32.self, in: location)
        guard dimensionCount >= 1, dimensionCount <= Self.maximumDimensions else {
            throw .invalidDimensionCount(tensor: name, offset: dimensionCountOffset, count: dimensionCount)
        }
        let dimensionsOffset = reader.position
        var rawShape: [Int64] = []
        rawShape.reserveCapacity(Int(dimensionCount))
        for _ in 0..<dimensionCount {
            rawShape.append(try readField(Int64.self, in: location))
        }
        let typeOffset = reader.position
        let rawType = try readField(UInt32.self, in: location)
        let offsetOffset = reader.position
        let relativeOffset = try readField(UInt64.self, in: location)

        guard let type = GGMLType(rawValue: rawType) else {
            throw .unknownTensorType(tensor: name, offset: typeOffset, type: rawType)
        }
        guard rawShape.allSatisfy({ $0 > 0 }) else {
            throw .invalidDimension(tensor: name, offset: dimensionsOffset, shape: rawShape)
        }
        let shape = rawShape.map { Int($0) }
        guard shape[0] % type.blockSize == 0 else {
            throw .rowNotMultipleOfBlock(
                tensor: name, offset: dimensionsOffset, rowLength: shape[0], type: type)
        }
        guard let byteCount = Self.byteCount(shape: shape, type: type) else {
            throw .tensorTooLarge(tensor: name, offset: dimensionsOffset, shape: rawShape)
        }
        guard relativeOffset % UInt64(alignment) == 0 else {
            throw .misalignedTensorOffset(
                tensor: name, offset: offsetOffset, tensorOffset: relativeOffset, alignment: alignment)
        }
        // An offset beyond Int range cannot be inside any file; saturate so the bounds check rejects it.
        let offset = Int(exactly: relativeOffset) ?? Int.max
        return RawTensorInfo(name: name, type: type, shape: shape, relativeOffset: offset, byteCount: byteCount)
    }

    /// The tensor's size in bytes, or nil when its element count or byte size overflows `Int`.
    private static func byteCount(shape: [Int], type: GGMLType) -> Int? {
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            elements = product
        }
        guard let rowBytes = type.checkedRowBytes(shape[0]) else { return nil }
        let (bytes, overflow) = rowBytes.multipliedReportingOverflow(by: elements / shape[0])
        return overflow ? nil : bytes
    }

    /// Resolves absolute offsets now that the data section's start is known, and checks that
    /// every tensor's data lies inside the file and that no two tensors share bytes.
    mutating func placeTensors(_ infos: [RawTensorInfo], dataOffset: Int) throws(GGUFError) -> [GGUFTensorInfo] {
        let fileSize = reader.count
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(infos.count)
        for info in infos {
            let (start, startOverflow) = dataOffset.addingReportingOverflow(info.relativeOffset)
            let (end, endOverflow) = start.addingReportingOverflow(info.byteCount)
            guard !startOverflow, !endOverflow, end <= fileSize else {
                throw .tensorDataOutOfBounds(
                    tensor: info.name, offset: startOverflow ? Int.max : start, byteCount: info.byteCount,
                    fileSize: fileSize)
            }
            tensors.append(
                GGUFTensorInfo(
                    name: info.name, type: info.type, shape: info.shape, offset: start, byteCount: info.byteCount)
            )
        }
        try Self.checkNoOverlap(tensors)
        return tensors
    }

    /// Sorts by start (file order breaking ties, so the error names tensors deterministically)
    /// and compares each tensor with the next.
    private static func checkNoOverlap(_ tensors: [GGUFTensorInfo]) throws(GGUFError) {
        let byStart = tensors.indices.sorted { (tensors[$0].offset, $0) < (tensors[$1].offset, $1) }
        for (previous, next) in zip(byStart, byStart.dropFirst())
        where tensors[previous].offset + tensors[previous].byteCount > tensors[next].offset {
            throw .overlappingTensors(
                tensor: tensors[next].name, other: tensors[previous].name, offset: tensors[next].offset)
        }
    }
}
