#ifndef TERN_ATTENTION_H
#define TERN_ATTENTION_H

#include <stddef.h>
#include <stdint.h>

#include "tern_kernels.h"

/// One attention problem: a group of query rows that all read the same KV head of one
/// sequence, whose keys and values live in fixed-size blocks of a paged cache (fp16).
typedef struct {
    const float *q;            ///< query rows, `q_count` x `head_dim`, stride `q_stride` floats
    size_t q_stride;
    const int32_t *q_positions; ///< per query row: the last key position it may attend to
    int q_count;
    float *out;                ///< output rows, stride `out_stride` floats
    size_t out_stride;
    const uint16_t *k_base;    ///< fp16 key cache: element (block, slot, d) at
    const uint16_t *v_base;    ///<   base + block*block_stride + slot*row_stride + d
    size_t block_stride;
    size_t row_stride;
    const int32_t *block_table; ///< the sequence's block ids, in position order
    int block_size;
    int head_dim;
    float scale;               ///< applied to q.k before the softmax (1/sqrt(head_dim))
    int window;                ///< sliding window in positions (0 = attend to everything)
    int single_token;          ///< 1: the float order of llama.cpp's one-token (decode) pass;
                               ///< 0: the order of its batched (prompt) pass
} tern_attention_args;

/// Causal attention of every query row over keys 0...q_positions[i] (within `window` if set), in
/// exactly the float order of llama.cpp's CPU attention (see attention_impl.h). `scratch` must
/// hold `tern_attention_scratch_floats(longest position + 1, head_dim)` floats. The result per
/// query row does not depend on which other rows share the call, nor on the ISA.
void tern_attention(tern_isa isa, const tern_attention_args *args, float *scratch);
size_t tern_attention_scratch_floats(int max_positions, int head_dim);

#endif
