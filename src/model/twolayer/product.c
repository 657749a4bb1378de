/* product.c: the two-layer family's kernel as an operator, K U =
 * J (J^T U) for a block of b directions U (b, n), never assembled, and
 * its top eigenpairs from it (krylov.h; the top_eigs op). With the
 * per-neuron factors B and C of twolayer.c at the current point,
 *
 *     m K U_q = sum_k [ B_k (B_k . U_q) + sum_j (C_k .* x^(j)) ((C_k .* x^(j)) . U_q) / d ],
 *
 * O(n d) per neuron and direction instead of the O(n^2) of the dense
 * kernel's share: cheaper when n is large beside d. B and C come from
 * the same formulas as the passes (tl_jacobian, family.h); lin's and
 * quad's activations at Z0 from rows mode's kept tables when it has them.
 * The neurons go in chunks fixed by m on the pool, each summing into its
 * own accumulators, combined in chunk order: the same bits for any
 * number of threads. The same factors give J^T u and J v (the vjp and
 * jvp ops, for optimizers other than plain GD and for preconditioned
 * kernels). Rows mode only (gram mode's w is not up to date). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/krylov.h"
#include "nqmtop/model/activation.h"
#include "neuron.h"

enum { CHUNK_NEURONS = 1024, MAX_CHUNKS = 64, MAX_BLOCK = NQM_KRYLOV_BASIS(NQM_MAX_EIGS) };

struct tl_product {
    int chunks, b_max;
    double *U;   /* (b_max, np) directions, zero padded */
    double *acc; /* (chunks, b_max, np) per-chunk sums of m K U */
    double *ws;  /* (threads, ws_stride): z, s, a0, a1, a2 (np each), F (d + 2, np), cz, cs (d) */
    size_t ws_stride;
    nqm_krylov *krylov;
    int k; /* eigenpairs the Krylov workspace is for */
};

typedef struct {
    twolayer *t;
    int b;
} product_job;

typedef struct {
    twolayer *t;
    const double *v; /* (p) direction of a jvp */
    double *out;     /* (p) J^T u of a vjp */
} jvp_job;

tl_product *nqm_tl_product_new(const twolayer *t)
{
    tl_product *pr = calloc(1, sizeof *pr);
    if (!pr)
        return NULL;
    long chunks = t->m / CHUNK_NEURONS;
    pr->chunks = chunks < 1 ? 1 : chunks > MAX_CHUNKS ? MAX_CHUNKS : (int)chunks;
    pr->b_max = MAX_BLOCK;
    const size_t np = (size_t)t->np, threads = (size_t)nqm_pool_threads(t->pool);
    pr->U = calloc((size_t)pr->b_max * np, sizeof *pr->U);
    pr->acc = malloc((size_t)pr->chunks * pr->b_max * np * sizeof *pr->acc);
    pr->ws_stride = (7 + (size_t)t->d) * np + 2 * (size_t)t->d;
    pr->ws = calloc(threads * pr->ws_stride, sizeof *pr->ws);
    if (!pr->U || !pr->acc || !pr->ws) {
        nqm_tl_product_free(pr);
        return NULL;
    }
    return pr;
}

void nqm_tl_product_free(tl_product *pr)
{
    if (!pr)
        return;
    nqm_krylov_free(pr->krylov);
    free(pr->U);
    free(pr->acc);
    free(pr->ws);
    free(pr);
}

/* Neuron k's sigma, sigma', sigma'' (3, np) at z (net) or z0 (lin,
 * quad), and its displacement s = du.x / sqrt(d) into w + np (0 for net). */
NQM_TL_INLINE const double *activations(const twolayer *t, long k, double *w)
{
    const int np = t->np, d = t->d, net = t->variant == MODEL_NET;
    double *z = w, *s = w + np, *a0 = w + 2 * np, *a1 = w + 3 * np, *a2 = w + 4 * np;
    double *cz = w + (7 + (size_t)d) * np, *cs = cz + d;
    const double *uref = (net ? t->w : t->w0) + (size_t)k * d;
    for (int j = 0; j < d; j++) {
        cz[j] = uref[j] * t->in_scale;
        cs[j] = net ? 0 : t->w[(size_t)k * d + j] * t->in_scale;
    }
    const double *tab = nqm_tl_rows_table(t, k);
    memset(z, 0, (size_t)np * sizeof *z);
    memset(s, 0, (size_t)np * sizeof *s);
    for (int j = 0; j < d; j++) {
        const double *x = t->Xt + (size_t)j * np;
        for (int i = 0; i < np && !tab; i++)
            z[i] += cz[j] * x[i];
        for (int i = 0; i < np && !net; i++)
            s[i] += cs[j] * x[i];
    }
    if (tab)
        return tab;
    nqm_sigma_fill(t->act, (size_t)np, z, a0, a1, a2);
    return a0;
}

/* B and C (np) of neuron k at the current point, from its weights. */
NQM_TL_INLINE void factors(const twolayer *t, long k, double *w, double *B, double *C)
{
    const int np = t->np, net = t->variant == MODEL_NET;
    const size_t md = (size_t)t->m * t->d;
    const double *a0 = activations(t, k, w), *a1 = a0 + np, *a2 = a1 + np, *s = w + np;
    tl_coef c = tl_coefficients(t->variant, t->w[md + k], net ? 0 : t->w0[md + k]);
    tl_jacobian(&c, nqm_sigma_curved(t->act), np, a0, a1, a2, s, B, C);
}

/* The residual's curvature term for the neurons of one chunk: each writes
 * its own d + 1 entries of sum_i r_i (hess g_i) v (r padded in U). Per
 * neuron, with t_i = a.x_i / sqrt(d) for the direction's (a, b) of
 * (u_k, v_k), the only second derivatives are d2g/dv du = sigma' x /
 * sqrt(m d) and d2g/du2 = c2 sigma'' x x^T / (d sqrt(m)), c2 = v (net) or
 * v0 (quad), both zero for lin: out_v = sum_i r_i sigma'_i t_i / sqrt(m),
 * out_u = sum_i r_i (sigma'_i b + c2 sigma''_i t_i) x_i / sqrt(m d). */
static void curvature_chunk(void *ctx, int task, int worker)
{
    const jvp_job *job = ctx;
    twolayer *t = job->t;
    tl_product *pr = t->product;
    const int np = t->np, d = t->d, net = t->variant == MODEL_NET;
    const long lo = t->m * task / pr->chunks, hi = t->m * (task + 1) / pr->chunks;
    const size_t md = (size_t)t->m * d;
    const double inv_sqrt_m = 1 / sqrt((double)t->m);
    double *w = pr->ws + (size_t)worker * pr->ws_stride;
    double *tv = w + 5 * (size_t)np, *h = tv + np;
    for (long k = lo; k < hi; k++) {
        const double *a1 = activations(t, k, w) + np, *a2 = a1 + np;
        const double c2 = (net ? t->w : t->w0)[md + k], b = job->v[md + k];
        memset(tv, 0, (size_t)np * sizeof *tv);
        for (int j = 0; j < d; j++) {
            const double aj = job->v[(size_t)k * d + j] * t->in_scale, *x = t->Xt + (size_t)j * np;
            for (int i = 0; i < np; i++)
                tv[i] += aj * x[i];
        }
        double ov = 0;
        for (int i = 0; i < np; i++) {
            const double ri = pr->U[i];
            ov += ri * a1[i] * tv[i];
            h[i] = ri * (a1[i] * b + c2 * a2[i] * tv[i]);
        }
        job->out[md + k] = ov * inv_sqrt_m;
        for (int j = 0; j < d; j++)
            job->out[(size_t)k * d + j] =
                tl_dot(np, h, t->Xt + (size_t)j * np) * t->in_scale * inv_sqrt_m;
    }
}

/* Neuron k's d + 1 Jacobian factors into F (d + 1, np): F_0 = B and
 * F_j = C .* x^(j) in_scale, so that sqrt(m) dg/dv_k = F_0 and
 * sqrt(m) dg/du_kj = F_j (product.c's kernel is (1/m) sum_k F F^T). */
NQM_TL_INLINE void jacobian_rows(const twolayer *t, long k, double *w, double *F)
{
    const int np = t->np;
    factors(t, k, w, F, F + np);
    for (int j = t->d; j >= 1; j--) {
        const double *x = t->Xt + (size_t)(j - 1) * np;
        double *fj = F + (size_t)j * np;
        for (int i = 0; i < np; i++)
            fj[i] = F[np + i] * x[i] * t->in_scale;
    }
}

/* Neurons of one chunk: their share of m K U into the chunk's sums. Per
 * neuron the d + 1 factors F_0 = B, F_j = C .* x^(j) / sqrt(d) are formed
 * once; each direction then takes c_j = F_j . u and adds sum_j c_j F_j. */
NQM_TL_HOT static void product_chunk(void *ctx, int task, int worker)
{
    const product_job *job = ctx;
    twolayer *t = job->t;
    tl_product *pr = t->product;
    const int np = t->np, d = t->d, b = job->b;
    const long lo = t->m * task / pr->chunks, hi = t->m * (task + 1) / pr->chunks;
    double *w = pr->ws + (size_t)worker * pr->ws_stride;
    double *F = w + 5 * (size_t)np; /* (d + 1, np) */
    double *acc = pr->acc + (size_t)task * pr->b_max * np, c[NQM_TL_PROBE_MAX_D + 1];
    memset(acc, 0, (size_t)b * np * sizeof *acc);
    for (long k = lo; k < hi; k++) {
        jacobian_rows(t, k, w, F);
        for (int q = 0; q < b; q++) {
            const double *u = pr->U + (size_t)q * np;
            double *a = acc + (size_t)q * np;
            for (int j0 = 0; j0 <= d; j0 += NQM_TL_PROBE_MAX_D + 1) {
                const int j1 =
                    j0 + NQM_TL_PROBE_MAX_D + 1 < d + 1 ? j0 + NQM_TL_PROBE_MAX_D + 1 : d + 1;
                for (int j = j0; j < j1; j++)
                    c[j - j0] = tl_dot(np, F + (size_t)j * np, u);
                for (int j = j0; j < j1; j++) {
                    const double *fj = F + (size_t)j * np;
                    for (int i = 0; i < np; i++)
                        a[i] += c[j - j0] * fj[i];
                }
            }
        }
    }
}

/* J^T u for the neurons of one chunk: each writes its own d + 1 entries. */
static void vjp_chunk(void *ctx, int task, int worker)
{
    const jvp_job *job = ctx;
    twolayer *t = job->t;
    tl_product *pr = t->product;
    const int np = t->np, d = t->d;
    const long lo = t->m * task / pr->chunks, hi = t->m * (task + 1) / pr->chunks;
    const size_t md = (size_t)t->m * d;
    const double inv_sqrt_m = 1 / sqrt((double)t->m);
    double *w = pr->ws + (size_t)worker * pr->ws_stride, *F = w + 5 * (size_t)np;
    for (long k = lo; k < hi; k++) {
        jacobian_rows(t, k, w, F);
        job->out[md + k] = tl_dot(np, F, pr->U) * inv_sqrt_m;
        for (int j = 1; j <= d; j++)
            job->out[(size_t)k * d + j - 1] = tl_dot(np, F + (size_t)j * np, pr->U) * inv_sqrt_m;
    }
}

/* sqrt(m) J v for the neurons of one chunk into the chunk's sums. */
static void jvp_chunk(void *ctx, int task, int worker)
{
    const jvp_job *job = ctx;
    twolayer *t = job->t;
    tl_product *pr = t->product;
    const int np = t->np, d = t->d;
    const long lo = t->m * task / pr->chunks, hi = t->m * (task + 1) / pr->chunks;
    const size_t md = (size_t)t->m * d;
    double *w = pr->ws + (size_t)worker * pr->ws_stride, *F = w + 5 * (size_t)np;
    double *acc = pr->acc + (size_t)task * pr->b_max * np;
    memset(acc, 0, (size_t)np * sizeof *acc);
    for (long k = lo; k < hi; k++) {
        jacobian_rows(t, k, w, F);
        for (int j = 0; j <= d; j++) {
            const double c = j == 0 ? job->v[md + k] : job->v[(size_t)k * d + j - 1];
            const double *fj = F + (size_t)j * np;
            for (int i = 0; i < np; i++)
                acc[i] += c * fj[i];
        }
    }
}

/* The product workspace, made on first use; rows mode only. 0, 1 in gram
 * mode, -1 when out of memory. */
static int product_ready(twolayer *t)
{
    if (t->mode != TL_ROWS)
        return 1;
    if (!t->product && !(t->product = nqm_tl_product_new(t)))
        return -1;
    return 0;
}

/* Relu and linear on 1-D inputs in rows mode: the two gate patterns. */
static int gated(const twolayer *t)
{
    return t->mode == TL_ROWS && t->d == 1 && (t->act == ACT_RELU || t->act == ACT_LINEAR);
}

int nqm_tl_vjp(nqm_model *self, const double *u, double *out)
{
    twolayer *t = (twolayer *)self;
    if (gated(t)) {
        nqm_tl_gate_vjp(t, u, out);
        return 0;
    }
    int rc = product_ready(t);
    if (rc != 0)
        return rc;
    memcpy(t->product->U, u, (size_t)t->n * sizeof *u);
    jvp_job job = {t, NULL, out};
    nqm_pool_run(t->pool, vjp_chunk, &job, t->product->chunks);
    return 0;
}

int nqm_tl_jvp(nqm_model *self, const double *v, double *out)
{
    twolayer *t = (twolayer *)self;
    if (gated(t)) {
        nqm_tl_gate_jvp(t, v, out);
        return 0;
    }
    int rc = product_ready(t);
    if (rc != 0)
        return rc;
    tl_product *pr = t->product;
    jvp_job job = {t, v, NULL};
    nqm_pool_run(t->pool, jvp_chunk, &job, pr->chunks);
    const double inv_sqrt_m = 1 / sqrt((double)t->m);
    for (int i = 0; i < t->n; i++) {
        double sum = 0;
        for (int c = 0; c < pr->chunks; c++)
            sum += pr->acc[(size_t)c * pr->b_max * t->np + i];
        out[i] = sum * inv_sqrt_m;
    }
    return 0;
}

int nqm_tl_curvature(nqm_model *self, const double *r, const double *v, double *out)
{
    twolayer *t = (twolayer *)self;
    const size_t p = (size_t)t->m * (t->d + 1);
    if (t->variant == MODEL_LIN) {
        memset(out, 0, p * sizeof *out);
        return 0;
    }
    int rc = product_ready(t);
    if (rc != 0)
        return rc;
    memcpy(t->product->U, r, (size_t)t->n * sizeof *r);
    jvp_job job = {t, v, out};
    nqm_pool_run(t->pool, curvature_chunk, &job, t->product->chunks);
    return 0;
}

/* KU (b, n) = K U (b, n), unscaled, at the current parameters. */
static int kernel_block(void *ctx, int b, const double *U, double *KU)
{
    twolayer *t = ctx;
    tl_product *pr = t->product;
    const int n = t->n, np = t->np;
    for (int q0 = 0; q0 < b; q0 += pr->b_max) {
        if (nqm_stopping(t->base.stop))
            return -1; /* top_eigs then says it stopped */
        int bs = b - q0 < pr->b_max ? b - q0 : pr->b_max;
        for (int q = 0; q < bs; q++)
            memcpy(pr->U + (size_t)q * np, U + (size_t)(q0 + q) * n, (size_t)n * sizeof *U);
        product_job job = {t, bs};
        nqm_pool_run(t->pool, product_chunk, &job, pr->chunks);
        const double inv_m = 1.0 / (double)t->m;
        for (int q = 0; q < bs; q++) {
            double *out = KU + (size_t)(q0 + q) * n;
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int c = 0; c < pr->chunks; c++)
                    sum += pr->acc[((size_t)c * pr->b_max + q) * np + i];
                out[i] = sum * inv_m;
            }
        }
    }
    return 0;
}

int nqm_tl_top_eigs(nqm_model *self, int k, double tol, double *lam, double *vec)
{
    twolayer *t = (twolayer *)self;
    int rc = product_ready(t);
    if (rc != 0)
        return rc;
    tl_product *pr = t->product;
    int want = k < t->n ? k : t->n;
    if (pr->krylov && pr->k != want) {
        nqm_krylov_free(pr->krylov);
        pr->krylov = NULL;
    }
    if (!pr->krylov && !(pr->krylov = nqm_krylov_new(t->n, want)))
        return -1;
    pr->k = want;
    rc = nqm_krylov_top_block(pr->krylov, kernel_block, t, tol, t->n + NQM_KRYLOV_BASIS(want), lam,
                              vec, NULL);
    return nqm_stopping(t->base.stop) ? NQM_STOPPED : rc;
}
