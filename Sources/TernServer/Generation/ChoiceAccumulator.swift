import TernEngine
import TernSampling

/// The whole output of one choice, gathered from its updates (non-streaming answers).
struct ChoiceAccumulator {
    var text = ""
    var tokens: [TokenChoice] = []
    var finish: FinishReason?
    var completionTokens = 0
    var cachedPromptTokens = 0

    mutating func add(_ update: ChoiceUpdate) {
        text += update.text
        tokens += update.tokens
        completionTokens = update.completionTokens
        if let reason = update.finish {
            finish = reason
            cachedPromptTokens = update.cachedPromptTokens
        }
    }

    /// Runs `run` to the end and returns every choice's output by index.
    static func collect(_ run: GenerationRun) async throws -> [Int: ChoiceAccumulator] {
        var choices: [Int: ChoiceAccumulator] = [:]
        try await run.run { update in
            choices[update.index, default: ChoiceAccumulator()].add(update)
        }
        return choices
    }
}

extension FinishReason {
    /// The wire value. A cancelled choice only reaches the wire if the engine cancelled it on its
    /// own; its output ended normally as far as the client can tell.
    var wireValue: String {
        switch self {
        case .stop, .cancelled: "stop"
        case .length: "length"
        }
    }
}
