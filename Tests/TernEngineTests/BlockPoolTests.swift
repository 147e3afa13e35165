import Testing

@testable import TernEngine

@Suite struct BlockPoolTests {
    private func key(_ tokens: [Int32], parent: UInt64 = 0) -> BlockKey { BlockKey(parentHash: parent, tokens: tokens) }

    @Test func allocatesUntilExhaustedThenRefuses() {
        var pool = BlockPool(blockCount: 3)
        let blocks = (0..<3).compactMap { _ in pool.allocate() }
        #expect(Set(blocks).count == 3)
        #expect(pool.allocate() == nil)
        #expect(pool.allocate(1) == nil)
        pool.release(blocks[1])
        #expect(pool.allocate() == blocks[1])
    }

    @Test func allocateManyIsAllOrNothing() {
        var pool = BlockPool(blockCount: 4)
        _ = pool.allocate(3)
        #expect(pool.allocate(2) == nil)
        #expect(pool.availableCount == 1)
    }

    @Test func registeredBlocksAreReusedAfterRelease() {
        var pool = BlockPool(blockCount: 2)
        let block = pool.allocate()!
        pool.register(block, key: key([1, 2]))
        pool.release(block)
        #expect(pool.availableCount == 2)
        #expect(pool.cachedCount == 1)
        #expect(pool.lookup(key([1, 2])) == block)
        #expect(pool.referenceCount(block) == 1)
        #expect(pool.availableCount == 1)
        #expect(pool.lookup(key([1, 3])) == nil)
        #expect(pool.lookup(key([1, 2], parent: 7)) == nil)
    }

    @Test func sharedBlocksCountReferences() {
        var pool = BlockPool(blockCount: 2)
        let block = pool.allocate()!
        pool.register(block, key: key([5]))
        #expect(pool.lookup(key([5])) == block)
        #expect(pool.referenceCount(block) == 2)
        pool.release(block)
        #expect(pool.referenceCount(block) == 1)
        #expect(pool.availableCount == 1)
    }

    @Test func evictsLeastRecentlyReleasedCachedBlockFirst() {
        var pool = BlockPool(blockCount: 2)
        let a = pool.allocate()!
        let b = pool.allocate()!
        pool.register(a, key: key([1]))
        pool.register(b, key: key([2]))
        pool.release(a)
        pool.release(b)
        let reused = pool.allocate()
        #expect(reused == a)
        #expect(pool.lookup(key([1])) == nil)
        #expect(pool.lookup(key([2])) == b)
    }

    @Test func chainHashDependsOnParentAndTokens() {
        #expect(key([1, 2]).chainHash != key([2, 1]).chainHash)
        #expect(key([1, 2], parent: 1).chainHash != key([1, 2], parent: 2).chainHash)
        #expect(key([1, 2]).chainHash == key([1, 2]).chainHash)
    }
}
