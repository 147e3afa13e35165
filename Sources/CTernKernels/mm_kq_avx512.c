/* AVX-512 matmul for Q4_K / Q5_K / Q6_K against Q8_K activations.
 * One weight row at a time: its super-block is unpacked once into 4 zmm of u8 quants in
 * element order, then reused for up to 8 activation rows. vpmaddubsw (pairs) x vpmaddwd
 * (int16 sub-block scales) gives exact scaled integer sums, reduced once per super-block,
 * followed by the scalar reference's float chain, so results equal the scalar bits. */
#include <immintrin.h>

#include "kq_common.h"

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))
#define MR 8

typedef struct {
    __m512i w[4];  /* u8 quants, elements 64c .. 64c+63 */
    __m512i sc[4]; /* int16 scale per element pair */
    __m256i mn2;   /* Q4_K/Q5_K: min per bsum;  Q6_K: scale per bsum */
    float d, dmin;
} krow;

T512 INL void unpack(const int T, const uint8_t *blk, krow *R) {
    if (T == TERN_TYPE_Q6_K) {
        const blk_q6_k *x = (const blk_q6_k *)blk;
        const __m512i lo = _mm512_set1_epi8(0x0F), three = _mm512_set1_epi8(3);
        for (int n = 0; n < 2; n++) {
            const __m512i ql = _mm512_loadu_si512(x->ql + 64 * n);
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(x->qh + 32 * n));
            /* bits 2p..2p+1 of qh for parts p = 0,1 and 2,3 */
            const __m512i h01 = _mm512_inserti64x4(_mm512_castsi256_si512(qh), _mm256_srli_epi16(qh, 2), 1);
            const __m512i h23 = _mm512_srli_epi16(h01, 4);
            R->w[2 * n] = _mm512_or_si512(_mm512_and_si512(ql, lo),
                                          _mm512_slli_epi16(_mm512_and_si512(h01, three), 4));
            R->w[2 * n + 1] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), lo),
                                              _mm512_slli_epi16(_mm512_and_si512(h23, three), 4));
        }
        /* zmm c covers sub-blocks 4c .. 4c+3 of 16 elements: int16 lanes 8q..8q+7 -> scale 4c+q */
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)x->scales));
        const __m512i sc = _mm512_castsi256_si512(sc16);
        for (int c = 0; c < 4; c++) {
            const __m512i idx = _mm512_add_epi16(_mm512_set1_epi16((short)(4 * c)),
                                                 _mm512_srli_epi16(_mm512_setr_epi32(0x00000000, 0x00000000,
                                                     0x00000000, 0x00000000, 0x00080008, 0x00080008, 0x00080008,
                                                     0x00080008, 0x00100010, 0x00100010, 0x00100010, 0x00100010,
                                                     0x00180018, 0x00180018, 0x00180018, 0x00180018), 3));
            R->sc[c] = _mm512_permutexvar_epi16(idx, sc);
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
    const __m512i sc = _mm512_castsi128_si512(_mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)scb)));
    const __m128i mn = _mm_cvtsi64_si128((long long)mnb);
    R->mn2 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(mn, mn));
    R->d = _cvtsh_ss(h->d);
    R->dmin = _cvtsh_ss(h->dmin);
    const uint8_t *qs = five ? ((const blk_q5_k *)blk)->qs : h->qs;
    const __m256i qh = five ? _mm256_loadu_si256((const __m256i *)((const blk_q5_k *)blk)->qh) : _mm256_setzero_si256();
    const __m256i one = _mm256_set1_epi8(1), lo8 = _mm256_set1_epi8(0x0F);
    for (int c = 0; c < 4; c++) {
        const __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
        __m256i a = _mm256_and_si256(q, lo8), b = _mm256_and_si256(_mm256_srli_epi16(q, 4), lo8);
        if (five) {
            a = _mm256_or_si256(a, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), one), 4));
            b = _mm256_or_si256(b, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c + 1), one), 4));
        }
        R->w[c] = _mm512_inserti64x4(_mm512_castsi256_si512(a), b, 1);
        /* int16 lanes 0..15 -> scale 2c, 16..31 -> scale 2c+1 */
        const __m512i idx = _mm512_inserti64x4(_mm512_set1_epi16((short)(2 * c)), _mm256_set1_epi16((short)(2 * c + 1)), 1);
        R->sc[c] = _mm512_permutexvar_epi16(idx, sc);
    }
}

T512 INL float step(const int T, const krow *R, const act_blk_k *a, float acc) {
    __m512i s = _mm512_setzero_si512();
    for (int c = 0; c < 4; c++) {
        const __m512i p = _mm512_maddubs_epi16(R->w[c], _mm512_loadu_si512(a->qs + 64 * c));
        s = _mm512_add_epi32(s, _mm512_madd_epi16(p, R->sc[c]));
    }
    const __m256i bs = _mm256_loadu_si256((const __m256i *)a->bsums);
    const __m256i t = _mm256_madd_epi16(bs, R->mn2);
    __m128i t4 = _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
    t4 = _mm_add_epi32(t4, _mm_shuffle_epi32(t4, 0x4E));
    t4 = _mm_add_epi32(t4, _mm_shuffle_epi32(t4, 0xB1));
    const int other = _mm_cvtsi128_si32(t4);
    int i1 = _mm512_reduce_add_epi32(s);
    if (T == TERN_TYPE_Q6_K) {
        i1 -= 32 * other; /* quants are stored +32 */
        return __builtin_fmaf((float)i1, R->d * a->d, acc);
    }
    acc = __builtin_fmaf((float)i1, R->d * a->d, acc);
    return __builtin_fmaf((float)other, -(R->dmin * a->d), acc);
}

T512 INL void row_tile(const int T, const int NA, int nb, const uint8_t *w, const uint8_t *act, size_t arb, float *y,
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

T512 INL void mm(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                 int m, float *y, size_t ys) {
    const int nb = k / QKK;
    for (int j = n0; j < n1; j++) {
        const uint8_t *wj = w + (size_t)j * wrb;
        if (j + 2 < n1)
            for (size_t o = 0; o < wrb; o += 64) _mm_prefetch((const char *)(wj + 2 * wrb + o), _MM_HINT_T0);
        int i = 0;
        for (; i + MR <= m; i += MR) row_tile(T, MR, nb, wj, act + (size_t)i * arb, arb, y + (size_t)i * ys + j, ys);
        const uint8_t *ai = act + (size_t)i * arb;
        float *yi = y + (size_t)i * ys + j;
        switch (m - i) {
        case 1: row_tile(T, 1, nb, wj, ai, arb, yi, ys); break;
        case 2: row_tile(T, 2, nb, wj, ai, arb, yi, ys); break;
        case 3: row_tile(T, 3, nb, wj, ai, arb, yi, ys); break;
        case 4: row_tile(T, 4, nb, wj, ai, arb, yi, ys); break;
        case 5: row_tile(T, 5, nb, wj, ai, arb, yi, ys); break;
        case 6: row_tile(T, 6, nb, wj, ai, arb, yi, ys); break;
        case 7: row_tile(T, 7, nb, wj, ai, arb, yi, ys); break;
        default: break;
        }
    }
}

void tern_mm_k4_lanes_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                             size_t arb, int m, float *y, size_t ys);

#ifndef K_LANES_MIN_M
#define K_LANES_MIN_M 2 /* measured crossover vs the per-row kernel */
#endif
#ifndef K6_LANES_MIN_M
#define K6_LANES_MIN_M 6
#endif

T512 void tern_mm_kq_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                            size_t arb, int m, float *y, size_t ys) {
    /* the lane-per-row kernel (bit-identical) where its unpack pays off */
    const int lanes_min_m = type == TERN_TYPE_Q6_K ? K6_LANES_MIN_M : K_LANES_MIN_M;
    if (m >= lanes_min_m && wrb <= (size_t)INT32_MAX / 16) {
        tern_mm_k4_lanes_avx512(type, k, w, wrb, n0, n1, act, arb, m, y, ys);
        return;
    }
    switch (type) {
    case TERN_TYPE_Q4_K: mm(TERN_TYPE_Q4_K, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q5_K: mm(TERN_TYPE_Q5_K, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    default: mm(TERN_TYPE_Q6_K, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    }
}
