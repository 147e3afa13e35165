/* Activation quantization: f32 rows -> the Q8 / Q8_K row layouts of quant_layouts.h.
 * All ISAs produce identical bytes: the scale is computed the same way and x*(127/amax)
 * is rounded half-to-even (the magic-number trick in scalar, cvtps2dq in SIMD). */
#include <immintrin.h>
#include <math.h>

#include "quant_layouts.h"

#define T_AVX2 __attribute__((target("avx2,fma,f16c")))
#define T_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))

/* round-half-even of v for |v| < 2^22, without libm and independent of -ffast-math-free flags */
static inline int rne(float v) {
    const float r = v + 12582912.0f; /* 1.5 * 2^23 */
    return (int)(tern_f32_to_bits(r) & 0x7FFFFF) - 0x400000;
}

void tern_quant_q8_scalar(const float *x, int k, act_blk *out) {
    const int nb = k / QK32;
    for (int b = 0; b < nb; b++) {
        const float *xb = x + b * QK32;
        float amax = 0.0f;
        for (int j = 0; j < QK32; j++) {
            const float a = fabsf(xb[j]);
            amax = a > amax ? a : amax;
        }
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        int sum = 0;
        for (int j = 0; j < QK32; j++) {
            const float v = xb[j] * id;
            const int q = rne(v);
            out[b].qs[j] = (int8_t)q;
            sum += q;
        }
        out[b].d = tern_h2f(tern_f2h(d)); /* fp16, as llama.cpp stores q8_0/q8_1 scales */
        out[b].s = tern_h2f(tern_f2h(d * (float)sum));
        out[b].sum = sum;
        out[b].pad = 0;
    }
}

T_AVX2 void tern_quant_q8_avx2(const float *x, int k, act_blk *out) {
    const int nb = k / QK32;
    const __m256 signbit = _mm256_set1_ps(-0.0f);
    for (int b = 0; b < nb; b++) {
        const float *xb = x + b * QK32;
        __m256 v0 = _mm256_loadu_ps(xb), v1 = _mm256_loadu_ps(xb + 8);
        __m256 v2 = _mm256_loadu_ps(xb + 16), v3 = _mm256_loadu_ps(xb + 24);
        __m256 mx = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(signbit, v0), _mm256_andnot_ps(signbit, v1)),
                                  _mm256_max_ps(_mm256_andnot_ps(signbit, v2), _mm256_andnot_ps(signbit, v3)));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        const __m256 vid = _mm256_set1_ps(id);
        __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, vid));
        __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, vid));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, vid));
        __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, vid));
        __m256i s = _mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3));
        __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4E));
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0xB1));
        const int sum = _mm_cvtsi128_si32(s4);
        /* pack 32 int32 -> 32 int8 in element order: packs interleave 128-bit lanes, fix with permute */
        __m256i p01 = _mm256_packs_epi32(i0, i1), p23 = _mm256_packs_epi32(i2, i3);
        __m256i p = _mm256_packs_epi16(p01, p23);
        p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)out[b].qs, p);
        out[b].d = tern_h2f(tern_f2h(d)); /* fp16, as llama.cpp stores q8_0/q8_1 scales */
        out[b].s = tern_h2f(tern_f2h(d * (float)sum));
        out[b].sum = sum;
        out[b].pad = 0;
    }
}

T_AVX512 void tern_quant_q8_avx512(const float *x, int k, act_blk *out) {
    const int nb = k / QK32;
    for (int b = 0; b < nb; b++) {
        const float *xb = x + b * QK32;
        const __m512 v0 = _mm512_loadu_ps(xb), v1 = _mm512_loadu_ps(xb + 16);
        const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        const __m512 vid = _mm512_set1_ps(id);
        const __m512i i0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, vid));
        const __m512i i1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, vid));
        const int sum = _mm512_reduce_add_epi32(_mm512_add_epi32(i0, i1));
        _mm_storeu_si128((__m128i *)out[b].qs, _mm512_cvtepi32_epi8(i0));
        _mm_storeu_si128((__m128i *)(out[b].qs + 16), _mm512_cvtepi32_epi8(i1));
        out[b].d = tern_h2f(tern_f2h(d)); /* fp16, as llama.cpp stores q8_0/q8_1 scales */
        out[b].s = tern_h2f(tern_f2h(d * (float)sum));
        out[b].sum = sum;
        out[b].pad = 0;
    }
}

void tern_quant_q8k_scalar(const float *x, int k, act_blk_k *out) {
    const int nb = k / QKK;
    for (int b = 0; b < nb; b++) {
        const float *xb = x + b * QKK;
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < QKK; j++) {
            const float a = fabsf(xb[j]);
            if (a > amax) {
                amax = a;
                max = xb[j];
            }
        }
        int8_t *q = out[b].qs;
        if (amax == 0.0f) {
            out[b].d = 0.0f;
            memset(q, 0, QKK);
            memset(out[b].bsums, 0, sizeof(out[b].bsums));
            continue;
        }
        /* llama.cpp's q8_K: the signed extreme maps to -127, values clamp at 127 */
        const float iscale = -127.0f / max;
        for (int j = 0; j < QKK; j++) {
            const float v = iscale * xb[j];
            int iv = rne(v);
            q[j] = (int8_t)(iv < 127 ? iv : 127);
        }
        for (int g = 0; g < 16; g++) {
            int s = 0;
            for (int j = 0; j < 16; j++) s += q[g * 16 + j];
            out[b].bsums[g] = (int16_t)s;
        }
        out[b].d = 1.0f / iscale;
    }
}

static size_t round64(size_t n) { return (n + 63) & ~(size_t)63; }

size_t tern_act_row_bytes(int type, int k) {
    if (k <= 0) return 0;
    if (tern_is_float(type)) return round64((size_t)k * 4);
    if (tern_is_q32(type)) return k % QK32 ? 0 : round64((size_t)(k / QK32) * sizeof(act_blk));
    if (tern_is_kquant(type)) return k % QKK ? 0 : round64((size_t)(k / QKK) * sizeof(act_blk_k));
    return 0;
}

/* bytes actually used before the padding to a multiple of 64 */
static size_t used_bytes(int type, int k) {
    if (tern_is_float(type)) return (size_t)k * 4;
    if (tern_is_q32(type)) return (size_t)(k / QK32) * sizeof(act_blk);
    return (size_t)(k / QKK) * sizeof(act_blk_k);
}

int tern_quantize_act_row(tern_isa isa, int type, const float *x, int k, void *out) {
    const size_t total = tern_act_row_bytes(type, k);
    if (!x || !out || total == 0) return -1;
    const size_t used = used_bytes(type, k);
    memset((uint8_t *)out + used, 0, total - used); /* padding is defined, so rows compare bytewise */
    isa = tern_isa_clamp(isa);
    if (tern_is_float(type)) {
        memcpy(out, x, (size_t)k * 4);
    } else if (tern_is_q32(type)) {
        if (isa == TERN_ISA_AVX512) tern_quant_q8_avx512(x, k, (act_blk *)out);
        else if (isa == TERN_ISA_AVX2) tern_quant_q8_avx2(x, k, (act_blk *)out);
        else tern_quant_q8_scalar(x, k, (act_blk *)out);
    } else {
        tern_quant_q8k_scalar(x, k, (act_blk_k *)out);
    }
    return 0;
}
