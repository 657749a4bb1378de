/* run.h: one live run as the UI keeps it: a session stepped on demand and
 * the bounded history of its records, with the run's summary refreshed
 * when asked. No curses, no I/O. */
#ifndef NQMTOP_RUN_H
#define NQMTOP_RUN_H

#include <stddef.h>

#include "nqmtop/app/app.h"
#include "nqmtop/input/config.h"
#include "nqmtop/view/history.h"
#include "nqmtop/train/session.h"

/* History series of a run; eigenvalue k (0-based) is NQM_SERIES_LAMBDA + k. */
enum {
    NQM_SERIES_ETA,
    NQM_SERIES_LOSS,
    NQM_SERIES_G,
    NQM_SERIES_GNORM,
    NQM_SERIES_TEST_LOSS,     /* NaN without a test set */
    NQM_SERIES_TEST_ACCURACY, /* share in [0, 1]; NaN without a test set */
    NQM_SERIES_PHASE,         /* label series of nqm_phase */
    NQM_SERIES_EDGE,          /* c / eta(t), the rule's edge at the rate in force */
    NQM_SERIES_EDGE2,         /* 2 c / eta(t) */
    NQM_SERIES_LAMBDA_P,      /* adam's preconditioned top eigenvalue; NaN for other rules */
    NQM_SERIES_LAMBDA_BATCH,  /* SGD: the top eigenvalue of the step's batch kernel */
    NQM_SERIES_SHARPNESS,     /* the loss Hessian's top eigenvalue; NaN when not measured */
    NQM_SERIES_LAMBDA
};

/* History buckets per run: plenty of dot columns for any terminal, and
 * exact per-step rows in an export while the run is shorter. */
#define NQM_RUN_HISTORY_CAPACITY 8192L

typedef struct {
    nqm_session *session;
    nqm_history *hist;
    int eigs;                /* eigenvalues per record */
    nqm_run_summary summary; /* as of summary_step */
    long summary_step;
} nqm_run;

/* Build the session for cfg and record step 0. 0, or -1 with err set (run
 * left empty). */
int nqm_run_open(nqm_run *run, const nqm_config *cfg, char *err, size_t errlen);
void nqm_run_close(nqm_run *run);

/* One step, recorded. 0: stepped; 1: the run has diverged (nothing more
 * to do); -1: internal failure, or stopped by the config's stop flag
 * (nqm_session_error says what). */
int nqm_run_step(nqm_run *run);
/* Learning rate from the next step on (the summary is refreshed). */
void nqm_run_set_eta(nqm_run *run, double eta);
/* Bring the summary up to the current step (cost: the run's length). */
void nqm_run_summarize(nqm_run *run);

const nqm_record *nqm_run_record(const nqm_run *run);
long nqm_run_step_count(const nqm_run *run);
nqm_model_kind nqm_run_model(const nqm_run *run);
int nqm_run_diverged(const nqm_run *run);

/* The runs the UI trains together: the main run, or net, quad and lin in
 * compare mode, plus the theory overlay when it is on. */
#define NQM_RUNSET_MAX 3

typedef struct {
    nqm_run runs[NQM_RUNSET_MAX];
    int nruns;
    nqm_run theory;
    int has_theory;
} nqm_runset;

/* What a run set is built from (the base configuration and the UI's
 * choices); eta_rel > 0 asks for eta = eta_rel * eta_crit of the new
 * runs instead of the absolute eta. */
typedef struct {
    nqm_model_kind model;
    unsigned long seed;
    double eta, eta_rel;
    int compare, theory;
    nqm_optimizer optimizer; /* of the main runs; the theory overlay's is GD */
} nqm_runset_plan;

/* The models compare mode runs side by side: the preset's `models` (up
 * to NQM_RUNSET_MAX of them, theory left out) when it lists two or more,
 * else net, quad and lin. Returns their count; models is
 * (NQM_RUNSET_MAX). */
int nqm_runset_compared(const nqm_config *base, nqm_model_kind *models);
/* Build every run of the plan into set. On failure nothing is left
 * allocated, set is empty and err says why. A theory overlay that cannot
 * run is a failure too (the caller decides to go on without it). */
int nqm_runset_build(nqm_runset *set, const nqm_config *base, const nqm_runset_plan *plan,
                     char *err, size_t errlen);
void nqm_runset_free(nqm_runset *set);
/* One step of every run that has not diverged. Returns the number of
 * main runs still going (0: all diverged), or -1 on an internal failure
 * (err set). */
int nqm_runset_step(nqm_runset *set, char *err, size_t errlen);
void nqm_runset_set_eta(nqm_runset *set, double eta);
/* Go back to step (at most the current one): every run is built again
 * from its configuration and stepped to there with the learning rate each
 * step had, as its history holds it; the next step takes the rate it had
 * the first time. 0; -1 when a history no longer holds every step one by
 * one, or on a failure (err set), the runs as they were. */
int nqm_runset_rewind(nqm_runset *set, long step, char *err, size_t errlen);
/* The set's learning rate (of its next step) and eta_crit: its reference
 * run's, which every main run shares (one initialisation). */
nqm_rate nqm_runset_rate(const nqm_runset *set);
void nqm_runset_summarize(nqm_runset *set);
/* The run whose phases and regime stand for the set's: the quadratic
 * model among several main runs (compare mode), else the first. */
const nqm_run *nqm_runs_reference(const nqm_run *const *runs, int nruns);
/* Every run of the set, main runs first then the overlay; returns the count. */
int nqm_runset_list(const nqm_runset *set, const nqm_run **out);

#endif
