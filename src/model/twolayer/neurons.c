/* neurons.c: rows mode of the two-layer family — inputs of few dimensions
 * (d <= n). Two fused loops per neuron over its np examples, eight lanes
 * at a time in registers: the first forms B and C at the current point
 * and the sums of the GD step; after the step the second forms them at
 * the new point and adds the neuron's share of the outputs and of the
 * kernel (a probe: Omega K Omega^T and tr K; or B and C for a dense
 * dsyrk). For lin and quad the activations at Z0 serve both loops.
 *
 * The variants share one set of formulas, the table of per-neuron
 * coefficients in family.h (tl_coefficients), evaluated in full. Relu and
 * linear on 1-D inputs do not come here: their gates take two patterns
 * and gates1d.c does without per-example work.
 *
 * The neurons are cut into chunks fixed by m alone; each chunk sums into
 * its own accumulators, blocks of NQM_TL_BLOCK neurons first, and the
 * chunks are combined in order, so the result is the same bits for any
 * number of threads. Probe passes run the chunks on the pool (no BLAS
 * inside); dense passes run them in order on the calling thread and let
 * OpenBLAS thread its dsyrk. */
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/blas.h"
#include "nqmtop/model/activation.h"
#include "neuron.h"

enum {
    L = NQM_TL_LANES,
    CHUNK_NEURONS = 1024, /* about this many neurons per chunk */
    MAX_CHUNKS = 64,
    ACC_H = NQM_PROBE_MAX * NQM_PROBE_MAX,
    DENSE_BLOCK = 4 * NQM_TL_BLOCK, /* neurons per dsyrk of a dense pass */
};

/* How the fused loops get sigma, sigma', sigma'': in the lanes (relu: a
 * compare; linear: nothing) or from a table that nqm_sigma_fill fills
 * (tanh, swish: libm calls, which do not vectorise). */
typedef enum { KIND_RELU, KIND_LINEAR, KIND_TABLE } act_kind;

struct tl_rows {
    int chunks;
    size_t acc_stride;   /* per chunk: g (np), H (ACC_H), trace (1), Y (PROBE_MAX, np) */
    double *acc;         /* (chunks, acc_stride) */
    size_t ws_stride;    /* per thread: tab (3 np), z, tmp, gblk (np), pv (1 + PROBE_MAX_D, np),
                            Yblk (PROBE_MAX, np), cz, cs, pu (d) */
    double *ws;          /* (threads, ws_stride) */
    double *blkB, *blkC; /* (DENSE_BLOCK, np) B and C of neurons not yet in KB, KC */
    int held;            /* rows of blkB, blkC filled */
    double *tab0;        /* (m, 3, np) lin's and quad's tables at Z0, NULL when not kept */
    int tab0_ready;      /* tab0 filled (by the first pass) */
};

typedef struct {
    twolayer *t;
    const tl_pass *ps;
} rows_job;

/* One neuron as the fused loops see it. */
typedef struct {
    const double *cz;  /* (d) reference weights / sqrt(d): U0 row, or U row for net */
    const double *cs;  /* (d) dU row / sqrt(d); zeros for net */
    const double *tab; /* (3, np) a0, a1, a2 for KIND_TABLE */
    tl_coef c;         /* the variant's coefficients at the neuron's weights */
} neuron_view;

/* A thread's workspace (tl_rows.ws_stride) cut into its parts. */
typedef struct {
    double *tab;          /* (3, np) activation table */
    double *z;            /* (np) pre-activations */
    double *tmp;          /* (np) r .* C */
    double *gblk;         /* (np) a block's outputs */
    double *pv;           /* (1 + PROBE_MAX_D, np) B and C .* x^(l), or mx, for a probe */
    double *Yblk;         /* (PROBE_MAX, np) a block's K Omega^T */
    double *cz, *cs, *pu; /* (d) weights / sqrt(d) and the step's sums */
} ws_parts;

static ws_parts parts_of(const twolayer *t, double *ws)
{
    const size_t np = (size_t)t->np;
    ws_parts w = {ws, ws + 3 * np, ws + 4 * np, ws + 5 * np, ws + 6 * np, NULL, NULL, NULL, NULL};
    w.Yblk = w.pv + (1 + NQM_TL_PROBE_MAX_D) * np;
    w.cz = w.Yblk + NQM_PROBE_MAX * np;
    w.cs = w.cz + t->d;
    w.pu = w.cs + t->d;
    return w;
}

/* Per-chunk sums of one block of neurons. */
typedef struct {
    double *g; /* (np) */
    double H[ACC_H];
    double trace;
    double *Y; /* (b, np), NULL unless the probe asks for K Omega^T */
} block_sums;

tl_rows *nqm_tl_rows_new(const twolayer *t)
{
    tl_rows *rw = calloc(1, sizeof *rw);
    if (!rw)
        return NULL;
    long chunks = t->m / CHUNK_NEURONS;
    rw->chunks = chunks < 1 ? 1 : chunks > MAX_CHUNKS ? MAX_CHUNKS : (int)chunks;
    rw->acc_stride = (size_t)t->np * (1 + NQM_PROBE_MAX) + ACC_H + 1;
    rw->ws_stride = (7 + NQM_TL_PROBE_MAX_D + NQM_PROBE_MAX) * (size_t)t->np + 3 * (size_t)t->d;
    int threads = nqm_pool_threads(t->pool);
    rw->acc = malloc(rw->chunks * rw->acc_stride * sizeof *rw->acc);
    rw->ws = calloc((size_t)threads * rw->ws_stride, sizeof *rw->ws);
    rw->blkB = malloc((size_t)DENSE_BLOCK * t->np * sizeof *rw->blkB);
    rw->blkC = malloc((size_t)DENSE_BLOCK * t->np * sizeof *rw->blkC);
    if (t->variant != MODEL_NET &&
        nqm_twolayer_tables_kept(t->m, t->n, t->d, t->act, t->variant)) /* else: refilled */
        rw->tab0 = malloc((size_t)t->m * 3 * t->np * sizeof *rw->tab0);
    if (!rw->acc || !rw->ws || !rw->blkB || !rw->blkC) {
        nqm_tl_rows_free(rw);
        return NULL;
    }
    return rw;
}

void nqm_tl_rows_free(tl_rows *rw)
{
    if (!rw)
        return;
    free(rw->acc);
    free(rw->ws);
    free(rw->blkB);
    free(rw->blkC);
    free(rw->tab0);
    free(rw);
}

/* Eight lanes of doubles as one value (GNU vector extension): lowered to
 * whatever vector unit the clone targets, two SSE2 registers at least. */
typedef double v8d __attribute__((vector_size(L * sizeof(double))));
typedef long long v8l __attribute__((vector_size(L * sizeof(long long))));

NQM_TL_INLINE void ld(v8d *v, const double *p) { memcpy(v, p, sizeof *v); }
NQM_TL_INLINE void st(double *p, const v8d *v) { memcpy(p, v, sizeof *v); }
NQM_TL_INLINE double fold(const v8d *v)
{
    double lanes[L];
    memcpy(lanes, v, sizeof lanes);
    return tl_fold(lanes);
}

/* The lanes of one neuron at examples i..i+L-1 (current weights in nv). */
typedef struct {
    v8d B, C, a1, a2, s;
} lanes;

NQM_TL_INLINE void lanes_point(act_kind kind, int d, int np, const double *restrict Xt, int i,
                               const neuron_view *nv, lanes *o)
{
    const v8d one = {1, 1, 1, 1, 1, 1, 1, 1}, zero = {0};
    v8d x, z = zero, a0;
    ld(&x, Xt + i);
    if (kind != KIND_TABLE)
        z = nv->cz[0] * x;
    o->s = nv->cs[0] * x;
    for (int j = 1; j < d; j++) {
        ld(&x, Xt + (size_t)j * np + i);
        if (kind != KIND_TABLE)
            z += nv->cz[j] * x;
        o->s += nv->cs[j] * x;
    }
    if (kind == KIND_RELU) {
        v8l pos = z > zero;
        o->a1 = (v8d)(pos & (v8l)one);
        a0 = (v8d)(pos & (v8l)z);
        o->a2 = zero;
    } else if (kind == KIND_LINEAR) {
        a0 = z;
        o->a1 = one;
        o->a2 = zero;
    } else {
        ld(&a0, nv->tab + i);
        ld(&o->a1, nv->tab + np + i);
        ld(&o->a2, nv->tab + 2 * np + i);
    }
    o->B = a0 + nv->c.qB * o->a1 * o->s;
    o->C = nv->c.cv * o->a1;
    if (kind == KIND_TABLE)
        o->C += nv->c.cq * o->a2 * o->s;
}

/* The current point: rb = r.B and pu_j = (r .* C).x_j, summed in lanes
 * (d > 1: r .* C into tmp, dotted with each input column after). */
NQM_TL_INLINE void fused_old(act_kind kind, int d, const twolayer *t, const double *restrict r,
                             const neuron_view *nv, double *restrict tmp, double *rb, double *pu)
{
    const int np = t->np;
    v8d accv = {0}, accu = {0}, rv, x;
    for (int i = 0; i < np; i += L) {
        lanes o;
        lanes_point(kind, d, np, t->Xt, i, nv, &o);
        ld(&rv, r + i);
        accv += rv * o.B;
        if (d == 1) {
            ld(&x, t->Xt + i);
            accu += rv * o.C * x;
        } else {
            v8d rc = rv * o.C;
            st(tmp + i, &rc);
        }
    }
    *rb = fold(&accv);
    if (d == 1)
        pu[0] = fold(&accu);
    else
        for (int j = 0; j < d; j++)
            pu[j] = tl_dot(np, tmp, t->Xt + (size_t)j * np);
}

/* One rank-one share w y y^T of m K seen through the probe: H (b, b) +=
 * w c c^T with c_j = Omega_j . y (np), and Y (b, np) += w c y^T when Y. */
NQM_TL_INLINE void add_outer(int np, int b, const double *Om, const double *y, double w, double *H,
                             double *Y)
{
    double c[NQM_PROBE_MAX];
    for (int j = 0; j < b; j++)
        c[j] = tl_dot(np, Om + (size_t)j * np, y);
    for (int j = 0; j < b; j++)
        for (int q = 0; q < b; q++)
            H[j * b + q] += w * c[j] * c[q];
    for (int j = 0; Y && j < b; j++)
        for (int i = 0; i < np; i++)
            Y[(size_t)j * np + i] += w * c[j] * y[i];
}

/* The new point: outputs into sums->g; for a probe, tr and the neuron's
 * share of m Omega K Omega^T: sum over input dimensions l of the outer
 * products of Omega (C .* x^(l)) / sqrt(d), plus that of Omega B (from B
 * and the C .* x^(l) kept in pv, (1 + d, np)); for a dense pass, B and C
 * into row kk of the block buffers. */
NQM_TL_INLINE void fused_new(act_kind kind, int d, const twolayer *t, const tl_pass *ps,
                             const neuron_view *nv, int kk, double *restrict pv, block_sums *sums)
{
    /* probes are offered only for d <= NQM_TL_PROBE_MAX_D (twolayer.c) */
    const int np = t->np, probe = ps->probe != NULL;
    const int pd = probe && d <= NQM_TL_PROBE_MAX_D ? d : 0;
    v8d tr = {0}, gv, gd, x;
    double *g = sums->g;
    for (int i = 0; i < np; i += L) {
        lanes o;
        lanes_point(kind, d, np, t->Xt, i, nv, &o);
        v8d da = kind == KIND_TABLE ? o.a1 + nv->c.oc * o.a2 * o.s : o.a1;
        ld(&gv, g + i);
        gv += nv->c.ov * o.B + nv->c.os * o.s * da;
        st(g + i, &gv);
        if (ps->dense) {
            st(t->rows->blkB + (size_t)kk * np + i, &o.B);
            st(t->rows->blkC + (size_t)kk * np + i, &o.C);
        }
        if (!probe)
            continue;
        ld(&gd, t->gdiag + i);
        tr += o.C * o.C * gd + o.B * o.B;
        st(pv + i, &o.B);
        for (int li = 0; li < pd; li++) {
            ld(&x, t->Xt + (size_t)li * np + i);
            v8d ct = o.C * x * t->in_scale;
            st(pv + (size_t)(1 + li) * np + i, &ct);
        }
    }
    if (!probe)
        return;
    sums->trace += fold(&tr);
    for (int li = 0; li < pd; li++)
        add_outer(np, ps->probe->b, ps->probe->Omega, pv + (size_t)(1 + li) * np, 1, sums->H,
                  sums->Y);
    add_outer(np, ps->probe->b, ps->probe->Omega, pv, 1, sums->H, sums->Y);
}

/* Coefficients and weight rows of neuron k (see the top of the file). */
NQM_TL_INLINE neuron_view view_of(const twolayer *t, const tl_pass *ps, long k, double *cz,
                                  double *cs, const double *tab)
{
    const int d = t->d;
    const size_t md = (size_t)t->m * d;
    const int net = t->variant == MODEL_NET || ps->init;
    const double *W = ps->init ? t->w0 : t->w;
    const double *uref = net ? W + (size_t)k * d : t->w0 + (size_t)k * d;
    for (int j = 0; j < d; j++) {
        cz[j] = uref[j] * t->in_scale;
        cs[j] = net ? 0 : t->w[(size_t)k * d + j] * t->in_scale;
    }
    double v = W[md + k], v0 = net ? 0 : t->w0[md + k];
    neuron_view nv = {cz, cs, tab, tl_coefficients(net ? MODEL_NET : t->variant, v, v0)};
    return nv;
}

/* The activation table of a neuron from its weights cz (KIND_TABLE). */
NQM_TL_INLINE void fill_table(const twolayer *t, const double *cz, double *z, double *tab)
{
    const int np = t->np;
    for (int i = 0; i < np; i++)
        z[i] = 0;
    for (int j = 0; j < t->d; j++)
        for (int i = 0; i < np; i++)
            z[i] += cz[j] * t->Xt[(size_t)j * np + i];
    nqm_sigma_fill(t->act, (size_t)np, z, tab, tab + np, tab + 2 * np);
}

/* Neuron k in full: the step when there is a residual, then the new point.
 * Lin's and quad's tables at Z0 come from tab0 when it is kept (the first
 * pass fills it: at w0, as every pass of theirs). */
NQM_TL_INLINE void neuron(act_kind kind, int d, twolayer *t, const tl_pass *ps, const ws_parts *w,
                          long k, int kk, block_sums *sums)
{
    double *tab = w->tab, *z = w->z, *tmp = w->tmp, *pv = w->pv, *cz = w->cz, *cs = w->cs;
    double *tab0 = t->rows->tab0;
    if (kind == KIND_TABLE && tab0)
        tab = tab0 + (size_t)k * 3 * t->np;
    neuron_view nv = view_of(t, ps, k, cz, cs, tab);
    if (kind == KIND_TABLE && (!tab0 || !t->rows->tab0_ready))
        fill_table(t, cz, z, tab);
    if (ps->r) {
        const size_t md = (size_t)t->m * t->d;
        const double av = ps->eta_s / sqrt((double)t->m), au = av * t->in_scale;
        double rb, *pu = w->pu;
        fused_old(kind, d, t, ps->r, &nv, tmp, &rb, pu);
        double *u = t->w + (size_t)k * t->d;
        for (int j = 0; j < t->d; j++)
            u[j] -= au * pu[j];
        t->w[md + k] -= av * rb;
        nv = view_of(t, ps, k, cz, cs, tab);
        if (kind == KIND_TABLE && t->variant == MODEL_NET)
            fill_table(t, cz, z, tab);
    }
    fused_new(kind, d, t, ps, &nv, kk, pv, sums);
}

/* KB, KC += the held rows of B and C (dense passes, one thread). */
static void flush_dense(twolayer *t)
{
    tl_rows *rw = t->rows;
    nqm_dsyrk("U", "N", t->n, rw->held, 1.0, rw->blkB, t->np, 1.0, t->KB, t->n);
    nqm_dsyrk("U", "N", t->n, rw->held, 1.0, rw->blkC, t->np, 1.0, t->KC, t->n);
    rw->held = 0;
}

/* Neurons [lo, hi) of one chunk into its accumulators (see acc_stride). */
NQM_TL_INLINE void chunk(act_kind kind, int d, twolayer *t, const tl_pass *ps, int task, double *ws)
{
    tl_rows *rw = t->rows;
    const ws_parts w = parts_of(t, ws);
    const int np = t->np, b = ps->probe ? ps->probe->b : 0, want_y = b && ps->probe->Y;
    const long lo = t->m * task / rw->chunks, hi = t->m * (task + 1) / rw->chunks;
    double *acc = rw->acc + task * rw->acc_stride, *accy = acc + np + ACC_H + 1;
    memset(acc, 0, rw->acc_stride * sizeof *acc);
    for (long k0 = lo; k0 < hi && !nqm_stopping(t->base.stop); k0 += NQM_TL_BLOCK) {
        int bs = (int)(hi - k0 < NQM_TL_BLOCK ? hi - k0 : NQM_TL_BLOCK);
        block_sums sums = {w.gblk, {0}, 0, want_y ? w.Yblk : NULL};
        memset(sums.g, 0, (size_t)np * sizeof *sums.g);
        if (want_y)
            memset(sums.Y, 0, (size_t)b * np * sizeof *sums.Y);
        for (int kk = 0; kk < bs; kk++)
            neuron(kind, d, t, ps, &w, k0 + kk, rw->held + kk, &sums);
        for (int i = 0; i < np; i++)
            acc[i] += sums.g[i];
        for (int j = 0; j < b * b; j++)
            acc[np + j] += sums.H[j];
        acc[np + ACC_H] += sums.trace;
        for (size_t i = 0; want_y && i < (size_t)b * np; i++)
            accy[i] += sums.Y[i];
        if (ps->dense) {
            rw->held += bs;
            if (rw->held + NQM_TL_BLOCK > DENSE_BLOCK || k0 + bs == t->m)
                flush_dense(t);
        }
    }
}

/* One chunk, its loops compiled separately for each activation kind and
 * for d = 1 (tanh and swish; relu and linear there go to gates1d.c). */
NQM_TL_HOT static void rows_chunk(void *ctx, int task, int worker)
{
    const rows_job *job = ctx;
    twolayer *t = job->t;
    const tl_pass *ps = job->ps;
    double *ws = t->rows->ws + (size_t)worker * t->rows->ws_stride;
    if (t->act == ACT_RELU)
        chunk(KIND_RELU, t->d, t, ps, task, ws);
    else if (t->act == ACT_LINEAR)
        chunk(KIND_LINEAR, t->d, t, ps, task, ws);
    else if (t->d == 1)
        chunk(KIND_TABLE, 1, t, ps, task, ws);
    else
        chunk(KIND_TABLE, t->d, t, ps, task, ws);
}

const double *nqm_tl_rows_table(const twolayer *t, long k)
{
    const tl_rows *rw = t->rows;
    return rw->tab0 && rw->tab0_ready ? rw->tab0 + (size_t)k * 3 * t->np : NULL;
}

void nqm_tl_rows_pass(twolayer *t, const tl_pass *ps)
{
    tl_rows *rw = t->rows;
    rows_job job = {t, ps};
    const int np = t->np, b = ps->probe ? ps->probe->b : 0;
    double *Y = b ? ps->probe->Y : NULL;
    if (ps->dense)
        for (int c = 0; c < rw->chunks; c++)
            rows_chunk(&job, c, 0);
    else
        nqm_pool_run(t->pool, rows_chunk, &job, rw->chunks);
    rw->tab0_ready = rw->tab0 != NULL;
    memset(ps->g, 0, (size_t)np * sizeof *ps->g);
    if (b) {
        memset(ps->probe->H, 0, sizeof ps->probe->H);
        ps->probe->trace = 0;
    }
    if (Y)
        memset(Y, 0, (size_t)b * np * sizeof *Y);
    for (int c = 0; c < rw->chunks; c++) {
        const double *acc = rw->acc + c * rw->acc_stride, *accy = acc + np + ACC_H + 1;
        for (int i = 0; i < np; i++)
            ps->g[i] += acc[i];
        for (int j = 0; j < b * b; j++)
            ps->probe->H[j] += acc[np + j];
        if (b)
            ps->probe->trace += acc[np + ACC_H];
        for (size_t i = 0; Y && i < (size_t)b * np; i++)
            Y[i] += accy[i];
    }
}
