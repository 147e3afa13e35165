import ArgumentParser
import Foundation
import TernEngine
import TernSampling
import TernTokenizers

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a continuation of a prompt with one model.")

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "The prompt text.")
    var prompt: String

    @Flag(name: .long, help: "Wrap the prompt as one user message in the model's chat template.")
    var chat = false

    @Option(name: .long, help: "Maximum tokens to generate.")
    var maxTokens: Int = 128

    @Option(name: .long, help: "Sampling temperature (0 = greedy).")
    var temperature: Float = 0.8

    @Option(name: .long, help: "Top-k (0 = off).")
    var topK: Int = 40

    @Option(name: .long, help: "Top-p (1 = off).")
    var topP: Float = 0.95

    @Option(name: .long, help: "Min-p (0 = off).")
    var minP: Float = 0.05

    @Option(name: .long, help: "Random seed (default: random).")
    var seed: UInt64?

    @Flag(name: .long, help: "Keep generating past end-of-generation tokens.")
    var ignoreEos = false

    @Flag(name: .long, help: "Print one JSON object with tokens, text and speeds.")
    var json = false

    func validate() throws {
        if maxTokens < 0 { throw ValidationError("--max-tokens must be at least 0") }
        if temperature < 0 { throw ValidationError("--temperature must be at least 0") }
        if topK < 0 { throw ValidationError("--top-k must be at least 0") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
        if !(minP >= 0 && minP <= 1) { throw ValidationError("--min-p must be in [0, 1]") }
    }

    func run() throws {
        let loaded = try LoadedModel.load(options)
        let text = chat ? try ChatPrompt.render(userMessage: prompt, file: loaded.file, tokenizer: loaded.tokenizer) : prompt
        let promptTokens = loaded.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
        guard !promptTokens.isEmpty else { throw ValidationError("the prompt is empty after tokenization") }
        let capacity = promptTokens.count + maxTokens
        guard capacity <= loaded.model.contextLength else {
            throw ValidationError(
                "prompt (\(promptTokens.count) tokens) + --max-tokens (\(maxTokens)) exceeds the context length \(loaded.model.contextLength)")
        }
        var parameters = SamplingParameters()
        parameters.temperature = temperature
        parameters.topK = topK
        parameters.topP = topP
        parameters.minP = minP
        parameters.seed = seed
        var sampler = Sampler(parameters: parameters, promptTokens: promptTokens)
        let session = SequenceSession(model: loaded.model, capacity: capacity)
        let stopTokens = ignoreEos ? [] : loaded.tokenizer.endOfGenerationTokenIDs
        var detokenizer = StreamingDetokenizer(tokenizer: loaded.tokenizer)
        var generated: [Int32] = []
        var output = ""

        let promptStart = ContinuousClock.now
        if maxTokens > 0 { session.append(promptTokens) }
        let promptTime = ContinuousClock.now - promptStart
        let decodeStart = ContinuousClock.now
        var decodeSteps = 0
        while generated.count < maxTokens {
            let token = sampler.sample(session.logits).token
            if stopTokens.contains(token) { break }
            sampler.accept(token)
            generated.append(token)
            let piece = detokenizer.append(token)
            output += piece
            if !json { emit(piece) }
            if generated.count == maxTokens { break }
            session.append([token])
            decodeSteps += 1
        }
        let decodeTime = ContinuousClock.now - decodeStart
        let tail = detokenizer.finish()
        output += tail
        if json {
            let result = GenerateResult(
                promptTokens: promptTokens, tokens: generated, text: output,
                promptTokensPerSecond: Self.rate(promptTokens.count, promptTime),
                tokensPerSecond: Self.rate(decodeSteps, decodeTime))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            emit(tail + "\n")
            printError(
                String(
                    format: "prompt: %d tokens, %.1f tok/s; generation: %d tokens, %.1f tok/s",
                    promptTokens.count, Self.rate(promptTokens.count, promptTime), generated.count,
                    Self.rate(decodeSteps, decodeTime)))
        }
    }

    private func emit(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Tokens per second, as llama-bench reports it: tokens processed over the time of the
    /// forward passes (and sampling) that processed them.
    static func rate(_ tokens: Int, _ duration: Duration) -> Double {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        return tokens > 0 && seconds > 0 ? Double(tokens) / seconds : 0
    }
}

/// The `--json` output of `tern generate`.
struct GenerateResult: Encodable {
    let promptTokens: [Int32]
    let tokens: [Int32]
    let text: String
    let promptTokensPerSecond: Double
    let tokensPerSecond: Double

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case tokens, text
        case promptTokensPerSecond = "prompt_tokens_per_second"
        case tokensPerSecond = "tokens_per_second"
    }
}
