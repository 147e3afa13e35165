/* AVX-512 VNNI kernels in the lane8 order (see lane8.h). One zmm holds two weight rows: the 32
 * unpacked weight bytes of row r0 in its low half and of r1 in its high half, against the
 * block's 32 activation bytes broadcast to both halves, so one vpdpbusd yields the 8 lane
 * partials of both rows. Decode (one activation row) streams 8 weight rows at a time; batched
 * products take tiles of 4 weight rows x 4 activation rows, unpacking each weight block once per
 * tile. All loop counts are compile-time constants so accumulators stay in registers. */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "lane8.h"

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

/* [h(a) x8 | h(b) x8] as floats, for two fp16 values a and b */
T512 INL __m512 pair_halves(const uint16_t *a, const uint16_t *b) {
    const __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_set1_epi16((short)*a)),
                                              _mm_set1_epi16((short)*b), 1);
    return _mm512_cvtph_ps(v);
}

T512 INL __m512i unpack_q4_1(const blk_q4_1 *x0, const blk_q4_1 *x1) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i t = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)x0->qs)),
                                              _mm_loadu_si128((const __m128i *)x1->qs), 1);
    const __m256i lo = _mm256_and_si256(t, m4), hi = _mm256_and_si256(_mm256_srli_epi16(t, 4), m4);
    const __m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1); /* lo0 lo1 hi0 hi1 */
    return _mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0));             /* lo0 hi0 lo1 hi1 */
}

T512 INL __m512i load_q8_0(const blk_q8_0 *x0, const blk_q8_0 *x1) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)x0->qs)),
                              _mm256_loadu_si256((const __m256i *)x1->qs), 1);
}

/* Q5_0/Q5_1 weights of two rows: the nibbles with each element's fifth bit from qh; Q5_0 then
 * subtracts 16 (as llama.cpp: or-ing 0xF0 into elements whose bit is clear). */
T512 INL __m512i unpack_q5(const int T, const uint8_t *qs0, const uint8_t *qh0, const uint8_t *qs1, const uint8_t *qh1) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i t = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)qs0)),
                                              _mm_loadu_si128((const __m128i *)qs1), 1);
    const __m256i lo = _mm256_and_si256(t, m4), hi = _mm256_and_si256(_mm256_srli_epi16(t, 4), m4);
    const __m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
    const __m512i nibbles = _mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0));
    uint32_t h0, h1;
    memcpy(&h0, qh0, 4);
    memcpy(&h1, qh1, 4);
    const __mmask64 bits = (__mmask64)h0 | ((__mmask64)h1 << 32);
    if (T == TERN_TYPE_Q5_1) return _mm512_or_si512(nibbles, _mm512_maskz_mov_epi8(bits, _mm512_set1_epi8(0x10)));
    return _mm512_or_si512(nibbles, _mm512_maskz_mov_epi8(~bits, _mm512_set1_epi8((char)0xF0)));
}

/* weights that are unsigned with a min term (Q4_1, Q5_1) vs signed (Q8_0, Q5_0) */
#define HAS_MIN(T) ((T) == TERN_TYPE_Q4_1 || (T) == TERN_TYPE_Q5_1)

/* the 8 lane partials of two rows against one activation block */
T512 INL __m512 partials(const int T, __m512i W, __m512i A) {
    if (HAS_MIN(T)) return _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(_mm512_setzero_si512(), W, A));
    /* signed x signed as llama.cpp: |w| (u8) x (a carrying w's sign) */
    const __m512i As = _mm512_mask_sub_epi8(A, _mm512_movepi8_mask(W), _mm512_setzero_si512(), A);
    return _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_abs_epi8(W), As));
}

/* hsum8 of the low (half 0) or high 8 lanes, in tern_hsum8's order */
T512 INL float hsum_half(__m512 v, int half) {
    const __m256 x = half ? _mm512_extractf32x8_ps(v, 1) : _mm512_castps512_ps256(v);
    __m128 r = _mm_add_ps(_mm256_extractf128_ps(x, 1), _mm256_castps256_ps128(x));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

/* lane 0 (half 0) or lane 8 of v */
T512 INL float lane_of(__m512 v, int half) {
    return half ? _mm_cvtss_f32(_mm512_extractf32x4_ps(v, 2)) : _mm512_cvtss_f32(v);
}

T512 INL void load_pair(const int T, const uint8_t *r0, const uint8_t *r1, int b, __m512i *W, __m512 *dw, __m512 *mw) {
    if (T == TERN_TYPE_Q4_1) {
        const blk_q4_1 *x0 = (const blk_q4_1 *)r0 + b, *x1 = (const blk_q4_1 *)r1 + b;
        *W = unpack_q4_1(x0, x1);
        *dw = pair_halves(&x0->d, &x1->d);
        *mw = pair_halves(&x0->m, &x1->m);
    } else if (T == TERN_TYPE_Q5_1) {
        const blk_q5_1 *x0 = (const blk_q5_1 *)r0 + b, *x1 = (const blk_q5_1 *)r1 + b;
        *W = unpack_q5(T, x0->qs, x0->qh, x1->qs, x1->qh);
        *dw = pair_halves(&x0->d, &x1->d);
        *mw = pair_halves(&x0->m, &x1->m);
    } else if (T == TERN_TYPE_Q5_0) {
        const blk_q5_0 *x0 = (const blk_q5_0 *)r0 + b, *x1 = (const blk_q5_0 *)r1 + b;
        *W = unpack_q5(T, x0->qs, x0->qh, x1->qs, x1->qh);
        *dw = pair_halves(&x0->d, &x1->d);
    } else {
        const blk_q8_0 *x0 = (const blk_q8_0 *)r0 + b, *x1 = (const blk_q8_0 *)r1 + b;
        *W = load_q8_0(x0, x1);
        *dw = pair_halves(&x0->d, &x1->d);
    }
}

/* Decode: 4 row pairs (8 rows, r[0..8)) against one activation row. Eight short row streams
 * defeat the hardware prefetcher, so the next group's bytes (`next`, `next_bytes`) are
 * prefetched in slices while this group computes. */
T512 INL void gemv8(const int T, int nb, const uint8_t *const r[8], const act_blk *a, const uint8_t *next,
                    size_t next_bytes, float out[8]) {
    __m512 acc[4], sm[4];
    for (int p = 0; p < 4; p++) acc[p] = sm[p] = _mm512_setzero_ps();
    const size_t slice = ((next_bytes + (size_t)nb - 1) / (size_t)nb + 63) & ~(size_t)63;
    for (int b = 0; b < nb; b++) {
        for (size_t o = 0; o < slice; o += 64) _mm_prefetch((const char *)next + (size_t)b * slice + o, _MM_HINT_T0);
        const __m512i A = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)a[b].qs));
        const __m512 da = _mm512_set1_ps(a[b].d);
        for (int p = 0; p < 4; p++) {
            __m512i W;
            __m512 dw, mw = _mm512_setzero_ps();
            load_pair(T, r[2 * p], r[2 * p + 1], b, &W, &dw, &mw);
            acc[p] = _mm512_fmadd_ps(_mm512_mul_ps(dw, da), partials(T, W, A), acc[p]);
            if (HAS_MIN(T)) sm[p] = _mm512_fmadd_ps(mw, _mm512_set1_ps(a[b].s), sm[p]);
        }
    }
    for (int p = 0; p < 4; p++)
        for (int h = 0; h < 2; h++)
            out[2 * p + h] = HAS_MIN(T) ? hsum_half(acc[p], h) + lane_of(sm[p], h) : hsum_half(acc[p], h);
}

/* Batched: 2 row pairs (4 rows) x 4 activation rows. */
T512 INL void gemm4x4(const int T, int nb, const uint8_t *const r[4], const act_blk *const a[4], float out[4][4]) {
    __m512 acc[2][4], sm[2][4];
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < 4; i++) acc[p][i] = sm[p][i] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
        __m512i W[2];
        __m512 dw[2], mw[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
        for (int p = 0; p < 2; p++) load_pair(T, r[2 * p], r[2 * p + 1], b, &W[p], &dw[p], &mw[p]);
        for (int i = 0; i < 4; i++) {
            const act_blk *ab = a[i] + b;
            const __m512i A = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)ab->qs));
            const __m512 da = _mm512_set1_ps(ab->d);
            for (int p = 0; p < 2; p++) {
                acc[p][i] = _mm512_fmadd_ps(_mm512_mul_ps(dw[p], da), partials(T, W[p], A), acc[p][i]);
                if (HAS_MIN(T)) sm[p][i] = _mm512_fmadd_ps(mw[p], _mm512_set1_ps(ab->s), sm[p][i]);
            }
        }
    }
    for (int i = 0; i < 4; i++)
        for (int p = 0; p < 2; p++)
            for (int h = 0; h < 2; h++)
                out[i][2 * p + h] =
                    HAS_MIN(T) ? hsum_half(acc[p][i], h) + lane_of(sm[p][i], h) : hsum_half(acc[p][i], h);
}

/* Batched, wide: 2 row pairs (4 rows) x 8 activation rows. The Q4_1 min terms of all 8
 * activations ride in one zmm per row pair ([row0: acts 0..7 | row1: acts 0..7]) fed from the
 * tile's transposed block sums `st`, so the per-activation work is just mul, dpbusd, cvt, fma. */
T512 INL void gemm4x8(const int T, int nb, const uint8_t *const r[4], const act_blk *const a[8], const float *dt,
                      const float *st, float out[8][4]) {
    __m512 acc[2][8], sm[2];
    for (int p = 0; p < 2; p++) {
        sm[p] = _mm512_setzero_ps();
        for (int i = 0; i < 8; i++) acc[p][i] = _mm512_setzero_ps();
    }
    for (int b = 0; b < nb; b++) {
        __m512i W[2];
        __m512 dw[2];
        for (int p = 0; p < 2; p++) {
            __m512 mw = _mm512_setzero_ps();
            load_pair(T, r[2 * p], r[2 * p + 1], b, &W[p], &dw[p], &mw);
            if (HAS_MIN(T))
                sm[p] = _mm512_fmadd_ps(mw, _mm512_broadcast_f32x8(_mm256_loadu_ps(st + 8 * b)), sm[p]);
        }
        for (int i = 0; i < 8; i++) {
            const __m512i A = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)a[i][b].qs));
            const __m512 da = _mm512_set1_ps(dt[8 * b + i]);
            for (int p = 0; p < 2; p++)
                acc[p][i] = _mm512_fmadd_ps(_mm512_mul_ps(dw[p], da), partials(T, W[p], A), acc[p][i]);
        }
    }
    float summs[2][16];
    for (int p = 0; p < 2; p++) _mm512_storeu_ps(summs[p], sm[p]);
    for (int i = 0; i < 8; i++)
        for (int p = 0; p < 2; p++)
            for (int h = 0; h < 2; h++)
                out[i][2 * p + h] = HAS_MIN(T) ? hsum_half(acc[p][i], h) + summs[p][8 * h + i]
                                                        : hsum_half(acc[p][i], h);
}

enum { WIDE_MAX_BLOCKS = 512 };

T512 INL void run(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                  int m, float *y, size_t ys) {
    const int nb = k / QK32;
    if (m == 1) {
        const act_blk *a = (const act_blk *)act;
        for (int j0 = n0; j0 < n1; j0 += 8) {
            const int rows = n1 - j0 < 8 ? n1 - j0 : 8;
            const uint8_t *r[8];
            for (int q = 0; q < 8; q++) r[q] = w + (size_t)(j0 + (q < rows ? q : rows - 1)) * wrb;
            float out[8];
            const size_t after = j0 + 8 < n1 ? (size_t)(n1 - j0 - 8 < 8 ? n1 - j0 - 8 : 8) * wrb : 0;
            gemv8(T, nb, r, a, w + (size_t)(j0 + 8) * wrb, after, out);
            for (int q = 0; q < rows; q++) y[j0 + q] = out[q];
        }
        return;
    }
    int i0 = 0;
    if (nb <= WIDE_MAX_BLOCKS) {
        float dt[8 * WIDE_MAX_BLOCKS], st[8 * WIDE_MAX_BLOCKS];
        for (; i0 + 8 <= m; i0 += 8) {
            const act_blk *a[8];
            for (int i = 0; i < 8; i++) a[i] = (const act_blk *)(act + (size_t)(i0 + i) * arb);
            for (int b = 0; b < nb; b++)
                for (int i = 0; i < 8; i++) {
                    dt[8 * b + i] = a[i][b].d;
                    st[8 * b + i] = a[i][b].s;
                }
            for (int j0 = n0; j0 < n1; j0 += 4) {
                const int rows = n1 - j0 < 4 ? n1 - j0 : 4;
                const uint8_t *r[4];
                for (int q = 0; q < 4; q++) r[q] = w + (size_t)(j0 + (q < rows ? q : rows - 1)) * wrb;
                float out[8][4];
                gemm4x8(T, nb, r, a, dt, st, out);
                for (int i = 0; i < 8; i++)
                    for (int q = 0; q < rows; q++) y[(size_t)(i0 + i) * ys + j0 + q] = out[i][q];
            }
        }
    }
    for (; i0 < m; i0 += 4) {
        const int ma = m - i0 < 4 ? m - i0 : 4;
        const act_blk *a[4];
        for (int i = 0; i < 4; i++) a[i] = (const act_blk *)(act + (size_t)(i0 + (i < ma ? i : ma - 1)) * arb);
        for (int j0 = n0; j0 < n1; j0 += 4) {
            const int rows = n1 - j0 < 4 ? n1 - j0 : 4;
            const uint8_t *r[4];
            for (int q = 0; q < 4; q++) r[q] = w + (size_t)(j0 + (q < rows ? q : rows - 1)) * wrb;
            float out[4][4];
            gemm4x4(T, nb, r, a, out);
            for (int i = 0; i < ma; i++)
                for (int q = 0; q < rows; q++) y[(size_t)(i0 + i) * ys + j0 + q] = out[i][q];
        }
    }
}

T512 void tern_mm_lane8_avx512(int t, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                               size_t arb, int m, float *y, size_t ys) {
    switch (t) {
    case TERN_TYPE_Q4_1: run(TERN_TYPE_Q4_1, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q5_0: run(TERN_TYPE_Q5_0, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q5_1: run(TERN_TYPE_Q5_1, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    default: run(TERN_TYPE_Q8_0, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    }
}
