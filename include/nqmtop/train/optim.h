/* optim.h: the update rules beside plain gradient descent, the stability
 * edge each one has on a quadratic, and the learning-rate schedules.
 *
 * Plain GD without weight decay never comes here: each model family fuses
 * its step into the pass that evaluates the new point (model.h), and that
 * path stays as it is. Every other rule takes the gradient G = s J^T r of
 * the batch loss from the model's vjp op, moves the parameters w (p) that
 * params hands out, and the model then evaluates the new point:
 *
 *     gd        w -= eta (G + wd W)
 *     momentum  b = beta b + G + wd W;   w -= eta b
 *     nesterov  b = beta b + G + wd W;   w -= eta (G + wd W + beta b)
 *     adam      m = beta1 m + (1 - beta1) G,  v = beta2 v + (1 - beta2) G^2,
 *               w -= eta (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 *                    + eta wd W
 *
 * W = origin + w is the weight vector itself (lin and quad keep their
 * displacement w from origin = w0): weight decay is coupled L2 for gd,
 * momentum and nesterov and decoupled (AdamW) for adam.
 *
 * On a quadratic with curvature lambda (kernel eigenvalue s K), the rules
 * are stable while eta lambda < c, the edge of the rule:
 *
 *     gd 2,  momentum 2 + 2 beta,  nesterov (2 + 2 beta) / (1 + 2 beta),
 *     adam (2 + 2 beta1) / (1 - beta1)  on the preconditioned kernel
 *     s J P^-1 J^T, P = diag(sqrt(v hat)) + eps (38 for beta1 = 0.9),
 *
 * from the characteristic polynomials of the two-term recurrences (DESIGN
 * and nqmtop(5) give the derivation). Pure: no I/O. */
#ifndef NQMTOP_OPTIM_H
#define NQMTOP_OPTIM_H

#include <stddef.h>
#include "nqmtop/input/config.h"

typedef struct nqm_optim nqm_optim;

/* Whether cfg's update leaves the fused GD pass (any rule but plain GD
 * without weight decay). */
int nqm_optim_needed(const nqm_config *cfg);
/* The rule's state for p parameters, zero. NULL when out of memory. */
nqm_optim *nqm_optim_new(const nqm_config *cfg, size_t p);
void nqm_optim_free(nqm_optim *o);
/* One update of w (p) from the gradient G (p) at learning rate eta;
 * origin (p) is the point w measures from, NULL for 0. */
void nqm_optim_step(nqm_optim *o, double eta, const double *G, double *w, const double *origin);
/* Adam's preconditioner diagonal P (p) = sqrt(v hat) + eps of the last
 * step; before the first, that of a first step with gradient G (pass it),
 * which is |G| + eps. NULL for other rules. */
const double *nqm_optim_precond(nqm_optim *o, const double *G);

/* c of the rule (above), and its name in the thresholds' labels. */
double nqm_optim_edge(const nqm_config *cfg);
/* Whether the edge applies to the preconditioned kernel (adam). */
int nqm_optim_preconditioned(const nqm_config *cfg);

/* The learning rate of step t (0 the first step taken) under cfg's
 * schedule with base rate eta:
 *
 *     warmup (any schedule, t < K = warmup_steps)  eta_start + (eta - eta_start) t / K
 *     constant, warmup                              eta
 *     cosine   eta_end + (eta - eta_end) (1 + cos(pi min(t - K, D) / D)) / 2,  D = decay_steps
 *     step     eta step_factor^floor((t - K) / step_every)                                  */
double nqm_schedule_eta(const nqm_config *cfg, double eta, long t);
/* Whether the rate moves with the step (a schedule or a warmup). */
int nqm_schedule_moves(const nqm_config *cfg);

#endif
