import TernGGUF

/// Why a GGUF file cannot be turned into a runnable model.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    case unsupportedArchitecture(String)
    case missingMetadata(key: String)
    case invalidMetadata(key: String, reason: String)
    case missingTensor(name: String)
    case tensorShapeMismatch(name: String, expected: [Int], found: [Int])
    case unsupportedTensorType(name: String, type: String)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let arch):
            return "unsupported model architecture '\(arch)'"
        case .missingMetadata(let key):
            return "missing GGUF metadata key '\(key)'"
        case .invalidMetadata(let key, let reason):
            return "invalid GGUF metadata '\(key)': \(reason)"
        case .missingTensor(let name):
            return "missing tensor '\(name)'"
        case .tensorShapeMismatch(let name, let expected, let found):
            return "tensor '\(name)' has shape \(found), expected \(expected)"
        case .unsupportedTensorType(let name, let type):
            return "tensor '\(name)' has type \(type), which the kernels do not support"
        }
    }
}
