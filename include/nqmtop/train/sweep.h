/* sweep.h: many runs of one configuration over a grid of key values
 * (`--sweep KEY=FROM:TO:N[:log]`, one or two axes), several models from
 * the same initialisation at every point (the `models` key) and several
 * seeds per point (`--repeats`), run in parallel; one result per grid
 * point and model, the runs' summaries reduced to mean and spread.
 *
 * With eta_max set, every run is a bisection on eta for the largest
 * learning rate that trains within the steps of a run: that neither
 * diverges nor collapses (the measured eta_max, to compare with the
 * predicted 4 / lambda1(0)); eta_max_collapsed says whether the failure
 * just above it was a collapse.
 *
 * Pure core: no I/O. Results go to a caller's sink as each completes. */
#ifndef NQMTOP_SWEEP_H
#define NQMTOP_SWEEP_H

#include <stdatomic.h>
#include <stddef.h>

#include "nqmtop/input/config.h"
#include "nqmtop/train/early.h"
#include "nqmtop/train/phase.h"

enum {
    NQM_SWEEP_MAX_AXES = 2,
    NQM_SWEEP_MAX_COUNT = 10000, /* values per axis */
    NQM_SWEEP_MAX_REPEATS = 1000,
    NQM_SWEEP_MAX_RESULTS = 100000, /* grid points x models */
    NQM_SWEEP_MAX_RUNS = 1000000,   /* results x repeats */
    NQM_SWEEP_MAX_JOBS = 1024
};

/* The bisection for eta_max, in multiples of eta_crit: start bracket
 * [1, 4], the upper end doubled up to 64 until a run diverges, then
 * halved until its width is at most NQM_SWEEP_BISECT_TOL of the lower end. */
#define NQM_SWEEP_BISECT_LO    1.0
#define NQM_SWEEP_BISECT_HI    4.0
#define NQM_SWEEP_BISECT_LIMIT 64.0
#define NQM_SWEEP_BISECT_TOL   0.005

typedef struct {
    char key[NQM_NAME_LEN]; /* a numeric preset key */
    double from, to;
    int count; /* values, from and to included (1: from alone) */
    int log;   /* geometric spacing */
    int whole; /* the key takes whole numbers: values rounded */
} nqm_sweep_axis;

/* Parse "KEY=FROM:TO:N[:log]". 0, or -1 with "--sweep: ..." in err. */
int nqm_sweep_axis_parse(const char *arg, nqm_sweep_axis *axis, char *err, size_t errlen);
/* Value i (0..count-1) of the axis. */
double nqm_sweep_axis_value(const nqm_sweep_axis *axis, int i);

/* The bifurcation view: the late-time values of one quantity. */
typedef enum { NQM_LATE_NONE, NQM_LATE_G, NQM_LATE_LOSS, NQM_LATE_LAMBDA1 } nqm_late_quantity;
enum { NQM_LATE_DEFAULT_STEPS = 64, NQM_LATE_MAX_STEPS = 4096 };
const char *nqm_late_name(nqm_late_quantity q);
/* Parse "Q[:K]" (Q one of g, loss, lambda1; K the last steps kept). 0, or
 * -1 with "--bifurcation: ..." in err. */
int nqm_late_parse(const char *arg, nqm_late_quantity *q, int *steps, char *err, size_t errlen);

/* Two late values are one branch when they differ by at most this times
 * the largest |value| of the series: a settled cycle repeats to rounding,
 * chaos never does. */
#define NQM_LATE_BRANCH_TOL 1e-6

/* The last values of the quantity in one run (oldest first). */
typedef struct {
    const double *values; /* (count) */
    int count;            /* fewer than asked when the run diverged early */
    long last_step;       /* the step of values[count - 1] */
    unsigned long seed;
} nqm_late_series;
/* Distinct branches of a late series: values grouped within the tolerance. */
int nqm_late_branches(const nqm_late_series *late);

typedef struct {
    int naxes;
    nqm_sweep_axis axis[NQM_SWEEP_MAX_AXES];
    int repeats;            /* seeds seed, seed + 1, ... per point */
    long steps;             /* steps of every run (unless steps is an axis) */
    int jobs;               /* runs at once (threads) */
    int cores;              /* CPUs the runs share: each gets cores / jobs core threads
                               (at least one) */
    int eta_max;            /* measure eta_max by bisection instead of running eta */
    nqm_late_quantity late; /* keep the last late_steps values of this (bifurcation) */
    int late_steps;
    double (*clock)(void); /* times each run's `seconds`; NULL: NaN */
    double memory;         /* bytes the runs at once may take together; 0: NQM_MEMORY_LIMIT
                              (a front end lowers it to what the process may map) */
    int shard, shards;     /* run only the runs whose number modulo shards is shard
                              (0-based); shards 0: every run */
} nqm_sweep_spec;

/* The learning-rate axis (0 or 1): the one whose key is eta or eta_rel;
 * -1 when neither is. */
int nqm_sweep_eta_axis(const nqm_sweep_spec *spec);

/* The fields of a result, each reduced over the repeats. */
#define NQM_SWEEP_FIELDS(X)                                                                        \
    X(ETA, "eta")                                                                                  \
    X(ETA_REL, "eta_rel")                                                                          \
    X(ETA_CRIT, "eta_crit")                                                                        \
    X(ETA_MAX, "eta_max")                                                                          \
    X(LAMBDA1_0, "lambda1_0")                                                                      \
    X(LAMBDA2_0, "lambda2_0")                                                                      \
    X(LAMBDA1_FINAL, "lambda1_final")                                                              \
    X(EDGE_FINAL, "edge_final")                                                                    \
    X(PEAK_STEP, "peak_step")                                                                      \
    X(PEAK_LOSS, "peak_loss")                                                                      \
    X(FINAL_LOSS, "final_loss")                                                                    \
    X(T1, "T1")                                                                                    \
    X(T2, "T2")                                                                                    \
    X(T3, "T3")                                                                                    \
    X(T4, "T4")                                                                                    \
    X(PERIOD, "period")                                                                            \
    X(BEST_TEST_LOSS, "best_test_loss")                                                            \
    X(BEST_TEST_ACCURACY, "best_test_accuracy")                                                    \
    X(ETA_MAX_MEASURED, "eta_max_measured")                                                        \
    X(ETA_MAX_RATIO, "eta_max_ratio")                                                              \
    X(BRACKETED, "bracketed")                                                                      \
    X(ETA_MAX_COLLAPSED, "eta_max_collapsed")                                                      \
    X(C, "c")                                                                                      \
    X(LOSS_RISE, "loss_rise")                                                                      \
    X(SHARPNESS_RISE, "sharpness_rise")                                                            \
    X(LOSS_CATAPULT, "loss_catapult")                                                              \
    X(SHARPNESS_CATAPULT, "sharpness_catapult")                                                    \
    X(STEPS, "steps")                                                                              \
    X(SECONDS, "seconds")

#define NQM_SWEEP_ENUM(id, name) NQM_SF_##id,
typedef enum { NQM_SWEEP_FIELDS(NQM_SWEEP_ENUM) NQM_SF_COUNT } nqm_sweep_field;
#undef NQM_SWEEP_ENUM

const char *nqm_sweep_field_name(nqm_sweep_field f);

/* The regime map's character of a regime: . monotone, c catapult,
 * s silent-catapult, e edge-of-stability, o oscillating, * chaotic,
 * 0 collapsed, x divergent, ? undetermined (NQM_REGIME_LEGEND). */
#define NQM_REGIME_LEGEND                                                                          \
    ". monotone, c catapult, s silent-catapult, e edge-of-stability, o oscillating, * chaotic, "   \
    "0 collapsed, x divergent, ? undetermined"
char nqm_regime_char(nqm_regime r);

/* Mean and sample standard deviation over the repeats where the value is
 * defined (finite); count 0: defined in none (mean and sd NaN). */
typedef struct {
    double mean, sd;
    int count;
} nqm_stat;

typedef struct {
    int point;                        /* row-major index in the grid */
    int index[NQM_SWEEP_MAX_AXES];    /* along each axis */
    double coord[NQM_SWEEP_MAX_AXES]; /* the axis values */
    nqm_model_kind model;
    nqm_activation activation;
    nqm_loss loss;
    long width;
    int n, d, n_test;
    unsigned long seed; /* the first repeat's */
    int repeats;
    int regimes[REGIME_COUNT]; /* repeats per regime */
    nqm_regime regime;         /* the most frequent */
    nqm_stat field[NQM_SF_COUNT];
    const nqm_late_series *late; /* (repeats) with spec.late, else NULL; valid while the
                                    sweep lives */
    int branches;                /* of the first repeat's late series, 0 without */
} nqm_sweep_result;

/* The early phase of a result (early.h): divergent when most repeats
 * diverged, else the phase that at least half of the others reached
 * (the loss_catapult and sharpness_catapult means). */
nqm_early_phase nqm_sweep_early_phase(const nqm_sweep_result *res);

/* What one run leaves, before any reduction over the repeats: enough to
 * reduce the results again from any union of runs (per-seed records,
 * shards, a resumed sweep). Runs are numbered in grid order, repeats of
 * one point and model next to each other: run = (point * models + k) *
 * repeats + repeat. */
typedef struct {
    int point, k, repeat; /* k: the model's place in the sweep's models */
    nqm_model_kind model;
    nqm_activation activation;
    nqm_loss loss;
    long width;
    int n, d, n_test;
    unsigned long seed; /* this repeat's */
    nqm_regime regime;
    double field[NQM_SF_COUNT]; /* the run's values, NaN where undefined */
} nqm_sweep_run_record;

/* Where results go. Calls are serialised and come from worker threads. */
typedef struct {
    void (*result)(void *ctx, const nqm_sweep_result *res);
    void (*progress)(void *ctx, long done, long total);      /* runs finished; may be NULL */
    void (*run)(void *ctx, const nqm_sweep_run_record *rec); /* every run finished here;
                                                                 may be NULL */
    void *ctx;
} nqm_sweep_sink;

typedef struct nqm_sweep nqm_sweep;

/* Resolve every grid point's configuration for every model up front (a
 * bad value fails here, before anything runs). NULL with err set. */
nqm_sweep *nqm_sweep_new(const nqm_config *base, const nqm_sweep_spec *spec, char *err,
                         size_t errlen);
void nqm_sweep_free(nqm_sweep *sw);
int nqm_sweep_points(const nqm_sweep *sw);
int nqm_sweep_models(const nqm_sweep *sw);
nqm_model_kind nqm_sweep_model(const nqm_sweep *sw, int k);
const nqm_sweep_spec *nqm_sweep_spec_of(const nqm_sweep *sw);
/* Runs in the whole grid: points x models x repeats. */
long nqm_sweep_runs(const nqm_sweep *sw);

/* Take a run from an earlier process (a resumed sweep, a merge) instead
 * of running it: rec->point, k and repeat say which. 0; 1 when that run
 * is already in; -1 with err when it is outside the grid. */
int nqm_sweep_preload(nqm_sweep *sw, const nqm_sweep_run_record *rec, char *err, size_t errlen);
/* The record of run i, or NULL when it has neither run nor been preloaded. */
const nqm_sweep_run_record *nqm_sweep_run_record_of(const nqm_sweep *sw, long i);

/* Run the sweep: first the results whose runs were all preloaded go to
 * the sink (grid order), then spec->jobs threads take the runs of the
 * shard that are not preloaded in grid order (fewer
 * when that many runs of the grid's largest configuration would need more
 * than NQM_MEMORY_LIMIT together: nqm_sweep_spec_of tells how many); each
 * result goes to the sink once all its repeats are done. When *stop
 * becomes nonzero (a signal handler may set it) no run starts and running
 * ones end at their next step without a result. Returns the results
 * delivered, or -1 with err when a run failed. */
int nqm_sweep_run(nqm_sweep *sw, const nqm_sweep_sink *sink, atomic_int *stop, char *err,
                  size_t errlen);

/* Least squares y = intercept + slope x over the pairs where both are
 * finite; r2 the coefficient of determination. Fewer than two pairs, or
 * all x equal: NaN everywhere but count. */
typedef struct {
    double intercept, slope, r2;
    int count;
} nqm_fit;
nqm_fit nqm_fit_line(const double *x, const double *y, int n);

#endif
