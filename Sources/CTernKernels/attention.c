/* Paged causal attention (fp16 KV cache, f32 math), one instance per ISA. */
#include <math.h>
#include <stdint.h>

#include "tern_attention.h"
#include "fast_exp.h"
#include "tern_kernels.h"

#define TERN_CAT2(a, b) a##_##b
#define TERN_CAT(a, b) TERN_CAT2(a, b)
#define TERN_ATTN_FN(suffix) TERN_CAT(TERN_ATTN_NAME, suffix)

#define TERN_ATTN_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,f16c,fma")))
#define TERN_ATTN_NAME attention_avx512
#include "attention_impl.h"
#undef TERN_ATTN_TARGET
#undef TERN_ATTN_NAME

#define TERN_ATTN_TARGET __attribute__((target("avx2,f16c,fma")))
#define TERN_ATTN_NAME attention_avx2
#include "attention_impl.h"
#undef TERN_ATTN_TARGET
#undef TERN_ATTN_NAME

#define TERN_ATTN_TARGET
#define TERN_ATTN_NAME attention_scalar
#include "attention_impl.h"
#undef TERN_ATTN_TARGET
#undef TERN_ATTN_NAME

size_t tern_attention_scratch_floats(int max_positions, int head_dim) {
    /* one query row (65 x head_dim, its scores) or a group of four (attention_simd.h) */
    const size_t row = (size_t)65 * head_dim + (size_t)max_positions + 64;
    /* a group: 4 x (17 x head_dim + its scores), then one value row pointer per position */
    const size_t group = (size_t)4 * 17 * head_dim + (size_t)6 * ((size_t)max_positions + 64);
    return row > group ? row : group;
}

void tern_attention_avx512(const tern_attention_args *args, float *scratch);
void tern_attention_avx2(const tern_attention_args *args, float *scratch);

void tern_attention(tern_isa isa, const tern_attention_args *args, float *scratch) {
    /* the 16-lane kernels (attention_simd.h) need whole 16-lane steps in a row and in a block */
    const int simd = args->head_dim % 16 == 0 && args->block_size % 16 == 0;
    switch (tern_isa_clamp(isa)) {
    case TERN_ISA_AVX512: (simd ? tern_attention_avx512 : attention_avx512)(args, scratch); break;
    case TERN_ISA_AVX2: (simd ? tern_attention_avx2 : attention_avx2)(args, scratch); break;
    default: attention_scalar(args, scratch); break;
    }
}
