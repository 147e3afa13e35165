import Testing
import TernGGUF

/// Damaged files must be rejected with an error or accepted as a consistent file; they must
/// never crash the reader or make it read outside the file.
@Suite struct FuzzTests {
    /// A small file using most of the format: arrays (nested too), strings, bools, a custom
    /// alignment and tensors of several types.
    static func sampleFile() -> [UInt8] {
        var writer = GGUFWriter(alignment: 64)
        writer.set("general.architecture", .string("llama"))
        writer.set("llama.block_count", .uint32(2))
        writer.set("tokenizer.ggml.tokens", .array(["<s>", "</s>", "Ġthe", "é"].map { .string($0) }))
        writer.set("tokenizer.ggml.scores", .array([.float32(0), .float32(-1), .float32(-2), .float32(-3)]))
        writer.set("tokenizer.ggml.add_bos_token", .bool(true))
        writer.set("nested", .array([.array([.int16(1), .int16(2)]), .array([.string("x")])]))
        writer.set("big", .uint64(1 << 40))
        writer.addTensor(name: "token_embd.weight", type: .q8_0, shape: [32, 4], data: (0..<136).map { UInt8($0) })
        writer.addTensor(name: "norm", type: .f32, shape: [4], data: f32Bytes([1, 2, 3, 4]))
        writer.addTensor(name: "q", type: .q4_K, shape: [256], data: [UInt8](repeating: 9, count: 144))
        return writer.serialize()
    }

    /// Opens `bytes`; for an accepted file, checks every tensor lies inside it and reads its data.
    /// Returns whether the file was accepted.
    @discardableResult
    static func openAndTouch(_ bytes: [UInt8]) -> Bool {
        do {
            let file = try GGUFFile(bytes: bytes)
            var checksum = 0
            for tensor in file.tensors {
                #expect(tensor.offset >= file.dataOffset)
                #expect(tensor.offset + tensor.byteCount <= file.fileSize)
                for byte in file.data(of: tensor) { checksum &+= Int(byte) }
            }
            _ = file.metadata.keys.map { file.metadata[$0]?.description ?? "" }
            return checksum >= 0
        } catch {
            return false
        }
    }

    @Test func everyTruncationIsRejectedUntilTheDataIsComplete() throws {
        let bytes = Self.sampleFile()
        let complete = try GGUFFile(bytes: bytes)
        let dataEnd = complete.tensors.map { $0.offset + $0.byteCount }.max() ?? 0
        for length in 0...bytes.count {
            let accepted = Self.openAndTouch(Array(bytes.prefix(length)))
            #expect(accepted == (length >= dataEnd), "length \(length)")
        }
    }

    @Test func truncatedFilesOnDiskAreRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let bytes = Self.sampleFile()
        for length in stride(from: 0, to: bytes.count - 64, by: 23) {
            let path = try directory.write(Array(bytes.prefix(length)), to: "cut-\(length).gguf")
            #expect(throws: GGUFError.self) { try GGUFFile(path: path) }
        }
    }

    @Test func extremeValuesWrittenOverEveryFieldPosition() throws {
        let bytes = Self.sampleFile()
        let headerEnd = try GGUFFile(bytes: bytes).dataOffset
        let patterns: [[UInt8]] = [
            [UInt8](repeating: 0xFF, count: 8),
            [UInt8](repeating: 0x00, count: 8),
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
            [0, 0, 0, 0, 0, 0, 0, 0x80],
            [0x40, 0, 0, 0, 0, 0, 0, 0],
        ]
        var rejected = 0
        for position in 0..<headerEnd {
            for pattern in patterns {
                var damaged = bytes
                for (index, byte) in pattern.enumerated() where position + index < damaged.count {
                    damaged[position + index] = byte
                }
                if !Self.openAndTouch(damaged) { rejected += 1 }
            }
        }
        #expect(rejected > headerEnd)
    }

    @Test func randomByteFlips() {
        let bytes = Self.sampleFile()
        var generator = SeededGenerator(seed: 0x7E27)
        var accepted = 0
        var rejected = 0
        for _ in 0..<4000 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<damaged.count, using: &generator)
                damaged[position] ^= UInt8.random(in: 1...255, using: &generator)
            }
            if Self.openAndTouch(damaged) { accepted += 1 } else { rejected += 1 }
        }
        // Flips in tensor data leave a valid file; flips in the structure mostly do not.
        #expect(accepted > 0)
        #expect(rejected > 0)
    }

    @Test func randomBytesAfterAValidHeader() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<3000 {
            var raw = RawGGUF(
                tensors: UInt64.random(in: 0...3, using: &generator), keys: UInt64.random(in: 0...3, using: &generator))
            let length = Int.random(in: 0...200, using: &generator)
            raw.raw(
                (0..<length).map { _ in
                    // Mostly small bytes so lengths and types often look plausible.
                    UInt8.random(in: 0...(Bool.random(using: &generator) ? 12 : 255), using: &generator)
                })
            Self.openAndTouch(raw.bytes)
        }
    }
}
