import Foundation
import Testing
import TernGGUF

/// The SmolLM2 file Tern serves by default. Missing file is a failure, not a skip.
@Suite struct RealModelTests {
    private func openModel() throws -> GGUFFile {
        try #require(
            FileManager.default.fileExists(atPath: testModelPath),
            "model file missing at \(testModelPath) (set TERN_TEST_MODEL)")
        return try GGUFFile(path: testModelPath)
    }

    @Test func headerAndMetadata() throws {
        let file = try openModel()
        #expect(file.version == 3)
        #expect(file.alignment == 32)
        #expect(file.architecture == "llama")
        #expect(file.metadata.count == 33)
        #expect(file.tensors.count == 272)
        #expect(file.metadata.int("llama.block_count") == 30)
        #expect(file.metadata.int("llama.embedding_length") == 576)
        #expect(file.metadata.int("llama.attention.head_count_kv") == 3)
        #expect(file.metadata.float("llama.attention.layer_norm_rms_epsilon") == 1e-5)
        #expect(file.metadata.string("tokenizer.ggml.model") == "gpt2")
        #expect(file.metadata.bool("tokenizer.ggml.add_bos_token") == false)
        #expect(file.metadata.string("tokenizer.chat_template")?.contains("<|im_start|>") == true)
        let tokens = try #require(file.metadata.stringArray("tokenizer.ggml.tokens"))
        #expect(tokens.count == 49152)
        #expect(tokens.prefix(3) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        #expect(file.metadata.intArray("tokenizer.ggml.token_type")?.count == 49152)
        let merges = try #require(file.metadata.stringArray("tokenizer.ggml.merges"))
        #expect(merges.count == 48900)
        #expect(merges.first == "Ġ t")
    }

    @Test func tensorTable() throws {
        let file = try openModel()
        let embedding = try #require(file.tensor(named: "token_embd.weight"))
        #expect(embedding.type == .q8_0)
        #expect(embedding.shape == [576, 49152])
        #expect(embedding.rowCount == 49152)
        #expect(embedding.byteCount == 49152 * 18 * 34)
        #expect(embedding.offset == file.dataOffset)
        let down = try #require(file.tensor(named: "blk.29.ffn_down.weight"))
        #expect(down.type == .q4_1)
        #expect(down.shape == [1536, 576])
        // Tensors are packed one after another; the last one ends at the end of the file.
        let ends = file.tensors.map { $0.offset + $0.byteCount }
        #expect(ends.max() == file.fileSize)
        #expect(Set(file.tensors.map(\.type)) == [.f32, .q4_1, .q8_0])
    }

    @Test func tensorDataComesFromTheMapping() throws {
        let file = try openModel()
        let norm = try #require(file.tensor(named: "blk.0.attn_norm.weight"))
        let data = file.data(of: norm)
        #expect(data.count == 576 * 4)
        #expect(Int(bitPattern: data.baseAddress) % 32 == 0)
        let weights = data.withMemoryRebound(to: Float.self) { Array($0) }
        #expect(weights.allSatisfy { $0.isFinite })
        #expect(weights.contains { $0 != 0 })
        // The same bytes as reading the file directly at the tensor's offset.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: testModelPath))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(norm.offset))
        #expect(try handle.read(upToCount: norm.byteCount).map(Array.init) == Array(data))
    }
}
