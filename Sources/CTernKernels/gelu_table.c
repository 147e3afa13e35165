/* GELU as llama.cpp's CPU backend evaluates it (GGML_GELU_FP16): the input is rounded to fp16 and
 * looked up in a 65,536-entry fp16 table of the tanh-form GELU, with exact shortcuts outside
 * [-10, 10]. Tern builds the same table the same way so Gemma's feed-forward matches bit for bit. */
#include <math.h>
#include <pthread.h>

#include "quant_layouts.h"

static uint16_t gelu_table[1 << 16];
static pthread_once_t gelu_once = PTHREAD_ONCE_INIT;

/* 0.5 x (1 + tanh(sqrt(2/pi) x (1 + 0.044715 x^2))), with the one fused multiply-add that
 * llama.cpp's compiled code contains. */
static float gelu_f32(float x) {
    const float sqrt_2_over_pi = 0.79788456080286535587989211986876f, coef_a = 0.044715f;
    return 0.5f * x * (1.0f + tanhf(sqrt_2_over_pi * x * fmaf(coef_a * x, x, 1.0f)));
}

static void build_gelu_table(void) {
    for (uint32_t i = 0; i < (1u << 16); i++) gelu_table[i] = tern_f2h(gelu_f32(tern_h2f((uint16_t)i)));
}

void tern_gelu_table_mul(const float *a, const float *b, float *y, int n) {
    if (!a || !b || !y || n <= 0) return;
    pthread_once(&gelu_once, build_gelu_table);
    for (int i = 0; i < n; i++) {
        const float x = a[i];
        if (x <= -10.0f) {
            y[i] = 0.0f;
        } else if (x >= 10.0f) {
            y[i] = x * b[i];
        } else {
            y[i] = tern_h2f(gelu_table[tern_f2h(x)]) * b[i];
        }
    }
}
