import Crypto
import Foundation

/// Making, recognizing and hashing `flp_` tokens.
enum TokenSecret {
    /// Every token starts with this (the Friendli personal-token scheme).
    static let scheme = "flp_"
    /// Random base62 characters after the scheme: 43 × log2(62) ≈ 256 bits.
    static let randomLength = 43
    /// Random characters kept in the display prefix: enough to tell tokens apart in a list,
    /// while the remaining 37 characters (≈ 220 bits) stay secret.
    static let displayRandomLength = 6
    /// Longest credential accepted before hashing; bounds the work an attacker can ask for.
    static let maximumLength = 256

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A new token from the system's cryptographically secure generator.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// A new token drawn from `generator`; `Int.random(in:using:)` is unbiased, so each
    /// character is uniform over the 62 symbols.
    static func generate(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = Array(scheme.utf8)
        bytes.reserveCapacity(scheme.utf8.count + randomLength)
        for _ in 0..<randomLength {
            bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The non-secret prefix shown in listings, e.g. `flp_a1B2c3`.
    static func displayPrefix(of token: String) -> String {
        String(token.prefix(scheme.count + displayRandomLength))
    }

    /// Whether `token` could be one of ours: the scheme, then only base62 characters, bounded length.
    /// Checked before hashing so that garbage never reaches the database.
    static func isWellFormed(_ token: String) -> Bool {
        let utf8 = token.utf8
        guard utf8.count > scheme.utf8.count, utf8.count <= maximumLength, token.hasPrefix(scheme) else {
            return false
        }
        return utf8.dropFirst(scheme.utf8.count).allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        }
    }

    /// SHA-256 of the token's UTF-8 bytes: what the store keeps instead of the token.
    static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    /// Compares two byte strings in time that depends only on their lengths (which are public:
    /// every hash is 32 bytes), so a mismatch position cannot be learned by timing.
    static func constantTimeEquals(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }
}
