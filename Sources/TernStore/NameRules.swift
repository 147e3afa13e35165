import Foundation

/// What team, user and token names may look like.
///
/// Team names must contain a non-digit so that an `X-Friendli-Team` value of all digits is
/// always a team id, never a name: the two can then never be confused.
enum NameRules {
    static let maximumNameLength = 64
    static let maximumTokenNameLength = 128

    /// Letters, digits, `.`, `_`, `-`; 1–64 characters; not all digits.
    static func teamName(_ name: String) throws(StoreError) -> String {
        try checkIdentifier(name, kind: "team", extra: "._-")
        if name.utf8.allSatisfy(isDigit) {
            throw .invalidName(kind: "team", name: name, reason: "all digits would read as a team id")
        }
        return name
    }

    /// Letters, digits, `.`, `_`, `-`, `@`, `+`; 1–64 characters (e-mail addresses fit).
    static func userName(_ name: String) throws(StoreError) -> String {
        try checkIdentifier(name, kind: "user", extra: "._-@+")
        return name
    }

    /// Any text of 1–128 characters without control characters; surrounding spaces are dropped.
    static func tokenName(_ name: String) throws(StoreError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw .invalidName(kind: "token", name: name, reason: "it is empty")
        }
        guard trimmed.count <= maximumTokenNameLength else {
            throw .invalidName(kind: "token", name: name, reason: "longer than \(maximumTokenNameLength) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidName(kind: "token", name: name, reason: "it contains control characters")
        }
        return trimmed
    }

    private static func checkIdentifier(_ name: String, kind: String, extra: String) throws(StoreError) {
        guard !name.isEmpty else {
            throw .invalidName(kind: kind, name: name, reason: "it is empty")
        }
        guard name.utf8.count <= maximumNameLength else {
            throw .invalidName(kind: kind, name: name, reason: "longer than \(maximumNameLength) characters")
        }
        let allowed = Set(extra.utf8)
        guard name.utf8.allSatisfy({ isLetter($0) || isDigit($0) || allowed.contains($0) }) else {
            throw .invalidName(kind: kind, name: name, reason: "only letters, digits and '\(extra)' are allowed")
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
