/* test_hessian.c: the loss Hessian's products and its top eigenvalue for
 * every family with a curvature op, against independent relations: each
 * product H v against central differences of the gradient s J^T (g - y)
 * (the vjp of the residual at displaced points), and the Krylov top
 * eigenvalue against LAPACK's on the Hessian assembled column by column
 * from those differences. For lin (no curvature) it must also equal
 * lambda1 of s K, K the kernel the model assembles. */
#include <string.h>

#include "check.h"
#include "nqmtop/base/eigen.h"
#include "nqmtop/model/hessian.h"

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
        CHECK(nqm_hessian_apply(h, s, r, v, Hv) == 0, "%s: product failed", label);
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
    int rc = nqm_hessian_top(h, s, r, 1e-10, 400, &top, &products);
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

static void check_dimension(int d)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.data = DATA_GAUSS;
    cfg.n = N;
    cfg.d = d;
    cfg.width = M;
    cfg.seed = 11;
    nqm_data data;
    char err[256], label[64];
    if (nqm_data_make(&cfg, &data, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return;
    }
    nqm_model_kind kinds[] = {MODEL_NET, MODEL_LIN, MODEL_QUAD};
    for (int k = 0; k < 3; k++)
        for (int a = 0; a < ACT_COUNT; a++) {
            cfg.model = kinds[k];
            cfg.activation = (nqm_activation)a;
            snprintf(label, sizeof label, "%s/%s d=%d", nqm_model_name(cfg.model),
                     nqm_activation_name(cfg.activation), d);
            check_model(&cfg, &data, label);
        }
    cfg.model = MODEL_GQM;
    cfg.gamma = 0.3;
    snprintf(label, sizeof label, "gqm d=%d", d);
    check_model(&cfg, &data, label);
    nqm_data_free(&data);
    nqm_config_free(&cfg);
}

int main(void)
{
    check_dimension(1);
    check_dimension(3);
    return check_report("test_hessian");
}
