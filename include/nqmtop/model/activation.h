/* activation.h: the activations sigma of every network family (two-layer
 * and deep) with their first two derivatives, written once. Static inline
 * so that the hot loops of the families melt them in (their vector-width
 * clones included); the array form switches on the activation outside
 * the loop. */
#ifndef NQMTOP_ACTIVATION_H
#define NQMTOP_ACTIVATION_H

#include <math.h>
#include <stddef.h>

#include "nqmtop/input/config.h"

#if defined(__GNUC__)
#define NQM_SIGMA_INLINE static inline __attribute__((always_inline))
#else
#define NQM_SIGMA_INLINE static inline
#endif

/* s0, s1, s2 = sigma(z), sigma'(z), sigma''(z). */
NQM_SIGMA_INLINE void nqm_sigma_relu(double z, double *s0, double *s1, double *s2)
{
    *s0 = z > 0 ? z : 0.0;
    *s1 = z > 0 ? 1.0 : 0.0;
    *s2 = 0.0;
}

NQM_SIGMA_INLINE void nqm_sigma_tanh(double z, double *s0, double *s1, double *s2)
{
    double th = tanh(z);
    *s0 = th;
    *s1 = 1 - th * th;
    *s2 = -2 * th * (1 - th * th);
}

NQM_SIGMA_INLINE void nqm_sigma_swish(double z, double *s0, double *s1, double *s2)
{
    double q = 1 / (1 + exp(-z)), dq = q * (1 - q);
    *s0 = z * q;
    *s1 = q + z * dq;
    *s2 = dq * (2 + z * (1 - 2 * q));
}

NQM_SIGMA_INLINE void nqm_sigma_linear(double z, double *s0, double *s1, double *s2)
{
    *s0 = z;
    *s1 = 1.0;
    *s2 = 0.0;
}

NQM_SIGMA_INLINE void nqm_sigma(nqm_activation act, double z, double *s0, double *s1, double *s2)
{
    switch (act) {
    case ACT_RELU:
        nqm_sigma_relu(z, s0, s1, s2);
        return;
    case ACT_TANH:
        nqm_sigma_tanh(z, s0, s1, s2);
        return;
    case ACT_SWISH:
        nqm_sigma_swish(z, s0, s1, s2);
        return;
    default:
        nqm_sigma_linear(z, s0, s1, s2);
        return;
    }
}

/* sigma'' is not identically zero (the curvature terms of quad matter). */
NQM_SIGMA_INLINE int nqm_sigma_curved(nqm_activation act)
{
    return act == ACT_TANH || act == ACT_SWISH;
}

/* s0, s1, s2 (len) = sigma, sigma', sigma'' elementwise at z (len). */
#define NQM_SIGMA_LOOP(fn)                                                                         \
    for (size_t e_ = 0; e_ < len; e_++)                                                            \
        fn(z[e_], &s0[e_], &s1[e_], &s2[e_]);
NQM_SIGMA_INLINE void nqm_sigma_fill(nqm_activation act, size_t len, const double *restrict z,
                                     double *restrict s0, double *restrict s1, double *restrict s2)
{
    switch (act) {
    case ACT_RELU:
        NQM_SIGMA_LOOP(nqm_sigma_relu)
        return;
    case ACT_TANH:
        NQM_SIGMA_LOOP(nqm_sigma_tanh)
        return;
    case ACT_SWISH:
        NQM_SIGMA_LOOP(nqm_sigma_swish)
        return;
    default:
        NQM_SIGMA_LOOP(nqm_sigma_linear)
        return;
    }
}
#undef NQM_SIGMA_LOOP

#endif
