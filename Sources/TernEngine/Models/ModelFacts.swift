import TernGGUF

/// What a GGUF file says about the model in it, for listings and inspection.
public struct ModelFacts: Sendable, Equatable {
    /// `general.architecture`, e.g. "llama", "gemma3".
    public let architecture: String?
    /// The sum of every tensor's element count.
    public let parameterCount: Int
    /// The quantization: `general.file_type` by llama.cpp's name ("Q4_K_M"), else the type
    /// holding most of the parameters ("Q4_K").
    public let quantization: String?
    /// `<architecture>.context_length`: the context the model was trained for.
    public let contextLength: Int?
    /// The bytes of all tensor data.
    public let tensorBytes: Int

    public init(file: GGUFFile) {
        let architecture = file.architecture
        self.architecture = architecture
        parameterCount = file.tensors.reduce(0) { $0 + $1.elementCount }
        tensorBytes = file.tensors.reduce(0) { $0 + $1.byteCount }
        contextLength = architecture.flatMap { file.metadata.int("\($0).context_length") }
        quantization =
            file.metadata.int("general.file_type").flatMap(Self.fileTypeName)
            ?? Self.dominantType(file.tensors)?.name
    }

    /// llama.cpp's `llama_ftype` names (the value in `general.file_type`); the "guessed" flag
    /// (1024) is ignored, and numbers of removed or unknown types give nil.
    public static func fileTypeName(_ value: Int) -> String? {
        let names: [Int: String] = [
            0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
            11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M",
            18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S",
            25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M",
            32: "BF16", 36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE",
        ]
        return names[value & ~1024]
    }

    /// The tensor type with the most elements (ties go to the type seen first).
    static func dominantType(_ tensors: [GGUFTensorInfo]) -> GGMLType? {
        var elements: [GGMLType: Int] = [:]
        var order: [GGMLType] = []
        for tensor in tensors {
            if elements[tensor.type] == nil { order.append(tensor.type) }
            elements[tensor.type, default: 0] += tensor.elementCount
        }
        return order.max { elements[$0, default: 0] < elements[$1, default: 0] }
    }
}
