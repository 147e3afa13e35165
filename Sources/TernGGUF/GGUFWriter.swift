import Foundation

/// Builds GGUF files (little-endian, version 2 or 3 layout), mainly so tests can make model files.
///
/// Data is written verbatim: the writer does not check a tensor's bytes against its shape, so a
/// test can also build deliberately inconsistent files for the reader to reject.
public struct GGUFWriter: Sendable {
    private struct PendingTensor {
        var name: String
        var type: GGMLType
        var shape: [Int]
        var data: [UInt8]
    }

    /// Version number written in the header. Versions 2 and 3 share one layout, which is what
    /// is written whatever the number (so a test can write an unsupported one).
    public var version: UInt32
    /// Alignment of the tensor data section and of each tensor.
    public let alignment: Int
    private var keys: [String] = []
    private var values: [String: GGUFValue] = [:]
    private var pending: [PendingTensor] = []

    /// A writer for a file of `version`, whose tensor data is aligned to `alignment` bytes.
    ///
    /// A non-default alignment is recorded as `general.alignment` (uint32) unless that key is set
    /// explicitly, in which case the explicit value is written as given.
    public init(version: UInt32 = 3, alignment: Int = 32) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        self.version = version
        self.alignment = alignment
    }

    /// Sets `key` to `value`; a key set again keeps its first position. Array elements must all
    /// have one type (nested arrays may differ from each other).
    public mutating func set(_ key: String, _ value: GGUFValue) {
        precondition(Self.isEncodable(value), "GGUF arrays must be homogeneous: '\(key)'")
        if values.updateValue(value, forKey: key) == nil {
            keys.append(key)
        }
    }

    /// Appends a tensor whose `data` is already in `type`'s block layout; `shape` is in ggml
    /// order (`shape[0]` is the row length).
    public mutating func addTensor(name: String, type: GGMLType, shape: [Int], data: [UInt8]) {
        pending.append(PendingTensor(name: name, type: type, shape: shape, data: data))
    }

    /// The complete file.
    public func serialize() -> [UInt8] {
        var out: [UInt8] = []
        var entries = keys.compactMap { key in values[key].map { (key, $0) } }
        if values[GGUFParser.alignmentKey] == nil && alignment != GGUFParser.defaultAlignment {
            entries.append((GGUFParser.alignmentKey, .uint32(UInt32(alignment))))
        }
        out.append(contentsOf: [0x47, 0x47, 0x55, 0x46])  // "GGUF"
        Self.append(version, to: &out)
        Self.append(UInt64(pending.count), to: &out)
        Self.append(UInt64(entries.count), to: &out)
        for (key, value) in entries {
            Self.appendString(key, to: &out)
            Self.append(value.type.rawValue, to: &out)
            Self.appendValue(value, to: &out)
        }
        var relativeOffset = 0
        for tensor in pending {
            Self.appendString(tensor.name, to: &out)
            Self.append(UInt32(tensor.shape.count), to: &out)
            for dimension in tensor.shape { Self.append(Int64(dimension), to: &out) }
            Self.append(tensor.type.rawValue, to: &out)
            Self.append(UInt64(relativeOffset), to: &out)
            relativeOffset = GGUFParser.alignUp(relativeOffset + tensor.data.count, to: alignment)
        }
        for tensor in pending {
            out.append(contentsOf: repeatElement(0, count: GGUFParser.alignUp(out.count, to: alignment) - out.count))
            out.append(contentsOf: tensor.data)
        }
        if !pending.isEmpty {
            out.append(contentsOf: repeatElement(0, count: GGUFParser.alignUp(out.count, to: alignment) - out.count))
        }
        return out
    }

    /// Writes the file to `path`, replacing any file there.
    public func write(to path: String) throws {
        try Data(serialize()).write(to: URL(fileURLWithPath: path))
    }

    // MARK: - Encoding

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        let utf8 = Array(string.utf8)
        append(UInt64(utf8.count), to: &out)
        out.append(contentsOf: utf8)
    }

    private static func appendValue(_ value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .bool(let v): append(UInt8(v ? 1 : 0), to: &out)
        case .string(let v): appendString(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .array(let elements):
            // An empty array has no element to take a type from; any type reads back the same.
            append((elements.first?.type ?? .uint8).rawValue, to: &out)
            append(UInt64(elements.count), to: &out)
            for element in elements { appendValue(element, to: &out) }
        }
    }

    private static func isEncodable(_ value: GGUFValue) -> Bool {
        guard case .array(let elements) = value, let first = elements.first else { return true }
        return elements.allSatisfy { $0.type == first.type && isEncodable($0) }
    }
}
