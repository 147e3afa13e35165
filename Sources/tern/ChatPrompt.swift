import TernGGUF
import TernTemplates
import TernTokenizers

/// Renders a single user message the way the model's chat template does.
enum ChatPrompt {
    enum Failure: Error, CustomStringConvertible {
        case noTemplate

        var description: String {
            "this model has no chat template (tokenizer.chat_template); it is a base model, so use a plain --prompt"
        }
    }

    static func render(userMessage: String, file: GGUFFile, tokenizer: any Tokenizer) throws -> String {
        guard let source = file.metadata.string("tokenizer.chat_template") else { throw Failure.noTemplate }
        let renderer = try ChatTemplateRenderer(
            template: source, bosToken: tokenizer.bosTokenID.map(tokenizer.tokenText) ?? "",
            eosToken: tokenizer.eosTokenID.map(tokenizer.tokenText) ?? "")
        return try renderer.render(
            messages: [["role": "user", "content": .string(userMessage)]], addGenerationPrompt: true)
    }
}
