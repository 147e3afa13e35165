/* AVX-512 VNNI matmul for Q4_K / Q5_K / Q6_K with one zmm lane per weight row (the 32-element
 * formats' design applied to super-blocks). For 16 rows, each super-block is transposed into
 * 64 registers' worth of u8 quants (8 sub-blocks x 8 dword groups), kept in a panel and
 * shared by all activation rows. Per activation row and super-block: 64 vpdpbusd, the 6-bit
 * scales applied with vpmulld, the mins with vpdpwssd on packed pairs; I1 and I2 stay exact
 * integers per lane, then the scalar reference's fmas run for 16 outputs at once. Q6_K works
 * the same with 16 int8-scaled sub-blocks of 16 and its +32 offset removed through the bsums. */
#include <immintrin.h>

#include "kq_common.h"

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))
#define MRK 8
#define KCK 3 /* super-blocks per panel chunk: 3 * 5.6 KiB */

/* 16 bytes at p + off[r] for 16 rows -> Q[u], lane r = dword u of row r */
T512 INL void ld16(const uint8_t *p, const size_t *off, __m512i Q[4]) {
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
    __m512i w[64];  /* dword group G (elements 4G..4G+3) of the super-block */
    __m512i sc[16]; /* per lane: Q4_K/Q5_K 6-bit scale of sub-block j < 8; Q6_K int8 scale of sub-block j */
    __m512i mn[8];  /* int16 pairs: Q4_K/Q5_K mins of sub-blocks 2q, 2q+1 (q < 4); Q6_K scales 2q, 2q+1 */
    __m512 d, dmin;
} kpanel;

T512 INL __m512i byte_of(__m512i v, int b) { return _mm512_and_si512(_mm512_srli_epi32(v, 8 * b), _mm512_set1_epi32(0xFF)); }

/* Q6_K: quants of element e live in ql byte 64n + 32(p&1) + l (low nibble for parts p < 2)
 * and qh byte 32n + l (bits 2p, 2p+1), with n = e/128, p = (e%128)/32, l = e%32. */
T512 INL void unpack_q6(const uint8_t *p, const size_t *off, kpanel *P) {
    __m512i QL[32], QH[16], S[4], D[4];
    for (int g = 0; g < 8; g++) ld16(p + 16 * g, off, QL + 4 * g);
    for (int g = 0; g < 4; g++) ld16(p + 128 + 16 * g, off, QH + 4 * g);
    ld16(p + 192, off, S);
    ld16(p + 194, off, D); /* bytes 206..209: d in the high half of dword 3 */
    P->d = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(D[3], 16)));
    P->dmin = _mm512_setzero_ps();
    const __m512i lo = _mm512_set1_epi8(0x0F), three = _mm512_set1_epi8(3);
    for (int G = 0; G < 64; G++) {
        const int n = G / 32, part = (G % 32) / 8, t = G % 8;
        const __m512i q = QL[16 * n + 8 * (part & 1) + t];
        const __m512i nib = part < 2 ? _mm512_and_si512(q, lo) : _mm512_and_si512(_mm512_srli_epi16(q, 4), lo);
        const __m512i hb = _mm512_and_si512(_mm512_srli_epi16(QH[8 * n + t], 2 * part), three);
        P->w[G] = _mm512_or_si512(nib, _mm512_slli_epi16(hb, 4));
    }
    for (int j = 0; j < 16; j++) /* sign-extend byte j%4 of dword j/4 */
        P->sc[j] = _mm512_srai_epi32(_mm512_slli_epi32(S[j / 4], 24 - 8 * (j % 4)), 24);
    for (int q = 0; q < 8; q++)
        P->mn[q] = _mm512_or_si512(_mm512_and_si512(P->sc[2 * q], _mm512_set1_epi32(0xFFFF)),
                                   _mm512_slli_epi32(P->sc[2 * q + 1], 16));
}

T512 INL void unpack(const int T, const uint8_t *p, const size_t *off, kpanel *P) {
    if (T == TERN_TYPE_Q6_K) {
        unpack_q6(p, off, P);
        return;
    }
    __m512i S[4];
    ld16(p, off, S); /* d|dmin, scale bytes 0-3, 4-7, 8-11 */
    P->d = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(S[0]));
    P->dmin = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(S[0], 16)));
    const __m512i m3f = _mm512_set1_epi32(0x3F3F3F3F), m0f = _mm512_set1_epi32(0x0F0F0F0F),
                  m30 = _mm512_set1_epi32(0x30303030);
    const __m512i sl = _mm512_and_si512(S[1], m3f), ml = _mm512_and_si512(S[2], m3f);
    const __m512i sh = _mm512_or_si512(_mm512_and_si512(S[3], m0f), _mm512_and_si512(_mm512_srli_epi32(S[1], 2), m30));
    const __m512i mh = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(S[3], 4), m0f),
                                       _mm512_and_si512(_mm512_srli_epi32(S[2], 2), m30));
    __m512i mn[8];
    for (int j = 0; j < 8; j++) {
        P->sc[j] = byte_of(j < 4 ? sl : sh, j & 3);
        mn[j] = byte_of(j < 4 ? ml : mh, j & 3);
    }
    for (int q = 0; q < 4; q++) P->mn[q] = _mm512_or_si512(mn[2 * q], _mm512_slli_epi32(mn[2 * q + 1], 16));
    const int five = T == TERN_TYPE_Q5_K;
    const uint8_t *qs = p + (five ? 48 : 16);
    __m512i QH[8];
    if (five) {
        ld16(p + 16, off, QH);
        ld16(p + 32, off, QH + 4);
    }
    const __m512i lo = _mm512_set1_epi8(0x0F), one = _mm512_set1_epi8(1);
    for (int g = 0; g < 8; g++) { /* qs dwords 4g..4g+3 = chunk c = g/2, groups t = 4(g%2)+u */
        __m512i Q[4];
        ld16(qs + 16 * g, off, Q);
        const int c = g / 2;
        for (int u = 0; u < 4; u++) {
            const int t = 4 * (g % 2) + u;
            __m512i a = _mm512_and_si512(Q[u], lo), b = _mm512_and_si512(_mm512_srli_epi16(Q[u], 4), lo);
            if (five) {
                a = _mm512_or_si512(a, _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(QH[t], 2 * c), one), 4));
                b = _mm512_or_si512(b, _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(QH[t], 2 * c + 1), one), 4));
            }
            P->w[8 * (2 * c) + t] = a;
            P->w[8 * (2 * c + 1) + t] = b;
        }
    }
}

T512 INL __m512 step_q6(const kpanel *P, const act_blk_k *a, __m512 acc) {
    const int32_t *aq = (const int32_t *)a->qs;
    __m512i i1 = _mm512_setzero_si512();
    for (int j = 0; j < 16; j++) { /* sub-block j: groups 4j .. 4j+3 */
        __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
        s0 = _mm512_dpbusd_epi32(s0, P->w[4 * j], _mm512_set1_epi32(aq[4 * j]));
        s1 = _mm512_dpbusd_epi32(s1, P->w[4 * j + 1], _mm512_set1_epi32(aq[4 * j + 1]));
        s0 = _mm512_dpbusd_epi32(s0, P->w[4 * j + 2], _mm512_set1_epi32(aq[4 * j + 2]));
        s1 = _mm512_dpbusd_epi32(s1, P->w[4 * j + 3], _mm512_set1_epi32(aq[4 * j + 3]));
        i1 = _mm512_add_epi32(i1, _mm512_mullo_epi32(_mm512_add_epi32(s0, s1), P->sc[j]));
    }
    /* quants are stored +32: subtract 32 * sum_j sc_j * bsum_j */
    __m512i c = _mm512_setzero_si512();
    for (int q = 0; q < 8; q++) {
        const uint32_t pair = (uint16_t)a->bsums[2 * q] | ((uint32_t)(uint16_t)a->bsums[2 * q + 1] << 16);
        c = _mm512_dpwssd_epi32(c, P->mn[q], _mm512_set1_epi32((int)pair));
    }
    i1 = _mm512_sub_epi32(i1, _mm512_slli_epi32(c, 5));
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(i1), _mm512_mul_ps(P->d, _mm512_set1_ps(a->d)), acc);
}

T512 INL __m512 step(const int T, const kpanel *P, const act_blk_k *a, __m512 acc) {
    if (T == TERN_TYPE_Q6_K) return step_q6(P, a, acc);
    const int32_t *aq = (const int32_t *)a->qs;
    __m512i i1 = _mm512_setzero_si512();
    for (int j = 0; j < 8; j++) {
        __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
        for (int t = 0; t < 8; t += 2) {
            s0 = _mm512_dpbusd_epi32(s0, P->w[8 * j + t], _mm512_set1_epi32(aq[8 * j + t]));
            s1 = _mm512_dpbusd_epi32(s1, P->w[8 * j + t + 1], _mm512_set1_epi32(aq[8 * j + t + 1]));
        }
        i1 = _mm512_add_epi32(i1, _mm512_mullo_epi32(_mm512_add_epi32(s0, s1), P->sc[j]));
    }
    __m512i i2 = _mm512_setzero_si512();
    for (int q = 0; q < 4; q++) {
        const int lo = a->bsums[4 * q] + a->bsums[4 * q + 1], hi = a->bsums[4 * q + 2] + a->bsums[4 * q + 3];
        i2 = _mm512_dpwssd_epi32(i2, P->mn[q], _mm512_set1_epi32((int)(((uint32_t)hi << 16) | (uint16_t)lo)));
    }
    const __m512 da = _mm512_set1_ps(a->d);
    acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i1), _mm512_mul_ps(P->d, da), acc);
    const __m512 nm = _mm512_castsi512_ps(
        _mm512_xor_si512(_mm512_castps_si512(_mm512_mul_ps(P->dmin, da)), _mm512_set1_epi32((int)0x80000000)));
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(i2), nm, acc);
}

T512 INL void tile(const int T, const int MR, int nbc, const kpanel *pan, const uint8_t *act, size_t arb, int b0, float *y,
                   size_t ys, __mmask16 store) {
    __m512 acc[MRK];
    for (int i = 0; i < MR; i++)
        acc[i] = b0 ? _mm512_maskz_loadu_ps(store, y + (size_t)i * ys) : _mm512_setzero_ps();
    for (int b = 0; b < nbc; b++)
        for (int i = 0; i < MR; i++) acc[i] = step(T, &pan[b], (const act_blk_k *)(act + (size_t)i * arb) + b0 + b, acc[i]);
    for (int i = 0; i < MR; i++) _mm512_mask_storeu_ps(y + (size_t)i * ys, store, acc[i]);
}

T512 INL void group(const int T, int k, const uint8_t *w, const size_t *off, const uint8_t *act, size_t arb, int m,
                    float *y, size_t ys, __mmask16 store, const uint8_t *pf) {
    const int nb = k / QKK;
    const size_t bb = tern_type_block_bytes(T);
    const size_t pf_step = pf ? ((off[1] * 16 + (size_t)nb - 1) / (size_t)nb + 63) & ~(size_t)63 : 0;
    kpanel pan[KCK];
    for (int b0 = 0; b0 < nb; b0 += KCK) {
        const int nbc = nb - b0 < KCK ? nb - b0 : KCK;
        for (int b = 0; b < nbc; b++) {
            for (size_t o = 0; o < pf_step; o += 64)
                _mm_prefetch((const char *)pf + (size_t)(b0 + b) * pf_step + o, _MM_HINT_T0);
            unpack(T, w + (size_t)(b0 + b) * bb, off, &pan[b]);
        }
        int i = 0;
        for (; i + MRK <= m; i += MRK) tile(T, MRK, nbc, pan, act + (size_t)i * arb, arb, b0, y + (size_t)i * ys, ys, store);
        const uint8_t *ai = act + (size_t)i * arb;
        float *yi = y + (size_t)i * ys;
        switch (m - i) {
        case 1: tile(T, 1, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 2: tile(T, 2, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 3: tile(T, 3, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 4: tile(T, 4, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 5: tile(T, 5, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 6: tile(T, 6, nbc, pan, ai, arb, b0, yi, ys, store); break;
        case 7: tile(T, 7, nbc, pan, ai, arb, b0, yi, ys, store); break;
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
        for (int j = n0;; j += 16) {
            if (j + 16 > n1) j = n1 - 16; /* overlap the previous group: same values rewritten */
            const uint8_t *pf = j + 32 <= n1 ? w + (size_t)(j + 16) * wrb : NULL;
            group(T, k, w + (size_t)j * wrb, off, act, arb, m, y + j, ys, 0xFFFF, pf);
            if (j + 16 == n1) break;
        }
    } else {
        for (int r = 0; r < 16; r++) off[r] = (size_t)(r < nrows ? r : nrows - 1) * wrb;
        group(T, k, w + (size_t)n0 * wrb, off, act, arb, m, y + n0, ys, (__mmask16)((1u << nrows) - 1), NULL);
    }
}

T512 void tern_mm_k4_lanes_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                                  size_t arb, int m, float *y, size_t ys) {
    if (type == TERN_TYPE_Q4_K) mm(TERN_TYPE_Q4_K, k, w, wrb, n0, n1, act, arb, m, y, ys);
    else if (type == TERN_TYPE_Q5_K) mm(TERN_TYPE_Q5_K, k, w, wrb, n0, n1, act, arb, m, y, ys);
    else mm(TERN_TYPE_Q6_K, k, w, wrb, n0, n1, act, arb, m, y, ys);
}
