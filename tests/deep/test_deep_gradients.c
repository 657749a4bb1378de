/* test_deep_gradients.c: the mlp (depth 2, 3, 4, 8 and 16, with and without biases)
 * and the cnn (average and linear readout) in every variant and
 * activation against finite differences of their own outputs:
 *   - the GD step is -eta_s J^T r, the kernel J J^T, with J the central-
 *     difference Jacobian, away from w0 so that lin / quad terms matter;
 *   - the matrix-free products J v, J^T u and K u agree with that J;
 *   - the second directional derivative v^T H v of the network at w0,
 *     taken by the quad and lin jets as 2 (f_quad - f_lin) at D = v,
 *     agrees with the second central difference of f along v. */
#include <stdlib.h>

#include "deep.h"
#include "nqmtop/model/deep.h"

enum { N = 4 };

/* (n, p) Jacobian by central differences, row-major. */
static void fd_jacobian(nqm_model *model, double *w, size_t p, double *J)
{
    const double h = 1e-6;
    double gp[N], gm[N];
    for (size_t j = 0; j < p; j++) {
        double saved = w[j];
        w[j] = saved + h;
        deep_outputs(model, gp);
        w[j] = saved - h;
        deep_outputs(model, gm);
        w[j] = saved;
        for (int i = 0; i < N; i++)
            J[(size_t)i * p + j] = (gp[i] - gm[i]) / (2 * h);
    }
}

/* max_i |a_i - b_i| / max(1, max_i |b_i|) */
static double rel_diff(size_t len, const double *a, const double *b)
{
    double worst = 0, scale = 1;
    for (size_t i = 0; i < len; i++)
        scale = fmax(scale, fabs(b[i]));
    for (size_t i = 0; i < len; i++)
        worst = fmax(worst, fabs(a[i] - b[i]));
    return worst / scale;
}

static double worst_seen;

static void expect_close(size_t len, const double *got, const double *want, double tol,
                         const char *label, const char *what)
{
    double diff = rel_diff(len, got, want);
    worst_seen = fmax(worst_seen, diff);
    CHECK(diff < tol, "%s: %s: max rel diff %.3g", label, what, diff);
}

/* Products with J (n, p) row-major. */
static void mul_J(const double *J, size_t p, const double *v, double *Jv)
{
    for (int i = 0; i < N; i++) {
        Jv[i] = 0;
        for (size_t j = 0; j < p; j++)
            Jv[i] += J[(size_t)i * p + j] * v[j];
    }
}

static void mul_JT(const double *J, size_t p, const double *u, double *JTu)
{
    for (size_t j = 0; j < p; j++) {
        JTu[j] = 0;
        for (int i = 0; i < N; i++)
            JTu[j] += J[(size_t)i * p + j] * u[i];
    }
}

static void check_first_order(nqm_config *cfg)
{
    char label[96];
    deep_label(cfg, label, sizeof label);
    nqm_data data;
    nqm_model *model;
    if (deep_build(cfg, &data, &model) != 0)
        return;
    double g[N], K[N * N], r[N] = {0.7, -1.1, 0.4, 0.9}, u[N] = {0.3, -0.8, 1.2, -0.5};
    for (int s = 0; s < 3; s++)
        model->ops->advance(model, 0.2, r, g, NULL);
    size_t p;
    double *w = model->ops->params(model, &p);
    double *J = malloc(N * p * sizeof *J), *v = malloc(p * sizeof *v);
    double *a = malloc(p * sizeof *a), *b = malloc(p * sizeof *b);
    fd_jacobian(model, w, p, J);

    double JJT[N * N], Ku[N], want[N];
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double acc = 0;
            for (size_t j = 0; j < p; j++)
                acc += J[(size_t)i * p + j] * J[(size_t)k * p + j];
            JJT[(size_t)k * N + i] = acc;
        }
    model->ops->advance(model, 0, NULL, g, K);
    expect_close(N * N, K, JJT, 1e-6, label, "kernel vs FD J J^T");

    for (size_t j = 0; j < p; j++)
        v[j] = sin(1.0 + 0.37 * (double)j);
    nqm_deep_jvp(model, v, g);
    mul_J(J, p, v, want);
    expect_close(N, g, want, 1e-6, label, "J v vs FD");
    nqm_deep_vjp(model, u, a);
    mul_JT(J, p, u, b);
    expect_close(p, a, b, 1e-6, label, "J^T u vs FD");
    nqm_deep_kernel_product(model, u, Ku);
    for (int i = 0; i < N; i++) {
        want[i] = 0;
        for (int k = 0; k < N; k++)
            want[i] += JJT[(size_t)k * N + i] * u[k];
    }
    expect_close(N, Ku, want, 1e-6, label, "K u vs FD");

    memcpy(a, w, p * sizeof *w);
    model->ops->advance(model, 1.0, u, g, NULL);
    for (size_t j = 0; j < p; j++)
        a[j] -= w[j];
    expect_close(p, a, b, 1e-6, label, "GD step vs FD J^T r");
    free(J);
    free(v);
    free(a);
    free(b);
    nqm_model_free(model);
    nqm_data_free(&data);
}

/* v^T H v at w0: 2 (f_quad - f_lin) at D = v against the network's second
 * central difference along v. */
static void check_second_order(nqm_config *cfg)
{
    char label[96];
    nqm_data data;
    nqm_model *net, *lin = NULL, *quad = NULL;
    cfg->model = MODEL_NET;
    if (deep_build(cfg, &data, &net) != 0)
        return;
    cfg->model = MODEL_LIN;
    int ok = deep_model(cfg, &data, &lin) == 0;
    cfg->model = MODEL_QUAD;
    ok = ok && deep_model(cfg, &data, &quad) == 0;
    if (!ok) {
        nqm_model_free(net);
        nqm_model_free(lin);
        nqm_data_free(&data);
        return;
    }
    deep_label(cfg, label, sizeof label);
    size_t p;
    double *w = net->ops->params(net, &p);
    double *dl = lin->ops->params(lin, &p), *dq = quad->ops->params(quad, &p);
    double *w0 = malloc(p * sizeof *w0);
    memcpy(w0, w, p * sizeof *w);
    for (size_t j = 0; j < p; j++)
        dl[j] = dq[j] = cos(0.5 + 0.71 * (double)j);
    double f0[N], fp[N], fm[N], gl[N], gq[N], jet[N], fd[N];
    const double h = 1e-4;
    deep_outputs(net, f0);
    for (size_t j = 0; j < p; j++)
        w[j] = w0[j] + h * dq[j];
    deep_outputs(net, fp);
    for (size_t j = 0; j < p; j++)
        w[j] = w0[j] - h * dq[j];
    deep_outputs(net, fm);
    deep_outputs(lin, gl);
    deep_outputs(quad, gq);
    for (int i = 0; i < N; i++) {
        jet[i] = 2 * (gq[i] - gl[i]);
        fd[i] = (fp[i] - 2 * f0[i] + fm[i]) / (h * h);
    }
    expect_close(N, jet, fd, 1e-5, label, "v^T H v vs second difference");
    free(w0);
    nqm_model_free(net);
    nqm_model_free(lin);
    nqm_model_free(quad);
    nqm_data_free(&data);
}

static void check_all(nqm_config *cfg)
{
    static const nqm_model_kind kinds[] = {MODEL_NET, MODEL_LIN, MODEL_QUAD};
    for (int a = 0; a < ACT_COUNT; a++) {
        cfg->activation = (nqm_activation)a;
        for (int k = 0; k < 3; k++) {
            cfg->model = kinds[k];
            check_first_order(cfg);
        }
        check_second_order(cfg);
    }
}

int main(void)
{
    nqm_config cfg;
    int cases = 0;
    static const int depths[] = {2, 3, 4, 8, 16};
    for (int di = 0; di < 5; di++)
        for (int biases = 0; biases <= 1; biases++) {
            const int depth = depths[di];
            deep_mlp_config(&cfg, depth, biases, N, 3, 5);
            check_all(&cfg);
            nqm_config_free(&cfg);
            cases++;
        }
    for (int readout = 0; readout < READOUT_COUNT; readout++)
        for (int biases = 0; biases <= 1; biases++) {
            deep_cnn_config(&cfg, (nqm_readout)readout, biases, N, 5, 3);
            check_all(&cfg);
            nqm_config_free(&cfg);
            cases++;
        }
    printf("%d networks x %d activations x (net, lin, quad, second order): worst rel diff "
           "%.3g\n",
           cases, ACT_COUNT, worst_seen);
    return check_report("test_deep_gradients");
}
