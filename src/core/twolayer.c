/* twolayer.c: the two-layer family of DESIGN §1.1-1.2 — the network f
 * (`net`), its linearisation (`lin`) and its neural quadratic model
 * (`quad`) — behind one implementation. The variants differ only in how
 * the per-neuron factors B and C of the Jacobian are formed:
 *
 *     dg_i/dv_k = B_ik / sqrt(m),   dg_i/du_k = C_ik x_i / sqrt(m d)
 *
 * so one pass over blocks of neurons does the GD step and evaluates the
 * outputs and the kernel K = (1/m)[(C C^T) .* (X X^T)/d + B B^T] at the
 * new point. Neither the n x p Jacobian nor the n x m matrices B and C
 * are ever stored whole: a block of NQM_TL_BLOCK neurons at a time.
 *
 * Parameters: `net` stores w = (U, v); `lin` and `quad` store the
 * displacement w - w0 = (dU, dv), so the quadratic terms are computed
 * from dU directly and never lose precision to cancellation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/blas.h"
#include "nqmtop/model.h"
#include "nqmtop/rng.h"

enum { NQM_TL_BLOCK = 64 };

typedef struct {
    nqm_model base;
    nqm_model_kind variant;
    nqm_activation act;
    long m;
    int n, d;
    const double *X;  /* (n, d) inputs, borrowed from the data */
    double *w;        /* (p) parameters: U or dU (m, d), then v or dv (m) */
    double *w0;       /* (p) initial parameters U0 (m, d), v0 (m) */
    double *f0;       /* (n) f(w0) */
    double *gram;     /* (n, n) X X^T / d */
    double *KB, *KC;  /* (n, n) accumulators of B B^T and C C^T */
    double *Kfixed;   /* (n, n) lin's constant kernel, NULL until computed */
    double *scratch;  /* 4 blocks of (NQM_TL_BLOCK, n): Z0 or Z, S, B, C */
} twolayer;

/* sigma, sigma', sigma'' of the activation at z. */
static void activate(nqm_activation act, double z, double *s0, double *s1, double *s2)
{
    switch (act) {
    case ACT_RELU:
        *s0 = z > 0 ? z : 0;
        *s1 = z > 0 ? 1 : 0;
        *s2 = 0;
        return;
    case ACT_TANH: {
        double t = tanh(z);
        *s0 = t;
        *s1 = 1 - t * t;
        *s2 = -2 * t * (1 - t * t);
        return;
    }
    case ACT_SWISH: {
        double q = 1 / (1 + exp(-z)), dq = q * (1 - q);
        *s0 = z * q;
        *s1 = q + z * dq;
        *s2 = dq * (2 + z * (1 - 2 * q));
        return;
    }
    default:
        *s0 = z;
        *s1 = 1;
        *s2 = 0;
        return;
    }
}

/* Z (bs, n) = rows k0.. of W (m, d) against X: Z[k][i] = w_k . x_i / sqrt(d). */
static void preactivate(const twolayer *t, const double *W, long k0, int bs, double *Z)
{
    const double scale = 1 / sqrt((double)t->d);
    const double *Wb = W + (size_t)k0 * t->d;
    if (t->d <= 4) {
        for (int k = 0; k < bs; k++)
            for (int i = 0; i < t->n; i++) {
                double acc = 0;
                for (int j = 0; j < t->d; j++)
                    acc += Wb[(size_t)k * t->d + j] * t->X[(size_t)i * t->d + j];
                Z[(size_t)k * t->n + i] = acc * scale;
            }
        return;
    }
    /* column-major: Z (n x bs) = X^T(d x n)^T * Wb^T(d x bs) */
    nqm_dgemm("T", "N", t->n, bs, t->d, scale, t->X, t->d, Wb, t->d, 0.0, Z, t->n);
}

/* Fill B and C (bs, n) for neurons k0.. at the current parameters and, when
 * g != NULL, add their share of sqrt(m) * (g - f0) (or of sqrt(m) g for
 * net) to g (n). */
static void eval_block(twolayer *t, long k0, int bs, double *B, double *C, double *g)
{
    const int n = t->n;
    const long m = t->m;
    double *Za = t->scratch, *Sb = t->scratch + (size_t)NQM_TL_BLOCK * n;
    const double *v0 = t->w0 + (size_t)m * t->d, *v = t->w + (size_t)m * t->d;
    int net = t->variant == MODEL_NET;
    preactivate(t, net ? t->w : t->w0, k0, bs, Za);
    if (!net)
        preactivate(t, t->w, k0, bs, Sb); /* S = dU x / sqrt(d) */
    for (int k = 0; k < bs; k++) {
        double vk = v[k0 + k], v0k = net ? vk : v0[k0 + k];
        double *Bk = B + (size_t)k * n, *Ck = C + (size_t)k * n;
        const double *zk = Za + (size_t)k * n, *sk = Sb + (size_t)k * n;
        for (int i = 0; i < n; i++) {
            double s0, s1, s2;
            activate(t->act, zk[i], &s0, &s1, &s2);
            if (net) {
                Bk[i] = s0;
                Ck[i] = s1 * vk;
                if (g)
                    g[i] += vk * s0;
            } else if (t->variant == MODEL_LIN) {
                Bk[i] = s0;
                Ck[i] = s1 * v0k;
                if (g)
                    g[i] += vk * s0 + v0k * s1 * sk[i];
            } else {
                double s = sk[i];
                Bk[i] = s0 + s1 * s;
                Ck[i] = s1 * (v0k + vk) + s2 * s * v0k;
                if (g)
                    g[i] += vk * s0 + v0k * s1 * s + vk * s1 * s + 0.5 * v0k * s2 * s * s;
            }
        }
    }
}

/* One GD step on neurons k0..: w -= eta_s * J^T r restricted to them. */
static void update_block(twolayer *t, long k0, int bs, const double *B, const double *C,
                         double eta_s, const double *r)
{
    const int n = t->n, d = t->d;
    const long m = t->m;
    double *U = t->w + (size_t)k0 * d, *v = t->w + (size_t)m * d + k0;
    double *CR = t->scratch + (size_t)NQM_TL_BLOCK * n; /* (bs, n) C .* r, reuses S */
    const double av = eta_s / sqrt((double)m), au = eta_s / sqrt((double)m * d);
    for (int k = 0; k < bs; k++) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += r[i] * B[(size_t)k * n + i];
            CR[(size_t)k * n + i] = r[i] * C[(size_t)k * n + i];
        }
        v[k] -= av * acc;
    }
    if (d <= 4) {
        for (int k = 0; k < bs; k++)
            for (int j = 0; j < d; j++) {
                double acc = 0;
                for (int i = 0; i < n; i++)
                    acc += CR[(size_t)k * n + i] * t->X[(size_t)i * d + j];
                U[(size_t)k * d + j] -= au * acc;
            }
        return;
    }
    /* column-major: U^T (d x bs) -= au * X^T (d x n) * CR (n x bs) */
    nqm_dgemm("N", "N", d, bs, n, -au, t->X, d, CR, n, 1.0, U, d);
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

static int twolayer_advance(nqm_model *self, double eta_s, const double *r, double *g,
                            double *K)
{
    twolayer *t = (twolayer *)self;
    const int n = t->n;
    double *B = t->scratch + 2 * (size_t)NQM_TL_BLOCK * n;
    double *C = t->scratch + 3 * (size_t)NQM_TL_BLOCK * n;
    int want_kernel = K && !(t->variant == MODEL_LIN && t->Kfixed);
    memset(g, 0, (size_t)n * sizeof *g);
    if (want_kernel) {
        memset(t->KB, 0, (size_t)n * n * sizeof *t->KB);
        memset(t->KC, 0, (size_t)n * n * sizeof *t->KC);
    }
    for (long k0 = 0; k0 < t->m; k0 += NQM_TL_BLOCK) {
        int bs = (int)(t->m - k0 < NQM_TL_BLOCK ? t->m - k0 : NQM_TL_BLOCK);
        if (r) {
            eval_block(t, k0, bs, B, C, NULL);
            update_block(t, k0, bs, B, C, eta_s, r);
        }
        eval_block(t, k0, bs, B, C, g);
        if (want_kernel) {
            nqm_dsyrk("U", "N", n, bs, 1.0, B, n, 1.0, t->KB, n);
            nqm_dsyrk("U", "N", n, bs, 1.0, C, n, 1.0, t->KC, n);
        }
    }
    const double inv_sqrt_m = 1 / sqrt((double)t->m);
    for (int i = 0; i < n; i++)
        g[i] = g[i] * inv_sqrt_m + (t->variant == MODEL_NET ? 0 : t->f0[i]);
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

static double *twolayer_params(nqm_model *self, size_t *p)
{
    twolayer *t = (twolayer *)self;
    *p = (size_t)t->m * (t->d + 1);
    return t->w;
}

static void twolayer_free(nqm_model *self)
{
    twolayer *t = (twolayer *)self;
    free(t->w);
    free(t->w0);
    free(t->f0);
    free(t->gram);
    free(t->KB);
    free(t->KC);
    free(t->Kfixed);
    free(t->scratch);
    free(t);
}

static const nqm_model_ops twolayer_ops = {twolayer_advance, twolayer_params, twolayer_free};

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

/* f(w0) (n): one evaluation pass of the network at w0. */
static void init_outputs(twolayer *t)
{
    nqm_model_kind variant = t->variant;
    double *w = t->w;
    t->variant = MODEL_NET;
    t->w = t->w0;
    double *B = t->scratch + 2 * (size_t)NQM_TL_BLOCK * t->n;
    double *C = t->scratch + 3 * (size_t)NQM_TL_BLOCK * t->n;
    memset(t->f0, 0, (size_t)t->n * sizeof *t->f0);
    for (long k0 = 0; k0 < t->m; k0 += NQM_TL_BLOCK) {
        int bs = (int)(t->m - k0 < NQM_TL_BLOCK ? t->m - k0 : NQM_TL_BLOCK);
        eval_block(t, k0, bs, B, C, t->f0);
    }
    for (int i = 0; i < t->n; i++)
        t->f0[i] /= sqrt((double)t->m);
    t->variant = variant;
    t->w = w;
}

int nqm_twolayer_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                     size_t errlen)
{
    const int n = data->n, d = data->d;
    const long m = cfg->width;
    const size_t p = (size_t)m * (d + 1);
    twolayer *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    t->base.ops = &twolayer_ops;
    t->base.n = n;
    t->variant = cfg->model;
    t->act = cfg->activation;
    t->m = m;
    t->n = n;
    t->d = d;
    t->X = data->X;
    t->w = calloc(p, sizeof *t->w);
    t->w0 = malloc(p * sizeof *t->w0);
    t->f0 = malloc((size_t)n * sizeof *t->f0);
    t->gram = malloc((size_t)n * n * sizeof *t->gram);
    t->KB = malloc((size_t)n * n * sizeof *t->KB);
    t->KC = malloc((size_t)n * n * sizeof *t->KC);
    t->scratch = malloc(4 * (size_t)NQM_TL_BLOCK * n * sizeof *t->scratch);
    if (!t->w || !t->w0 || !t->f0 || !t->gram || !t->KB || !t->KC || !t->scratch) {
        twolayer_free(&t->base);
        snprintf(err, errlen, "out of memory for a width-%ld two-layer model (%.1f MiB)", m,
                 (double)(2 * p * sizeof(double)) / (1 << 20));
        return -1;
    }
    init_params(t, cfg->seed);
    if (t->variant == MODEL_NET)
        memcpy(t->w, t->w0, p * sizeof *t->w);
    /* upper triangle of gram (n x n) = X X^T / d, X^T being (d x n) column-major */
    nqm_dsyrk("U", "T", n, d, 1.0 / d, data->X, d, 0.0, t->gram, n);
    init_outputs(t);
    *out = &t->base;
    return 0;
}
