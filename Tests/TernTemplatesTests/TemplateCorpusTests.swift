import Testing

@testable import TernTemplates

@Suite("Template corpus")
struct TemplateCorpusTests {
    @Test("31 more real chat templates render as jinja2 renders them", arguments: CorpusCase.all)
    func corpus(_ corpusCase: CorpusCase) throws {
        let renderer = try ChatTemplateRenderer(
            template: CorpusCase.sources[corpusCase.source], bosToken: "<s>", eosToken: "</s>", options: testOptions)
        try expectChatRendering(
            renderer, messages: corpusCase.messages, tools: corpusCase.tools,
            addGenerationPrompt: corpusCase.addGenerationPrompt, expected: corpusCase.expected)
    }
}
