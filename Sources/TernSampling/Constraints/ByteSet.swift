/// A set of byte values, 256 bits. Grammar edges are labelled with these.
struct ByteSet: Hashable, Sendable {
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var w2: UInt64 = 0
    var w3: UInt64 = 0

    init() {}

    init(_ range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    init<S: Sequence>(bytes: S) where S.Element == UInt8 {
        for byte in bytes { insert(byte) }
    }

    static let all: ByteSet = {
        var set = ByteSet()
        set.w0 = .max
        set.w1 = .max
        set.w2 = .max
        set.w3 = .max
        return set
    }()

    var isEmpty: Bool { (w0 | w1 | w2 | w3) == 0 }

    var count: Int { w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount }

    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return w0 & bit != 0
        case 1: return w1 & bit != 0
        case 2: return w2 & bit != 0
        default: return w3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    mutating func formUnion(_ other: ByteSet) {
        w0 |= other.w0
        w1 |= other.w1
        w2 |= other.w2
        w3 |= other.w3
    }

    func intersects(_ other: ByteSet) -> Bool {
        (w0 & other.w0) | (w1 & other.w1) | (w2 & other.w2) | (w3 & other.w3) != 0
    }

    /// The members in increasing order.
    var members: [UInt8] {
        var result: [UInt8] = []
        for (index, word) in [w0, w1, w2, w3].enumerated() {
            var rest = word
            while rest != 0 {
                let bit = rest.trailingZeroBitCount
                result.append(UInt8(index * 64 + bit))
                rest &= rest - 1
            }
        }
        return result
    }
}
