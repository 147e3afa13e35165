/// Follows one generation through a compiled grammar: which tokens may come next, and the
/// state after each chosen token. Every token it allows keeps the output completable, and end
/// tokens are allowed exactly when the output so far is a complete match, so a generation that
/// ends with an end token always satisfies the constraint.
///
/// Typical use per step: `allowedTokens(into:)`, `mask.apply(to: logits)`, sample, `accept(token)`.
public struct GrammarMatcher: Sendable {
    private let tables: GrammarTables
    private let trie: VocabularyTrie
    private let cache: MaskCache
    private var store = FrameStore()
    private var walker: TrieWalker
    /// The current stacks (frame ids), each able to read a byte next.
    private var tops: [Int32] = []
    private var accepting = false
    private var terminated = false
    private var compactAt = 4096
    private var context: [Int32] = []
    private var unusedPops: [Int32] = []

    public init(grammar: CompiledGrammar, vocabulary: GrammarVocabulary) {
        tables = grammar.tables
        trie = vocabulary.trie
        cache = grammar.caches.cache(for: vocabulary.trie, stateCount: grammar.tables.stateCount)
        walker = TrieWalker(tables: tables, trie: trie)
        var flags = FrameStore.Flags()
        store.beginStep()
        store.close(store.intern(tables.rootStart, FrameStore.root), tables, into: &tops, flags: &flags)
        accepting = flags.accepting
    }

    /// Whether the output so far is a complete match (end tokens are allowed now).
    public var isAccepting: Bool { accepting && !terminated }

    /// Whether the output is complete and nothing but an end token may follow.
    public var isComplete: Bool { accepting && tops.isEmpty && !terminated }

    /// Whether an end token was accepted; no token is allowed after it.
    public var isTerminated: Bool { terminated }

    /// Stack frames held (bounded by compaction; for tests).
    var frameCount: Int { store.count }

    /// Fills `mask` with the tokens allowed next (resizing it to the vocabulary). Empty only
    /// after termination, or if the vocabulary cannot spell any continuation.
    public mutating func allowedTokens(into mask: inout TokenMask) {
        mask.reset(count: trie.count)
        guard !terminated else { return }
        if accepting {
            for token in trie.endTokens { mask.insert(token) }
        }
        let mark = store.mark()
        for top in tops {
            let state = store.states[Int(top)]
            let entry = cache.classification(of: state) { [tables, trie] in
                TrieWalker.classify(state, tables: tables, trie: trie)
            }
            if entry.dense.isEmpty {
                for token in entry.sparse { mask.words[Int(token) >> 6] |= 1 << UInt64(token & 63) }
            } else {
                for i in mask.words.indices { mask.words[i] |= entry.dense[i] }
            }
            let parent = store.parents[Int(top)]
            guard !entry.popPoints.isEmpty, parent >= 0 else { continue }
            // Where the state's frame can finish inside a token, the rest of the token is read
            // by the caller's frames: walk those subtrees against the real stack.
            context.removeAll(keepingCapacity: true)
            var flags = FrameStore.Flags()
            store.beginStep()
            store.close(parent, tables, into: &context, flags: &flags)
            guard !context.isEmpty else { continue }
            for point in entry.popPoints {
                walker.walkChildren(
                    of: Int(point), from: context, store: &store, accepted: &mask.words, popPoints: &unusedPops,
                    recordPops: false)
            }
        }
        store.rollback(to: mark)
    }

    /// Advances past `token`. Returns false (and changes nothing) if the token is not allowed.
    public mutating func accept(_ token: Int32) -> Bool {
        guard !terminated, token >= 0, Int(token) < trie.count else { return false }
        if trie.isEnd[Int(token)] {
            guard accepting else { return false }
            terminated = true
            tops = []
            return true
        }
        let mark = store.mark()
        guard let (next, complete) = read(token) else {
            store.rollback(to: mark)
            return false
        }
        tops = next
        accepting = complete
        if store.count > compactAt {
            tops = store.compact(keeping: tops)
            compactAt = max(4096, store.count * 4)
        }
        return true
    }

    /// Whether `token` would be accepted now, without advancing. Cheaper than a full mask when
    /// only one candidate needs checking (e.g. the unconstrained sample, before masking).
    public mutating func allows(_ token: Int32) -> Bool {
        guard !terminated, token >= 0, Int(token) < trie.count else { return false }
        if trie.isEnd[Int(token)] { return accepting }
        let mark = store.mark()
        let ok = read(token) != nil
        store.rollback(to: mark)
        return ok
    }

    /// The stacks after reading the token's bytes, and whether the output is then complete.
    private mutating func read(_ token: Int32) -> (tops: [Int32], accepting: Bool)? {
        guard trie.inTrie[Int(token)] else { return nil }
        var current = tops
        var flags = FrameStore.Flags()
        for byte in trie.tokenBytes(token) {
            let count = current.count
            flags = FrameStore.Flags()
            guard store.step(&current, reading: 0..<count, byte, tables, flags: &flags) else { return nil }
            current.removeFirst(count)
        }
        return (current, flags.accepting)
    }
}
