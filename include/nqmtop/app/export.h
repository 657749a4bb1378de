/* export.h: the histories of the UI's runs as a CSV file (key e).
 *
 * One row per history bucket and run: model, step (the bucket's last
 * step), steps (how many steps the bucket covers), eta, loss, loss_min,
 * loss_max, g, gnorm, lambda1.., [test_loss, test_accuracy,] phase,
 * after '#' lines of what made it. Values are those of the bucket's last
 * step, in the C locale in the shortest form that reads back exactly. The
 * file is written under a temporary name, synced, and hard-linked to a
 * name that does not exist yet, so no existing file is ever overwritten
 * and no reader ever sees half a file. */
#ifndef NQMTOP_EXPORT_H
#define NQMTOP_EXPORT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "nqmtop/app/run.h"
#include "nqmtop/out/plot.h"

/* Attempts at a free name (nqmtop-P-T.csv, then -2 .. -N) before giving up. */
#define NQM_EXPORT_ATTEMPTS 100

/* What an export says besides the numbers. */
typedef struct {
    const char *provenance; /* what made it (nqm_provenance_text): the CSV's
                               '#' lines and the figure's metadata; or NULL */
    const char *title;      /* the figure's title */
    nqm_plot_size size;     /* the figure's size */
} nqm_export_info;

/* Every line of text as a comment line: as it is when it starts with
 * '#' already, else after "# ". */
void nqm_export_comment(FILE *f, const char *text);
/* Write the CSV of nruns runs to f, comment (may be NULL) first as '#'
 * lines. 0, or -1 when the stream failed. */
int nqm_export_csv(FILE *f, const nqm_run *const *runs, int nruns, const char *comment);
/* The figure of the histories of nruns runs (1 to NQM_RUNSET_MAX, drawn
 * over each other; plot.h; a bucket that covers several steps stands with
 * its largest loss and its last step's other values). 0, or -1 when out
 * of memory or f failed. */
int nqm_export_svg(FILE *f, const nqm_run *const *runs, int nruns, const nqm_plot_info *info);

/* Export into directory dir under the name nqm_app_export_name gives for
 * preset and tm, and with info the figure of the first run beside it
 * (the same name ending in .svg, never over an existing file). 0 with the
 * CSV file's path in path; -1 with err set (no file left behind); 1 when
 * the CSV was written but not the figure (err says why). */
int nqm_export_file(const char *dir, const char *preset, const struct tm *tm,
                    const nqm_run *const *runs, int nruns, const nqm_export_info *info, char *path,
                    size_t pathlen, char *err, size_t errlen);

#endif
