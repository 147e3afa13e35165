/// One metadata value of a GGUF file.
///
/// Not `indirect`: the only recursive case holds an `Array`, which already stores its elements
/// out of line, so values stay small and unboxed (the vocabulary arrays hold ~50k of them).
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    /// An array; GGUF arrays are homogeneous, and may nest (each inner array has its own type).
    case array([GGUFValue])
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    /// The GGUF type tag of this value.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .array: .array
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    /// The value of any integer case as `Int`; nil for other cases and for a `uint64` above `Int.max`.
    public var intValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(exactly: v)
        default: nil
        }
    }

    /// The value of any numeric case (integer or float) as `Double`.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        case .uint64(let v): Double(v)
        case .int64(let v): Double(v)
        default: intValue.map(Double.init)
        }
    }

    /// The string of a `.string` value.
    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    /// The flag of a `.bool` value.
    public var boolValue: Bool? {
        if case .bool(let b) = self { b } else { nil }
    }

    /// The elements of an `.array` value.
    public var arrayValue: [GGUFValue]? {
        if case .array(let a) = self { a } else { nil }
    }

    /// The elements of an array whose elements are all strings.
    public var stringArray: [String]? {
        mapArray(\.stringValue)
    }

    /// The elements of an array whose elements are all integers (see `intValue`).
    public var intArray: [Int]? {
        mapArray(\.intValue)
    }

    /// The elements of an array whose elements are all numeric, converted to `Float`.
    public var floatArray: [Float]? {
        mapArray { value in
            if case .float32(let f) = value { return f }
            return value.doubleValue.map(Float.init)
        }
    }

    private func mapArray<T>(_ transform: (GGUFValue) -> T?) -> [T]? {
        guard case .array(let elements) = self else { return nil }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let mapped = transform(element) else { return nil }
            result.append(mapped)
        }
        return result
    }
}

extension GGUFValue: CustomStringConvertible {
    /// A compact rendering for logs and tools; long arrays show their first elements and a count.
    public var description: String {
        switch self {
        case .uint8(let v): "\(v)"
        case .int8(let v): "\(v)"
        case .uint16(let v): "\(v)"
        case .int16(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .float32(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let s): s.debugDescription
        case .uint64(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .float64(let v): "\(v)"
        case .array(let elements):
            if elements.count <= 8 {
                "[" + elements.map(\.description).joined(separator: ", ") + "]"
            } else {
                "[" + elements.prefix(4).map(\.description).joined(separator: ", ")
                    + ", ... (\(elements.count) elements)]"
            }
        }
    }
}
