import CTernKernels

/// The f32 vector helpers a transformer layer needs, each on the chosen instruction set.
/// Pointers must cover `count` elements; outputs may alias inputs where noted.
public enum VectorOps {
    /// `out = x / sqrt(mean(x²) + eps) * weight` (no gain when `weight` is nil); `out` may be `x`.
    public static func rmsNorm(
        _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>,
        count: Int, eps: Float, isa: KernelISA = .active
    ) {
        tern_rmsnorm(isa.cValue, x, weight, out, Int32(count), eps)
    }

    /// Softmax in place (max-subtracted, so large logits are safe).
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int, isa: KernelISA = .active) {
        tern_softmax_inplace(isa.cValue, x, Int32(count))
    }

    /// `out = silu(a) * b` (SwiGLU); `out` may be `a` or `b`.
    public static func siluMul(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
        isa: KernelISA = .active
    ) {
        tern_silu_mul(isa.cValue, a, b, out, Int32(count))
    }

    /// `out = gelu_tanh(a) * b` (GeGLU); `out` may be `a` or `b`.
    public static func geluTanhMul(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
        isa: KernelISA = .active
    ) {
        tern_gelu_tanh_mul(isa.cValue, a, b, out, Int32(count))
    }

    /// `sum(a[i] * b[i])`.
    public static func dot(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int, isa: KernelISA = .active
    ) -> Float {
        tern_dot_f32(isa.cValue, a, b, Int32(count))
    }

    /// `y += alpha * x`.
    public static func axpy(
        _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
        isa: KernelISA = .active
    ) {
        tern_axpy_f32(isa.cValue, alpha, x, y, Int32(count))
    }

    /// IEEE half conversion, round to nearest even.
    public static func toHalf(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<UInt16>, count: Int, isa: KernelISA = .active
    ) {
        tern_f32_to_f16_row(isa.cValue, x, y, Int32(count))
    }

    /// Half to float (exact).
    public static func fromHalf(
        _ x: UnsafePointer<UInt16>, into y: UnsafeMutablePointer<Float>, count: Int, isa: KernelISA = .active
    ) {
        tern_f16_to_f32_row(isa.cValue, x, y, Int32(count))
    }
}

/// Element type of cached keys and values.
public enum KVElement: Int32, Sendable {
    /// 32-bit floats.
    case f32 = 0
    /// IEEE half floats (the usual cache format: half the memory traffic).
    case f16 = 1
}

/// Attention of one query head over cached positions.
public enum Attention {
    /// `out = softmax(scale * q·K_t for t < count) · V` over keys and values stored as rows
    /// `keyRowBytes` / `valueRowBytes` apart. `scores` is scratch for `count` floats (it is left
    /// holding the attention weights).
    public static func attendHead(
        query: UnsafePointer<Float>, keys: UnsafeRawPointer, keyRowBytes: Int, values: UnsafeRawPointer,
        valueRowBytes: Int, element: KVElement, count: Int, headDim: Int, scale: Float,
        scores: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, isa: KernelISA = .active
    ) throws(KernelError) {
        let status = tern_attend_head(
            isa.cValue, query, keys, keyRowBytes, values, valueRowBytes, element.rawValue, Int32(count),
            Int32(headDim), scale, scores, out)
        guard status == 0 else { throw .outOfRange("attention over \(count) positions of dim \(headDim)") }
    }
}
