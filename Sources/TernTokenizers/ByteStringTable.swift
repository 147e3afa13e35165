/// Interns byte strings to dense ids (0, 1, 2, … in insertion order) with open addressing.
///
/// Keys are compared as bytes, not as Swift `String`s: `String` equality is canonical
/// equivalence, which would merge distinct vocabulary entries such as a precomposed "é" and
/// "e" + U+0301. All keys live in one arena, so loading a 50k-token vocabulary makes no per-key
/// allocation and lookups can take a slice of a larger buffer.
struct ByteStringTable: Sendable {
    private var arena: [UInt8] = []
    /// Arena offset where each key starts; one extra element marks where the last key ends.
    private var starts: [Int32] = [0]
    private var hashes: [UInt32] = []
    /// Slot → key id, or -1 when empty. Its count is a power of two.
    private var slots: [Int32]

    init(minimumCapacity: Int = 16) {
        var size = 16
        while size < minimumCapacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        arena.reserveCapacity(minimumCapacity * 8)
        starts.reserveCapacity(minimumCapacity + 1)
        hashes.reserveCapacity(minimumCapacity)
    }

    /// Number of interned keys.
    var count: Int { hashes.count }

    /// The bytes of key `id`.
    func key(_ id: Int32) -> ArraySlice<UInt8> {
        arena[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])]
    }

    /// Length in bytes of key `id`.
    func keyLength(_ id: Int32) -> Int {
        Int(starts[Int(id) + 1] - starts[Int(id)])
    }

    /// The id of `bytes`, or nil when it was never interned.
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            if hashes[Int(id)] == hash && keyEquals(id, bytes) { return id }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `bytes`, or nil when it was never interned.
    func find(_ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBufferPointer { find($0) }
    }

    /// Interns `bytes`, returning its id and whether it was new.
    @discardableResult
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: Int32, inserted: Bool) {
        if (hashes.count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if hashes[Int(id)] == hash && keyEquals(id, bytes) { return (id, false) }
            slot = (slot + 1) & mask
        }
        let id = Int32(hashes.count)
        arena.append(contentsOf: bytes)
        starts.append(Int32(arena.count))
        hashes.append(hash)
        slots[slot] = id
        return (id, true)
    }

    /// Interns `bytes`, returning its id and whether it was new.
    @discardableResult
    mutating func insert(_ bytes: [UInt8]) -> (id: Int32, inserted: Bool) {
        bytes.withUnsafeBufferPointer { insert($0) }
    }

    private func keyEquals(_ id: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[Int(id)])
        let end = Int(starts[Int(id) + 1])
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { stored in
            var index = 0
            while index < bytes.count {
                if stored[start + index] != bytes[index] { return false }
                index += 1
            }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(hash) & mask
            while newSlots[slot] >= 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Int32(id)
        }
        slots = newSlots
    }

    /// FNV-1a, finished with a multiply-xorshift so that short keys spread over the low bits.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        value ^= value >> 29
        value = value &* 0xbf58_476d_1ce4_e5b9
        value ^= value >> 32
        return UInt32(truncatingIfNeeded: value)
    }
}
