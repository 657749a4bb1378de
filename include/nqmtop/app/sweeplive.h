/* sweeplive.h: a sweep running on a thread of its own while the sweep
 * view shows what has come in (--sweep without --batch). Results are
 * copied under a lock into a snapshot the view draws from; nothing here
 * touches the terminal. */
#ifndef NQMTOP_SWEEPLIVE_H
#define NQMTOP_SWEEPLIVE_H

#include <stddef.h>

#include "nqmtop/out/emit.h"
#include "nqmtop/out/plot.h"
#include "nqmtop/train/sweep.h"
#include "nqmtop/view/sweepview.h"

typedef struct nqm_sweep_live nqm_sweep_live;

/* Resolve the grid (a bad value fails here, before any screen) and start
 * the runs; made_by (may be NULL) and size are what exports say and the
 * size of their figures. NULL with err set. */
nqm_sweep_live *nqm_sweep_live_start(const nqm_config *cfg, const nqm_sweep_spec *spec,
                                     const nqm_provenance *made_by, nqm_plot_size size, char *err,
                                     size_t errlen);
/* Take a snapshot and point the view's data at it (results, progress,
 * whether the sweep is over); the view's own choices stay. Returns
 * nonzero when something changed since the last snapshot. */
int nqm_sweep_live_snapshot(nqm_sweep_live *live, nqm_sweep_view *v);
/* Write the last snapshot's results as CSV to a file of a new name in dir
 * (nqmtop-sweep-PRESET-YYYYmmdd-HHMMSS[-N].csv), never over an existing
 * one, after '#' lines of what made it, and their figure beside it (the
 * same name ending in .svg, as --plot draws a sweep). 0 with the CSV's
 * path; -1 with err set; 1 when the figure could not be written (err). */
int nqm_sweep_live_export(nqm_sweep_live *live, const char *dir, char *path, size_t pathlen,
                          char *err, size_t errlen);
/* A run failed: why (the sweep then stops), as of the last snapshot;
 * NULL while all is well. */
const char *nqm_sweep_live_error(const nqm_sweep_live *live);
/* What a key asks of the front end. */
enum { NQM_SWEEP_REDRAW = 1, NQM_SWEEP_QUIT = 2, NQM_SWEEP_EXPORT = 4 };
/* Apply a key (the key table's code, sweep view keymap) to the view's
 * choices; returns the reactions. With the help up, any key only closes
 * it. */
unsigned nqm_sweep_view_key(nqm_sweep_view *v, int key);

/* Stop the sweep (runs under way end at their next step), wait for its
 * thread and release everything. */
void nqm_sweep_live_free(nqm_sweep_live *live);

#endif
