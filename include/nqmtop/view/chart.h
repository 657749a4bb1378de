/* chart.h: one chart of a run drawn into a rectangle of a canvas.
 *
 * A frame with the title (and a legend when series carry labels), a y
 * axis with tick labels (linear: 1-2-5 steps; log: powers of ten), the
 * step axis (linear, or logarithmic in the step) with the boundaries
 * T1..T4 and tick labels in the bottom frame, any number of series from
 * one or more histories, horizontal threshold lines with labels, a band
 * of phase marks under the plot and an optional cursor column. When a
 * history spans more steps than there are dot columns, each column shows
 * the full [min, max] of its steps, so one-step spikes stay visible.
 *
 * The legend gives each labelled series a sample of its line with its
 * mark and its label; when that leaves some series out, a compact form
 * (the mark and the label) lists them all.
 *
 * Nothing is drawn where it is not: NaN leaves gaps; infinities show ∞
 * at the plot's edge; values beyond the axis show arrows (↑ ↓) at the
 * edge they left by, and a log axis cut short by log_decades writes the
 * smallest value below it in the bottom frame ("↓1.6e-11"); values <= 0
 * on a log axis sit on the bottom row with "≤0" in the bottom frame.
 * A threshold off the axis is its label with an arrow at that edge.
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
    NQM_LINE_DOTTED,
    NQM_LINE_DASHDOT
} nqm_line_style;

typedef struct {
    const nqm_history *hist;
    int series; /* index in hist */
    nqm_color color;
    nqm_line_style style;
    const char *label; /* legend entry; NULL: none */
    uint32_t mark;     /* an ASCII character written on the curve every
                          NQM_CHART_MARK_EVERY cells and in the legend, so
                          curves differ without colour and in ASCII (where
                          dots of every style look alike); 0: none */
} nqm_chart_series;

/* Cells between two marks of a series; the marks of the series of one
 * chart are staggered over them. */
#define NQM_CHART_MARK_EVERY 8

/* Whether the automatic y range includes a threshold. */
typedef enum {
    NQM_FIT_NEVER,  /* never: shown at the edge when outside */
    NQM_FIT_ALWAYS, /* always */
    NQM_FIT_NEAREST /* when no NEAREST threshold lies inside the data's
                       range, the one nearest to it (all when no data) */
} nqm_chart_fit;

typedef struct {
    double value;      /* y value of the line (its current value when it
                          moves); not finite: not drawn */
    const char *label; /* e.g. "2/η", at the right end of the line */
    nqm_color color;
    nqm_chart_fit fit;
    const nqm_history *hist; /* a threshold that moves over time (a learning-rate
                                schedule's 2/eta(t)): the line follows series
                                `series` of hist; NULL: flat at value */
    int series;
} nqm_chart_threshold;

typedef struct {
    const char *title;
    int log_y;           /* nonzero: log10 y axis */
    double y_min, y_max; /* fixed y range; NaN: from the data */
    double log_decades;  /* log axis: at most this many decades below
                            its top (values below are arrows on the
                            bottom row, the smallest written in the
                            bottom frame); <= 0: no limit */
    int label_width;     /* y tick labels take at least this many cells,
                            so charts stacked together align their time
                            axes (0: as wide as the widest label) */
    int log_time;        /* nonzero: dot columns spaced by log(1 + step) */
    long cursor;         /* step marked by a cursor column; -1: none */
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
    int boundary_col[4];                /* canvas column of the labels T1..T4 in the
                                           bottom frame row; -1 where not shown */
    int nxticks;
    long xtick[NQM_CHART_MAX_TICKS];    /* tick steps, left to right */
    int xtick_col[NQM_CHART_MAX_TICKS]; /* canvas column of each tick */
    int label_width;                    /* cells the y tick labels took */
    int clamped;                        /* log axis: values <= 0 were drawn on the
                                           bottom row ("≤0") */
    double cut_below;                   /* log axis cut by log_decades: the smallest
                                           value below it; NaN when nothing was cut */
    int overflow;                       /* some infinity or out-of-range value was marked */
} nqm_chart_info;

/* Defaults: linear axis, automatic range, log_decades 20, labels as
 * wide as they need, linear time, no cursor, no series, no thresholds,
 * no band, boundaries -1. The title is not copied. */
void nqm_chart_spec_init(nqm_chart_spec *spec, const char *title);
/* Append a series / threshold. Return its index, or -1 when full. */
int nqm_chart_add_series(nqm_chart_spec *spec, const nqm_history *hist, int series, nqm_color color,
                         nqm_line_style style, const char *label);
int nqm_chart_add_threshold(nqm_chart_spec *spec, double value, const char *label, nqm_color color,
                            nqm_chart_fit fit);

/* Draw the chart into rectangle r of cv (clipped to the canvas); info may
 * be NULL. Returns 0, or -1 when out of memory (r may be half drawn). */
int nqm_chart_draw(nqm_canvas *cv, nqm_rect r, const nqm_chart_spec *spec, nqm_chart_info *info);
/* The cells the y tick labels of this chart in rectangle r would take
 * (0 when none are shown), without drawing: the largest over charts
 * stacked together is their common label_width. */
int nqm_chart_label_width(nqm_rect r, const nqm_chart_spec *spec);

/* The label for a tick value as the axis shows it (step: the tick
 * spacing, for the number of decimals). Returns the length written. */
int nqm_chart_format_tick(double value, double step, char *buf, size_t len);
/* Compact step counts: 950, 1.5k, 20k, 3M. Returns the length written. */
int nqm_chart_format_steps(long steps, char *buf, size_t len);

#endif
