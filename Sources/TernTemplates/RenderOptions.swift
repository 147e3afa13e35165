import Foundation

/// Bounds on one render, so that a hostile template fails fast with
/// ``TemplateError/limitExceeded(message:line:)`` instead of hanging or exhausting memory.
public struct RenderLimits: Sendable, Equatable {
    /// Largest output, and largest string or list a template may build, in UTF-8 bytes / elements.
    public var maxOutputBytes: Int
    /// Loop iterations, macro calls and `range` elements allowed in one render.
    public var maxSteps: Int
    /// Deepest nesting of macro calls (recursion) allowed.
    public var maxCallDepth: Int

    /// Limits far above what a real chat template needs for a long conversation.
    public init(maxOutputBytes: Int = 16 << 20, maxSteps: Int = 2_000_000, maxCallDepth: Int = 64) {
        self.maxOutputBytes = maxOutputBytes
        self.maxSteps = maxSteps
        self.maxCallDepth = maxCallDepth
    }
}

/// How a render behaves beyond its context: limits and the clock behind `strftime_now`.
public struct RenderOptions: Sendable {
    /// The bounds enforced while rendering.
    public var limits: RenderLimits
    /// The instant `strftime_now` formats; transformers uses the current local time.
    public var now: @Sendable () -> Date
    /// The zone `strftime_now` formats in.
    public var timeZone: TimeZone

    /// Default limits, the system clock and the process's time zone (what transformers does).
    public init(
        limits: RenderLimits = RenderLimits(),
        now: @escaping @Sendable () -> Date = { Date() },
        timeZone: TimeZone = .current
    ) {
        self.limits = limits
        self.now = now
        self.timeZone = timeZone
    }
}
