/* bench_machine.c: the two limits of this machine that bound a training
 * step, measured the way the core meets them; not a test.
 *
 * Prints the OpenBLAS core and thread count, then
 *   - the dgemm rate (GFLOP/s, 2 N^3 flops for C = A B, square N x N,
 *     N = 512, 1024, 1536, 2048) through the project's BLAS glue, on 1
 *     thread and on the thread count OpenBLAS started with, the best of a
 *     few repeats (each repeat at least 0.3 s);
 *   - the memory bandwidth of a STREAM-like triad a = b + s c over three
 *     arrays of 256 MB each (GB/s, 24 bytes an element: two read, one
 *     written), on 1 and on 2 threads of the core's own pool, best of five.
 * The environment variables OpenBLAS reads are printed as found; the
 * program changes none of them (the BLAS thread count is changed through
 * the glue, and restored).
 *
 *     bench_machine            both measurements
 *     bench_machine dgemm      only the dgemm rates
 *     bench_machine triad      only the bandwidth */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nqmtop/base/blas.h"
#include "nqmtop/base/pool.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *env_or_unset(const char *name)
{
    const char *v = getenv(name);
    return v ? v : "(unset)";
}

/* Best GFLOP/s of C = A B at size N on the BLAS's current thread count. */
static double dgemm_rate(int N, const double *A, const double *B, double *C)
{
    double best = 0;
    nqm_dgemm("N", "N", N, N, N, 1.0, A, N, B, N, 0.0, C, N); /* warm up */
    for (int rep = 0; rep < 3; rep++) {
        int calls = 0;
        double t0 = now_s(), t;
        do {
            nqm_dgemm("N", "N", N, N, N, 1.0, A, N, B, N, 0.0, C, N);
            calls++;
            t = now_s() - t0;
        } while (t < 0.3);
        double rate = 2.0 * N * (double)N * N * calls / t / 1e9;
        if (rate > best)
            best = rate;
    }
    return best;
}

static int bench_dgemm(void)
{
    static const int sizes[] = {512, 1024, 1536, 2048};
    const int big = 2048, started = nqm_blas_threads();
    double *A = malloc(sizeof(double) * big * big), *B = malloc(sizeof(double) * big * big),
           *C = malloc(sizeof(double) * big * big);
    if (!A || !B || !C) {
        fprintf(stderr, "bench_machine: out of memory\n");
        free(A), free(B), free(C);
        return 1;
    }
    for (long i = 0; i < (long)big * big; i++) {
        A[i] = (double)(i % 7) - 3.0;
        B[i] = (double)(i % 5) * 0.5 - 1.0;
    }
    int counts[2] = {1, started}, ncounts = started > 1 ? 2 : 1;
    printf("# dgemm C = A B, N x N, GFLOP/s (best of 3 repeats of >= 0.3 s)\n");
    printf("# %6s %8s %10s\n", "N", "threads", "GFLOP/s");
    for (int c = 0; c < ncounts; c++) {
        nqm_blas_set_threads(counts[c]);
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            printf("dgemm %6d %8d %10.1f\n", sizes[s], nqm_blas_threads(),
                   dgemm_rate(sizes[s], A, B, C));
        fflush(stdout);
    }
    nqm_blas_set_threads(started);
    free(A), free(B), free(C);
    return 0;
}

typedef struct {
    double *a, *b, *c;
    long len;
    int tasks;
    double scale;
} triad_ctx;

static void slice(const triad_ctx *t, int task, long *lo, long *hi)
{
    *lo = t->len * task / t->tasks;
    *hi = t->len * (task + 1) / t->tasks;
}

/* First touch by the thread that will stream the slice. */
static void triad_fill(void *ctx, int task, int worker)
{
    (void)worker;
    triad_ctx *t = ctx;
    long lo, hi;
    slice(t, task, &lo, &hi);
    for (long i = lo; i < hi; i++) {
        t->a[i] = 0.0;
        t->b[i] = 1.0;
        t->c[i] = 2.0;
    }
}

static void triad_pass(void *ctx, int task, int worker)
{
    (void)worker;
    triad_ctx *t = ctx;
    long lo, hi;
    slice(t, task, &lo, &hi);
    double *restrict a = t->a;
    const double *restrict b = t->b, *restrict c = t->c;
    const double s = t->scale;
    for (long i = lo; i < hi; i++)
        a[i] = b[i] + s * c[i];
}

static int bench_triad(void)
{
    const long len = 256L * 1024 * 1024 / sizeof(double);
    triad_ctx t = {malloc(sizeof(double) * len),
                   malloc(sizeof(double) * len),
                   malloc(sizeof(double) * len),
                   len,
                   1,
                   3.0};
    if (!t.a || !t.b || !t.c) {
        fprintf(stderr, "bench_machine: out of memory\n");
        free(t.a), free(t.b), free(t.c);
        return 1;
    }
    printf("# triad a = b + s c, 3 arrays of %ld MB, GB/s counting 24 bytes an element "
           "(best of 5)\n",
           (long)(sizeof(double) * len >> 20));
    printf("# %6s %10s\n", "threads", "GB/s");
    int first = 1;
    for (int threads = 1; threads <= 2; threads++) {
        nqm_pool *pool = nqm_pool_new(threads);
        if (!pool) {
            fprintf(stderr, "bench_machine: no pool of %d threads\n", threads);
            free(t.a), free(t.b), free(t.c);
            return 1;
        }
        t.tasks = threads;
        if (first)
            nqm_pool_run(pool, triad_fill, &t, t.tasks);
        first = 0;
        nqm_pool_run(pool, triad_pass, &t, t.tasks); /* warm up */
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            double t0 = now_s();
            nqm_pool_run(pool, triad_pass, &t, t.tasks);
            double rate = 24.0 * (double)len / (now_s() - t0) / 1e9;
            if (rate > best)
                best = rate;
        }
        printf("triad %6d %10.1f\n", threads, best);
        fflush(stdout);
        nqm_pool_free(pool);
    }
    /* a check that the passes were not skipped: every a[i] is 1 + 3 * 2 */
    int ok = t.a[0] == 7.0 && t.a[len - 1] == 7.0;
    free(t.a), free(t.b), free(t.c);
    if (!ok)
        fprintf(stderr, "bench_machine: triad result wrong\n");
    return !ok;
}

int main(int argc, char **argv)
{
    int dgemm = argc == 1, triad = argc == 1;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "dgemm"))
            dgemm = 1;
        else if (!strcmp(argv[a], "triad"))
            triad = 1;
        else {
            fprintf(stderr, "usage: bench_machine [dgemm] [triad]\n");
            return 2;
        }
    }
    printf("# OpenBLAS core %s, %d thread(s); OPENBLAS_NUM_THREADS=%s OPENBLAS_CORETYPE=%s\n",
           nqm_blas_core(), nqm_blas_threads(), env_or_unset("OPENBLAS_NUM_THREADS"),
           env_or_unset("OPENBLAS_CORETYPE"));
    int failed = 0;
    if (dgemm)
        failed |= bench_dgemm();
    if (triad)
        failed |= bench_triad();
    return failed;
}
