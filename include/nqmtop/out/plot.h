/* plot.h: figures of a run and of a sweep as self-contained SVG (--plot
 * FILE.svg), the charts of the screen for a paper or a slide. A run: the
 * loss (log scale, with the test loss), the output g and the kernel
 * eigenvalues with 2/eta and 4/eta, over the steps, under a band of the
 * phases. A sweep: the best test loss (the final loss without a test
 * set) against the swept value with eta_crit marked, and the regime map.
 * Axes with ticks and labels, a legend, a title with the configuration,
 * and what made the figure in its metadata. */
#ifndef NQMTOP_PLOT_H
#define NQMTOP_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "nqmtop/train/session.h"
#include "nqmtop/train/sweep.h"

/* Records of a run a figure keeps, at most: beyond, pairs are merged
 * (the one of higher loss kept, so a catapult's peak stays). */
enum { NQM_PLOT_MAX_POINTS = 4096 };

/* The figure's size in pixels (SVG user units). */
typedef struct {
    int width, height;
} nqm_plot_size;

/* "WxH" (each 200 to 4000), "column" (360x420), "slide" (1280x720) or
 * "" (the default, 720x540). 0, or -1 with "--plot-size: ..." in err. */
int nqm_plot_size_parse(const char *s, nqm_plot_size *out, char *err, size_t errlen);

/* What a figure says besides its data. */
typedef struct {
    nqm_plot_size size;
    const char *title;    /* the configuration in a line */
    const char *metadata; /* text for the SVG's <metadata> (may be NULL) */
} nqm_plot_info;

/* The records of a run, gathered as it steps. */
typedef struct nqm_plot_run nqm_plot_run;
/* eigs: eigenvalues per record; test: the records carry a test loss. NULL
 * when out of memory. */
nqm_plot_run *nqm_plot_run_new(int eigs, int test);
void nqm_plot_run_add(nqm_plot_run *p, const nqm_record *r);
void nqm_plot_run_free(nqm_plot_run *p);
/* The figure of the run. 0, or -1 when f failed. */
int nqm_plot_run_svg(FILE *f, const nqm_plot_run *p, const nqm_plot_info *info);
/* The figure of nruns runs drawn over each other (a colour per run, named
 * names[k] in the legend, a phase strip each). 0, or -1 when f failed. */
int nqm_plot_runs_svg(FILE *f, const nqm_plot_run *const *runs, const char *const *names, int nruns,
                      const nqm_plot_info *info);

/* The figure of the sweep's results that have arrived (have, both
 * (points, models)). 0, or -1 when f failed. */
int nqm_plot_sweep_svg(FILE *f, const nqm_sweep *sw, const nqm_sweep_result *results,
                       const int *have, const nqm_plot_info *info);

#endif
