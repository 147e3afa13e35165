/*
 * Tern CPU kernels: ggml-compatible quantized block layouts, activation quantization,
 * dot products and row-range matmuls, plus the f32 helpers a transformer needs.
 *
 * Every compute entry point takes the instruction set explicitly, so one process can run
 * (and compare) every variant. An ISA the CPU or OS lacks is clamped to the best available,
 * so no call can execute an illegal instruction. No function allocates, starts threads or
 * does I/O; matmuls take a row range so the caller can split work over threads.
 *
 * Numerics: for the quantized formats every ISA computes exact integer sums per block and
 * then the same sequential float chain per output, so scalar, AVX2 and AVX-512 results are
 * bit-identical, and a row's result never depends on the batch size or tiling.
 */
#ifndef TERN_KERNELS_H
#define TERN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- instruction sets -------------------------------------------------------------- */

typedef enum { TERN_ISA_SCALAR = 0, TERN_ISA_AVX2 = 1, TERN_ISA_AVX512 = 2 } tern_isa;

/* Best ISA this CPU and OS support (cpuid + xgetbv). AVX512 needs F, BW, VL, DQ and VNNI;
 * AVX2 needs AVX2, FMA and F16C. Ignores the environment. */
tern_isa tern_isa_detect(void);
/* The ISA to use by default: tern_isa_detect() lowered by env TERN_ISA=scalar|avx2|avx512
 * (asking for more than the CPU has gives the best available). */
tern_isa tern_isa_active(void);
/* "scalar", "avx2", "avx512" (or "unknown"). */
const char *tern_isa_name(tern_isa isa);
/* isa clamped to what tern_isa_detect() allows. */
tern_isa tern_isa_clamp(tern_isa isa);

/* ---- ggml tensor types (raw values of ggml_type) ----------------------------------- */

enum {
    TERN_TYPE_F32 = 0,
    TERN_TYPE_F16 = 1,
    TERN_TYPE_Q4_0 = 2,
    TERN_TYPE_Q4_1 = 3,
    TERN_TYPE_Q5_0 = 6,
    TERN_TYPE_Q5_1 = 7,
    TERN_TYPE_Q8_0 = 8,
    TERN_TYPE_Q4_K = 12,
    TERN_TYPE_Q5_K = 13,
    TERN_TYPE_Q6_K = 14,
    TERN_TYPE_BF16 = 30,
};

/* 1 when the weight type has kernels here, else 0. */
int tern_type_supported(int ggml_type);
/* Elements per block (1 for float types), 0 if unsupported. */
int tern_type_block_size(int ggml_type);
/* Bytes per block, 0 if unsupported. */
size_t tern_type_block_bytes(int ggml_type);
/* Bytes of one weight row of k elements, 0 if unsupported or k not a multiple of the block. */
size_t tern_weight_row_bytes(int ggml_type, int k);

/* ---- activations --------------------------------------------------------------------
 * A matmul against weights of type T takes activation rows prepared for T:
 *  - 32-element formats (Q4_0/Q4_1/Q5_0/Q5_1/Q8_0): k/32 blocks of 48 bytes
 *    { int8 qs[32]; float d; float s; int32 sum; int32 pad; } with d = amax/127,
 *    q = round-half-even(x * 127/amax) (as llama.cpp's AVX quantizer), sum = sum(q), s = d*sum.
 *  - K-quants (Q4_K/Q5_K/Q6_K): k/256 blocks of ggml's block_q8_K
 *    { float d; int8 qs[256]; int16 bsums[16]; } with llama.cpp's q8_K rounding.
 *  - F32/F16/BF16: plain f32 (any k).
 * tern_act_row_bytes is a multiple of 64 so consecutive rows stay cache-line aligned;
 * 0 means unsupported type or bad k. */
size_t tern_act_row_bytes(int ggml_type, int k);
/* Returns 0 on success, -1 on unsupported type or bad k. Same bytes on every ISA. */
int tern_quantize_act_row(tern_isa isa, int ggml_type, const float *x, int k, void *out);

/* ---- weights ------------------------------------------------------------------------ */

/* Weight row (ggml layout) -> f32. Returns 0 or -1 (unsupported type / bad k). */
int tern_dequantize_row(int ggml_type, const void *src, float *dst, int k);
/* Simple reference quantizer (test support, not llama.cpp's search-based one): f32 row ->
 * ggml blocks of ggml_type. Returns 0 or -1. */
int tern_quantize_weights_ref(int ggml_type, const float *x, int k, void *dst);

/* dot(weight row, activation row prepared for ggml_type). Returns NaN on bad arguments. */
float tern_vec_dot(tern_isa isa, int ggml_type, int k, const void *w_row, const void *act_row);

/* y[i*y_row_stride + j] = dot(W row j, act row i) for j in [n_begin, n_end), i in [0, m).
 * w points at row 0; act rows are act_row_bytes apart (>= tern_act_row_bytes);
 * y_row_stride is in floats. Returns 0, or -1 on bad arguments (nothing written). */
int tern_matmul(tern_isa isa, int ggml_type, int k, const void *w, size_t w_row_bytes, int n_begin,
                int n_end, const void *act, size_t act_row_bytes, int m, float *y,
                size_t y_row_stride);

/* ---- f32 helpers ---------------------------------------------------------------------- */

/* y = x / sqrt(mean(x^2) + eps) * w (w may be NULL: no gain). y may alias x. */
void tern_rmsnorm(tern_isa isa, const float *x, const float *w, float *y, int n, float eps);
/* x = softmax(x), max-subtracted. */
void tern_softmax_inplace(tern_isa isa, float *x, int n);
/* y = silu(a) * b, silu(a) = a / (1 + exp(-a)). y may alias a or b. */
void tern_silu_mul(tern_isa isa, const float *a, const float *b, float *y, int n);
/* y = gelu_tanh(a) * b, gelu_tanh(a) = 0.5 a (1 + tanh(sqrt(2/pi) (a + 0.044715 a^3))). */
void tern_gelu_tanh_mul(tern_isa isa, const float *a, const float *b, float *y, int n);
/* y = gelu(a) * b through llama.cpp's fp16 GELU table (one order on every ISA). y may alias a or b. */
void tern_gelu_table_mul(const float *a, const float *b, float *y, int n);
float tern_dot_f32(tern_isa isa, const float *a, const float *b, int n);
/* y += alpha * x */
void tern_axpy_f32(tern_isa isa, float alpha, const float *x, float *y, int n);
/* Rotary embedding in place of `heads` vectors of head_dim floats, the first `dims` of each rotated
 * by `table` (cos, sin per pair): pairs (2i, 2i+1), or (i, i + dims/2) when neox. llama.cpp's
 * rounding: x0' = fma(cos, x0, -(sin*x1)), x1' = fma(sin, x0, cos*x1); identical on every ISA. */
void tern_rope_f32(tern_isa isa, float *x, int heads, int head_dim, int dims, const float *table, int neox);
/* IEEE half conversions, round-to-nearest-even; identical on every ISA. */
void tern_f32_to_f16_row(tern_isa isa, const float *x, uint16_t *y, int n);
void tern_f16_to_f32_row(tern_isa isa, const uint16_t *x, float *y, int n);

/* KV cache element types for tern_attend_head. */
enum { TERN_KV_F32 = 0, TERN_KV_F16 = 1 };

/* One query head over n cached positions:
 *   s_t = scale * dot(q, K_t) for t < n;  p = softmax(s);  out = sum_t p_t V_t.
 * K_t starts at (char*)k + t*k_row_bytes, V_t likewise, each head_dim elements of kv_type.
 * scores is caller scratch of n floats (left holding p). Returns 0 or -1 (bad arguments). */
int tern_attend_head(tern_isa isa, const float *q, const void *k, size_t k_row_bytes, const void *v,
                     size_t v_row_bytes, int kv_type, int n, int head_dim, float scale,
                     float *scores, float *out);

#ifdef __cplusplus
}
#endif
#endif
