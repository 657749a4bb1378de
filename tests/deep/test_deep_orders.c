/* test_deep_orders.c: along a ray w0 + t v the quadratic model agrees
 * with the network to third order and the linearisation to second: the
 * errors |f - f_quad| and |f - f_lin| shrink about 8x and 4x when t
 * halves. Measured for every depth and activation of the mlp (biases on
 * and off) and for the cnn. Where f is itself a polynomial of degree <= 2
 * in w along the ray (depth 2 with relu or linear, the linear cnn) f_quad
 * must equal f to rounding instead. */
#include <stdlib.h>

#include "deep.h"

enum { N = 3 };

typedef struct {
    nqm_data data;
    nqm_model *net, *lin, *quad;
    double *w0;
    size_t p;
} trio;

static int trio_new(nqm_config *cfg, trio *t)
{
    nqm_model **slots[] = {&t->net, &t->lin, &t->quad};
    static const nqm_model_kind kinds[] = {MODEL_NET, MODEL_LIN, MODEL_QUAD};
    char err[256];
    if (nqm_data_make(cfg, &t->data, err, sizeof err) != 0) {
        CHECK(0, "data: %s", err);
        return -1;
    }
    for (int k = 0; k < 3; k++) {
        cfg->model = kinds[k];
        if (deep_model(cfg, &t->data, slots[k]) != 0)
            return -1;
    }
    double *w = t->net->ops->params(t->net, &t->p);
    t->w0 = malloc(t->p * sizeof *t->w0);
    memcpy(t->w0, w, t->p * sizeof *w);
    return 0;
}

static void trio_free(trio *t)
{
    free(t->w0);
    nqm_model_free(t->net);
    nqm_model_free(t->lin);
    nqm_model_free(t->quad);
    nqm_data_free(&t->data);
}

/* Largest |f - f_quad| and |f - f_lin| over the examples at w0 + t v. */
static void errors_at(trio *tr, const double *v, double t, double *eq, double *el)
{
    double *w = tr->net->ops->params(tr->net, &tr->p);
    double *dl = tr->lin->ops->params(tr->lin, &tr->p),
           *dq = tr->quad->ops->params(tr->quad, &tr->p);
    for (size_t j = 0; j < tr->p; j++) {
        w[j] = tr->w0[j] + t * v[j];
        dl[j] = dq[j] = t * v[j];
    }
    double f[N], gl[N], gq[N];
    deep_outputs(tr->net, f);
    deep_outputs(tr->lin, gl);
    deep_outputs(tr->quad, gq);
    *eq = *el = 0;
    for (int i = 0; i < N; i++) {
        *eq = fmax(*eq, fabs(f[i] - gq[i]));
        *el = fmax(*el, fabs(f[i] - gl[i]));
    }
}

static double worst8 = 0, best8 = 1e9, worst4 = 0, best4 = 1e9;

static void check_orders(nqm_config *cfg, int quadratic)
{
    char label[96];
    trio tr = {0};
    if (trio_new(cfg, &tr) != 0) {
        trio_free(&tr);
        return;
    }
    deep_label(cfg, label, sizeof label);
    double *v = malloc(tr.p * sizeof *v);
    for (size_t j = 0; j < tr.p; j++)
        v[j] = sin(2.0 + 1.3 * (double)j);
    const double t = 0.004; /* small enough that no relu gate flips along the ray */
    double eq1, el1, eq2, el2;
    errors_at(&tr, v, t, &eq1, &el1);
    errors_at(&tr, v, t / 2, &eq2, &el2);
    double r4 = el1 / el2;
    CHECK(r4 > 3.8 && r4 < 4.2, "%s: |f - f_lin| shrinks %.3f x when t halves, want ~4", label, r4);
    worst4 = fmax(worst4, r4);
    best4 = fmin(best4, r4);
    if (quadratic) {
        CHECK(eq1 < 1e-13 && eq2 < 1e-13, "%s: f is quadratic, yet |f - f_quad| = %.3g, %.3g",
              label, eq1, eq2);
    } else {
        double r8 = eq1 / eq2;
        CHECK(r8 > 7.6 && r8 < 8.4, "%s: |f - f_quad| shrinks %.3f x when t halves, want ~8", label,
              r8);
        worst8 = fmax(worst8, r8);
        best8 = fmin(best8, r8);
    }
    free(v);
    trio_free(&tr);
}

int main(void)
{
    nqm_config cfg;
    int cases = 0;
    static const int depths[] = {2, 3, 4, 8, 16};
    for (int di = 0; di < 5; di++)
        for (int biases = 0; biases <= 1; biases++)
            for (int a = 0; a < ACT_COUNT; a++) {
                const int depth = depths[di];
                deep_mlp_config(&cfg, depth, biases, N, 3, 6);
                cfg.activation = (nqm_activation)a;
                int piecewise_linear = a == ACT_RELU || a == ACT_LINEAR;
                check_orders(&cfg, depth == 2 && piecewise_linear);
                nqm_config_free(&cfg);
                cases++;
            }
    for (int readout = 0; readout < READOUT_COUNT; readout++)
        for (int a = 0; a < ACT_COUNT; a++) {
            deep_cnn_config(&cfg, (nqm_readout)readout, 1, N, 5, 3);
            cfg.activation = (nqm_activation)a;
            check_orders(&cfg, a == ACT_RELU || a == ACT_LINEAR);
            nqm_config_free(&cfg);
            cases++;
        }
    printf("%d networks: |f - f_lin| ratio %.3f..%.3f (want 4), |f - f_quad| ratio %.3f..%.3f "
           "(want 8)\n",
           cases, best4, worst4, best8, worst8);
    return check_report("test_deep_orders");
}
