import Foundation

/// A snapshot of a running URL download, for progress displays.
public struct DownloadProgress: Sendable, Equatable {
    /// The file being downloaded (its final name).
    public let fileName: String
    /// Bytes in the partial file so far, including those kept from an earlier attempt.
    public let receivedBytes: Int
    /// The full size of the file, when the server announced it.
    public let totalBytes: Int?
    /// Bytes that were already there when this transfer started (a resume).
    public let resumedFrom: Int
    /// Seconds since this transfer started.
    public let elapsed: TimeInterval
    /// Whether the transfer has ended (successfully or not); the last report of a transfer.
    public let isFinished: Bool

    public init(
        fileName: String, receivedBytes: Int, totalBytes: Int?, resumedFrom: Int, elapsed: TimeInterval,
        isFinished: Bool
    ) {
        self.fileName = fileName
        self.receivedBytes = receivedBytes
        self.totalBytes = totalBytes
        self.resumedFrom = resumedFrom
        self.elapsed = elapsed
        self.isFinished = isFinished
    }

    /// Completed fraction, 0...1, when the total is known.
    public var fraction: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(receivedBytes) / Double(totalBytes))
    }

    /// Average speed of this transfer (resumed bytes excluded); nil in its first moments.
    public var bytesPerSecond: Double? {
        guard elapsed >= 0.25 else { return nil }
        return Double(receivedBytes - resumedFrom) / elapsed
    }

    /// Seconds left at the current speed, when both the total and the speed are known.
    public var remainingSeconds: Double? {
        guard let totalBytes, let speed = bytesPerSecond, speed > 0 else { return nil }
        return Double(max(0, totalBytes - receivedBytes)) / speed
    }

    /// One line: name, percent and bar, bytes, speed and ETA (or the time taken, once finished):
    /// `model.gguf  42% [██████████░░░░░░░░░░░░░░]  106.3 MB / 253.1 MB  12.1 MB/s  ETA 0:12`
    /// (the bar's width is `barWidth`).
    public func line(barWidth: Int = 24) -> String {
        var parts = [fileName]
        let received = ModelTextFormat.bytes(receivedBytes)
        if let fraction, let totalBytes {
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
            let percent = String(Int((fraction * 100).rounded(.down)))
            parts.append(String(repeating: " ", count: max(0, 3 - percent.count)) + percent + "% [" + bar + "]")
            parts.append(received + " / " + ModelTextFormat.bytes(totalBytes))
        } else {
            parts.append(received)
        }
        if let speed = bytesPerSecond { parts.append(ModelTextFormat.bytes(Int(speed)) + "/s") }
        if isFinished {
            parts.append("in " + Self.clock(elapsed.rounded()))
        } else if let remaining = remainingSeconds {
            parts.append("ETA " + Self.clock(remaining))
        }
        return parts.joined(separator: "  ")
    }

    /// `m:ss`, or `h:mm:ss` from an hour up.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up).clamped(to: 0...359_999))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" : "\(minutes):\(twoDigits(secs))"
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}

/// Shows download progress: a bar redrawn in place on a terminal, plain lines now and then
/// otherwise (logs, CI), so a redirected stderr is not flooded with carriage returns.
public final class ProgressPrinter: @unchecked Sendable {
    private let isTerminal: Bool
    private let interval: TimeInterval
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var lastLine: Date?
    private var lastWidth = 0

    /// - Parameters:
    ///   - isTerminal: redraw one line in place (true) or print separate lines (false).
    ///   - interval: seconds between plain lines when not on a terminal.
    ///   - write: receives the text to print, newlines and carriage returns included.
    public init(isTerminal: Bool, interval: TimeInterval = 10, write: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.interval = interval
        self.write = write
    }

    /// A printer for standard error, drawing a bar when it is a terminal.
    public static func standardError() -> ProgressPrinter {
        ProgressPrinter(isTerminal: isatty(STDERR_FILENO) == 1) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// Shows `progress`.
    public func report(_ progress: DownloadProgress, now: Date = Date()) {
        lock.lock()
        defer { lock.unlock() }
        let line = progress.line()
        if isTerminal {
            // Pad over the previous line's tail instead of relying on terminal escapes.
            let padding = String(repeating: " ", count: max(0, lastWidth - line.count))
            lastWidth = line.count
            write("\r" + line + padding + (progress.isFinished ? "\n" : ""))
            if progress.isFinished { lastWidth = 0 }
        } else if progress.isFinished || lastLine.map({ now.timeIntervalSince($0) >= interval }) ?? true {
            lastLine = progress.isFinished ? nil : now
            write(line + "\n")
        }
    }
}
