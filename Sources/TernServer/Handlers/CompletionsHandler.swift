import Hummingbird
import TernEngine
import TernTokenizers

extension APIHandlers {
    /// `POST /v1/completions`: `n` choices per prompt (choice index = prompt index × n + k), as one
    /// JSON answer or as server-sent events when `stream` is true.
    func completions(_ request: Request, endpoint: String) async -> Response {
        var request = request
        let call: InferenceCall
        do {
            call = try await begin(request, endpoint: endpoint, idPrefix: "cmpl-")
        } catch {
            return refuse(error, endpoint: endpoint)
        }
        var modelName = ""
        var promptTokens = 0
        do throws(APIError) {
            let buffer = try await JSONBodyDecoder.collect(&request, limit: configuration.maxBodyBytes)
            var body = try JSONBodyDecoder.decode(CompletionBody.self, from: buffer)
            try OrderedFields.restore(&body, from: buffer)
            modelName = body.model ?? ""
            let model = try registry.resolve(body.model)
            modelName = model.description.name
            let (logprobs, topLogprobs) = try completionLogprobs(body.logprobs)
            let settings = try GenerationSettings(
                body.generation, logprobs: logprobs, topLogprobs: topLogprobs, tokenizer: model.tokenizer,
                configuration: configuration)
            let plan = try OutputPlan.completion(body.generation)
            let prompts = try CompletionPrompt.prompts(of: body, tokenizer: model.tokenizer)
            promptTokens = prompts.reduce(0) { $0 + $1.tokens.count }
            let seeds = settings.seeds()
            let constraint = try plan.constraint(for: model, cache: constraints)
            var requests: [(index: Int, request: EngineRequest)] = []
            for (promptIndex, prompt) in prompts.enumerated() {
                let maxTokens = try settings.maxTokens(
                    promptTokens: prompt.tokens.count, limit: model.maxSequenceTokens,
                    defaultCap: configuration.defaultMaxTokens)
                for (choice, seed) in seeds.enumerated() {
                    var request = settings.engineRequest(prompt: prompt.tokens, maxTokens: maxTokens, seed: seed)
                    request.constraint = constraint
                    requests.append((promptIndex * settings.n + choice, request))
                }
            }
            let run = GenerationRun(
                jobs: try GenerationRun.submit(requests, to: model), tokenizer: model.tokenizer,
                stopStrings: settings.stopStrings, minTokens: settings.sampling.minTokens,
                timing: TokenTiming(start: call.start, model: modelName, metrics: metrics))
            let responder = GenerationResponder(call: call, model: modelName, promptTokens: promptTokens, run: run)
            let echo = body.echo == true
            let echoText = { (index: Int) in echo ? prompts[index / settings.n].text : "" }
            if settings.stream {
                var encoder = CompletionStreamEncoder(
                    id: call.requestID, model: modelName, tokenizer: model.tokenizer, logprobs: settings.logprobs)
                var prelude: [ByteBuffer] = []
                if echo {
                    for index in 0..<requests.count {
                        prelude.append(try encoder.echoEvent(index: index, text: echoText(index)))
                    }
                }
                return responder.stream(
                    request, encoder: encoder, prelude: prelude, includeUsage: settings.includeUsage)
            }
            guard let choices = await responder.collect(request) else { return GenerationResponder.clientClosed }
            let usage = responder.usage(choices)
            let wire = CompletionWire(
                id: call.requestID, created: ChatStreamEncoder.now, model: modelName,
                choices: choices.enumerated().map { index, choice in
                    let prefix = echoText(index)
                    return CompletionWire.Choice(
                        index: index, text: prefix + choice.text, seed: seeds[index % settings.n],
                        tokens: choice.tokens.map { Int($0.token) },
                        finishReason: (choice.finish ?? .stop).wireValue,
                        logprobs: settings.logprobs
                            ? CompletionLogprobsWire.make(
                                tokens: choice.tokens, tokenizer: model.tokenizer, startingAt: prefix.count
                            ).0 : nil)
                },
                usage: usage)
            return responder.respond(wire, usage: usage, finishes: wire.choices.map(\.finishReason))
        } catch {
            call.fail(model: modelName, error, promptTokens: promptTokens)
            return error.response()
        }
    }

    /// Completions `logprobs`: an integer 0...max (alternatives per position) or a boolean.
    private func completionLogprobs(_ field: CompletionLogprobsField?) throws(APIError) -> (Bool, Int) {
        switch field {
        case nil, .flag(false)?: return (false, 0)
        case .flag(true)?: return (true, 0)
        case .count(let count)?:
            guard (0...configuration.maxTopLogprobs).contains(count) else {
                throw .invalid(
                    "'logprobs' must be between 0 and \(configuration.maxTopLogprobs), got \(count)", param: "logprobs")
            }
            return (true, count)
        }
    }
}

/// One prompt of a completions request: its tokens and the text echoed back with `echo`.
struct CompletionPrompt: Sendable {
    var tokens: [Int32]
    var text: String

    /// The prompts of `body`: `prompt` (text, texts, token ids or token-id lists) or `tokens`.
    static func prompts(of body: CompletionBody, tokenizer: any Tokenizer) throws(APIError) -> [CompletionPrompt] {
        let prompts: [CompletionPrompt]
        switch (body.prompt, body.tokens) {
        case (nil, nil):
            throw .invalid("'prompt' (or 'tokens') is required", param: "prompt", code: "missing_field")
        case (.some, .some):
            throw .invalid("give either 'prompt' or 'tokens', not both", param: "tokens")
        case (.texts(let texts)?, nil):
            // Like llama.cpp: BOS/EOS as the model's metadata asks, special-token text parsed.
            prompts = texts.map {
                CompletionPrompt(tokens: tokenizer.encode($0, addSpecial: true, parseSpecial: true), text: $0)
            }
        case (.tokenLists(let lists)?, nil):
            var converted: [CompletionPrompt] = []
            for (index, ids) in lists.enumerated() {
                let param = lists.count == 1 ? "prompt" : "prompt[\(index)]"
                converted.append(try tokenPrompt(ids, param: param, tokenizer: tokenizer))
            }
            prompts = converted
        case (nil, let ids?):
            prompts = [try tokenPrompt(ids, param: "tokens", tokenizer: tokenizer)]
        }
        guard !prompts.isEmpty else {
            throw .invalid("'prompt' must contain at least one prompt", param: "prompt")
        }
        for (index, prompt) in prompts.enumerated() where prompt.tokens.isEmpty {
            throw .invalid(
                "prompt \(index) is empty (it has no tokens)", param: prompts.count == 1 ? "prompt" : "prompt[\(index)]"
            )
        }
        return prompts
    }

    private static func tokenPrompt(_ ids: [Int], param: String, tokenizer: any Tokenizer) throws(APIError)
        -> CompletionPrompt
    {
        var tokens: [Int32] = []
        tokens.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            guard (0..<tokenizer.vocabularySize).contains(id) else {
                throw .invalid(
                    "'\(param)[\(index)]' is \(id), not a token id (0..<\(tokenizer.vocabularySize))", param: param)
            }
            tokens.append(Int32(id))
        }
        return CompletionPrompt(tokens: tokens, text: tokenizer.decode(tokens, skipSpecial: false))
    }
}
