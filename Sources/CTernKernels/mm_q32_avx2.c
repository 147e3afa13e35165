/* AVX2 matmul for the 32-element formats: the AVX-512 design (one lane per weight row, blocks
 * transposed on the fly, exact integer block sums, sequential per-output float chain) with
 * 8 rows per group and vpmaddubsw + vpmaddwd in place of vpdpbusd. Results are bit-identical
 * to the scalar reference. 4-bit products are summed in int16 across all 8 dword groups
 * (8 * 2 * 15 * 127 < 32768); 5-bit ones in two halves; Q8_0 uses |w| x sign(a, w). */
#include <immintrin.h>

#include "quant_layouts.h"

#define TAVX2 __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

#define MR_MAX 4

/* 16 bytes at p + off[r] for 8 rows -> Q[u], lane r = dword u of row r */
TAVX2 INL void ld8x16(const uint8_t *p, const size_t *off, __m256i Q[4]) {
    __m256i Z[4];
    for (int g = 0; g < 4; g++)
        Z[g] = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(p + off[g]))),
                                       _mm_loadu_si128((const __m128i *)(p + off[4 + g])), 1);
    const __m256i t0 = _mm256_unpacklo_epi32(Z[0], Z[1]), t1 = _mm256_unpackhi_epi32(Z[0], Z[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(Z[2], Z[3]), t3 = _mm256_unpackhi_epi32(Z[2], Z[3]);
    Q[0] = _mm256_unpacklo_epi64(t0, t2);
    Q[1] = _mm256_unpackhi_epi64(t0, t2);
    Q[2] = _mm256_unpacklo_epi64(t1, t3);
    Q[3] = _mm256_unpackhi_epi64(t1, t3);
}

typedef struct {
    __m256i w[8];
    __m256 d, m;
} panel8;

/* low 16 bits of each dword, as half -> float */
TAVX2 INL __m256 half_lo(__m256i g) {
    const __m256i v = _mm256_and_si256(g, _mm256_set1_epi32(0xFFFF));
    const __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi32(v, v), 0x08);
    return _mm256_cvtph_ps(_mm256_castsi256_si128(p));
}
TAVX2 INL __m256 half_hi(__m256i g) { return half_lo(_mm256_srli_epi32(g, 16)); }

TAVX2 INL void nibbles(const __m256i Q[4], __m256i *W) {
    const __m256i lo = _mm256_set1_epi8(0x0F);
    for (int u = 0; u < 4; u++) {
        W[u] = _mm256_and_si256(Q[u], lo);
        W[u + 4] = _mm256_and_si256(_mm256_srli_epi16(Q[u], 4), lo);
    }
}

TAVX2 INL void high_bits(__m256i H, __m256i *W) {
    /* entry n (low 3 bits; the 4th bit chooses the table half): byte c gets 0x10 if bit c of n */
    const __m256i tlo = _mm256_setr_epi32(0x00000000, 0x00000010, 0x00001000, 0x00001010, 0x00100000, 0x00100010,
                                          0x00101000, 0x00101010);
    const __m256i thi = _mm256_or_si256(tlo, _mm256_set1_epi32(0x10000000));
    for (int t = 0; t < 8; t++) {
        const __m256i n = _mm256_srli_epi32(H, 4 * t);
        const __m256i sel = _mm256_slli_epi32(n, 28); /* bit 3 -> sign bit */
        const __m256 r = _mm256_blendv_ps(_mm256_castsi256_ps(_mm256_permutevar8x32_epi32(tlo, n)),
                                          _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(thi, n)),
                                          _mm256_castsi256_ps(sel));
        W[t] = _mm256_or_si256(W[t], _mm256_castps_si256(r));
    }
}

TAVX2 INL void unpack(const int T, const uint8_t *p, const size_t *off, __m256i vidx, panel8 *P) {
    __m256i Q[4];
    switch (T) {
    case TERN_TYPE_Q8_0:
        ld8x16(p + 2, off, Q);
        for (int u = 0; u < 4; u++) P->w[u] = Q[u];
        ld8x16(p + 18, off, Q);
        for (int u = 0; u < 4; u++) P->w[4 + u] = Q[u];
        P->d = half_lo(_mm256_i32gather_epi32((const int *)p, vidx, 1));
        break;
    case TERN_TYPE_Q4_0:
        ld8x16(p + 2, off, Q);
        nibbles(Q, P->w);
        P->d = half_lo(_mm256_i32gather_epi32((const int *)p, vidx, 1));
        break;
    case TERN_TYPE_Q4_1: {
        ld8x16(p + 4, off, Q);
        nibbles(Q, P->w);
        const __m256i g = _mm256_i32gather_epi32((const int *)p, vidx, 1);
        P->d = half_lo(g);
        P->m = half_hi(g);
        break;
    }
    case TERN_TYPE_Q5_0:
        ld8x16(p + 6, off, Q);
        nibbles(Q, P->w);
        high_bits(_mm256_i32gather_epi32((const int *)(p + 2), vidx, 1), P->w);
        P->d = half_lo(_mm256_i32gather_epi32((const int *)p, vidx, 1));
        break;
    default: { /* Q5_1 */
        ld8x16(p + 8, off, Q);
        nibbles(Q, P->w);
        high_bits(_mm256_i32gather_epi32((const int *)(p + 4), vidx, 1), P->w);
        const __m256i g = _mm256_i32gather_epi32((const int *)p, vidx, 1);
        P->d = half_lo(g);
        P->m = half_hi(g);
        break;
    }
    }
}

INL int bias_of(const int T) { return T == TERN_TYPE_Q4_0 ? 8 : T == TERN_TYPE_Q5_0 ? 16 : 0; }
INL int has_min(const int T) { return T == TERN_TYPE_Q4_1 || T == TERN_TYPE_Q5_1; }

TAVX2 INL __m256i block_sum(const int T, const panel8 *P, const int32_t *aq) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i p[8];
    if (T == TERN_TYPE_Q8_0) {
        __m256i s = _mm256_setzero_si256();
        for (int t = 0; t < 8; t++) {
            const __m256i a = _mm256_set1_epi32(aq[t]);
            const __m256i pr = _mm256_maddubs_epi16(_mm256_abs_epi8(P->w[t]), _mm256_sign_epi8(a, P->w[t]));
            s = _mm256_add_epi32(s, _mm256_madd_epi16(pr, ones));
        }
        return s;
    }
    for (int t = 0; t < 8; t++) p[t] = _mm256_maddubs_epi16(P->w[t], _mm256_set1_epi32(aq[t]));
    const __m256i h0 = _mm256_add_epi16(_mm256_add_epi16(p[0], p[1]), _mm256_add_epi16(p[2], p[3]));
    const __m256i h1 = _mm256_add_epi16(_mm256_add_epi16(p[4], p[5]), _mm256_add_epi16(p[6], p[7]));
    if (T == TERN_TYPE_Q4_0 || T == TERN_TYPE_Q4_1) return _mm256_madd_epi16(_mm256_add_epi16(h0, h1), ones);
    return _mm256_add_epi32(_mm256_madd_epi16(h0, ones), _mm256_madd_epi16(h1, ones));
}

/* one (8 rows, 1 activation block) step: exact integer sums, then the per-output float chain */
TAVX2 INL __m256 step(const int T, const panel8 *P, const act_blk *ab, __m256 acc) {
    const int bias = bias_of(T);
    __m256i s = block_sum(T, P, (const int32_t *)ab->qs);
    if (bias) s = _mm256_add_epi32(s, _mm256_set1_epi32(-bias * ab->sum));
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(P->d, _mm256_set1_ps(ab->d)), acc);
    if (has_min(T)) acc = _mm256_fmadd_ps(P->m, _mm256_set1_ps(ab->s), acc);
    return acc;
}

TAVX2 INL void store_rows(const int MR, const __m256 *acc, float *y, size_t ys, int nstore) {
    for (int i = 0; i < MR; i++) {
        if (nstore == 8) {
            _mm256_storeu_ps(y + (size_t)i * ys, acc[i]);
        } else {
            float t[8];
            _mm256_storeu_ps(t, acc[i]);
            memcpy(y + (size_t)i * ys, t, 4 * (size_t)nstore);
        }
    }
}

/* direct path (small m): unpack each block and use it at once; prefetch a later group */
TAVX2 INL void tile_direct(const int T, const int MR, int nb, const uint8_t *w, const size_t *off, __m256i vidx,
                           const uint8_t *act, size_t arb, float *y, size_t ys, int nstore, const uint8_t *pf,
                           size_t pf_step) {
    const size_t bb = tern_type_block_bytes(T);
    __m256 acc[MR_MAX];
    for (int i = 0; i < MR; i++) acc[i] = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
        for (size_t o = 0; o < pf_step; o += 64) _mm_prefetch((const char *)pf + (size_t)b * pf_step + o, _MM_HINT_T0);
        panel8 P;
        unpack(T, w + (size_t)b * bb, off, vidx, &P);
        for (int i = 0; i < MR; i++) acc[i] = step(T, &P, (const act_blk *)(act + (size_t)i * arb) + b, acc[i]);
    }
    store_rows(MR, acc, y, ys, nstore);
}

/* panel path: the float chain continues from y when b0 > 0 (stored floats reload exactly) */
TAVX2 INL void tile_panel(const int T, const int MR, int nbc, const panel8 *pan, const uint8_t *act, size_t arb,
                          int b0, float *y, size_t ys, int nstore) {
    __m256 acc[MR_MAX];
    for (int i = 0; i < MR; i++) {
        if (b0 == 0) {
            acc[i] = _mm256_setzero_ps();
        } else {
            float t[8] = {0};
            memcpy(t, y + (size_t)i * ys, 4 * (size_t)nstore);
            acc[i] = _mm256_loadu_ps(t);
        }
    }
    for (int b = 0; b < nbc; b++)
        for (int i = 0; i < MR; i++) acc[i] = step(T, &pan[b], (const act_blk *)(act + (size_t)i * arb) + b0 + b, acc[i]);
    store_rows(MR, acc, y, ys, nstore);
}

#define KC 32 /* blocks per panel chunk: 32 * 320 B = 10 KiB */

TAVX2 INL void group(const int T, int k, const uint8_t *w, const size_t *off, const uint8_t *act, size_t arb, int m,
                     float *y, size_t ys, int nstore, const uint8_t *pf) {
    const __m256i vidx = _mm256_setr_epi32((int)off[0], (int)off[1], (int)off[2], (int)off[3], (int)off[4],
                                           (int)off[5], (int)off[6], (int)off[7]);
    const int nb = k / QK32;
    const size_t pf_step = pf ? ((off[1] * 8 + (size_t)nb - 1) / (size_t)nb + 63) & ~(size_t)63 : 0;
    if (m <= 2) {
        if (m == 1) tile_direct(T, 1, nb, w, off, vidx, act, arb, y, ys, nstore, pf, pf_step);
        else tile_direct(T, 2, nb, w, off, vidx, act, arb, y, ys, nstore, pf, pf_step);
        return;
    }
    const size_t bb = tern_type_block_bytes(T);
    panel8 pan[KC];
    for (int b0 = 0; b0 < nb; b0 += KC) {
        const int nbc = nb - b0 < KC ? nb - b0 : KC;
        for (int b = 0; b < nbc; b++) {
            for (size_t o = 0; o < pf_step; o += 64)
                _mm_prefetch((const char *)pf + (size_t)(b0 + b) * pf_step + o, _MM_HINT_T0);
            unpack(T, w + (size_t)(b0 + b) * bb, off, vidx, &pan[b]);
        }
        int i = 0;
        for (; i + MR_MAX <= m; i += MR_MAX)
            tile_panel(T, MR_MAX, nbc, pan, act + (size_t)i * arb, arb, b0, y + (size_t)i * ys, ys, nstore);
        const uint8_t *ai = act + (size_t)i * arb;
        float *yi = y + (size_t)i * ys;
        switch (m - i) {
        case 1: tile_panel(T, 1, nbc, pan, ai, arb, b0, yi, ys, nstore); break;
        case 2: tile_panel(T, 2, nbc, pan, ai, arb, b0, yi, ys, nstore); break;
        case 3: tile_panel(T, 3, nbc, pan, ai, arb, b0, yi, ys, nstore); break;
        default: break;
        }
    }
}

TAVX2 INL void mm(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                  int m, float *y, size_t ys) {
    size_t off[8];
    const int nrows = n1 - n0;
    if (nrows >= 8) {
        for (int r = 0; r < 8; r++) off[r] = (size_t)r * wrb;
        for (int j = n0;; j += 8) {
            if (j + 8 > n1) j = n1 - 8; /* overlap the previous group rather than run short */
            const uint8_t *pf = j + 8 + 2 * 8 <= n1 ? w + (size_t)(j + 2 * 8) * wrb : NULL;
            group(T, k, w + (size_t)j * wrb, off, act, arb, m, y + j, ys, 8, pf);
            if (j + 8 == n1) break;
        }
    } else {
        for (int r = 0; r < 8; r++) off[r] = (size_t)(r < nrows ? r : nrows - 1) * wrb;
        group(T, k, w + (size_t)n0 * wrb, off, act, arb, m, y + n0, ys, nrows, NULL);
    }
}

TAVX2 void tern_mm_q32_avx2(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                            size_t arb, int m, float *y, size_t ys) {
    if (wrb > (size_t)INT32_MAX / 8) {
        tern_mm_scalar(type, k, w, wrb, n0, n1, act, arb, m, y, ys);
        return;
    }
    switch (type) {
    case TERN_TYPE_Q8_0: mm(TERN_TYPE_Q8_0, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q4_0: mm(TERN_TYPE_Q4_0, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q4_1: mm(TERN_TYPE_Q4_1, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q5_0: mm(TERN_TYPE_Q5_0, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_Q5_1: mm(TERN_TYPE_Q5_1, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    default: tern_mm_scalar(type, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    }
}
