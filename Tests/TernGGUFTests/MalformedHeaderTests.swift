import Foundation
import Testing
import TernGGUF

/// Files broken in their header or metadata; each must be rejected with exactly one error case
/// naming the key concerned and the offset of the field at fault.
@Suite struct MalformedHeaderTests {
    @Test func badMagic() {
        var bytes = RawGGUF(tensors: 0, keys: 0).bytes
        bytes[3] = UInt8(ascii: "X")
        #expect(throws: GGUFError.badMagic(found: 0x5855_4747)) { try GGUFFile(bytes: bytes) }
    }

    @Test func versionOneIsRejected() {
        let bytes = RawGGUF(version: 1, tensors: 0, keys: 0).bytes
        #expect(throws: GGUFError.unsupportedVersion(1, offset: 4)) { try GGUFFile(bytes: bytes) }
        #expect(GGUFError.unsupportedVersion(1, offset: 4).description.contains("version 1"))
    }

    @Test func unknownAndByteSwappedVersionsAreRejected() {
        #expect(throws: GGUFError.unsupportedVersion(4, offset: 4)) {
            try GGUFFile(bytes: RawGGUF(version: 4, tensors: 0, keys: 0).bytes)
        }
        let bigEndian = UInt32(3).byteSwapped
        #expect(throws: GGUFError.unsupportedVersion(bigEndian, offset: 4)) {
            try GGUFFile(bytes: RawGGUF(version: bigEndian, tensors: 0, keys: 0).bytes)
        }
        #expect(GGUFError.unsupportedVersion(bigEndian, offset: 4).description.contains("big-endian"))
    }

    @Test func truncatedHeader() throws {
        let bytes = Array(RawGGUF(tensors: 0, keys: 0).bytes.prefix(12))
        #expect(throws: GGUFError.truncated(.header, offset: 8)) { try GGUFFile(bytes: bytes) }
        #expect(throws: GGUFError.truncated(.header, offset: 0)) { try GGUFFile(bytes: []) }

        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let empty = try directory.write([], to: "empty.gguf")
        #expect(throws: GGUFError.truncated(.header, offset: 0)) { try GGUFFile(path: empty) }
    }

    @Test func missingFile() {
        #expect(throws: GGUFError.cannotOpen(path: "/nonexistent/model.gguf", errno: ENOENT)) {
            try GGUFFile(path: "/nonexistent/model.gguf")
        }
    }

    @Test func implausibleCounts() {
        #expect(throws: GGUFError.implausibleCount(field: "tensor_count", offset: 8, count: 1 << 40)) {
            try GGUFFile(bytes: RawGGUF(tensors: 1 << 40, keys: 0).bytes)
        }
        #expect(throws: GGUFError.implausibleCount(field: "metadata_kv_count", offset: 16, count: UInt64.max)) {
            try GGUFFile(bytes: RawGGUF(tensors: 0, keys: UInt64.max).bytes)
        }
    }

    @Test func truncatedInsideAValue() {
        var raw = RawGGUF(tensors: 0, keys: 2)
        raw.keyU32("general.alignment", 32)
        let valueOffset = raw.keyU32("llama.block_count", 30)
        let cut = Array(raw.bytes.prefix(valueOffset + 2))
        #expect(throws: GGUFError.truncated(.metadataValue(key: "llama.block_count"), offset: valueOffset)) {
            try GGUFFile(bytes: cut)
        }
    }

    @Test func truncatedInsideAKey() {
        var raw = RawGGUF(tensors: 0, keys: 2)
        raw.keyU32("first", 1)
        let keyOffset = raw.position
        raw.keyU32("second.key.is.long", 2)
        let cut = Array(raw.bytes.prefix(keyOffset + 8 + 3))
        #expect(throws: GGUFError.stringTooLong(.metadataKey(index: 1), offset: keyOffset, length: 18)) {
            try GGUFFile(bytes: cut)
        }
        let cutInLength = Array(raw.bytes.prefix(keyOffset + 5))
        #expect(throws: GGUFError.truncated(.metadataKey(index: 1), offset: keyOffset)) {
            try GGUFFile(bytes: cutInLength)
        }
    }

    @Test func unknownValueType() {
        var raw = RawGGUF(tensors: 0, keys: 1)
        raw.string("weird")
        let typeOffset = raw.position
        raw.u32(13)
        raw.u32(0)
        #expect(throws: GGUFError.unknownValueType(key: "weird", offset: typeOffset, type: 13)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }

    @Test func unknownArrayElementType() {
        var raw = RawGGUF(tensors: 0, keys: 1)
        raw.string("list")
        raw.u32(GGUFValueType.array.rawValue)
        let elementTypeOffset = raw.position
        raw.u32(99)
        raw.u64(1)
        raw.u32(0)
        #expect(throws: GGUFError.unknownValueType(key: "list", offset: elementTypeOffset, type: 99)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }

    @Test func hugeArrayLength() {
        var raw = RawGGUF(tensors: 0, keys: 1)
        raw.string("tokenizer.ggml.tokens")
        raw.u32(GGUFValueType.array.rawValue)
        raw.u32(GGUFValueType.string.rawValue)
        let countOffset = raw.position
        raw.u64(1 << 62)
        raw.string("a")
        #expect(
            throws: GGUFError.arrayTooLong(key: "tokenizer.ggml.tokens", offset: countOffset, count: 1 << 62)
        ) { try GGUFFile(bytes: raw.bytes) }
    }

    @Test func arrayLengthJustPastWhatRemains() {
        // 3 uint32 elements declared, only 2 present: 3 * 4 > 8 bytes left, rejected before reading.
        var raw = RawGGUF(tensors: 0, keys: 1)
        raw.string("ids")
        raw.u32(GGUFValueType.array.rawValue)
        raw.u32(GGUFValueType.uint32.rawValue)
        let countOffset = raw.position
        raw.u64(3)
        raw.u32(1)
        raw.u32(2)
        #expect(throws: GGUFError.arrayTooLong(key: "ids", offset: countOffset, count: 3)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }

    @Test func hugeStringLength() {
        var raw = RawGGUF(tensors: 0, keys: 1)
        raw.string("general.name")
        raw.u32(GGUFValueType.string.rawValue)
        let lengthOffset = raw.position
        raw.u64(1 << 40)
        raw.raw(Array("short".utf8))
        #expect(
            throws: GGUFError.stringTooLong(
                .metadataValue(key: "general.name"), offset: lengthOffset, length: 1 << 40)
        ) { try GGUFFile(bytes: raw.bytes) }
    }

    @Test func hugeKeyLength() {
        var raw = RawGGUF(tensors: 0, keys: 1)
        raw.u64(UInt64.max)
        raw.raw([UInt8](repeating: 0x61, count: 16))
        #expect(throws: GGUFError.stringTooLong(.metadataKey(index: 0), offset: 24, length: UInt64.max)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }

    @Test func duplicateKey() {
        var raw = RawGGUF(tensors: 0, keys: 3)
        raw.keyU32("a", 1)
        raw.keyU32("llama.block_count", 2)
        let secondOffset = raw.position
        raw.keyU32("llama.block_count", 3)
        #expect(throws: GGUFError.duplicateKey("llama.block_count", offset: secondOffset)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }

    @Test func invalidBool() {
        var raw = RawGGUF(tensors: 0, keys: 1)
        raw.string("flag")
        raw.u32(GGUFValueType.bool.rawValue)
        let valueOffset = raw.position
        raw.u8(2)
        #expect(throws: GGUFError.invalidBool(key: "flag", offset: valueOffset, value: 2)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }

    @Test func arraysNestedTooDeep() {
        var raw = RawGGUF(tensors: 0, keys: 1)
        raw.string("deep")
        raw.u32(GGUFValueType.array.rawValue)
        var tooDeepOffset = 0
        for level in 0...GGUFFile.maximumArrayNesting {
            if level == GGUFFile.maximumArrayNesting { tooDeepOffset = raw.position }
            raw.u32(GGUFValueType.array.rawValue)
            raw.u64(1)
        }
        raw.u32(GGUFValueType.uint8.rawValue)
        raw.u64(1)
        raw.u8(1)
        #expect(throws: GGUFError.arrayNestingTooDeep(key: "deep", offset: tooDeepOffset)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }

    @Test(arguments: [
        (GGUFValue.uint32(0), GGUFError.invalidAlignment(offset: 0, value: 0)),
        (.uint32(48), .invalidAlignment(offset: 0, value: 48)),
        (.int32(32), .alignmentWrongType(offset: 0, type: .int32)),
        (.string("32"), .alignmentWrongType(offset: 0, type: .string)),
    ])
    func badAlignmentValue(value: GGUFValue, expected: GGUFError) throws {
        var writer = GGUFWriter()
        writer.set("general.name", .string("m"))
        writer.set("general.alignment", value)
        let bytes = writer.serialize()
        // The value follows the key string and its 4-byte type tag.
        let key = Array("general.alignment".utf8)
        let keyStart = try #require(bytes.indices.first { Array(bytes[$0..<min($0 + key.count, bytes.count)]) == key })
        let valueOffset = keyStart + key.count + 4
        let located: GGUFError =
            switch expected {
            case .invalidAlignment(_, let v): .invalidAlignment(offset: valueOffset, value: v)
            case .alignmentWrongType(_, let t): .alignmentWrongType(offset: valueOffset, type: t)
            default: expected
            }
        #expect(throws: located) { try GGUFFile(bytes: bytes) }
        #expect(located.description.contains("general.alignment"))
    }

    @Test func descriptionsNameKeyAndOffset() {
        let error = GGUFError.duplicateKey("llama.block_count", offset: 123)
        #expect(error.description.contains("llama.block_count"))
        #expect(error.description.contains("123"))
        let truncated = GGUFError.truncated(.metadataValue(key: "general.name"), offset: 77)
        #expect(truncated.description.contains("general.name"))
        #expect(truncated.description.contains("77"))
    }
}
