/* Kernel micro-benchmark (single thread). Build and run from the package root:
 *   cc -O3 -fno-math-errno -ISources/CTernKernels/include -ISources/CTernKernels \
 *      Sources/CTernKernels/[a-z]*.c Benchmarks/kernels/bench.c -o /tmp/tern-bench -lm
 *   /tmp/tern-bench [isa-min] [filter: gemv|gemm|all] [threads]
 * With threads > 1 each call splits the weight rows evenly over that many threads (as a
 * row-range thread pool would); thread start-up is included, so short calls understate.
 * Prints GOP/s (2*m*n*k / time) per ISA for matmul shapes of SmolLM2-135M. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "tern_kernels.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int n_threads = 1;

typedef struct {
    int isa, type, k, n0, n1, m;
    const unsigned char *w, *act;
    size_t wrb, arb;
    float *y;
    int n;
} job;

static void *work(void *p) {
    const job *j = p;
    tern_matmul(j->isa, j->type, j->k, j->w, j->wrb, j->n0, j->n1, j->act, j->arb, j->m, j->y, j->n);
    return NULL;
}

static void matmul_mt(int isa, int type, int k, const unsigned char *w, size_t wrb, int n, const unsigned char *act,
                      size_t arb, int m, float *y) {
    if (n_threads == 1) {
        tern_matmul(isa, type, k, w, wrb, 0, n, act, arb, m, y, n);
        return;
    }
    pthread_t th[8];
    job jobs[8];
    for (int t = 0; t < n_threads; t++) {
        jobs[t] = (job){isa, type, k, n * t / n_threads, n * (t + 1) / n_threads, m, w, act, wrb, arb, y, n};
        pthread_create(&th[t], NULL, work, &jobs[t]);
    }
    for (int t = 0; t < n_threads; t++) pthread_join(th[t], NULL);
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
    matmul_mt(isa, type, k, w, wrb, n, act, arb, m, y); /* warm */
    double best = 1e30;
    for (int trial = 0; trial < 3; trial++) {
        const double t0 = now();
        for (int r = 0; r < reps; r++) matmul_mt(isa, type, k, w, wrb, n, act, arb, m, y);
        const double dt = (now() - t0) / reps;
        if (dt < best) best = dt;
    }
    printf("%-7s T%d %-5s k=%5d n=%6d m=%4d  %8.1f GOP/s  %8.3f ms  (W %.1f MB, %.1f GB/s)\n", tern_isa_name(isa), n_threads, name, k,
           n, m, ops / best * 1e-9, best * 1e3, wrb * n / 1e6, wrb * n / best * 1e-9);
    free(w); free(act); free(x); free(y);
}

int main(int argc, char **argv) {
    const int isa_min = argc > 1 ? atoi(argv[1]) : 1;
    const char *only = argc > 2 ? argv[2] : "";
    n_threads = argc > 3 ? atoi(argv[3]) : 1;
    if (n_threads < 1 || n_threads > 8) n_threads = 1;
    for (int isa = 2; isa >= isa_min; isa--) {
        if (tern_isa_clamp(isa) != isa) continue;
        if (strcmp(only, "gemm") != 0) { /* token generation: m = 1, weights from L2 and from DRAM */
            run(isa, TERN_TYPE_Q4_1, "Q4_1", 576, 1536, 1);
            run(isa, TERN_TYPE_Q4_1, "Q4_1", 1536, 576, 1);
            run(isa, TERN_TYPE_Q4_1, "Q4_1", 576, 49152, 1);
            run(isa, TERN_TYPE_Q8_0, "Q8_0", 576, 1536, 1);
            run(isa, TERN_TYPE_Q8_0, "Q8_0", 576, 49152, 1);
            run(isa, TERN_TYPE_F16, "F16", 576, 1536, 1);
            run(isa, TERN_TYPE_Q4_K, "Q4_K", 1536, 1536, 1);
            run(isa, TERN_TYPE_Q6_K, "Q6_K", 1536, 1536, 1);
            run(isa, TERN_TYPE_Q4_K, "Q4_K", 1536, 1536, 2);
            run(isa, TERN_TYPE_Q6_K, "Q6_K", 1536, 1536, 2);
            run(isa, TERN_TYPE_Q4_K, "Q4_K", 1536, 1536, 4);
            run(isa, TERN_TYPE_Q6_K, "Q6_K", 1536, 1536, 4);
            run(isa, TERN_TYPE_Q4_1, "Q4_1", 576, 1536, 2);
            run(isa, TERN_TYPE_Q4_1, "Q4_1", 576, 1536, 4);
        }
        if (strcmp(only, "gemv") != 0) { /* prompt processing / batched decode */
            const int ms[] = {16, 64, 256};
            for (int mi = 0; mi < 3; mi++) {
                run(isa, TERN_TYPE_Q4_1, "Q4_1", 576, 1536, ms[mi]);
                run(isa, TERN_TYPE_Q4_1, "Q4_1", 1536, 576, ms[mi]);
                run(isa, TERN_TYPE_Q8_0, "Q8_0", 576, 1536, ms[mi]);
                run(isa, TERN_TYPE_F16, "F16", 576, 1536, ms[mi]);
            }
            run(isa, TERN_TYPE_Q8_0, "Q8_0", 576, 49152, 64);
            run(isa, TERN_TYPE_Q4_K, "Q4_K", 1536, 1536, 64);
            run(isa, TERN_TYPE_Q6_K, "Q6_K", 1536, 1536, 64);
        }
    }
    return 0;
}
