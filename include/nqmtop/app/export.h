/* export.h: the histories of the UI's runs as a CSV file (key e).
 *
 * One row per history bucket and run: model, step (the bucket's last
 * step), steps (how many steps the bucket covers), eta, loss, loss_min,
 * loss_max, g, gnorm, lambda1.., phase. Values are those of the bucket's
 * last step, in the C locale in the shortest form that reads back exactly. The file is
 * written under a temporary name, synced, and hard-linked to a name that
 * does not exist yet, so no existing file is ever overwritten and no
 * reader ever sees half a file. */
#ifndef NQMTOP_EXPORT_H
#define NQMTOP_EXPORT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "nqmtop/app/run.h"

/* Attempts at a free name (nqmtop-P-T.csv, then -2 .. -N) before giving up. */
#define NQM_EXPORT_ATTEMPTS 100

/* Write the CSV of nruns runs to f. 0, or -1 when the stream failed. */
int nqm_export_csv(FILE *f, const nqm_run *const *runs, int nruns);

/* Export into directory dir under the name nqm_app_export_name gives for
 * preset and tm. 0 with the file's path in path, or -1 with err set (no
 * file left behind). */
int nqm_export_file(const char *dir, const char *preset, const struct tm *tm,
                    const nqm_run *const *runs, int nruns, char *path, size_t pathlen, char *err,
                    size_t errlen);

#endif
