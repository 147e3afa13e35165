/* K-quant matmuls: scalar until the SIMD versions land. */
#include "quant_layouts.h"

void tern_mm_kq_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                       size_t arb, int m, float *y, size_t ys) {
    tern_mm_scalar(type, k, w, wrb, n0, n1, act, arb, m, y, ys);
}
void tern_mm_kq_avx2(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                     int m, float *y, size_t ys) {
    tern_mm_scalar(type, k, w, wrb, n0, n1, act, arb, m, y, ys);
}
