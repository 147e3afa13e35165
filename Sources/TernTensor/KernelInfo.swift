import CTernKernels

/// The instruction set the kernels run with in this process: the best the CPU supports,
/// lowered by `TERN_ISA=scalar|avx2|avx512` (so CI can test every path on one machine).
public enum KernelInfo {
    public static let isa: tern_isa = tern_isa_active()
    public static var isaName: String { String(cString: tern_isa_name(isa)) }
}
