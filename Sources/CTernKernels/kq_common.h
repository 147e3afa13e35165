/* Internal: K-quant scale decoding shared by the SIMD K-quant kernels. */
#ifndef TERN_KQ_COMMON_H
#define TERN_KQ_COMMON_H

#include "quant_layouts.h"

/* Q4_K / Q5_K: the 8 six-bit scales and mins of a super-block, one per byte (sub-block j in
 * byte j), decoded with 32-bit word operations instead of a per-byte loop. */
static inline void tern_k4_scales_packed(const uint8_t *q, uint64_t *sc, uint64_t *mn) {
    uint32_t u0, u1, u2;
    memcpy(&u0, q, 4);
    memcpy(&u1, q + 4, 4);
    memcpy(&u2, q + 8, 4);
    const uint32_t sl = u0 & 0x3F3F3F3Fu, ml = u1 & 0x3F3F3F3Fu;
    const uint32_t sh = (u2 & 0x0F0F0F0Fu) | ((u0 >> 2) & 0x30303030u);
    const uint32_t mh = ((u2 >> 4) & 0x0F0F0F0Fu) | ((u1 >> 2) & 0x30303030u);
    *sc = sl | (uint64_t)sh << 32;
    *mn = ml | (uint64_t)mh << 32;
}

#endif
