/// Identity of a full KV block's contents: the tokens in it, the chain hash of every token
/// before it, and how its keys/values were computed, so equal keys mean bit-identical cache
/// contents (same model, same positions, same float order).
public struct BlockKey: Hashable, Sendable {
    public let parentHash: UInt64
    public let tokens: [Int32]
    /// Leading tokens of the block computed in the batched (prompt) float order; the rest were
    /// generated tokens, computed in the one-token order (see `ForwardBatch.promptLengths`).
    public let batchedPrefix: Int

    public init(parentHash: UInt64, tokens: [Int32], batchedPrefix: Int? = nil) {
        self.parentHash = parentHash
        self.tokens = tokens
        self.batchedPrefix = batchedPrefix ?? tokens.count
    }

    /// The chain hash of this block, used as the parent of the next block (FNV-1a, 64-bit).
    public var chainHash: UInt64 {
        var hash = (parentHash ^ 0xcbf2_9ce4_8422_2325) &+ UInt64(batchedPrefix) &* 0x9E37_79B9_7F4A_7C15
        for token in tokens {
            var value = UInt32(bitPattern: token)
            for _ in 0..<4 {
                hash ^= UInt64(value & 0xFF)
                hash &*= 0x0000_0100_0000_01B3
                value >>= 8
            }
        }
        return hash
    }
}

/// Fixed-size KV cache blocks with reference counts and a prefix index.
///
/// A block is free, used (referenced by running requests), or cached: full, indexed by its
/// `BlockKey`, and unreferenced — kept for reuse by a later request with the same prefix and
/// evicted least-recently-used first when the free list runs dry.
public struct BlockPool: Sendable {
    public let blockCount: Int
    private var free: [Int32]
    private var references: [Int32]
    private var keys: [BlockKey?]
    private var index: [BlockKey: Int32] = [:]
    /// Cached, unreferenced blocks in least-recently-released order (value = release stamp).
    private var evictable: [Int32: UInt64] = [:]
    private var evictionOrder: [(block: Int32, stamp: UInt64)] = []
    private var evictionHead = 0
    private var clock: UInt64 = 0

    public private(set) var prefixQueries = 0
    public private(set) var prefixHits = 0

    public init(blockCount: Int) {
        self.blockCount = blockCount
        free = (0..<Int32(blockCount)).reversed()
        references = Array(repeating: 0, count: blockCount)
        keys = Array(repeating: nil, count: blockCount)
    }

    /// Blocks that can be handed out now (free plus evictable cached blocks).
    public var availableCount: Int { free.count + evictable.count }
    /// Blocks referenced by requests.
    public var usedCount: Int { blockCount - availableCount }
    /// Full blocks in the prefix index (referenced or not).
    public var cachedCount: Int { index.count }

    /// Takes a block for new contents, evicting the least recently used cached block if needed.
    public mutating func allocate() -> Int32? {
        if let block = free.popLast() {
            references[Int(block)] = 1
            return block
        }
        while evictionHead < evictionOrder.count {
            let (block, stamp) = evictionOrder[evictionHead]
            evictionHead += 1
            guard evictable[block] == stamp else { continue }
            evictable[block] = nil
            if let key = keys[Int(block)] { index[key] = nil }
            keys[Int(block)] = nil
            references[Int(block)] = 1
            compactEvictionOrder()
            return block
        }
        return nil
    }

    /// Allocates `count` blocks, or none if that many are not available.
    public mutating func allocate(_ count: Int) -> [Int32]? {
        guard count <= availableCount else { return nil }
        return (0..<count).map { _ in allocate()! }
    }

    /// Drops one reference; an unreferenced block becomes cached (if indexed) or free.
    public mutating func release(_ block: Int32) {
        let slot = Int(block)
        references[slot] -= 1
        guard references[slot] == 0 else { return }
        if keys[slot] != nil {
            clock += 1
            evictable[block] = clock
            evictionOrder.append((block, clock))
            purgeStaleEntriesIfLarge()
        } else {
            free.append(block)
        }
    }

    public mutating func release(_ blocks: [Int32]) {
        for block in blocks.reversed() { release(block) }
    }

    /// Records that `block` now holds the full contents `key`, so later requests can share it.
    /// If another block already holds the same contents, the index keeps the existing one.
    public mutating func register(_ block: Int32, key: BlockKey) {
        guard keys[Int(block)] == nil, index[key] == nil else { return }
        keys[Int(block)] = key
        index[key] = block
    }

    /// The cached block holding `key`, now referenced by the caller, if any.
    public mutating func lookup(_ key: BlockKey) -> Int32? {
        prefixQueries += 1
        guard let block = index[key] else { return nil }
        prefixHits += 1
        if references[Int(block)] == 0 { evictable[block] = nil }
        references[Int(block)] += 1
        return block
    }

    /// Reference count of a block (for tests and invariants).
    public func referenceCount(_ block: Int32) -> Int { Int(references[Int(block)]) }

    /// A popular prefix block is reused and released again and again without being evicted, each
    /// time leaving a stale entry behind; dropping them once they outnumber the pool keeps the
    /// order bounded (amortized O(1) per release).
    private mutating func purgeStaleEntriesIfLarge() {
        guard evictionOrder.count - evictionHead > 2 * blockCount + 64 else { return }
        evictionOrder = evictionOrder[evictionHead...].filter { evictable[$0.block] == $0.stamp }
        evictionHead = 0
    }

    private mutating func compactEvictionOrder() {
        if evictionHead > 1024 && evictionHead * 2 > evictionOrder.count {
            evictionOrder.removeFirst(evictionHead)
            evictionHead = 0
        }
    }
}
