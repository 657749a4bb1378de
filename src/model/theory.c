/* theory.c: the paper's dynamics equations as a model (`theory`): GD on the
 * relu NQM run in O(n) per step instead of O(n m d), for any width.
 *
 * For relu the NQM is the network with gates frozen at w0. On 1-D data
 * (or on one example, through x_eff = |x| / sqrt(d)) every example with
 * x_i > 0 sees the same neurons (u0_k > 0) and every x_i < 0 the others,
 * so with the directions p+ = x 1{x > 0}, p- = x 1{x < 0} (Prop. 1)
 *
 *     g = q+ p+ + q- p-,          K = kappa+ p+ p+^T + kappa- p- p-^T,
 *     q_a = (1/sqrt m) sum_{k in a} u_k v_k,
 *     kappa_a = (1/m) sum_{k in a} (u_k^2 + v_k^2).
 *
 * One GD step with R_a = <r, p_a> and h = eta * s is, exactly,
 *
 *     q_a'     = q_a - h R_a kappa_a + h^2 R_a^2 q_a / m
 *     kappa_a' = kappa_a + h^2 R_a^2 kappa_a / m - 4 h R_a q_a / m
 *
 * which on one example is eq. 11-12 (lambda = kappa |x|^2/d, c = |x|^2/(m d))
 * and on several is the two-direction system of eq. 14-15 with the
 * unnormalised p+, p-. The start (q_a, kappa_a) is the quad model's for the
 * same seed: streamed from the same random numbers while that is cheap,
 * and drawn from its exact distribution for widths no simulation reaches. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/model/model.h"
#include "nqmtop/base/rng.h"

/* Above this many random numbers the start is sampled, not streamed. */
#define NQM_THEORY_STREAM_LIMIT 5e7

typedef struct {
    nqm_model base;
    int n, d;
    double m;
    double q[2], kappa[2]; /* per direction: + (index 0) and - (index 1) */
    double *xeff;          /* (n) effective 1-D inputs */
} theory;

static int direction(double x) { return x > 0 ? 0 : x < 0 ? 1 : -1; }

static int theory_advance(nqm_model *self, double eta_s, const double *r, double *g, double *K)
{
    theory *t = (theory *)self;
    const int n = t->n;
    if (r) {
        double R[2] = {0, 0};
        for (int i = 0; i < n; i++) {
            int a = direction(t->xeff[i]);
            if (a >= 0)
                R[a] += r[i] * t->xeff[i];
        }
        for (int a = 0; a < 2; a++) {
            double h = eta_s, q = t->q[a], kap = t->kappa[a], RR = R[a] * R[a];
            t->q[a] = q - h * R[a] * kap + h * h * RR * q / t->m;
            t->kappa[a] = kap + h * h * RR * kap / t->m - 4 * h * R[a] * q / t->m;
        }
    }
    for (int i = 0; i < n; i++) {
        int a = direction(t->xeff[i]);
        g[i] = a >= 0 ? t->q[a] * t->xeff[i] : 0;
    }
    if (K)
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                int a = direction(t->xeff[i]);
                K[(size_t)j * n + i] = a >= 0 && a == direction(t->xeff[j])
                                           ? t->kappa[a] * t->xeff[i] * t->xeff[j]
                                           : 0;
            }
    return 0;
}

/* Outputs on other 1-D inputs: g(x) = q_a x in the direction a of x. */
static int theory_predict(nqm_model *self, const double *X, int n, double *g)
{
    theory *t = (theory *)self;
    if (t->d != 1)
        return -1;
    for (int i = 0; i < n; i++) {
        int a = direction(X[i]);
        g[i] = a >= 0 ? t->q[a] * X[i] : 0;
    }
    return 0;
}

static double *theory_params(nqm_model *self, size_t *p)
{
    (void)self;
    *p = 0;
    return NULL;
}

static void theory_free(nqm_model *self)
{
    theory *t = (theory *)self;
    free(t->xeff);
    free(t);
}

static const nqm_model_ops theory_ops = {.advance = theory_advance,
                                         .params = theory_params,
                                         .free = theory_free,
                                         .predict = theory_predict};

/* The quad model's start, from the very numbers twolayer.c draws: neuron k
 * takes u_k (d normals) then v_k. The direction of neuron k is the sign of
 * u_k . e with e = x / |x| (one example) or e = 1 (1-D data). */
static void stream_start(theory *t, const nqm_config *cfg, const double *e, int d)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, cfg->seed, NQM_STREAM_INIT);
    double uv[2] = {0, 0}, sq[2] = {0, 0};
    for (long k = 0; k < cfg->width; k++) {
        double h = 0;
        for (int j = 0; j < d; j++)
            h += nqm_rng_normal(&rng) * e[j];
        double v = nqm_rng_normal(&rng);
        int a = h > 0 ? 0 : 1;
        uv[a] += h * v;
        sq[a] += h * h + v * v;
    }
    for (int a = 0; a < 2; a++) {
        t->q[a] = uv[a] / sqrt(t->m);
        t->kappa[a] = sq[a] / t->m;
    }
}

static double chi2(nqm_rng *rng, double dof)
{
    return dof > 0 ? 2 * nqm_rng_gamma(rng, dof / 2) : 0;
}

/* The same start drawn from its distribution: N_a ~ Binomial(m, 1/2)
 * neurons per direction with |h| half-normal and v normal, so that
 * sum h^2 ~ chi2(N), sum h v = |h| xi and sum v^2 = xi^2 + chi2(N - 1). */
static void sample_start(theory *t, const nqm_config *cfg)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, cfg->seed, NQM_STREAM_INIT);
    double half = t->m / 2, active = floor(half + sqrt(t->m) / 2 * nqm_rng_normal(&rng) + 0.5);
    double count[2];
    count[0] = active < 0 ? 0 : active > t->m ? t->m : active;
    count[1] = t->m - count[0];
    for (int a = 0; a < 2; a++) {
        double hh = chi2(&rng, count[a]), xi = count[a] > 0 ? nqm_rng_normal(&rng) : 0;
        double vv = xi * xi + chi2(&rng, count[a] - 1);
        t->q[a] = sqrt(hh) * xi / sqrt(t->m);
        t->kappa[a] = (hh + vv) / t->m;
    }
}

int nqm_theory_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                   size_t errlen)
{
    const int n = data->n, d = data->d;
    if (n != 1 && d != 1) {
        snprintf(err, errlen,
                 "theory: the dynamics equations need one example or 1-D data "
                 "(here n = %d, d = %d)",
                 n, d);
        return -1;
    }
    theory *t = calloc(1, sizeof *t);
    double *e = malloc((size_t)d * sizeof *e);
    if (t)
        t->xeff = malloc((size_t)n * sizeof *t->xeff);
    if (!t || !e || !t->xeff) {
        free(e);
        if (t)
            theory_free(&t->base);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    t->base.ops = &theory_ops;
    t->base.n = n;
    t->n = n;
    t->d = d;
    t->m = (double)cfg->width;
    if (d == 1) {
        e[0] = 1;
        memcpy(t->xeff, data->X, (size_t)n * sizeof *t->xeff);
    } else {
        double norm = 0;
        for (int j = 0; j < d; j++)
            norm += data->X[j] * data->X[j];
        norm = sqrt(norm);
        for (int j = 0; j < d; j++)
            e[j] = norm > 0 ? data->X[j] / norm : 0;
        t->xeff[0] = norm / sqrt((double)d);
    }
    if (t->m * (d + 1) <= NQM_THEORY_STREAM_LIMIT)
        stream_start(t, cfg, e, d);
    else
        sample_start(t, cfg);
    free(e);
    *out = &t->base;
    return 0;
}
