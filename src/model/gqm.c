/* gqm.c: the general quadratic model of paper eq. 3 / App. J.3,
 *
 *     g_i(w) = w . phi_i + (gamma / 2) w^T Sigma_i w,   phi_i = x_i / |x_i|,
 *
 * with Sigma_i diagonal with random +-1 entries (one draw per example) and
 * w0 ~ N(0, I_d), so p = d. Its Jacobian row is phi_i + gamma Sigma_i w;
 * the kernel is accumulated over blocks of parameters, never all at once.
 * A test input x gets a Sigma(x) of its own, drawn on the test-sign stream
 * (the same draws at every step), as any new example would. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/blas.h"
#include "nqmtop/model/model.h"
#include "nqmtop/base/rng.h"

enum { NQM_GQM_BLOCK = 64 };

typedef struct {
    nqm_model base;
    int n, d;
    double gamma;
    unsigned long seed;
    double *w;    /* (d) parameters */
    double *phi;  /* (n, d) normalised inputs */
    int8_t *sign; /* (n, d) diagonals of Sigma_i */
    double *J;    /* (NQM_GQM_BLOCK, n) a block of Jacobian columns */
} gqm;

/* Jacobian entries dg_i/dw_j for j in j0..j0+bs into J (bs, n). */
static void jacobian_block(const gqm *q, int j0, int bs, double *J)
{
    for (int b = 0; b < bs; b++)
        for (int i = 0; i < q->n; i++) {
            size_t ij = (size_t)i * q->d + j0 + b;
            J[(size_t)b * q->n + i] = q->phi[ij] + q->gamma * q->sign[ij] * q->w[j0 + b];
        }
}

static int gqm_advance(nqm_model *self, double eta_s, const double *r, double *g, double *K)
{
    gqm *q = (gqm *)self;
    const int n = q->n, d = q->d;
    if (K)
        memset(K, 0, (size_t)n * n * sizeof *K);
    for (int j0 = 0; j0 < d; j0 += NQM_GQM_BLOCK) {
        if (nqm_stopping(self->stop))
            return NQM_STOPPED;
        int bs = d - j0 < NQM_GQM_BLOCK ? d - j0 : NQM_GQM_BLOCK;
        if (r) {
            jacobian_block(q, j0, bs, q->J);
            for (int b = 0; b < bs; b++) {
                double acc = 0;
                for (int i = 0; i < n; i++)
                    acc += r[i] * q->J[(size_t)b * n + i];
                q->w[j0 + b] -= eta_s * acc;
            }
        }
        if (K) {
            jacobian_block(q, j0, bs, q->J);
            nqm_dsyrk("U", "N", n, bs, 1.0, q->J, n, 1.0, K, n);
        }
    }
    for (int i = 0; i < n; i++) {
        double lin = 0, quad = 0;
        for (int j = 0; j < d; j++) {
            size_t ij = (size_t)i * d + j;
            lin += q->w[j] * q->phi[ij];
            quad += q->sign[ij] * q->w[j] * q->w[j];
        }
        g[i] = lin + 0.5 * q->gamma * quad;
    }
    if (K)
        for (int j = 0; j < n; j++)
            for (int i = 0; i < j; i++)
                K[(size_t)i * n + j] = K[(size_t)j * n + i];
    return 0;
}

/* g of the inputs X (n, d), Sigma(x) drawn anew for each of them. */
static int gqm_predict(nqm_model *self, const double *X, int n, double *g)
{
    gqm *q = (gqm *)self;
    nqm_rng rng;
    nqm_rng_seed(&rng, q->seed, NQM_STREAM_TEST_SIGN);
    for (int i = 0; i < n; i++) {
        const double *x = X + (size_t)i * q->d;
        double norm = 0, lin = 0, quad = 0;
        for (int j = 0; j < q->d; j++)
            norm += x[j] * x[j];
        norm = sqrt(norm);
        for (int j = 0; j < q->d; j++) {
            double sign = (nqm_rng_u64(&rng) >> 63) ? 1 : -1;
            lin += q->w[j] * (norm > 0 ? x[j] / norm : 0);
            quad += sign * q->w[j] * q->w[j];
        }
        g[i] = lin + 0.5 * q->gamma * quad;
    }
    return 0;
}

static double *gqm_params(nqm_model *self, size_t *p)
{
    gqm *q = (gqm *)self;
    *p = (size_t)q->d;
    return q->w;
}

static void gqm_free(nqm_model *self)
{
    gqm *q = (gqm *)self;
    free(q->w);
    free(q->phi);
    free(q->sign);
    free(q->J);
    free(q);
}

/* out (d) = J^T u for u (n), a column of J at a time. */
static int gqm_vjp(nqm_model *self, const double *u, double *out)
{
    gqm *q = (gqm *)self;
    for (int j = 0; j < q->d; j++) {
        double acc = 0;
        for (int i = 0; i < q->n; i++) {
            size_t ij = (size_t)i * q->d + j;
            acc += u[i] * (q->phi[ij] + q->gamma * q->sign[ij] * q->w[j]);
        }
        out[j] = acc;
    }
    return 0;
}

/* out (n) = J v for v (d). */
static int gqm_jvp(nqm_model *self, const double *v, double *out)
{
    gqm *q = (gqm *)self;
    for (int i = 0; i < q->n; i++) {
        double acc = 0;
        for (int j = 0; j < q->d; j++) {
            size_t ij = (size_t)i * q->d + j;
            acc += (q->phi[ij] + q->gamma * q->sign[ij] * q->w[j]) * v[j];
        }
        out[i] = acc;
    }
    return 0;
}

/* out (d) = sum_i r_i (hess g_i) v = gamma sum_i r_i Sigma_i v, Sigma_i diagonal. */
static int gqm_curvature(nqm_model *self, const double *r, const double *v, double *out)
{
    gqm *q = (gqm *)self;
    for (int j = 0; j < q->d; j++) {
        double acc = 0;
        for (int i = 0; i < q->n; i++)
            acc += r[i] * q->sign[(size_t)i * q->d + j];
        out[j] = q->gamma * acc * v[j];
    }
    return 0;
}

static const nqm_model_ops gqm_ops = {.advance = gqm_advance,
                                      .params = gqm_params,
                                      .free = gqm_free,
                                      .predict = gqm_predict,
                                      .vjp = gqm_vjp,
                                      .jvp = gqm_jvp,
                                      .curvature = gqm_curvature};

int nqm_gqm_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                size_t errlen)
{
    const int n = data->n, d = data->d;
    gqm *q = calloc(1, sizeof *q);
    if (!q) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    q->base.ops = &gqm_ops;
    q->base.n = n;
    q->n = n;
    q->d = d;
    q->gamma = cfg->gamma;
    q->seed = cfg->seed;
    q->w = malloc((size_t)d * sizeof *q->w);
    q->phi = malloc((size_t)n * d * sizeof *q->phi);
    q->sign = malloc((size_t)n * d * sizeof *q->sign);
    q->J = malloc((size_t)NQM_GQM_BLOCK * n * sizeof *q->J);
    if (!q->w || !q->phi || !q->sign || !q->J) {
        gqm_free(&q->base);
        snprintf(err, errlen, "out of memory for a gqm with d = %d", d);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const double *x = data->X + (size_t)i * d;
        double norm = 0;
        for (int j = 0; j < d; j++)
            norm += x[j] * x[j];
        norm = sqrt(norm);
        if (norm == 0) {
            gqm_free(&q->base);
            snprintf(err, errlen, "gqm: example %d has x = 0, so phi(x) = x/|x| is undefined", i);
            return -1;
        }
        for (int j = 0; j < d; j++)
            q->phi[(size_t)i * d + j] = x[j] / norm;
    }
    nqm_rng rng;
    nqm_rng_seed(&rng, cfg->seed, NQM_STREAM_INIT);
    for (int j = 0; j < d; j++)
        q->w[j] = nqm_rng_normal(&rng);
    nqm_rng_seed(&rng, cfg->seed, NQM_STREAM_SIGN);
    for (size_t ij = 0; ij < (size_t)n * d; ij++)
        q->sign[ij] = (nqm_rng_u64(&rng) >> 63) ? 1 : -1;
    *out = &q->base;
    return 0;
}
