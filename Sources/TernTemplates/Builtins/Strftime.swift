import Foundation

/// Python's `datetime.strftime` in the C locale (what `strftime_now` in transformers calls),
/// including glibc's `%-d`-style padding flags. Llama 3.x templates use `strftime_now("%d %b %Y")`.
enum Strftime {
    private static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    static func format(_ date: Date, _ format: String, timeZone: TimeZone) throws(TemplateError) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second, .nanosecond, .weekday], from: date)
        let year = parts.year ?? 1970
        let month = parts.month ?? 1
        let day = parts.day ?? 1
        let hour = parts.hour ?? 0
        let minute = parts.minute ?? 0
        let second = parts.second ?? 0
        let weekday = (parts.weekday ?? 1) - 1  // 0 = Sunday
        let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date) ?? 1
        let offset = timeZone.secondsFromGMT(for: date)

        var result = ""
        var scalars = format.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard var directive = scalars.next() else {
                result += "%"
                break
            }
            var padding: Character? = nil  // nil: the directive's default
            if directive == "-" || directive == "_" || directive == "0" {
                padding = directive == "-" ? "\0" : directive == "_" ? " " : "0"
                guard let next = scalars.next() else {
                    result += "%" + String(directive)
                    break
                }
                directive = next
            }
            func number(_ value: Int, _ width: Int, _ defaultPad: Character = "0") -> String {
                let digits = String(value)
                let pad = padding ?? defaultPad
                if pad == "\0" || digits.count >= width { return digits }
                return String(repeating: pad, count: width - digits.count) + digits
            }
            switch directive {
            case "a": result += String(weekdays[weekday].prefix(3))
            case "A": result += weekdays[weekday]
            case "b", "h": result += String(months[month - 1].prefix(3))
            case "B": result += months[month - 1]
            case "d": result += number(day, 2)
            case "e": result += number(day, 2, " ")
            case "m": result += number(month, 2)
            case "y": result += number(year % 100, 2)
            case "Y": result += String(year)
            case "H": result += number(hour, 2)
            case "I": result += number(hour % 12 == 0 ? 12 : hour % 12, 2)
            case "p": result += hour < 12 ? "AM" : "PM"
            case "M": result += number(minute, 2)
            case "S": result += number(second, 2)
            case "f": result += number((parts.nanosecond ?? 0) / 1000, 6)
            case "j": result += number(dayOfYear, 3)
            case "w": result += String(weekday)
            case "u": result += String(weekday == 0 ? 7 : weekday)
            case "z":
                let sign = offset < 0 ? "-" : "+"
                result += sign + number(abs(offset) / 3600, 2) + number(abs(offset) % 3600 / 60, 2)
            case "Z": result += timeZone.abbreviation(for: date) ?? timeZone.identifier
            case "D": result += try Self.format(date, "%m/%d/%y", timeZone: timeZone)
            case "F": result += try Self.format(date, "%Y-%m-%d", timeZone: timeZone)
            case "T", "X": result += try Self.format(date, "%H:%M:%S", timeZone: timeZone)
            case "R": result += try Self.format(date, "%H:%M", timeZone: timeZone)
            case "x": result += try Self.format(date, "%m/%d/%y", timeZone: timeZone)
            case "c": result += try Self.format(date, "%a %b %e %H:%M:%S %Y", timeZone: timeZone)
            case "%": result += "%"
            default:
                throw .runtime("strftime_now: unsupported directive '%\(Character(directive))'")
            }
        }
        return result
    }
}
