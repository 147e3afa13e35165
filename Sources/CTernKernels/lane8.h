/* The "lane8" order for Q4_1, Q5_0, Q5_1 and Q8_0 weights: every output is computed in exactly
 * the float order of llama.cpp's x86 kernels (ggml_vec_dot_q4_1_q8_1, _q5_0_q8_0, _q5_1_q8_1,
 * _q8_0_q8_0 and llamafile's tinyBLAS Q8_0/Q5_0, which share it), so
 * Tern reproduces llama.cpp's logits bit for bit on the same file:
 *   - per 32-block b, 8 int32 partials P[l] = sum of the 4 products of elements 4l..4l+3;
 *   - acc[l] = fma(dw_b * da_b, (float)P[l], acc[l]) for l = 0..7, blocks in order;
 *   - Q4_1/Q5_1 add the min term as a sequential chain summs = fma(m_b, s_b, summs);
 *   - result = ((acc4+acc0) + (acc6+acc2)) + ((acc5+acc1) + (acc7+acc3)) [+ summs].
 * This matters: SmolLM2's massive activations turn last-bit differences into different
 * activation quantization and, a few layers later, different tokens. */
#ifndef TERN_LANE8_H
#define TERN_LANE8_H

#include "quant_layouts.h"

static inline int tern_is_lane8(int t) {
    return t == TERN_TYPE_Q4_1 || t == TERN_TYPE_Q5_0 || t == TERN_TYPE_Q5_1 || t == TERN_TYPE_Q8_0;
}

/* Formats whose blocks carry a min (offset) term, added through the activation block sums. */
static inline int tern_lane8_has_min(int t) { return t == TERN_TYPE_Q4_1 || t == TERN_TYPE_Q5_1; }

/* The horizontal sum of 8 lane accumulators in llama.cpp's hsum_float_8 order. */
static inline float tern_hsum8(const float a[8]) {
    const float r0 = a[4] + a[0], r1 = a[5] + a[1], r2 = a[6] + a[2], r3 = a[7] + a[3];
    return (r0 + r2) + (r1 + r3);
}

void tern_mm_lane8_scalar(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                          size_t arb, int m, float *y, size_t ys);
void tern_mm_lane8_avx2(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                        size_t arb, int m, float *y, size_t ys);
void tern_mm_lane8_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                          size_t arb, int m, float *y, size_t ys);
float tern_dot_lane8_scalar(int type, int k, const uint8_t *w, const uint8_t *act);

#endif
