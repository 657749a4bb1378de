/* model.h: the interface every model family implements, so the trainer,
 * kernel eigenvalues, phases, output and UI never ask which model runs.
 *
 * A model owns its parameters w (and their initial copy w0). One call
 * does one gradient step and evaluates the model at the new point:
 *
 *     w <- w - eta_s * J(w)^T r          (skipped when r == NULL)
 *     g <- outputs on all n examples     (n)
 *     K <- J J^T, unscaled               (n, n), only when K != NULL
 *
 * eta_s is the learning rate times the loss scale s, r the residual g - y
 * on the examples of the current batch and 0 elsewhere. Keeping the step
 * and the evaluation in one call lets a family fuse both into one pass
 * over its parameters. No model ever forms a p x p or n x p matrix.
 *
 * A family may also offer `probe`: the same step and evaluation, but
 * instead of the n x n kernel only its compression onto b orthonormal
 * directions and its trace, which is what certifying the top eigenvalues
 * of a kernel of (numerically) low rank needs (eigen.h). */
#ifndef NQMTOP_MODEL_H
#define NQMTOP_MODEL_H

#include <stddef.h>
#include "nqmtop/base/stop.h"
#include "nqmtop/input/config.h"
#include "nqmtop/input/data.h"

typedef struct nqm_model nqm_model;

enum { NQM_PROBE_MAX = 8 };

/* The kernel seen through b orthonormal directions. */
typedef struct {
    int b;                                   /* directions, 1..NQM_PROBE_MAX */
    const double *Omega;                     /* (b, n) orthonormal rows, read */
    double *Y;                               /* (b, n) out when not NULL: row j = K Omega_j */
    double H[NQM_PROBE_MAX * NQM_PROBE_MAX]; /* (b, b) out: Omega K Omega^T */
    double trace;                            /* out: tr K */
} nqm_probe;

typedef struct {
    int (*advance)(nqm_model *self, double eta_s, const double *r, double *g, double *K);
    /* The current parameter vector, contiguous, p numbers (NULL when the
     * model has no parameters, as the dynamics equations). Tests perturb
     * it to check gradients and kernels against finite differences. */
    double *(*params)(nqm_model *self, size_t *p);
    void (*free)(nqm_model *self);
    /* Optional (NULL when absent): the top min(k, n) eigenpairs of the
     * unscaled kernel J J^T at the current parameters from matrix-free
     * products K u = J (J^T u), K never assembled (krylov.h), warm-started
     * from the previous call: lam descending, vec (k, n). 0: every residual
     * |K x - theta x| is at most tol theta_1; 1: not within a budget of
     * about n products (lam, vec are estimates; assemble K instead); -1:
     * failure. */
    int (*top_eigs)(nqm_model *self, int k, double tol, double *lam, double *vec);
    /* Optional (NULL when absent): as advance, with the kernel probed
     * instead of assembled. 0: done; 1: this model cannot probe in its
     * current state and did nothing; -1: failure. */
    int (*probe)(nqm_model *self, double eta_s, const double *r, double *g, nqm_probe *probe);
    /* Optional (NULL when absent): the outputs g (n) on other inputs X
     * (n, d) at the current parameters, the model left as it is (test
     * sets). 0, or -1 when out of memory. */
    int (*predict)(nqm_model *self, const double *X, int n, double *g);
    /* Optional (NULL when absent): the share of hidden units active (a
     * positive pre-activation on at least one training example) at the
     * current parameters, in [0, 1]; NaN where the model has no such
     * units (only a relu network's units can die). */
    double (*active_share)(nqm_model *self);
    /* Optional (NULL when absent, as for a model without parameters): the
     * Jacobian's products at the current point, J^T u into out (p) for u
     * (n) and J v into out (n) for v (p), p and the layout those of
     * params. Optimizers other than plain GD step with vjp (optim.h);
     * Adam's preconditioned kernel needs both. 0, or -1 when out of
     * memory. A two-layer model hands out its parameters (params) first. */
    int (*vjp)(nqm_model *self, const double *u, double *out);
    int (*jvp)(nqm_model *self, const double *v, double *out);
    /* Optional: the point params measures from (p numbers): the initial
     * weights of a model that keeps its displacement (lin, quad), so that
     * weight decay acts on the weights themselves; NULL (or no op) when
     * params are the weights. */
    const double *(*origin)(nqm_model *self);
    /* Optional (NULL when the model has no parameters, or no second
     * derivatives written for it): the residual's share of the loss
     * Hessian, out (p) = sum_i r_i (hess g_i) v for r (n) and v (p), at the
     * current parameters, layout that of params; the Gauss-Newton share
     * J^T J v comes from vjp and jvp (hessian.h puts them together). 0,
     * 1 when the model cannot in its current state, -1 out of memory. */
    int (*curvature)(nqm_model *self, const double *r, const double *v, double *out);
} nqm_model_ops;

struct nqm_model {
    const nqm_model_ops *ops;
    int n;                  /* examples the outputs cover */
    const atomic_int *stop; /* the config's stop flag (set by nqm_model_new): advance,
                               probe and top_eigs look at it between blocks of their
                               work and return NQM_STOPPED when it is raised, the
                               model then fit only to be freed */
};

/* Create the model the config names on this data. 0, or -1 with err. */
int nqm_model_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                  size_t errlen);
void nqm_model_free(nqm_model *model);

/* Family constructors (called by nqm_model_new). */
int nqm_twolayer_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                     size_t errlen);
int nqm_gqm_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                size_t errlen);
int nqm_theory_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                   size_t errlen);
int nqm_mlp_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                size_t errlen);
int nqm_cnn_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                size_t errlen);

#endif
