/// The tokens a request may not choose next because of what it already produced: the last token
/// of a banned sequence whose other tokens end the output, and every token that would repeat an
/// n-gram of prompt plus output. Updated one accepted token at a time.
struct TokenBans: Sendable {
    private let sequences: [[Int32]]
    /// Banned whatever comes before: the one-token sequences.
    private let always: Set<Int32>
    private let ngramSize: Int
    /// Prompt (kept only for n-grams) then output.
    private var history: [Int32]
    private var outputStart: Int
    /// For each (n-1)-gram seen, the tokens that followed it.
    private var followers: [[Int32]: Set<Int32>] = [:]

    /// Whether nothing is ever banned (so the sampler can skip this entirely).
    let isEmpty: Bool

    init(sequences: [[Int32]], ngramSize: Int, prompt: [Int32]) {
        self.sequences = sequences.filter { $0.count > 1 }
        always = Set(sequences.filter { $0.count == 1 }.map { $0[0] })
        self.ngramSize = ngramSize >= 2 ? ngramSize : 0
        isEmpty = sequences.allSatisfy(\.isEmpty) && self.ngramSize == 0
        history = self.ngramSize > 0 ? prompt : []
        outputStart = history.count
        if self.ngramSize > 0 && history.count >= self.ngramSize {
            for end in self.ngramSize...history.count { recordNgram(endingAt: end) }
        }
    }

    /// Records a token the request emitted.
    mutating func append(_ token: Int32) {
        guard !isEmpty else { return }
        history.append(token)
        if ngramSize > 0 && history.count >= ngramSize { recordNgram(endingAt: history.count) }
    }

    /// Calls `body` with every token banned at this point (a token may come more than once).
    func forEachBanned(_ body: (Int32) -> Void) {
        guard !isEmpty else { return }
        always.forEach(body)
        let output = history[outputStart...]
        for sequence in sequences where sequence.count - 1 <= output.count {
            if output.suffix(sequence.count - 1).elementsEqual(sequence.dropLast()) {
                body(sequence[sequence.count - 1])
            }
        }
        if ngramSize > 0 && history.count >= ngramSize - 1 {
            followers[Array(history.suffix(ngramSize - 1))]?.forEach(body)
        }
    }

    private mutating func recordNgram(endingAt end: Int) {
        let key = Array(history[(end - ngramSize)..<(end - 1)])
        followers[key, default: []].insert(history[end - 1])
    }
}
