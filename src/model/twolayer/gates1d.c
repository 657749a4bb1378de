/* gates1d.c: the two-layer family with relu or linear activation on 1-D
 * inputs. There the gate of neuron k on example i, 1{u_k x_i > 0} (with
 * u_k = u0_k for lin and quad), is 1{x_i > 0} when u_k > 0 and 1{x_i < 0}
 * when u_k < 0 (the linear activation has the single gate "always"): two
 * patterns p, whatever m. With the masked input mx_p = gate_p .* x, and
 * sigma(z) = z sigma'(z) for both activations, every per-example
 * quantity of neuron k is a multiple of mx_p or of gate_p:
 *
 *     B_k = alpha_k mx_p,   C_k = cv_k gate_p,   its output share = gamma_k mx_p,
 *     alpha = u (net), u0 (lin), u0 + du (quad);  cv = v, v0, v0 + dv;
 *     gamma = v alpha (net), dv alpha + v0 du (lin, quad),
 *
 * so a GD step needs, per pattern, P_p = r . mx_p (then dv_k, du_k follow
 * from alpha_k P_p and cv_k P_p), and the new point needs only the sums
 * over the neurons of each pattern of gamma_k, alpha_k^2 and cv_k^2:
 *
 *     g = f0 + (1/sqrt(m)) sum_p Gamma_p mx_p,
 *     m K = sum_p [A_p mx_p mx_p^T + Cv_p (gate_p gate_p^T) .* x x^T]
 *         = sum_p (A_p + Cv_p) mx_p mx_p^T          (Prop. 1: rank <= 2).
 *
 * A step costs O(m + n), not O(n m): one pass over the parameters (on the
 * pool, chunks fixed by m, sums combined in chunk order) and O(n) (probe)
 * or O(n^2) (dense kernel) per pattern. The relu gate is read off the sign
 * of u_k instead of the product u_k x_i, which differs only when that
 * product underflows to zero (|u_k x_i| < 2^-1074). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "family.h"

enum {
    PATTERNS = 2,
    CHUNK_NEURONS = 16384, /* about this many neurons per chunk */
    MAX_CHUNKS = 64,
};

/* Sums over the neurons of each pattern. */
typedef struct {
    double gamma[PATTERNS], alpha2[PATTERNS], cv2[PATTERNS];
} gate_sums;

typedef struct {
    twolayer *t;
    const tl_pass *ps;
    int chunks;
    double P[PATTERNS]; /* r . mx_p at the current point */
    gate_sums *sums;    /* (chunks) */
} gate_job;

/* Gate (0 or 1) and masked input of example i under pattern p (from the
 * model's own copy of the inputs: Xt is X when d = 1). Pattern 0 holds
 * the neurons with u > 0 (and every linear neuron), pattern 1 those with
 * u < 0; a relu neuron with u = 0 is never open and in neither. */
static double gate(const twolayer *t, int p, int i)
{
    double x = t->Xt[i];
    if (t->act == ACT_LINEAR)
        return 1;
    return p == 0 ? x > 0 : x < 0;
}

static double masked(const twolayer *t, int p, int i) { return gate(t, p, i) * t->Xt[i]; }

/* alpha, cv, gamma of neuron k (see the top of the file), from the
 * variants' table (family.h): alpha is B's coefficient on the input,
 * u0 + qB du; gamma the output's, ov alpha + os du. u is the weight
 * whose sign picks the pattern. */
NQM_TL_INLINE void coefficients(nqm_model_kind variant, const double *W, const double *W0, long m,
                                long k, double *u, double *c)
{
    if (variant == MODEL_NET) {
        tl_coef tc = tl_coefficients(MODEL_NET, W[m + k], 0);
        *u = W[k];
        c[0] = W[k];
        c[1] = tc.cv;
        c[2] = tc.ov * W[k];
        return;
    }
    double u0 = W0[k], du = W[k];
    tl_coef tc = tl_coefficients(variant, W[m + k], W0[m + k]);
    *u = u0;
    c[0] = tc.qB ? u0 + du : u0;
    c[1] = tc.cv;
    c[2] = tc.ov * c[0] + tc.os * du;
}

/* x when on, else y: masks on the bits, so that no compiler makes it a
 * branch, and the bits of the one picked whatever they are. */
NQM_TL_INLINE double pick(int on, double x, double y)
{
    uint64_t bx, by, mask = -(uint64_t)(on != 0);
    memcpy(&bx, &x, sizeof bx);
    memcpy(&by, &y, sizeof by);
    bx = (bx & mask) | (by & ~mask);
    memcpy(&x, &bx, sizeof x);
    return x;
}

NQM_TL_INLINE double keep(int on, double x) { return pick(on, x, 0.0); }

/* Neurons [k0, k1): the step (when the pass has a residual), then their
 * pattern sums into blk, without a branch on the pattern (selects
 * instead: the sign of u is a coin flip per neuron) and with the sums in
 * registers. Adding a selected 0 leaves a sum's bits as they are. */
NQM_TL_INLINE void gate_block(nqm_model_kind variant, int linear, int step, const gate_job *job,
                              long k0, long k1, gate_sums *blk)
{
    twolayer *t = job->t;
    const long m = t->m;
    const double av = job->ps->eta_s / sqrt((double)m), P0 = job->P[0], P1 = job->P[1];
    const double *W = job->ps->init ? t->w0 : t->w, *W0 = t->w0;
    double *w = t->w;
    double g0 = 0, a0 = 0, c0 = 0, g1 = 0, a1 = 0, c1 = 0;
    for (long k = k0; k < k1; k++) {
        double u, c[3];
        coefficients(variant, W, W0, m, k, &u, c);
        int on0 = linear || u > 0, on1 = !linear && u < 0;
        if (step) {
            double P = pick(on0, P0, P1);
            w[k] = pick(on0 | on1, w[k] - av * c[1] * P, w[k]);
            w[m + k] = pick(on0 | on1, w[m + k] - av * c[0] * P, w[m + k]);
            coefficients(variant, W, W0, m, k, &u, c);
            on0 = linear || u > 0;
            on1 = !linear && u < 0;
        }
        g0 += keep(on0, c[2]);
        a0 += keep(on0, c[0] * c[0]);
        c0 += keep(on0, c[1] * c[1]);
        g1 += keep(on1, c[2]);
        a1 += keep(on1, c[0] * c[0]);
        c1 += keep(on1, c[1] * c[1]);
    }
    *blk = (gate_sums){{g0, g1}, {a0, a1}, {c0, c1}};
}

/* One block, compiled for each variant, gate kind and step or not. */
#define GATE_BLOCK(v, lin)                                                                         \
    (step ? gate_block(v, lin, 1, job, k0, k1, blk) : gate_block(v, lin, 0, job, k0, k1, blk))
NQM_TL_HOT static void gate_block_any(const gate_job *job, long k0, long k1, gate_sums *blk)
{
    const twolayer *t = job->t;
    const nqm_model_kind v = t->variant == MODEL_NET || job->ps->init ? MODEL_NET : t->variant;
    const int linear = t->act == ACT_LINEAR, step = job->ps->r != NULL;
    if (v == MODEL_NET)
        linear ? GATE_BLOCK(MODEL_NET, 1) : GATE_BLOCK(MODEL_NET, 0);
    else if (v == MODEL_LIN)
        linear ? GATE_BLOCK(MODEL_LIN, 1) : GATE_BLOCK(MODEL_LIN, 0);
    else
        linear ? GATE_BLOCK(MODEL_QUAD, 1) : GATE_BLOCK(MODEL_QUAD, 0);
}
#undef GATE_BLOCK

/* Neurons of one chunk: the step, then their pattern sums, in blocks. */
static void gate_chunk(void *ctx, int task, int worker)
{
    (void)worker;
    const gate_job *job = ctx;
    const long m = job->t->m, lo = m * task / job->chunks, hi = m * (task + 1) / job->chunks;
    gate_sums *acc = &job->sums[task];
    memset(acc, 0, sizeof *acc);
    for (long k0 = lo; k0 < hi; k0 += NQM_TL_BLOCK) {
        gate_sums blk = {{0}, {0}, {0}};
        gate_block_any(job, k0, hi - k0 < NQM_TL_BLOCK ? hi : k0 + NQM_TL_BLOCK, &blk);
        for (int p = 0; p < PATTERNS; p++) {
            acc->gamma[p] += blk.gamma[p];
            acc->alpha2[p] += blk.alpha2[p];
            acc->cv2[p] += blk.cv2[p];
        }
    }
}

/* The probe from the pattern weights w_p = A_p + Cv_p: H = sum_p w_p c_p
 * c_p^T with c_p = Omega mx_p, tr = sum_p w_p |mx_p|^2, Y = sum_p w_p c_p
 * mx_p^T (all times m; the caller divides). */
static void gate_probe(const twolayer *t, const gate_sums *s, nqm_probe *pr)
{
    const int n = t->n, np = t->np, b = pr->b;
    memset(pr->H, 0, sizeof pr->H);
    pr->trace = 0;
    if (pr->Y)
        memset(pr->Y, 0, (size_t)b * np * sizeof *pr->Y);
    for (int p = 0; p < PATTERNS; p++) {
        double w = s->alpha2[p] + s->cv2[p], c[NQM_PROBE_MAX] = {0}, q = 0;
        for (int i = 0; i < n; i++) {
            double mx = masked(t, p, i);
            q += mx * mx;
            for (int j = 0; j < b; j++)
                c[j] += pr->Omega[(size_t)j * np + i] * mx;
        }
        pr->trace += w * q;
        for (int j = 0; j < b; j++)
            for (int l = 0; l < b; l++)
                pr->H[j * b + l] += w * c[j] * c[l];
        for (int j = 0; pr->Y && j < b; j++)
            for (int i = 0; i < n; i++)
                pr->Y[(size_t)j * np + i] += w * c[j] * masked(t, p, i);
    }
}

/* KB += A_p mx_p mx_p^T, KC += Cv_p gate_p gate_p^T (upper triangles). */
static void gate_dense(twolayer *t, const gate_sums *s)
{
    const int n = t->n;
    for (int p = 0; p < PATTERNS; p++)
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++) {
                t->KB[(size_t)j * n + i] += s->alpha2[p] * masked(t, p, i) * masked(t, p, j);
                t->KC[(size_t)j * n + i] += s->cv2[p] * gate(t, p, i) * gate(t, p, j);
            }
}

void nqm_tl_gate_pass(twolayer *t, const tl_pass *ps)
{
    gate_sums sums[MAX_CHUNKS], total = {{0}, {0}, {0}};
    long chunks = t->m / CHUNK_NEURONS;
    gate_job job = {t,
                    ps,
                    chunks < 1            ? 1
                    : chunks > MAX_CHUNKS ? MAX_CHUNKS
                                          : (int)chunks,
                    {0, 0},
                    sums};
    for (int p = 0; ps->r && p < PATTERNS; p++)
        for (int i = 0; i < t->n; i++)
            job.P[p] += ps->r[i] * masked(t, p, i);
    nqm_pool_run(t->pool, gate_chunk, &job, job.chunks);
    for (int c = 0; c < job.chunks; c++)
        for (int p = 0; p < PATTERNS; p++) {
            total.gamma[p] += sums[c].gamma[p];
            total.alpha2[p] += sums[c].alpha2[p];
            total.cv2[p] += sums[c].cv2[p];
        }
    memset(ps->g, 0, (size_t)t->np * sizeof *ps->g);
    for (int p = 0; p < PATTERNS; p++)
        for (int i = 0; i < t->n; i++)
            ps->g[i] += total.gamma[p] * masked(t, p, i);
    if (ps->probe)
        gate_probe(t, &total, ps->probe);
    if (ps->dense)
        gate_dense(t, &total);
}

/* The pattern a neuron of weight u (its pattern weight) is in, -1: none. */
static int pattern_of(const twolayer *t, double u)
{
    if (t->act == ACT_LINEAR || u > 0)
        return 0;
    return u < 0 ? 1 : -1;
}

/* J^T u (p): with P_p = u . mx_p, dv_k gets alpha_k P_p / sqrt(m) and du_k
 * cv_k P_p / sqrt(m) (in_scale is 1 for d = 1): O(m + n). */
void nqm_tl_gate_vjp(const twolayer *t, const double *u, double *out)
{
    const long m = t->m;
    const double inv_sqrt_m = 1 / sqrt((double)m);
    const double *W0 = t->variant == MODEL_NET ? NULL : t->w0;
    double P[PATTERNS] = {0, 0};
    for (int p = 0; p < PATTERNS; p++)
        for (int i = 0; i < t->n; i++)
            P[p] += u[i] * masked(t, p, i);
    for (long k = 0; k < m; k++) {
        double w, c[3];
        coefficients(t->variant, t->w, W0, m, k, &w, c);
        int p = pattern_of(t, w);
        out[k] = p < 0 ? 0 : c[1] * P[p] * inv_sqrt_m;
        out[m + k] = p < 0 ? 0 : c[0] * P[p] * inv_sqrt_m;
    }
}

/* J v (n) = (1/sqrt(m)) sum_p mx_p sum_{k in p} (alpha_k v_(m+k) + cv_k v_k). */
void nqm_tl_gate_jvp(const twolayer *t, const double *v, double *out)
{
    const long m = t->m;
    const double *W0 = t->variant == MODEL_NET ? NULL : t->w0;
    double S[PATTERNS] = {0, 0};
    for (long k = 0; k < m; k++) {
        double w, c[3];
        coefficients(t->variant, t->w, W0, m, k, &w, c);
        int p = pattern_of(t, w);
        if (p >= 0)
            S[p] += c[0] * v[m + k] + c[1] * v[k];
    }
    const double inv_sqrt_m = 1 / sqrt((double)m);
    for (int i = 0; i < t->n; i++)
        out[i] = (S[0] * masked(t, 0, i) + S[1] * masked(t, 1, i)) * inv_sqrt_m;
}
