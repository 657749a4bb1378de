/* sweepout.h: the headless front end of a sweep (`--sweep ... --batch`).
 * One record per grid point and model as each completes (tsv, csv or
 * jsonl, flushed at once), a progress bar on stderr when it is a
 * terminal, and a JSON summary with the regime map and, when width is
 * swept, the scaling fits of Theorem 1. SIGINT or SIGTERM stops the
 * sweep: the records already written are complete, and no other is. */
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
} nqm_sweep_output;

/* The header and the records of the results that have arrived (have,
 * both (points, models)) in the given format, as --batch writes them,
 * in grid order. 0, or -1 when the stream failed. */
int nqm_sweep_write_table(FILE *f, nqm_format format, const nqm_sweep *sw,
                          const nqm_sweep_result *results, const int *have);

/* Run the sweep of cfg headless. Returns the exit status: 0, 1 when a
 * run or an output failed, 2 when the sweep or the summary path is
 * refused before anything runs, NQM_SWEEP_INTERRUPTED after a signal. */
int nqm_sweep_batch(const nqm_config *cfg, const nqm_sweep_spec *spec, const nqm_sweep_output *opt,
                    FILE *out, FILE *errs);

#endif
