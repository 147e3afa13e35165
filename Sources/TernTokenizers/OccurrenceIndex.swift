/// Finds which of a fixed set of byte strings occur anywhere in a text, in one pass over it.
///
/// Gemma has about 6,400 special tokens; searching the text for each in turn would cost far
/// more than tokenizing it. The patterns are kept sorted, so the ones starting at a position
/// are a contiguous range that each further byte of the text narrows; at most positions the
/// first byte already rules them all out.
struct OccurrenceIndex: Sendable {
    private let patterns: [[UInt8]]
    /// Pattern indices in lexicographic order of their bytes (a prefix before its extensions).
    private let order: [Int32]
    /// Where the patterns starting with each byte begin in `order`; one extra element ends the last.
    private let firstByteStarts: [Int32]

    /// - Parameter patterns: non-empty, distinct byte strings.
    init(_ patterns: [[UInt8]]) {
        self.patterns = patterns
        let order = patterns.indices.map(Int32.init).sorted { first, second in
            patterns[Int(first)].lexicographicallyPrecedes(patterns[Int(second)])
        }
        var counts = [Int32](repeating: 0, count: 257)
        for pattern in patterns {
            if let first = pattern.first { counts[Int(first) + 1] += 1 }
        }
        for byte in 0..<256 { counts[byte + 1] += counts[byte] }
        self.order = order
        self.firstByteStarts = counts
    }

    /// Indices of the patterns that occur in `text`, ascending.
    func occurring(in text: UnsafeBufferPointer<UInt8>) -> [Int] {
        var found: [Int] = []
        var seen: [Bool] = []
        let count = text.count
        for position in 0..<count {
            let first = Int(text[position])
            var lower = Int(firstByteStarts[first])
            var upper = Int(firstByteStarts[first + 1])
            var depth = 1
            while lower < upper {
                // Every pattern in range matches `depth` bytes here; the one that ends there sorts first.
                let candidate = Int(order[lower])
                if patterns[candidate].count == depth {
                    if seen.isEmpty { seen = [Bool](repeating: false, count: patterns.count) }
                    if !seen[candidate] {
                        seen[candidate] = true
                        found.append(candidate)
                    }
                    lower += 1
                }
                guard position + depth < count, lower < upper else { break }
                let byte = text[position + depth]
                lower = boundary(lower, upper, depth: depth) { $0 < byte }
                upper = boundary(lower, upper, depth: depth) { $0 <= byte }
                depth += 1
            }
        }
        return found.sorted()
    }

    /// The first index in `lower..<upper` whose pattern's byte at `depth` fails `isBefore`
    /// (the range is sorted by that byte, and every pattern in it is longer than `depth`).
    private func boundary(_ lower: Int, _ upper: Int, depth: Int, _ isBefore: (UInt8) -> Bool) -> Int {
        var low = lower
        var high = upper
        while low < high {
            let middle = (low + high) / 2
            if isBefore(patterns[Int(order[middle])][depth]) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
