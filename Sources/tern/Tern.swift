import ArgumentParser

@main
struct Tern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "A serverless LLM inference platform: GGUF models behind the Friendli/OpenAI API.",
        subcommands: [
            PullCommand.self, TokenizeCommand.self, GenerateCommand.self, BenchCommand.self, TokenCommand.self,
            TeamCommand.self, UsageCommand.self, ServeCommand.self, ModelsCommand.self, InspectCommand.self,
        ])
}
