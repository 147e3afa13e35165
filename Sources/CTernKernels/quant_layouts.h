/* Internal: ggml block layouts (bit-exact with ggml-common.h), half/bf16 conversions,
 * the activation row layouts, and the per-ISA kernel entry points the dispatchers call. */
#ifndef TERN_QUANT_LAYOUTS_H
#define TERN_QUANT_LAYOUTS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tern_kernels.h"

#define QK32 32
#define QKK 256

typedef struct { uint16_t d; int8_t qs[32]; } blk_q8_0;                      /* 34 bytes */
typedef struct { uint16_t d; uint8_t qs[16]; } blk_q4_0;                     /* 18 */
typedef struct { uint16_t d, m; uint8_t qs[16]; } blk_q4_1;                  /* 20 */
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[16]; } blk_q5_0;      /* 22 */
typedef struct { uint16_t d, m; uint8_t qh[4]; uint8_t qs[16]; } blk_q5_1;   /* 24 */
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qs[128]; } blk_q4_k;            /* 144 */
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } blk_q5_k; /* 176 */
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; uint16_t d; } blk_q6_k;    /* 210 */

_Static_assert(sizeof(blk_q8_0) == 34, "q8_0");
_Static_assert(sizeof(blk_q4_0) == 18, "q4_0");
_Static_assert(sizeof(blk_q4_1) == 20, "q4_1");
_Static_assert(sizeof(blk_q5_0) == 22, "q5_0");
_Static_assert(sizeof(blk_q5_1) == 24, "q5_1");
_Static_assert(sizeof(blk_q4_k) == 144, "q4_K");
_Static_assert(sizeof(blk_q5_k) == 176, "q5_K");
_Static_assert(sizeof(blk_q6_k) == 210, "q6_K");

/* ---- half / bfloat16 (scalar, exact IEEE, round-to-nearest-even) ---- */

static inline float tern_bits_to_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t tern_f32_to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static inline float tern_h2f(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1F, man = h & 0x3FF;
    if (exp == 0) {
        /* zero or subnormal: man * 2^-24, exact in float */
        float v = (float)man * 5.9604644775390625e-8f;
        return tern_bits_to_f32(tern_f32_to_bits(v) | sign);
    }
    if (exp == 31) return tern_bits_to_f32(sign | 0x7F800000u | (man << 13));
    return tern_bits_to_f32(sign | ((exp + 112) << 23) | (man << 13));
}

static inline uint16_t tern_f2h(float f) {
    uint32_t x = tern_f32_to_bits(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t ax = x & 0x7FFFFFFFu;
    if (ax >= 0x7F800000u) /* inf or nan (keep nan quiet and non-zero) */
        return sign | 0x7C00 | (ax > 0x7F800000u ? (uint16_t)(0x200 | ((ax >> 13) & 0x3FF)) : 0);
    if (ax >= 0x477FF000u) return sign | 0x7C00; /* rounds to >= 65520: inf */
    if (ax < 0x38800000u) {                      /* below 2^-14: subnormal half or zero */
        if (ax < 0x33000000u) return sign;       /* < 2^-25: rounds to zero */
        uint32_t e = ax >> 23, m = (ax & 0x7FFFFF) | 0x800000;
        uint32_t shift = 126 - e; /* value = m * 2^(e-150); half unit 2^-24 */
        uint32_t q = m >> shift, rem = m & ((1u << shift) - 1), halfway = 1u << (shift - 1);
        if (rem > halfway || (rem == halfway && (q & 1))) q++;
        return sign | (uint16_t)q;
    }
    uint32_t r = ax + 0xFFF + ((ax >> 13) & 1); /* round mantissa to 10 bits, ties to even */
    return sign | (uint16_t)((r - 0x38000000u) >> 13);
}

static inline float tern_bf2f(uint16_t h) { return tern_bits_to_f32((uint32_t)h << 16); }

/* ---- activation rows ---- */

/* Activation block for the 32-element formats: everything a block dot needs in one place,
 * so a kernel addresses each activation row with a single pointer. 48 bytes, 16-aligned qs. */
typedef struct {
    int8_t qs[32];
    float d;     /* amax / 127 */
    float s;     /* d * sum */
    int32_t sum; /* sum of qs */
    int32_t pad;
} act_blk;
_Static_assert(sizeof(act_blk) == 48, "act_blk");

/* Activation block for K-quants: ggml's block_q8_K layout (292 bytes). */
typedef struct {
    float d;
    int8_t qs[256];
    int16_t bsums[16];
} act_blk_k;
_Static_assert(sizeof(act_blk_k) == 292, "act_blk_k");

/* Q4_K / Q5_K 6-bit scale and min of sub-block j (0..7) */
static inline void tern_k4_scale_min(int j, const uint8_t *q, int *sc, int *mn) {
    if (j < 4) {
        *sc = q[j] & 63;
        *mn = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *mn = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

static inline int tern_is_q32(int t) {
    return t == TERN_TYPE_Q4_0 || t == TERN_TYPE_Q4_1 || t == TERN_TYPE_Q5_0 || t == TERN_TYPE_Q5_1 ||
           t == TERN_TYPE_Q8_0;
}
static inline int tern_is_kquant(int t) {
    return t == TERN_TYPE_Q4_K || t == TERN_TYPE_Q5_K || t == TERN_TYPE_Q6_K;
}
static inline int tern_is_float(int t) {
    return t == TERN_TYPE_F32 || t == TERN_TYPE_F16 || t == TERN_TYPE_BF16;
}

/* Row-range matmul kernels per ISA. Arguments already validated; [n0, n1) non-empty, m >= 1. */
typedef void (*tern_mm_fn)(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1,
                           const uint8_t *act, size_t arb, int m, float *y, size_t ys);

void tern_mm_scalar(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                    size_t arb, int m, float *y, size_t ys);
void tern_mm_q32_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1,
                        const uint8_t *act, size_t arb, int m, float *y, size_t ys);
void tern_mm_q32_avx2(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                      size_t arb, int m, float *y, size_t ys);
void tern_mm_float_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1,
                          const uint8_t *act, size_t arb, int m, float *y, size_t ys);
void tern_mm_float_avx2(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1,
                        const uint8_t *act, size_t arb, int m, float *y, size_t ys);
void tern_mm_kq_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1,
                       const uint8_t *act, size_t arb, int m, float *y, size_t ys);
void tern_mm_kq_avx2(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                     size_t arb, int m, float *y, size_t ys);

/* Scalar single dots (the reference). */
float tern_dot_scalar(int type, int k, const uint8_t *w, const uint8_t *act);

/* Activation quantizers per ISA. */
void tern_quant_q8_scalar(const float *x, int k, act_blk *out);
void tern_quant_q8_avx2(const float *x, int k, act_blk *out);
void tern_quant_q8_avx512(const float *x, int k, act_blk *out);
void tern_quant_q8k_scalar(const float *x, int k, act_blk_k *out);

#endif
