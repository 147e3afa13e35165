/* AVX-512 f32 helpers. exp is a Cephes-style polynomial (about 2 ulp) with vscalefps for 2^n;
 * tails use masked loads, so any n works. */
#include <immintrin.h>

#include "f32_ops.h"
#include "fast_exp.h"

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

T512 INL __mmask16 tailmask(int left) { return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1); }

T512 INL __m512 exp16(__m512 x) {
    const __m512 lo = _mm512_set1_ps(-87.33654f), hi = _mm512_set1_ps(88.72283f);
    const __mmask16 keep = _mm512_cmp_ps_mask(x, lo, _CMP_GE_OQ); /* below: exp underflows to 0 */
    x = _mm512_min_ps(_mm512_max_ps(x, lo), hi);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    const __m512 e = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    return _mm512_maskz_mov_ps(keep, _mm512_scalef_ps(e, n));
}

T512 static float sumsq(const float *x, int n) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 16);
        a0 = _mm512_fmadd_ps(v0, v0, a0);
        a1 = _mm512_fmadd_ps(v1, v1, a1);
    }
    for (; i < n; i += 16) {
        const __m512 v = _mm512_maskz_loadu_ps(tailmask(n - i), x + i);
        a0 = _mm512_fmadd_ps(v, v, a0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

T512 static void scale_mul(const float *x, const float *w, float s, float *y, int n) {
    const __m512 vs = _mm512_set1_ps(s);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(mk, x + i), vs);
        if (w) v = _mm512_mul_ps(v, _mm512_maskz_loadu_ps(mk, w + i));
        _mm512_mask_storeu_ps(y + i, mk, v);
    }
}

T512 static float vmax(const float *x, int n) {
    __m512 m = _mm512_set1_ps(-__builtin_inff());
    for (int i = 0; i < n; i += 16) m = _mm512_max_ps(m, _mm512_mask_loadu_ps(m, tailmask(n - i), x + i));
    return _mm512_reduce_max_ps(m);
}

T512 static float exp_sub_sum(float *x, float mx, int n) {
    const __m512 vm = _mm512_set1_ps(mx);
    __m512 s = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        const __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(mk, x + i), vm));
        s = _mm512_add_ps(s, _mm512_maskz_mov_ps(mk, e));
        _mm512_mask_storeu_ps(x + i, mk, e);
    }
    return _mm512_reduce_add_ps(s);
}

T512 static void scale(float *x, float s, int n) {
    const __m512 vs = _mm512_set1_ps(s);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        _mm512_mask_storeu_ps(x + i, mk, _mm512_mul_ps(_mm512_maskz_loadu_ps(mk, x + i), vs));
    }
}

T512 static void silu_mul(const float *a, const float *b, float *y, int n) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        const __m512 va = _mm512_maskz_loadu_ps(mk, a + i), vb = _mm512_maskz_loadu_ps(mk, b + i);
        const __m512 sg = _mm512_div_ps(va, _mm512_add_ps(one, tern_fast_exp16(_mm512_sub_ps(_mm512_setzero_ps(), va))));
        _mm512_mask_storeu_ps(y + i, mk, _mm512_mul_ps(sg, vb));
    }
}

/* gelu_tanh(x) = x * sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3) */
T512 static void gelu_mul(const float *a, const float *b, float *y, int n) {
    const __m512 one = _mm512_set1_ps(1.0f), c2 = _mm512_set1_ps(-2.0f * 0.7978845608028654f),
                 k = _mm512_set1_ps(0.044715f);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        const __m512 x = _mm512_maskz_loadu_ps(mk, a + i), vb = _mm512_maskz_loadu_ps(mk, b + i);
        const __m512 inner = _mm512_fmadd_ps(_mm512_mul_ps(k, x), _mm512_mul_ps(x, x), x);
        const __m512 g = _mm512_div_ps(x, _mm512_add_ps(one, exp16(_mm512_mul_ps(c2, inner))));
        _mm512_mask_storeu_ps(y + i, mk, _mm512_mul_ps(g, vb));
    }
}

T512 static float dot(const float *a, const float *b, int n) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), a0);
        a1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), a1);
    }
    for (; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk, a + i), _mm512_maskz_loadu_ps(mk, b + i), a0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

T512 static float dot_f16(const float *a, const uint16_t *b, int n) {
    __m512 acc = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        const __m512 vb = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mk, b + i));
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk, a + i), vb, acc);
    }
    return _mm512_reduce_add_ps(acc);
}

T512 static void axpy(float alpha, const float *x, float *y, int n) {
    const __m512 va = _mm512_set1_ps(alpha);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        const __m512 r = _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(mk, x + i), _mm512_maskz_loadu_ps(mk, y + i));
        _mm512_mask_storeu_ps(y + i, mk, r);
    }
}

T512 static void axpy_f16(float alpha, const uint16_t *x, float *y, int n) {
    const __m512 va = _mm512_set1_ps(alpha);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        const __m512 vx = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mk, x + i));
        _mm512_mask_storeu_ps(y + i, mk, _mm512_fmadd_ps(va, vx, _mm512_maskz_loadu_ps(mk, y + i)));
    }
}

T512 static void to_f16(const float *x, uint16_t *y, int n) {
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        const __m256i h = _mm512_cvtps_ph(_mm512_maskz_loadu_ps(mk, x + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_mask_storeu_epi16(y + i, mk, h);
    }
}

T512 static void from_f16(const uint16_t *x, float *y, int n) {
    for (int i = 0; i < n; i += 16) {
        const __mmask16 mk = tailmask(n - i);
        _mm512_mask_storeu_ps(y + i, mk, _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mk, x + i)));
    }
}

const tern_f32_ops tern_f32_ops_avx512 = {sumsq, scale_mul, vmax,    exp_sub_sum, scale,  silu_mul, gelu_mul,
                                          dot,   dot_f16,   axpy,    axpy_f16,    to_f16, from_f16};
