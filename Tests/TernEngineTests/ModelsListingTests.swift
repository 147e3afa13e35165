import Foundation
import TernGGUF
import TernTestSupport
import Testing

@testable import TernEngine

/// `tern models` and `tern inspect` on writer-built files, a broken one, and the real model.
@Suite struct ModelsListingTests {
    let scratch = ModelsTestFiles.scratchDirectory()
    var directory: DataDirectory { scratch.directory }

    private func populate() throws {
        let models = directory.models
        try ModelsTestFiles.write(ModelsTestFiles.tinyModel(), to: models.appendingPathComponent("tiny.gguf"))
        try ModelsTestFiles.write(
            ModelsTestFiles.tinyModel(fileType: nil), to: models.appendingPathComponent("untyped.gguf"))
        try ModelsTestFiles.write(Array("<html>oops</html>".utf8), to: models.appendingPathComponent("broken.gguf"))
        try ModelsTestFiles.write(
            ModelsTestFiles.tinyModel(fileType: 15, contextLength: 32768),
            to: models.appendingPathComponent("gemma-3-270m-q4_k_m.gguf"))
        try ModelsTestFiles.write([1, 2, 3], to: models.appendingPathComponent(".later.gguf.partial"))
        try ModelsTestFiles.write([1], to: models.appendingPathComponent("notes.txt"))
    }

    @Test func listsCatalogModelsFilesBrokenFilesAndPartialDownloads() throws {
        try populate()
        let rows = ModelInventory.list(directory)
        #expect(rows.map(\.name) == ["smollm2-135m-instruct", "gemma-3-270m", "broken", "tiny", "untyped", "later"])
        #expect(rows.map(\.status) == [.notPulled, .ready, .broken, .ready, .ready, .partial])

        let gemma = rows[1]
        #expect(gemma.builtIn && gemma.quantization == "Q4_K_M" && gemma.contextLength == 32768)
        let tiny = rows[3]
        #expect(tiny.architecture == "llama")
        #expect(tiny.parameterCount == ModelsTestFiles.tinyParameterCount)
        #expect(tiny.quantization == "Q4_1")
        #expect(tiny.fileSize == ModelsTestFiles.tinyModel().count)
        #expect(tiny.contextLength == 2048 && !tiny.builtIn)
        #expect(rows[4].quantization == "Q8_0")  // no general.file_type: the type with most parameters
        #expect(rows[2].error == GGUFError.badMagic(found: 0x6d74683c).description)
        #expect(rows[5].fileSize == 3)
    }

    @Test func theTableShowsEveryRowAndTheErrorOfABrokenFile() throws {
        try populate()
        let lines = ModelInventory.table(ModelInventory.list(directory)).split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[0].hasPrefix("NAME ") && lines[0].hasSuffix("STATUS"))
        let tiny = try #require(lines.first { $0.hasPrefix("tiny ") })
        #expect(
            tiny.split(separator: " ", omittingEmptySubsequences: true) == [
                "tiny", "llama", "142K", "Q4_1", "148.1", "KB", "2048", "ready",
            ])
        let broken = try #require(lines.first { $0.hasPrefix("broken ") })
        #expect(broken.hasSuffix("error: GGUF: bad magic 0x6d74683c at byte 0, expected \"GGUF\""))
        #expect(lines[1].hasSuffix("not pulled (tern pull smollm2-135m-instruct)"))
    }

    @Test func theJSONListingUsesSnakeCaseKeys() throws {
        try populate()
        let json = ModelInventory.json(ModelInventory.list(directory))
        let rows = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let tiny = try #require(rows.first { $0["name"] as? String == "tiny" })
        #expect(tiny["parameters"] as? Int == ModelsTestFiles.tinyParameterCount)
        #expect(tiny["context_length"] as? Int == 2048)
        #expect(tiny["built_in"] as? Bool == false)
        #expect(tiny["file"] as? String == "tiny.gguf")
        #expect(rows.first { $0["name"] as? String == "broken" }?["status"] as? String == "broken")
    }

    @Test func anEmptyDataDirectoryListsTheCatalogAsNotPulled() {
        let rows = ModelInventory.list(directory)
        #expect(rows.map(\.name) == ModelCatalog.models.map(\.name))
        #expect(rows.allSatisfy { $0.status == .notPulled && $0.fileSize != nil })
    }

    @Test func inspectionTextSummarizesHeaderMetadataAndTensors() throws {
        let file = try GGUFFile(bytes: ModelsTestFiles.tinyModel())
        let text = ModelInspection(file: file).text()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            lines.contains(
                "GGUF      version 3, alignment 32, tensor data at byte \(ModelTextFormat.grouped(file.dataOffset))"))
        #expect(lines.contains("Model     llama, 142K parameters, Q4_1, context 2,048"))
        let tokens = try #require(lines.first { $0.contains("tokenizer.ggml.tokens") })
        #expect(tokens.hasSuffix("[string × 100]  [\"tok0\", \"tok1\", \"tok2\", \"tok3\", …]"))
        let scores = try #require(lines.first { $0.contains("tokenizer.ggml.scores") })
        #expect(scores.hasSuffix("[0.5, -1.0]"))
        let template = try #require(lines.first { $0.contains("tokenizer.chat_template") })
        let shown = MetadataRendering.quoted(String(ModelsTestFiles.chatTemplate.prefix(80))).dropLast()
        #expect(template.hasSuffix(shown + "…\" (\(ModelsTestFiles.chatTemplate.count) characters)"))
        #expect(!template.contains("\\'"))
        #expect(lines.contains("Tensors (4, 141,632 parameters, 146.1 KB)"))
        #expect(lines.contains("  Q8_0      1     131,072  139,264"))
        #expect(lines.contains("  Q4_1      2      10,496    6,560"))
        #expect(!text.contains("blk.0.ffn_up.weight"))
    }

    @Test func inspectionWithTensorsListsEachTensor() throws {
        let file = try GGUFFile(bytes: ModelsTestFiles.tinyModel())
        let lines = ModelInspection(file: file).text(showTensors: true).split(separator: "\n")
        let ffn = try #require(file.tensor(named: "blk.0.ffn_up.weight"))
        let row = try #require(lines.first { $0.contains("blk.0.ffn_up.weight") })
        #expect(
            row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                == ["blk.0.ffn_up.weight", "Q8_0", "256", "×", "512", ModelTextFormat.grouped(ffn.offset), "139,264"])
        #expect(lines.filter { $0.contains(".weight") }.count == 4)
    }

    @Test func inspectionJSONSummarizesLongArraysAndListsTensorsOnRequest() throws {
        let file = try GGUFFile(bytes: ModelsTestFiles.tinyModel())
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(ModelInspection(file: file).json(showTensors: true).utf8))
                as? [String: Any])
        #expect(object["version"] as? Int == 3 && object["quantization"] as? String == "Q4_1")
        let metadata = try #require(object["metadata"] as? [[String: Any]])
        #expect(metadata.map { $0["key"] as? String } == file.metadata.keys)
        let tokens = try #require(metadata.first { $0["key"] as? String == "tokenizer.ggml.tokens" })
        #expect(tokens["count"] as? Int == 100 && tokens["truncated"] as? Bool == true)
        #expect((tokens["value"] as? [String])?.first == "tok0" && (tokens["value"] as? [Any])?.count == 8)
        let template = try #require(metadata.first { $0["key"] as? String == "tokenizer.chat_template" })
        #expect(template["value"] as? String == ModelsTestFiles.chatTemplate)
        let summary = try #require(object["tensor_summary"] as? [String: Any])
        #expect(summary["parameters"] as? Int == ModelsTestFiles.tinyParameterCount)
        #expect((object["tensors"] as? [[String: Any]])?.count == 4)
        let withoutTensors = try #require(
            JSONSerialization.jsonObject(with: Data(ModelInspection(file: file).json().utf8)) as? [String: Any])
        #expect(withoutTensors["tensors"] == nil)
    }

    @Test func aMalformedFileIsATypedGGUFError() throws {
        let url = directory.models.appendingPathComponent("bad.gguf")
        var truncated = ModelsTestFiles.tinyModel()
        truncated.removeLast(1000)
        try ModelsTestFiles.write(truncated, to: url)
        #expect {
            try GGUFFile(contentsOf: url)
        } throws: { error in
            guard case .tensorDataOutOfBounds = error as? GGUFError else { return false }
            return true
        }
    }

    @Test func locateLocalFindsFilesAndNeverDownloads() throws {
        try populate()
        let locator = ModelLocator(puller: ModelPuller(dataDirectory: directory))
        #expect(try locator.locateLocal("tiny").url == directory.models.appendingPathComponent("tiny.gguf"))
        #expect(try locator.locateLocal("gemma-3-270m").name == "gemma-3-270m")
        #expect(
            throws: ModelPullError.notPulled(
                name: "smollm2-135m-instruct", hint: "run `tern pull smollm2-135m-instruct`")
        ) { try locator.locateLocal("smollm2-135m-instruct") }
        #expect(throws: ModelPullError.unknownModel("nothing")) { try locator.locateLocal("nothing") }
    }

    @Test func theRealModelReportsItsFacts() throws {
        let facts = ModelFacts(file: try GGUFFile(path: try TestResources.modelPath()))
        #expect(facts.architecture == "llama")
        #expect(facts.parameterCount == 134_515_008)
        #expect(ModelTextFormat.parameters(facts.parameterCount) == "135M")
        #expect(facts.quantization == "Q4_1")
        #expect(facts.contextLength == 8192)
    }
}
