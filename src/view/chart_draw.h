/* chart_draw.h: what the files of one chart's drawing share (private to
 * view/): the drawing's state, the y ticks, the constants and the
 * geometry that maps steps to dot columns and values to dot rows.
 * chart.c draws the frame, the series, the thresholds and the legend and
 * runs the rest; chart_axes.c chooses the y range and the ticks and draws
 * both axes; chart_band.c draws the phase band. */
#ifndef NQMTOP_CHART_DRAW_H
#define NQMTOP_CHART_DRAW_H

#include <math.h>
#include <stdint.h>

#include "nqmtop/view/chart.h"

#define Y_PAD_FRACTION      0.05 /* linear axis: padding around the data */
#define DEFAULT_LOG_DECADES 20.0
#define MAX_YLABEL          8      /* widest y tick label kept */
#define LOG_AXIS_MIN        -323.0 /* decades a log axis can show: 10^d */
#define LOG_AXIS_MAX        308.0  /* stays a finite, positive double */
#define FLAT_RELATIVE       1e-9   /* data varying less than this is constant */
#define XTICK_GAP           2      /* cells between step labels */

#define GLYPH_TICK      0x2524 /* ┤ */
#define GLYPH_AXIS      0x2502 /* │ */
#define GLYPH_THRESHOLD 0x00B7 /* · */
#define GLYPH_INFINITY  0x221E /* ∞ */
#define GLYPH_ABOVE     0x2191 /* ↑ */
#define GLYPH_BELOW     0x2193 /* ↓ */
#define GLYPH_CURSOR    0x250A /* ┊ */

/* One dot column of one series. */
typedef struct {
    double lo, hi;  /* finite min / max of its steps; NaN when none */
    double last;    /* value of its last step */
    unsigned flags; /* NQM_HIST_* */
    int has;        /* nonzero when some step maps here */
} column;

/* Everything the drawing decided, shared by the steps below. */
typedef struct {
    nqm_canvas *cv;
    const nqm_chart_spec *spec;
    int ascii;
    nqm_rect frame; /* r clipped to the canvas */
    nqm_rect plot;  /* cells */
    int band_row;   /* -1: none */
    int log_y;
    double lo, hi;        /* axis range in axis units (log10 when log_y) */
    long t_first, t_last; /* -1 when no data */
    int ndots;            /* dot columns: 2 * plot.w */
    int log_time;         /* columns spaced by log(1 + step offset) */
    int clamped_nonpositive;
    double cut_below; /* log axis cut short: smallest positive value of the
                         data, below the axis; NaN when none */
    nqm_chart_info *info;
} chart_ctx;

typedef struct {
    int n;
    double value[NQM_CHART_MAX_TICKS]; /* in values */
    int row[NQM_CHART_MAX_TICKS];
    char label[NQM_CHART_MAX_TICKS][24];
    int width; /* widest label */
} ticks;

/* ------------------------------------------------------------ geometry */

/* Position of step offset d on a log time axis, in dot columns (real):
 * log(1 + d) / log(1 + T) of the last column. (A linear axis places d at
 * d / T of it, in integer arithmetic below.) */
static inline double log_position(const chart_ctx *c, double d)
{
    return log1p(d) / log1p((double)(c->t_last - c->t_first)) * (c->ndots - 1);
}

/* The first step offset whose position is at least j - 1/2 (j >= 1);
 * exact integer arithmetic on a linear axis. */
static inline long time_first_at(const chart_ctx *c, int j)
{
    long T = c->t_last - c->t_first;
    if (!c->log_time) {
        long long den = 2LL * (c->ndots - 1);
        return (long)(((long long)T * (2 * j - 1) + den - 1) / den);
    }
    double p = j - 0.5;
    long k = (long)ceil(expm1(p / (c->ndots - 1) * log1p((double)T)) - 1e-9);
    while (k > 0 && log_position(c, (double)(k - 1)) >= p) /* rounding of expm1 */
        k--;
    while (k <= T && log_position(c, (double)k) < p)
        k++;
    return k;
}

/* The steps [first, last] (offsets from t_first) that dot column j holds:
 * step offset d sits at the column nearest its position. Returns 0 when
 * the column holds none. */
static inline int column_steps(const chart_ctx *c, int j, long *first, long *last)
{
    long T = c->t_last - c->t_first;
    if (T == 0 || c->ndots == 1) {
        *first = 0;
        *last = T;
        return j == 0;
    }
    long lo = j == 0 ? 0 : time_first_at(c, j);
    long hi = j == c->ndots - 1 ? T : time_first_at(c, j + 1) - 1;
    *first = lo;
    *last = hi;
    return lo <= hi;
}

/* The step offset nearest dot column j (for stretched axes). */
static inline long column_nearest_step(const chart_ctx *c, double j)
{
    long T = c->t_last - c->t_first;
    double d =
        c->log_time ? expm1(j / (c->ndots - 1) * log1p((double)T)) : j * (double)T / (c->ndots - 1);
    long k = lround(d);
    return k < 0 ? 0 : k > T ? T : k;
}

/* Dot column of a step (clamped to the plot). */
static inline int step_dot_column(const chart_ctx *c, long step)
{
    long T = c->t_last - c->t_first;
    if (T <= 0 || step <= c->t_first)
        return 0;
    if (step >= c->t_last)
        return c->ndots - 1;
    if (!c->log_time)
        return (int)(((long long)(step - c->t_first) * (c->ndots - 1) * 2 + T) / (2LL * T));
    return (int)lround(log_position(c, (double)(step - c->t_first)));
}

/* Axis units of a value: itself, or log10 on a log axis (NaN for <= 0). */
static inline double axis_value(const chart_ctx *c, double v)
{
    if (!c->log_y)
        return v;
    return v > 0 ? log10(v) : NAN;
}

/* Dot row (absolute, canvas) of a position in axis units, clamped to the
 * plot. */
static inline int axis_dot_row(const chart_ctx *c, double a)
{
    int top = c->plot.y * 4, bottom = (c->plot.y + c->plot.h) * 4 - 1;
    double y = top + (c->hi - a) / (c->hi - c->lo) * (bottom - top);
    if (!(y > top))
        return top;
    return y > bottom ? bottom : (int)lround(y);
}

/* Dot row of a value. Values <= 0 on a log axis go to the bottom row and
 * are noted. */
static inline int value_dot_row(chart_ctx *c, double v)
{
    double a = axis_value(c, v);
    if (isnan(a)) {
        c->clamped_nonpositive = 1;
        return (c->plot.y + c->plot.h) * 4 - 1;
    }
    return axis_dot_row(c, a);
}

static inline int value_row(chart_ctx *c, double v) { return value_dot_row(c, v) / 4; }

/* ---------------------------------------------------------- the parts */

/* The y range from the data and the ticks on it (chart_axes.c). */
void nqm_chart_y_axis(chart_ctx *c, ticks *t);
/* The y axis with its tick labels, at most label_w wide. */
void nqm_chart_draw_y_axis(chart_ctx *c, const ticks *t, int label_w);
/* The bottom frame row: the boundaries T1..T4 first, then the step
 * axis's labels where they leave room, left of right_limit. */
void nqm_chart_draw_x_axis(chart_ctx *c, int right_limit);
/* The phase band under the plot (chart_band.c). 0, or -1 out of memory. */
int nqm_chart_draw_band(chart_ctx *c);

#endif
