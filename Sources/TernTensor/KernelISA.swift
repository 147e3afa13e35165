import CTernKernels

/// The instruction set a kernel call runs on.
///
/// Every kernel entry point takes one explicitly, so tests can compare all variants in one
/// process. Asking for more than the CPU supports runs the best supported variant instead.
public enum KernelISA: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// Portable C; the numerical reference.
    case scalar = 0
    /// AVX2 + FMA + F16C.
    case avx2 = 1
    /// AVX-512 F/BW/VL/DQ + VNNI.
    case avx512 = 2

    /// The best variant this CPU and OS support (cpuid + xgetbv), ignoring the environment.
    public static let detected = KernelISA(tern_isa_detect())

    /// The variant to use by default: ``detected`` lowered by the `TERN_ISA` environment
    /// variable (`scalar`, `avx2` or `avx512`).
    public static let active = KernelISA(tern_isa_active())

    /// Whether this CPU can run the variant (otherwise calls fall back to ``detected``).
    public var isSupported: Bool { rawValue <= KernelISA.detected.rawValue }

    /// The spelling `TERN_ISA` accepts: `scalar`, `avx2` or `avx512`.
    public var description: String { String(cString: tern_isa_name(cValue)) }

    var cValue: tern_isa { tern_isa(UInt32(rawValue)) }

    init(_ value: tern_isa) { self = KernelISA(rawValue: Int32(value.rawValue)) ?? .scalar }
}
