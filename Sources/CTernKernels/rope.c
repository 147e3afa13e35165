/* Rotary position embedding of head vectors in place, with llama.cpp's rounding (one product
 * rounded, the other fused). fmaf is correctly rounded everywhere, so the FMA build (inlined
 * vfmadd, vectorized) and the portable one (libm's fmaf) give the same bits. */
#include <math.h>

#include "tern_kernels.h"

#define TERN_ROPE_BODY                                                                                                \
    const int half = dims / 2;                                                                                      \
    for (int head = 0; head < heads; head++) {                                                                      \
        float *v = x + (size_t)head * head_dim;                                                                     \
        for (int pair = 0; pair < half; pair++) {                                                                   \
            const float c = table[2 * pair], s = table[2 * pair + 1];                                               \
            const int i = neox ? pair : 2 * pair, j = neox ? pair + half : 2 * pair + 1;                           \
            const float x0 = v[i], x1 = v[j];                                                                       \
            v[i] = fmaf(c, x0, -(s * x1));                                                                          \
            v[j] = fmaf(s, x0, c * x1);                                                                             \
        }                                                                                                           \
    }

__attribute__((target("avx2,fma"))) static void rope_fma(float *x, int heads, int head_dim, int dims,
                                                          const float *table, int neox) {
    TERN_ROPE_BODY
}

static void rope_portable(float *x, int heads, int head_dim, int dims, const float *table, int neox) { TERN_ROPE_BODY }

void tern_rope_f32(tern_isa isa, float *x, int heads, int head_dim, int dims, const float *table, int neox) {
    if (!x || !table || heads <= 0 || dims <= 0 || dims > head_dim) return;
    if (tern_isa_clamp(isa) >= TERN_ISA_AVX2) rope_fma(x, heads, head_dim, dims, table, neox);
    else rope_portable(x, heads, head_dim, dims, table, neox);
}
