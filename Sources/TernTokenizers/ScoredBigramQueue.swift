/// A candidate merge of two neighbouring SentencePiece symbols.
struct ScoredBigram {
    /// Score of the token the two symbols would form.
    var score: Float
    var left: Int32
    var right: Int32
    /// Bytes of the joined text; a pair whose symbols no longer add up to it is stale.
    var length: Int32
    var token: Int32

    /// Whether `self` is merged before `other`: higher score first, then the leftmost pair,
    /// as llama.cpp's `llm_bigram_spm::comparator` orders its priority queue.
    @inline(__always)
    func precedes(_ other: ScoredBigram) -> Bool {
        score > other.score || (score == other.score && left < other.left)
    }
}

/// A binary max-heap of bigrams, best first. Its storage is kept between uses.
struct ScoredBigramQueue {
    private var heap: [ScoredBigram] = []

    mutating func removeAll() {
        heap.removeAll(keepingCapacity: true)
    }

    mutating func push(_ bigram: ScoredBigram) {
        heap.append(bigram)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the best bigram, or nil when empty.
    mutating func popBest() -> ScoredBigram? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let best = heap[0]
        heap[0] = last
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var child = left
            if left + 1 < count && heap[left + 1].precedes(heap[left]) { child = left + 1 }
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            parent = child
        }
        return best
    }
}
