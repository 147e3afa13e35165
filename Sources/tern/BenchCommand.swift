import ArgumentParser
import Foundation
import TernEngine
import TernModels
import TernTensor

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prompt processing and generation speed like llama-bench (optionally beside it).")

    @OptionGroup var options: ModelOptions

    @Option(name: [.customShort("p"), .long], help: "Prompt tokens per prompt-processing run.")
    var promptTokens: Int = 512

    @Option(name: [.customShort("n"), .long], help: "Tokens per generation run.")
    var generateTokens: Int = 128

    @Option(name: [.customShort("r"), .long], help: "Repetitions of each test.")
    var repetitions: Int = 5

    @Option(
        name: .long,
        help:
            "Path to llama.cpp's llama-bench to run on the same file and threads, one repetition in turn with each of Tern's."
    )
    var llamaBench: String?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if promptTokens < 1 || generateTokens < 1 || repetitions < 1 {
            throw ValidationError("-p, -n and -r must be at least 1")
        }
    }

    func run() throws {
        let loaded = try LoadedModel.load(options)
        let model = loaded.model
        let fileURL = URL(fileURLWithPath: loaded.file.path)
        let session = SequenceSession(model: model, capacity: max(promptTokens, generateTokens + 1))
        var generator = SystemRandomNumberGenerator()
        func randomTokens(_ count: Int) -> [Int32] {
            (0..<count).map { _ in Int32.random(in: 0..<Int32(model.vocabularySize), using: &generator) }
        }
        // Warm-up, as llama-bench does: touch every weight page and grow scratch buffers.
        session.append(randomTokens(min(promptTokens, 32)))
        session.reset()

        func measurePrompt() -> Double {
            let tokens = randomTokens(promptTokens)
            session.reset()
            let start = ContinuousClock.now
            session.append(tokens)
            return GenerateCommand.rate(promptTokens, ContinuousClock.now - start)
        }
        func measureGeneration() -> Double {
            let tokens = randomTokens(generateTokens)
            session.reset()
            let start = ContinuousClock.now
            for token in tokens { session.append([token]) }
            return GenerateCommand.rate(generateTokens, ContinuousClock.now - start)
        }
        // With llama-bench, the two engines take turns, one repetition each, so that a machine
        // whose speed drifts during the run (a shared host) affects both alike.
        let runner = llamaBench.map { LlamaBenchRunner(executable: $0) }
        var promptRates: [Double] = [], generationRates: [Double] = []
        var llamaPromptRates: [Double] = [], llamaGenerationRates: [Double] = []
        for _ in 0..<repetitions {
            promptRates.append(measurePrompt())
            generationRates.append(measureGeneration())
            if let runner {
                let llama = try runner.run(
                    model: fileURL.path, threads: loaded.pool.activeThreadCount, promptTokens: promptTokens,
                    generateTokens: generateTokens, repetitions: 1)
                llamaPromptRates.append(llama.promptProcessing.mean)
                llamaGenerationRates.append(llama.generation.mean)
            }
        }
        var report = BenchReport(
            model: loaded.name, file: fileURL.lastPathComponent, threads: loaded.pool.activeThreadCount,
            isa: KernelInfo.isaName,
            tern: .init(
                promptProcessing: .init(promptRates), generation: .init(generationRates),
                peakRSSMiB: ProcessMemory.peakResidentMiB()),
            fileSizeMiB: Double(loaded.file.fileSize) / 1_048_576)
        if runner != nil {
            report.llamaCpp = .init(
                promptProcessing: .init(llamaPromptRates), generation: .init(llamaGenerationRates), peakRSSMiB: nil)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table(promptTokens: promptTokens, generateTokens: generateTokens))
        }
    }
}
