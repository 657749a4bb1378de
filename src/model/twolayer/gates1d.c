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

/* The pattern of a neuron whose input weight is u: 0 (u > 0, and every
 * linear neuron), 1 (u < 0), -1 (a relu neuron with u = 0: never open). */
static int pattern_of(const twolayer *t, double u)
{
    if (t->act == ACT_LINEAR)
        return 0;
    return u > 0 ? 0 : u < 0 ? 1 : -1;
}

/* Gate (0 or 1) and masked input of example i under pattern p (from the
 * model's own copy of the inputs: Xt is X when d = 1). */
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
 * u0 + qB du; gamma the output's, ov alpha + os du. */
static void coefficients(const twolayer *t, const tl_pass *ps, long k, double *u, double *c)
{
    const long m = t->m;
    if (t->variant == MODEL_NET || ps->init) {
        const double *W = ps->init ? t->w0 : t->w;
        tl_coef tc = tl_coefficients(MODEL_NET, W[m + k], 0);
        *u = W[k];
        c[0] = W[k];
        c[1] = tc.cv;
        c[2] = tc.ov * W[k];
        return;
    }
    double u0 = t->w0[k], du = t->w[k];
    tl_coef tc = tl_coefficients(t->variant, t->w[m + k], t->w0[m + k]);
    *u = u0;
    c[0] = tc.qB ? u0 + du : u0;
    c[1] = tc.cv;
    c[2] = tc.ov * c[0] + tc.os * du;
}

/* Neurons of one chunk: the step, then their pattern sums, in blocks. */
static void gate_chunk(void *ctx, int task, int worker)
{
    const gate_job *job = ctx;
    twolayer *t = job->t;
    const tl_pass *ps = job->ps;
    const long m = t->m, lo = m * task / job->chunks, hi = m * (task + 1) / job->chunks;
    const double av = ps->eta_s / sqrt((double)m);
    gate_sums *acc = &job->sums[task];
    memset(acc, 0, sizeof *acc);
    for (long k0 = lo; k0 < hi; k0 += NQM_TL_BLOCK) {
        gate_sums blk = {{0}, {0}, {0}};
        long k1 = hi - k0 < NQM_TL_BLOCK ? hi : k0 + NQM_TL_BLOCK;
        for (long k = k0; k < k1; k++) {
            double u, c[3];
            coefficients(t, ps, k, &u, c);
            int p = pattern_of(t, u);
            if (ps->r && p >= 0) {
                t->w[k] -= av * c[1] * job->P[p];
                t->w[m + k] -= av * c[0] * job->P[p];
                coefficients(t, ps, k, &u, c);
                p = pattern_of(t, u);
            }
            if (p < 0)
                continue;
            blk.gamma[p] += c[2];
            blk.alpha2[p] += c[0] * c[0];
            blk.cv2[p] += c[1] * c[1];
        }
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
