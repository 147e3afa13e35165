import TernGGUF

/// Renders a single user message the way the model's chat template would.
enum ChatPrompt {
    static func render(userMessage: String, file: GGUFFile) throws -> String {
        "<|im_start|>user\n\(userMessage)<|im_end|>\n<|im_start|>assistant\n"
    }
}
