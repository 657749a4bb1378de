/* loss.h: the training losses per example. Every loss of nqmtop is
 * L = s * sum_i l(g_i, y_i), s its convention's scale (nqm_loss_scale),
 * so that the gradient is s J^T r with r_i = dl/dg_i (the residual the
 * models step with) and the Gauss-Newton part of the loss Hessian is
 * s J^T D J with D = diag(d^2 l / dg_i^2):
 *
 *     square (half-sum, mse, half-mean):  l = (g - y)^2 / 2,  r = g - y,  l'' = 1
 *     logistic (labels +1 and -1):        l = log(1 + exp(-y g)),
 *                                         r = -y / (1 + exp(y g)),
 *                                         l'' = 1 / ((1 + exp(y g)) (1 + exp(-y g)))
 *
 * The stability kernel is s D^(1/2) K D^(1/2) (K = J J^T): its top
 * eigenvalue is that of s J^T D J, and GD on the loss's local quadratic
 * is stable below 2 over it. For the square losses D = I. */
#ifndef NQMTOP_LOSS_H
#define NQMTOP_LOSS_H

#include "nqmtop/input/config.h"

/* L of outputs g (n) against labels y (n), scale included. */
double nqm_loss_value(nqm_loss loss, const double *g, const double *y, int n);
/* r = dl/dg of one example. */
double nqm_loss_residual(nqm_loss loss, double g, double y);
/* sqrt(l'') of each example into w (n): the weights of the stability
 * kernel's rows and columns (all 1 for the square losses). */
void nqm_loss_weights(nqm_loss loss, const double *g, const double *y, int n, double *w);
/* Whether the loss weights the kernel (D is not I). */
int nqm_loss_weighted(nqm_loss loss);

#endif
