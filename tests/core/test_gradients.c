/* test_gradients.c: every model x activation against finite differences.
 * The GD step a model takes must be -eta_s J^T r with J the central-
 * difference Jacobian of its outputs, and its kernel must equal J J^T.
 * d = 1 takes the two-layer code's gate-pattern pass for relu and linear
 * (gates1d.c) and its per-neuron loops for the others, d = 3 the
 * per-neuron loops, d = 6 (more dimensions than examples) its gram mode,
 * which handing out the parameters turns into the per-neuron loops. The
 * vjp and jvp ops must give J^T c and J v with the same J. */
#include <string.h>

#include "check.h"
#include "families.h"
#include "nqmtop/model/model.h"

enum { N = 4, M = 5 };

static void outputs(nqm_model *model, double *g) { model->ops->advance(model, 0, NULL, g, NULL); }

/* (n, p) Jacobian by central differences, row-major. */
static void fd_jacobian(nqm_model *model, double *w, size_t p, double *J)
{
    const double h = 1e-6;
    double gp[N], gm[N];
    for (size_t j = 0; j < p; j++) {
        double saved = w[j];
        w[j] = saved + h;
        outputs(model, gp);
        w[j] = saved - h;
        outputs(model, gm);
        w[j] = saved;
        for (int i = 0; i < N; i++)
            J[(size_t)i * p + j] = (gp[i] - gm[i]) / (2 * h);
    }
}

/* The vjp and jvp ops (what optimizers other than GD step with) against
 * the finite-difference Jacobian J (N, p): J^T c and J v. */
static void check_products(nqm_model *model, const double *J, size_t p, const double *c,
                           const char *label)
{
    const nqm_model_ops *ops = model->ops;
    CHECK(ops->vjp && ops->jvp, "%s: no vjp/jvp op", label);
    if (!ops->vjp || !ops->jvp)
        return;
    double *out = malloc(p * sizeof *out), *v = malloc(p * sizeof *v), Jv[N];
    ops->vjp(model, c, out);
    double worst = 0;
    for (size_t j = 0; j < p; j++) {
        double jtc = 0;
        for (int i = 0; i < N; i++)
            jtc += J[(size_t)i * p + j] * c[i];
        worst = fmax(worst, fabs(out[j] - jtc) / fmax(1, fabs(jtc)));
        v[j] = sin(1.0 + 3.7 * (double)j);
    }
    CHECK(worst < 1e-6, "%s: vjp vs FD J^T c: max rel diff %.3g", label, worst);
    ops->jvp(model, v, Jv);
    worst = 0;
    for (int i = 0; i < N; i++) {
        double jv = 0;
        for (size_t j = 0; j < p; j++)
            jv += J[(size_t)i * p + j] * v[j];
        worst = fmax(worst, fabs(Jv[i] - jv) / fmax(1, fabs(jv)));
    }
    CHECK(worst < 1e-6, "%s: jvp vs FD J v: max rel diff %.3g", label, worst);
    free(out);
    free(v);
}

static void check_model(nqm_config *cfg, const nqm_data *data, const char *label)
{
    char err[256], what[128];
    nqm_model *model = NULL;
    if (nqm_model_new(cfg, data, &model, err, sizeof err) != 0) {
        CHECK(0, "%s: %s", label, err);
        return;
    }
    double g[N], K[N * N], r[N] = {0.7, -1.1, 0.4, 0.9};
    /* move away from w0 so that the quadratic terms of lin/quad matter */
    for (int s = 0; s < 3; s++)
        model->ops->advance(model, 0.4, r, g, NULL);
    size_t p;
    double *w = model->ops->params(model, &p);
    double *J = malloc(N * p * sizeof *J), *saved = malloc(p * sizeof *saved);
    fd_jacobian(model, w, p, J);
    model->ops->advance(model, 0, NULL, g, K);
    double worst = 0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double jj = 0;
            for (size_t j = 0; j < p; j++)
                jj += J[(size_t)i * p + j] * J[(size_t)k * p + j];
            double diff = fabs(jj - K[(size_t)k * N + i]) / fmax(1, fabs(jj));
            worst = fmax(worst, diff);
        }
    snprintf(what, sizeof what, "%s kernel vs FD J J^T", label);
    CHECK(worst < 1e-6, "%s: max rel diff %.3g", what, worst);

    double c[N] = {0.3, -0.8, 1.2, -0.5};
    check_products(model, J, p, c, label);
    memcpy(saved, w, p * sizeof *w);
    model->ops->advance(model, 1.0, c, g, NULL);
    worst = 0;
    for (size_t j = 0; j < p; j++) {
        double jtc = 0;
        for (int i = 0; i < N; i++)
            jtc += J[(size_t)i * p + j] * c[i];
        worst = fmax(worst, fabs((saved[j] - w[j]) - jtc) / fmax(1, fabs(jtc)));
    }
    snprintf(what, sizeof what, "%s GD step vs FD J^T r", label);
    CHECK(worst < 1e-6, "%s: max rel diff %.3g", what, worst);
    printf("%-22s p = %3zu  checked\n", label, p);
    free(J);
    free(saved);
    nqm_model_free(model);
}

int main(void)
{
    check_families(N, 1, M, 7, check_model);
    check_families(N, 3, M, 7, check_model);
    check_families(N, 6, M, 7, check_model);
    return check_report("test_gradients");
}
