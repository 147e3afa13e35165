import CTernKernels
import TernTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rotary position embedding as ggml computes it: the angle of pair `i` at position `p` is
/// `p * base^(-2i/dims)`, built by repeated multiplication in Float (so angles match llama.cpp
/// bit for bit), divided by a per-pair frequency factor when the model has one (llama3 scaling),
/// and scaled by `1/linearScale`.
struct RotaryEmbedding: @unchecked Sendable {
    // Sendable: `frequencyFactors` points into the read-only model mapping.
    let dimensions: Int
    let thetaScale: Float
    let frequencyScale: Float
    let neox: Bool
    let frequencyFactors: UnsafePointer<Float>?

    init(config: TransformerConfig, base: Float, frequencyFactors: UnsafePointer<Float>?) {
        dimensions = config.ropeDimensions
        thetaScale = powf(base, -2 / Float(config.ropeDimensions))
        frequencyScale = 1 / config.ropeLinearScale
        neox = config.ropeNeox
        self.frequencyFactors = frequencyFactors
    }

    /// Fills `table` (`dimensions` floats: cos, sin per pair) for `position`.
    func fillTable(position: Int32, _ table: UnsafeMutablePointer<Float>) {
        var theta = Float(position)
        for pair in 0..<(dimensions / 2) {
            let factor = frequencyFactors?[pair] ?? 1
            let angle = frequencyScale * (theta / factor)
            table[2 * pair] = cosf(angle)
            table[2 * pair + 1] = sinf(angle)
            theta *= thetaScale
        }
    }

    /// Rotates `heads` consecutive head vectors of `headDim` floats in place.
    ///
    /// The rounding follows llama.cpp's compiled rope exactly (one product rounded, the other
    /// fused): `x0' = fma(cos, x0, -(sin*x1))`, `x1' = fma(sin, x0, cos*x1)` (checked bit for
    /// bit against its output).
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, table: UnsafePointer<Float>) {
        tern_rope_f32(
            KernelInfo.isa, x, Int32(heads), Int32(headDim), Int32(dimensions), table, neox ? 1 : 0)
    }
}
