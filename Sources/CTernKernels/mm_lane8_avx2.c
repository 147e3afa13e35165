/* AVX2 kernels in the lane8 order (see lane8.h): one weight row per ymm, as llama.cpp's own
 * AVX2 kernels. Products use maddubs + madd (no VNNI needed); the only difference from
 * vpdpbusd is maddubs' int16 saturation, which Q4 weights cannot reach and Q8_0 only reaches
 * when two adjacent products are both -128 x -128. */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "lane8.h"

#define T256 __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

enum { RR = 4, MA = 4 };

T256 INL float hsum8(__m256 x) {
    __m128 r = _mm_add_ps(_mm256_extractf128_ps(x, 1), _mm256_castps256_ps128(x));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

T256 INL __m256i products(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_set1_epi16(1), _mm256_maddubs_epi16(u, s));
}

T256 INL void tile(const int T, int nb, const uint8_t *const *r, const act_blk *const *a, int ma, float out[MA][RR]) {
    __m256 acc[RR][MA];
    float summs[RR][MA];
    for (int q = 0; q < RR; q++)
        for (int i = 0; i < MA; i++) {
            acc[q][i] = _mm256_setzero_ps();
            summs[q][i] = 0.0f;
        }
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int b = 0; b < nb; b++) {
        __m256i W[RR];
        float dw[RR], mw[RR];
        for (int q = 0; q < RR; q++) {
            if (T == TERN_TYPE_Q4_1) {
                const blk_q4_1 *x = (const blk_q4_1 *)r[q] + b;
                const __m128i t = _mm_loadu_si128((const __m128i *)x->qs);
                W[q] = _mm256_and_si256(_mm256_inserti128_si256(_mm256_castsi128_si256(t), _mm_srli_epi16(t, 4), 1), m4);
                dw[q] = tern_h2f(x->d);
                mw[q] = tern_h2f(x->m);
            } else if (T == TERN_TYPE_Q5_0 || T == TERN_TYPE_Q5_1) {
                const uint8_t *qs = T == TERN_TYPE_Q5_1 ? ((const blk_q5_1 *)r[q] + b)->qs : ((const blk_q5_0 *)r[q] + b)->qs;
                const uint8_t *qhp = T == TERN_TYPE_Q5_1 ? ((const blk_q5_1 *)r[q] + b)->qh : ((const blk_q5_0 *)r[q] + b)->qh;
                const __m128i t = _mm_loadu_si128((const __m128i *)qs);
                const __m256i nib =
                    _mm256_and_si256(_mm256_inserti128_si256(_mm256_castsi128_si256(t), _mm_srli_epi16(t, 4), 1), m4);
                uint32_t qh;
                memcpy(&qh, qhp, 4);
                /* byte j gets 0xFF when bit j of qh is set */
                const __m256i shuffled = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh),
                    _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0));
                const __m256i set = _mm256_cmpeq_epi8(
                    _mm256_or_si256(shuffled, _mm256_set1_epi64x((long long)0x7fbfdfeff7fbfdfeULL)), _mm256_set1_epi64x(-1));
                if (T == TERN_TYPE_Q5_1) {
                    W[q] = _mm256_or_si256(nib, _mm256_and_si256(set, _mm256_set1_epi8(0x10)));
                    dw[q] = tern_h2f(((const blk_q5_1 *)r[q] + b)->d);
                    mw[q] = tern_h2f(((const blk_q5_1 *)r[q] + b)->m);
                } else {
                    W[q] = _mm256_or_si256(nib, _mm256_andnot_si256(set, _mm256_set1_epi8((char)0xF0)));
                    dw[q] = tern_h2f(((const blk_q5_0 *)r[q] + b)->d);
                    mw[q] = 0.0f;
                }
            } else {
                const blk_q8_0 *x = (const blk_q8_0 *)r[q] + b;
                W[q] = _mm256_loadu_si256((const __m256i *)x->qs);
                dw[q] = tern_h2f(x->d);
                mw[q] = 0.0f;
            }
        }
        for (int i = 0; i < ma; i++) {
            const act_blk *ab = a[i] + b;
            const __m256i A = _mm256_loadu_si256((const __m256i *)ab->qs);
            for (int q = 0; q < RR; q++) {
                __m256i P;
                if (T == TERN_TYPE_Q4_1 || T == TERN_TYPE_Q5_1) {
                    P = products(W[q], A);
                    summs[q][i] = fmaf(mw[q], ab->s, summs[q][i]);
                } else {
                    P = products(_mm256_sign_epi8(W[q], W[q]), _mm256_sign_epi8(A, W[q]));
                }
                acc[q][i] = _mm256_fmadd_ps(_mm256_set1_ps(dw[q] * ab->d), _mm256_cvtepi32_ps(P), acc[q][i]);
            }
        }
    }
    for (int i = 0; i < ma; i++)
        for (int q = 0; q < RR; q++)
            out[i][q] = (T == TERN_TYPE_Q4_1 || T == TERN_TYPE_Q5_1) ? hsum8(acc[q][i]) + summs[q][i] : hsum8(acc[q][i]);
}

T256 INL void run(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                  int m, float *y, size_t ys) {
    const int nb = k / QK32;
    for (int i0 = 0; i0 < m; i0 += MA) {
        const int ma = m - i0 < MA ? m - i0 : MA;
        const act_blk *a[MA];
        for (int i = 0; i < MA; i++) a[i] = (const act_blk *)(act + (size_t)(i0 + (i < ma ? i : 0)) * arb);
        for (int j0 = n0; j0 < n1; j0 += RR) {
            const int rows = n1 - j0 < RR ? n1 - j0 : RR;
            const uint8_t *r[RR];
            for (int q = 0; q < RR; q++) r[q] = w + (size_t)(j0 + (q < rows ? q : rows - 1)) * wrb;
            float out[MA][RR];
            tile(T, nb, r, a, ma, out);
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
