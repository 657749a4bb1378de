/* neuron.h: per-neuron vector kernels of the two-layer family over the np
 * padded examples of one neuron (a few KiB: they stay in L1): the
 * activations, B and C, the outputs (gram mode), and dot products.
 * Static inline so that they melt into their callers, including each
 * vector-width clone of rows mode's hot loop (NQM_TL_HOT). Every
 * reduction keeps NQM_TL_LANES partial sums in a fixed order: the results
 * are the same bits whatever vector width runs them. */
#ifndef NQMTOP_TL_VEC_H
#define NQMTOP_TL_VEC_H

#include <math.h>

#include "twolayer.h"

/* The outer weights of one neuron as the variant uses them. */
typedef struct {
    nqm_model_kind variant;
    double v;  /* net: v; lin and quad: dv = v - v0 */
    double v0; /* lin and quad: v0 */
} tl_outer;

/* sigma'' is not identically zero (the curvature terms of quad matter). */
NQM_TL_INLINE int tl_curved(nqm_activation act) { return act == ACT_TANH || act == ACT_SWISH; }

/* a0, a1 (np) = sigma, sigma' at z; a2 = sigma'' only for curved ones. */
NQM_TL_INLINE void tl_activate(nqm_activation act, int np, const double *restrict z,
                               double *restrict a0, double *restrict a1, double *restrict a2)
{
    switch (act) {
    case ACT_RELU:
        for (int i = 0; i < np; i++) {
            a1[i] = z[i] > 0 ? 1.0 : 0.0;
            a0[i] = z[i] > 0 ? z[i] : 0.0;
        }
        return;
    case ACT_TANH:
        for (int i = 0; i < np; i++) {
            double th = tanh(z[i]);
            a0[i] = th;
            a1[i] = 1 - th * th;
            a2[i] = -2 * th * (1 - th * th);
        }
        return;
    case ACT_SWISH:
        for (int i = 0; i < np; i++) {
            double q = 1 / (1 + exp(-z[i])), dq = q * (1 - q);
            a0[i] = z[i] * q;
            a1[i] = q + z[i] * dq;
            a2[i] = dq * (2 + z[i] * (1 - 2 * q));
        }
        return;
    default:
        for (int i = 0; i < np; i++) {
            a0[i] = z[i];
            a1[i] = 1.0;
        }
        return;
    }
}

/* B, C (np): sqrt(m) dg_i/dv and sqrt(m d) dg_i/du / x_i (DESIGN §1.2). */
NQM_TL_INLINE void tl_jacobian(const tl_outer *o, int curv, int np, const double *restrict a0,
                               const double *restrict a1, const double *restrict a2,
                               const double *restrict s, double *restrict B, double *restrict C)
{
    if (o->variant != MODEL_QUAD) {
        double cv = o->variant == MODEL_NET ? o->v : o->v0;
        for (int i = 0; i < np; i++) {
            B[i] = a0[i];
            C[i] = a1[i] * cv;
        }
        return;
    }
    double v = o->v0 + o->v, v0 = o->v0;
    for (int i = 0; i < np; i++) {
        B[i] = a0[i] + a1[i] * s[i];
        C[i] = a1[i] * v;
    }
    if (curv)
        for (int i = 0; i < np; i++)
            C[i] += a2[i] * s[i] * v0;
}

/* acc (np) += the neuron's term of sqrt(m) g (net) or sqrt(m) (g - f0). */
NQM_TL_INLINE void tl_output(const tl_outer *o, int curv, int np, const double *restrict a0,
                             const double *restrict a1, const double *restrict a2,
                             const double *restrict s, const double *restrict B,
                             double *restrict acc)
{
    const double v = o->v, v0 = o->v0;
    switch (o->variant) {
    case MODEL_NET:
        for (int i = 0; i < np; i++)
            acc[i] += v * a0[i];
        return;
    case MODEL_LIN:
        for (int i = 0; i < np; i++)
            acc[i] += v * a0[i] + v0 * a1[i] * s[i];
        return;
    default:
        if (curv)
            for (int i = 0; i < np; i++)
                acc[i] += v * B[i] + v0 * s[i] * (a1[i] + 0.5 * a2[i] * s[i]);
        else
            for (int i = 0; i < np; i++)
                acc[i] += v * B[i] + v0 * s[i] * a1[i];
        return;
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
