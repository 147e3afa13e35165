import Foundation

/// Token classifications of one grammar over one vocabulary, computed on first use of a state
/// and shared by every matcher (and thread) using the pair. Memory is bounded: past the budget
/// the cache starts over.
final class MaskCache: @unchecked Sendable {
    static let byteBudget = 128 << 20
    private let lock = NSLock()
    private var entries: [TokenClassification?]
    private var bytes = 0

    init(stateCount: Int) {
        entries = [TokenClassification?](repeating: nil, count: stateCount)
    }

    func classification(of state: Int32, compute: () -> TokenClassification) -> TokenClassification {
        lock.lock()
        let cached = entries[Int(state)]
        lock.unlock()
        if let cached { return cached }
        // Computed outside the lock: two threads may both compute it; either result is right.
        let computed = compute()
        lock.lock()
        if bytes + computed.byteSize > Self.byteBudget {
            for i in entries.indices { entries[i] = nil }
            bytes = 0
        }
        if entries[Int(state)] == nil {
            entries[Int(state)] = computed
            bytes += computed.byteSize
        }
        lock.unlock()
        return computed
    }
}

/// The caches of one grammar, one per vocabulary it is used with.
final class MaskCacheRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var caches: [UInt64: MaskCache] = [:]

    func cache(for trie: VocabularyTrie, stateCount: Int) -> MaskCache {
        lock.lock()
        defer { lock.unlock() }
        if let cache = caches[trie.id] { return cache }
        let cache = MaskCache(stateCount: stateCount)
        caches[trie.id] = cache
        return cache
    }
}
