/// Keeps only states from which a rule can still finish: a state is live when it is final, can
/// step to a live state, or can call a productive rule (one whose start is live) and return to
/// a live state. Dropping the rest guarantees that every allowed token leaves a completable
/// output, so a constrained generation can never paint itself into a corner.
struct Trimmer {
    let classCount: Int
    var transitions: [Int32]
    let final: [Bool]
    let callOffsets: [Int32]
    let callPairs: [Int32]
    let ruleStarts: [Int32]
    private(set) var live: [Bool] = []

    init(
        classCount: Int, transitions: [Int32], final: [Bool], callOffsets: [Int32], callPairs: [Int32],
        ruleStarts: [Int32]
    ) {
        self.classCount = classCount
        self.transitions = transitions
        self.final = final
        self.callOffsets = callOffsets
        self.callPairs = callPairs
        self.ruleStarts = ruleStarts
    }

    mutating func run() {
        let count = final.count
        live = [Bool](repeating: false, count: count)
        // Reverse edges: byte steps, and call returns (which count once the callee is productive).
        var stepPredecessors = [[Int32]](repeating: [], count: count)
        var returnPredecessors = [[(state: Int32, callee: Int32)]](repeating: [], count: count)
        for s in 0..<count {
            let row = s * classCount
            var seen = Set<Int32>()
            for c in 0..<classCount {
                let t = transitions[row + c]
                if t >= 0, seen.insert(t).inserted { stepPredecessors[Int(t)].append(Int32(s)) }
            }
            for i in Int(callOffsets[s])..<Int(callOffsets[s + 1]) {
                returnPredecessors[Int(callPairs[2 * i + 1])].append((Int32(s), callPairs[2 * i]))
            }
        }
        var productive = Set<Int32>()
        var waiting: [Int32: [Int32]] = [:]
        let starts = Set(ruleStarts)
        var work: [Int32] = []
        func mark(_ s: Int32) {
            if !live[Int(s)] {
                live[Int(s)] = true
                work.append(s)
            }
        }
        for s in 0..<count where final[s] { mark(Int32(s)) }
        while let t = work.popLast() {
            for s in stepPredecessors[Int(t)] { mark(s) }
            for (s, callee) in returnPredecessors[Int(t)] {
                if productive.contains(callee) { mark(s) } else { waiting[callee, default: []].append(s) }
            }
            if starts.contains(t), productive.insert(t).inserted {
                for s in waiting[t] ?? [] { mark(s) }
                waiting[t] = nil
            }
        }
    }

    /// The trimmed tables: dead targets become -1, calls into dead states are dropped.
    func tables(classes: ByteClasses, rootStart: Int32, ruleNames: [String]) -> GrammarTables {
        var transitions = self.transitions
        var flags = [UInt8](repeating: 0, count: final.count)
        var offsets: [Int32] = [0]
        var pairs: [Int32] = []
        for s in 0..<final.count {
            var flag: UInt8 = final[s] ? GrammarTables.isFinal : 0
            let row = s * classCount
            for c in 0..<classCount {
                let t = transitions[row + c]
                if t >= 0 {
                    if live[Int(t)] { flag |= GrammarTables.hasBytes } else { transitions[row + c] = -1 }
                }
            }
            for i in Int(callOffsets[s])..<Int(callOffsets[s + 1]) {
                let callee = callPairs[2 * i]
                let target = callPairs[2 * i + 1]
                if live[Int(callee)], live[Int(target)] {
                    pairs.append(callee)
                    pairs.append(target)
                    flag |= GrammarTables.hasCalls
                }
            }
            offsets.append(Int32(pairs.count / 2))
            flags[s] = flag
        }
        return GrammarTables(
            classes: classes, transitions: transitions, flags: flags, callOffsets: offsets, callPairs: pairs,
            rootStart: rootStart, ruleNames: ruleNames)
    }
}

/// Rejects grammars where a rule can reach a call of itself without reading a byte (for example
/// a schema whose `$ref` points at itself); matching those would push frames forever.
enum LeftRecursionCheck {
    static func verify(_ tables: GrammarTables, ruleStarts: [Int32], ruleNames: [String]) throws(GrammarError) {
        var ruleOfStart: [Int32: Int] = [:]
        for (rule, start) in ruleStarts.enumerated() where start >= 0 { ruleOfStart[start] = rule }
        let rules = ruleOfStart.keys.sorted()
        // States reachable from each start without reading a byte: via calls of nullable rules.
        var nullable = Set<Int32>()
        var reach: [Int32: [Int32]] = [:]
        var changed = true
        while changed {
            changed = false
            for start in rules {
                var seen: Set<Int32> = [start]
                var stack: [Int32] = [start]
                var finishes = false
                while let s = stack.popLast() {
                    if tables.flags[Int(s)] & GrammarTables.isFinal != 0 { finishes = true }
                    for i in Int(tables.callOffsets[Int(s)])..<Int(tables.callOffsets[Int(s) + 1])
                    where nullable.contains(tables.callPairs[2 * i]) {
                        let back = tables.callPairs[2 * i + 1]
                        if seen.insert(back).inserted { stack.append(back) }
                    }
                }
                reach[start] = Array(seen)
                if finishes, nullable.insert(start).inserted { changed = true }
            }
        }
        // A cycle in "rule calls rule before reading anything" is left recursion.
        var state: [Int32: Int] = [:]  // 1 visiting, 2 done
        func visit(_ start: Int32) throws(GrammarError) {
            state[start] = 1
            for s in reach[start] ?? [] {
                for i in Int(tables.callOffsets[Int(s)])..<Int(tables.callOffsets[Int(s) + 1]) {
                    let callee = tables.callPairs[2 * i]
                    if state[callee] == 1 {
                        let name = ruleOfStart[callee].map { ruleNames[$0] } ?? "?"
                        throw .invalidSchema(
                            pointer: "",
                            reason: "\(name) refers to itself without consuming any input (infinite recursion)")
                    }
                    if state[callee] == nil { try visit(callee) }
                }
            }
            state[start] = 2
        }
        for start in rules where state[start] == nil { try visit(start) }
    }
}
