/// The coarsest partition of the 256 byte values such that every byte set a grammar uses is a
/// union of classes. Automata step on class ids, so their tables have one column per class.
struct ByteClasses {
    private(set) var classOf = [UInt8](repeating: 0, count: 256)
    private(set) var count = 1

    init(sets: some Sequence<ByteSet>) {
        for set in sets {
            // Split every class into its part inside and outside `set`.
            var renumber: [Int: UInt8] = [:]
            var next = 0
            var newClass = [UInt8](repeating: 0, count: 256)
            for byte in 0..<256 {
                let key = Int(classOf[byte]) * 2 + (set.contains(UInt8(byte)) ? 1 : 0)
                if let id = renumber[key] {
                    newClass[byte] = id
                } else {
                    renumber[key] = UInt8(next)
                    newClass[byte] = UInt8(next)
                    next += 1
                }
            }
            classOf = newClass
            count = next
        }
    }

    /// The classes (as a set of class ids) whose bytes make up `set`.
    func classes(of set: ByteSet) -> ByteSet {
        var result = ByteSet()
        for byte in set.members { result.insert(classOf[Int(byte)]) }
        return result
    }
}
