/* test_hessian.c: the loss Hessian's products and its top eigenvalue for
 * every family with a curvature op, against independent relations: each
 * product H v against central differences of the gradient s J^T (g - y)
 * (the vjp of the residual at displaced points), and the Krylov top
 * eigenvalue against LAPACK's on the Hessian assembled column by column
 * from those differences. For lin (no curvature) it must also equal
 * lambda1 of s K, K the kernel the model assembles. A session with
 * sharpness_every = 1 must report, at every step of a catapult of a
 * narrow tanh network, the dense top eigenvalue of the Hessian assembled
 * from differences at that step's point; with it off, NaN. */
#include <string.h>

#include "check.h"
#include "families.h"
#include "nqmtop/base/eigen.h"
#include "nqmtop/model/hessian.h"
#include "nqmtop/train/session.h"

enum { N = 4, M = 5 };

static const double FD_H = 1e-5;

/* grad (p) = s J^T (g - y) at the model's current parameters. */
static void gradient(nqm_model *model, double s, const double *y, double *grad)
{
    double g[N], r[N];
    model->ops->advance(model, 0, NULL, g, NULL);
    for (int i = 0; i < N; i++)
        r[i] = s * (g[i] - y[i]);
    model->ops->vjp(model, r, grad);
}

/* col (p) = (grad(w + h v) - grad(w - h v)) / 2h, w left as it was. */
static void fd_hvp(nqm_model *model, double s, const double *y, const double *v, double *col)
{
    size_t p;
    double *w = model->ops->params(model, &p);
    double *saved = malloc(p * sizeof *saved), *gm = malloc(p * sizeof *gm);
    memcpy(saved, w, p * sizeof *w);
    for (size_t j = 0; j < p; j++)
        w[j] = saved[j] + FD_H * v[j];
    gradient(model, s, y, col);
    for (size_t j = 0; j < p; j++)
        w[j] = saved[j] - FD_H * v[j];
    gradient(model, s, y, gm);
    memcpy(w, saved, p * sizeof *w);
    for (size_t j = 0; j < p; j++)
        col[j] = (col[j] - gm[j]) / (2 * FD_H);
    free(saved);
    free(gm);
}

static double rel_diff(size_t p, const double *a, const double *b)
{
    double num = 0, den = 0;
    for (size_t j = 0; j < p; j++) {
        num += (a[j] - b[j]) * (a[j] - b[j]);
        den += b[j] * b[j];
    }
    return sqrt(num / fmax(den, 1e-300));
}

/* Top eigenvalue of the symmetric (p, p) A (overwritten). */
static double dense_top(double *A, int p)
{
    nqm_eigen *e = nqm_eigen_new(p, 1);
    double lam = NAN;
    CHECK(e && nqm_eigen_top(e, A, &lam, NULL) == 0, "dense eigen-solve failed");
    nqm_eigen_free(e);
    return lam;
}

static void check_model(nqm_config *cfg, const nqm_data *data, const char *label)
{
    char err[256];
    nqm_model *model = NULL;
    if (nqm_model_new(cfg, data, &model, err, sizeof err) != 0) {
        CHECK(0, "%s: %s", label, err);
        return;
    }
    const double s = 2.0 / N;
    double g[N], r[N], y[N], c[N] = {0.7, -1.1, 0.4, 0.9};
    for (int step = 0; step < 3; step++) /* away from w0: quad's and lin's terms matter */
        model->ops->advance(model, 0.4, c, g, NULL);
    model->ops->advance(model, 0, NULL, g, NULL);
    for (int i = 0; i < N; i++) { /* targets far from g: a large curvature term */
        y[i] = 3 * data->y[i] - 1;
        r[i] = g[i] - y[i];
    }
    CHECK(nqm_hessian_supported(model), "%s: no curvature op", label);
    nqm_hessian *h = nqm_hessian_new(model);
    if (!h) {
        nqm_model_free(model);
        return;
    }
    const size_t p = nqm_hessian_dim(h);
    double *v = malloc(p * sizeof *v), *Hv = malloc(p * sizeof *Hv);
    double *fd = malloc(p * sizeof *fd), *A = malloc(p * p * sizeof *A);
    double worst = 0;
    for (int trial = 0; trial < 2; trial++) {
        for (size_t j = 0; j < p; j++)
            v[j] = sin(1.0 + (3.7 + trial) * (double)j);
        CHECK(nqm_hessian_apply(h, s, r, NULL, v, Hv) == 0, "%s: product failed", label);
        fd_hvp(model, s, y, v, fd);
        worst = fmax(worst, rel_diff(p, Hv, fd));
    }
    CHECK(worst < 1e-7, "%s: H v vs FD of the gradient: rel diff %.3g", label, worst);
    /* the Hessian assembled from differences along the axes, symmetrised */
    for (size_t j = 0; j < p; j++) {
        memset(v, 0, p * sizeof *v);
        v[j] = 1;
        fd_hvp(model, s, y, v, A + j * p);
    }
    for (size_t j = 0; j < p; j++)
        for (size_t i = 0; i < j; i++)
            A[i * p + j] = A[j * p + i] = 0.5 * (A[i * p + j] + A[j * p + i]);
    double dense = dense_top(A, (int)p), top = NAN;
    int products = 0;
    int rc = nqm_hessian_top(h, s, r, NULL, 1e-10, 400, &top, &products);
    CHECK(rc == 0, "%s: Krylov did not converge (rc %d, %d products)", label, rc, products);
    double rel = fabs(top - dense) / fabs(dense);
    CHECK(rel < 1e-7, "%s: sharpness %.12g vs dense FD Hessian %.12g (rel %.3g)", label, top, dense,
          rel);
    double K[N * N], lam1 = NAN;
    model->ops->advance(model, 0, NULL, g, K);
    for (int i = 0; i < N * N; i++)
        K[i] *= s;
    nqm_eigen *e = nqm_eigen_new(N, 1);
    nqm_eigen_top(e, K, &lam1, NULL);
    nqm_eigen_free(e);
    if (cfg->model == MODEL_LIN)
        CHECK(fabs(top - lam1) < 1e-9 * lam1, "%s: sharpness %.12g != lambda1(sK) %.12g", label,
              top, lam1);
    printf("%-20s p = %3zu  H v rel %.1e  top %.6g dense rel %.1e  lambda1 %.6g  (%d products)\n",
           label, p, worst, top, rel, lam1, products);
    free(v);
    free(Hv);
    free(fd);
    free(A);
    nqm_hessian_free(h);
    nqm_model_free(model);
}

/* The dense top eigenvalue of the loss Hessian at the model's point,
 * assembled from differences of the gradient along the axes. */
static double fd_sharpness(nqm_model *model, double s, const double *y)
{
    size_t p;
    model->ops->params(model, &p);
    double *v = calloc(p, sizeof *v), *A = malloc(p * p * sizeof *A), g[N];
    for (size_t j = 0; j < p; j++) {
        v[j] = 1;
        fd_hvp(model, s, y, v, A + j * p);
        v[j] = 0;
    }
    model->ops->advance(model, 0, NULL, g, NULL); /* back at the point itself */
    for (size_t j = 0; j < p; j++)
        for (size_t i = 0; i < j; i++)
            A[i * p + j] = A[j * p + i] = 0.5 * (A[i * p + j] + A[j * p + i]);
    double top = dense_top(A, (int)p);
    free(v);
    free(A);
    return top;
}

static nqm_session *open_session(nqm_model_kind kind, long every)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.data = DATA_GAUSS;
    cfg.n = N;
    cfg.d = kind == MODEL_THEORY ? 1 : 2;
    cfg.width = kind == MODEL_THEORY ? 40 : 6;
    cfg.seed = 5;
    cfg.model = kind;
    cfg.activation = kind == MODEL_THEORY ? ACT_RELU : ACT_TANH;
    cfg.loss = LOSS_MSE;
    cfg.eta_mode = ETA_RELATIVE;
    cfg.eta_rel = 1.6;
    cfg.sharpness_every = every;
    char err[256];
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(s != NULL, "session: %s", err);
    nqm_config_free(&cfg);
    return s;
}

/* Every step of a run against the dense eigen-solve; lin against lambda1. */
static void check_session(nqm_model_kind kind, int steps)
{
    nqm_session *s = open_session(kind, 1);
    if (!s)
        return;
    const nqm_data *data = nqm_session_data(s);
    const double scale = nqm_loss_scale(LOSS_MSE, data->n);
    double worst = 0, gap_max = 0, peak = 0;
    for (int t = 0; t <= steps; t++) {
        if (t > 0 && nqm_session_step(s) != 0)
            break;
        const nqm_record *rec = nqm_session_record(s);
        double dense = fd_sharpness(nqm_session_model(s), scale, data->y);
        worst = fmax(worst, fabs(rec->sharpness - dense) / fabs(dense));
        gap_max = fmax(gap_max, fabs(rec->sharpness - rec->lambda_max) / rec->lambda_max);
        peak = fmax(peak, rec->loss);
    }
    const char *name = nqm_model_name(kind);
    CHECK(worst < 1e-7, "%s session: sharpness vs dense FD Hessian at some step: rel %.3g", name,
          worst);
    if (kind == MODEL_LIN)
        CHECK(gap_max < 1e-9, "lin session: sharpness vs lambda1: rel %.3g", gap_max);
    else
        CHECK(gap_max > 1e-3, "%s session: sharpness never left lambda1 (gap %.3g)", name, gap_max);
    nqm_run_summary sum;
    nqm_session_summarize(s, &sum);
    CHECK(sum.sharpness_final == nqm_session_record(s)->sharpness, "%s: summary's final sharpness",
          name);
    printf("%-4s session: %d steps, sharpness vs dense rel %.1e, |sharpness - lambda1| / lambda1 "
           "up to %.3g, peak loss %.3g\n",
           name, steps, worst, gap_max, peak);
    nqm_session_free(s);
}

/* Off: NaN in every record and the summary; every 3: only those steps. */
static void check_every(void)
{
    nqm_session *off = open_session(MODEL_NET, 0), *third = open_session(MODEL_NET, 3);
    if (!off || !third)
        return;
    for (int t = 1; t <= 7; t++) {
        nqm_session_step(off);
        nqm_session_step(third);
        CHECK(isnan(nqm_session_record(off)->sharpness), "off: sharpness at step %d", t);
        CHECK(isnan(nqm_session_record(third)->sharpness) == (t % 3 != 0),
              "every 3: sharpness at step %d is %g", t, nqm_session_record(third)->sharpness);
    }
    nqm_run_summary sum;
    nqm_session_summarize(off, &sum);
    CHECK(isnan(sum.sharpness0) && isnan(sum.sharpness_final), "off: summary sharpness");
    nqm_session_free(off);
    nqm_session_free(third);
}

int main(void)
{
    check_families(N, 1, M, 11, check_model);
    check_families(N, 3, M, 11, check_model);
    check_session(MODEL_NET, 40);
    check_session(MODEL_QUAD, 40);
    check_session(MODEL_LIN, 10);
    check_every();
    return check_report("test_hessian");
}
