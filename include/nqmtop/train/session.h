/* session.h: one training run, stepped one iteration at a time.
 *
 * The session owns the data, the model, the kernel eigen workspace and the
 * phase detector. Step 0 is the initialisation; every nqm_session_step()
 * does one GD (or SGD) step and produces the record of the new step. The
 * learning rate can change between any two steps. No I/O, no curses. */
#ifndef NQMTOP_SESSION_H
#define NQMTOP_SESSION_H

#include <stddef.h>
#include "nqmtop/input/config.h"
#include "nqmtop/input/data.h"
#include "nqmtop/train/phase.h"
#include "nqmtop/train/early.h"

typedef struct {
    long step;
    double eta;                  /* the learning rate that produced this step */
    double loss;                 /* under the config's loss convention */
    double g;                    /* output on the first training example */
    double gnorm;                /* RMS of the outputs */
    double lambda[NQM_MAX_EIGS]; /* eigenvalues of s*K, eig_order order */
    double lambda_max;           /* largest eigenvalue of s*K */
    double lambda_p;             /* adam: top eigenvalue of the preconditioned kernel
                                    s J P^-1 J^T (optim.h), NaN for other rules */
    double lambda_batch;         /* SGD: top eigenvalue of the kernel of the batch this
                                    step trained on, s_b K_BB at the point before the
                                    step (its stability: eta lambda_batch < 2 for GD);
                                    NaN for full-batch runs */
    double sharpness;            /* top eigenvalue of the loss Hessian (hessian.h) on the
                                    steps sharpness_every picks, else NaN */
    int spike;                   /* SGD: a spike of the loss starts here: the loss is above
                                    NQM_SPIKE_FACTOR x the lowest before it, the step
                                    before was not */
    double edge;                 /* eta * lambda / c, c the rule's edge (2 for GD) and
                                    lambda lambda_p for adam, else lambda_max: 1 at the
                                    edge of stability */
    double active;               /* share of active units (a relu network's), else NaN */
    nqm_phase phase;             /* online label of this step */
    double test_loss;            /* on the test set, same convention (NaN without one) */
    double test_accuracy;        /* share of test outputs with the sign of their +-1
                                    label (NaN without a test set or such labels) */
} nqm_record;

/* SGD's spikes: a loss this many times the lowest loss before it. */
#define NQM_SPIKE_FACTOR 10.0

typedef struct nqm_session nqm_session;
typedef struct nqm_model nqm_model;

/* Build data and model and evaluate step 0. Resolves eta from eta_rel
 * when the config gives it relative. NULL with err set on failure ("stopped"
 * when the config's stop flag was raised meanwhile). */
nqm_session *nqm_session_new(const nqm_config *cfg, char *err, size_t errlen);
void nqm_session_free(nqm_session *s);

/* One step. 0: done; 1: the run has diverged (the record says so and
 * further steps do nothing); -1: internal failure (err message kept);
 * NQM_STOPPED: the config's stop flag is up (stop.h) — before the step
 * began the run is as it was, after, it is lost and every further step
 * returns NQM_STOPPED. */
int nqm_session_step(nqm_session *s);
const nqm_record *nqm_session_record(const nqm_session *s);
int nqm_session_diverged(const nqm_session *s);

/* Change eta from the next step on (the phase detector restarts there). */
void nqm_session_set_eta(nqm_session *s, double eta);
double nqm_session_eta(const nqm_session *s);
/* The base learning rate (the keys change it); a schedule (optim.h)
 * scales it step by step, and each record's eta is the one in force. */
double nqm_session_eta_crit(const nqm_session *s); /* c / lambda(0): 2 / lambda1(0) for GD */
double nqm_session_eta_max(const nqm_session *s);  /* 2 eta_crit: 4 / lambda1(0) for GD */
/* Adam's preconditioner diagonal (p) of the last step, NULL for other
 * rules (for tests that rebuild the preconditioned kernel). */
const double *nqm_session_precond(nqm_session *s);
/* The rule's edge c (optim.h): the thresholds are c / eta and 2 c / eta. */
double nqm_session_edge_c(const nqm_session *s);
const nqm_config *nqm_session_config(const nqm_session *s);
const nqm_data *nqm_session_data(const nqm_session *s);
int nqm_session_eigs(const nqm_session *s); /* eigenvalues per record */
const char *nqm_session_error(const nqm_session *s);

/* Where the eigenvalues of the steps so far came from: a certified probe
 * of the kernel (eigen.h), a converged matrix-free iteration, or its dense assembly (step 0, models
 * that cannot probe, and probes whose certificate fell short: `refused`, each followed by a dense
 * assembly). */
typedef struct {
    long probed;        /* steps whose eigenvalues the certified probe gave */
    long dense;         /* steps whose kernel was assembled */
    long refused;       /* probes not certified (their step is also counted in dense) */
    long krylov;        /* steps whose eigenpairs came matrix-free (eig_method = auto) */
    double worst_bound; /* largest relative error bound of a certified probe */
} nqm_eigen_stats;
void nqm_session_eigen_stats(const nqm_session *s, nqm_eigen_stats *out);
/* The model the session steps, for tests and tools that inspect it (an
 * evaluation with r == NULL leaves it where it is; a step would leave the
 * session's record behind). */
nqm_model *nqm_session_model(nqm_session *s);

/* The run so far, as the summary reports it. */
typedef struct {
    double eta, eta_crit, eta_max;
    double edge_c;                      /* the rule's edge c (optim.h) */
    double eta_last;                    /* the learning rate of the last step (a schedule's) */
    double lambda_p0, lambda_p_final;   /* adam's preconditioned top eigenvalue, else NaN */
    double sharpness0, sharpness_final; /* the loss Hessian's top eigenvalue at step 0 and
                                           the last one measured; NaN when off */
    long spikes;                        /* SGD: spikes of the loss, -1 for full-batch runs */
    nqm_early early;                    /* the first steps against the start (early.h) */
    nqm_early_phase early_phase;
    double c;                     /* eta times early.lambda0 */
    double lambda0[NQM_MAX_EIGS]; /* at step 0, eig_order order */
    double lambda_final[NQM_MAX_EIGS];
    double final_loss;
    int n_test;                /* test examples, 0 without a test set */
    double best_test_loss;     /* lowest test loss of any step (NaN without) */
    double best_test_accuracy; /* highest test accuracy of any step (NaN without) */
    long steps;                /* steps taken */
    nqm_phase_summary phases;
} nqm_run_summary;
void nqm_session_summarize(const nqm_session *s, nqm_run_summary *out);

#endif
