import Foundation
import TernGGUF

/// One row of `tern models`: a model file in the models folder, a built-in model not pulled yet,
/// or an unfinished download.
public struct ModelListing: Sendable, Equatable, Encodable {
    public enum Status: String, Sendable, Encodable {
        /// A readable GGUF file.
        case ready
        /// A built-in model whose file is not in the models folder.
        case notPulled = "not pulled"
        /// A `.partial` download waiting to be resumed.
        case partial
        /// A file that cannot be read as GGUF; `error` says why.
        case broken
    }

    /// The name to pass to `--model`: the catalog name, or the file name without `.gguf`.
    public let name: String
    public let fileName: String
    /// The file's path; nil for a model that is not pulled.
    public let path: String?
    public let builtIn: Bool
    public let status: Status
    public let architecture: String?
    public let parameterCount: Int?
    public let quantization: String?
    /// Bytes on disk (for a partial download: so far).
    public let fileSize: Int?
    public let contextLength: Int?
    public let error: String?

    enum CodingKeys: String, CodingKey {
        case name, path, status, architecture, quantization, error
        case fileName = "file"
        case builtIn = "built_in"
        case parameterCount = "parameters"
        case fileSize = "size_bytes"
        case contextLength = "context_length"
    }
}

/// What is in a data directory's models folder, read from the files themselves.
public enum ModelInventory {
    /// The catalog's models first (pulled or not), then every other `.gguf` file by name, then
    /// unfinished downloads. A file that cannot be read is listed with its error, never thrown.
    public static func list(_ dataDirectory: DataDirectory, catalog: [CatalogModel] = ModelCatalog.models)
        -> [ModelListing]
    {
        let folder = dataDirectory.models
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var rows: [ModelListing] = []
        var seen: Set<String> = []
        for model in catalog {
            seen.insert(model.fileName)
            let url = folder.appendingPathComponent(model.fileName)
            if names.contains(model.fileName) {
                rows.append(listing(of: url, name: model.name, builtIn: true))
            } else {
                rows.append(
                    ModelListing(
                        name: model.name, fileName: model.fileName, path: nil, builtIn: true, status: .notPulled,
                        architecture: nil, parameterCount: nil, quantization: nil, fileSize: model.byteCount,
                        contextLength: nil, error: nil))
            }
        }
        let files = names.filter { !$0.hasPrefix(".") && $0.lowercased().hasSuffix(".gguf") && !seen.contains($0) }
        for file in files.sorted() {
            rows.append(
                listing(of: folder.appendingPathComponent(file), name: String(file.dropLast(5)), builtIn: false))
        }
        for file in names.sorted() where file.hasPrefix(".") && file.hasSuffix(".gguf.partial") {
            let fileName = String(file.dropFirst().dropLast(".partial".count))
            guard !names.contains(fileName) else { continue }
            let size = (try? ModelPuller.fileSize(folder.appendingPathComponent(file))) ?? 0
            let catalogName = catalog.first { $0.fileName == fileName }?.name
            rows.append(
                ModelListing(
                    name: catalogName ?? String(fileName.dropLast(5)), fileName: fileName,
                    path: folder.appendingPathComponent(file).path, builtIn: catalogName != nil, status: .partial,
                    architecture: nil, parameterCount: nil, quantization: nil, fileSize: size, contextLength: nil,
                    error: nil))
        }
        return rows
    }

    /// The row for one file; a file that does not parse becomes a `.broken` row with the GGUF error.
    public static func listing(of url: URL, name: String, builtIn: Bool) -> ModelListing {
        let size = try? ModelPuller.fileSize(url)
        do {
            let facts = ModelFacts(file: try GGUFFile(contentsOf: url))
            return ModelListing(
                name: name, fileName: url.lastPathComponent, path: url.path, builtIn: builtIn, status: .ready,
                architecture: facts.architecture, parameterCount: facts.parameterCount,
                quantization: facts.quantization, fileSize: size, contextLength: facts.contextLength, error: nil)
        } catch {
            return ModelListing(
                name: name, fileName: url.lastPathComponent, path: url.path, builtIn: builtIn, status: .broken,
                architecture: nil, parameterCount: nil, quantization: nil, fileSize: size, contextLength: nil,
                error: error.description)
        }
    }

    /// An aligned table with a header line; missing values are "-".
    public static func table(_ rows: [ModelListing]) -> String {
        let header = ["NAME", "ARCH", "PARAMS", "QUANT", "SIZE", "CONTEXT", "STATUS"]
        let cells = rows.map { row -> [String] in
            [
                row.name, row.architecture ?? "-", row.parameterCount.map(ModelTextFormat.parameters) ?? "-",
                row.quantization ?? "-", row.fileSize.map(ModelTextFormat.bytes) ?? "-",
                row.contextLength.map(String.init) ?? "-", statusText(row),
            ]
        }
        return TextTable.render(header: header, rows: cells, rightAligned: [2, 4, 5])
    }

    /// A JSON array of the rows (snake_case keys, absent values omitted).
    public static func json(_ rows: [ModelListing]) -> String {
        TextTable.json(rows)
    }

    private static func statusText(_ row: ModelListing) -> String {
        switch row.status {
        case .ready: "ready"
        case .notPulled: "not pulled (tern pull \(row.name))"
        case .partial: "partial download (tern pull to resume)"
        case .broken: "error: \(row.error ?? "unreadable")"
        }
    }
}

/// Plain-text tables and JSON for the model commands.
enum TextTable {
    /// Columns padded to their widest cell (two spaces apart); the last column is not padded.
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = [], indent: String = "") -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { cells in
            let padded = cells.enumerated().map { column, cell in
                let fill = String(repeating: " ", count: widths[column] - cell.count)
                if rightAligned.contains(column) { return fill + cell }
                return column == cells.count - 1 ? cell : cell + fill
            }
            return indent + padded.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
