import Testing

@testable import TernTemplates

@Suite("ChatTemplateRenderer")
struct ChatTemplateRendererTests {
    @Test("real chat templates render exactly as transformers renders them", arguments: ChatCase.all)
    func realTemplates(_ chat: ChatCase) throws {
        let renderer = try ChatTemplateRenderer(
            template: chat.template.source, bosToken: chat.bos, eosToken: chat.eos, options: testOptions)
        let extraObject = try #require(try TemplateValue(parsingJSON: chat.extra).objectValue)
        let extra = Dictionary(extraObject.entries.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        try expectChatRendering(
            renderer, messages: chat.messages, tools: chat.tools, addGenerationPrompt: chat.addGenerationPrompt,
            extra: extra, expected: chat.expected)
    }
}

@Suite("ChatTemplateRenderer API")
struct ChatTemplateRendererAPITests {
    private let echo =
        "{{ bos_token }}|{{ tools }}|{{ documents }}|{{ add_generation_prompt }}|{{ eos_token }}|{{ extra_flag }}"

    @Test("tools and documents are defined but none when not given, as in transformers")
    func defaults() throws {
        let renderer = try ChatTemplateRenderer(template: echo, bosToken: "<s>", eosToken: "</s>")
        #expect(try renderer.render(messages: [], addGenerationPrompt: true) == "<s>|None|None|True|</s>|")
    }

    @Test("extra variables are passed and may override the defaults")
    func extras() throws {
        let renderer = try ChatTemplateRenderer(template: echo, bosToken: "<s>", eosToken: "</s>")
        let output = try renderer.render(
            messages: [], addGenerationPrompt: false, tools: [["type": "function"]],
            extra: ["extra_flag": true, "eos_token": "<end>"])
        #expect(output == "<s>|[{'type': 'function'}]|None|False|<end>|True")
    }

    @Test("a template with a syntax error fails at construction")
    func invalidTemplate() {
        #expect(
            throws: TemplateError.syntax(
                message: "unexpected end of template, expected 'else' or 'endfor'", line: 1, column: 24)
        ) {
            try ChatTemplateRenderer(template: "{% for m in messages %}", bosToken: "", eosToken: "")
        }
    }

    @Test("SmolLM2's GGUF template gives the prompt llama.cpp rendered (shared fixture)")
    func smolLM2Fixture() throws {
        let renderer = try ChatTemplateRenderer(
            template: ChatTemplateSource.smollm2.source, bosToken: "<|im_start|>", eosToken: "<|im_end|>")
        let prompt = try renderer.render(
            messages: [
                ["role": "system", "content": "You are a concise assistant. Answer in one sentence."],
                ["role": "user", "content": "What is the capital of France?"],
            ], addGenerationPrompt: true)
        #expect(
            prompt
                == "<|im_start|>system\nYou are a concise assistant. Answer in one sentence.<|im_end|>\n<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"
        )
    }

    @Test("strftime_now formats the injected clock (Llama 3.2's date line)")
    func date() throws {
        let renderer = try ChatTemplateRenderer(
            template: ChatTemplateSource.llama32.source, bosToken: "<|begin_of_text|>", eosToken: "<|eot_id|>",
            options: testOptions)
        let prompt = try renderer.render(messages: [["role": "user", "content": "Hi"]], addGenerationPrompt: true)
        #expect(prompt.contains("Today Date: 26 Jul 2024\n"))
    }
}
