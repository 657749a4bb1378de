/* sweepout.h: the headless front end of a sweep (`--sweep ... --batch`).
 * One record per grid point and model as each completes (tsv, csv or
 * jsonl, flushed at once), a progress bar on stderr when it is a
 * terminal, and a JSON summary with the regime map and, when width is
 * swept, the scaling fits of Theorem 1. SIGINT or SIGTERM stops the
 * sweep: the records already written are complete, and no other is.
 *
 * With per_seed every run has a record of its own (its repeat and seed,
 * the values unreduced), so that a sweep split into shards (spec.shards)
 * or stopped can be put together again: the records of earlier runs
 * (inputs) are read back and those runs not made again (--resume), or
 * every run is read back and nothing runs (--merge). Every record carries
 * the sweep identifier. */
#ifndef NQMTOP_SWEEPOUT_H
#define NQMTOP_SWEEPOUT_H

#include <stdio.h>

#include "nqmtop/out/emit.h"
#include "nqmtop/out/plot.h"
#include "nqmtop/train/sweep.h"

/* Exit status of a sweep stopped by a signal (128 + SIGINT). */
enum { NQM_SWEEP_INTERRUPTED = 130 };

typedef struct {
    nqm_format format;
    const char *summary; /* NULL: none; "-": on the record stream after the records; a path */
    int force;           /* the summary and the plot may replace an existing file */
    int progress;        /* draw a progress bar on errs */
    const char *plot;    /* NULL: none; a path for the SVG figure of the sweep */
    nqm_plot_size plot_size;
    const nqm_provenance *provenance; /* what made the output (NULL: not said) */
    int per_seed;                     /* one record per run (repeat) instead of per result */
    const char *const *inputs;        /* (ninputs) per-seed records of earlier runs of the
                                         sweep, taken instead of running them */
    int ninputs;
    int merge; /* the inputs hold every run: nothing runs (a gap is refused) */
} nqm_sweep_output;

/* The sweep identifier: 16 hex digits of a hash of the resolved base
 * configuration, the sweep's axes, repeats, steps and searches, and the
 * version (with its commit) that runs it, into id (at least 17 bytes).
 * Records of two sweeps with one identifier can be merged. */
void nqm_sweep_id(const nqm_config *cfg, const nqm_sweep_spec *spec, const nqm_provenance *prov,
                  char *id, size_t len);

/* The header and the records of the results that have arrived (have,
 * both (points, models)) in the given format, as --batch writes them,
 * in grid order, each with the sweep identifier id. 0, or -1 when the
 * stream failed. */
int nqm_sweep_write_table(FILE *f, nqm_format format, const nqm_sweep *sw,
                          const nqm_sweep_result *results, const int *have, const char *id);

/* Run the sweep of cfg headless. Returns the exit status: 0, 1 when a
 * run or an output failed, 2 when the sweep or the summary path is
 * refused before anything runs, NQM_SWEEP_INTERRUPTED after a signal. */
int nqm_sweep_batch(const nqm_config *cfg, const nqm_sweep_spec *spec, const nqm_sweep_output *opt,
                    FILE *out, FILE *errs);

#endif
