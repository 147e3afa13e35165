import TernTokenizers

/// Facts about a served model that the API reports.
public struct ModelDescription: Sendable, Equatable {
    /// The id clients pass as `model`.
    public var name: String
    /// Other ids that route to this model.
    public var aliases: [String]
    public var architecture: String
    public var contextLength: Int
    /// Unix time the model was loaded.
    public var created: Int
    /// The GGUF `tokenizer.chat_template`, if the model has one (base models often do not).
    public var chatTemplate: String?
    /// Text of the BOS/EOS tokens, for templates that print them.
    public var bosToken: String
    public var eosToken: String

    /// Every id that routes to the model: its name, then its aliases.
    public var ids: [String] { [name] + aliases }

    public init(
        name: String, aliases: [String] = [], architecture: String, contextLength: Int, created: Int,
        chatTemplate: String?, bosToken: String, eosToken: String
    ) {
        self.name = name
        self.aliases = aliases
        self.architecture = architecture
        self.contextLength = contextLength
        self.created = created
        self.chatTemplate = chatTemplate
        self.bosToken = bosToken
        self.eosToken = eosToken
    }
}

/// The seam between the HTTP layer and an engine: one model the server can route requests to.
/// The real implementation wraps an `Engine`; tests use scripted fakes.
public protocol ServedModel: Sendable {
    var description: ModelDescription { get }
    var tokenizer: any Tokenizer { get }
    /// Starts a generation; see `Engine.submit`. Cancelling the stream's consumer cancels it.
    func generate(_ request: EngineRequest) throws(EngineError) -> AsyncStream<EngineEvent>
    /// The longest prompt plus generation one request may use.
    var maxSequenceTokens: Int { get }
    var stats: EngineStats { get }
    /// Lets in-flight requests finish and stops accepting new ones.
    func shutdown() async
}

/// A model served by Tern's batching engine.
public final class EngineServedModel: ServedModel {
    public let description: ModelDescription
    public let tokenizer: any Tokenizer
    public let engine: Engine

    public init(description: ModelDescription, tokenizer: any Tokenizer, engine: Engine) {
        self.description = description
        self.tokenizer = tokenizer
        self.engine = engine
    }

    public func generate(_ request: EngineRequest) throws(EngineError) -> AsyncStream<EngineEvent> {
        try engine.submit(request)
    }

    public var maxSequenceTokens: Int { engine.maxSequenceTokens }
    public var stats: EngineStats { engine.stats }
    public func shutdown() async { await engine.shutdown() }
}
