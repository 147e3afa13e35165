/// A model's vocabulary prepared for constrained decoding: the byte string of every token
/// arranged as a trie (built once per model and shared by every request), so an allowed-token
/// mask is a walk that advances the grammar once per shared prefix instead of once per token.
public struct GrammarVocabulary: Sendable {
    let trie: VocabularyTrie

    /// - Parameters:
    ///   - tokenBytes: the bytes each token id decodes to (index = token id).
    ///   - endTokens: end-of-generation tokens; allowed exactly when the output is complete.
    ///   - excluded: special or control tokens that are never allowed (nor are tokens with no bytes).
    public init(tokenBytes: [[UInt8]], endTokens: Set<Int32>, excluded: Set<Int32>) {
        trie = VocabularyTrie(tokenBytes: tokenBytes, endTokens: endTokens, excluded: excluded)
    }

    /// The number of token ids.
    public var count: Int { trie.count }
}

/// The trie in preorder arrays: node `i` has byte `nodeByte[i]` at depth `nodeDepth[i]`; its
/// subtree is `i..<nodeSkip[i]`; tokens whose bytes end there are
/// `nodeTokens[nodeTokenOffsets[i]..<nodeTokenOffsets[i+1]]`. Node 0 is the root (no byte).
final class VocabularyTrie: Sendable {
    let id: UInt64
    let count: Int
    let byteOffsets: [Int32]
    let bytes: [UInt8]
    let endTokens: [Int32]
    /// Tokens that are in the trie (not excluded, not end tokens, not empty).
    let inTrie: [Bool]
    let isEnd: [Bool]
    let nodeByte: [UInt8]
    let nodeDepth: [UInt16]
    let nodeSkip: [Int32]
    let nodeTokenOffsets: [Int32]
    let nodeTokens: [Int32]
    let maxDepth: Int

    init(tokenBytes: [[UInt8]], endTokens: Set<Int32>, excluded: Set<Int32>) {
        id = UInt64.random(in: 0 ... .max)
        count = tokenBytes.count
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(count + 1)
        var flat: [UInt8] = []
        flat.reserveCapacity(tokenBytes.reduce(0) { $0 + $1.count })
        for token in tokenBytes {
            flat.append(contentsOf: token)
            offsets.append(Int32(flat.count))
        }
        byteOffsets = offsets
        bytes = flat
        var end = [Bool](repeating: false, count: count)
        for token in endTokens where token >= 0 && Int(token) < count { end[Int(token)] = true }
        isEnd = end
        self.endTokens = endTokens.filter { $0 >= 0 && Int($0) < tokenBytes.count }.sorted()
        var candidates: [Int32] = []
        var member = [Bool](repeating: false, count: count)
        for token in 0..<count where !end[token] && !excluded.contains(Int32(token)) && !tokenBytes[token].isEmpty {
            candidates.append(Int32(token))
            member[token] = true
        }
        inTrie = member
        flat.withUnsafeBufferPointer { all in
            candidates.sort { a, b in
                let (a0, a1) = (Int(offsets[Int(a)]), Int(offsets[Int(a) + 1]))
                let (b0, b1) = (Int(offsets[Int(b)]), Int(offsets[Int(b) + 1]))
                var i = 0
                while a0 + i < a1, b0 + i < b1 {
                    let x = all[a0 + i]
                    let y = all[b0 + i]
                    if x != y { return x < y }
                    i += 1
                }
                return a1 - a0 < b1 - b0 || (a1 - a0 == b1 - b0 && a < b)
            }
        }
        var byteOf: [UInt8] = [0]
        var depthOf: [UInt16] = [0]
        var skip: [Int32] = [0]
        var owners: [(node: Int32, token: Int32)] = []
        var path: [Int32] = [0]
        var previous: ArraySlice<UInt8> = []
        for token in candidates {
            let current = flat[Int(offsets[Int(token)])..<Int(offsets[Int(token) + 1])]
            var common = 0
            while common < previous.count, common < current.count,
                previous[previous.startIndex + common] == current[current.startIndex + common]
            {
                common += 1
            }
            // Close the nodes of the previous path below the common prefix.
            while path.count - 1 > common {
                skip[Int(path.removeLast())] = Int32(byteOf.count)
            }
            for depth in common..<current.count {
                byteOf.append(current[current.startIndex + depth])
                depthOf.append(UInt16(min(depth + 1, Int(UInt16.max))))
                skip.append(0)
                path.append(Int32(byteOf.count - 1))
            }
            owners.append((path[current.count], token))
            previous = current
        }
        while let node = path.popLast() { skip[Int(node)] = Int32(byteOf.count) }
        var tokenOffsets = [Int32](repeating: 0, count: byteOf.count + 1)
        for owner in owners { tokenOffsets[Int(owner.node) + 1] += 1 }
        for i in 0..<byteOf.count { tokenOffsets[i + 1] += tokenOffsets[i] }
        nodeByte = byteOf
        nodeDepth = depthOf
        nodeSkip = skip
        nodeTokenOffsets = tokenOffsets
        nodeTokens = owners.map(\.token)
        maxDepth = Int(depthOf.max() ?? 0)
    }

    var nodeCount: Int { nodeByte.count }

    func tokenBytes(_ token: Int32) -> ArraySlice<UInt8> {
        bytes[Int(byteOffsets[Int(token)])..<Int(byteOffsets[Int(token) + 1])]
    }
}
