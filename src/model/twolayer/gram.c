/* gram.c: gram mode of the two-layer family — inputs of more
 * dimensions than examples (d > n). Every GD step moves u_k by a
 * combination of the training inputs, so the displacement since the last
 * time w was written is kept as coefficients A (the true U or dU is
 * w + A X), and the pre-activations as caches:
 *
 *     Zc = X U0^T / sqrt(d) (lin, quad) or X U^T / sqrt(d) (net)   (m, np)
 *     Sc = X dU^T / sqrt(d) (lin, quad)                             (m, np)
 *
 * A step changes them by -eta_s/sqrt(m) (X X^T/d) (r .* C): an n x n
 * product per neuron instead of n x d, and nothing of size d is touched
 * after the start. Works block by block with BLAS-3 (OpenBLAS threads
 * it); the kernel is assembled densely (kernels of d-dimensional data
 * are not of low rank, so a probe would not certify). */
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/blas.h"
#include "neuron.h"
#include "nqmtop/model/activation.h"

enum { GRAM_BLOCK = 256 };

struct tl_gram {
    double *Zc;    /* (m, np) pre-activations at U0 (lin, quad) or U (net) */
    double *Sc;    /* (m, np) s = dU x / sqrt(d) (lin, quad); NULL for net */
    double *A;     /* (m, np) coefficients of the displacement not yet in w */
    double *act;   /* (3, GRAM_BLOCK, np) a0, a1, a2 of a block */
    double *B, *C; /* (GRAM_BLOCK, np) of a block */
    double *CR;    /* (GRAM_BLOCK, np) r .* C of a block, old point */
};

tl_gram *nqm_tl_gram_new(const twolayer *t)
{
    const size_t mnp = (size_t)t->m * t->np, bnp = (size_t)GRAM_BLOCK * t->np;
    const int net = t->variant == MODEL_NET;
    tl_gram *gm = calloc(1, sizeof *gm);
    if (!gm)
        return NULL;
    gm->Zc = calloc(mnp, sizeof *gm->Zc);
    gm->Sc = net ? NULL : calloc(mnp, sizeof *gm->Sc);
    gm->A = calloc(mnp, sizeof *gm->A);
    gm->act = malloc(3 * bnp * sizeof *gm->act);
    gm->B = malloc(bnp * sizeof *gm->B);
    gm->C = malloc(bnp * sizeof *gm->C);
    gm->CR = calloc(bnp, sizeof *gm->CR);
    if (!gm->Zc || (!net && !gm->Sc) || !gm->A || !gm->act || !gm->B || !gm->C || !gm->CR) {
        nqm_tl_gram_free(gm);
        return NULL;
    }
    /* column-major: Zc (n x m, ld np) = X (d x n)^T * U^T (d x m) / sqrt(d);
     * Sc = X dU^T / sqrt(d) (dU as w holds it: zero at the start) */
    const double *U = net ? t->w : t->w0;
    nqm_dgemm("T", "N", t->n, (int)t->m, t->d, t->in_scale, t->X, t->d, U, t->d, 0.0, gm->Zc,
              t->np);
    if (!net)
        nqm_dgemm("T", "N", t->n, (int)t->m, t->d, t->in_scale, t->X, t->d, t->w, t->d, 0.0, gm->Sc,
                  t->np);
    return gm;
}

void nqm_tl_gram_free(tl_gram *gm)
{
    if (!gm)
        return;
    free(gm->Zc);
    free(gm->Sc);
    free(gm->A);
    free(gm->act);
    free(gm->B);
    free(gm->C);
    free(gm->CR);
    free(gm);
}

void nqm_tl_gram_materialise(twolayer *t)
{
    /* column-major: w's U^T (d x m) += X^T (d x n) * A^T (n x m, ld np), X being
     * the model's copy Xt seen as (np x d, ld np) */
    nqm_dgemm("T", "N", t->d, (int)t->m, t->n, 1.0, t->Xt, t->np, t->gm->A, t->np, 1.0, t->w, t->d);
    memset(t->gm->A, 0, (size_t)t->m * t->np * sizeof *t->gm->A);
}

long nqm_tl_gram_active_units(const twolayer *t)
{
    long active = 0;
    for (long k = 0; k < t->m; k++) {
        const double *z = t->gm->Zc + (size_t)k * t->np;
        int on = 0;
        for (int i = 0; i < t->n && !on; i++)
            on = z[i] > 0;
        active += on;
    }
    return active;
}

/* Activations of neurons k0..k0+bs from the cache into the block. */
static void block_activate(const twolayer *t, long k0, int bs)
{
    const size_t np = (size_t)t->np, bnp = (size_t)GRAM_BLOCK * np;
    double *a = t->gm->act;
    for (int kk = 0; kk < bs; kk++)
        nqm_sigma_fill(t->act, np, t->gm->Zc + (size_t)(k0 + kk) * np, a + kk * np,
                       a + bnp + kk * np, a + 2 * bnp + kk * np);
}

/* Neuron k's coefficients (the network itself at w0 for f0). */
static tl_coef coef_of(const twolayer *t, const tl_pass *ps, long k)
{
    const size_t md = (size_t)t->m * t->d;
    if (ps->init)
        return tl_coefficients(MODEL_NET, t->w0[md + k], 0);
    return tl_coefficients(t->variant, t->w[md + k], t->variant == MODEL_NET ? 0 : t->w0[md + k]);
}

/* The GD step of a block: v and A from B, C at the old point, then the
 * caches moved by -eta_s/sqrt(m) G (r .* C). */
static void block_step(twolayer *t, const tl_pass *ps, long k0, int bs)
{
    tl_gram *gm = t->gm;
    const int np = t->np, curv = nqm_sigma_curved(t->act);
    const size_t bnp = (size_t)GRAM_BLOCK * np;
    const double av = ps->eta_s / sqrt((double)t->m), au = av * t->in_scale;
    double *v = t->w + (size_t)t->m * t->d;
    for (int kk = 0; kk < bs; kk++) {
        long k = k0 + kk;
        tl_coef o = coef_of(t, ps, k);
        const double *a = gm->act + (size_t)kk * np;
        const double *s = gm->Sc ? gm->Sc + (size_t)k * np : NULL;
        double *cr = gm->CR + (size_t)kk * np, *Ak = gm->A + (size_t)k * np;
        tl_jacobian(&o, curv, np, a, a + bnp, a + 2 * bnp, s, gm->B, gm->C);
        double pv = tl_dot(np, ps->r, gm->B);
        for (int i = 0; i < np; i++) {
            cr[i] = ps->r[i] * gm->C[i];
            Ak[i] -= au * cr[i];
        }
        v[k] -= av * pv;
    }
    double *cache = (gm->Sc ? gm->Sc : gm->Zc) + (size_t)k0 * np;
    nqm_dgemm("N", "N", t->n, bs, t->n, -av, t->gram, t->n, gm->CR, np, 1.0, cache, np);
    if (!gm->Sc)
        block_activate(t, k0, bs);
}

/* The new point of a block: outputs into g, B and C into the dense sums. */
static void block_eval(twolayer *t, const tl_pass *ps, long k0, int bs)
{
    tl_gram *gm = t->gm;
    const int np = t->np, curv = nqm_sigma_curved(t->act);
    const size_t bnp = (size_t)GRAM_BLOCK * np;
    for (int kk = 0; kk < bs; kk++) {
        long k = k0 + kk;
        tl_coef o = coef_of(t, ps, k);
        const double *a = gm->act + (size_t)kk * np;
        const double *s = gm->Sc && !ps->init ? gm->Sc + (size_t)k * np : NULL;
        double *B = gm->B + (size_t)kk * np, *C = gm->C + (size_t)kk * np;
        tl_jacobian(&o, curv, np, a, a + bnp, a + 2 * bnp, s, B, C);
        tl_output(&o, curv, np, a, a + bnp, a + 2 * bnp, s, B, ps->g);
    }
    if (ps->dense) {
        nqm_dsyrk("U", "N", t->n, bs, 1.0, gm->B, np, 1.0, t->KB, t->n);
        nqm_dsyrk("U", "N", t->n, bs, 1.0, gm->C, np, 1.0, t->KC, t->n);
    }
}

void nqm_tl_gram_pass(twolayer *t, const tl_pass *ps)
{
    memset(ps->g, 0, (size_t)t->np * sizeof *ps->g);
    for (long k0 = 0; k0 < t->m && !nqm_stopping(t->base.stop); k0 += GRAM_BLOCK) {
        int bs = (int)(t->m - k0 < GRAM_BLOCK ? t->m - k0 : GRAM_BLOCK);
        block_activate(t, k0, bs);
        if (ps->r)
            block_step(t, ps, k0, bs);
        block_eval(t, ps, k0, bs);
    }
}
