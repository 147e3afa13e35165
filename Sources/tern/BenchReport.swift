import Foundation

/// Mean and spread of repeated speed measurements (tokens per second).
struct Measurement: Codable {
    let mean: Double
    let stddev: Double
    let samples: [Double]

    init(_ samples: [Double]) {
        self.samples = samples
        let average = samples.reduce(0, +) / Double(max(1, samples.count))
        let variance = samples.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(max(1, samples.count - 1))
        mean = average
        stddev = variance.squareRoot()
    }

    init(mean: Double, stddev: Double) {
        self.mean = mean
        self.stddev = stddev
        samples = []
    }
}

/// What `tern bench` measured, and llama.cpp's figures from the same run when available.
struct BenchReport: Codable {
    struct Engine: Codable {
        let promptProcessing: Measurement
        let generation: Measurement
        let peakRSSMiB: Double?
    }

    let model: String
    let file: String
    let threads: Int
    let isa: String
    let tern: Engine
    var llamaCpp: Engine?
    let fileSizeMiB: Double

    var promptProcessingRatio: Double? { llamaCpp.map { tern.promptProcessing.mean / $0.promptProcessing.mean } }
    var generationRatio: Double? { llamaCpp.map { tern.generation.mean / $0.generation.mean } }

    func table(promptTokens: Int, generateTokens: Int) -> String {
        func row(_ engine: String, _ test: String, _ m: Measurement, _ rss: Double?) -> String {
            let rssText = rss.map { String(format: "%.0f MiB", $0) } ?? "-"
            func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
            let speed = String(format: "%9.1f ± %6.1f", m.mean, m.stddev)
            return "| \(pad(engine, 9)) | \(pad(test, 6)) | \(speed) | \(pad(rssText, 9)) |"
        }
        var lines = [
            "model \(model) (\(file), \(String(format: "%.1f", fileSizeMiB)) MiB), threads \(threads), ISA \(isa)",
            "| engine    | test   |        tokens/s    | peak RSS  |",
            "|-----------|--------|--------------------|-----------|",
            row("tern", "pp\(promptTokens)", tern.promptProcessing, tern.peakRSSMiB),
            row("tern", "tg\(generateTokens)", tern.generation, tern.peakRSSMiB),
        ]
        if let llama = llamaCpp {
            lines.append(row("llama.cpp", "pp\(promptTokens)", llama.promptProcessing, llama.peakRSSMiB))
            lines.append(row("llama.cpp", "tg\(generateTokens)", llama.generation, llama.peakRSSMiB))
            lines.append(
                String(
                    format: "ratio tern/llama.cpp: pp %.2fx, tg %.2fx", promptProcessingRatio ?? 0, generationRatio ?? 0))
        }
        return lines.joined(separator: "\n")
    }
}

/// Peak and current resident memory of this process, from /proc.
enum ProcessMemory {
    static func peakResidentMiB() -> Double? { statusField("VmHWM") }
    static func residentMiB() -> Double? { statusField("VmRSS") }

    private static func statusField(_ name: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.split(separator: " ").compactMap { Double($0) }.first
            return digits.map { $0 / 1024 }
        }
        return nil
    }
}

/// Runs llama.cpp's llama-bench with the same settings and reads its JSON report.
struct LlamaBenchRunner {
    let executable: String

    func run(model: String, threads: Int, promptTokens: Int, generateTokens: Int, repetitions: Int) throws -> BenchReport.Engine {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "-m", model, "-t", "\(threads)", "-p", "\(promptTokens)", "-n", "\(generateTokens)", "-r", "\(repetitions)",
            "-o", "json",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let rows = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else {
            throw BenchError.llamaBenchFailed(status: process.terminationStatus)
        }
        var prompt: Measurement?
        var generation: Measurement?
        for row in rows {
            let mean = row["avg_ts"] as? Double ?? 0
            let stddev = row["stddev_ts"] as? Double ?? 0
            if (row["n_prompt"] as? Int ?? 0) > 0 { prompt = Measurement(mean: mean, stddev: stddev) }
            if (row["n_gen"] as? Int ?? 0) > 0 { generation = Measurement(mean: mean, stddev: stddev) }
        }
        guard let prompt, let generation else { throw BenchError.llamaBenchFailed(status: 0) }
        return BenchReport.Engine(promptProcessing: prompt, generation: generation, peakRSSMiB: nil)
    }
}

enum BenchError: Error, CustomStringConvertible {
    case llamaBenchFailed(status: Int32)

    var description: String {
        switch self {
        case .llamaBenchFailed(let status): return "llama-bench failed (exit status \(status)) or printed no results"
        }
    }
}
