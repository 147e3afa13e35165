/// Why a kernel call was refused; nothing is computed or written when one is thrown.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// The ggml type (raw value) has no kernels here.
    case unsupportedType(UInt32)
    /// `columns` is not positive or not a multiple of the type's block size.
    case badColumnCount(type: UInt32, columns: Int)
    /// A row range, row count or stride does not fit the matrix or buffer it refers to.
    case outOfRange(String)

    /// A message naming what was wrong.
    public var description: String {
        switch self {
        case .unsupportedType(let t): return "ggml type \(t) has no CPU kernels"
        case .badColumnCount(let t, let k):
            return "\(k) columns is not a positive multiple of the block size of ggml type \(t)"
        case .outOfRange(let what): return "out of range: \(what)"
        }
    }
}
