import Hummingbird
import TernEngine

extension APIHandlers {
    /// `POST /v1/tokenize`: `{model, prompt}` → `{tokens}`. Special-token text is parsed and BOS/EOS
    /// are added as the model's metadata asks, exactly as a completions prompt is tokenized.
    func tokenize(_ request: Request, endpoint: String) async -> Response {
        await small(request, endpoint: endpoint) { body throws(APIError) in
            let decoded = try JSONBodyDecoder.decode(TokenizeBody.self, from: body)
            let model = try registry.resolve(decoded.model)
            let tokens = model.tokenizer.encode(decoded.prompt, addSpecial: true, parseSpecial: true)
            return (
                model.description.name, tokens.count, try WireJSON.response(TokenizeWire(tokens: tokens.map(Int.init)))
            )
        }
    }

    /// `POST /v1/detokenize`: `{model, tokens}` → `{text}`. A leading BOS that the model adds to
    /// every prompt is left out of the text (as Friendli's example shows), so tokenize → detokenize
    /// round-trips; other special tokens print as their text.
    func detokenize(_ request: Request, endpoint: String) async -> Response {
        await small(request, endpoint: endpoint) { body throws(APIError) in
            let decoded = try JSONBodyDecoder.decode(DetokenizeBody.self, from: body)
            let model = try registry.resolve(decoded.model)
            let tokenizer = model.tokenizer
            var ids: [Int32] = []
            for (index, id) in decoded.tokens.enumerated() {
                guard (0..<tokenizer.vocabularySize).contains(id) else {
                    throw .invalid(
                        "'tokens[\(index)]' is \(id), not a token id (0..<\(tokenizer.vocabularySize))", param: "tokens"
                    )
                }
                ids.append(Int32(id))
            }
            // Only a BOS that tokenize would have added: for some models BOS is also a chat marker.
            if tokenizer.addsBOS, let bos = tokenizer.bosTokenID, ids.first == bos {
                ids.removeFirst()
            }
            let text = tokenizer.decode(ids, skipSpecial: false)
            return (model.description.name, decoded.tokens.count, try WireJSON.response(TextWire(text: text)))
        }
    }

    /// `POST /v1/chat/render`: `{model, messages, chat_template_kwargs?, tools?}` → `{text}`, the
    /// prompt a chat request with these messages (and tools, with `tool_choice: "auto"`) would
    /// generate from.
    func chatRender(_ request: Request, endpoint: String) async -> Response {
        await small(request, endpoint: endpoint) { body throws(APIError) in
            var decoded = try JSONBodyDecoder.decode(ChatRenderBody.self, from: body)
            try OrderedFields.restore(&decoded, from: body)
            let model = try registry.resolve(decoded.model)
            let tools = try ToolCalling(tools: decoded.tools, choice: nil, parallel: nil)
            let text = try ChatPrompt.render(
                messages: decoded.messages, kwargs: decoded.chatTemplateKwargs, tools: tools, model: model,
                templates: templates)
            return (model.description.name, 0, try WireJSON.response(TextWire(text: text)))
        }
    }

    /// Runs a quick authenticated request: auth, body, `work`, usage row.
    /// `work` returns the model name, a token count for the usage row, and the answer.
    private func small(
        _ request: Request, endpoint: String,
        _ work: (ByteBuffer) throws(APIError) -> (model: String, tokens: Int, response: Response)
    ) async -> Response {
        var request = request
        let call: InferenceCall
        do {
            call = try await begin(request, endpoint: endpoint, idPrefix: "req-")
        } catch {
            return refuse(error, endpoint: endpoint)
        }
        do throws(APIError) {
            let body = try await JSONBodyDecoder.collect(&request, limit: configuration.maxBodyBytes)
            let (model, tokens, response) = try work(body)
            call.finish(model: model, status: 200, promptTokens: tokens)
            return response
        } catch {
            call.fail(model: "", error)
            return error.response()
        }
    }
}
