/* AVX2 f32 helpers: 8 lanes, the same exp polynomial as AVX-512 with the 2^n built in the
 * exponent field; tails go through zero-padded 8-element copies. */
#include <immintrin.h>
#include <string.h>

#include "f32_ops.h"
#include "fast_exp.h"

#define TAVX2 __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

TAVX2 INL __m256 exp8(__m256 x) {
    const __m256 lo = _mm256_set1_ps(-87.33654f), hi = _mm256_set1_ps(88.0f);
    const __m256 keep = _mm256_cmp_ps(x, lo, _CMP_GE_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    const __m256 e = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f));
    const __m256i pw = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_and_ps(_mm256_mul_ps(e, _mm256_castsi256_ps(pw)), keep);
}

TAVX2 INL float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* load up to 8 floats, zero padded */
TAVX2 INL __m256 ld(const float *p, int left) {
    if (left >= 8) return _mm256_loadu_ps(p);
    float t[8] = {0};
    memcpy(t, p, sizeof(float) * (size_t)left);
    return _mm256_loadu_ps(t);
}
TAVX2 INL void st(float *p, __m256 v, int left) {
    if (left >= 8) {
        _mm256_storeu_ps(p, v);
        return;
    }
    float t[8];
    _mm256_storeu_ps(t, v);
    memcpy(p, t, sizeof(float) * (size_t)left);
}
TAVX2 INL __m256 ldh(const uint16_t *p, int left) {
    if (left >= 8) return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
    uint16_t t[8] = {0};
    memcpy(t, p, 2 * (size_t)left);
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)t));
}

TAVX2 static float sumsq(const float *x, int n) {
    __m256 a = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8) {
        const __m256 v = ld(x + i, n - i);
        a = _mm256_fmadd_ps(v, v, a);
    }
    return hsum(a);
}

TAVX2 static void scale_mul(const float *x, const float *w, float s, float *y, int n) {
    const __m256 vs = _mm256_set1_ps(s);
    for (int i = 0; i < n; i += 8) {
        __m256 v = _mm256_mul_ps(ld(x + i, n - i), vs);
        if (w) v = _mm256_mul_ps(v, ld(w + i, n - i));
        st(y + i, v, n - i);
    }
}

TAVX2 static float vmax(const float *x, int n) {
    float m = -__builtin_inff();
    int i = 0;
    if (n >= 8) {
        __m256 v = _mm256_loadu_ps(x);
        for (i = 8; i + 8 <= n; i += 8) v = _mm256_max_ps(v, _mm256_loadu_ps(x + i));
        __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        s = _mm_max_ps(s, _mm_movehl_ps(s, s));
        s = _mm_max_ss(s, _mm_movehdup_ps(s));
        m = _mm_cvtss_f32(s);
    }
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

TAVX2 static float exp_sub_sum(float *x, float mx, int n) {
    const __m256 vm = _mm256_set1_ps(mx);
    __m256 s = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(ld(x + i, n - i), vm));
        if (n - i < 8) { /* padding lanes must not add exp(0 - mx) */
            float t[8];
            _mm256_storeu_ps(t, e);
            for (int j = n - i; j < 8; j++) t[j] = 0.0f;
            e = _mm256_loadu_ps(t);
        }
        s = _mm256_add_ps(s, e);
        st(x + i, e, n - i);
    }
    return hsum(s);
}

TAVX2 static void scale(float *x, float s, int n) {
    const __m256 vs = _mm256_set1_ps(s);
    for (int i = 0; i < n; i += 8) st(x + i, _mm256_mul_ps(ld(x + i, n - i), vs), n - i);
}

TAVX2 static void silu_mul(const float *a, const float *b, float *y, int n) {
    const __m256 one = _mm256_set1_ps(1.0f);
    for (int i = 0; i < n; i += 8) {
        const __m256 va = ld(a + i, n - i), vb = ld(b + i, n - i);
        const __m256 sg = _mm256_div_ps(va, _mm256_add_ps(one, tern_fast_exp8(_mm256_sub_ps(_mm256_setzero_ps(), va))));
        st(y + i, _mm256_mul_ps(sg, vb), n - i);
    }
}

TAVX2 static void gelu_mul(const float *a, const float *b, float *y, int n) {
    const __m256 one = _mm256_set1_ps(1.0f), c2 = _mm256_set1_ps(-2.0f * 0.7978845608028654f),
                 k = _mm256_set1_ps(0.044715f);
    for (int i = 0; i < n; i += 8) {
        const __m256 x = ld(a + i, n - i), vb = ld(b + i, n - i);
        const __m256 inner = _mm256_fmadd_ps(_mm256_mul_ps(k, x), _mm256_mul_ps(x, x), x);
        const __m256 g = _mm256_div_ps(x, _mm256_add_ps(one, exp8(_mm256_mul_ps(c2, inner))));
        st(y + i, _mm256_mul_ps(g, vb), n - i);
    }
}

TAVX2 static float dot(const float *a, const float *b, int n) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), a1);
    }
    for (; i < n; i += 8) a0 = _mm256_fmadd_ps(ld(a + i, n - i), ld(b + i, n - i), a0);
    return hsum(_mm256_add_ps(a0, a1));
}

TAVX2 static float dot_f16(const float *a, const uint16_t *b, int n) {
    __m256 acc = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8) acc = _mm256_fmadd_ps(ld(a + i, n - i), ldh(b + i, n - i), acc);
    return hsum(acc);
}

TAVX2 static void axpy(float alpha, const float *x, float *y, int n) {
    const __m256 va = _mm256_set1_ps(alpha);
    for (int i = 0; i < n; i += 8) st(y + i, _mm256_fmadd_ps(va, ld(x + i, n - i), ld(y + i, n - i)), n - i);
}

TAVX2 static void axpy_f16(float alpha, const uint16_t *x, float *y, int n) {
    const __m256 va = _mm256_set1_ps(alpha);
    for (int i = 0; i < n; i += 8) st(y + i, _mm256_fmadd_ps(va, ldh(x + i, n - i), ld(y + i, n - i)), n - i);
}

TAVX2 static void to_f16(const float *x, uint16_t *y, int n) {
    for (int i = 0; i < n; i += 8) {
        const __m128i h = _mm256_cvtps_ph(ld(x + i, n - i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        if (n - i >= 8) {
            _mm_storeu_si128((__m128i *)(y + i), h);
        } else {
            uint16_t t[8];
            _mm_storeu_si128((__m128i *)t, h);
            memcpy(y + i, t, 2 * (size_t)(n - i));
        }
    }
}

TAVX2 static void from_f16(const uint16_t *x, float *y, int n) {
    for (int i = 0; i < n; i += 8) st(y + i, ldh(x + i, n - i), n - i);
}

const tern_f32_ops tern_f32_ops_avx2 = {sumsq, scale_mul, vmax,    exp_sub_sum, scale,  silu_mul, gelu_mul,
                                        dot,   dot_f16,   axpy,    axpy_f16,    to_f16, from_f16};
