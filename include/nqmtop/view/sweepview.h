/* sweepview.h: the sweep view drawn into a canvas — pure, no terminal.
 *
 * Panels over the results that have come in so far:
 *   curve  a metric against the learning-rate axis (eta or eta_rel), one
 *          series per model, each point in the model's own mark (net *,
 *          quad o, lin x), with eta_crit and eta_max marked: the best
 *          test loss when there is a test set, else the final loss (log
 *          axis, a label every 1, 2, 5, 10, ... decades so that no two
 *          share a row; a diverged run is an arrow ↑ at the top edge and
 *          a loss of 0 an arrow ↓ at the bottom, each named in the legend);
 *   map    the regime of every grid point of one model as a coloured
 *          grid, the first axis across, the second down;
 *   early  the same grid coloured by early phase (early.h): the phase
 *          diagram of Kalra & Barkeshli when the axes are eta and a size;
 *   bifurcation  with spec->late: every late value of every run against
 *          the learning-rate axis, one colour per model (linear axis; a
 *          value that is not finite is left out and counted in the title).
 * A title line, a progress line with the keys, and a help overlay. */
#ifndef NQMTOP_SWEEPVIEW_H
#define NQMTOP_SWEEPVIEW_H

#include "nqmtop/view/canvas.h"
#include "nqmtop/train/sweep.h"

typedef enum {
    NQM_SWEEP_CURVE,
    NQM_SWEEP_MAP,
    NQM_SWEEP_EARLY,
    NQM_SWEEP_BIFURCATION
} nqm_sweep_panel;

/* Everything one frame shows. Results are indexed (point, model). */
typedef struct {
    const nqm_sweep_spec *spec;
    const char *preset;
    int points, models;
    const nqm_model_kind *model;     /* (models) */
    const nqm_sweep_result *results; /* (points, models) */
    const int *have;                 /* (points, models) nonzero: arrived */
    long done, total;                /* runs finished, in all */
    double seconds;                  /* since the sweep started */
    int finished;                    /* no run is left (or the sweep stopped) */
    const char *message;             /* status note (export, errors); NULL: none */
    nqm_sweep_panel panel;
    int model_sel;                 /* the map's model */
    int slice;                     /* curve with two axes: index on the other one */
    int help;                      /* the help overlay is up */
    const char *const *help_lines; /* its lines, NULL-terminated */
} nqm_sweep_view;

/* Decades between two labels of a log axis spanning `decades` over
 * `rows` rows: the smallest of 1, 2, 5, 10, 20, ... that leaves at least
 * one row per label. */
int nqm_sweep_view_decade_stride(double decades, int rows);

/* Draw the whole view into cv (its full size). */
void nqm_sweep_view_draw(nqm_canvas *cv, const nqm_sweep_view *v);

#endif
