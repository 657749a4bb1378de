/* test_engine.c: the fast paths of the two-layer engine against slow,
 * independent ones.
 *   1. Eigenvalues at every step, through a catapult, against the full
 *      spectrum of the kernel assembled densely and solved here by LAPACK
 *      dsyevr: 1e-10 relative, for probed and dense steps. The kernel
 *      comes from the model's dense path (which test_gradients checks
 *      against finite differences) or, for the relu network and NQM, from
 *      a sum over neurons written here from their parameters.
 *   2. The Ritz certificate (eigen.h) on kernels of known spectrum: every
 *      certified eigenvalue lies within its bound; what a probe misses
 *      (a third eigenvalue, a direction off the span) is refused.
 *   3. Results do not depend on the number of threads (same bits).
 *   4. Gram mode (d > n, displacement kept in the span of the inputs)
 *      follows rows mode (the direct per-neuron path) step for step. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nqmtop/base/blas.h"
#include "nqmtop/base/eigen.h"
#include "nqmtop/model/model.h"
#include "nqmtop/base/rng.h"
#include "nqmtop/train/session.h"

/* All eigenvalues of the symmetric A (n, n, destroyed), descending. */
static int spectrum(int n, double *A, double *lam)
{
    int lwork = 26 * n + 64, liwork = 10 * n + 16;
    double *w = malloc((size_t)n * sizeof *w), *Z = malloc((size_t)n * n * sizeof *Z);
    double *work = malloc((size_t)lwork * sizeof *work);
    int *iwork = malloc((size_t)liwork * sizeof *iwork),
        *isuppz = malloc(2 * (size_t)n * sizeof *isuppz);
    int info = nqm_dsyevr_index(n, A, 1, n, w, Z, n, work, lwork, iwork, liwork, isuppz);
    for (int j = 0; j < n; j++)
        lam[j] = w[n - 1 - j];
    free(w);
    free(Z);
    free(work);
    free(iwork);
    free(isuppz);
    return info;
}

typedef struct {
    const char *label;
    nqm_model_kind model;
    nqm_activation act;
    nqm_data_kind data;
    int n, d, eigs, batch;
    long m, steps;
    double eta_rel;
    int want_catapult;
    double min_probed; /* fraction of steps the certified probe must serve */
    int explicit_sum;  /* relu net or NQM: assemble K here (relu_kernel) */
    int matrix_free;   /* eig_method = auto, every step but the first matrix-free, to 1e-12 */
} eig_case;

/* K (n, n) of a relu net or NQM, summed here over neurons from its
 * parameters: with gates a_ik = 1{g_k.x_i > 0},
 *     K = (1/m) sum_k [c_k^2 a_ik a_jk x_i.x_j / d + b_ik b_jk],
 *     b_ik = a_ik h_k.x_i / sqrt(d),
 * where net: g = h = u, c = v (w = (U, v)); quad: g = u0, h = u0 + du,
 * c = v0 + dv (w = (dU, dv), w0 = (U0, v0) drawn here as twolayer.c
 * documents: per neuron, d normals for u0 then one for v0). */
static void relu_kernel(const nqm_config *cfg, const nqm_data *data, const double *w, double *K)
{
    const int n = data->n, d = data->d;
    const long m = cfg->width;
    const int quad = cfg->model == MODEL_QUAD;
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    double *u0 = malloc((size_t)d * sizeof *u0), v0 = 0;
    nqm_rng rng;
    nqm_rng_seed(&rng, cfg->seed, NQM_STREAM_INIT);
    memset(K, 0, (size_t)n * n * sizeof *K);
    for (long k = 0; k < m; k++) {
        const double *u = w + (size_t)k * d;
        for (int j = 0; j < d; j++)
            u0[j] = nqm_rng_normal(&rng);
        v0 = nqm_rng_normal(&rng);
        double c = quad ? v0 + w[(size_t)m * d + k] : w[(size_t)m * d + k];
        for (int i = 0; i < n; i++) {
            double zg = 0, zh = 0;
            for (int j = 0; j < d; j++) {
                zg += (quad ? u0[j] : u[j]) * data->X[(size_t)i * d + j];
                zh += (quad ? u0[j] + u[j] : u[j]) * data->X[(size_t)i * d + j];
            }
            a[i] = zg > 0;
            b[i] = a[i] * zh / sqrt((double)d);
        }
        for (int i = 0; i < n; i++)
            for (int l = 0; l < n; l++) {
                double xx = 0;
                for (int j = 0; j < d; j++)
                    xx += data->X[(size_t)i * d + j] * data->X[(size_t)l * d + j];
                K[(size_t)i * n + l] += c * c * a[i] * a[l] * xx / d + b[i] * b[l];
            }
    }
    for (int i = 0; i < n * n; i++)
        K[i] /= (double)m;
    free(a);
    free(b);
    free(u0);
}

/* Worst relative difference of the session's eigenvalues from the dense
 * spectrum at every step of one run. */
static void check_eigs_every_step(const eig_case *c)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.model = c->model;
    cfg.activation = c->act;
    cfg.data = c->data;
    cfg.n = c->n;
    cfg.d = c->d;
    cfg.width = c->m;
    cfg.loss = LOSS_MSE;
    cfg.eta_rel = c->eta_rel;
    cfg.eigs = c->eigs;
    cfg.batch_size = c->batch;
    cfg.eig_order = EIG_ORDER_SORTED;
    cfg.eig_method = c->matrix_free ? EIG_METHOD_AUTO : EIG_METHOD_DENSE;
    char err[256];
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(s != NULL, "%s: %s", c->label, err);
    if (!s) {
        nqm_config_free(&cfg);
        return;
    }
    const int n = nqm_session_data(s)->n, k = nqm_session_eigs(s);
    const double scale = nqm_loss_scale(cfg.loss, n);
    double *K = malloc((size_t)n * n * sizeof *K), *g = malloc((size_t)n * sizeof *g);
    double *lam = malloc((size_t)n * sizeof *lam);
    nqm_model *model = nqm_session_model(s);
    double worst = 0, loss0 = nqm_session_record(s)->loss, peak = loss0;
    long t = 0;
    for (; t <= c->steps; t++) {
        const nqm_record *rec = nqm_session_record(s);
        peak = fmax(peak, rec->loss);
        if (c->explicit_sum) {
            size_t p;
            relu_kernel(&cfg, nqm_session_data(s), model->ops->params(model, &p), K);
        } else {
            CHECK(model->ops->advance(model, 0, NULL, g, K) == 0, "%s: dense evaluation", c->label);
        }
        CHECK(spectrum(n, K, lam) == 0, "%s: dsyevr", c->label);
        for (int j = 0; j < k; j++) {
            double want = scale * lam[j], ref = fmax(fabs(want), 1e-3 * scale * lam[0]);
            double diff = fabs(rec->lambda[j] - want) / ref;
            CHECK(diff <= (c->matrix_free ? 1e-12 : 1e-10),
                  "%s: step %ld lambda%d %.17g vs dense %.17g (rel %.3g)", c->label, t, j + 1,
                  rec->lambda[j], want, diff);
            worst = fmax(worst, diff);
        }
        if (nqm_session_step(s) != 0)
            break;
    }
    nqm_eigen_stats st;
    nqm_session_eigen_stats(s, &st);
    printf("%-38s %3ld steps: peak loss %8.3g (start %.3g), probed %3ld, refused %2ld, "
           "matrix-free %3ld, max rel diff %.2e\n",
           c->label, t, peak, loss0, st.probed, st.refused, st.krylov, worst);
    if (c->matrix_free)
        CHECK(st.krylov >= t - 1, "%s: only %ld of %ld steps matrix-free", c->label, st.krylov, t);
    if (c->want_catapult)
        CHECK(peak > 100 * loss0, "%s: no catapult (peak %g, start %g)", c->label, peak, loss0);
    CHECK(st.probed >= c->min_probed * (double)t, "%s: only %ld of %ld steps probed", c->label,
          st.probed, t);
    free(K);
    free(g);
    free(lam);
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

static void check_eigs(void)
{
    static const eig_case cases[] = {
        {"quad relu 1-D, catapult, K summed here", MODEL_QUAD, ACT_RELU, DATA_MIX1D, 64, 1, 2, 0,
         1500, 120, 1.9, 1, 0.9, 1, 0},
        {"quad relu 1-D, catapult", MODEL_QUAD, ACT_RELU, DATA_MIX1D, 128, 1, 2, 0, 3000, 120, 1.9,
         1, 0.9, 0, 0},
        {"net relu 1-D, catapult, K summed here", MODEL_NET, ACT_RELU, DATA_MIX1D, 48, 1, 2, 0,
         1500, 120, 1.9, 1, 0.9, 1, 0},
        {"lin relu 1-D", MODEL_LIN, ACT_RELU, DATA_MIX1D, 64, 1, 2, 0, 2000, 40, 0.9, 0, 0.9, 0, 0},
        {"quad relu 1-D, SGD 16", MODEL_QUAD, ACT_RELU, DATA_MIX1D, 64, 1, 2, 16, 2000, 80, 0.5, 0,
         0.9, 0, 0},
        {"quad linear 1-D, 1 eigenvalue", MODEL_QUAD, ACT_LINEAR, DATA_MIX1D, 32, 1, 1, 0, 1000, 60,
         1.5, 0, 0.9, 0, 0},
        {"quad tanh 1-D (full rank: dense)", MODEL_QUAD, ACT_TANH, DATA_MIX1D, 48, 1, 2, 0, 1000,
         60, 1.2, 0, 0, 0, 0},
        {"quad relu d = 2 (full rank: dense)", MODEL_QUAD, ACT_RELU, DATA_GAUSS, 24, 2, 2, 0, 800,
         60, 1.5, 0, 0, 0, 0},
        {"quad relu 1-D, 3 of a rank-2 kernel", MODEL_QUAD, ACT_RELU, DATA_MIX1D, 32, 1, 3, 0, 800,
         30, 1.5, 0, 0, 0, 0},
        {"quad tanh 1-D, matrix-free", MODEL_QUAD, ACT_TANH, DATA_MIX1D, 200, 1, 2, 0, 600, 80, 1.3,
         0, 0, 0, 1},
        {"net relu d = 2, catapult, matrix-free", MODEL_NET, ACT_RELU, DATA_GAUSS, 300, 2, 2, 0,
         400, 80, 1.9, 1, 0, 0, 1},
        {"lin swish d = 2, 3 eigenvalues, matrix-free", MODEL_LIN, ACT_SWISH, DATA_GAUSS, 300, 2, 3,
         0, 300, 20, 0.9, 0, 0, 0, 1},
        {"quad swish d = 3, SGD 32, matrix-free", MODEL_QUAD, ACT_SWISH, DATA_GAUSS, 400, 3, 2, 32,
         300, 20, 0.5, 0, 0, 0, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        check_eigs_every_step(&cases[c]);
}

/* K (n, n) = Q diag(lam) Q^T for an orthonormal Q from Gram-Schmidt on a
 * fixed pseudo-random matrix; Q (n, n) rows are the eigenvectors. */
static void make_kernel(int n, const double *lam, double *Q, double *K)
{
    double *V = malloc((size_t)n * n * sizeof *V);
    unsigned long x = 12345;
    for (int i = 0; i < n * n; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        V[i] = (double)(x >> 11) / 9007199254740992.0 - 0.5;
    }
    CHECK(nqm_eigen_basis(n, n, V, Q) == n, "basis of a random matrix");
    for (int i = 0; i < n; i++)
        for (int l = 0; l < n; l++) {
            double sum = 0;
            for (int j = 0; j < n; j++)
                sum += Q[(size_t)j * n + i] * lam[j] * Q[(size_t)j * n + l];
            K[(size_t)i * n + l] = sum;
        }
    free(V);
}

/* Probe K with Omega = rows a, b of Q, each turned by angle phi toward row
 * c; returns nqm_eigen_ritz's verdict and checks the bound's soundness. */
static int ritz_case(int n, const double *Q, const double *K, const double *lam, int a, int b,
                     int c, double phi, const char *what)
{
    double *V = malloc(2 * (size_t)n * sizeof *V), *Om = malloc(2 * (size_t)n * sizeof *Om);
    double *vec = malloc(2 * (size_t)n * sizeof *vec), H[4] = {0}, trace = 0, got[2], bound;
    for (int i = 0; i < n; i++) {
        V[i] = cos(phi) * Q[(size_t)a * n + i] + sin(phi) * Q[(size_t)c * n + i];
        V[n + i] = cos(phi) * Q[(size_t)b * n + i] - sin(phi) * Q[(size_t)c * n + i];
        trace += K[(size_t)i * n + i];
    }
    nqm_eigen_basis(n, 2, V, Om);
    for (int j = 0; j < 2; j++)
        for (int q = 0; q < 2; q++)
            for (int i = 0; i < n; i++)
                for (int l = 0; l < n; l++)
                    H[j * 2 + q] +=
                        Om[(size_t)j * n + i] * K[(size_t)i * n + l] * Om[(size_t)q * n + l];
    H[1] = H[2] = 0.5 * (H[1] + H[2]);
    nqm_eigen *e = nqm_eigen_new(n, 2);
    int rc = nqm_eigen_ritz(e, Om, H, trace, got, vec, &bound);
    double err = fmax(fabs(got[0] - lam[0]) / lam[0], fabs(got[1] - lam[1]) / lam[1]);
    printf("  ritz %-40s %-9s bound %.2e, error %.2e\n", what, rc == 0 ? "certified" : "refused",
           bound, rc == 0 ? err : NAN);
    if (rc == 0)
        CHECK(err <= bound && err <= NQM_EIGEN_RITZ_TOL, "%s: error %.3g, bound %.3g", what, err,
              bound);
    nqm_eigen_free(e);
    free(V);
    free(Om);
    free(vec);
    return rc;
}

static void check_certificate(void)
{
    enum { N = 40 };
    double lam[N] = {5, 4}, Q[N * N], K[N * N];
    printf("Ritz certificate on kernels of known spectrum:\n");
    make_kernel(N, lam, Q, K);
    CHECK(ritz_case(N, Q, K, lam, 0, 1, 2, 0, "rank 2, exact span") == 0,
          "an exact span of a rank-2 kernel must certify");
    ritz_case(N, Q, K, lam, 0, 1, 2, 1e-9, "rank 2, span off by 1e-9");
    CHECK(ritz_case(N, Q, K, lam, 0, 1, 2, 1e-4, "rank 2, span off by 1e-4") == 1,
          "a span 1e-4 off must be refused");
    lam[2] = 1e-3;
    make_kernel(N, lam, Q, K);
    CHECK(ritz_case(N, Q, K, lam, 0, 1, 2, 0, "third eigenvalue 1e-3, exact span") == 1,
          "a third eigenvalue of 1e-3 must be refused");
    lam[2] = 4.5;
    make_kernel(N, lam, Q, K);
    double sorted[3] = {5, 4.5, 4};
    CHECK(ritz_case(N, Q, K, sorted, 0, 1, 2, 0, "a larger eigenvalue off the span") == 1,
          "missing the second eigenvector must be refused");
    for (int t = 0; t < 12; t++) {
        double phi = pow(10.0, -4 - 0.5 * t);
        lam[2] = 0;
        make_kernel(N, lam, Q, K);
        char what[64];
        snprintf(what, sizeof what, "rank 2, span off by %.1e", phi);
        ritz_case(N, Q, K, lam, 0, 1, 2, phi, what);
    }
}

/* Records of two runs must be equal to the bit when only the thread
 * count differs. */
static void check_threads(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.data = DATA_MIX1D;
    cfg.n = 64;
    cfg.width = 9000;
    cfg.loss = LOSS_MSE;
    cfg.eta_rel = 1.9;
    nqm_record recs[2][40];
    for (int run = 0; run < 2; run++) {
        cfg.threads = run ? 3 : 1;
        char err[256];
        nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
        CHECK(s != NULL, "%s", err);
        for (int t = 0; s && t < 40; t++) {
            recs[run][t] = *nqm_session_record(s);
            nqm_session_step(s);
        }
        nqm_session_free(s);
    }
    int same = 1;
    for (int t = 0; t < 40; t++)
        same &= recs[0][t].loss == recs[1][t].loss && recs[0][t].g == recs[1][t].g &&
                recs[0][t].lambda[0] == recs[1][t].lambda[0] &&
                recs[0][t].lambda[1] == recs[1][t].lambda[1];
    printf("1 vs 3 threads, 40 steps: %s\n", same ? "identical" : "DIFFERENT");
    CHECK(same, "results depend on the thread count");
    nqm_config_free(&cfg);
}

/* Gram mode against rows mode on the same d > n data, the same residuals. */
static void check_gram(nqm_model_kind kind, nqm_activation act)
{
    enum { N = 6, D = 20, STEPS = 15 };
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.model = kind;
    cfg.activation = act;
    cfg.data = DATA_GAUSS;
    cfg.n = N;
    cfg.d = D;
    cfg.width = 300;
    nqm_data data;
    char err[256];
    nqm_model *gram = NULL, *rows = NULL;
    if (nqm_data_make(&cfg, &data, err, sizeof err) != 0 ||
        nqm_model_new(&cfg, &data, &gram, err, sizeof err) != 0 ||
        nqm_model_new(&cfg, &data, &rows, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return;
    }
    size_t p;
    rows->ops->params(rows, &p); /* handing out w puts a model in rows mode */
    double gg[N], gr[N], Kg[N * N], Kr[N * N], r[N], worst = 0;
    gram->ops->advance(gram, 0, NULL, gg, NULL);
    for (int t = 0; t < STEPS; t++) {
        for (int i = 0; i < N; i++)
            r[i] = gg[i] - data.y[i];
        gram->ops->advance(gram, 0.5, r, gg, Kg);
        rows->ops->advance(rows, 0.5, r, gr, Kr);
        double kmax = 0;
        for (int i = 0; i < N * N; i++)
            kmax = fmax(kmax, fabs(Kr[i]));
        for (int i = 0; i < N; i++)
            worst = fmax(worst, fabs(gg[i] - gr[i]) / fmax(1, fabs(gr[i])));
        for (int i = 0; i < N * N; i++)
            worst = fmax(worst, fabs(Kg[i] - Kr[i]) / kmax);
    }
    double *wg = gram->ops->params(gram, &p), *wr = rows->ops->params(rows, &p), wmax = 0;
    double wdiff = 0;
    for (size_t j = 0; j < p; j++) {
        wmax = fmax(wmax, fabs(wr[j]));
        wdiff = fmax(wdiff, fabs(wg[j] - wr[j]));
    }
    worst = fmax(worst, wdiff / wmax);
    printf("gram vs rows, %-4s %-6s d = %d > n = %d: %d steps, max rel diff %.2e\n",
           nqm_model_name(kind), nqm_activation_name(act), D, N, STEPS, worst);
    CHECK(worst < 1e-10, "gram mode %s/%s: %.3g", nqm_model_name(kind), nqm_activation_name(act),
          worst);
    nqm_model_free(gram);
    nqm_model_free(rows);
    nqm_data_free(&data);
    nqm_config_free(&cfg);
}

int main(void)
{
    check_eigs();
    check_certificate();
    check_threads();
    nqm_model_kind kinds[] = {MODEL_NET, MODEL_LIN, MODEL_QUAD};
    for (int k = 0; k < 3; k++) {
        check_gram(kinds[k], ACT_RELU);
        check_gram(kinds[k], ACT_TANH);
    }
    return check_report("test_engine");
}
