/* Paged causal attention (fp16 KV cache, f32 math), one instance per ISA. */
#include <math.h>
#include <stdint.h>

#include "tern_attention.h"
#include "tern_kernels.h"

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

size_t tern_attention_scratch_floats(int q_count, int block_size, int head_dim) {
    return (size_t)2 * block_size * head_dim + block_size + 2 * (size_t)q_count;
}

void tern_attention(const tern_attention_args *args, float *scratch) {
    switch (tern_isa_active()) {
    case TERN_ISA_AVX512: attention_avx512(args, scratch); break;
    case TERN_ISA_AVX2: attention_avx2(args, scratch); break;
    default: attention_scalar(args, scratch); break;
    }
}
