/* session.c: one training run stepped one iteration at a time — data,
 * model, kernel eigenvalues and the phase detector, with no I/O.
 *
 * Eigenvalues each step: when the model can probe its kernel, the step
 * asks for H = Omega K Omega^T and tr K on the last step's eigenvectors
 * and keeps the Ritz values only when eigen.h's certificate holds;
 * otherwise (and at step 0) the kernel is assembled and solved densely.
 * After a refused probe the next ones wait 1, 2, 4 ... 64 steps, so a
 * kernel that is not of low rank costs little more than the dense path.
 * With eig_method = auto, a model that finds its eigenpairs matrix-free
 * (top_eigs, warm-started) does so instead of assembling the kernel where
 * that is cheaper (matrix_free), and the kernel is assembled only when
 * the iteration does not converge. */
#include "nqmtop/train/session.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/eigen.h"
#include "nqmtop/base/krylov.h"
#include "nqmtop/model/hessian.h"
#include "nqmtop/model/model.h"
#include "nqmtop/base/rng.h"
#include "nqmtop/train/early.h"
#include "nqmtop/train/loss.h"
#include "nqmtop/train/optim.h"

struct nqm_session {
    nqm_config cfg;
    nqm_data data;
    nqm_model *model;
    nqm_eigen *eigen;
    nqm_phase_detector *phases;
    int n, k;          /* examples, eigenvalues tracked */
    double loss_scale; /* s of the full-batch loss (eigenvalues, loss) */
    double step_scale; /* s of the batch loss (the GD step) */
    double eta, eta_crit;
    int diverged;
    int stopped; /* a step was stopped part way (stop.h): the run is lost */
    nqm_record rec, rec0;
    double *g;                       /* (n) outputs */
    double *r;                       /* (n) residual on the batch, 0 elsewhere */
    double *K;                       /* (n, n) kernel, destroyed by the eigensolver */
    double *vec, *prev;              /* (k, n) eigenvectors now and at the last step */
    int vec_ok;                      /* vec holds the eigenvectors of the current kernel */
    double *omega;                   /* (k, n) probe directions */
    double *gspare;                  /* (n) outputs of a dense re-evaluation, unused */
    int probe_off;                   /* the model cannot probe */
    int matrix_free;                 /* eigenpairs by top_eigs where it converges */
    int probe_wait, probe_next_wait; /* steps to skip probing after refusals */
    nqm_eigen_stats stats;
    double *gtest;  /* (n_test) outputs on the test set */
    int labels_pm1; /* every test label is +1 or -1 (accuracy is defined) */
    double best_test_loss, best_test_accuracy;
    int *order; /* (n) example order of the current SGD epoch */
    int cursor; /* next position in order */
    nqm_rng batch_rng;
    /* optimizers other than plain GD (optim.h); NULL: the fused GD pass */
    nqm_optim *optim;
    double *w;            /* (p) the model's parameters (params) */
    const double *origin; /* (p) the point w measures from, NULL for 0 */
    double *grad;         /* (p) gradient of the batch loss */
    size_t p;
    double edge_c;     /* the rule's edge: stable while eta lambda < edge_c */
    nqm_krylov *pre_k; /* adam: top eigenpair of the preconditioned kernel */
    double *pre_u;     /* (p) scratch of its products (and of the batch kernel's) */
    /* SGD: the batch kernel and the loss's spikes */
    int *batch;      /* (batch_size) the examples of the current batch */
    double *batch_u; /* (n) a product's vector restricted to the batch */
    nqm_krylov *batch_k;
    int sgd;        /* batches smaller than the training set */
    double run_min; /* lowest loss before the current step */
    long spikes;    /* spikes so far */
    /* the loss Hessian's top eigenvalue every sharpness_every steps */
    nqm_hessian *hess;
    double *hres;      /* (n) full-batch residual dl/dg of its products */
    double sharp_last; /* the last sharpness measured, NaN before */
    /* a loss whose second derivative is not 1 (loss.h): the stability
     * kernel s D^(1/2) K D^(1/2); all NULL for the square losses */
    double *curv;     /* (n) l'' of each example at the current outputs */
    double *weight;   /* (n) its square root, the kernel's row and column weights */
    double *weighted; /* (n) a product's vector times the weights */
    nqm_early early;  /* the first steps against the start (early.h) */
    char err[256];
};

static double loss_of(const nqm_session *s, const double *g)
{
    return nqm_loss_value(s->cfg.loss, g, s->data.y, s->n);
}

/* Example i's residual dl/dg at the current outputs. */
static double residual(const nqm_session *s, int i)
{
    return nqm_loss_residual(s->cfg.loss, s->g[i], s->data.y[i]);
}

/* The loss's weights of the kernel at the current outputs (loss.h). */
static void update_weights(nqm_session *s)
{
    if (!s->weight)
        return;
    nqm_loss_weights(s->cfg.loss, s->g, s->data.y, s->n, s->weight);
    for (int i = 0; i < s->n; i++)
        s->curv[i] = s->weight[i] * s->weight[i];
}

/* u (n) times the weights into s->weighted; u itself without them. */
static const double *weigh(nqm_session *s, const double *u)
{
    if (!s->weight)
        return u;
    for (int i = 0; i < s->n; i++)
        s->weighted[i] = s->weight[i] * u[i];
    return s->weighted;
}

/* Test loss and accuracy of the current parameters into the record, and
 * their best values so far. 0, or -1 when the model cannot predict. */
static int eval_test(nqm_session *s, nqm_record *rec)
{
    const nqm_data *dt = &s->data;
    rec->test_loss = rec->test_accuracy = NAN;
    if (dt->n_test == 0)
        return 0;
    if (!s->model->ops->predict ||
        s->model->ops->predict(s->model, dt->X_test, dt->n_test, s->gtest) != 0)
        return -1;
    int right = 0;
    for (int i = 0; i < dt->n_test; i++)
        right += s->gtest[i] * dt->y_test[i] > 0;
    rec->test_loss = nqm_loss_value(s->cfg.loss, s->gtest, dt->y_test, dt->n_test);
    if (s->labels_pm1)
        rec->test_accuracy = (double)right / dt->n_test;
    s->best_test_loss = fmin(s->best_test_loss, rec->test_loss);
    s->best_test_accuracy = fmax(s->best_test_accuracy, rec->test_accuracy);
    return 0;
}

/* The stop flag is up. */
static int stopping(const nqm_session *s) { return nqm_stopping(s->cfg.stop); }

/* Eigenvalues lam (k) and vectors (s->vec) of the assembled kernel s->K
 * at the current outputs, weighted by the loss (one LAPACK call: not
 * begun once the stop flag is up). */
static int dense_eigs(nqm_session *s, double *lam)
{
    if (stopping(s))
        return -1;
    s->stats.dense++;
    update_weights(s);
    for (int j = 0; s->weight && j < s->n; j++)
        for (int i = 0; i < s->n; i++)
            s->K[(size_t)j * s->n + i] *= s->weight[i] * s->weight[j];
    return nqm_eigen_top(s->eigen, s->K, lam, s->vec);
}

/* Residual bound of the matrix-free eigenpairs: |K x - theta x| <= TOL
 * theta_1, so each eigenvalue is off by at most that much, relatively. */
#define MATRIX_FREE_TOL 1e-10

/* Whether this step's eigenpairs come matrix-free: asked for, offered by
 * the model, and cheaper than assembling the kernel. For the two-layer
 * family (rows mode) a product costs about 4 (d + 1) n m flops and a
 * step takes about 4 to 6, against 2 n^2 m
 * flops for the dense kernel; measured, the two meet near n = 200 on
 * 1-D inputs (a product streams the neurons' factors from memory, dsyrk
 * keeps them in cache): matrix-free when n > 96 (d + 1). */
static int matrix_free(const nqm_session *s)
{
    const nqm_config *c = &s->cfg;
    const int d = s->data.d;
    return c->eig_method == EIG_METHOD_AUTO && s->model->ops->top_eigs && !s->weight &&
           c->network == NETWORK_TWO_LAYER && c->model <= MODEL_QUAD &&
           !nqm_twolayer_gram_mode(c->width, s->n, d) && s->n > 96 * (d + 1);
}

/* The eigenpairs of the current kernel into lam and s->vec, after a step
 * that did not assemble it: matrix-free when it converges, else by
 * assembling it (with outputs into gspare, unused). 0, 1 when the kernel
 * is not finite, -1 when out of memory. */
static int measure(nqm_session *s, double *lam)
{
    if (s->matrix_free) {
        int rc = s->model->ops->top_eigs(s->model, s->k, MATRIX_FREE_TOL, lam, s->vec);
        if (rc == 0) {
            s->stats.krylov++;
            return 0;
        }
    }
    if (s->model->ops->advance(s->model, 0, NULL, s->gspare, s->K) != 0)
        return -1;
    return dense_eigs(s, lam) == 0 ? 0 : 1;
}

/* Eigenvalues of s K into the record (following directions if asked). */
static void record_eigs(nqm_session *s, nqm_record *rec, int first, double *lam)
{
    rec->lambda_max = s->loss_scale * lam[0];
    if (!first && s->cfg.eig_order == EIG_ORDER_DIRECTION)
        nqm_eigen_follow(s->eigen, s->prev, lam, s->vec);
    memcpy(s->prev, s->vec, (size_t)s->k * s->n * sizeof *s->vec);
    s->vec_ok = 1;
    for (int j = 0; j < s->k; j++)
        rec->lambda[j] = s->loss_scale * lam[j];
}

static void fill_outputs(nqm_session *s, nqm_record *rec)
{
    update_weights(s);
    double sq = 0;
    for (int i = 0; i < s->n; i++)
        sq += s->g[i] * s->g[i];
    rec->g = s->g[0];
    rec->gnorm = sqrt(sq / s->n);
    rec->loss = loss_of(s, s->g);
}

/* The detector's thresholds are those of GD (2/eta, 4/eta): other rules
 * show it their kernel's eigenvalue scaled by 2 / c, so that its edge
 * c/eta falls at 2/eta. */
static nqm_phase_obs observe(const nqm_session *s, const nqm_record *rec, double eta)
{
    double lam = s->optim && nqm_optim_preconditioned(&s->cfg) ? rec->lambda_p : rec->lambda_max;
    nqm_phase_obs obs = {eta, rec->loss, rec->g, lam * 2 / s->edge_c, rec->active};
    return obs;
}

/* The step's readouts of the edge and the units, and its phase. */
static void push_phase(nqm_session *s, nqm_record *rec)
{
    const nqm_model_ops *ops = s->model->ops;
    rec->active = ops->active_share ? ops->active_share(s->model) : NAN;
    nqm_phase_obs obs = observe(s, rec, rec->eta);
    rec->edge = rec->eta * obs.lambda_max / 2;
    rec->phase = nqm_phase_push(s->phases, rec->step, &obs);
    s->diverged = rec->phase == PHASE_DIVERGENT;
}

/* The kernel could not be measured (non-finite entries): no eigenvalues. */
static void forget_kernel(nqm_session *s, nqm_record *rec)
{
    s->vec_ok = 0;
    for (int j = 0; j < s->k; j++)
        rec->lambda[j] = NAN;
    rec->lambda_max = NAN;
}

/* The residual of the next batch (all examples for full-batch GD). */
static void batch_residual(nqm_session *s)
{
    int bs = s->cfg.batch_size;
    if (bs <= 0 || bs >= s->n) {
        for (int i = 0; i < s->n; i++)
            s->r[i] = residual(s, i);
        return;
    }
    memset(s->r, 0, (size_t)s->n * sizeof *s->r);
    for (int b = 0; b < bs; b++) {
        if (s->cursor == s->n) {
            for (int i = s->n - 1; i > 0; i--) {
                int j = (int)nqm_rng_below(&s->batch_rng, (uint64_t)i + 1), tmp = s->order[i];
                s->order[i] = s->order[j];
                s->order[j] = tmp;
            }
            s->cursor = 0;
        }
        int i = s->order[s->cursor++];
        s->r[i] = residual(s, i);
        if (s->batch)
            s->batch[b] = i;
    }
}

static int alloc_buffers(nqm_session *s)
{
    const int n = s->n;
    s->g = malloc((size_t)n * sizeof *s->g);
    s->r = malloc((size_t)n * sizeof *s->r);
    s->K = malloc((size_t)n * n * sizeof *s->K);
    s->vec = malloc((size_t)n * s->k * sizeof *s->vec);
    s->prev = malloc((size_t)n * s->k * sizeof *s->prev);
    s->order = malloc((size_t)n * sizeof *s->order);
    s->omega = malloc((size_t)n * s->k * sizeof *s->omega);
    s->gspare = malloc((size_t)n * sizeof *s->gspare);
    s->gtest = malloc((size_t)(s->data.n_test + 1) * sizeof *s->gtest);
    s->phases = nqm_phase_new();
    if (!s->g || !s->r || !s->K || !s->vec || !s->prev || !s->order || !s->omega || !s->gspare ||
        !s->gtest || !s->phases)
        return -1;
    if (nqm_loss_weighted(s->cfg.loss)) {
        s->curv = malloc((size_t)n * sizeof *s->curv);
        s->weight = malloc((size_t)n * sizeof *s->weight);
        s->weighted = malloc((size_t)n * sizeof *s->weighted);
        if (!s->curv || !s->weight || !s->weighted)
            return -1;
    }
    s->labels_pm1 = 1;
    for (int i = 0; i < s->data.n_test; i++)
        s->labels_pm1 &= s->data.y_test[i] == 1 || s->data.y_test[i] == -1;
    s->best_test_loss = s->best_test_accuracy = NAN;
    for (int i = 0; i < n; i++)
        s->order[i] = i;
    s->cursor = n;
    return 0;
}

/* Step 0's eigenpairs without assembling the kernel, by subspace
 * iteration from fixed directions: probe K on Omega (H, tr K and K Omega),
 * keep the Ritz values when certified, else continue from the basis of
 * K Omega. A kernel of rank <= k certifies on the second probe; others
 * give up after COLD_PROBES. Each probe also evaluates g. 0: lam and
 * s->vec certified; 1: not (assemble K); -1: the model failed. */
static int cold_start(nqm_session *s, double *lam)
{
    enum { COLD_PROBES = 3 };
    const int n = s->n, k = s->k;
    if (!s->model->ops->probe || s->weight || nqm_eigen_start(n, k, s->omega) != k)
        return 1;
    for (int it = 0; it < COLD_PROBES; it++) {
        nqm_probe pr = {.b = k, .Omega = s->omega, .Y = s->vec};
        int rc = s->model->ops->probe(s->model, 0, NULL, s->g, &pr);
        if (rc != 0)
            return rc < 0 ? -1 : 1;
        if (nqm_eigen_ritz(s->eigen, s->omega, pr.H, pr.trace, lam, s->prev, NULL) == 0) {
            memcpy(s->vec, s->prev, (size_t)k * n * sizeof *s->vec);
            s->stats.probed++;
            return 0;
        }
        if (nqm_eigen_basis(n, k, s->vec, s->omega) != k)
            return 1;
    }
    return 1;
}

/* Ku (n) = s W J P^-1 J^T W u (n), P adam's preconditioner diagonal, W
 * the loss's weights. */
static int precond_product(void *ctx, const double *u, double *Ku)
{
    nqm_session *s = ctx;
    const nqm_model_ops *ops = s->model->ops;
    const double *P = nqm_optim_precond(s->optim, s->grad);
    if (ops->vjp(s->model, weigh(s, u), s->pre_u) != 0)
        return -1;
    for (size_t j = 0; j < s->p; j++)
        s->pre_u[j] /= P[j];
    if (ops->jvp(s->model, s->pre_u, Ku) != 0)
        return -1;
    for (int i = 0; i < s->n; i++)
        Ku[i] *= s->loss_scale * (s->weight ? s->weight[i] : 1);
    return 0;
}

/* Ku (n) = s_b W K_BB W u_B: the kernel of the current batch B (zero
 * outside it), in the batch loss's scale s_b, W the loss's weights. */
static int batch_product(void *ctx, const double *u, double *Ku)
{
    nqm_session *s = ctx;
    const nqm_model_ops *ops = s->model->ops;
    memset(s->batch_u, 0, (size_t)s->n * sizeof *s->batch_u);
    for (int b = 0; b < s->cfg.batch_size; b++)
        s->batch_u[s->batch[b]] = u[s->batch[b]] * (s->weight ? s->weight[s->batch[b]] : 1);
    if (ops->vjp(s->model, s->batch_u, s->pre_u) != 0 ||
        ops->jvp(s->model, s->pre_u, s->batch_u) != 0)
        return -1;
    memset(Ku, 0, (size_t)s->n * sizeof *Ku);
    for (int b = 0; b < s->cfg.batch_size; b++)
        Ku[s->batch[b]] =
            s->step_scale * s->batch_u[s->batch[b]] * (s->weight ? s->weight[s->batch[b]] : 1);
    return 0;
}

/* The top eigenvalue of the current batch's kernel at the current point
 * (before the step it drives); NaN when there is no batch. Each batch
 * starts cold: the last batch's vector lies outside this one, where the
 * operator is 0, and would pass for a converged eigenvector of 0. */
static double batch_lambda(nqm_session *s)
{
    double lam;
    if (!s->batch)
        return NAN;
    nqm_krylov_forget(s->batch_k);
    if (nqm_krylov_top(s->batch_k, batch_product, s, MATRIX_FREE_TOL, s->n + NQM_KRYLOV_BASIS(1),
                       &lam, NULL, NULL) < 0)
        return NAN;
    return lam;
}

/* A spike starts at a step whose loss exceeds NQM_SPIKE_FACTOR times the
 * lowest loss before it while the step before did not. */
static void mark_spike(nqm_session *s, nqm_record *rec, double prev_loss)
{
    rec->spike = 0;
    if (!s->sgd)
        return;
    int above = rec->loss > NQM_SPIKE_FACTOR * s->run_min;
    int was = prev_loss > NQM_SPIKE_FACTOR * s->run_min;
    rec->spike = above && !was;
    s->spikes += rec->spike;
    s->run_min = fmin(s->run_min, rec->loss);
}

/* rec->lambda_p: adam's preconditioned top eigenvalue at the current
 * point (warm-started from the last step's vector), NaN for other rules
 * and when it cannot be found. */
static void measure_precond(nqm_session *s, nqm_record *rec)
{
    rec->lambda_p = NAN;
    if (!s->pre_k || !isfinite(rec->loss))
        return;
    double lam;
    int rc = nqm_krylov_top(s->pre_k, precond_product, s, MATRIX_FREE_TOL,
                            s->n + NQM_KRYLOV_BASIS(1), &lam, NULL, NULL);
    if (rc >= 0)
        rec->lambda_p = lam;
}

/* Iterations of the sharpness beyond its basis: enough for a cold start
 * on the models the tests measure, a few products when warm. */
enum { SHARPNESS_PRODUCTS = 400 };

/* rec->sharpness: the loss Hessian's top eigenvalue at the current point
 * on the steps sharpness_every picks (warm-started from the last), NaN on
 * the others and where the iteration did not converge. */
static void measure_sharpness(nqm_session *s, nqm_record *rec)
{
    rec->sharpness = NAN;
    if (!s->hess || rec->step % s->cfg.sharpness_every != 0 || !isfinite(rec->loss))
        return;
    for (int i = 0; i < s->n; i++)
        s->hres[i] = residual(s, i);
    double lam;
    if (nqm_hessian_top(s->hess, s->loss_scale, s->hres, s->curv, MATRIX_FREE_TOL,
                        NQM_KRYLOV_BASIS(1) + SHARPNESS_PRODUCTS, &lam, NULL) == 0) {
        rec->sharpness = lam;
        s->sharp_last = lam;
    }
}

/* The eigenvalue the early phases follow: the sharpness when the run
 * measures it (NaN on the steps it skips), else lambda1. */
static double early_lambda(const nqm_session *s, const nqm_record *rec)
{
    return s->hess ? rec->sharpness : rec->lambda_max;
}

/* The sharpness's workspace when sharpness_every asks for it. 0, or -1
 * when out of memory. */
static int sharpness_open(nqm_session *s, char *err, size_t errlen)
{
    s->sharp_last = NAN;
    if (s->cfg.sharpness_every <= 0)
        return 0;
    s->hres = malloc((size_t)s->n * sizeof *s->hres);
    s->hess = nqm_hessian_new(s->model);
    if (!s->hres || !s->hess) {
        snprintf(err, errlen, "out of memory for the loss Hessian's products");
        return -1;
    }
    return 0;
}

/* The gradient of the loss over the residual s->r into s->grad, scaled
 * by scale. 0, or -1 when out of memory. */
static int gradient(nqm_session *s, double scale)
{
    if (s->model->ops->vjp(s->model, s->r, s->grad) != 0)
        return -1;
    for (size_t j = 0; j < s->p; j++)
        s->grad[j] *= scale;
    return 0;
}

/* The rule's state when it is not the fused GD pass: the parameters
 * handed out, the gradient buffer, adam's eigen workspace. 0, or -1
 * with err. */
static int optim_open(nqm_session *s, char *err, size_t errlen)
{
    s->edge_c = nqm_optim_edge(&s->cfg);
    const nqm_model_ops *ops = s->model->ops;
    s->sgd = s->cfg.batch_size > 0 && s->cfg.batch_size < s->n;
    nqm_phase_set_stochastic(s->phases, s->sgd);
    nqm_phase_set_weighted(s->phases, nqm_loss_weighted(s->cfg.loss));
    /* the batch kernel needs the Jacobian's products (theory has none) */
    const int sgd = s->sgd && ops->vjp && ops->jvp;
    if (!nqm_optim_needed(&s->cfg) && !sgd)
        return 0;
    if (!ops->vjp || !ops->params || !(s->w = ops->params(s->model, &s->p))) {
        snprintf(err, errlen, "optimizer: model = %s has no gradient to give %s",
                 nqm_model_name(s->cfg.model), nqm_optimizer_name(s->cfg.optimizer));
        return -1;
    }
    s->origin = ops->origin ? ops->origin(s->model) : NULL;
    if (nqm_optim_needed(&s->cfg))
        s->optim = nqm_optim_new(&s->cfg, s->p);
    s->grad = calloc(s->p, sizeof *s->grad);
    s->pre_u = calloc(s->p, sizeof *s->pre_u);
    if (nqm_optim_preconditioned(&s->cfg))
        s->pre_k = nqm_krylov_new(s->n, 1);
    if (sgd) {
        s->batch = calloc((size_t)s->cfg.batch_size, sizeof *s->batch);
        s->batch_u = calloc((size_t)s->n, sizeof *s->batch_u);
        s->batch_k = nqm_krylov_new(s->n, 1);
    }
    if ((nqm_optim_needed(&s->cfg) && !s->optim) || !s->grad || !s->pre_u ||
        (nqm_optim_preconditioned(&s->cfg) && !s->pre_k) ||
        (sgd && (!s->batch || !s->batch_u || !s->batch_k))) {
        snprintf(err, errlen, "out of memory for the %s state of %zu parameters",
                 nqm_optimizer_name(s->cfg.optimizer), s->p);
        return -1;
    }
    return 0;
}

/* Step 0's preconditioned eigenvalue: adam's P of a first step on the
 * full-batch gradient at w0. 0, or -1 when out of memory. */
static int precond_start(nqm_session *s, nqm_record *rec)
{
    rec->lambda_p = NAN;
    if (!s->pre_k)
        return 0;
    for (int i = 0; i < s->n; i++)
        s->r[i] = residual(s, i);
    if (gradient(s, s->loss_scale) != 0)
        return -1;
    measure_precond(s, rec);
    return 0;
}

/* Step 0: evaluate at w0, fix eta_crit and resolve a relative eta. */
static int start(nqm_session *s, char *err, size_t errlen)
{
    nqm_record *rec = &s->rec;
    double lam[NQM_MAX_EIGS];
    memset(rec, 0, sizeof *rec);
    s->probe_next_wait = 1;
    int cold = cold_start(s, lam);
    if (cold < 0 || (cold == 1 && (s->model->ops->advance(s->model, 0, NULL, s->g, s->K) != 0 ||
                                   dense_eigs(s, lam) != 0))) {
        if (stopping(s))
            snprintf(err, errlen, "stopped");
        else
            snprintf(err, errlen,
                     "the tangent kernel at initialisation could not be computed (not finite, or "
                     "out of memory)");
        return -1;
    }
    record_eigs(s, rec, 1, lam);
    if (!(rec->lambda_max > 0) || !isfinite(rec->lambda_max)) {
        snprintf(err, errlen,
                 "the tangent kernel at initialisation is not positive and finite "
                 "(lambda1(0) = %g)",
                 rec->lambda_max);
        return -1;
    }
    fill_outputs(s, rec);
    if (precond_start(s, rec) != 0) {
        snprintf(err, errlen, "out of memory for the preconditioned kernel");
        return -1;
    }
    double lam0 = s->pre_k ? rec->lambda_p : rec->lambda_max;
    if (!(lam0 > 0) || !isfinite(lam0)) {
        snprintf(err, errlen,
                 "the preconditioned kernel at initialisation is not positive and finite "
                 "(%g)",
                 lam0);
        return -1;
    }
    s->eta_crit = s->edge_c / lam0;
    s->eta = s->cfg.eta_mode == ETA_RELATIVE ? s->cfg.eta_rel * s->eta_crit : s->cfg.eta;
    if (!(s->eta > 0) || !isfinite(s->eta)) {
        snprintf(err, errlen, "the learning rate resolves to %g", s->eta);
        return -1;
    }
    if (eval_test(s, rec) != 0) {
        if (s->cfg.model == MODEL_THEORY) /* the one model that cannot (its predict says so) */
            snprintf(err, errlen,
                     "test set: model = theory cannot evaluate inputs outside its training set "
                     "unless they are 1-D");
        else
            snprintf(err, errlen, "out of memory while evaluating the test set (%d examples)",
                     s->data.n_test);
        return -1;
    }
    rec->eta = nqm_schedule_eta(&s->cfg, s->eta, 0); /* the rate of the first step */
    rec->lambda_batch = NAN;
    rec->spike = 0;
    measure_sharpness(s, rec);
    nqm_early_start(&s->early, rec->loss, early_lambda(s, rec));
    s->run_min = rec->loss;
    push_phase(s, rec);
    s->rec0 = *rec;
    return 0;
}

/* The logistic loss's labels, +1 and -1, in the data as made (the
 * preset's checks see those of files only once they are read). */
static int check_labels(const nqm_session *s, char *err, size_t errlen)
{
    const nqm_data *dt = &s->data;
    for (int i = 0; s->cfg.loss == LOSS_LOGISTIC && i < dt->n + dt->n_test; i++) {
        double y = i < dt->n ? dt->y[i] : dt->y_test[i - dt->n];
        if (y != 1 && y != -1) {
            snprintf(err, errlen, "loss: logistic needs labels +1 and -1; the data have %g", y);
            return -1;
        }
    }
    return 0;
}

nqm_session *nqm_session_new(const nqm_config *cfg, char *err, size_t errlen)
{
    nqm_session *s = calloc(1, sizeof *s);
    if (!s || nqm_config_copy(&s->cfg, cfg) != 0) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (nqm_config_check(&s->cfg, err, errlen) != 0 ||
        nqm_data_make(&s->cfg, &s->data, err, errlen) != 0 || check_labels(s, err, errlen) != 0 ||
        nqm_model_new(&s->cfg, &s->data, &s->model, err, errlen) != 0) {
        nqm_session_free(s);
        return NULL;
    }
    s->n = s->data.n;
    s->k = s->cfg.eigs < s->n ? s->cfg.eigs : s->n;
    s->loss_scale = nqm_loss_scale(s->cfg.loss, s->n);
    int bs = s->cfg.batch_size > 0 && s->cfg.batch_size < s->n ? s->cfg.batch_size : s->n;
    s->step_scale = nqm_loss_scale(s->cfg.loss, bs);
    nqm_rng_seed(&s->batch_rng, s->cfg.seed, NQM_STREAM_BATCH);
    s->eigen = nqm_eigen_new(s->n, s->k);
    if (!s->eigen || alloc_buffers(s) != 0) {
        snprintf(err, errlen, "out of memory for %d examples", s->n);
        nqm_session_free(s);
        return NULL;
    }
    s->matrix_free = matrix_free(s);
    if (optim_open(s, err, errlen) != 0 || sharpness_open(s, err, errlen) != 0) {
        nqm_session_free(s);
        return NULL;
    }
    if (start(s, err, errlen) != 0) {
        nqm_session_free(s);
        return NULL;
    }
    return s;
}

void nqm_session_free(nqm_session *s)
{
    if (!s)
        return;
    nqm_model_free(s->model);
    nqm_eigen_free(s->eigen);
    nqm_phase_free(s->phases);
    nqm_data_free(&s->data);
    nqm_config_free(&s->cfg);
    free(s->g);
    free(s->r);
    free(s->K);
    free(s->vec);
    free(s->prev);
    free(s->order);
    free(s->omega);
    free(s->gspare);
    free(s->gtest);
    nqm_optim_free(s->optim);
    free(s->grad);
    free(s->pre_u);
    nqm_krylov_free(s->pre_k);
    free(s->batch);
    free(s->batch_u);
    nqm_krylov_free(s->batch_k);
    nqm_hessian_free(s->hess);
    free(s->hres);
    free(s->curv);
    free(s->weight);
    free(s->weighted);
    free(s);
}

/* Step with a probe of the kernel. 1: stepped, lam and s->vec certified;
 * 0: stepped, the kernel still to be measured; -1: not stepped (no probe
 * this step); -2: the model failed. */
static int probe_step(nqm_session *s, double eta_s, const double *r, double *lam)
{
    if (!s->model->ops->probe || s->probe_off || !s->vec_ok || s->weight)
        return -1;
    if (s->probe_wait > 0) {
        s->probe_wait--;
        return -1;
    }
    if (nqm_eigen_basis(s->n, s->k, s->vec, s->omega) != s->k)
        return -1;
    nqm_probe pr = {.b = s->k, .Omega = s->omega};
    int rc = s->model->ops->probe(s->model, eta_s, r, s->g, &pr);
    if (rc == 1)
        s->probe_off = 1;
    if (rc != 0)
        return rc == 1 ? -1 : -2;
    double bound;
    if (nqm_eigen_ritz(s->eigen, s->omega, pr.H, pr.trace, lam, s->vec, &bound) == 0) {
        s->stats.probed++;
        s->stats.worst_bound = fmax(s->stats.worst_bound, bound);
        s->probe_next_wait = 1;
        return 1;
    }
    s->stats.refused++;
    s->probe_wait = s->probe_next_wait;
    s->probe_next_wait = s->probe_next_wait < 64 ? 2 * s->probe_next_wait : 64;
    return 0;
}

/* A step failed part way: stopped when the stop flag is up (the run is
 * lost), else out of memory for what. */
static int step_failed(nqm_session *s, const char *what)
{
    if (stopping(s)) {
        s->stopped = 1;
        snprintf(s->err, sizeof s->err, "stopped");
        return NQM_STOPPED;
    }
    snprintf(s->err, sizeof s->err, "out of memory while %s", what);
    return -1;
}

int nqm_session_step(nqm_session *s)
{
    if (s->stopped || (stopping(s) && !s->diverged))
        return NQM_STOPPED; /* (a step not begun leaves the run as it was) */
    if (s->diverged)
        return 1;
    nqm_record *rec = &s->rec;
    const double eta = nqm_schedule_eta(&s->cfg, s->eta, rec->step);
    double lam[NQM_MAX_EIGS], eta_s = eta * s->step_scale;
    const double *r = s->r, prev_loss = rec->loss;
    batch_residual(s);
    const double lambda_batch = batch_lambda(s);
    if (s->optim) { /* the rule moves w; the model only evaluates */
        if (gradient(s, s->step_scale) != 0)
            return step_failed(s, "stepping");
        nqm_optim_step(s->optim, eta, s->grad, s->w, s->origin);
        eta_s = 0;
        r = NULL;
    }
    int got = probe_step(s, eta_s, r, lam);
    double *K = s->matrix_free ? NULL : s->K; /* not assembled with the step */
    if (got == -2 || (got == -1 && s->model->ops->advance(s->model, eta_s, r, s->g, K) != 0))
        return step_failed(s, "stepping");
    rec->step++;
    rec->eta = eta;
    rec->lambda_batch = lambda_batch;
    fill_outputs(s, rec);
    if (eval_test(s, rec) != 0 || stopping(s))
        return step_failed(s, "evaluating the test set");
    int measured = got == 1;
    if (!measured && isfinite(rec->loss)) {
        int rc = got == 0 || s->matrix_free ? measure(s, lam) : dense_eigs(s, lam) == 0 ? 0 : 1;
        if (rc < 0 || stopping(s))
            return step_failed(s, "stepping");
        measured = rc == 0;
    }
    if (measured)
        record_eigs(s, rec, 0, lam);
    else
        forget_kernel(s, rec);
    measure_precond(s, rec);
    measure_sharpness(s, rec);
    nqm_early_push(&s->early, rec->step, rec->loss, early_lambda(s, rec));
    mark_spike(s, rec, prev_loss);
    push_phase(s, rec);
    return s->diverged;
}

const nqm_record *nqm_session_record(const nqm_session *s) { return &s->rec; }

int nqm_session_diverged(const nqm_session *s) { return s->diverged; }

void nqm_session_set_eta(nqm_session *s, double eta)
{
    if (!(eta > 0) || !isfinite(eta) || eta == s->eta)
        return;
    s->eta = eta;
    if (s->diverged)
        return;
    nqm_phase_reset(s->phases, s->rec.step);
    nqm_phase_obs obs = observe(s, &s->rec, nqm_schedule_eta(&s->cfg, eta, s->rec.step));
    nqm_phase_push(s->phases, s->rec.step, &obs);
}

double nqm_session_eta(const nqm_session *s) { return s->eta; }

double nqm_session_eta_crit(const nqm_session *s) { return s->eta_crit; }

double nqm_session_eta_max(const nqm_session *s) { return 2 * s->eta_crit; }

double nqm_session_edge_c(const nqm_session *s) { return s->edge_c; }

const double *nqm_session_precond(nqm_session *s)
{
    return s->optim ? nqm_optim_precond(s->optim, s->grad) : NULL;
}

const nqm_config *nqm_session_config(const nqm_session *s) { return &s->cfg; }

const nqm_data *nqm_session_data(const nqm_session *s) { return &s->data; }

int nqm_session_eigs(const nqm_session *s) { return s->k; }

const char *nqm_session_error(const nqm_session *s) { return s->err; }

void nqm_session_eigen_stats(const nqm_session *s, nqm_eigen_stats *out) { *out = s->stats; }

nqm_model *nqm_session_model(nqm_session *s) { return s->model; }

void nqm_session_summarize(const nqm_session *s, nqm_run_summary *out)
{
    memset(out, 0, sizeof *out);
    out->eta = s->eta;
    out->eta_crit = s->eta_crit;
    out->eta_max = 2 * s->eta_crit;
    out->edge_c = s->edge_c;
    out->eta_last = s->rec.eta;
    out->lambda_p0 = s->rec0.lambda_p;
    out->lambda_p_final = s->rec.lambda_p;
    out->spikes = s->sgd ? s->spikes : -1;
    out->sharpness0 = s->rec0.sharpness;
    out->sharpness_final = s->sharp_last;
    out->early = s->early;
    out->early_phase = nqm_early_phase_of(&s->early, s->diverged);
    out->c = s->eta * s->early.lambda0;
    for (int j = 0; j < s->k; j++) {
        out->lambda0[j] = s->rec0.lambda[j];
        out->lambda_final[j] = s->rec.lambda[j];
    }
    out->final_loss = s->rec.loss;
    out->n_test = s->data.n_test;
    out->best_test_loss = s->best_test_loss;
    out->best_test_accuracy = s->best_test_accuracy;
    out->steps = s->rec.step;
    nqm_phase_summarize(s->phases, &out->phases);
}
