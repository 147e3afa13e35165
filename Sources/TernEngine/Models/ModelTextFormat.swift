/// Human-readable sizes and counts for model listings, inspection and progress.
public enum ModelTextFormat {
    /// Decimal byte sizes: `512 B`, `4.2 KB`, `98.4 MB`, `1.25 GB`.
    public static func bytes(_ count: Int) -> String {
        let units = ["KB", "MB", "GB", "TB"]
        guard count >= 1000 else { return "\(count) B" }
        var value = Double(count)
        var unit = -1
        while value >= 999.95 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return (unit >= 2 ? twoDecimals(value) : oneDecimal(value)) + " " + units[unit]
    }

    /// Parameter counts the way model names write them: `135M`, `268M`, `1.2B`, `27B`, `7.6K`
    /// (one decimal below 10 of a unit, whole numbers above).
    public static func parameters(_ count: Int) -> String {
        let scales: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
        let value = Double(count)
        for (scale, suffix) in scales where value >= scale * 0.9995 {
            let scaled = value / scale
            return (scaled < 9.95 ? oneDecimal(scaled) : String(Int(scaled.rounded()))) + suffix
        }
        return String(count)
    }

    /// `count` with thousands separators: `134,515,008`.
    public static func grouped(_ count: Int) -> String {
        let digits = String(count.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (count < 0 ? "-" : "") + out
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
    }
}
