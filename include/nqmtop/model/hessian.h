/* hessian.h: the loss Hessian of a model as an operator, never formed.
 *
 * For L = s sum_i l(g_i) (s the loss convention's scale; loss.h of train),
 * r_i = l'(g_i) and d_i = l''(g_i),
 *
 *     H_L v = s (J^T D (J v) + sum_i r_i (hess g_i) v),   D = diag(d),
 *
 * the first term from the model's jvp and vjp (the Gauss-Newton part,
 * whose nonzero eigenvalues are those of s D^(1/2) K D^(1/2); D = I for
 * the square loss, whose r is g - y), the second from its
 * curvature op. Its top eigenvalue (the sharpness) comes from a Krylov
 * iteration on these products (krylov.h), warm-started from the previous
 * call's vector: O(p) memory for a few vectors, no p x p matrix. */
#ifndef NQMTOP_HESSIAN_H
#define NQMTOP_HESSIAN_H

#include "nqmtop/model/model.h"

typedef struct nqm_hessian nqm_hessian;

/* Whether the model has the products the loss Hessian needs. */
int nqm_hessian_supported(const nqm_model *model);
/* NULL when out of memory or not supported. */
nqm_hessian *nqm_hessian_new(nqm_model *model);
void nqm_hessian_free(nqm_hessian *h);
size_t nqm_hessian_dim(const nqm_hessian *h); /* p */

/* out (p) = H_L v for v (p), r (n) the residual and d (n) the loss's
 * second derivatives at the current point (d NULL: all 1). 0, or the
 * model's failure (1 cannot, -1 out of memory). */
int nqm_hessian_apply(nqm_hessian *h, double s, const double *r, const double *d, const double *v,
                      double *out);

/* The top eigenvalue of H_L into *lam, to a residual |H x - lam x| of at
 * most tol |lam| (0), or the estimate when about max_products products
 * did not reach it (1); -1 on failure. *products (may be NULL) counts
 * the products used. */
int nqm_hessian_top(nqm_hessian *h, double s, const double *r, const double *d, double tol,
                    int max_products, double *lam, int *products);

#endif
