/// What one automaton state allows, whatever the stack below it: the tokens it reads entirely
/// within its own frame, and the trie nodes after which the frame can finish (so the rest of a
/// token there depends on the caller and is checked against the real stack).
struct TokenClassification: Sendable {
    /// Accepted tokens as a bitset over the vocabulary, or (when few) as a list.
    var dense: [UInt64] = []
    var sparse: [Int32] = []
    var popPoints: [Int32] = []

    var byteSize: Int { dense.count * 8 + sparse.count * 4 + popPoints.count * 4 + 64 }
}

/// Walks the vocabulary trie while advancing a grammar: one step per trie edge, so tokens
/// that share a prefix share the work, and a rejected prefix drops its whole subtree.
struct TrieWalker {
    let tables: GrammarTables
    let trie: VocabularyTrie
    private var configs: [Int32] = []
    private var configBegin: [Int]
    private var configEnd: [Int]

    init(tables: GrammarTables, trie: VocabularyTrie) {
        self.tables = tables
        self.trie = trie
        configBegin = [Int](repeating: 0, count: trie.maxDepth + 2)
        configEnd = [Int](repeating: 0, count: trie.maxDepth + 2)
    }

    /// Walks the subtree below `node` starting from the stacks `initial` (already closed): sets
    /// the bits of tokens whose bytes can all be read, and (with `recordPops`) records nodes
    /// where a stack finished the frame on `FrameStore.bottom` and the token goes on.
    mutating func walkChildren(
        of node: Int, from initial: [Int32], store: inout FrameStore, accepted: inout [UInt64],
        popPoints: inout [Int32], recordPops: Bool
    ) {
        let base = Int(trie.nodeDepth[node])
        configs.removeAll(keepingCapacity: true)
        configs.append(contentsOf: initial)
        configBegin[base] = 0
        configEnd[base] = configs.count
        var i = node + 1
        let end = Int(trie.nodeSkip[node])
        while i < end {
            let depth = Int(trie.nodeDepth[i])
            let parentEnd = configEnd[depth - 1]
            configs.removeLast(configs.count - parentEnd)
            var flags = FrameStore.Flags()
            let moved = store.step(
                &configs, reading: configBegin[depth - 1]..<parentEnd, trie.nodeByte[i], tables, flags: &flags)
            let skip = Int(trie.nodeSkip[i])
            guard moved else {
                i = skip
                continue
            }
            Self.setTokens(at: i, trie, &accepted)
            let hasChildren = skip > i + 1
            if recordPops, flags.reachedBottom, hasChildren { popPoints.append(Int32(i)) }
            guard configs.count > parentEnd, hasChildren else {
                i = skip
                continue
            }
            configBegin[depth] = parentEnd
            configEnd[depth] = configs.count
            i += 1
        }
    }

    @inline(__always) static func setTokens(at node: Int, _ trie: VocabularyTrie, _ words: inout [UInt64]) {
        for k in Int(trie.nodeTokenOffsets[node])..<Int(trie.nodeTokenOffsets[node + 1]) {
            let token = Int(trie.nodeTokens[k])
            words[token >> 6] |= 1 << UInt64(token & 63)
        }
    }

    /// Classifies every token for `state` with nothing known below it. States that only read
    /// bytes of their own rule (most of them) are walked with table lookups alone.
    static func classify(_ state: Int32, tables: GrammarTables, trie: VocabularyTrie) -> TokenClassification {
        var words = [UInt64](repeating: 0, count: (trie.count + 63) / 64)
        var pops: [Int32] = []
        var store = FrameStore()
        var walker = TrieWalker(tables: tables, trie: trie)

        func general(from node: Int, state: Int32) {
            let mark = store.mark()
            var initial: [Int32] = []
            var flags = FrameStore.Flags()
            store.beginStep()
            store.close(store.intern(state, FrameStore.bottom), tables, into: &initial, flags: &flags)
            if flags.reachedBottom, node != 0 { pops.append(Int32(node)) }
            if !initial.isEmpty {
                walker.walkChildren(
                    of: node, from: initial, store: &store, accepted: &words, popPoints: &pops, recordPops: true)
            }
            store.rollback(to: mark)
        }

        if tables.flags[Int(state)] & GrammarTables.hasCalls != 0 {
            general(from: 0, state: state)
        } else {
            var stateAt = [Int32](repeating: -1, count: trie.maxDepth + 1)
            stateAt[0] = state
            var i = 1
            let end = trie.nodeCount
            while i < end {
                let depth = Int(trie.nodeDepth[i])
                let next = tables.next(stateAt[depth - 1], trie.nodeByte[i])
                let skip = Int(trie.nodeSkip[i])
                if next < 0 {
                    i = skip
                    continue
                }
                setTokens(at: i, trie, &words)
                let flag = tables.flags[Int(next)]
                let hasChildren = skip > i + 1
                if !hasChildren {
                    i = skip
                    continue
                }
                if flag & GrammarTables.hasCalls != 0 {
                    general(from: i, state: next)
                    i = skip
                    continue
                }
                if flag & GrammarTables.isFinal != 0 { pops.append(Int32(i)) }
                if flag & GrammarTables.hasBytes == 0 {
                    i = skip
                    continue
                }
                stateAt[depth] = next
                i += 1
            }
        }
        var result = TokenClassification(popPoints: pops)
        let population = words.reduce(0) { $0 + $1.nonzeroBitCount }
        if population * 4 < words.count * 8 {
            result.sparse.reserveCapacity(population)
            for (index, word) in words.enumerated() {
                var rest = word
                while rest != 0 {
                    result.sparse.append(Int32(index * 64 + rest.trailingZeroBitCount))
                    rest &= rest - 1
                }
            }
        } else {
            result.dense = words
        }
        return result
    }
}
