/* AVX2 kernels in the lane8 order (see lane8.h): one weight row per ymm, as llama.cpp's own
 * AVX2 kernels. Products use maddubs + madd (no VNNI needed); the only difference from
 * vpdpbusd is maddubs' int16 saturation, which Q4 weights cannot reach and Q8_0 only reaches
 * when two adjacent products are both -128 x -128. Scales convert with F16C (exact: the same
 * bits as tern_h2f), a block's scale and min together. */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "lane8.h"

#define T256 __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

enum { RR = 2, MA = 4 };

T256 INL float hsum8(__m256 x) {
    __m128 r = _mm_add_ps(_mm256_extractf128_ps(x, 1), _mm256_castps256_ps128(x));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

T256 INL __m256i products(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_set1_epi16(1), _mm256_maddubs_epi16(u, s));
}

/* Block b of one weight row: its 32 quants as bytes (unsigned with a min term for Q4_1/Q5_1,
 * signed for Q5_0/Q8_0), and its scale and min as lanes 0 and 1 of `dm`. */
/* fp16 scale and min (adjacent in the block) as lanes 0 and 1, in one load and one conversion */
T256 INL __m128 scale_min(const void *d) {
    uint32_t bits;
    memcpy(&bits, d, 4);
    return _mm_cvtph_ps(_mm_cvtsi32_si128((int)bits));
}

T256 INL __m128 scale_only(const void *d) {
    uint16_t bits;
    memcpy(&bits, d, 2);
    return _mm_cvtph_ps(_mm_cvtsi32_si128(bits));
}

T256 INL void load_row(const int T, const uint8_t *row, int b, __m256i *W, __m128 *dm) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    if (T == TERN_TYPE_Q4_1) {
        const blk_q4_1 *x = (const blk_q4_1 *)row + b;
        const __m128i t = _mm_loadu_si128((const __m128i *)x->qs);
        *W = _mm256_and_si256(_mm256_inserti128_si256(_mm256_castsi128_si256(t), _mm_srli_epi16(t, 4), 1), m4);
        *dm = scale_min(&x->d);
    } else if (T == TERN_TYPE_Q5_0 || T == TERN_TYPE_Q5_1) {
        const uint8_t *qs = T == TERN_TYPE_Q5_1 ? ((const blk_q5_1 *)row + b)->qs : ((const blk_q5_0 *)row + b)->qs;
        const uint8_t *qhp = T == TERN_TYPE_Q5_1 ? ((const blk_q5_1 *)row + b)->qh : ((const blk_q5_0 *)row + b)->qh;
        const __m128i t = _mm_loadu_si128((const __m128i *)qs);
        const __m256i nib = _mm256_and_si256(_mm256_inserti128_si256(_mm256_castsi128_si256(t), _mm_srli_epi16(t, 4), 1), m4);
        uint32_t qh;
        memcpy(&qh, qhp, 4);
        /* byte j gets 0xFF when bit j of qh is set */
        const __m256i shuffled = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh),
            _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0));
        const __m256i set = _mm256_cmpeq_epi8(
            _mm256_or_si256(shuffled, _mm256_set1_epi64x((long long)0x7fbfdfeff7fbfdfeULL)), _mm256_set1_epi64x(-1));
        if (T == TERN_TYPE_Q5_1) {
            *W = _mm256_or_si256(nib, _mm256_and_si256(set, _mm256_set1_epi8(0x10)));
            *dm = scale_min(&((const blk_q5_1 *)row + b)->d);
        } else {
            *W = _mm256_or_si256(nib, _mm256_andnot_si256(set, _mm256_set1_epi8((char)0xF0)));
            *dm = scale_only(&((const blk_q5_0 *)row + b)->d);
        }
    } else {
        const blk_q8_0 *x = (const blk_q8_0 *)row + b;
        *W = _mm256_loadu_si256((const __m256i *)x->qs);
        *dm = scale_only(&x->d);
    }
}

/* The 8 lane partials of one weight row block against one activation block. */
T256 INL __m256i block_partials(const int T, __m256i W, __m256i A) {
    if (T == TERN_TYPE_Q4_1 || T == TERN_TYPE_Q5_1) return products(W, A);
    return products(_mm256_sign_epi8(W, W), _mm256_sign_epi8(A, W));
}

/* Decode: 8 weight rows against one activation row. Eight short row streams defeat the
 * hardware prefetcher, so the next group's bytes (`next`, `next_bytes`) are prefetched in
 * slices while this group computes; per row the float order is exactly `tile`'s. */
T256 INL void gemv8(const int T, int nb, const uint8_t *const r[8], const act_blk *a, const uint8_t *next,
                    size_t next_bytes, float out[8]) {
    __m256 acc[8];
    float summs[8];
    for (int q = 0; q < 8; q++) {
        acc[q] = _mm256_setzero_ps();
        summs[q] = 0.0f;
    }
    const size_t slice = ((next_bytes + (size_t)nb - 1) / (size_t)nb + 63) & ~(size_t)63;
    for (int b = 0; b < nb; b++) {
        for (size_t o = 0; o < slice; o += 64) _mm_prefetch((const char *)next + (size_t)b * slice + o, _MM_HINT_T0);
        const act_blk *ab = a + b;
        const __m256i A = _mm256_loadu_si256((const __m256i *)ab->qs);
        for (int q = 0; q < 8; q++) {
            __m256i W;
            __m128 dm;
            load_row(T, r[q], b, &W, &dm);
            if (T == TERN_TYPE_Q4_1 || T == TERN_TYPE_Q5_1)
                summs[q] = fmaf(_mm_cvtss_f32(_mm_movehdup_ps(dm)), ab->s, summs[q]);
            acc[q] = _mm256_fmadd_ps(_mm256_set1_ps(_mm_cvtss_f32(dm) * ab->d),
                                     _mm256_cvtepi32_ps(block_partials(T, W, A)), acc[q]);
        }
    }
    for (int q = 0; q < 8; q++)
        out[q] = (T == TERN_TYPE_Q4_1 || T == TERN_TYPE_Q5_1) ? hsum8(acc[q]) + summs[q] : hsum8(acc[q]);
}

/* Prompt passes: RR weight rows against MA activation rows, 8 accumulators that stay in registers
 * (AVX2 has 16). The activation scales and sums of the group come transposed (`da`, `sa`: MA per
 * block), so the RR x MA scale products are two vector multiplies per block and the min terms one
 * vector fma per weight row; each lane still computes exactly the scalar products and chains of
 * the lane8 order. */
T256 INL void tile(const int T, int nb, const uint8_t *const r[RR], const act_blk *const a[MA], const float *da,
                   const float *sa, float out[MA][RR]) {
    __m256 acc[RR][MA];
    __m128 summs[RR];
    for (int q = 0; q < RR; q++) {
        summs[q] = _mm_setzero_ps();
        for (int i = 0; i < MA; i++) acc[q][i] = _mm256_setzero_ps();
    }
    for (int b = 0; b < nb; b++) {
        __m256i W[RR];
        __m256 scale[RR];
        /* the MA activation scales, repeated in both 128-bit halves for in-lane broadcasts */
        const __m256 d = _mm256_broadcast_ps((const __m128 *)(da + MA * b));
        for (int q = 0; q < RR; q++) {
            __m128 dm;
            load_row(T, r[q], b, &W[q], &dm);
            scale[q] = _mm256_mul_ps(_mm256_broadcastss_ps(dm), d);
            if (T == TERN_TYPE_Q4_1 || T == TERN_TYPE_Q5_1)
                summs[q] = _mm_fmadd_ps(_mm_permute_ps(dm, 0x55), _mm_loadu_ps(sa + MA * b), summs[q]);
        }
#define TERN_LANE8_ROW(i, imm)                                                                                        \
        {                                                                                                             \
            const __m256i A = _mm256_loadu_si256((const __m256i *)a[i][b].qs);                                        \
            for (int q = 0; q < RR; q++)                                                                              \
                acc[q][i] = _mm256_fmadd_ps(_mm256_permute_ps(scale[q], imm),                                         \
                                            _mm256_cvtepi32_ps(block_partials(T, W[q], A)), acc[q][i]);               \
        }
        TERN_LANE8_ROW(0, 0x00)
        TERN_LANE8_ROW(1, 0x55)
        TERN_LANE8_ROW(2, 0xAA)
        TERN_LANE8_ROW(3, 0xFF)
#undef TERN_LANE8_ROW
    }
    for (int q = 0; q < RR; q++) {
        float sm[MA];
        _mm_storeu_ps(sm, summs[q]);
        for (int i = 0; i < MA; i++)
            out[i][q] = (T == TERN_TYPE_Q4_1 || T == TERN_TYPE_Q5_1) ? hsum8(acc[q][i]) + sm[i] : hsum8(acc[q][i]);
    }
}

T256 INL void run(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                  int m, float *y, size_t ys) {
    const int nb = k / QK32;
    if (m == 1) {
        const act_blk *a = (const act_blk *)act;
        for (int j0 = n0; j0 < n1; j0 += 8) {
            const int rows = n1 - j0 < 8 ? n1 - j0 : 8;
            const uint8_t *r[8];
            for (int q = 0; q < 8; q++) r[q] = w + (size_t)(j0 + (q < rows ? q : rows - 1)) * wrb;
            const size_t after = j0 + 8 < n1 ? (size_t)(n1 - j0 - 8 < 8 ? n1 - j0 - 8 : 8) * wrb : 0;
            float out[8];
            gemv8(T, nb, r, a, w + (size_t)(j0 + 8) * wrb, after, out);
            for (int q = 0; q < rows; q++) y[j0 + q] = out[q];
        }
        return;
    }
    float da[MA * nb], sa[MA * nb];
    for (int i0 = 0; i0 < m; i0 += MA) {
        const int ma = m - i0 < MA ? m - i0 : MA;
        const act_blk *a[MA];
        for (int i = 0; i < MA; i++) a[i] = (const act_blk *)(act + (size_t)(i0 + (i < ma ? i : 0)) * arb);
        for (int b = 0; b < nb; b++)
            for (int i = 0; i < MA; i++) {
                da[MA * b + i] = a[i][b].d;
                sa[MA * b + i] = a[i][b].s;
            }
        for (int j0 = n0; j0 < n1; j0 += RR) {
            const int rows = n1 - j0 < RR ? n1 - j0 : RR;
            const uint8_t *r[RR];
            for (int q = 0; q < RR; q++) r[q] = w + (size_t)(j0 + (q < rows ? q : rows - 1)) * wrb;
            float out[MA][RR];
            tile(T, nb, r, a, da, sa, out);
            for (int i = 0; i < ma; i++)
                for (int q = 0; q < rows; q++) y[(size_t)(i0 + i) * ys + j0 + q] = out[i][q];
        }
    }
}

T256 void tern_mm_lane8_avx2(int t, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                             size_t arb, int m, float *y, size_t ys) {
    switch (t) {
    case TERN_TYPE_Q4_1: run(TERN_TYPE_Q4_1, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q5_0: run(TERN_TYPE_Q5_0, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q5_1: run(TERN_TYPE_Q5_1, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    default: run(TERN_TYPE_Q8_0, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    }
}
