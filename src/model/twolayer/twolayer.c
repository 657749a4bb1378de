/* twolayer.c: the two-layer family of DESIGN §1.1-1.2 — the network f
 * (`net`), its linearisation (`lin`) and its neural quadratic model
 * (`quad`) — behind one implementation. The variants differ only in how
 * the per-neuron factors B and C of the Jacobian are formed:
 *
 *     dg_i/dv_k = B_ik / sqrt(m),   dg_i/du_k = C_ik x_i / sqrt(m d)
 *
 * so one pass over the neurons does the GD step and evaluates the outputs
 * and the kernel K = (1/m)[(C C^T) .* (X X^T)/d + B B^T] at the new point,
 * or only its probe (Omega K Omega^T and tr K). Neither the n x p
 * Jacobian nor the n x m matrices B and C are ever stored whole.
 *
 * Two ways to run the pass (family.h): rows mode (neurons.c), one
 * fused, threaded pass per neuron, for d <= n, and for relu and linear
 * on 1-D inputs its special case without per-example work (gates1d.c);
 * gram mode (gram.c), the displacement kept in the span of the
 * inputs, for d > n. Handing out
 * the parameters (params) writes gram mode's coefficients into w and
 * switches to rows mode for good, since the caller may then write w.
 *
 * Parameters: `net` stores w = (U, v); `lin` and `quad` store the
 * displacement w - w0 = (dU, dv), so the quadratic terms are computed
 * from dU directly and never lose precision to cancellation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/blas.h"
#include "nqmtop/base/rng.h"
#include "family.h"

enum { MIN_THREADED = 1 << 15 }; /* n m below this: one thread is faster */

/* The model plus its padded per-step buffers. */
typedef struct {
    twolayer t;
    double *rpad;  /* (np) residual, zero padded */
    double *gpad;  /* (np) raw outputs of a pass */
    double *omega; /* (NQM_PROBE_MAX, np) probe directions, zero padded */
    double *ypad;  /* (NQM_PROBE_MAX, np) K Omega^T of a probe, padded */
} twolayer_model;

static void run_pass(twolayer *t, const tl_pass *ps)
{
    if (t->mode == TL_GRAM)
        nqm_tl_gram_pass(t, ps);
    else if (t->d == 1 && (t->act == ACT_RELU || t->act == ACT_LINEAR))
        nqm_tl_gate_pass(t, ps);
    else
        nqm_tl_rows_pass(t, ps);
}

/* g (n) from a pass's raw sums. */
static void finish_outputs(const twolayer *t, const double *gpad, double *g)
{
    const double inv_sqrt_m = 1 / sqrt((double)t->m);
    for (int i = 0; i < t->n; i++)
        g[i] = gpad[i] * inv_sqrt_m + (t->variant == MODEL_NET ? 0 : t->f0[i]);
}

static void kernel_finish(const twolayer *t, double *K)
{
    const int n = t->n;
    const double inv_m = 1.0 / (double)t->m;
    for (int j = 0; j < n; j++)
        for (int i = 0; i <= j; i++) {
            size_t ij = (size_t)j * n + i;
            double kij = (t->KC[ij] * t->gram[ij] + t->KB[ij]) * inv_m;
            K[ij] = kij;
            K[(size_t)i * n + j] = kij;
        }
}

/* One pass: step with residual r (n) when not NULL, outputs into g (n).
 * 0, or NQM_STOPPED when the stop flag was raised during it. */
static int pass(twolayer_model *tm, double eta_s, const double *r, double *g, int dense,
                nqm_probe *probe)
{
    twolayer *t = &tm->t;
    if (r)
        memcpy(tm->rpad, r, (size_t)t->n * sizeof *r);
    if (dense) {
        memset(t->KB, 0, (size_t)t->n * t->n * sizeof *t->KB);
        memset(t->KC, 0, (size_t)t->n * t->n * sizeof *t->KC);
    }
    tl_pass ps = {eta_s, r ? tm->rpad : NULL, 0, dense, probe, tm->gpad};
    run_pass(t, &ps);
    if (nqm_stopping(t->base.stop))
        return NQM_STOPPED;
    finish_outputs(t, tm->gpad, g);
    return 0;
}

static int twolayer_advance(nqm_model *self, double eta_s, const double *r, double *g, double *K)
{
    twolayer_model *tm = (twolayer_model *)self;
    twolayer *t = &tm->t;
    const int n = t->n;
    int want_kernel = K && !(t->variant == MODEL_LIN && t->Kfixed);
    if (pass(tm, eta_s, r, g, want_kernel, NULL) != 0)
        return NQM_STOPPED;
    if (!K)
        return 0;
    if (want_kernel)
        kernel_finish(t, K);
    if (t->variant == MODEL_LIN) {
        if (!t->Kfixed) {
            t->Kfixed = malloc((size_t)n * n * sizeof *t->Kfixed);
            if (!t->Kfixed)
                return -1;
            memcpy(t->Kfixed, K, (size_t)n * n * sizeof *K);
        }
        memcpy(K, t->Kfixed, (size_t)n * n * sizeof *K);
    }
    return 0;
}

/* lin's probe from its fixed kernel: H = Omega K Omega^T, tr K, and
 * Y = K Omega^T when asked. */
static void probe_fixed(const twolayer *t, nqm_probe *pr)
{
    const int n = t->n, b = pr->b;
    double KO[NQM_PROBE_MAX];
    pr->trace = 0;
    for (int i = 0; i < n; i++)
        pr->trace += t->Kfixed[(size_t)i * n + i];
    memset(pr->H, 0, sizeof pr->H);
    for (int i = 0; i < n; i++) {
        for (int q = 0; q < b; q++) {
            KO[q] = 0;
            for (int l = 0; l < n; l++)
                KO[q] += t->Kfixed[(size_t)i * n + l] * pr->Omega[(size_t)q * n + l];
            if (pr->Y)
                pr->Y[(size_t)q * n + i] = KO[q];
        }
        for (int j = 0; j < b; j++)
            for (int q = 0; q < b; q++)
                pr->H[j * b + q] += pr->Omega[(size_t)j * n + i] * KO[q];
    }
    for (int j = 0; j < b; j++)
        for (int q = 0; q < j; q++)
            pr->H[j * b + q] = pr->H[q * b + j] = 0.5 * (pr->H[j * b + q] + pr->H[q * b + j]);
}

static int twolayer_probe(nqm_model *self, double eta_s, const double *r, double *g,
                          nqm_probe *probe)
{
    twolayer_model *tm = (twolayer_model *)self;
    twolayer *t = &tm->t;
    const int n = t->n, np = t->np, b = probe->b;
    if (t->mode != TL_ROWS || t->d > NQM_TL_PROBE_MAX_D || b < 1 || b > NQM_PROBE_MAX)
        return 1;
    if (t->variant == MODEL_LIN) {
        if (!t->Kfixed)
            return 1;
        if (pass(tm, eta_s, r, g, 0, NULL) != 0)
            return NQM_STOPPED;
        probe_fixed(t, probe);
        return 0;
    }
    for (int j = 0; j < b; j++)
        memcpy(tm->omega + (size_t)j * np, probe->Omega + (size_t)j * n,
               (size_t)n * sizeof *tm->omega);
    nqm_probe padded = {.b = b, .Omega = tm->omega, .Y = probe->Y ? tm->ypad : NULL};
    if (pass(tm, eta_s, r, g, 0, &padded) != 0)
        return NQM_STOPPED;
    const double inv_m = 1.0 / (double)t->m;
    for (int j = 0; j < b * b; j++)
        probe->H[j] = padded.H[j] * inv_m;
    probe->trace = padded.trace * inv_m;
    for (int j = 0; probe->Y && j < b; j++)
        for (int i = 0; i < n; i++)
            probe->Y[(size_t)j * n + i] = tm->ypad[(size_t)j * np + i] * inv_m;
    return 0;
}

static double *twolayer_params(nqm_model *self, size_t *p)
{
    twolayer *t = &((twolayer_model *)self)->t;
    if (t->mode == TL_GRAM) {
        nqm_tl_gram_materialise(t);
        nqm_tl_gram_free(t->gm);
        t->gm = NULL;
        t->mode = TL_ROWS;
    }
    *p = (size_t)t->m * (t->d + 1);
    return t->w;
}

/* Neuron k's pre-activation on example i has the sign of u_k . x_i. */
static int neuron_active(const twolayer *t, long k)
{
    const double *u = t->w + (size_t)k * t->d;
    for (int i = 0; i < t->n; i++) {
        double z = 0;
        for (int j = 0; j < t->d; j++)
            z += u[j] * t->Xt[(size_t)j * t->np + i];
        if (z > 0)
            return 1;
    }
    return 0;
}

static double twolayer_active_share(nqm_model *self)
{
    const twolayer *t = &((twolayer_model *)self)->t;
    if (t->variant != MODEL_NET || t->act != ACT_RELU)
        return NAN;
    long active = 0;
    if (t->mode == TL_GRAM) {
        active = nqm_tl_gram_active_units(t);
    } else if (t->d == 1) { /* active iff u has the sign of some input */
        int pos = 0, neg = 0;
        for (int i = 0; i < t->n; i++) {
            pos |= t->Xt[i] > 0;
            neg |= t->Xt[i] < 0;
        }
        for (long k = 0; k < t->m; k++)
            active += (pos && t->w[k] > 0) || (neg && t->w[k] < 0);
    } else {
        for (long k = 0; k < t->m; k++)
            active += neuron_active(t, k);
    }
    return (double)active / (double)t->m;
}

static void twolayer_free(nqm_model *self)
{
    twolayer_model *tm = (twolayer_model *)self;
    twolayer *t = &tm->t;
    nqm_tl_gram_free(t->gm);
    nqm_tl_product_free(t->product);
    nqm_tl_rows_free(t->rows);
    nqm_pool_free(t->pool);
    free(t->w);
    free(t->w0);
    free(t->f0);
    free(t->Xt);
    free(t->gdiag);
    free(t->gram);
    free(t->KB);
    free(t->KC);
    free(t->Kfixed);
    free(tm->rpad);
    free(tm->gpad);
    free(tm->omega);
    free(tm->ypad);
    free(tm);
}

static const double *twolayer_origin(nqm_model *self)
{
    twolayer *t = &((twolayer_model *)self)->t;
    return t->variant == MODEL_NET ? NULL : t->w0;
}

static const nqm_model_ops twolayer_ops = {.advance = twolayer_advance,
                                           .params = twolayer_params,
                                           .free = twolayer_free,
                                           .top_eigs = nqm_tl_top_eigs,
                                           .probe = twolayer_probe,
                                           .predict = nqm_tl_predict,
                                           .active_share = twolayer_active_share,
                                           .vjp = nqm_tl_vjp,
                                           .jvp = nqm_tl_jvp,
                                           .curvature = nqm_tl_curvature,
                                           .origin = twolayer_origin};

/* w0: for each neuron k, u_k ~ N(0, I_d) then v_k ~ N(0, 1), in that order. */
static void init_params(twolayer *t, unsigned long seed)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, seed, NQM_STREAM_INIT);
    double *U0 = t->w0, *v0 = t->w0 + (size_t)t->m * t->d;
    for (long k = 0; k < t->m; k++) {
        for (int j = 0; j < t->d; j++)
            U0[(size_t)k * t->d + j] = nqm_rng_normal(&rng);
        v0[k] = nqm_rng_normal(&rng);
    }
}

/* Xt (d, np), gdiag (np) and gram (n, n) from the inputs. */
static void init_inputs(twolayer *t)
{
    const int n = t->n, np = t->np, d = t->d;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++)
            t->Xt[(size_t)j * np + i] = t->X[(size_t)i * d + j];
    /* upper triangle of gram (n x n) = X X^T / d, X^T being (d x n) column-major */
    nqm_dsyrk("U", "T", n, d, 1.0 / d, t->X, d, 0.0, t->gram, n);
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < j; i++)
            t->gram[(size_t)i * n + j] = t->gram[(size_t)j * n + i];
        t->gdiag[j] = t->gram[(size_t)j * n + j];
    }
}

static int alloc_model(twolayer_model *tm, size_t p)
{
    twolayer *t = &tm->t;
    const size_t n = (size_t)t->n, np = (size_t)t->np;
    t->w = calloc(p, sizeof *t->w);
    t->w0 = malloc(p * sizeof *t->w0);
    t->f0 = malloc(n * sizeof *t->f0);
    t->Xt = calloc((size_t)t->d * np, sizeof *t->Xt);
    t->gdiag = calloc(np, sizeof *t->gdiag);
    t->gram = malloc(n * n * sizeof *t->gram);
    t->KB = malloc(n * n * sizeof *t->KB);
    t->KC = malloc(n * n * sizeof *t->KC);
    tm->rpad = calloc(np, sizeof *tm->rpad);
    tm->gpad = calloc(np, sizeof *tm->gpad);
    tm->omega = calloc(NQM_PROBE_MAX * np, sizeof *tm->omega);
    tm->ypad = calloc(NQM_PROBE_MAX * np, sizeof *tm->ypad);
    int threads = (double)t->n * (double)t->m < MIN_THREADED || t->threads < 1 ? 1 : t->threads;
    t->pool = nqm_pool_new(threads);
    if (!t->w || !t->w0 || !t->f0 || !t->Xt || !t->gdiag || !t->gram || !t->KB || !t->KC ||
        !tm->rpad || !tm->gpad || !tm->omega || !tm->ypad || !t->pool)
        return -1;
    t->rows = nqm_tl_rows_new(t);
    return t->rows ? 0 : -1;
}

/* f(w0) (n): one evaluation pass of the network at w0. */
static void init_outputs(twolayer_model *tm)
{
    twolayer *t = &tm->t;
    tl_pass ps = {0, NULL, 1, 0, NULL, tm->gpad};
    run_pass(t, &ps);
    for (int i = 0; i < t->n; i++)
        t->f0[i] = tm->gpad[i] / sqrt((double)t->m);
}

int nqm_twolayer_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                     size_t errlen)
{
    const long m = cfg->width;
    const size_t p = (size_t)m * (data->d + 1);
    twolayer_model *tm = calloc(1, sizeof *tm);
    if (!tm) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    twolayer *t = &tm->t;
    t->base.ops = &twolayer_ops;
    t->base.n = data->n;
    t->base.stop = cfg->stop; /* the first pass below looks at it already */
    t->variant = cfg->model;
    t->act = cfg->activation;
    t->m = m;
    t->n = data->n;
    t->np = (data->n + NQM_TL_LANES - 1) / NQM_TL_LANES * NQM_TL_LANES;
    t->d = data->d;
    t->in_scale = 1 / sqrt((double)data->d);
    t->X = data->X;
    t->threads = cfg->threads;
    if (alloc_model(tm, p) != 0) {
        twolayer_free(&t->base);
        double mib = (double)sizeof(double) / (1 << 20), n = (double)data->n;
        snprintf(err, errlen,
                 "out of memory for a width-%ld two-layer model on n = %d examples: %.1f MiB of "
                 "parameters and %.1f MiB of n x n matrices (the kernel's)",
                 m, data->n, 2.0 * (double)p * mib, 3 * n * n * mib);
        return -1;
    }
    init_params(t, cfg->seed);
    if (t->variant == MODEL_NET)
        memcpy(t->w, t->w0, p * sizeof *t->w);
    init_inputs(t);
    if (nqm_twolayer_gram_mode(t->m, t->n, t->d)) {
        t->gm = nqm_tl_gram_new(t);
        t->mode = t->gm ? TL_GRAM : TL_ROWS; /* out of memory for the caches: rows */
    }
    init_outputs(tm);
    if (nqm_stopping(cfg->stop)) {
        twolayer_free(&t->base);
        snprintf(err, errlen, "stopped");
        return -1;
    }
    *out = &t->base;
    return 0;
}
