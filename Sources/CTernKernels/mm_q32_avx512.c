/* AVX-512 VNNI matmul for the 32-element formats (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1).
 *
 * Layout trick: one zmm lane per weight row. 16 weight rows' block b is transposed on the fly
 * into 8 registers W[t], lane r holding the 4 weight bytes of elements 4t..4t+3 of row r.
 * Then 8 vpdpbusd against the broadcast activation dwords leave the exact integer block sum
 * of every row in its own lane, and the per-block float work (cvt, scale, fma) is done for
 * 16 outputs at once. Each output's float chain is sequential over blocks, exactly as the
 * scalar reference, so results are bit-identical to it and independent of m and tiling.
 * A tile is 16 weight rows x MR activation rows; the unpack is shared by the MR rows.
 * Unsigned weights (nibbles, or Q8_0 xor 0x80) are the u8 operand; a format's zero point is
 * folded in by starting the integer sum at -bias * sum(a). */
#include <immintrin.h>

#include "quant_layouts.h"

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

#ifndef MR_MAX
#define MR_MAX 8
#endif
#ifndef PF_GROUPS
#define PF_GROUPS 2 /* prefetch distance in 16-row groups for the m <= 2 path */
#endif

/* 16 bytes at p + off[r] for 16 rows -> Q[u], lane r = dword u of row r. Z[g] holds row 4l+g in
 * its 128-bit lane l; the in-lane 4x4 dword transpose then puts row 4l+g in dword lane 4l+g. */
T512 INL void ld16x16(const uint8_t *p, const size_t *off, __m512i Q[4]) {
    __m512i Z[4];
    for (int g = 0; g < 4; g++) {
        __m512i z = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(p + off[g])));
        z = _mm512_inserti32x4(z, _mm_loadu_si128((const __m128i *)(p + off[4 + g])), 1);
        z = _mm512_inserti32x4(z, _mm_loadu_si128((const __m128i *)(p + off[8 + g])), 2);
        Z[g] = _mm512_inserti32x4(z, _mm_loadu_si128((const __m128i *)(p + off[12 + g])), 3);
    }
    const __m512i t0 = _mm512_unpacklo_epi32(Z[0], Z[1]), t1 = _mm512_unpackhi_epi32(Z[0], Z[1]);
    const __m512i t2 = _mm512_unpacklo_epi32(Z[2], Z[3]), t3 = _mm512_unpackhi_epi32(Z[2], Z[3]);
    Q[0] = _mm512_unpacklo_epi64(t0, t2);
    Q[1] = _mm512_unpackhi_epi64(t0, t2);
    Q[2] = _mm512_unpacklo_epi64(t1, t3);
    Q[3] = _mm512_unpackhi_epi64(t1, t3);
}

typedef struct {
    __m512i w[8];
    __m512 d, m;
} panel16;

T512 INL __m512 half_lo(__m512i g) { return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(g)); }
T512 INL __m512 half_hi(__m512i g) { return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(g, 16))); }

/* 4-bit nibbles: W[u] = low nibbles (elements 4u..), W[u+4] = high nibbles (elements 16+4u..) */
T512 INL void nibbles(const __m512i Q[4], __m512i *W) {
    const __m512i lo = _mm512_set1_epi8(0x0F);
    for (int u = 0; u < 4; u++) {
        W[u] = _mm512_and_si512(Q[u], lo);
        W[u + 4] = _mm512_and_si512(_mm512_srli_epi16(Q[u], 4), lo);
    }
}

/* OR bit 4 into every weight byte whose element's bit is set in qh (lane r = qh of row r) */
T512 INL void high_bits(__m512i H, __m512i *W) {
    /* entry n: byte c gets 0x10 when bit c of n is set */
    const __m512i tab = _mm512_setr_epi32(0x00000000, 0x00000010, 0x00001000, 0x00001010, 0x00100000, 0x00100010,
                                          0x00101000, 0x00101010, 0x10000000, 0x10000010, 0x10001000, 0x10001010,
                                          0x10100000, 0x10100010, 0x10101000, 0x10101010);
    for (int t = 0; t < 8; t++)
        W[t] = _mm512_or_si512(W[t], _mm512_permutexvar_epi32(_mm512_srli_epi32(H, 4 * t), tab));
}

T512 INL void unpack(const int T, const uint8_t *p, const size_t *off, __m512i vidx, panel16 *P) {
    __m512i Q[4];
    switch (T) {
    case TERN_TYPE_Q8_0: {
        const __m512i x80 = _mm512_set1_epi8((char)0x80);
        ld16x16(p + 2, off, Q);
        for (int u = 0; u < 4; u++) P->w[u] = _mm512_xor_si512(Q[u], x80);
        ld16x16(p + 18, off, Q);
        for (int u = 0; u < 4; u++) P->w[4 + u] = _mm512_xor_si512(Q[u], x80);
        P->d = half_lo(_mm512_i32gather_epi32(vidx, p, 1));
        break;
    }
    case TERN_TYPE_Q4_0:
        ld16x16(p + 2, off, Q);
        nibbles(Q, P->w);
        P->d = half_lo(_mm512_i32gather_epi32(vidx, p, 1));
        break;
    case TERN_TYPE_Q4_1: {
        ld16x16(p + 4, off, Q);
        nibbles(Q, P->w);
        const __m512i g = _mm512_i32gather_epi32(vidx, p, 1);
        P->d = half_lo(g);
        P->m = half_hi(g);
        break;
    }
    case TERN_TYPE_Q5_0:
        ld16x16(p + 6, off, Q);
        nibbles(Q, P->w);
        high_bits(_mm512_i32gather_epi32(vidx, p + 2, 1), P->w);
        P->d = half_lo(_mm512_i32gather_epi32(vidx, p, 1));
        break;
    default: { /* Q5_1 */
        ld16x16(p + 8, off, Q);
        nibbles(Q, P->w);
        high_bits(_mm512_i32gather_epi32(vidx, p + 4, 1), P->w);
        const __m512i g = _mm512_i32gather_epi32(vidx, p, 1);
        P->d = half_lo(g);
        P->m = half_hi(g);
        break;
    }
    }
}

/* Q4_1, 4 consecutive blocks (80 bytes = five 16-byte columns per row): transposing all five
 * columns yields d|m for each block as a by-product, so no gathers are needed. */
T512 INL void unpack4_q41(const uint8_t *p, const size_t *off, panel16 *P) {
    __m512i V[20];
    for (int g = 0; g < 5; g++) ld16x16(p + 16 * g, off, &V[4 * g]);
    for (int i = 0; i < 4; i++) {
        nibbles(&V[5 * i + 1], P[i].w);
        P[i].d = half_lo(V[5 * i]);
        P[i].m = half_hi(V[5 * i]);
    }
}

INL int bias_of(const int T) {
    return T == TERN_TYPE_Q8_0 ? 128 : T == TERN_TYPE_Q4_0 ? 8 : T == TERN_TYPE_Q5_0 ? 16 : 0;
}
INL int has_min(const int T) { return T == TERN_TYPE_Q4_1 || T == TERN_TYPE_Q5_1; }

/* One (16 rows, 1 activation block) step: exact integer sums, then the per-output float chain.
 * CHAINS = 2 splits the 8 dependent vpdpbusd in two for latency (m <= 2); the panel path has
 * 8 independent rows in flight and saves the extra add with one chain. */
T512 INL __m512 step(const int T, const int CHAINS, const __m512i *W, __m512 d, __m512 m, const act_blk *ab,
                     __m512 acc) {
    const int bias = bias_of(T);
    const int32_t *aq = (const int32_t *)ab->qs;
    __m512i s0 = bias ? _mm512_set1_epi32(-bias * ab->sum) : _mm512_setzero_si512();
    __m512 sf;
    if (CHAINS == 1) {
        for (int t = 0; t < 8; t++) s0 = _mm512_dpbusd_epi32(s0, W[t], _mm512_set1_epi32(aq[t]));
        sf = _mm512_cvtepi32_ps(s0);
    } else {
        __m512i s1 = _mm512_setzero_si512();
        for (int t = 0; t < 8; t += 2) {
            s0 = _mm512_dpbusd_epi32(s0, W[t], _mm512_set1_epi32(aq[t]));
            s1 = _mm512_dpbusd_epi32(s1, W[t + 1], _mm512_set1_epi32(aq[t + 1]));
        }
        sf = _mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1));
    }
    acc = _mm512_fmadd_ps(sf, _mm512_mul_ps(d, _mm512_set1_ps(ab->d)), acc);
    if (has_min(T)) acc = _mm512_fmadd_ps(m, _mm512_set1_ps(ab->s), acc);
    return acc;
}

/* Direct path (small m): unpack each block and use it at once. */
T512 INL void tile_direct(const int T, const int MR, int nb, const uint8_t *w, const size_t *off, __m512i vidx,
                          const uint8_t *act, size_t arb, float *y, size_t ys, __mmask16 store, const uint8_t *pf,
                          size_t pf_step) {
    const size_t bb = tern_type_block_bytes(T);
    __m512 acc[MR_MAX];
    for (int i = 0; i < MR; i++) acc[i] = _mm512_setzero_ps();
    int b = 0;
    if (T == TERN_TYPE_Q4_1)
        for (; b + 4 <= nb; b += 4) {
            for (size_t o = 0; o < 4 * pf_step; o += 64)
                _mm_prefetch((const char *)pf + (size_t)b * pf_step + o, _MM_HINT_T0);
            panel16 P[4];
            unpack4_q41(w + (size_t)b * bb, off, P);
            for (int q = 0; q < 4; q++)
                for (int i = 0; i < MR; i++)
                    acc[i] = step(T, 2, P[q].w, P[q].d, P[q].m, (const act_blk *)(act + (size_t)i * arb) + b + q,
                                  acc[i]);
        }
    for (; b < nb; b++) {
        /* the 16 rows are read as 16 short strided streams, which hardware prefetchers do not
         * follow well: fetch a later group's bytes linearly, a slice per block */
        for (size_t o = 0; o < pf_step; o += 64) _mm_prefetch((const char *)pf + (size_t)b * pf_step + o, _MM_HINT_T0);
        panel16 P;
        unpack(T, w + (size_t)b * bb, off, vidx, &P);
        for (int i = 0; i < MR; i++)
            acc[i] = step(T, 2, P.w, P.d, P.m, (const act_blk *)(act + (size_t)i * arb) + b, acc[i]);
    }
    for (int i = 0; i < MR; i++) _mm512_mask_storeu_ps(y + (size_t)i * ys, store, acc[i]);
}

/* Panel path: blocks [0, nbc) of an unpacked panel against MR activation rows starting at
 * block b0. The float chain continues from y when b0 > 0 (a stored float reloads exactly). */
T512 INL void tile_panel(const int T, const int MR, int nbc, const panel16 *pan, const uint8_t *act, size_t arb,
                         int b0, float *y, size_t ys, __mmask16 store) {
    __m512 acc[MR_MAX];
    for (int i = 0; i < MR; i++)
        acc[i] = b0 ? _mm512_maskz_loadu_ps(store, y + (size_t)i * ys) : _mm512_setzero_ps();
    for (int b = 0; b < nbc; b++) {
        const panel16 *P = pan + b;
        for (int i = 0; i < MR; i++)
            acc[i] = step(T, 1, P->w, P->d, P->m, (const act_blk *)(act + (size_t)i * arb) + b0 + b, acc[i]);
    }
    for (int i = 0; i < MR; i++) _mm512_mask_storeu_ps(y + (size_t)i * ys, store, acc[i]);
}

#define KC 24 /* blocks per panel chunk: 24 * 640 B = 15 KiB, stays in L1 */

/* all activation rows for one 16-row weight group */
T512 INL void group(const int T, int k, const uint8_t *w, const size_t *off, const uint8_t *act, size_t arb, int m,
                    float *y, size_t ys, __mmask16 store, const uint8_t *pf) {
    const __m512i vidx = _mm512_setr_epi32((int)off[0], (int)off[1], (int)off[2], (int)off[3], (int)off[4],
                                           (int)off[5], (int)off[6], (int)off[7], (int)off[8], (int)off[9],
                                           (int)off[10], (int)off[11], (int)off[12], (int)off[13], (int)off[14],
                                           (int)off[15]);
    const int nb = k / QK32;
    const size_t pf_step = pf ? ((off[1] * 16 + (size_t)nb - 1) / (size_t)nb + 63) & ~(size_t)63 : 0;
    if (m <= 2) {
        if (m == 1) tile_direct(T, 1, nb, w, off, vidx, act, arb, y, ys, store, pf, pf_step);
        else tile_direct(T, 2, nb, w, off, vidx, act, arb, y, ys, store, pf, pf_step);
        return;
    }
    const size_t bb = tern_type_block_bytes(T);
    panel16 pan[KC];
    for (int b0 = 0; b0 < nb; b0 += KC) {
        const int nbc = nb - b0 < KC ? nb - b0 : KC;
        int b = 0;
        if (T == TERN_TYPE_Q4_1)
            for (; b + 4 <= nbc; b += 4) {
                for (size_t o = 0; o < 4 * pf_step; o += 64)
                    _mm_prefetch((const char *)pf + (size_t)(b0 + b) * pf_step + o, _MM_HINT_T0);
                unpack4_q41(w + (size_t)(b0 + b) * bb, off, &pan[b]);
            }
        for (; b < nbc; b++) {
            for (size_t o = 0; o < pf_step; o += 64)
                _mm_prefetch((const char *)pf + (size_t)(b0 + b) * pf_step + o, _MM_HINT_T0);
            unpack(T, w + (size_t)(b0 + b) * bb, off, vidx, &pan[b]);
        }
        int i = 0;
        for (; i + MR_MAX <= m; i += MR_MAX)
            tile_panel(T, MR_MAX, nbc, pan, act + (size_t)i * arb, arb, b0, y + (size_t)i * ys, ys, store);
        const uint8_t *ai = act + (size_t)i * arb;
        float *yi = y + (size_t)i * ys;
        switch (m - i) {
        case 1: tile_panel(T, 1, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 2: tile_panel(T, 2, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 3: tile_panel(T, 3, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 4: tile_panel(T, 4, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 5: tile_panel(T, 5, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 6: tile_panel(T, 6, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 7: tile_panel(T, 7, nbc, pan, ai, arb, b0, yi, ys, store); break;
        default: break;
        }
    }
}

T512 INL void mm(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                 int m, float *y, size_t ys) {
    size_t off[16];
    const int nrows = n1 - n0;
    if (nrows >= 16) {
        for (int r = 0; r < 16; r++) off[r] = (size_t)r * wrb;
        /* the last group overlaps the previous one instead of running short: same values rewritten */
        for (int j = n0;; j += 16) {
            if (j + 16 > n1) j = n1 - 16;
            const uint8_t *pf = j + 16 + PF_GROUPS * 16 <= n1 ? w + (size_t)(j + PF_GROUPS * 16) * wrb : NULL;
            group(T, k, w + (size_t)j * wrb, off, act, arb, m, y + j, ys, 0xFFFF, pf);
            if (j + 16 == n1) break;
        }
    } else {
        for (int r = 0; r < 16; r++) off[r] = (size_t)(r < nrows ? r : nrows - 1) * wrb;
        group(T, k, w + (size_t)n0 * wrb, off, act, arb, m, y + n0, ys, (__mmask16)((1u << nrows) - 1), NULL);
    }
}

T512 void tern_mm_q32_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                             size_t arb, int m, float *y, size_t ys) {
    if (wrb > (size_t)INT32_MAX / 16) { /* gather offsets are int32 */
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
