import Foundation
import Testing

@testable import TernSampling

/// The real SmolLM2 vocabulary, read straight from the GGUF metadata (token strings in GPT-2
/// byte-to-unicode form, token types, end token). Tests that need it fail when the model is
/// missing.
enum RealVocabulary {
    static let path =
        ProcessInfo.processInfo.environment["TERN_TEST_MODEL"] ?? "/root/.tern/models/SmolLM2-135M-Instruct.Q4_1.gguf"

    struct Loaded: Sendable {
        var vocabulary: GrammarVocabulary
        var bytes: [[UInt8]]
        var end: Int32
    }

    static let shared: Result<Loaded, any Error> = Result { try load() }

    static func get() throws -> Loaded { try shared.get() }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static func load() throws -> Loaded {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "model not found at \(path) (set TERN_TEST_MODEL)")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        var reader = Reader(data: data)
        guard reader.u32() == 0x4655_4747 else { throw Failure(description: "not a GGUF file") }
        _ = reader.u32()
        _ = reader.u64()
        let count = reader.u64()
        var tokens: [String] = []
        var types: [Int32] = []
        var end: Int32 = -1
        for _ in 0..<count {
            let key = reader.string()
            let type = reader.u32()
            switch (key, type) {
            case ("tokenizer.ggml.tokens", 9):
                _ = reader.u32()
                tokens = (0..<reader.u64()).map { _ in reader.string() }
            case ("tokenizer.ggml.token_type", 9):
                _ = reader.u32()
                types = (0..<reader.u64()).map { _ in Int32(bitPattern: reader.u32()) }
            case ("tokenizer.ggml.eos_token_id", 4):
                end = Int32(bitPattern: reader.u32())
            default:
                reader.skip(type: type)
            }
        }
        guard !tokens.isEmpty, end >= 0 else { throw Failure(description: "no tokenizer metadata") }
        // GPT-2's byte-to-unicode table, inverted.
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var scalars = printable
        var next = 256
        for byte in 0..<256 where !printable.contains(byte) {
            printable.append(byte)
            scalars.append(next)
            next += 1
        }
        var byteOf: [UInt32: UInt8] = [:]
        for (byte, scalar) in zip(printable, scalars) { byteOf[UInt32(scalar)] = UInt8(byte) }
        let bytes = tokens.map { token in token.unicodeScalars.compactMap { byteOf[$0.value] } }
        let excluded = Set(types.indices.filter { types[$0] == 3 }.map(Int32.init)).subtracting([end])
        let vocabulary = GrammarVocabulary(tokenBytes: bytes, endTokens: [end], excluded: excluded)
        return Loaded(vocabulary: vocabulary, bytes: bytes, end: end)
    }

    private struct Reader {
        let data: Data
        var offset = 0

        mutating func u32() -> UInt32 {
            defer { offset += 4 }
            return data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
        }

        mutating func u64() -> UInt64 {
            defer { offset += 8 }
            return data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        }

        mutating func string() -> String {
            let length = Int(u64())
            defer { offset += length }
            return String(decoding: data[data.startIndex + offset..<data.startIndex + offset + length], as: UTF8.self)
        }

        mutating func skip(type: UInt32) {
            let sizes: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
            if let size = sizes[type] {
                offset += size
            } else if type == 8 {
                _ = string()
            } else if type == 9 {
                let element = u32()
                let count = u64()
                for _ in 0..<count { skip(type: element) }
            }
        }
    }
}
