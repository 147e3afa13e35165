/// The key-value metadata of a GGUF file, keys kept in file order.
public struct GGUFMetadata: Sendable, Equatable {
    /// Every key, in the order the file lists them.
    public let keys: [String]
    private let values: [String: GGUFValue]

    /// Builds metadata from ordered entries; keys must be unique (the parser checks that first).
    init(keys: [String], values: [String: GGUFValue]) {
        self.keys = keys
        self.values = values
    }

    /// Number of key-value pairs.
    public var count: Int { keys.count }

    /// The value stored under `key`, if any.
    public subscript(key: String) -> GGUFValue? { values[key] }

    /// Whether the file has a value for `key`.
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// The pairs in file order.
    public var entries: [(key: String, value: GGUFValue)] {
        keys.compactMap { key in values[key].map { (key, $0) } }
    }

    /// The string under `key`; nil when absent or not a string.
    public func string(_ key: String) -> String? { values[key]?.stringValue }

    /// The integer under `key`, whatever its integer width; nil when absent, not an integer, or out of `Int` range.
    public func int(_ key: String) -> Int? { values[key]?.intValue }

    /// The number under `key`, integer or float, as `Double`.
    public func double(_ key: String) -> Double? { values[key]?.doubleValue }

    /// The number under `key`, integer or float, as `Float`.
    public func float(_ key: String) -> Float? {
        if case .float32(let f) = values[key] { return f }
        return values[key]?.doubleValue.map(Float.init)
    }

    /// The flag under `key`; nil when absent or not a bool.
    public func bool(_ key: String) -> Bool? { values[key]?.boolValue }

    /// The array under `key`.
    public func array(_ key: String) -> [GGUFValue]? { values[key]?.arrayValue }

    /// The array of strings under `key` (e.g. `tokenizer.ggml.tokens`).
    public func stringArray(_ key: String) -> [String]? { values[key]?.stringArray }

    /// The array of integers under `key` (e.g. `tokenizer.ggml.token_type`).
    public func intArray(_ key: String) -> [Int]? { values[key]?.intArray }

    /// The array of numbers under `key` as `Float` (e.g. `tokenizer.ggml.scores`).
    public func floatArray(_ key: String) -> [Float]? { values[key]?.floatArray }
}
