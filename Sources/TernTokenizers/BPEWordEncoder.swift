/// Applies BPE merges to one word, exactly as llama.cpp's `llm_tokenizer_bpe_session` does:
/// symbols in a doubly linked list, candidate pairs in a priority queue ordered by merge rank and
/// then by position, stale candidates skipped when popped. Scratch storage is reused across words.
struct BPEWordEncoder {
    private var symbols: [Int32] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var queue = BigramQueue()

    /// Appends the tokens of `word` (raw bytes) to `output`.
    mutating func encode(_ word: UnsafeBufferPointer<UInt8>, merges: BPEMerges, into output: inout [Int32]) {
        let count = word.count
        guard count > 0 else { return }
        if count == 1 {
            merges.appendTokens(of: merges.byteSymbols[Int(word[0])], to: &output)
            return
        }

        symbols.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        queue.removeAll()
        for index in 0..<count {
            symbols.append(merges.byteSymbols[Int(word[index])])
            previous.append(Int32(index - 1))
            next.append(index + 1 < count ? Int32(index + 1) : -1)
        }
        for index in 1..<count {
            addCandidate(Int32(index - 1), Int32(index), merges)
        }

        while let candidate = queue.popMin() {
            let left = Int(candidate.left)
            let right = Int(candidate.right)
            // Skip candidates whose symbols changed since they were queued.
            guard symbols[left] == candidate.leftSymbol && symbols[right] == candidate.rightSymbol else { continue }
            symbols[left] = candidate.merged
            symbols[right] = -1
            let after = next[right]
            next[left] = after
            if after >= 0 { previous[Int(after)] = candidate.left }
            addCandidate(previous[left], candidate.left, merges)
            addCandidate(candidate.left, after, merges)
        }

        var index: Int32 = 0
        while index >= 0 {
            merges.appendTokens(of: symbols[Int(index)], to: &output)
            index = next[Int(index)]
        }
    }

    @inline(__always)
    private mutating func addCandidate(_ left: Int32, _ right: Int32, _ merges: BPEMerges) {
        guard left >= 0 && right >= 0 else { return }
        let leftSymbol = symbols[Int(left)]
        let rightSymbol = symbols[Int(right)]
        guard let (rank, merged) = merges.merge(leftSymbol, rightSymbol) else { return }
        queue.insert(
            Bigram(
                rank: rank, left: left, right: right, leftSymbol: leftSymbol, rightSymbol: rightSymbol,
                merged: merged))
    }
}

/// A candidate merge of two adjacent symbols.
struct Bigram {
    var rank: Int32
    var left: Int32
    var right: Int32
    var leftSymbol: Int32
    var rightSymbol: Int32
    var merged: Int32

    /// Lower rank first; among equal ranks, the leftmost pair first.
    @inline(__always)
    static func precedes(_ lhs: Bigram, _ rhs: Bigram) -> Bool {
        lhs.rank < rhs.rank || (lhs.rank == rhs.rank && lhs.left < rhs.left)
    }
}

/// A binary min-heap of bigrams.
struct BigramQueue {
    private var heap: [Bigram] = []

    mutating func removeAll() {
        heap.removeAll(keepingCapacity: true)
    }

    mutating func insert(_ bigram: Bigram) {
        heap.append(bigram)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Bigram.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Bigram? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var best = left
            let right = left + 1
            if right < count && Bigram.precedes(heap[right], heap[left]) { best = right }
            guard Bigram.precedes(heap[best], heap[parent]) else { break }
            heap.swapAt(best, parent)
            parent = best
        }
        return top
    }
}
