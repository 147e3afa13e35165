import TernEngine
import TernSampling

/// What the output of a request must look like: free text, a structured format every choice
/// follows (`response_format`), or an answer that may call tools. Built from the request fields
/// before anything runs, so every inconsistency is a 422 naming its field.
struct OutputPlan: Sendable {
    /// The structured-output format every choice follows, if any.
    private var format: ConstraintSpec?
    /// The structured-output format's field, named when its schema cannot be compiled.
    private var formatParam = "response_format"
    /// The request's tools, when this answer may call them (prompt, grammar and parsing follow).
    var toolCalling: ToolCalling?

    /// Whether choices are parsed for tool calls.
    var parsesToolCalls: Bool { toolCalling != nil }

    /// Whether every choice is grammar-constrained.
    var isConstrained: Bool { format != nil || toolCalling != nil }

    /// The plan of a chat completion (the fields should keep the key order the client sent; see
    /// ``OrderedFields``).
    static func chat(_ fields: GenerationFields) throws(APIError) -> OutputPlan {
        var plan = OutputPlan()
        let format = try ResponseFormat(fields.responseFormat)
        let tools = try ToolCalling(tools: fields.tools, choice: fields.toolChoice, parallel: fields.parallelToolCalls)
        if tools.isActive {
            guard format == .text else {
                throw .unsupported(
                    "'response_format' cannot be combined with 'tools' (unless 'tool_choice' is \"none\"); "
                        + "describe the answer's shape as a tool's parameters instead", param: "response_format")
            }
            plan.toolCalling = tools
        } else if case .constrained(let spec, let param) = format {
            plan.format = spec
            plan.formatParam = param
        }
        try plan.checkCompatible(with: fields)
        return plan
    }

    /// The plan of a text completion: `response_format` only (tools need a chat).
    static func completion(_ fields: GenerationFields) throws(APIError) -> OutputPlan {
        var plan = OutputPlan()
        if let tools = fields.tools, tools != .null, tools != .array([]) {
            throw .unsupported("'tools' are supported by chat completions only", param: "tools")
        }
        switch fields.toolChoice {
        case nil, .null?, .string("none")?, .string("auto")?: break
        default: throw .unsupported("'tool_choice' is supported by chat completions only", param: "tool_choice")
        }
        if case .constrained(let spec, let param) = try ResponseFormat(fields.responseFormat) {
            plan.format = spec
            plan.formatParam = param
        }
        try plan.checkCompatible(with: fields)
        return plan
    }

    /// The grammar of every choice, or nil for free text.
    /// - Parameter toolsInTemplate: whether the model's own template showed the tools (then calls
    ///   may be separated by whitespace, as such models write them).
    func grammar(toolsInTemplate: Bool) throws(APIError) -> GrammarKey? {
        if let toolCalling {
            return .toolCalls(try toolCalling.format(whitespaceBetweenCalls: toolsInTemplate))
        }
        return format.map(GrammarKey.format)
    }

    /// The compiled constraint for `model`, or nil for free text. A schema or regex that cannot
    /// be compiled is a 422 naming the field and the keyword.
    func constraint(for model: any ServedModel, cache: ConstraintCache, toolsInTemplate: Bool = false)
        throws(APIError) -> OutputConstraint?
    {
        guard let grammar = try grammar(toolsInTemplate: toolsInTemplate) else { return nil }
        do {
            return try cache.constraint(grammar, for: model)
        } catch {
            throw apiError(error)
        }
    }

    /// The error for a grammar that failed to compile, naming the tool at fault when the
    /// failure is in one tool's parameters.
    private func apiError(_ error: GrammarError) -> APIError {
        guard let toolCalling else { return APIError(grammar: error, param: formatParam) }
        for tool in toolCalling.callable {
            do {
                _ = try CompiledGrammar(.jsonSchema(tool.parameters.jsonText))
            } catch {
                return APIError(grammar: error, param: "tools[\(tool.position)].function.parameters")
            }
        }
        return APIError(grammar: error, param: "tools")
    }

    /// Refuses the generation options that would break constrained output: an end token the
    /// grammar does not know, min_tokens (which forbids ending a complete output), ignore_eos,
    /// stop strings (which could cut a call or a JSON value short), and the extras below.
    private func checkCompatible(with fields: GenerationFields) throws(APIError) {
        guard isConstrained else { return }
        let what = toolCalling != nil ? "tool calling" : "'response_format'"
        if let minTokens = fields.minTokens, minTokens > 0 {
            throw .unsupported(
                "'min_tokens' cannot be combined with \(what): it would forbid ending an output that is complete",
                param: "min_tokens")
        }
        if fields.ignoreEOS == true {
            throw .unsupported(
                "'ignore_eos' cannot be combined with \(what): a constrained output ends when it is complete",
                param: "ignore_eos")
        }
        if let eos = fields.eosToken, !eos.isEmpty {
            throw .unsupported(
                "'eos_token' cannot be combined with \(what): an extra end token could end the output before it is "
                    + "complete", param: "eos_token")
        }
        if let stop = fields.stop?.strings, stop.contains(where: { !$0.isEmpty }) {
            throw .unsupported(
                "'stop' cannot be combined with \(what): a stop string could cut the output short and break it",
                param: "stop")
        }
        try checkCompatible(with: fields.extra, what: what)
    }

    /// The hosted API's extras that would break constrained output: a minimum total length and
    /// stop tokens as above; banned words and n-grams could forbid every token the grammar allows.
    private func checkCompatible(with extra: ExtraGenerationFields, what: String) throws(APIError) {
        if let minimum = extra.minTotalTokens, minimum > 0 {
            throw .unsupported(
                "'min_total_tokens' cannot be combined with \(what): it would forbid ending an output that is complete",
                param: "min_total_tokens")
        }
        if let stops = extra.stopTokens, !stops.isEmpty {
            throw .unsupported(
                "'stop_tokens' cannot be combined with \(what): a stop token could end the output before it is "
                    + "complete", param: "stop_tokens")
        }
        let why = "banned tokens could leave the output no valid way to continue"
        if let words = extra.badWords, !words.isEmpty {
            throw .unsupported("'bad_words' cannot be combined with \(what): \(why)", param: "bad_words")
        }
        if let sequences = extra.badWordTokens, !sequences.isEmpty {
            throw .unsupported("'bad_word_tokens' cannot be combined with \(what): \(why)", param: "bad_word_tokens")
        }
        if let size = extra.noRepeatNgram, size > 1 {
            throw .unsupported(
                "'no_repeat_ngram' cannot be combined with \(what): structured output repeats its own punctuation, "
                    + "and banning repeats could leave it no valid way to continue", param: "no_repeat_ngram")
        }
    }
}
