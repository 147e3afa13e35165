/// The compiled automata of a grammar: one deterministic automaton per rule, all states numbered
/// globally. A state steps on a byte class to another state of the same rule, may call other
/// rules (push), and may be final (pop). Immutable and shared by every matcher of the grammar.
final class GrammarTables: Sendable {
    static let isFinal: UInt8 = 1
    static let hasBytes: UInt8 = 2
    static let hasCalls: UInt8 = 4

    let classCount: Int
    /// Byte → class.
    let byteClass: [UInt8]
    /// The bytes of each class.
    let classBytes: [ByteSet]
    /// `transitions[state * classCount + class]`: next state or -1.
    let transitions: [Int32]
    let flags: [UInt8]
    /// Calls of state `s` are `callPairs[2*i]` (callee start) and `callPairs[2*i+1]` (return
    /// state) for `i` in `callOffsets[s]..<callOffsets[s+1]`.
    let callOffsets: [Int32]
    let callPairs: [Int32]
    let rootStart: Int32
    let ruleNames: [String]

    init(
        classes: ByteClasses, transitions: [Int32], flags: [UInt8], callOffsets: [Int32], callPairs: [Int32],
        rootStart: Int32, ruleNames: [String]
    ) {
        classCount = classes.count
        byteClass = classes.classOf
        var bytesOfClass = [ByteSet](repeating: ByteSet(), count: classes.count)
        for byte in 0..<256 { bytesOfClass[Int(classes.classOf[byte])].insert(UInt8(byte)) }
        classBytes = bytesOfClass
        self.transitions = transitions
        self.flags = flags
        self.callOffsets = callOffsets
        self.callPairs = callPairs
        self.rootStart = rootStart
        self.ruleNames = ruleNames
    }

    var stateCount: Int { flags.count }

    @inline(__always) func next(_ state: Int32, _ byte: UInt8) -> Int32 {
        transitions[Int(state) * classCount + Int(byteClass[Int(byte)])]
    }

    /// The bytes `state` can step on.
    func firstBytes(_ state: Int32) -> ByteSet {
        var result = ByteSet()
        let row = Int(state) * classCount
        for c in 0..<classCount where transitions[row + c] >= 0 { result.formUnion(classBytes[c]) }
        return result
    }
}
