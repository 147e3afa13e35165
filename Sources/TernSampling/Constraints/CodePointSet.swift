/// A set of Unicode scalar values as sorted, disjoint, non-adjacent ranges. Regex classes are
/// built as these and then turned into UTF-8 byte sequences.
struct CodePointSet: Equatable, Sendable {
    static let maxScalar: UInt32 = 0x10FFFF
    private(set) var ranges: [ClosedRange<UInt32>] = []

    init() {}

    init(_ ranges: [ClosedRange<UInt32>]) {
        self.ranges = ranges
        normalize()
    }

    init(_ scalar: UInt32) { ranges = [scalar...scalar] }

    static let any = CodePointSet([0...maxScalar])

    var isEmpty: Bool { ranges.isEmpty }

    mutating func insert(_ range: ClosedRange<UInt32>) {
        ranges.append(range)
        normalize()
    }

    mutating func formUnion(_ other: CodePointSet) {
        ranges += other.ranges
        normalize()
    }

    func contains(_ scalar: UInt32) -> Bool {
        ranges.contains { $0.contains(scalar) }
    }

    /// Every scalar (0...0x10FFFF) not in the set.
    var inverted: CodePointSet {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            if range.upperBound == Self.maxScalar { return CodePointSet(result) }
            next = range.upperBound + 1
        }
        result.append(next...Self.maxScalar)
        return CodePointSet(result)
    }

    func subtracting(_ other: CodePointSet) -> CodePointSet {
        intersection(other.inverted)
    }

    func intersection(_ other: CodePointSet) -> CodePointSet {
        var result: [ClosedRange<UInt32>] = []
        var i = 0
        var j = 0
        while i < ranges.count, j < other.ranges.count {
            let a = ranges[i]
            let b = other.ranges[j]
            let low = max(a.lowerBound, b.lowerBound)
            let high = min(a.upperBound, b.upperBound)
            if low <= high { result.append(low...high) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return CodePointSet(result)
    }

    private mutating func normalize() {
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1, last.upperBound != .max {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        ranges = merged
    }

    /// The UTF-8 encodings of the set's scalars (surrogates excluded, they have none) as
    /// sequences of byte ranges: each sequence matches exactly the encodings of one sub-range.
    var utf8Sequences: [[ClosedRange<UInt8>]] {
        let encodable = subtracting(CodePointSet([0xD800...0xDFFF]))
        var result: [[ClosedRange<UInt8>]] = []
        for range in encodable.ranges {
            Self.split(range.lowerBound, range.upperBound, into: &result)
        }
        return result
    }

    /// Splits [low, high] until the encodings of both ends differ only in ways a sequence of
    /// independent byte ranges can express (the classic UTF-8 range decomposition).
    private static func split(_ low: UInt32, _ high: UInt32, into result: inout [[ClosedRange<UInt8>]]) {
        if low > high { return }
        for boundary: UInt32 in [0x7F, 0x7FF, 0xFFFF] where low <= boundary && high > boundary {
            split(low, boundary, into: &result)
            split(boundary + 1, high, into: &result)
            return
        }
        if high < 0x80 {
            result.append([UInt8(low)...UInt8(high)])
            return
        }
        let length = encodedLength(low)
        for continuation in 1..<length {
            let mask: UInt32 = (1 << (6 * UInt32(continuation))) - 1
            if low & ~mask != high & ~mask {
                if low & mask != 0 {
                    split(low, low | mask, into: &result)
                    split((low | mask) + 1, high, into: &result)
                    return
                }
                if high & mask != mask {
                    split(low, (high & ~mask) - 1, into: &result)
                    split(high & ~mask, high, into: &result)
                    return
                }
            }
        }
        let a = encode(low)
        let b = encode(high)
        result.append(zip(a, b).map { $0...$1 })
    }

    static func encodedLength(_ scalar: UInt32) -> Int {
        scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x10000 ? 3 : 4
    }

    static func encode(_ scalar: UInt32) -> [UInt8] {
        switch encodedLength(scalar) {
        case 1: return [UInt8(scalar)]
        case 2: return [UInt8(0xC0 | (scalar >> 6)), UInt8(0x80 | (scalar & 0x3F))]
        case 3:
            return [UInt8(0xE0 | (scalar >> 12)), UInt8(0x80 | ((scalar >> 6) & 0x3F)), UInt8(0x80 | (scalar & 0x3F))]
        default:
            return [
                UInt8(0xF0 | (scalar >> 18)), UInt8(0x80 | ((scalar >> 12) & 0x3F)),
                UInt8(0x80 | ((scalar >> 6) & 0x3F)), UInt8(0x80 | (scalar & 0x3F)),
            ]
        }
    }
}
