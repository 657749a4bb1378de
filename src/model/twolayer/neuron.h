/* neuron.h: per-neuron vector kernels of the two-layer family over the np
 * padded examples of one neuron (a few KiB: they stay in L1): B and C,
 * the outputs (gram mode), and dot products.
 * Static inline so that they melt into their callers, including each
 * vector-width clone of rows mode's hot loop (NQM_TL_HOT). Every
 * reduction keeps NQM_TL_LANES partial sums in a fixed order: the results
 * are the same bits whatever vector width runs them. */
#ifndef NQMTOP_TL_NEURON_H
#define NQMTOP_TL_NEURON_H

#include <math.h>

#include "family.h"

/* B, C (np): sqrt(m) dg_i/dv and sqrt(m d) dg_i/du / x_i from the
 * neuron's coefficients (family.h) and a0, a1, a2, s (np; a2 and s read
 * only where the variant has those terms). */
NQM_TL_INLINE void tl_jacobian(const tl_coef *c, int curv, int np, const double *restrict a0,
                               const double *restrict a1, const double *restrict a2,
                               const double *restrict s, double *restrict B, double *restrict C)
{
    if (!c->qB) {
        for (int i = 0; i < np; i++) {
            B[i] = a0[i];
            C[i] = a1[i] * c->cv;
        }
        return;
    }
    for (int i = 0; i < np; i++) {
        B[i] = a0[i] + a1[i] * s[i];
        C[i] = a1[i] * c->cv;
    }
    if (curv)
        for (int i = 0; i < np; i++)
            C[i] += a2[i] * s[i] * c->cq;
}

/* acc (np) += the neuron's term of sqrt(m) g (net) or sqrt(m) (g - f0). */
NQM_TL_INLINE void tl_output(const tl_coef *c, int curv, int np, const double *restrict a0,
                             const double *restrict a1, const double *restrict a2,
                             const double *restrict s, const double *restrict B,
                             double *restrict acc)
{
    if (c->variant == MODEL_NET) {
        for (int i = 0; i < np; i++)
            acc[i] += c->ov * a0[i];
    } else if (!c->qB) {
        for (int i = 0; i < np; i++)
            acc[i] += c->ov * a0[i] + c->os * a1[i] * s[i];
    } else if (curv) {
        for (int i = 0; i < np; i++)
            acc[i] += c->ov * B[i] + c->os * s[i] * (a1[i] + c->oc * a2[i] * s[i]);
    } else {
        for (int i = 0; i < np; i++)
            acc[i] += c->ov * B[i] + c->os * s[i] * a1[i];
    }
}

/* Fold NQM_TL_LANES partial sums, always in the same order. */
NQM_TL_INLINE double tl_fold(const double *lanes)
{
    double s = 0;
    for (int l = 0; l < NQM_TL_LANES; l++)
        s += lanes[l];
    return s;
}

/* sum_i a_i b_i over np entries. */
NQM_TL_INLINE double tl_dot(int np, const double *restrict a, const double *restrict b)
{
    double acc[NQM_TL_LANES] = {0};
    for (int i = 0; i < np; i += NQM_TL_LANES)
        for (int l = 0; l < NQM_TL_LANES; l++)
            acc[l] += a[i + l] * b[i + l];
    return tl_fold(acc);
}

#endif
