/* sweep_state.h: what the files of a sweep share (private to train/):
 * the sweep's state and what one run leaves. sweep.c holds the grid and
 * its configurations, sweep_run.c the runs, the bisection for eta_max and
 * the workers. */
#ifndef NQMTOP_SWEEP_STATE_H
#define NQMTOP_SWEEP_STATE_H

#include <pthread.h>
#include <stdatomic.h>

#include "nqmtop/train/session.h"
#include "nqmtop/train/sweep.h"

/* What one run (or one bisection) leaves. */
typedef struct {
    nqm_run_summary sum;
    int eigs;
    double seconds;
    double eta_max_rel;   /* bisection: largest eta / eta_crit found not to diverge */
    int bracketed;        /* bisection: a larger eta failed (diverged or collapsed) */
    int collapsed;        /* ... and the run just above eta_max collapsed */
    nqm_late_series late; /* with spec.late: values into the sweep's late_values */
    /* what the run's configuration was */
    nqm_model_kind model;
    nqm_activation activation;
    nqm_loss loss;
    long width;
    int n, d, n_test;
    unsigned long seed;
} run_out;

/* What nqm_sweep.have holds for a run. */
enum { RUN_NONE, RUN_PRELOADED, RUN_DONE };

struct nqm_sweep {
    nqm_sweep_spec spec;
    int points, models;
    nqm_model_kind model[MODEL_COUNT];
    nqm_config base;            /* the configuration every point starts from */
    run_out *runs;              /* (points, models, repeats) */
    nqm_late_series *late;      /* (points, models, repeats) with spec.late, else NULL */
    double *late_values;        /* (points, models, repeats, late_steps) */
    nqm_sweep_run_record *recs; /* (points, models, repeats) what each run left */
    unsigned char *have;        /* (points, models, repeats) recs[i] holds a run */
    int *done;                  /* (points, models) repeats finished */
    long total;                 /* runs in all */
    long *todo;                 /* (ntodo) the runs this process makes, in order */
    long ntodo;
    /* while running */
    pthread_mutex_t lock;
    const nqm_sweep_sink *sink;
    atomic_int *stop;
    atomic_long next; /* the next run to take */
    atomic_int halt;  /* a run failed: the others stop */
    long finished;    /* runs finished (under lock) */
    int delivered;    /* results delivered (under lock) */
    int failed;       /* a run failed: err holds why (under lock) */
    char err[512];
};

/* The configuration of grid point p and model k into cfg (sweep.c). 0, or
 * -1 with err set (nothing to free). */
int nqm_sweep_resolve_point(const nqm_sweep *sw, int p, int k, nqm_config *cfg, char *err,
                            size_t errlen);

#endif
