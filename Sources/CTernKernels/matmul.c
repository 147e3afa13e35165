/* Argument checks and ISA dispatch for vec_dot and the row-range matmul. */
#include <math.h>

#include "lane8.h"
#include "quant_layouts.h"

/* Weight rows per tile when many activation rows share a call (a multiple of every kernel's row
 * tile; 64 rows of a 1536-wide Q4_1 matrix are 60 KiB), and the row count from which tiling pays. */
enum { WEIGHT_TILE_ROWS = 64, WEIGHT_TILE_MIN_ROWS = 8 };

static tern_mm_fn pick(tern_isa isa, int t) {
    isa = tern_isa_clamp(isa);
    if (tern_is_lane8(t)) {
        return isa == TERN_ISA_AVX512 ? tern_mm_lane8_avx512
             : isa == TERN_ISA_AVX2   ? tern_mm_lane8_avx2
                                      : tern_mm_lane8_scalar;
    }
    if (isa == TERN_ISA_AVX512) {
        if (tern_is_q32(t)) return tern_mm_q32_avx512;
        if (tern_is_float(t)) return tern_mm_float_avx512;
        return tern_mm_kq_avx512;
    }
    if (isa == TERN_ISA_AVX2) {
        if (tern_is_q32(t)) return tern_mm_q32_avx2;
        if (tern_is_float(t)) return tern_mm_float_avx2;
        return tern_mm_kq_avx2;
    }
    return tern_mm_scalar;
}

int tern_matmul(tern_isa isa, int t, int k, const void *w, size_t wrb, int n0, int n1, const void *act, size_t arb,
                int m, float *y, size_t ys) {
    const size_t need_w = tern_weight_row_bytes(t, k), need_a = tern_act_row_bytes(t, k);
    if (!tern_type_supported(t) || need_w == 0 || need_a == 0) return -1;
    if (!w || !act || !y || n0 < 0 || n1 < n0 || m < 0) return -1;
    if (wrb < need_w || (m > 1 && arb < need_a) || (m > 1 && ys < (size_t)n1)) return -1;
    if (m == 0 || n0 == n1) return 0;
    if (arb == 0) arb = need_a;
    const tern_mm_fn fn = pick(isa, t);
    if (m <= WEIGHT_TILE_MIN_ROWS) {
        fn(t, k, (const uint8_t *)w, wrb, n0, n1, (const uint8_t *)act, arb, m, y, ys);
        return 0;
    }
    /* Many activation rows: the kernels walk activation rows in small groups, so feed them one
     * tile of weight rows at a time; the tile stays in cache while every activation row passes
     * over it, and each weight byte comes from memory once per call instead of once per group.
     * Every output is computed by the same code either way, so results do not change. */
    for (int j = n0; j < n1; j += WEIGHT_TILE_ROWS) {
        const int end = n1 - j < WEIGHT_TILE_ROWS ? n1 : j + WEIGHT_TILE_ROWS;
        fn(t, k, (const uint8_t *)w, wrb, j, end, (const uint8_t *)act, arb, m, y, ys);
    }
    return 0;
}

float tern_vec_dot(tern_isa isa, int t, int k, const void *w_row, const void *act_row) {
    float out = NAN;
    if (tern_matmul(isa, t, k, w_row, tern_weight_row_bytes(t, k), 0, 1, act_row, tern_act_row_bytes(t, k), 1, &out,
                    1) != 0)
        return NAN;
    return out;
}
