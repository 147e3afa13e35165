/* Kernel micro-benchmark (single thread). Build and run from the package root:
 *   cc -O3 -fno-math-errno -ISources/CTernKernels/include -ISources/CTernKernels \
 *      Sources/CTernKernels/*.c Benchmarks/kernels/bench.c -o /tmp/tern-bench -lm && /tmp/tern-bench
 * Prints GOP/s (2*m*n*k / time) per ISA for matmul shapes of SmolLM2-135M. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tern_kernels.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void run(int isa, int type, const char *name, int k, int n, int m) {
    const size_t wrb = tern_weight_row_bytes(type, k), arb = tern_act_row_bytes(type, k);
    unsigned char *w = aligned_alloc(64, (wrb * n + 63) / 64 * 64), *act = aligned_alloc(64, arb * m);
    float *x = malloc(sizeof(float) * k), *y = aligned_alloc(64, sizeof(float) * ((size_t)n * m + 16));
    srand(1);
    for (int j = 0; j < n; j++) {
        for (int e = 0; e < k; e++) x[e] = (float)rand() / (float)RAND_MAX - 0.5f;
        tern_quantize_weights_ref(type, x, k, w + wrb * j);
    }
    for (int i = 0; i < m; i++) {
        for (int e = 0; e < k; e++) x[e] = (float)rand() / (float)RAND_MAX - 0.5f;
        tern_quantize_act_row(isa, type, x, k, act + arb * i);
    }
    const double ops = 2.0 * k * n * m;
    int reps = (int)(2e9 / ops / (isa == 0 ? 50 : 1)) + 1;
    tern_matmul(isa, type, k, w, wrb, 0, n, act, arb, m, y, n); /* warm */
    double best = 1e30;
    for (int trial = 0; trial < 3; trial++) {
        const double t0 = now();
        for (int r = 0; r < reps; r++) tern_matmul(isa, type, k, w, wrb, 0, n, act, arb, m, y, n);
        const double dt = (now() - t0) / reps;
        if (dt < best) best = dt;
    }
    printf("%-7s %-5s k=%5d n=%6d m=%4d  %8.1f GOP/s  %8.3f ms  (W %.1f MB, %.1f GB/s)\n", tern_isa_name(isa), name, k,
           n, m, ops / best * 1e-9, best * 1e3, wrb * n / 1e6, wrb * n / best * 1e-9);
    free(w); free(act); free(x); free(y);
}

int main(int argc, char **argv) {
    const int isa_min = argc > 1 ? atoi(argv[1]) : 1;
    for (int isa = 2; isa >= isa_min; isa--) {
        if (tern_isa_clamp(isa) != isa) continue;
        const int ms[] = {1, 64, 256};
        for (int mi = 0; mi < 3; mi++) {
            run(isa, TERN_TYPE_Q4_1, "Q4_1", 576, 1536, ms[mi]);
            run(isa, TERN_TYPE_Q4_1, "Q4_1", 1536, 576, ms[mi]);
            run(isa, TERN_TYPE_Q8_0, "Q8_0", 576, 49152, ms[mi] > 64 ? 64 : ms[mi]);
            run(isa, TERN_TYPE_F16, "F16", 576, 1536, ms[mi]);
        }
    }
    return 0;
}
