/// The parser's stacks, stored as a forest of interned frames: a frame is (automaton state,
/// parent frame), and equal stacks get the same id, so a set of stacks is a set of ids and
/// stays small even when the grammar is ambiguous. Parents are always older than children.
struct FrameStore {
    /// The parent of the root rule's frame: popping into it means the output is complete.
    static let root: Int32 = -1
    /// Stand-in for "whatever is below" while classifying tokens for one state in isolation.
    static let bottom: Int32 = -2

    /// What a closure ran into besides readable frames.
    struct Flags {
        /// The root rule finished: the output so far is a complete match.
        var accepting = false
        /// The frame on `bottom` finished: what comes next depends on the context.
        var reachedBottom = false
    }

    private(set) var states: [Int32] = []
    private(set) var parents: [Int32] = []
    private var index: [UInt64: Int32] = [:]
    private var visited: [UInt32] = []
    private var stamp: UInt32 = 0
    private var work: [Int32] = []

    var count: Int { states.count }

    mutating func intern(_ state: Int32, _ parent: Int32) -> Int32 {
        let key = UInt64(UInt32(bitPattern: state)) << 32 | UInt64(UInt32(bitPattern: parent))
        if let id = index[key] { return id }
        let id = Int32(states.count)
        states.append(state)
        parents.append(parent)
        visited.append(0)
        index[key] = id
        return id
    }

    /// Starts a new step: frames closed in one step are deduplicated.
    mutating func beginStep() {
        stamp &+= 1
        if stamp == 0 {
            for i in visited.indices { visited[i] = 0 }
            stamp = 1
        }
    }

    /// Expands `frame` until every resulting stack can read a byte: calls push the callee,
    /// final states pop to the parent. Appends the readable frames to `tops`.
    mutating func close(_ frame: Int32, _ tables: GrammarTables, into tops: inout [Int32], flags: inout Flags) {
        work.append(frame)
        while let node = work.popLast() {
            if visited[Int(node)] == stamp { continue }
            visited[Int(node)] = stamp
            let state = states[Int(node)]
            let flag = tables.flags[Int(state)]
            if flag & GrammarTables.hasBytes != 0 { tops.append(node) }
            if flag & GrammarTables.hasCalls != 0 {
                let parent = parents[Int(node)]
                for i in Int(tables.callOffsets[Int(state)])..<Int(tables.callOffsets[Int(state) + 1]) {
                    let back = intern(tables.callPairs[2 * i + 1], parent)
                    work.append(intern(tables.callPairs[2 * i], back))
                }
            }
            if flag & GrammarTables.isFinal != 0 {
                let parent = parents[Int(node)]
                if parent == Self.root {
                    flags.accepting = true
                } else if parent == Self.bottom {
                    flags.reachedBottom = true
                } else {
                    work.append(parent)
                }
            }
        }
    }

    /// Reads `byte` from every stack in `tops[range]`, appending the closed results to `tops`.
    /// Returns whether any stack could read it.
    mutating func step(
        _ tops: inout [Int32], reading range: Range<Int>, _ byte: UInt8, _ tables: GrammarTables,
        flags: inout Flags
    ) -> Bool {
        beginStep()
        var moved = false
        for k in range {
            let top = tops[k]
            let next = tables.next(states[Int(top)], byte)
            if next >= 0 {
                moved = true
                close(intern(next, parents[Int(top)]), tables, into: &tops, flags: &flags)
            }
        }
        return moved
    }

    /// Marks the current size, to forget speculative frames later.
    func mark() -> Int { states.count }

    mutating func rollback(to mark: Int) {
        while states.count > mark {
            let state = states.removeLast()
            let parent = parents.removeLast()
            visited.removeLast()
            index[UInt64(UInt32(bitPattern: state)) << 32 | UInt64(UInt32(bitPattern: parent))] = nil
        }
    }

    /// Drops every frame not on a stack of `tops`; returns `tops` renumbered.
    mutating func compact(keeping tops: [Int32]) -> [Int32] {
        var keep = [Bool](repeating: false, count: states.count)
        for top in tops {
            var node = top
            while node >= 0, !keep[Int(node)] {
                keep[Int(node)] = true
                node = parents[Int(node)]
            }
        }
        var renumber = [Int32](repeating: -1, count: states.count)
        var newStates: [Int32] = []
        var newParents: [Int32] = []
        index.removeAll(keepingCapacity: true)
        for old in 0..<states.count where keep[old] {
            let parent = parents[old] >= 0 ? renumber[Int(parents[old])] : parents[old]
            let id = Int32(newStates.count)
            renumber[old] = id
            newStates.append(states[old])
            newParents.append(parent)
            index[UInt64(UInt32(bitPattern: states[old])) << 32 | UInt64(UInt32(bitPattern: parent))] = id
        }
        states = newStates
        parents = newParents
        visited = [UInt32](repeating: 0, count: states.count)
        stamp = 0
        return tops.map { renumber[Int($0)] }
    }
}
