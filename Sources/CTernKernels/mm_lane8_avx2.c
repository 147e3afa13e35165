/* AVX2 kernels in the lane8 order (see lane8.h): one weight row per ymm, as llama.cpp's own
 * AVX2 kernels. Products use maddubs + madd (no VNNI needed); the only difference from
 * vpdpbusd is maddubs' int16 saturation, which Q4 weights cannot reach and Q8_0 only reaches
 * when two adjacent products are both -128 x -128. Scales convert with F16C (exact: the same
 * bits as tern_h2f), a block's scale and min together. */
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lane8.h"

#define T256 __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

enum { RR = 2, MA = 4 };
_Static_assert(RR == 2 && MA == 4, "the tile broadcasts four activation scales per half and stores two rows");

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

/* The 32 nibbles of 16 bytes as bytes: low nibbles in the low half, high nibbles in the high half
 * (the 16 bytes in both halves, the high half shifted right by 4, masked). */
T256 INL __m256i nibbles(const uint8_t *qs) {
    const __m256i both = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qs));
    return _mm256_and_si256(_mm256_srlv_epi32(both, _mm256_setr_epi32(0, 0, 0, 0, 4, 4, 4, 4)), _mm256_set1_epi8(0x0F));
}

T256 INL void load_row(const int T, const uint8_t *row, int b, __m256i *W, __m128 *dm) {
    if (T == TERN_TYPE_Q4_1) {
        const blk_q4_1 *x = (const blk_q4_1 *)row + b;
        *W = nibbles(x->qs);
        *dm = scale_min(&x->d);
    } else if (T == TERN_TYPE_Q5_0 || T == TERN_TYPE_Q5_1) {
        const uint8_t *qs = T == TERN_TYPE_Q5_1 ? ((const blk_q5_1 *)row + b)->qs : ((const blk_q5_0 *)row + b)->qs;
        const uint8_t *qhp = T == TERN_TYPE_Q5_1 ? ((const blk_q5_1 *)row + b)->qh : ((const blk_q5_0 *)row + b)->qh;
        const __m256i nib = nibbles(qs);
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
    if (tern_lane8_has_min(T)) return products(W, A);
    return products(_mm256_sign_epi8(W, W), _mm256_sign_epi8(A, W));
}

/* Decode: G weight rows against one activation row. Short row streams defeat the hardware
 * prefetcher, so the bytes that come next (`next`, `next_bytes`) are prefetched in slices while
 * these rows compute; per row the float order is exactly `tile`'s. */
T256 INL void gemv_group(const int T, const int G, int nb, const uint8_t *const *r, const act_blk *a,
                         const uint8_t *next, size_t next_bytes, float *out) {
    __m256 acc[8]; /* G <= 8 */
    float summs[8];
    for (int q = 0; q < G; q++) {
        acc[q] = _mm256_setzero_ps();
        summs[q] = 0.0f;
    }
    const size_t slice = ((next_bytes + (size_t)nb - 1) / (size_t)nb + 63) & ~(size_t)63;
    for (int b = 0; b < nb; b++) {
        for (size_t o = 0; o < slice; o += 64) _mm_prefetch((const char *)next + (size_t)b * slice + o, _MM_HINT_T0);
        const act_blk *ab = a + b;
        const __m256i A = _mm256_loadu_si256((const __m256i *)ab->qs);
        for (int q = 0; q < G; q++) {
            __m256i W;
            __m128 dm;
            load_row(T, r[q], b, &W, &dm);
            if (tern_lane8_has_min(T))
                summs[q] = fmaf(_mm_cvtss_f32(_mm_movehdup_ps(dm)), ab->s, summs[q]);
            acc[q] = _mm256_fmadd_ps(_mm256_set1_ps(_mm_cvtss_f32(dm) * ab->d),
                                     _mm256_cvtepi32_ps(block_partials(T, W, A)), acc[q]);
        }
    }
    for (int q = 0; q < G; q++)
        out[q] = tern_lane8_has_min(T) ? hsum8(acc[q]) + summs[q] : hsum8(acc[q]);
}

/* Prompt passes decode CHUNK weight rows at a time (their quants as bytes, scale and min as
 * floats) and then run every activation row against them, so a weight block is decoded once per
 * pass instead of once per activation group, and the inner loop is only the products. */
enum { CHUNK = 32 };

typedef struct {
    uint8_t *quants; /* CHUNK x nb x 32 bytes */
    float *scales;   /* CHUNK x nb */
    float *mins;     /* nb x CHUNK (transposed: a block's mins of consecutive rows are adjacent) */
} decoded_rows;

/* Per-thread decode buffers, freed when their thread exits; cache-line aligned, so a decoded
 * block never straddles two lines. */
typedef struct {
    size_t bytes;
    _Alignas(64) unsigned char data[];
} scratch_block;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static void make_scratch_key(void) { (void)pthread_key_create(&scratch_key, free); }

/* This thread's decode buffer for CHUNK rows of nb blocks (grown on demand, kept for reuse);
 * 0 when memory is short, and the caller takes the path that needs none. */
static int decoded_buffer(int nb, decoded_rows *out) {
    const size_t quant_bytes = (size_t)CHUNK * (size_t)nb * QK32;
    const size_t bytes = quant_bytes + (size_t)CHUNK * nb * 2 * sizeof(float);
    (void)pthread_once(&scratch_once, make_scratch_key);
    scratch_block *block = pthread_getspecific(scratch_key);
    if (block == NULL || block->bytes < bytes) {
        scratch_block *grown = aligned_alloc(64, (sizeof(scratch_block) + bytes + 63) / 64 * 64);
        if (grown == NULL || pthread_setspecific(scratch_key, grown) != 0) {
            free(grown);
            return 0;
        }
        free(block);
        grown->bytes = bytes;
        block = grown;
    }
    out->quants = (uint8_t *)block->data;
    out->scales = (float *)((uint8_t *)block->data + quant_bytes);
    out->mins = out->scales + (size_t)CHUNK * nb;
    return 1;
}

/* Rows past `rows` get zero mins, so the min-term pass may run over whole groups of 8. */
T256 INL void decode_rows(const int T, int nb, const uint8_t *w, size_t wrb, int rows, decoded_rows d) {
    for (int q = 0; q < rows; q++)
        for (int b = 0; b < nb; b++) {
            __m256i W;
            __m128 dm;
            load_row(T, w + (size_t)q * wrb, b, &W, &dm);
            _mm256_storeu_si256((__m256i *)(d.quants + ((size_t)q * nb + b) * QK32), W);
            d.scales[(size_t)q * nb + b] = _mm_cvtss_f32(dm);
            d.mins[(size_t)b * CHUNK + q] = _mm_cvtss_f32(_mm_movehdup_ps(dm));
        }
    for (int b = 0; b < nb; b++)
        for (int q = rows; q < CHUNK; q++) d.mins[(size_t)b * CHUNK + q] = 0.0f;
}

/* The min terms of every decoded row against the group's MA activation rows (`sa`: their sums,
 * transposed): mt[i][row] = the chain over blocks of fma(min, sum, .), 8 rows per vector. */
T256 INL void min_terms(int nb, const float *mins, const float *sa, float mt[MA][CHUNK]) {
    for (int r0 = 0; r0 < CHUNK; r0 += 8) {
        __m256 acc[MA];
        for (int i = 0; i < MA; i++) acc[i] = _mm256_setzero_ps();
        for (int b = 0; b < nb; b++) {
            const __m256 m8 = _mm256_loadu_ps(mins + (size_t)b * CHUNK + r0);
            for (int i = 0; i < MA; i++) acc[i] = _mm256_fmadd_ps(m8, _mm256_broadcast_ss(sa + MA * b + i), acc[i]);
        }
        for (int i = 0; i < MA; i++) _mm256_storeu_ps(mt[i] + r0, acc[i]);
    }
}

/* Lane i of each 128-bit half in all four lanes of that half (i is a constant once unrolled). */
T256 INL __m256 lane_broadcast(__m256 x, const int i) {
    return i == 0 ? _mm256_permute_ps(x, 0x00) : i == 1 ? _mm256_permute_ps(x, 0x55)
         : i == 2 ? _mm256_permute_ps(x, 0xAA) : _mm256_permute_ps(x, 0xFF);
}

/* RR decoded weight rows against MA activation rows: RR x MA accumulators stay in registers.
 * The activation scales of the group come transposed (`da`: MA per block), so a row's MA scale
 * products are one vector multiply per block, broadcast in-lane per product. Each lane computes
 * exactly the scalar products and chains of the lane8 order; the min terms come separately. */
T256 INL void tile(const int T, int nb, const uint8_t *const wq[RR], const float *const ws[RR],
                   const act_blk *const a[MA], const float *da, float out[MA][RR]) {
    __m256 acc[RR][MA];
    for (int q = 0; q < RR; q++)
        for (int i = 0; i < MA; i++) acc[q][i] = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
        __m256i W[RR];
        __m256 scale[RR];
        const __m256 d = _mm256_broadcast_ps((const __m128 *)(da + MA * b));
        for (int q = 0; q < RR; q++) {
            W[q] = _mm256_loadu_si256((const __m256i *)(wq[q] + (size_t)b * QK32));
            scale[q] = _mm256_mul_ps(_mm256_broadcast_ss(ws[q] + b), d);
        }
        for (int i = 0; i < MA; i++) {
            const __m256i A = _mm256_loadu_si256((const __m256i *)a[i][b].qs);
            for (int q = 0; q < RR; q++)
                acc[q][i] = _mm256_fmadd_ps(lane_broadcast(scale[q], i),
                                            _mm256_cvtepi32_ps(block_partials(T, W[q], A)), acc[q][i]);
        }
    }
    for (int q = 0; q < RR; q++)
        for (int i = 0; i < MA; i++) out[i][q] = hsum8(acc[q][i]);
}

/* Matrix x vector in groups of G rows: 4 for the formats with a min term (whose chains need
 * registers too), 8 for the others (the longer the group, the fewer passes over the vector). */
T256 INL void gemv(const int T, int nb, const uint8_t *w, size_t wrb, int n0, int n1, const act_blk *a, float *y) {
    enum { MAX_G = 8 };
    const int G = tern_lane8_has_min(T) ? 4 : 8;
    for (int j0 = n0; j0 < n1; j0 += G) {
        const int rows = n1 - j0 < G ? n1 - j0 : G;
        const uint8_t *r[MAX_G];
        for (int q = 0; q < G; q++) r[q] = w + (size_t)(j0 + (q < rows ? q : rows - 1)) * wrb;
        const size_t after = j0 + G < n1 ? (size_t)(n1 - j0 - G < G ? n1 - j0 - G : G) * wrb : 0;
        float out[MAX_G];
        gemv_group(T, G, nb, r, a, w + (size_t)(j0 + G) * wrb, after, out);
        for (int q = 0; q < rows; q++) y[j0 + q] = out[q];
    }
}

T256 INL void run(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                  int m, float *y, size_t ys) {
    const int nb = k / QK32;
    decoded_rows dec;
    /* one or two activation rows: the matrix-vector kernel per row is faster than decoding */
    if (m <= 2 || !decoded_buffer(nb, &dec)) {
        for (int i = 0; i < m; i++) gemv(T, nb, w, wrb, n0, n1, (const act_blk *)(act + (size_t)i * arb), y + (size_t)i * ys);
        return;
    }
    float sa[MA * nb], da[MA * nb], mt[MA][CHUNK];
    for (int c0 = n0; c0 < n1; c0 += CHUNK) {
        const int crows = n1 - c0 < CHUNK ? n1 - c0 : CHUNK;
        decode_rows(T, nb, w + (size_t)c0 * wrb, wrb, crows, dec);
        for (int i0 = 0; i0 < m; i0 += MA) {
            const int ma = m - i0 < MA ? m - i0 : MA;
            const act_blk *a[MA];
            for (int i = 0; i < MA; i++) a[i] = (const act_blk *)(act + (size_t)(i0 + (i < ma ? i : 0)) * arb);
            for (int b = 0; b < nb; b++)
                for (int i = 0; i < MA; i++) {
                    da[MA * b + i] = a[i][b].d;
                    sa[MA * b + i] = a[i][b].s;
                }
            if (tern_lane8_has_min(T)) min_terms(nb, dec.mins, sa, mt);
            for (int j0 = 0; j0 < crows; j0 += RR) {
                const int rows = crows - j0 < RR ? crows - j0 : RR;
                const uint8_t *wq[RR];
                const float *ws[RR];
                for (int q = 0; q < RR; q++) {
                    const int row = j0 + (q < rows ? q : rows - 1);
                    wq[q] = dec.quants + (size_t)row * nb * QK32;
                    ws[q] = dec.scales + (size_t)row * nb;
                }
                float out[MA][RR];
                tile(T, nb, wq, ws, a, da, out);
                for (int i = 0; i < ma; i++) {
                    float *dst = y + (size_t)(i0 + i) * ys + c0 + j0;
                    dst[0] = tern_lane8_has_min(T) ? out[i][0] + mt[i][j0] : out[i][0];
                    if (rows > 1) dst[1] = tern_lane8_has_min(T) ? out[i][1] + mt[i][j0 + 1] : out[i][1]; /* RR == 2 */
                }
            }
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
