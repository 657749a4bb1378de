/* chart.h: one chart of a run drawn into a rectangle of a canvas.
 *
 * A frame with the title (and a legend when series carry labels), a y
 * axis with tick labels (linear: 1-2-5 steps; log: powers of ten), the
 * step axis with tick labels in the bottom frame, any number of series
 * from one or more histories, horizontal threshold lines with labels, and
 * a band of phase marks under the plot with T1..T4 where there is room.
 * When a history spans more steps than there are dot columns, each column
 * shows the full [min, max] of its steps, so one-step spikes stay
 * visible. NaN leaves gaps; infinities show a marker at the plot's edge.
 * The chart never writes outside its rectangle. */
#ifndef NQMTOP_CHART_H
#define NQMTOP_CHART_H

#include "nqmtop/view/canvas.h"
#include "nqmtop/view/history.h"

#define NQM_CHART_MAX_SERIES     8
#define NQM_CHART_MAX_THRESHOLDS 4
#define NQM_CHART_MAX_TICKS      32

typedef enum {
    NQM_LINE_SOLID,
    NQM_LINE_DASHED, /* tells series apart without colour */
    NQM_LINE_DOTTED
} nqm_line_style;

typedef struct {
    const nqm_history *hist;
    int series; /* index in hist */
    nqm_color color;
    nqm_line_style style;
    const char *label; /* legend entry; NULL: none */
} nqm_chart_series;

typedef struct {
    double value;      /* y value of the line; not finite: not drawn */
    const char *label; /* e.g. "2/η", at the right end of the line */
    nqm_color color;
    int fit; /* nonzero: the automatic y range includes it */
} nqm_chart_threshold;

typedef struct {
    const char *title;
    int log_y;           /* nonzero: log10 y axis */
    double y_min, y_max; /* fixed y range; NaN: from the data */
    double log_decades;  /* log axis: at most this many decades below
                            its top (values below sit on the floor);
                            <= 0: no limit */
    int nseries;
    nqm_chart_series series[NQM_CHART_MAX_SERIES];
    int nthresholds;
    nqm_chart_threshold threshold[NQM_CHART_MAX_THRESHOLDS];
    const nqm_history *phase_hist; /* NULL: no phase band */
    int phase_series;              /* its label series of nqm_phase values */
    long boundary[4];              /* steps T1..T4, -1 where unknown */
    const char *note;              /* shown across the middle of the plot; NULL: none */
} nqm_chart_spec;

/* What a drawing decided: for the UI and for tests. */
typedef struct {
    nqm_rect plot; /* the cells the series are drawn in (w = 0: none) */
    int band_row;  /* row of the phase band, -1 when none */
    int log_y;
    double y_lo, y_hi;    /* axis range, in values (not log10) */
    long t_first, t_last; /* step range of the time axis; -1 when empty */
    int nyticks;
    double ytick[NQM_CHART_MAX_TICKS];  /* tick values, bottom to top */
    int ytick_row[NQM_CHART_MAX_TICKS]; /* canvas row of each tick */
    int nxticks;
    long xtick[NQM_CHART_MAX_TICKS];    /* tick steps, left to right */
    int xtick_col[NQM_CHART_MAX_TICKS]; /* canvas column of each tick */
    int clamped;                        /* log axis: values <= 0 or below the floor were
                                           drawn on the bottom row */
    int overflow;                       /* some infinity or out-of-range value was marked */
} nqm_chart_info;

/* Defaults: linear axis, automatic range, log_decades 20, no series, no
 * thresholds, no band, boundaries -1. The title is not copied. */
void nqm_chart_spec_init(nqm_chart_spec *spec, const char *title);
/* Append a series / threshold. Return its index, or -1 when full. */
int nqm_chart_add_series(nqm_chart_spec *spec, const nqm_history *hist, int series, nqm_color color,
                         nqm_line_style style, const char *label);
int nqm_chart_add_threshold(nqm_chart_spec *spec, double value, const char *label, nqm_color color,
                            int fit);

/* Draw the chart into rectangle r of cv (clipped to the canvas); info may
 * be NULL. Returns 0, or -1 when out of memory (r may be half drawn). */
int nqm_chart_draw(nqm_canvas *cv, nqm_rect r, const nqm_chart_spec *spec, nqm_chart_info *info);

/* The label for a tick value as the axis shows it (step: the tick
 * spacing, for the number of decimals). Returns the length written. */
int nqm_chart_format_tick(double value, double step, char *buf, size_t len);
/* Compact step counts: 950, 1.5k, 20k, 3M. Returns the length written. */
int nqm_chart_format_steps(long steps, char *buf, size_t len);

#endif
