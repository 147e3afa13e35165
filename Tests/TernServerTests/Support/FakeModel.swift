import Foundation
import TernEngine
import TernSampling
import TernTokenizers

/// A served model that streams scripted tokens instead of running a network. It records every
/// request it gets and whether its consumer cancelled, and can refuse work like a full engine.
final class FakeModel: ServedModel, @unchecked Sendable {
    // Sendable: mutable state is guarded by `lock`.
    let description: ModelDescription
    let tokenizer: any Tokenizer
    let maxSequenceTokens: Int
    /// Tokens to emit for a request (then `.finished(.stop)` unless `maxTokens` cut it first).
    let script: @Sendable (EngineRequest) -> [Int32]
    /// Pause before each token (for cancellation tests).
    let tokenDelay: Duration
    /// When set, `generate` throws this instead of starting.
    let refusal: EngineError?

    private let lock = NSLock()
    private var requests: [EngineRequest] = []
    private var cancellations = 0
    private var shutDown = false

    init(
        name: String = "fake-model", aliases: [String] = [], chatTemplate: String? = FakeModel.chatML,
        tokenizer: any Tokenizer = FakeTokenizer(), maxSequenceTokens: Int = 64, tokenDelay: Duration = .zero,
        refusal: EngineError? = nil,
        script: @escaping @Sendable (EngineRequest) -> [Int32] = { _ in FakeModel.helloWorld }
    ) {
        description = ModelDescription(
            name: name, aliases: aliases, architecture: "fake", contextLength: maxSequenceTokens,
            created: 1_700_000_000,
            chatTemplate: chatTemplate, bosToken: "<s>", eosToken: "</s>")
        self.tokenizer = tokenizer
        self.maxSequenceTokens = maxSequenceTokens
        self.tokenDelay = tokenDelay
        self.refusal = refusal
        self.script = script
    }

    /// "Hello world!" then end of generation.
    static let helloWorld: [Int32] = [FakeTokenizer.hello, FakeTokenizer.world, FakeTokenizer.bang, FakeTokenizer.eos]
    /// A ChatML template; the server's template engine renders it.
    static let chatML = """
        {% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}\
        {% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}
        """

    var stats: EngineStats { EngineStats() }
    var received: [EngineRequest] { lock.withLock { requests } }
    var cancelledCount: Int { lock.withLock { cancellations } }
    var isShutDown: Bool { lock.withLock { shutDown } }

    func shutdown() async {
        lock.withLock { shutDown = true }
    }

    func generate(_ request: EngineRequest) throws(EngineError) -> AsyncStream<EngineEvent> {
        if let refusal { throw refusal }
        lock.withLock { requests.append(request) }
        let tokens = script(request)
        let (stream, continuation) = AsyncStream<EngineEvent>.makeStream()
        let delay = tokenDelay
        let producer = Task {
            var generated = 0
            for token in tokens {
                if delay > .zero { try? await Task.sleep(for: delay) }
                if Task.isCancelled { return }
                if request.stopTokens.contains(token) {
                    continuation.yield(.finished(.stop, Self.usage(request, generated)))
                    continuation.finish()
                    return
                }
                continuation.yield(.token(Self.choice(token, request: request)))
                generated += 1
                if generated >= request.maxTokens {
                    continuation.yield(.finished(.length, Self.usage(request, generated)))
                    continuation.finish()
                    return
                }
            }
            continuation.yield(.finished(.stop, Self.usage(request, generated)))
            continuation.finish()
        }
        continuation.onTermination = { [weak self] termination in
            if case .cancelled = termination {
                producer.cancel()
                self?.lock.withLock { self?.cancellations += 1 }
            }
        }
        return stream
    }

    private static func usage(_ request: EngineRequest, _ generated: Int) -> EngineUsage {
        EngineUsage(promptTokens: request.promptTokens.count, completionTokens: generated, cachedPromptTokens: 0)
    }

    /// A token with made-up log-probabilities: the chosen token at -0.5, alternatives below it.
    private static func choice(_ token: Int32, request: EngineRequest) -> TokenChoice {
        guard request.logprobs else { return TokenChoice(token: token, logprob: 0, topLogprobs: []) }
        let alternatives = (0..<request.topLogprobs).map { rank in
            (token: rank == 0 ? token : FakeTokenizer.there, logprob: Float(-0.5 - Double(rank)))
        }
        return TokenChoice(token: token, logprob: -0.5, topLogprobs: alternatives)
    }
}
