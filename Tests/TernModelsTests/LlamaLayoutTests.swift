import Foundation
import TernGGUF
import TernModels
import TernTensor
import Testing

/// The llama forward pass on llama-family layouts the default SmolLM2 file does not have: a
/// separate `output.weight`, llama3 rope scaling (`rope_freqs.weight`), qwen2's q/k/v biases with
/// neox rope, and a tied output. Each test writes a tiny random model (F32 weights, so no
/// activation quantization) with `GGUFWriter` and compares Tern's logits against a naive
/// double-precision forward pass written here with plain loops.
///
/// The reference rounds where Tern's attention does, so the comparison can be tight: keys and
/// values to fp16 (the KV cache), the query to fp16 and the softmax probabilities to fp16 (as
/// llama.cpp's attention does). What remains is float32-vs-double accumulation and the rare fp16
/// tie flipped by it: measured at most 8e-5 of the largest logit, against a tolerance of 1e-3 of
/// the largest logit. (Without those roundings in the reference the gap reaches 1.6e-3 of the
/// largest logit, so the tolerance alone would not absorb them.)
@Suite struct LlamaLayoutTests {
    /// Tokens per test sequence: more than one 16-slot KV block.
    static let sequenceLength = 20

    /// For every layout, the logits of every position match the reference whether the sequence
    /// runs as one batch, as a prefill chunk followed by one-token decode steps, or token by token
    /// (the three float orders of Tern's attention), through a non-identity block table.
    @Test(arguments: Layout.allCases)
    func logitsMatchNaiveReference(layout: Layout) throws {
        let model = layout.model()
        let tokens = TinyLlama.tokens(count: Self.sequenceLength, vocabulary: model.vocabulary, seed: 99)
        let reference = model.referenceLogits(tokens)
        let tolerance = TinyLlama.tolerance(reference)
        let tern = try TinyLlama.load(model.gguf())
        for prefill in [tokens.count, 8, 1] {
            let logits = TinyLlama.run(tern, tokens: tokens, prefill: prefill)
            let worst = TinyLlama.largestDifference(logits, reference)
            #expect(worst <= tolerance, "\(layout), prefill \(prefill): largest difference \(worst) > \(tolerance)")
            print("\(layout), prefill \(prefill): largest logit difference \(worst) (tolerance \(tolerance))")
        }
    }

    /// Each layout feature changes the logits by far more than the tolerance: the reference
    /// computed without the feature (no output tensor, no rope factors, the default rope base, no
    /// bias, interleaved instead of neox rope) is far from Tern's logits, so a loader or forward
    /// pass that ignored the feature would fail `logitsMatchNaiveReference`. The GGUF written
    /// without the feature also runs in Tern and matches that reference, so the switch really is
    /// the tensor or key in the file.
    @Test(arguments: Layout.allCases.filter { !$0.ablations.isEmpty })
    func everyFeatureChangesTheLogits(layout: Layout) throws {
        let model = layout.model()
        let tokens = TinyLlama.tokens(count: Self.sequenceLength, vocabulary: model.vocabulary, seed: 7)
        let reference = model.referenceLogits(tokens)
        let tolerance = TinyLlama.tolerance(reference)
        let logits = TinyLlama.run(try TinyLlama.load(model.gguf()), tokens: tokens, prefill: tokens.count)
        #expect(TinyLlama.largestDifference(logits, reference) <= tolerance)
        for (name, ablate) in layout.ablations {
            var without = model
            ablate(&without)
            let ablatedReference = without.referenceLogits(tokens)
            let effect = TinyLlama.largestDifference(logits, ablatedReference)
            #expect(effect > 30 * tolerance, "\(layout) without \(name): logits move only by \(effect)")
            let ablatedTern = TinyLlama.run(try TinyLlama.load(without.gguf()), tokens: tokens, prefill: tokens.count)
            let worst = TinyLlama.largestDifference(ablatedTern, ablatedReference)
            #expect(worst <= tolerance, "\(layout) without \(name): \(worst) from its reference")
            print("\(layout) without \(name): logits move by \(effect) (tolerance \(tolerance))")
        }
    }

    /// A file missing any tensor the llama path requires fails to load with `missingTensor`
    /// naming that tensor.
    @Test(arguments: [
        "token_embd.weight", "output_norm.weight", "blk.0.attn_norm.weight", "blk.1.attn_q.weight",
        "blk.1.attn_k.weight", "blk.1.attn_v.weight", "blk.1.attn_output.weight", "blk.0.ffn_norm.weight",
        "blk.1.ffn_gate.weight", "blk.1.ffn_up.weight", "blk.1.ffn_down.weight",
    ])
    func missingTensorIsNamed(name: String) throws {
        let model = Layout.qwen2Biases.model()
        let bytes = TinyLlama.serialize(metadata: model.metadata(), tensors: model.tensors().filter { $0.name != name })
        let error = try #require(TinyLlama.loadError(bytes))
        #expect(error == .missingTensor(name: name))
        #expect(error.description.contains(name))
    }

    /// A file missing a required hyperparameter fails to load with `missingMetadata` naming the key.
    @Test(arguments: [
        "general.architecture", "qwen2.block_count", "qwen2.context_length", "qwen2.embedding_length",
        "qwen2.feed_forward_length", "qwen2.attention.head_count",
    ])
    func missingMetadataIsNamed(key: String) throws {
        let model = Layout.qwen2Biases.model()
        let bytes = TinyLlama.serialize(metadata: model.metadata().filter { $0.key != key }, tensors: model.tensors())
        let error = try #require(TinyLlama.loadError(bytes))
        #expect(error == .missingMetadata(key: key))
        #expect(error.description.contains(key))
    }

    /// Layout tensors of the wrong size and unsupported rope scaling are refused with errors that
    /// name the tensor or key, instead of reading past a tensor or silently ignoring the scaling.
    @Test func malformedLayoutFeaturesAreNamed() throws {
        let llama3 = Layout.llama3Rope.model()
        let shortFactors = llama3.tensors().map { tensor in
            tensor.name == "rope_freqs.weight"
                ? (name: tensor.name, shape: [4], values: Array(tensor.values.prefix(4))) : tensor
        }
        #expect(
            TinyLlama.loadError(TinyLlama.serialize(metadata: llama3.metadata(), tensors: shortFactors))
                == .tensorShapeMismatch(name: "rope_freqs.weight", expected: [llama3.headDim / 2], found: [4]))

        let qwen = Layout.qwen2Biases.model()
        let shortBias = qwen.tensors().map { tensor in
            tensor.name == "blk.1.attn_k.bias"
                ? (name: tensor.name, shape: [qwen.kvDim - 1], values: Array(tensor.values.dropLast())) : tensor
        }
        #expect(
            TinyLlama.loadError(TinyLlama.serialize(metadata: qwen.metadata(), tensors: shortBias))
                == .tensorShapeMismatch(name: "blk.1.attn_k.bias", expected: [qwen.kvDim], found: [qwen.kvDim - 1]))

        let wrongRows = qwen.vocabulary + 1
        let wrongOutput =
            qwen.tensors() + [
                (
                    name: "output.weight", shape: [qwen.embedding, wrongRows],
                    values: [Float](repeating: 0, count: qwen.embedding * wrongRows)
                )
            ]
        #expect(
            TinyLlama.loadError(TinyLlama.serialize(metadata: qwen.metadata(), tensors: wrongOutput))
                == .tensorShapeMismatch(
                    name: "output.weight", expected: [qwen.embedding, qwen.vocabulary],
                    found: [qwen.embedding, wrongRows]))

        let yarn = llama3.metadata().map { entry in
            entry.key == "llama.rope.scaling.type" ? (key: entry.key, value: GGUFValue.string("yarn")) : entry
        }
        let error = try #require(TinyLlama.loadError(TinyLlama.serialize(metadata: yarn, tensors: llama3.tensors())))
        guard case .invalidMetadata(let key, _) = error else {
            Issue.record("expected invalidMetadata, got \(error)")
            return
        }
        #expect(key == "llama.rope.scaling.type")
    }
}

/// The model layouts under test.
enum Layout: String, CaseIterable, Sendable, CustomStringConvertible {
    /// llama with its own `output.weight`.
    case separateOutput
    /// llama with llama3 rope scaling: `rope.scaling.type` "llama3", a 500000 rope base and a
    /// `rope_freqs.weight` tensor of per-pair frequency divisors.
    case llama3Rope
    /// qwen2: q/k/v biases and neox (halves) rope.
    case qwen2Biases
    /// llama whose output projection is the token embedding.
    case tiedOutput

    var description: String { rawValue }

    func model() -> TinyLlama {
        switch self {
        case .separateOutput:
            return TinyLlama(architecture: "llama", seed: 1, separateOutput: true)
        case .llama3Rope:
            var model = TinyLlama(architecture: "llama", seed: 2, separateOutput: false)
            model.ropeBase = 500_000
            model.ropeScalingType = "llama3"
            // Not llama3's real factors (1 for fast pairs, 8 for slow ones), which at 20 positions
            // would barely move a tiny model: every pair gets its own divisor, some below 1.
            model.ropeFactors = [1, 0.5, 2, 3, 0.25, 8, 4, 16]
            return model
        case .qwen2Biases:
            var model = TinyLlama(architecture: "qwen2", seed: 3, separateOutput: false)
            model.addBiases(seed: 33)
            return model
        case .tiedOutput:
            return TinyLlama(architecture: "llama", seed: 4, separateOutput: false)
        }
    }

    /// Ways to take this layout's features away, by name.
    var ablations: [(String, @Sendable (inout TinyLlama) -> Void)] {
        switch self {
        case .separateOutput:
            return [("output.weight", { $0.output = nil })]
        case .llama3Rope:
            return [
                (
                    "rope_freqs.weight",
                    {
                        $0.ropeFactors = nil; $0.ropeScalingType = nil
                    }
                ),
                ("rope.freq_base", { $0.ropeBase = 10_000 }),
            ]
        case .qwen2Biases:
            return [
                ("attn_q.bias", { model in for i in model.blocks.indices { model.blocks[i].queryBias = nil } }),
                ("attn_k.bias", { model in for i in model.blocks.indices { model.blocks[i].keyBias = nil } }),
                ("attn_v.bias", { model in for i in model.blocks.indices { model.blocks[i].valueBias = nil } }),
                // Same tensors under "llama": adjacent-pair rope instead of halves.
                ("neox rope", { $0.architecture = "llama" }),
            ]
        case .tiedOutput:
            return []
        }
    }
}

/// A tiny llama-family model held as plain arrays: written to GGUF for Tern, and evaluated by a
/// naive reference forward pass. Matrices are row-major `[rows][columns]` (ggml shape
/// `[columns, rows]`): `y[r] = sum_c W[r * columns + c] * x[c]`.
struct TinyLlama: Sendable {
    struct Block: Sendable {
        var attentionNorm: [Float]
        var query: [Float]
        var key: [Float]
        var value: [Float]
        var queryBias: [Float]?
        var keyBias: [Float]?
        var valueBias: [Float]?
        var attentionOutput: [Float]
        var ffnNorm: [Float]
        var gate: [Float]
        var up: [Float]
        var down: [Float]
    }

    typealias Tensor = (name: String, shape: [Int], values: [Float])

    var architecture: String
    let layerCount = 2
    let embedding = 64
    let headCount = 4
    let kvHeadCount = 2
    let feedForward = 96
    let vocabulary = 50
    let epsilon: Float = 1e-5
    var ropeBase: Float = 10_000
    var ropeScalingType: String?
    /// `rope_freqs.weight`: one divisor of the rope angle per dimension pair.
    var ropeFactors: [Float]?
    var tokenEmbedding: [Float]
    var outputNorm: [Float]
    /// `output.weight`; nil: tied to the token embedding.
    var output: [Float]?
    var blocks: [Block]

    var headDim: Int { embedding / headCount }
    var kvDim: Int { kvHeadCount * headDim }
    var qDim: Int { headCount * headDim }
    /// qwen2 rotates the two halves of each head (neox); llama rotates adjacent pairs.
    var ropeNeox: Bool { architecture == "qwen2" }

    /// Random weights scaled so every projection keeps unit-size activations: attention is far
    /// from uniform and logits are of order 1.
    init(architecture: String, seed: UInt64, separateOutput: Bool) {
        self.architecture = architecture
        var random = SplitMix64(seed: seed)
        let (e, f, q, v) = (embedding, feedForward, embedding, vocabulary)
        func matrix(_ rows: Int, _ columns: Int) -> [Float] {
            let bound = Float(3.0 / Double(columns)).squareRoot()
            return random.uniform(count: rows * columns, bound: bound)
        }
        func norm(_ count: Int) -> [Float] { random.uniform(count: count, bound: 0.4).map { 1 + $0 } }
        tokenEmbedding = random.uniform(count: v * e, bound: 1)
        outputNorm = norm(e)
        var blocks: [Block] = []
        let kvWidth = kvHeadCount * (embedding / headCount)
        for _ in 0..<layerCount {
            blocks.append(
                Block(
                    attentionNorm: norm(e), query: matrix(q, e), key: matrix(kvWidth, e), value: matrix(kvWidth, e),
                    attentionOutput: matrix(e, q), ffnNorm: norm(e), gate: matrix(f, e), up: matrix(f, e),
                    down: matrix(e, f)))
        }
        self.blocks = blocks
        output = separateOutput ? matrix(v, e) : nil
    }

    /// Gives every layer q/k/v biases of order 1 (qwen2's are large too).
    mutating func addBiases(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for i in blocks.indices {
            blocks[i].queryBias = random.uniform(count: qDim, bound: 1)
            blocks[i].keyBias = random.uniform(count: kvDim, bound: 1)
            blocks[i].valueBias = random.uniform(count: kvDim, bound: 1)
        }
    }

    static func tokens(count: Int, vocabulary: Int, seed: UInt64) -> [Int32] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in Int32(random.next() % UInt64(vocabulary)) }
    }

    // MARK: - GGUF

    /// The metadata llama.cpp's converters write for this layout.
    func metadata() -> [(key: String, value: GGUFValue)] {
        let a = architecture
        var entries: [(key: String, value: GGUFValue)] = [
            ("general.architecture", .string(a)),
            ("\(a).block_count", .uint32(UInt32(layerCount))),
            ("\(a).context_length", .uint32(256)),
            ("\(a).embedding_length", .uint32(UInt32(embedding))),
            ("\(a).feed_forward_length", .uint32(UInt32(feedForward))),
            ("\(a).attention.head_count", .uint32(UInt32(headCount))),
            ("\(a).attention.head_count_kv", .uint32(UInt32(kvHeadCount))),
            ("\(a).rope.dimension_count", .uint32(UInt32(headDim))),
            ("\(a).rope.freq_base", .float32(ropeBase)),
            ("\(a).attention.layer_norm_rms_epsilon", .float32(epsilon)),
        ]
        if let ropeScalingType {
            entries.append(("\(a).rope.scaling.type", .string(ropeScalingType)))
            entries.append(("\(a).rope.scaling.factor", .float32(8)))
        }
        return entries
    }

    /// Every tensor, F32, under llama.cpp's names.
    func tensors() -> [Tensor] {
        var list: [Tensor] = [
            ("token_embd.weight", [embedding, vocabulary], tokenEmbedding),
            ("output_norm.weight", [embedding], outputNorm),
        ]
        if let output { list.append(("output.weight", [embedding, vocabulary], output)) }
        if let ropeFactors { list.append(("rope_freqs.weight", [ropeFactors.count], ropeFactors)) }
        for (index, block) in blocks.enumerated() {
            let p = "blk.\(index)."
            list.append((p + "attn_norm.weight", [embedding], block.attentionNorm))
            list.append((p + "attn_q.weight", [embedding, qDim], block.query))
            list.append((p + "attn_k.weight", [embedding, kvDim], block.key))
            list.append((p + "attn_v.weight", [embedding, kvDim], block.value))
            if let bias = block.queryBias { list.append((p + "attn_q.bias", [qDim], bias)) }
            if let bias = block.keyBias { list.append((p + "attn_k.bias", [kvDim], bias)) }
            if let bias = block.valueBias { list.append((p + "attn_v.bias", [kvDim], bias)) }
            list.append((p + "attn_output.weight", [qDim, embedding], block.attentionOutput))
            list.append((p + "ffn_norm.weight", [embedding], block.ffnNorm))
            list.append((p + "ffn_gate.weight", [embedding, feedForward], block.gate))
            list.append((p + "ffn_up.weight", [embedding, feedForward], block.up))
            list.append((p + "ffn_down.weight", [feedForward, embedding], block.down))
        }
        return list
    }

    func gguf() -> [UInt8] { Self.serialize(metadata: metadata(), tensors: tensors()) }

    static func serialize(metadata: [(key: String, value: GGUFValue)], tensors: [Tensor]) -> [UInt8] {
        var writer = GGUFWriter()
        for (key, value) in metadata { writer.set(key, value) }
        for tensor in tensors {
            writer.addTensor(
                name: tensor.name, type: .f32, shape: tensor.shape, data: tensor.values.withUnsafeBytes { Array($0) })
        }
        return writer.serialize()
    }

    // MARK: - Tern

    static func load(_ bytes: [UInt8]) throws -> TransformerModel {
        try TransformerModel(file: GGUFFile(bytes: bytes), pool: ThreadPool(threadCount: 2))
    }

    /// The `ModelError` loading `bytes` throws, or nil if it loads.
    static func loadError(_ bytes: [UInt8]) -> ModelError? {
        guard let file = try? GGUFFile(bytes: bytes) else { return nil }
        let result = Result { () throws(ModelError) -> TransformerModel in
            try TransformerModel(file: file, pool: ThreadPool(threadCount: 1))
        }
        guard case .failure(let error) = result else { return nil }
        return error
    }

    /// Tern's logits at every position of `tokens`, with the first `prefill` tokens as the prompt
    /// in one pass and each later token as a one-token decode pass. The cache has spare blocks and
    /// the sequence's table points at them out of order.
    static func run(_ model: TransformerModel, tokens: [Int32], prefill: Int) -> [[Float]] {
        let blocks = (tokens.count + model.kvBlockSize - 1) / model.kvBlockSize
        let cache = model.makeCache(blockCount: blocks + 2)
        let table = (0..<blocks).map { Int32(blocks + 1 - $0) }
        var result: [[Float]] = []
        var start = 0
        while start < tokens.count {
            let end = start == 0 ? prefill : start + 1
            var batch = ForwardBatch()
            let sequence = batch.addSequence(blockTable: table, promptLength: prefill)
            for position in start..<end {
                batch.append(token: tokens[position], position: position, sequence: sequence, wantsLogits: true)
            }
            var logits = [Float](repeating: .nan, count: (end - start) * model.vocabularySize)
            logits.withUnsafeMutableBufferPointer { model.forward(batch, cache: cache, logits: $0.baseAddress!) }
            for row in 0..<(end - start) {
                result.append(Array(logits[(row * model.vocabularySize)..<((row + 1) * model.vocabularySize)]))
            }
            start = end
        }
        return result
    }

    static func largestDifference(_ tern: [[Float]], _ reference: [[Double]]) -> Double {
        precondition(tern.count == reference.count)
        var worst = 0.0
        for (a, b) in zip(tern, reference) {
            precondition(a.count == b.count)
            for (x, y) in zip(a, b) {
                let difference = abs(Double(x) - y)
                worst = difference.isNaN ? .infinity : max(worst, difference)
            }
        }
        return worst
    }

    /// 1e-3 of the largest reference logit.
    static func tolerance(_ reference: [[Double]]) -> Double {
        1e-3 * max(1, reference.joined().map(abs).max() ?? 0)
    }

    // MARK: - Reference

    /// Logits at every position, computed the plain way in double precision. Rounded to fp16
    /// where Tern's attention rounds: cached keys and values, the query, the probabilities.
    func referenceLogits(_ tokens: [Int32]) -> [[Double]] {
        let hd = headDim
        let group = headCount / kvHeadCount
        var keys = [[[Double]]](repeating: [], count: layerCount)  // [layer][position][kvDim]
        var values = [[[Double]]](repeating: [], count: layerCount)
        var logits: [[Double]] = []
        for (position, token) in tokens.enumerated() {
            var x = row(tokenEmbedding, Int(token), embedding)
            for (layer, w) in blocks.enumerated() {
                let h = rmsNorm(x, w.attentionNorm)
                var q = add(matvec(w.query, h), w.queryBias)
                var k = add(matvec(w.key, h), w.keyBias)
                let v = add(matvec(w.value, h), w.valueBias)
                for head in 0..<headCount { rotate(&q, offset: head * hd, position: position) }
                for head in 0..<kvHeadCount { rotate(&k, offset: head * hd, position: position) }
                keys[layer].append(k.map(Self.fp16))
                values[layer].append(v.map(Self.fp16))
                var attention = [Double](repeating: 0, count: qDim)
                for head in 0..<headCount {
                    let kvOffset = (head / group) * hd
                    let query = (0..<hd).map { Self.fp16(q[head * hd + $0]) }
                    let scores = (0...position).map { t in
                        (0..<hd).reduce(0.0) { $0 + query[$1] * keys[layer][t][kvOffset + $1] }
                            / Double(hd).squareRoot()
                    }
                    let top = scores.max()!
                    let exps = scores.map { exp($0 - top) }
                    let sum = exps.reduce(0, +)
                    for t in 0...position {
                        let p = Self.fp16(exps[t] / sum)
                        for d in 0..<hd { attention[head * hd + d] += p * values[layer][t][kvOffset + d] }
                    }
                }
                x = add(x, matvec(w.attentionOutput, attention))
                let h2 = rmsNorm(x, w.ffnNorm)
                let gate = matvec(w.gate, h2)
                let up = matvec(w.up, h2)
                let activated = (0..<feedForward).map { gate[$0] / (1 + exp(-gate[$0])) * up[$0] }
                x = add(x, matvec(w.down, activated))
            }
            logits.append(matvec(output ?? tokenEmbedding, rmsNorm(x, outputNorm)))
        }
        return logits
    }

    /// Rotates one head in place: pair `i` (adjacent elements, or `i` and `i + hd/2` for neox)
    /// by `position * base^(-2i/hd) / factor[i]`, the angle ggml's rope uses with frequency factors.
    private func rotate(_ x: inout [Double], offset: Int, position: Int) {
        let half = headDim / 2
        for pair in 0..<half {
            let factor = Double(ropeFactors?[pair] ?? 1)
            let angle =
                Double(position) * pow(Double(ropeBase), -2 * Double(pair) / Double(headDim)) / factor
            let (i, j) = ropeNeox ? (offset + pair, offset + pair + half) : (offset + 2 * pair, offset + 2 * pair + 1)
            let (x0, x1) = (x[i], x[j])
            x[i] = x0 * cos(angle) - x1 * sin(angle)
            x[j] = x0 * sin(angle) + x1 * cos(angle)
        }
    }

    private func rmsNorm(_ x: [Double], _ weight: [Float]) -> [Double] {
        let meanSquare = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let scale = 1 / (meanSquare + Double(epsilon)).squareRoot()
        return zip(x, weight).map { $0 * scale * Double($1) }
    }

    /// `W x` for a row-major matrix with `x.count` columns.
    private func matvec(_ w: [Float], _ x: [Double]) -> [Double] {
        let columns = x.count
        return (0..<(w.count / columns)).map { r in
            (0..<columns).reduce(0.0) { $0 + Double(w[r * columns + $1]) * x[$1] }
        }
    }

    private func row(_ w: [Float], _ index: Int, _ width: Int) -> [Double] {
        w[(index * width)..<((index + 1) * width)].map(Double.init)
    }

    private func add(_ x: [Double], _ bias: [Float]?) -> [Double] {
        guard let bias else { return x }
        return zip(x, bias).map { $0 + Double($1) }
    }

    private func add(_ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { $0 + $1 } }

    /// Rounds to fp16 the way Tern does (from float).
    private static func fp16(_ x: Double) -> Double { Double(Float16(Float(x))) }
}

/// SplitMix64: a small seeded generator, so the models are the same on every run.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` values uniform in `[-bound, bound)`.
    mutating func uniform(count: Int, bound: Float) -> [Float] {
        (0..<count).map { _ in
            let unit = Float(next() >> 40) / Float(1 << 24)
            return (2 * unit - 1) * bound
        }
    }
}
