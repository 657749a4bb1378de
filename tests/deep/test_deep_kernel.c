/* test_deep_kernel.c: the top eigenvalues of the tangent kernel without
 * assembling it.
 *   - krylov.c on explicit matrices of known spectrum (a random rotation
 *     of chosen eigenvalues, some clustered, some of low rank) against
 *     those eigenvalues and against LAPACK, and a warm start on a
 *     slightly moved matrix costing fewer products than a cold one;
 *   - the kernel advance assembles (per-example Gram matrices from one
 *     backward pass) against the columns K e_j = J (J^T e_j) of n
 *     matrix-free products, to 1e-12;
 *   - top_eigs of mlp and cnn models (every variant), at w0 and along GD
 *     steps, against that kernel solved by LAPACK: eigenvalues to 1e-10
 *     of lambda1, eigenvectors to 1e-6; probe's H, K Omega and tr K. */
#include <stdlib.h>

#include "deep.h"
#include "nqmtop/base/eigen.h"
#include "nqmtop/base/krylov.h"
#include "nqmtop/base/rng.h"
#include "nqmtop/model/deep.h"

enum { K = 3 };

typedef struct {
    int n;
    const double *A; /* (n, n) */
} dense_op;

static int dense_product(void *ctx, const double *u, double *Au)
{
    const dense_op *op = ctx;
    for (int i = 0; i < op->n; i++) {
        Au[i] = 0;
        for (int j = 0; j < op->n; j++)
            Au[i] += op->A[(size_t)j * op->n + i] * u[j];
    }
    return 0;
}

/* A (n, n) = V diag(ev) V^T with V a random orthogonal matrix (Gram-Schmidt
 * of Gaussian columns). */
static void known_spectrum(int n, const double *ev, unsigned long seed, double *A)
{
    double *V = malloc((size_t)n * n * sizeof *V);
    nqm_rng rng;
    nqm_rng_seed(&rng, seed, NQM_STREAM_DATA);
    for (int c = 0; c < n; c++) {
        double *v = V + (size_t)c * n;
        for (int i = 0; i < n; i++)
            v[i] = nqm_rng_normal(&rng);
        for (int pass = 0; pass < 2; pass++)
            for (int b = 0; b < c; b++) {
                double dot = 0;
                for (int i = 0; i < n; i++)
                    dot += V[(size_t)b * n + i] * v[i];
                for (int i = 0; i < n; i++)
                    v[i] -= dot * V[(size_t)b * n + i];
            }
        double norm = 0;
        for (int i = 0; i < n; i++)
            norm += v[i] * v[i];
        for (int i = 0; i < n; i++)
            v[i] /= sqrt(norm);
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double a = 0;
            for (int c = 0; c < n; c++)
                a += V[(size_t)c * n + i] * ev[c] * V[(size_t)c * n + j];
            A[(size_t)j * n + i] = a;
        }
    free(V);
}

/* Top k eigenvalues of A by LAPACK (A is copied). */
static void lapack_top(int n, const double *A, int k, double *lam, double *vec)
{
    double *copy = malloc((size_t)n * n * sizeof *copy);
    memcpy(copy, A, (size_t)n * n * sizeof *copy);
    nqm_eigen *e = nqm_eigen_new(n, k);
    CHECK(nqm_eigen_top(e, copy, lam, vec) == 0, "LAPACK failed");
    nqm_eigen_free(e);
    free(copy);
}

/* |overlap| of unit vectors a and b (n) is 1 up to 1 - tol. */
static double misalignment(int n, const double *a, const double *b)
{
    double dot = 0;
    for (int i = 0; i < n; i++)
        dot += a[i] * b[i];
    return 1 - fabs(dot);
}

/* gain: the warm start must take fewer products than a cold one (not
 * when a cold start is already minimal: n within one basis, or rank 2). */
static void check_explicit(const char *what, int n, const double *ev, int gain)
{
    double *A = malloc((size_t)n * n * sizeof *A), lam[K], ref[K], vec[K * 200], rvec[K * 200];
    known_spectrum(n, ev, 5, A);
    dense_op op = {n, A};
    nqm_krylov *kr = nqm_krylov_new(n, K);
    int cold, warm;
    int rc = nqm_krylov_top(kr, dense_product, &op, 1e-12, 10 * n, lam, vec, &cold);
    int first = cold;
    lapack_top(n, A, K, ref, rvec);
    CHECK(rc == 0, "%s: not converged after %d products", what, first);
    for (int j = 0; j < K; j++) {
        CHECK(fabs(lam[j] - ev[j]) <= 1e-10 * ev[0], "%s: lambda%d %.17g, chosen %.17g", what,
              j + 1, lam[j], ev[j]);
        CHECK(fabs(lam[j] - ref[j]) <= 1e-10 * ev[0], "%s: lambda%d %.17g, LAPACK %.17g", what,
              j + 1, lam[j], ref[j]);
        if (ev[j] > 0 && (j == 0 || ev[j] < ev[j - 1]) && (j == K - 1 || ev[j + 1] < ev[j]))
            CHECK(misalignment(n, vec + (size_t)j * n, rvec + (size_t)j * n) < 1e-8,
                  "%s: eigenvector %d off LAPACK's", what, j + 1);
    }
    /* move the matrix a little, B = M A M^T with M = I + E, E small and
     * random: same rank, eigenvalues and eigenvectors turned by ~1e-3.
     * The warm start must pay off against a cold solve of B. */
    double *B = malloc((size_t)n * n * sizeof *B), *M = malloc((size_t)n * n * sizeof *M);
    double *MA = malloc((size_t)n * n * sizeof *MA);
    nqm_rng rng;
    nqm_rng_seed(&rng, 9, NQM_STREAM_DATA);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            M[(size_t)j * n + i] = (i == j) + 1e-3 * nqm_rng_normal(&rng) / sqrt((double)n);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int c = 0; c < n; c++)
                acc += M[(size_t)c * n + i] * A[(size_t)j * n + c];
            MA[(size_t)j * n + i] = acc;
        }
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int c = 0; c < n; c++)
                acc += MA[(size_t)c * n + i] * M[(size_t)c * n + j];
            B[(size_t)j * n + i] = acc;
        }
    for (int j = 0; j < n; j++)
        for (int i = 0; i < j; i++)
            B[(size_t)j * n + i] = B[(size_t)i * n + j];
    free(M);
    free(MA);
    op.A = B;
    nqm_krylov *fresh = nqm_krylov_new(n, K);
    nqm_krylov_top(fresh, dense_product, &op, 1e-12, 10 * n, lam, vec, &cold);
    nqm_krylov_free(fresh);
    rc = nqm_krylov_top(kr, dense_product, &op, 1e-12, 10 * n, lam, vec, &warm);
    lapack_top(n, B, K, ref, rvec);
    CHECK(rc == 0, "%s: warm call not converged after %d products", what, warm);
    for (int j = 0; j < K; j++)
        CHECK(fabs(lam[j] - ref[j]) <= 1e-10 * ref[0], "%s warm: lambda%d %.17g, LAPACK %.17g",
              what, j + 1, lam[j], ref[j]);
    CHECK(gain ? warm < cold : warm <= cold, "%s: warm start took %d products, cold %d", what, warm,
          cold);
    printf("krylov %-18s n=%3d: moved matrix in %3d products cold, %3d warm\n", what, n, cold,
           warm);
    nqm_krylov_free(kr);
    free(A);
    free(B);
}

static void check_explicit_all(void)
{
    enum { NN = 200 };
    double ev[NN];
    for (int c = 0; c < NN; c++) /* decaying like a tangent kernel's spectrum */
        ev[c] = 10.0 / (1.0 + c * c);
    check_explicit("decaying", NN, ev, 1);
    ev[1] = 9.999999; /* a tight pair at the top */
    check_explicit("tight top pair", NN, ev, 1);
    for (int c = 0; c < NN; c++) /* rank 2: the third eigenvalue is 0 */
        ev[c] = c == 0 ? 5.29 : c == 1 ? 4.97 : 0;
    check_explicit("rank 2", NN, ev, 0);
    for (int c = 0; c < NN; c++) /* flat: slow for any Krylov method */
        ev[c] = 1.0 + 1.0 / (1.0 + c);
    check_explicit("flat", NN, ev, 1);
    for (int c = 0; c < 7; c++)
        ev[c] = 7.0 - c;
    check_explicit("small (n < basis)", 7, ev, 0);
}

static double worst_value, worst_vector, worst_assembly;

/* The assembled kernel Kd (n, n) against its columns from products. */
static void check_assembly(nqm_model *model, const double *Kd, const char *label)
{
    const int n = model->n;
    double *e = calloc(n, sizeof *e), *col = malloc(n * sizeof *col), scale = 0, worst = 0;
    for (int i = 0; i < n; i++)
        scale = fmax(scale, Kd[(size_t)i * n + i]);
    for (int j = 0; j < n; j++) {
        e[j] = 1;
        nqm_deep_kernel_product(model, e, col);
        e[j] = 0;
        for (int i = 0; i < n; i++)
            worst = fmax(worst, fabs(col[i] - Kd[(size_t)j * n + i]) / scale);
    }
    worst_assembly = fmax(worst_assembly, worst);
    CHECK(worst < 1e-12, "%s: assembled kernel vs K e_j differs by %.3g of max K_ii", label, worst);
    free(e);
    free(col);
}

/* top_eigs against the dense kernel of the same model at its current point. */
static void compare_now(nqm_model *model, const char *label, int step)
{
    const int n = model->n, k = K < n ? K : n;
    double *Kd = malloc((size_t)n * n * sizeof *Kd), *g = malloc(n * sizeof *g);
    double *vec = malloc((size_t)k * n * sizeof *vec), *rvec = malloc((size_t)k * n * sizeof *rvec);
    double lam[K], ref[K];
    model->ops->advance(model, 0, NULL, g, Kd);
    check_assembly(model, Kd, label);
    nqm_eigen *e = nqm_eigen_new(n, k);
    nqm_eigen_top(e, Kd, ref, rvec);
    nqm_eigen_free(e);
    int rc = model->ops->top_eigs(model, k, 1e-11, lam, vec);
    CHECK(rc == 0, "%s step %d: top_eigs returned %d", label, step, rc);
    for (int j = 0; j < k; j++) {
        double dv = fabs(lam[j] - ref[j]) / ref[0];
        worst_value = fmax(worst_value, dv);
        CHECK(dv <= 1e-10, "%s step %d: lambda%d %.17g vs dense %.17g", label, step, j + 1, lam[j],
              ref[j]);
        double gap = fmin(j > 0 ? ref[j - 1] - ref[j] : INFINITY,
                          j + 1 < k ? ref[j] - ref[j + 1] : INFINITY);
        if (gap > 1e-3 * ref[0]) {
            double mis = misalignment(n, vec + (size_t)j * n, rvec + (size_t)j * n);
            worst_vector = fmax(worst_vector, mis);
            CHECK(mis < 1e-6, "%s step %d: eigenvector %d off by %.3g", label, step, j + 1, mis);
        }
    }
    free(Kd);
    free(g);
    free(vec);
    free(rvec);
}

/* probe against the dense kernel: H = Omega K Omega^T, Y = K Omega^T and
 * tr K, with Omega two orthonormal rows; the outputs as advance gives. */
static double worst_probe;

static void check_probe(nqm_model *model, const char *label)
{
    enum { B = 2 };
    const int n = model->n;
    double *Kd = malloc((size_t)n * n * sizeof *Kd), *g = malloc(n * sizeof *g);
    double *gp = malloc(n * sizeof *gp), *Om = malloc(B * (size_t)n * sizeof *Om);
    double *Y = malloc(B * (size_t)n * sizeof *Y);
    model->ops->advance(model, 0, NULL, g, Kd);
    for (int i = 0; i < n; i++) { /* two orthonormal rows */
        Om[i] = 1 / sqrt((double)n);
        Om[n + i] = (i % 2 ? 1.0 : -1.0) / sqrt((double)n);
    }
    if (n % 2) { /* keep the second row orthogonal to the first */
        Om[n + n - 1] = 0;
        double norm = 0;
        for (int i = 0; i < n; i++)
            norm += Om[n + i] * Om[n + i];
        for (int i = 0; i < n; i++)
            Om[n + i] /= sqrt(norm);
    }
    nqm_probe pr = {.b = B, .Omega = Om, .Y = Y};
    CHECK(model->ops->probe(model, 0, NULL, gp, &pr) == 0, "%s: probe failed", label);
    double trace = 0, scale = 0, worst = 0;
    for (int i = 0; i < n; i++) {
        trace += Kd[(size_t)i * n + i];
        scale = fmax(scale, fabs(Kd[(size_t)i * n + i]));
        worst = fmax(worst, fabs(g[i] - gp[i]) / fmax(1, fabs(g[i])));
    }
    worst = fmax(worst, fabs(pr.trace - trace) / trace);
    for (int a = 0; a < B; a++)
        for (int b = 0; b < B; b++) {
            double h = 0;
            for (int i = 0; i < n; i++) {
                double ky = 0;
                for (int j = 0; j < n; j++)
                    ky += Kd[(size_t)j * n + i] * Om[(size_t)b * n + j];
                if (a == 0)
                    worst = fmax(worst, fabs(ky - Y[(size_t)b * n + i]) / scale);
                h += Om[(size_t)a * n + i] * ky;
            }
            worst = fmax(worst, fabs(h - pr.H[b * B + a]) / scale);
        }
    worst_probe = fmax(worst_probe, worst);
    CHECK(worst < 1e-12, "%s: probe differs from the dense kernel by %.3g", label, worst);
    free(Kd);
    free(g);
    free(gp);
    free(Om);
    free(Y);
}

static void check_model(nqm_config *cfg)
{
    char label[96];
    deep_label(cfg, label, sizeof label);
    nqm_data data;
    nqm_model *model;
    if (deep_build(cfg, &data, &model) != 0)
        return;
    CHECK(model->ops->top_eigs != NULL, "%s: no top_eigs", label);
    const int n = data.n;
    double *g = malloc(n * sizeof *g), *r = malloc(n * sizeof *r);
    model->ops->advance(model, 0, NULL, g, NULL);
    for (int step = 0; step <= 5 && model->ops->top_eigs; step++) {
        compare_now(model, label, step);
        if (step == 5 && model->ops->probe)
            check_probe(model, label);
        for (int i = 0; i < n; i++)
            r[i] = g[i] - data.y[i];
        model->ops->advance(model, 0.5 / n, r, g, NULL);
    }
    free(g);
    free(r);
    nqm_model_free(model);
    nqm_data_free(&data);
}

int main(void)
{
    check_explicit_all();
    static const nqm_model_kind kinds[] = {MODEL_NET, MODEL_LIN, MODEL_QUAD};
    nqm_config cfg;
    int runs = 0;
    for (int k = 0; k < 3; k++)
        for (int a = 0; a < ACT_COUNT; a++) {
            deep_mlp_config(&cfg, 3, k == 2, 40, 5, 20);
            cfg.model = kinds[k];
            cfg.activation = (nqm_activation)a;
            check_model(&cfg);
            nqm_config_free(&cfg);
            deep_cnn_config(&cfg, a % 2 ? READOUT_LINEAR : READOUT_AVERAGE, 1, 30, 6, 4);
            cfg.model = kinds[k];
            cfg.activation = (nqm_activation)a;
            check_model(&cfg);
            nqm_config_free(&cfg);
            runs += 2;
        }
    printf("%d models x 6 points: assembled K vs K e_j %.3g; top_eigs vs dense worst "
           "|dlambda|/lambda1 %.3g, eigenvector 1 - |overlap| %.3g; probe vs dense %.3g\n",
           runs, worst_assembly, worst_value, worst_vector, worst_probe);
    return check_report("test_deep_kernel");
}
