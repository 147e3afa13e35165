/// Request fields that accept more than one JSON shape.

/// `stop`: one string or an array of strings (Friendli documents the array, OpenAI clients send
/// either).
struct StopField: Decodable, Equatable {
    var strings: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            strings = [one]
        } else if let many = try? container.decode([String].self) {
            strings = many
        } else {
            throw DecodingError.typeMismatch(
                String.self,
                .init(codingPath: decoder.codingPath, debugDescription: "expected a string or an array of strings"))
        }
    }
}

/// `seed`: one integer (choice `i` uses `seed + i`) or one integer per choice.
enum SeedField: Decodable, Equatable {
    case single(Int)
    case perChoice([Int])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(Int.self) {
            self = .single(one)
        } else if let many = try? container.decode([Int].self) {
            self = .perChoice(many)
        } else {
            throw DecodingError.typeMismatch(
                Int.self,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected an integer or an array of integers"))
        }
    }
}

/// `logprobs` in completions: an integer (alternatives per position, the legacy OpenAI shape) or,
/// from lenient clients, a boolean.
enum CompletionLogprobsField: Decodable, Equatable {
    case count(Int)
    case flag(Bool)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let count = try? container.decode(Int.self) {
            self = .count(count)
        } else {
            throw DecodingError.typeMismatch(
                Int.self, .init(codingPath: decoder.codingPath, debugDescription: "expected an integer"))
        }
    }
}

/// `prompt` in completions: a string, an array of strings (one completion each), an array of
/// token ids, or an array of token-id arrays.
enum PromptField: Decodable, Equatable {
    case texts([String])
    case tokenLists([[Int]])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            self = .texts([one])
        } else if let many = try? container.decode([String].self) {
            self = .texts(many)
        } else if let ids = try? container.decode([Int].self) {
            self = .tokenLists([ids])
        } else if let lists = try? container.decode([[Int]].self) {
            self = .tokenLists(lists)
        } else {
            throw DecodingError.typeMismatch(
                String.self,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a string, an array of strings or an array of token ids"))
        }
    }
}

/// `stream_options`.
struct StreamOptionsField: Decodable, Equatable {
    var includeUsage: Bool?

    enum CodingKeys: String, CodingKey {
        case includeUsage = "include_usage"
    }
}

extension KeyedDecodingContainer {
    /// An integer field that may be written as a whole number with a fraction part (`1.0`), as
    /// Python clients sometimes send; `1.5` is a wrong type. (Foundation's own error for a
    /// fractional integer names no field, so this decodes a number and checks it.)
    func decodeInteger(forKey key: Key) throws -> Int? {
        guard let number = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard number.rounded() == number, let integer = Int(exactly: number) else {
            throw DecodingError.typeMismatch(
                Int.self,
                .init(codingPath: codingPath + [key], debugDescription: "expected an integer, got \(number)"))
        }
        return integer
    }
}
