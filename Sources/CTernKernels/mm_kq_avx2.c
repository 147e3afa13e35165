/* AVX2 matmul for Q4_K / Q5_K / Q6_K against Q8_K activations: the AVX-512 design on ymm
 * (8 x 32 quants per super-block), exact integer sums, scalar-identical float chain. */
#include <immintrin.h>

#include "kq_common.h"

#define TAVX2 __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))
#define MR 4

typedef struct {
    __m256i w[8];  /* u8 quants, elements 32c .. 32c+31 */
    __m256i sc[8]; /* int16 scale per element pair */
    __m256i mn2;
    float d, dmin;
} krow;

/* int16 lane pattern: all lanes take int16 element j of the 128-bit source */
TAVX2 INL __m256i bcast16(__m128i v, int j) {
    const __m128i idx = _mm_set1_epi16((short)(0x0100 + 0x0202 * (j & 7)));
    return _mm256_broadcastsi128_si256(_mm_shuffle_epi8(v, idx));
}

TAVX2 INL void unpack(const int T, const uint8_t *blk, krow *R) {
    const __m256i lo = _mm256_set1_epi8(0x0F);
    if (T == TERN_TYPE_Q6_K) {
        const blk_q6_k *x = (const blk_q6_k *)blk;
        const __m256i three = _mm256_set1_epi8(3);
        for (int n = 0; n < 2; n++) {
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(x->qh + 32 * n));
            for (int h = 0; h < 2; h++) {
                const __m256i ql = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * n + 32 * h));
                /* part h (low nibbles) and part h + 2 (high nibbles) */
                const __m256i hb0 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * h), three);
                const __m256i hb2 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * h + 4), three);
                R->w[4 * n + h] = _mm256_or_si256(_mm256_and_si256(ql, lo), _mm256_slli_epi16(hb0, 4));
                R->w[4 * n + h + 2] =
                    _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql, 4), lo), _mm256_slli_epi16(hb2, 4));
            }
        }
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)x->scales));
        const __m128i s0 = _mm256_castsi256_si128(sc16), s1 = _mm256_extracti128_si256(sc16, 1);
        for (int c = 0; c < 8; c++) { /* ymm c: sub-blocks 2c (low half) and 2c+1 (high half) */
            const __m128i src = c < 4 ? s0 : s1;
            const __m128i a = _mm256_castsi256_si128(bcast16(src, 2 * c)), b = _mm256_castsi256_si128(bcast16(src, 2 * c + 1));
            R->sc[c] = _mm256_inserti128_si256(_mm256_castsi128_si256(a), b, 1);
        }
        R->mn2 = sc16;
        R->d = _cvtsh_ss(x->d);
        R->dmin = 0.0f;
        return;
    }
    const int five = T == TERN_TYPE_Q5_K;
    const blk_q4_k *h = (const blk_q4_k *)blk; /* d, dmin, scales lead both Q4_K and Q5_K */
    uint64_t scb, mnb;
    tern_k4_scales_packed(h->scales, &scb, &mnb);
    const __m128i sc = _mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)scb));
    const __m128i mn = _mm_cvtsi64_si128((long long)mnb);
    R->mn2 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(mn, mn));
    R->d = _cvtsh_ss(h->d);
    R->dmin = _cvtsh_ss(h->dmin);
    const uint8_t *qs = five ? ((const blk_q5_k *)blk)->qs : h->qs;
    const __m256i qh = five ? _mm256_loadu_si256((const __m256i *)((const blk_q5_k *)blk)->qh) : _mm256_setzero_si256();
    const __m256i one = _mm256_set1_epi8(1);
    for (int c = 0; c < 4; c++) {
        const __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
        __m256i a = _mm256_and_si256(q, lo), b = _mm256_and_si256(_mm256_srli_epi16(q, 4), lo);
        if (five) {
            a = _mm256_or_si256(a, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), one), 4));
            b = _mm256_or_si256(b, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c + 1), one), 4));
        }
        R->w[2 * c] = a;
        R->w[2 * c + 1] = b;
    }
    for (int j = 0; j < 8; j++) R->sc[j] = bcast16(sc, j);
}

TAVX2 INL int hsum_i32(__m256i v) {
    __m128i t = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4E));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1));
    return _mm_cvtsi128_si32(t);
}

TAVX2 INL float step(const int T, const krow *R, const act_blk_k *a, float acc) {
    __m256i s = _mm256_setzero_si256();
    for (int c = 0; c < 8; c++) {
        const __m256i p = _mm256_maddubs_epi16(R->w[c], _mm256_loadu_si256((const __m256i *)(a->qs + 32 * c)));
        s = _mm256_add_epi32(s, _mm256_madd_epi16(p, R->sc[c]));
    }
    const int other = hsum_i32(_mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)a->bsums), R->mn2));
    int i1 = hsum_i32(s);
    if (T == TERN_TYPE_Q6_K) {
        i1 -= 32 * other;
        return __builtin_fmaf((float)i1, R->d * a->d, acc);
    }
    acc = __builtin_fmaf((float)i1, R->d * a->d, acc);
    return __builtin_fmaf((float)other, -(R->dmin * a->d), acc);
}

TAVX2 INL void row_tile(const int T, const int NA, int nb, const uint8_t *w, const uint8_t *act, size_t arb, float *y,
                        size_t ys) {
    const size_t bb = tern_type_block_bytes(T);
    float acc[MR];
    for (int i = 0; i < NA; i++) acc[i] = 0.0f;
    for (int b = 0; b < nb; b++) {
        krow R;
        unpack(T, w + (size_t)b * bb, &R);
        for (int i = 0; i < NA; i++) acc[i] = step(T, &R, (const act_blk_k *)(act + (size_t)i * arb) + b, acc[i]);
    }
    for (int i = 0; i < NA; i++) y[(size_t)i * ys] = acc[i];
}

TAVX2 INL void mm(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                  int m, float *y, size_t ys) {
    const int nb = k / QKK;
    for (int j = n0; j < n1; j++) {
        const uint8_t *wj = w + (size_t)j * wrb;
        int i = 0;
        for (; i + MR <= m; i += MR) row_tile(T, MR, nb, wj, act + (size_t)i * arb, arb, y + (size_t)i * ys + j, ys);
        const uint8_t *ai = act + (size_t)i * arb;
        float *yi = y + (size_t)i * ys + j;
        switch (m - i) {
        case 1: row_tile(T, 1, nb, wj, ai, arb, yi, ys); break;
        case 2: row_tile(T, 2, nb, wj, ai, arb, yi, ys); break;
        case 3: row_tile(T, 3, nb, wj, ai, arb, yi, ys); break;
        default: break;
        }
    }
}

TAVX2 void tern_mm_kq_avx2(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                           size_t arb, int m, float *y, size_t ys) {
    switch (type) {
    case TERN_TYPE_Q4_K: mm(TERN_TYPE_Q4_K, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q5_K: mm(TERN_TYPE_Q5_K, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    default: mm(TERN_TYPE_Q6_K, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    }
}
