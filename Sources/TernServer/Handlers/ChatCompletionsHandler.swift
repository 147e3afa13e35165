import Foundation
import Hummingbird
import TernEngine

extension APIHandlers {
    /// `POST /v1/chat/completions`: one JSON answer, or server-sent events when `stream` is true
    /// (the body alone decides; `Accept` is ignored).
    func chatCompletions(_ request: Request, endpoint: String) async -> Response {
        var request = request
        let call: InferenceCall
        do {
            call = try await begin(request, endpoint: endpoint, idPrefix: "chatcmpl-")
        } catch {
            return refuse(error, endpoint: endpoint)
        }
        var modelName = ""
        var promptTokens = 0
        do throws(APIError) {
            let buffer = try await JSONBodyDecoder.collect(&request, limit: configuration.maxBodyBytes)
            var body = try JSONBodyDecoder.decode(ChatCompletionBody.self, from: buffer)
            try OrderedFields.restore(&body, from: buffer)
            modelName = body.model ?? ""
            let model = try registry.resolve(body.model)
            modelName = model.description.name
            let settings = try GenerationSettings(
                body.generation, logprobs: body.logprobs == true,
                topLogprobs: try chatTopLogprobs(body), tokenizer: model.tokenizer, configuration: configuration)
            let plan = try OutputPlan.chat(body.generation)
            let prompt = try ChatPrompt(
                messages: body.messages, kwargs: body.chatTemplateKwargs, tools: plan.toolCalling, model: model,
                templates: templates)
            promptTokens = prompt.tokens.count
            let maxTokens = try settings.maxTokens(
                promptTokens: prompt.tokens.count, limit: model.maxSequenceTokens,
                defaultCap: configuration.defaultMaxTokens)
            let constraint = try plan.constraint(
                for: model, cache: constraints, toolsInTemplate: prompt.toolsInTemplate)
            let requests = settings.seeds().enumerated().map { index, seed in
                var request = settings.engineRequest(prompt: prompt.tokens, maxTokens: maxTokens, seed: seed)
                request.constraint = constraint
                return (index: index, request: request)
            }
            let run = GenerationRun(
                jobs: try GenerationRun.submit(requests, to: model), tokenizer: model.tokenizer,
                stopStrings: settings.stopStrings, minTokens: settings.sampling.minTokens,
                timing: TokenTiming(start: call.start, model: modelName, metrics: metrics))
            let responder = GenerationResponder(
                call: call, model: modelName, promptTokens: prompt.tokens.count, run: run)
            if settings.stream {
                let encoder = ChatStreamEncoder(
                    id: call.requestID, model: modelName, tokenizer: model.tokenizer, logprobs: settings.logprobs,
                    parsesToolCalls: plan.parsesToolCalls)
                return responder.stream(request, encoder: encoder, includeUsage: settings.includeUsage)
            }
            guard let choices = await responder.collect(request) else { return GenerationResponder.clientClosed }
            let usage = responder.usage(choices)
            let wireChoices = choices.enumerated().map { index, choice in
                ChatCompletionWire.Choice(
                    choice, index: index, parsesToolCalls: plan.parsesToolCalls,
                    logprobs: settings.logprobs
                        ? ChatLogprobsWire(tokens: choice.tokens, tokenizer: model.tokenizer) : nil)
            }
            let wire = ChatCompletionWire(
                id: call.requestID, created: ChatStreamEncoder.now, model: modelName, choices: wireChoices,
                usage: usage)
            return responder.respond(wire, usage: usage, finishes: wireChoices.map(\.finishReason))
        } catch {
            call.fail(model: modelName, error, promptTokens: promptTokens)
            return error.response()
        }
    }

    /// Chat `top_logprobs`: 0...max, and only together with `logprobs: true`.
    private func chatTopLogprobs(_ body: ChatCompletionBody) throws(APIError) -> Int {
        guard let value = body.topLogprobs else { return 0 }
        guard (0...configuration.maxTopLogprobs).contains(value) else {
            throw .invalid(
                "'top_logprobs' must be between 0 and \(configuration.maxTopLogprobs), got \(value)",
                param: "top_logprobs")
        }
        if value > 0 && body.logprobs != true {
            throw .invalid("'top_logprobs' requires 'logprobs': true", param: "top_logprobs")
        }
        return value
    }
}
