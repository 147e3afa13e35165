import Foundation
import TernGGUF

/// Everything `tern inspect` shows about a GGUF file: the container (version, alignment, data
/// offset), the metadata, and the tensors summarized by type or listed one by one.
public struct ModelInspection: Sendable {
    /// The tensors of one ggml type.
    public struct TypeSummary: Sendable, Equatable, Encodable {
        public let type: String
        public let count: Int
        public let parameters: Int
        public let bytes: Int
    }

    public let path: String
    public let version: UInt32
    public let alignment: Int
    public let dataOffset: Int
    public let fileSize: Int
    public let facts: ModelFacts
    public let metadata: [(key: String, value: GGUFValue)]
    public let tensors: [GGUFTensorInfo]
    /// Tensor types by total bytes, largest first.
    public let types: [TypeSummary]

    public init(file: GGUFFile) {
        path = file.path
        version = file.version
        alignment = file.alignment
        dataOffset = file.dataOffset
        fileSize = file.fileSize
        facts = ModelFacts(file: file)
        metadata = file.metadata.entries
        tensors = file.tensors
        var byType: [GGMLType: (count: Int, parameters: Int, bytes: Int)] = [:]
        for tensor in file.tensors {
            let sum = byType[tensor.type] ?? (0, 0, 0)
            byType[tensor.type] = (sum.count + 1, sum.parameters + tensor.elementCount, sum.bytes + tensor.byteCount)
        }
        types = byType.map {
            TypeSummary(
                type: $0.key.name, count: $0.value.count, parameters: $0.value.parameters, bytes: $0.value.bytes)
        }
        .sorted { ($0.bytes, $1.type) > ($1.bytes, $0.type) }
    }

    /// The report as text; `showTensors` adds one line per tensor.
    public func text(showTensors: Bool = false) -> String {
        var lines = [
            "File      \(path)",
            "Size      \(ModelTextFormat.bytes(fileSize)) (\(ModelTextFormat.grouped(fileSize)) bytes)",
            "GGUF      version \(version), alignment \(alignment), tensor data at byte "
                + ModelTextFormat.grouped(dataOffset),
            "Model     " + modelLine,
            "",
            "Metadata (\(metadata.count) keys)",
        ]
        lines.append(
            TextTable.render(
                header: ["KEY", "TYPE", "VALUE"],
                rows: metadata.map {
                    [$0.key, MetadataRendering.typeText($0.value), MetadataRendering.valueText($0.value)]
                },
                indent: "  "))
        lines.append("")
        lines.append(
            "Tensors (\(tensors.count), \(ModelTextFormat.grouped(facts.parameterCount)) parameters, "
                + "\(ModelTextFormat.bytes(facts.tensorBytes)))")
        lines.append(
            TextTable.render(
                header: ["TYPE", "COUNT", "PARAMETERS", "BYTES"],
                rows: types.map {
                    [
                        $0.type, String($0.count), ModelTextFormat.grouped($0.parameters),
                        ModelTextFormat.grouped($0.bytes),
                    ]
                }, rightAligned: [1, 2, 3], indent: "  "))
        if showTensors {
            lines.append("")
            lines.append(
                TextTable.render(
                    header: ["NAME", "TYPE", "SHAPE", "OFFSET", "BYTES"],
                    rows: tensors.map {
                        [
                            $0.name, $0.type.name, $0.shape.map(String.init).joined(separator: " × "),
                            ModelTextFormat.grouped($0.offset), ModelTextFormat.grouped($0.byteCount),
                        ]
                    }, rightAligned: [3, 4], indent: "  "))
        }
        return lines.joined(separator: "\n")
    }

    /// The report as JSON; `showTensors` adds the tensor list.
    public func json(showTensors: Bool = false) -> String {
        TextTable.json(
            InspectionJSON(
                path: path, version: version, alignment: alignment, dataOffset: dataOffset, fileSize: fileSize,
                architecture: facts.architecture, parameters: facts.parameterCount, quantization: facts.quantization,
                contextLength: facts.contextLength,
                metadata: metadata.map { MetadataRendering.json($0.key, $0.value) },
                tensorSummary: TensorSummaryJSON(
                    count: tensors.count, parameters: facts.parameterCount, bytes: facts.tensorBytes, types: types),
                tensors: showTensors
                    ? tensors.map {
                        TensorJSON(
                            name: $0.name, type: $0.type.name, shape: $0.shape, offset: $0.offset, bytes: $0.byteCount)
                    } : nil))
    }

    private var modelLine: String {
        [
            facts.architecture ?? "unknown architecture",
            "\(ModelTextFormat.parameters(facts.parameterCount)) parameters",
            facts.quantization,
            facts.contextLength.map { "context \(ModelTextFormat.grouped($0))" },
        ].compactMap { $0 }.joined(separator: ", ")
    }
}

private struct InspectionJSON: Encodable {
    var path: String
    var version: UInt32
    var alignment: Int
    var dataOffset: Int
    var fileSize: Int
    var architecture: String?
    var parameters: Int
    var quantization: String?
    var contextLength: Int?
    var metadata: [MetadataEntryJSON]
    var tensorSummary: TensorSummaryJSON
    var tensors: [TensorJSON]?

    enum CodingKeys: String, CodingKey {
        case path, version, alignment, architecture, parameters, quantization, metadata, tensors
        case dataOffset = "data_offset"
        case fileSize = "size_bytes"
        case contextLength = "context_length"
        case tensorSummary = "tensor_summary"
    }
}

private struct TensorSummaryJSON: Encodable {
    var count: Int
    var parameters: Int
    var bytes: Int
    var types: [ModelInspection.TypeSummary]
}

private struct TensorJSON: Encodable {
    var name: String
    var type: String
    var shape: [Int]
    var offset: Int
    var bytes: Int
}
