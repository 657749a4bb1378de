/* chart.c: one chart drawn into a canvas rectangle (see chart.h).
 *
 * Geometry, outside in: a frame whose top row carries the title and the
 * legend and whose bottom row carries the step tick labels; inside it the
 * y tick labels, the axis column, the plot, and (when a phase history is
 * given) one band row under the plot. Series are drawn per dot column
 * from history envelopes: each column is a vertical bar over [min, max]
 * of its steps, extended to the previous column's last value so the curve
 * stays connected. Stretched axes (fewer steps than dot columns) are
 * interpolated linearly between the columns that hold a step. */
#include "nqmtop/view/chart.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/train/phase.h"

#define Y_PAD_FRACTION      0.05 /* linear axis: padding around the data */
#define DEFAULT_LOG_DECADES 20.0
#define MAX_YLABEL          8      /* widest y tick label kept */
#define LOG_AXIS_MIN        -323.0 /* decades a log axis can show: 10^d */
#define LOG_AXIS_MAX        308.0  /* stays a finite, positive double */
#define FLAT_RELATIVE       1e-9   /* data varying less than this is constant */
#define XTICK_GAP           2      /* cells between step labels */

static const uint32_t GLYPH_TICK = 0x2524;      /* ┤ */
static const uint32_t GLYPH_AXIS = 0x2502;      /* │ */
static const uint32_t GLYPH_THRESHOLD = 0x00B7; /* · */
static const uint32_t GLYPH_INFINITY = 0x221E;  /* ∞ */
static const uint32_t GLYPH_ABOVE = 0x2191;     /* ↑ */
static const uint32_t GLYPH_BELOW = 0x2193;     /* ↓ */

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
    int clamped_nonpositive;
    nqm_chart_info *info;
} chart_ctx;

/* ---------------------------------------------------------------- spec */

void nqm_chart_spec_init(nqm_chart_spec *spec, const char *title)
{
    memset(spec, 0, sizeof *spec);
    spec->title = title;
    spec->y_min = NAN;
    spec->y_max = NAN;
    spec->log_decades = DEFAULT_LOG_DECADES;
    spec->phase_hist = NULL;
    for (int k = 0; k < 4; k++)
        spec->boundary[k] = -1;
}

int nqm_chart_add_series(nqm_chart_spec *spec, const nqm_history *hist, int series, nqm_color color,
                         nqm_line_style style, const char *label)
{
    if (spec->nseries >= NQM_CHART_MAX_SERIES)
        return -1;
    nqm_chart_series *s = &spec->series[spec->nseries];
    s->hist = hist;
    s->series = series;
    s->color = color;
    s->style = style;
    s->label = label;
    return spec->nseries++;
}

int nqm_chart_add_threshold(nqm_chart_spec *spec, double value, const char *label, nqm_color color,
                            int fit)
{
    if (spec->nthresholds >= NQM_CHART_MAX_THRESHOLDS)
        return -1;
    nqm_chart_threshold *t = &spec->threshold[spec->nthresholds];
    t->value = value;
    t->label = label;
    t->color = color;
    t->fit = fit;
    return spec->nthresholds++;
}

/* ---------------------------------------------------------- formatting */

int nqm_chart_format_tick(double value, double step, char *buf, size_t len)
{
    if (!isfinite(value))
        return snprintf(buf, len, "%s", isnan(value) ? "nan" : value > 0 ? "inf" : "-inf");
    if (!(step > 0) || !isfinite(step))
        step = fabs(value) > 0 ? fabs(value) : 1;
    if (fabs(value) < step * 1e-9)
        return snprintf(buf, len, "0");
    int step_mag = (int)floor(log10(step) + 1e-9);
    int decimals = step_mag < 0 ? -step_mag : 0;
    if (fabs(value) >= 1e5 || decimals > 4) {
        int value_mag = (int)floor(log10(fabs(value)) + 1e-9);
        int digits = value_mag - step_mag;
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*e", digits > 0 ? digits : 0, value);
        nqm_compact_exponent(tmp);
        return snprintf(buf, len, "%s", tmp);
    }
    return snprintf(buf, len, "%.*f", decimals, value);
}

int nqm_chart_format_steps(long steps, char *buf, size_t len)
{
    static const struct {
        double scale;
        const char *suffix;
    } units[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (labs(steps) >= units[i].scale)
            return snprintf(buf, len, "%.4g%s", (double)steps / units[i].scale, units[i].suffix);
    return snprintf(buf, len, "%ld", steps);
}

/* ------------------------------------------------------------ geometry */

/* The steps [first, last] (offsets from t_first) that dot column j holds:
 * step offset d sits at column round(d * (ndots - 1) / T). Returns 0 when
 * the column holds none. */
static int column_steps(const chart_ctx *c, int j, long *first, long *last)
{
    long T = c->t_last - c->t_first;
    if (T == 0 || c->ndots == 1) {
        *first = 0;
        *last = T;
        return j == 0;
    }
    long long den = 2LL * (c->ndots - 1);
    long lo = j == 0 ? 0 : (long)(((long long)T * (2 * j - 1) + den - 1) / den);
    long hi = j == c->ndots - 1 ? T : (long)(((long long)T * (2 * j + 1) + den - 1) / den) - 1;
    *first = lo;
    *last = hi;
    return lo <= hi;
}

/* Dot column of a step (clamped to the plot). */
static int step_dot_column(const chart_ctx *c, long step)
{
    long T = c->t_last - c->t_first;
    if (T <= 0 || step <= c->t_first)
        return 0;
    if (step >= c->t_last)
        return c->ndots - 1;
    return (int)(((long long)(step - c->t_first) * (c->ndots - 1) * 2 + T) / (2LL * T));
}

/* Axis units of a value: itself, or log10 on a log axis (NaN for <= 0). */
static double axis_value(const chart_ctx *c, double v)
{
    if (!c->log_y)
        return v;
    return v > 0 ? log10(v) : NAN;
}

/* Dot row (absolute, canvas) of a position in axis units, clamped to the
 * plot. */
static int axis_dot_row(const chart_ctx *c, double a)
{
    int top = c->plot.y * 4, bottom = (c->plot.y + c->plot.h) * 4 - 1;
    double y = top + (c->hi - a) / (c->hi - c->lo) * (bottom - top);
    if (!(y > top))
        return top;
    return y > bottom ? bottom : (int)lround(y);
}

/* Dot row of a value. Values <= 0 on a log axis go to the bottom row and
 * are noted, as are values below the axis. */
static int value_dot_row(chart_ctx *c, double v)
{
    double a = axis_value(c, v);
    if (isnan(a)) {
        c->clamped_nonpositive = 1;
        return (c->plot.y + c->plot.h) * 4 - 1;
    }
    if (a < c->lo && c->log_y && c->info)
        c->info->clamped = 1;
    return axis_dot_row(c, a);
}

static int value_row(chart_ctx *c, double v) { return value_dot_row(c, v) / 4; }

/* ------------------------------------------------------------- y range */

static void widen(double *lo, double *hi, double v)
{
    if (!isfinite(v))
        return;
    if (isnan(*lo) || v < *lo)
        *lo = v;
    if (isnan(*hi) || v > *hi)
        *hi = v;
}

/* Smallest positive value a series reaches, as far as buckets tell
 * (a bucket whose min is <= 0 offers its max when that is positive). */
static double positive_floor(const nqm_history *h, int series)
{
    double best = NAN;
    long n = nqm_history_nbuckets(h);
    for (long i = 0; i < n; i++) {
        nqm_envelope e;
        nqm_history_bucket(h, i, series, &e);
        double v = e.min > 0 ? e.min : e.max > 0 ? e.max : NAN;
        if (!isnan(v) && (isnan(best) || v < best))
            best = v;
    }
    return best;
}

/* Range of the data and the fitted thresholds, in values. */
static void data_range(const chart_ctx *c, double *lo, double *hi)
{
    const nqm_chart_spec *s = c->spec;
    *lo = *hi = NAN;
    for (int i = 0; i < s->nseries; i++) {
        const nqm_chart_series *se = &s->series[i];
        nqm_envelope e;
        if (!se->hist || !nqm_history_envelope(se->hist, se->series, c->t_first, c->t_last, &e))
            continue;
        if (c->log_y && !(e.min > 0)) {
            widen(lo, hi, positive_floor(se->hist, se->series));
            widen(lo, hi, e.max > 0 ? e.max : NAN);
        } else {
            widen(lo, hi, e.min);
            widen(lo, hi, e.max);
        }
    }
    for (int i = 0; i < s->nthresholds; i++)
        if (s->threshold[i].fit && (!c->log_y || s->threshold[i].value > 0))
            widen(lo, hi, s->threshold[i].value);
}

/* Keep the axis finite and its span representable, whatever the data. */
static void keep_finite_range(chart_ctx *c)
{
    const double limit = DBL_MAX / 4;
    c->lo = fmax(fmin(c->lo, limit), -limit);
    c->hi = fmax(fmin(c->hi, limit), -limit);
    if (!(c->hi > c->lo)) {
        double mid = c->lo, half = fmax(fabs(mid) * 0.1, 1);
        c->lo = mid - half;
        c->hi = mid + half;
    }
}

static void linear_range(chart_ctx *c, double lo, double hi)
{
    const nqm_chart_spec *s = c->spec;
    int fixed_lo = isfinite(s->y_min), fixed_hi = isfinite(s->y_max);
    if (isnan(lo)) {
        lo = 0;
        hi = 1;
    }
    if (hi - lo <= FLAT_RELATIVE * fmax(fabs(lo), fabs(hi)))
        lo = hi = lo + (hi - lo) / 2;
    double pad = hi > lo ? (hi - lo) * Y_PAD_FRACTION : lo != 0 ? fabs(lo) * 0.1 : 1;
    c->lo = fixed_lo ? s->y_min : lo - pad;
    c->hi = fixed_hi ? s->y_max : hi + pad;
    keep_finite_range(c);
}

static void log_range(chart_ctx *c, double lo, double hi)
{
    const nqm_chart_spec *s = c->spec;
    if (isfinite(s->y_min) && s->y_min > 0)
        lo = s->y_min;
    if (isfinite(s->y_max) && s->y_max > 0)
        hi = s->y_max;
    if (isnan(lo) || !(lo > 0)) {
        lo = 0.1;
        hi = 10;
    }
    double L = floor(log10(lo) + 1e-12), H = ceil(log10(hi) - 1e-12);
    if (H <= L) {
        L -= 1;
        H += 1;
    }
    L = fmax(L, LOG_AXIS_MIN);
    H = fmin(fmax(H, L + 1), LOG_AXIS_MAX);
    L = fmin(L, H - 1);
    if (s->log_decades > 0 && H - L > ceil(s->log_decades))
        L = H - ceil(s->log_decades);
    c->lo = L;
    c->hi = H;
}

/* --------------------------------------------------------------- ticks */

typedef struct {
    int n;
    double value[NQM_CHART_MAX_TICKS]; /* in values */
    int row[NQM_CHART_MAX_TICKS];
    char label[NQM_CHART_MAX_TICKS][24];
    int width; /* widest label */
} ticks;

/* The smallest 1-2-5 x 10^k number >= x (x > 0). */
static double nice_step(double x)
{
    double mag = pow(10, floor(log10(x)));
    static const double mult[] = {1, 2, 5, 10};
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++)
        if (mult[i] * mag >= x * (1 - 1e-12))
            return mult[i] * mag;
    return 10 * mag;
}

/* The next smaller 1-2-5 x 10^k number below a 1-2-5 step. */
static double smaller_nice_step(double step)
{
    double mag = pow(10, floor(log10(step) + 1e-9));
    double m = step / mag;
    return m > 4 ? 2 * mag : m > 1.5 ? mag : 0.5 * mag;
}

/* Add a tick at axis position a unless it shares the previous tick's
 * row. Returns 0 when it does (spacing too tight). */
static int add_tick(chart_ctx *c, ticks *t, double a, double value, const char *label)
{
    if (t->n >= NQM_CHART_MAX_TICKS)
        return 0;
    int row = axis_dot_row(c, a) / 4;
    if (t->n > 0 && row == t->row[t->n - 1])
        return 0;
    t->value[t->n] = value;
    t->row[t->n] = row;
    snprintf(t->label[t->n], sizeof t->label[0], "%s", label);
    int w = (int)strlen(t->label[t->n]);
    if (w > t->width)
        t->width = w;
    t->n++;
    return 1;
}

/* About one labelled row in three, and at least two labels. */
static int target_ticks(const chart_ctx *c)
{
    int n = c->plot.h / 3;
    return n < 2 ? 2 : n;
}

/* Ticks at the multiples of step inside the axis; 0 when two share a row. */
static int linear_ticks_with(chart_ctx *c, ticks *t, double step)
{
    memset(t, 0, sizeof *t);
    double k0 = ceil(c->lo / step - 1e-9), k1 = floor(c->hi / step + 1e-9);
    if (k1 - k0 + 1 > NQM_CHART_MAX_TICKS)
        return 0;
    for (double k = k0; k <= k1; k++) {
        char label[24];
        nqm_chart_format_tick(k * step, step, label, sizeof label);
        if (!add_tick(c, t, k * step, k * step, label))
            return 0;
    }
    return 1;
}

/* The widest 1-2-5 spacing that still gives the target number of ticks;
 * failing that, the spacing that gives the most. */
static void linear_ticks(chart_ctx *c, ticks *t)
{
    double range = c->hi - c->lo;
    double best_step = 0;
    int best_n = 0;
    memset(t, 0, sizeof *t);
    if (!(range > 0) || !isfinite(range))
        return;
    for (double step = nice_step(range); step >= range / (2.0 * NQM_CHART_MAX_TICKS) && step > 0;
         step = smaller_nice_step(step)) {
        if (!linear_ticks_with(c, t, step))
            break;
        if (t->n > best_n) {
            best_n = t->n;
            best_step = step;
        }
        if (t->n >= target_ticks(c))
            return;
    }
    if (best_n == 0 || !linear_ticks_with(c, t, best_step))
        memset(t, 0, sizeof *t);
}

/* Powers of ten every k decades, k the smallest stride that keeps to
 * about the target number of ticks on distinct rows; none if none does. */
static void log_ticks(chart_ctx *c, ticks *t)
{
    static const int strides[] = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500};
    int L = (int)c->lo, H = (int)c->hi;
    for (size_t i = 0; i < sizeof strides / sizeof strides[0]; i++) {
        int k = strides[i];
        memset(t, 0, sizeof *t);
        int ok = (H - L) / k + 1 <= target_ticks(c) + 1;
        int first = (int)ceil((double)L / k) * k;
        for (int d = first; d <= H && ok; d += k) {
            char label[24];
            snprintf(label, sizeof label, "1e%d", d);
            ok = add_tick(c, t, d, pow(10, d), label);
        }
        if (ok)
            return;
    }
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ drawing */

/* Text on row y from column x, cut before column `end`. */
static void text_before(chart_ctx *c, int x, int y, const char *text, nqm_color color, int end)
{
    nqm_rect saved = nqm_canvas_clip_rect(c->cv);
    nqm_rect span = {x, y, end - x, 1};
    nqm_canvas_clip(c->cv, nqm_rect_intersect(saved, span));
    nqm_canvas_text(c->cv, x, y, text, color);
    nqm_canvas_clip(c->cv, saved);
}

/* The frame, with " title " on its top row between the corners. */
static void draw_frame(chart_ctx *c)
{
    nqm_rect f = c->frame;
    nqm_canvas_box(c->cv, f, NQM_COLOR_AXIS);
    if (c->spec->title && f.w > 4) {
        char text[256];
        snprintf(text, sizeof text, " %s ", c->spec->title);
        text_before(c, f.x + 1, f.y, text, NQM_COLOR_TITLE, f.x + f.w - 1);
    }
}

/* Column right after the title on the top frame row. */
static int title_end(const chart_ctx *c)
{
    int n = c->spec->title ? nqm_text_width(c->spec->title, nqm_canvas_glyphs(c->cv)) : 0;
    return c->frame.x + 1 + (n ? n + 2 : 0);
}

static void draw_y_axis(chart_ctx *c, const ticks *t, int label_w)
{
    int axis_x = c->plot.x - 1;
    for (int y = c->plot.y; y < c->plot.y + c->plot.h; y++)
        nqm_canvas_put(c->cv, axis_x, y, GLYPH_AXIS, NQM_COLOR_AXIS);
    for (int i = 0; i < t->n; i++) {
        nqm_canvas_put(c->cv, axis_x, t->row[i], GLYPH_TICK, NQM_COLOR_AXIS);
        int w = (int)strlen(t->label[i]);
        if (w <= label_w)
            nqm_canvas_text(c->cv, axis_x - w, t->row[i], t->label[i], NQM_COLOR_AXIS);
    }
}

/* Envelope of one series in every dot column. */
static void fill_columns(const chart_ctx *c, const nqm_chart_series *s, column *cols)
{
    for (int j = 0; j < c->ndots; j++) {
        column *col = &cols[j];
        long d0, d1;
        nqm_envelope e;
        col->has = 0;
        if (!s->hist || !column_steps(c, j, &d0, &d1) ||
            !nqm_history_envelope(s->hist, s->series, c->t_first + d0, c->t_first + d1, &e))
            continue;
        col->has = 1;
        col->lo = e.min;
        col->hi = e.max;
        col->last = e.last;
        col->flags = e.nonfinite;
    }
}

/* Whether the line style draws a flat piece in dot column j. */
static int style_on(nqm_line_style style, int j)
{
    switch (style) {
    case NQM_LINE_DASHED:
        return (j / 4) % 2 == 0;
    case NQM_LINE_DOTTED:
        return (j / 2) % 2 == 0;
    default:
        return 1;
    }
}

static void draw_bar(chart_ctx *c, const nqm_chart_series *s, int j, int y0, int y1)
{
    if (abs(y1 - y0) <= 1 && !style_on(s->style, j))
        return;
    nqm_canvas_vline(c->cv, c->plot.x * 2 + j, y0, y1, s->color);
}

static int min_int(int a, int b) { return a < b ? a : b; }
static int max_int(int a, int b) { return a > b ? a : b; }

/* Columns strictly between jp (ending at dot row yp) and j, on the way
 * to dot row yt. */
static void draw_interpolated(chart_ctx *c, const nqm_chart_series *s, int jp, int yp, int j,
                              int yt)
{
    int prev = yp;
    for (int k = jp + 1; k < j; k++) {
        int y = (int)lround(yp + (double)(yt - yp) * (k - jp) / (j - jp));
        draw_bar(c, s, k, prev, y);
        prev = y;
    }
}

/* Mark infinities at the plot's top (+inf) or bottom (-inf) edge. */
static void mark_overflow(chart_ctx *c, const nqm_chart_series *s, int j, unsigned flags)
{
    int x = c->plot.x + j / 2;
    if (flags & NQM_HIST_POSINF)
        nqm_canvas_put(c->cv, x, c->plot.y, c->ascii ? '^' : GLYPH_INFINITY, s->color);
    if (flags & NQM_HIST_NEGINF)
        nqm_canvas_put(c->cv, x, c->plot.y + c->plot.h - 1, c->ascii ? 'v' : GLYPH_INFINITY,
                       s->color);
    if ((flags & (NQM_HIST_POSINF | NQM_HIST_NEGINF)) && c->info)
        c->info->overflow = 1;
}

/* Where a column lies wholly off a fixed axis: 1 above, -1 below, else 0.
 * (On a log axis values below the floor sit on it instead.) */
static int column_off_axis(const chart_ctx *c, const column *col)
{
    double lo = axis_value(c, col->lo), hi = axis_value(c, col->hi);
    if (lo > c->hi)
        return 1;
    if (!c->log_y && hi < c->lo)
        return -1;
    return 0;
}

/* An arrow at the edge a column's values left the axis by. */
static void mark_off_axis(chart_ctx *c, const nqm_chart_series *s, int j, int side)
{
    int x = c->plot.x + j / 2;
    if (side > 0)
        nqm_canvas_put(c->cv, x, c->plot.y, c->ascii ? '^' : GLYPH_ABOVE, s->color);
    else
        nqm_canvas_put(c->cv, x, c->plot.y + c->plot.h - 1, c->ascii ? 'v' : GLYPH_BELOW, s->color);
    if (c->info)
        c->info->overflow = 1;
}

static void draw_series(chart_ctx *c, const nqm_chart_series *s, const column *cols)
{
    int jp = -1, yp = 0;     /* last column with a finite last value, and its dot row */
    int joff = -1, side = 0; /* last column off the axis, and on which side */
    for (int j = 0; j < c->ndots; j++) {
        const column *col = &cols[j];
        if (!col->has)
            continue;
        int off = isnan(col->lo) ? 0 : column_off_axis(c, col);
        if (off) { /* off the axis: arrows, no dots */
            for (int k = joff >= 0 && side == off ? joff + 1 : j; k <= j; k++)
                mark_off_axis(c, s, k, off);
            side = off;
        }
        joff = off ? j : -1;
        if (isnan(col->lo) || off) { /* nothing to draw here: a gap */
            mark_overflow(c, s, j, col->flags);
            jp = -1;
            continue;
        }
        int top = value_dot_row(c, col->hi), bottom = value_dot_row(c, col->lo);
        if (jp >= 0) {
            int yt = min_int(max_int(yp, top), bottom);
            draw_interpolated(c, s, jp, yp, j, yt);
            int ylast =
                jp < j - 1 ? (int)lround(yp + (double)(yt - yp) * (j - 1 - jp) / (j - jp)) : yp;
            top = min_int(top, ylast);
            bottom = max_int(bottom, ylast);
        }
        draw_bar(c, s, j, top, bottom);
        mark_overflow(c, s, j, col->flags);
        if (isfinite(col->last)) {
            jp = j;
            yp = value_dot_row(c, col->last);
        } else {
            jp = -1;
        }
    }
}

static int draw_all_series(chart_ctx *c)
{
    const nqm_chart_spec *s = c->spec;
    column *cols = malloc((size_t)c->ndots * sizeof *cols);
    if (!cols)
        return -1;
    for (int i = 0; i < s->nseries; i++) {
        fill_columns(c, &s->series[i], cols);
        draw_series(c, &s->series[i], cols);
    }
    free(cols);
    return 0;
}

static void draw_threshold_lines(chart_ctx *c)
{
    const nqm_chart_spec *s = c->spec;
    for (int i = 0; i < s->nthresholds; i++) {
        const nqm_chart_threshold *t = &s->threshold[i];
        double a = isfinite(t->value) ? axis_value(c, t->value) : NAN;
        if (isnan(a) || a < c->lo || a > c->hi)
            continue;
        int row = value_row(c, t->value);
        for (int x = 0; x < c->plot.w; x += 2)
            nqm_canvas_put(c->cv, c->plot.x + x, row, GLYPH_THRESHOLD, t->color);
    }
}

/* Labels at the right end of each threshold line (or at the edge with an
 * arrow when the line is off the axis), right to left when rows collide. */
static void draw_threshold_labels(chart_ctx *c)
{
    const nqm_chart_spec *s = c->spec;
    int used_row[NQM_CHART_MAX_THRESHOLDS], used_left[NQM_CHART_MAX_THRESHOLDS], nused = 0;
    for (int i = 0; i < s->nthresholds; i++) {
        const nqm_chart_threshold *t = &s->threshold[i];
        if (!isfinite(t->value) || !t->label || (c->log_y && !(t->value > 0)))
            continue;
        double a = axis_value(c, t->value);
        char text[64];
        const char *arrow = a > c->hi ? "\xE2\x86\x91" : a < c->lo ? "\xE2\x86\x93" : "";
        snprintf(text, sizeof text, "%s%s", t->label, arrow);
        int row = a > c->hi   ? c->plot.y
                  : a < c->lo ? c->plot.y + c->plot.h - 1
                              : value_row(c, t->value);
        int right = c->plot.x + c->plot.w;
        for (int k = 0; k < nused; k++)
            if (used_row[k] == row && used_left[k] - 1 < right)
                right = used_left[k] - 1;
        int w = nqm_text_width(text, nqm_canvas_glyphs(c->cv));
        if (right - w < c->plot.x)
            continue;
        nqm_canvas_text(c->cv, right - w, row, text, t->color);
        used_row[nused] = row;
        used_left[nused++] = right - w;
    }
}

/* ---------------------------------------------------------- phase band */

/* The label a band cell shows when several occurred in its steps. */
static int band_label(uint32_t labels)
{
    static const nqm_phase priority[] = {PHASE_DIVERGENT, PHASE_PEAK, PHASE_INCREASING,
                                         PHASE_DECREASING, PHASE_MONOTONE};
    for (size_t i = 0; i < sizeof priority / sizeof priority[0]; i++)
        if (labels & (1u << priority[i]))
            return (int)priority[i];
    return -1;
}

static nqm_color phase_color(int label)
{
    switch (label) {
    case PHASE_INCREASING:
        return NQM_COLOR_PHASE_INCREASING;
    case PHASE_PEAK:
        return NQM_COLOR_PHASE_PEAK;
    case PHASE_DECREASING:
        return NQM_COLOR_PHASE_DECREASING;
    case PHASE_DIVERGENT:
        return NQM_COLOR_WARNING;
    default:
        return NQM_COLOR_AXIS;
    }
}

static uint32_t phase_glyph(int label)
{
    switch (label) {
    case PHASE_INCREASING:
        return 0x2591; /* ░ */
    case PHASE_PEAK:
        return 0x2593; /* ▓ */
    case PHASE_DECREASING:
        return 0x2592; /* ▒ */
    case PHASE_DIVERGENT:
        return 0x00D7; /* × */
    default:
        return ' ';
    }
}

/* The steps (offsets from t_first) plot cell column x stands for: those
 * of its two dot columns, or on a stretched axis the nearest step. */
static int cell_steps(const chart_ctx *c, int x, long *first, long *last)
{
    long a0, a1, b0, b1;
    int ha = column_steps(c, 2 * x, &a0, &a1), hb = column_steps(c, 2 * x + 1, &b0, &b1);
    if (ha || hb) {
        *first = ha ? a0 : b0;
        *last = hb ? b1 : a1;
        return 1;
    }
    if (c->ndots < 2)
        return 0;
    *first = *last = lround((2.0 * x + 0.5) * (double)(c->t_last - c->t_first) / (c->ndots - 1));
    return 1;
}

/* Label of every plot cell column: (plot.w) labels, -1 where none. */
static void band_labels(const chart_ctx *c, int *labels)
{
    const nqm_chart_spec *s = c->spec;
    for (int x = 0; x < c->plot.w; x++) {
        long first, last;
        nqm_envelope e;
        labels[x] = -1;
        if (cell_steps(c, x, &first, &last) &&
            nqm_history_envelope(s->phase_hist, s->phase_series, c->t_first + first,
                                 c->t_first + last, &e))
            labels[x] = band_label(e.labels);
    }
}

static int cells_free(const char *used, int x, int w, int limit)
{
    if (x < 0 || x + w > limit)
        return 0;
    for (int i = x; i < x + w; i++)
        if (used[i])
            return 0;
    return 1;
}

static void draw_boundary_labels(chart_ctx *c, char *used)
{
    for (int k = 0; k < 4; k++) {
        long t = c->spec->boundary[k];
        if (t < c->t_first || t > c->t_last)
            continue;
        int x = step_dot_column(c, t) / 2;
        char text[4] = {'T', (char)('1' + k), 0, 0};
        if (!cells_free(used, x, 2, c->plot.w))
            continue;
        nqm_canvas_text(c->cv, c->plot.x + x, c->band_row, text, NQM_COLOR_TITLE);
        memset(used + x, 1, 2);
    }
}

static void draw_phase_names(chart_ctx *c, const int *labels, const char *used)
{
    for (int a = 0; a < c->plot.w;) {
        int b = a;
        while (b < c->plot.w && labels[b] == labels[a])
            b++;
        int lab = labels[a];
        if (lab == PHASE_INCREASING || lab == PHASE_PEAK || lab == PHASE_DECREASING ||
            lab == PHASE_DIVERGENT) {
            const char *name = nqm_phase_name((nqm_phase)lab);
            int w = (int)strlen(name), x = a + (b - a - w) / 2;
            int x0 = x > 0 ? x - 1 : x, x1 = x + w < c->plot.w ? x + w + 1 : x + w;
            if (b - a >= w + 2 && cells_free(used, x0, x1 - x0, c->plot.w))
                nqm_canvas_text(c->cv, c->plot.x + x, c->band_row, name, phase_color(lab));
        }
        a = b;
    }
}

static int draw_band(chart_ctx *c)
{
    if (c->band_row < 0 || c->t_first < 0)
        return 0;
    int *labels = malloc((size_t)c->plot.w * sizeof *labels);
    char *used = calloc((size_t)c->plot.w, 1);
    if (!labels || !used) {
        free(labels);
        free(used);
        return -1;
    }
    band_labels(c, labels);
    for (int x = 0; x < c->plot.w; x++)
        if (labels[x] >= 0)
            nqm_canvas_put(c->cv, c->plot.x + x, c->band_row, phase_glyph(labels[x]),
                           phase_color(labels[x]));
    draw_boundary_labels(c, used);
    draw_phase_names(c, labels, used);
    free(labels);
    free(used);
    return 0;
}

/* -------------------------------------------------------- step axis */

static long nice_step_count(double x)
{
    if (x <= 1)
        return 1;
    return (long)nice_step(x);
}

static void add_xtick(chart_ctx *c, long t, int x)
{
    nqm_chart_info *info = c->info;
    if (!info || info->nxticks >= NQM_CHART_MAX_TICKS)
        return;
    info->xtick[info->nxticks] = t;
    info->xtick_col[info->nxticks++] = x;
}

static void draw_x_axis(chart_ctx *c, int right_limit)
{
    if (c->t_first < 0)
        return;
    int row = c->frame.y + c->frame.h - 1;
    char buf[32];
    nqm_chart_format_steps(c->t_last, buf, sizeof buf);
    int spacing = (int)strlen(buf) + XTICK_GAP + 2;
    int max_ticks = c->plot.w / spacing;
    long T = c->t_last - c->t_first;
    long step = nice_step_count(max_ticks > 0 ? (double)T / max_ticks : (double)T + 1);
    int next_free = c->plot.x;
    for (long t = (c->t_first + step - 1) / step * step; t <= c->t_last; t += step) {
        int x = c->plot.x + step_dot_column(c, t) / 2;
        int w = nqm_chart_format_steps(t, buf, sizeof buf);
        if (x < next_free || x + w > right_limit)
            continue;
        nqm_canvas_text(c->cv, x, row, buf, NQM_COLOR_AXIS);
        add_xtick(c, t, x);
        next_free = x + w + XTICK_GAP;
    }
}

/* ------------------------------------------------------ legend, notes */

static void draw_legend_sample(chart_ctx *c, int x, int y, const nqm_chart_series *s)
{
    for (int k = 0; k < 3; k++)
        if (style_on(s->style, 2 * k))
            for (int dx = 0; dx < 2; dx++)
                nqm_canvas_dot(c->cv, 2 * (x + k) + dx, 4 * y + 1, s->color);
}

static void draw_legend(chart_ctx *c)
{
    const nqm_chart_spec *s = c->spec;
    nqm_glyphs g = nqm_canvas_glyphs(c->cv);
    int x = title_end(c) + 1, right = c->frame.x + c->frame.w - 1;
    for (int i = 0; i < s->nseries; i++) {
        const nqm_chart_series *se = &s->series[i];
        if (!se->label || !*se->label)
            continue;
        int w = 1 + 3 + 1 + nqm_text_width(se->label, g) + 1;
        if (x + w > right)
            return;
        nqm_canvas_put(c->cv, x, c->frame.y, ' ', NQM_COLOR_AXIS);
        for (int k = 1; k < 4; k++)
            nqm_canvas_put(c->cv, x + k, c->frame.y, ' ', NQM_COLOR_AXIS);
        draw_legend_sample(c, x + 1, c->frame.y, se);
        nqm_canvas_put(c->cv, x + 4, c->frame.y, ' ', NQM_COLOR_AXIS);
        nqm_canvas_text(c->cv, x + 5, c->frame.y, se->label, se->color);
        nqm_canvas_put(c->cv, x + w - 1, c->frame.y, ' ', NQM_COLOR_AXIS);
        x += w;
    }
}

static void draw_note(chart_ctx *c)
{
    const char *note = c->spec->note;
    if (!note || !*note)
        return;
    int w = nqm_text_width(note, nqm_canvas_glyphs(c->cv));
    int x = c->plot.x + (c->plot.w - w) / 2;
    if (x < c->plot.x)
        x = c->plot.x;
    nqm_canvas_text(c->cv, x, c->plot.y + (c->plot.h - 1) / 2, note, NQM_COLOR_WARNING);
}

/* " ≤0 " near the bottom right corner when a log axis met values <= 0.
 * Returns the column step labels must stay left of. */
static int nonpositive_note_left(const chart_ctx *c)
{
    int right = c->frame.x + c->frame.w - 1;
    if (!c->clamped_nonpositive)
        return right;
    static const char note[] = " \xE2\x89\xA4"
                               "0 ";
    int w = nqm_text_width(note, nqm_canvas_glyphs(c->cv));
    return right - w >= c->plot.x ? right - w : right;
}

static void draw_nonpositive_note(chart_ctx *c, int left)
{
    if (left < c->frame.x + c->frame.w - 1)
        nqm_canvas_text(c->cv, left, c->frame.y + c->frame.h - 1,
                        " \xE2\x89\xA4"
                        "0 ",
                        NQM_COLOR_WARNING);
}

/* ------------------------------------------------------------- driver */

static void time_range(chart_ctx *c)
{
    const nqm_chart_spec *s = c->spec;
    c->t_first = c->t_last = -1;
    for (int i = 0; i <= s->nseries; i++) {
        const nqm_history *h = i < s->nseries ? s->series[i].hist : s->phase_hist;
        if (!h || nqm_history_steps(h) == 0)
            continue;
        long a = nqm_history_first_step(h), b = nqm_history_last_step(h);
        if (c->t_first < 0 || a < c->t_first)
            c->t_first = a;
        if (b > c->t_last)
            c->t_last = b;
    }
}

/* Place the plot inside the frame once the y labels' width is known. */
static void place_plot(chart_ctx *c, int inner_h, int label_w)
{
    nqm_rect f = c->frame;
    int inner_w = f.w - 2;
    if (label_w > MAX_YLABEL || label_w + 1 > inner_w / 3)
        label_w = 0;
    c->plot.x = f.x + 1 + label_w + 1;
    c->plot.w = inner_w - label_w - 1;
    c->plot.y = f.y + 1;
    c->plot.h = c->band_row >= 0 ? inner_h - 1 : inner_h;
    c->ndots = 2 * c->plot.w;
}

static void compute_y_axis(chart_ctx *c, ticks *t)
{
    double lo, hi;
    data_range(c, &lo, &hi);
    if (c->log_y)
        log_range(c, lo, hi);
    else
        linear_range(c, lo, hi);
    if (c->log_y)
        log_ticks(c, t);
    else
        linear_ticks(c, t);
}

static void fill_info(const chart_ctx *c, const ticks *t)
{
    nqm_chart_info *info = c->info;
    if (!info)
        return;
    info->plot = c->plot;
    info->band_row = c->band_row;
    info->log_y = c->log_y;
    info->y_lo = c->log_y ? pow(10, c->lo) : c->lo;
    info->y_hi = c->log_y ? pow(10, c->hi) : c->hi;
    info->t_first = c->t_first;
    info->t_last = c->t_last;
    info->nyticks = t->n;
    for (int i = 0; i < t->n; i++) {
        info->ytick[i] = t->value[i];
        info->ytick_row[i] = t->row[i];
    }
    info->clamped |= c->clamped_nonpositive;
}

static int draw_inside(chart_ctx *c)
{
    int inner_h = c->frame.h - 2;
    c->band_row = c->spec->phase_hist && inner_h >= 4 ? c->frame.y + inner_h : -1;
    /* First pass with the widest labels to find the ticks' rows, which
     * depend only on the plot's height; then the real label width. */
    ticks t;
    place_plot(c, inner_h, 0);
    if (c->plot.w < 2 || c->plot.h < 1) {
        c->plot.w = 0;
        return 0;
    }
    compute_y_axis(c, &t);
    place_plot(c, inner_h, t.width);
    if (c->plot.w < 2) {
        c->plot.w = 0;
        return 0;
    }
    draw_y_axis(c, &t, c->plot.x - c->frame.x - 2);
    draw_threshold_lines(c);
    if (c->t_first >= 0 && draw_all_series(c) != 0)
        return -1;
    draw_threshold_labels(c);
    if (draw_band(c) != 0)
        return -1;
    int right = nonpositive_note_left(c);
    draw_x_axis(c, right);
    draw_nonpositive_note(c, right);
    draw_legend(c);
    draw_note(c);
    fill_info(c, &t);
    return 0;
}

int nqm_chart_draw(nqm_canvas *cv, nqm_rect r, const nqm_chart_spec *spec, nqm_chart_info *info)
{
    chart_ctx c;
    memset(&c, 0, sizeof c);
    c.cv = cv;
    c.spec = spec;
    c.ascii = nqm_canvas_glyphs(cv) == NQM_GLYPHS_ASCII;
    c.log_y = spec->log_y;
    c.info = info;
    c.band_row = -1;
    if (info) {
        memset(info, 0, sizeof *info);
        info->band_row = -1;
        info->t_first = info->t_last = -1;
    }
    nqm_rect canvas_r = {0, 0, nqm_canvas_width(cv), nqm_canvas_height(cv)};
    nqm_rect saved = nqm_canvas_clip_rect(cv);
    c.frame = nqm_rect_intersect(r, canvas_r);
    if (c.frame.w < 2 || c.frame.h < 2)
        return 0;
    nqm_canvas_clip(cv, nqm_rect_intersect(c.frame, saved));
    time_range(&c);
    draw_frame(&c);
    int rc = c.frame.h >= 3 ? draw_inside(&c) : 0;
    nqm_canvas_clip(cv, saved);
    return rc;
}
