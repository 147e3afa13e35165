import Foundation
import Testing

@testable import TernEngine

/// Sizes, counts, file types and the progress display.
@Suite struct ModelsFormatTests {
    @Test func parameterCountsReadLikeModelNames() {
        #expect(ModelTextFormat.parameters(134_515_008) == "135M")
        #expect(ModelTextFormat.parameters(268_098_176) == "268M")
        #expect(ModelTextFormat.parameters(1_235_814_400) == "1.2B")
        #expect(ModelTextFormat.parameters(26_900_000_000) == "27B")
        #expect(ModelTextFormat.parameters(999_999) == "1.0M")
        #expect(ModelTextFormat.parameters(141_632) == "142K")
        #expect(ModelTextFormat.parameters(512) == "512")
    }

    @Test func byteSizesAreDecimal() {
        #expect(ModelTextFormat.bytes(999) == "999 B")
        #expect(ModelTextFormat.bytes(98_362_432) == "98.4 MB")
        #expect(ModelTextFormat.bytes(253_113_024) == "253.1 MB")
        #expect(ModelTextFormat.bytes(4_920_000_000) == "4.92 GB")
        #expect(ModelTextFormat.bytes(999_970) == "1.0 MB")
        #expect(ModelTextFormat.grouped(98_362_432) == "98,362,432")
        #expect(ModelTextFormat.grouped(12) == "12")
    }

    @Test func fileTypesUseLlamaCppNames() {
        #expect(ModelFacts.fileTypeName(3) == "Q4_1")
        #expect(ModelFacts.fileTypeName(15) == "Q4_K_M")
        #expect(ModelFacts.fileTypeName(1024 + 18) == "Q6_K")  // the "guessed" flag
        #expect(ModelFacts.fileTypeName(32) == "BF16")
        #expect(ModelFacts.fileTypeName(4) == nil)  // removed from llama.cpp
    }

    private func progress(
        _ received: Int, of total: Int?, after elapsed: Double, resumedFrom: Int = 0, finished: Bool = false
    )
        -> DownloadProgress
    {
        DownloadProgress(
            fileName: "m.gguf", receivedBytes: received, totalBytes: total, resumedFrom: resumedFrom, elapsed: elapsed,
            isFinished: finished)
    }

    @Test func progressLinesShowPercentBytesSpeedAndETA() {
        #expect(
            progress(50_000_000, of: 200_000_000, after: 5).line(barWidth: 8)
                == "m.gguf   25% [██░░░░░░]  50.0 MB / 200.0 MB  10.0 MB/s  ETA 0:15")
        // A resume counts only this transfer's bytes towards the speed.
        #expect(
            progress(150_000_000, of: 200_000_000, after: 10, resumedFrom: 100_000_000).line(barWidth: 4)
                == "m.gguf   75% [███░]  150.0 MB / 200.0 MB  5.0 MB/s  ETA 0:10")
        #expect(progress(3_000_000, of: nil, after: 0.1).line() == "m.gguf  3.0 MB")
        #expect(progress(200, of: 200, after: 4000, finished: true).line(barWidth: 2).hasSuffix("in 1:06:40"))
    }

    @Test func aTerminalGetsOneRedrawnLineAndALogGetsOccasionalLines() {
        let terminal = Written()
        let bar = ProgressPrinter(isTerminal: true) { terminal.append($0) }
        bar.report(progress(10, of: 100, after: 1))
        bar.report(progress(100, of: 100, after: 2, finished: true))
        #expect(terminal.text.hasPrefix("\r") && terminal.text.hasSuffix("\n"))
        #expect(terminal.text.filter { $0 == "\n" }.count == 1)

        let log = Written()
        let lines = ProgressPrinter(isTerminal: false, interval: 10) { log.append($0) }
        let start = Date()
        for second in 0..<25 {
            lines.report(progress(second, of: 100, after: Double(second)), now: start + Double(second))
        }
        lines.report(progress(100, of: 100, after: 25, finished: true), now: start + 25)
        #expect(log.text.split(separator: "\n").count == 4)  // at 0 s, 10 s, 20 s, and the end
        #expect(!log.text.contains("\r"))
    }
}

final class Written: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [String] = []
    func append(_ text: String) { lock.withLock { chunks.append(text) } }
    var text: String { lock.withLock { chunks.joined() } }
}
