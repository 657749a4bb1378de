/* batch.h: the headless front end. One record per step on a stream (tsv,
 * csv or jsonl) and a JSON summary of the run, written atomically. */
#ifndef NQMTOP_BATCH_H
#define NQMTOP_BATCH_H

#include <stddef.h>
#include <stdio.h>
#include "nqmtop/input/config.h"
#include "nqmtop/out/emit.h"
#include "nqmtop/out/plot.h"

typedef struct {
    nqm_format format;
    long steps;          /* records for t = 0..steps (fewer if the run diverges) */
    const char *summary; /* NULL: none; "-": on the record stream after the records; a path */
    int force;           /* the summary and the plot may replace an existing file */
    const char *plot;    /* NULL: none; a path for the SVG figure of the run */
    nqm_plot_size plot_size;
    const nqm_provenance *provenance; /* what made the output (NULL: not said) */
} nqm_batch_options;

/* What can be known before the run: the summary and plot files must not
 * exist (unless force) and their directories must be writable. 0, or -1
 * with err. */
int nqm_batch_check(const nqm_batch_options *opt, char *err, size_t errlen);

/* Run cfg headless, records on out, messages on errs. Returns the exit
 * status: 0 (a diverged run included: it is a result), 1 when the run or
 * an output failed, 2 when nqm_batch_check refuses the options. */
int nqm_batch_run(const nqm_config *cfg, const nqm_batch_options *opt, FILE *out, FILE *errs);

/* The check of one output file given to option (--summary, --plot): 0,
 * or -1 with err. */
int nqm_output_check(const char *option, const char *path, int force, char *err, size_t errlen);
/* The title line of a figure of cfg into buf. */
void nqm_plot_title(const nqm_config *cfg, char *buf, size_t len);

#endif
