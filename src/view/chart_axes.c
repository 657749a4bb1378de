/* chart_axes.c: a chart's axes (see chart_draw.h): the y range from the
 * data (padded when linear; powers of ten, at most log_decades of them,
 * when logarithmic), its ticks and their labels, the y axis column, and
 * the step axis's labels in the bottom frame row. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_draw.h"
#include "nqmtop/base/cnum.h"

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

/* Range of the series over the time axis, in values; on a log axis the
 * positive values only. */
static void series_range(const chart_ctx *c, double *lo, double *hi)
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
}

/* Distance of a threshold from [lo, hi] in axis units (0 inside). */
static double distance_from(const chart_ctx *c, double v, double lo, double hi)
{
    double a = axis_value(c, v), alo = axis_value(c, lo), ahi = axis_value(c, hi);
    return a < alo ? alo - a : a > ahi ? a - ahi : 0;
}

/* The thresholds the range must hold: every ALWAYS one, and of the
 * NEAREST ones those inside the data's range or, when none is, the one
 * nearest to it (all of them when there is no data). */
static void fit_thresholds(const chart_ctx *c, double *lo, double *hi)
{
    const nqm_chart_spec *s = c->spec;
    double data_lo = *lo, data_hi = *hi, nearest = NAN, best = INFINITY;
    int inside = 0;
    for (int i = 0; i < s->nthresholds; i++) {
        const nqm_chart_threshold *t = &s->threshold[i];
        if (!isfinite(t->value) || (c->log_y && !(t->value > 0)))
            continue;
        if (t->fit == NQM_FIT_ALWAYS || (t->fit == NQM_FIT_NEAREST && isnan(data_lo)))
            widen(lo, hi, t->value);
        if (t->fit != NQM_FIT_NEAREST || isnan(data_lo))
            continue;
        double dist = distance_from(c, t->value, data_lo, data_hi);
        inside |= dist == 0;
        if (dist < best) {
            best = dist;
            nearest = t->value;
        }
    }
    if (!inside)
        widen(lo, hi, nearest);
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

void nqm_chart_y_axis(chart_ctx *c, ticks *t)
{
    double lo, hi;
    series_range(c, &lo, &hi);
    double data_lo = lo;
    fit_thresholds(c, &lo, &hi);
    c->cut_below = NAN;
    if (c->log_y) {
        log_range(c, lo, hi);
        if (data_lo > 0 && log10(data_lo) < c->lo) /* cut short by log_decades */
            c->cut_below = data_lo;
    } else {
        linear_range(c, lo, hi);
    }
    if (c->log_y)
        log_ticks(c, t);
    else
        linear_ticks(c, t);
}

/* ------------------------------------------------------------ y axis */

void nqm_chart_draw_y_axis(chart_ctx *c, const ticks *t, int label_w)
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

/* -------------------------------------------------------- step axis */

/* Spans [x0, x1) of the bottom frame row already written. */
typedef struct {
    int n;
    int x0[NQM_CHART_MAX_TICKS + 4], x1[NQM_CHART_MAX_TICKS + 4];
} spans;

/* Whether [x0, x1) keeps `gap` cells from every span taken. */
static int spans_free(const spans *sp, int x0, int x1, int gap)
{
    for (int i = 0; i < sp->n; i++)
        if (x0 < sp->x1[i] + gap && sp->x0[i] < x1 + gap)
            return 0;
    return 1;
}

static void spans_take(spans *sp, int x0, int x1)
{
    if (sp->n >= NQM_CHART_MAX_TICKS + 4)
        return;
    sp->x0[sp->n] = x0;
    sp->x1[sp->n++] = x1;
}

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

/* Cells a boundary label may move right of its step, when the previous
 * boundary's label is in the way. */
#define BOUNDARY_SHIFT 4

/* T1..T4 at their steps' columns, each moved right past the one before
 * when they crowd; one left out when it cannot come within
 * BOUNDARY_SHIFT cells. */
static void draw_boundaries(chart_ctx *c, spans *sp, int row, int right_limit)
{
    for (int k = 0; k < 4; k++) {
        long t = c->spec->boundary[k];
        if (t < c->t_first || t > c->t_last)
            continue;
        int want = c->plot.x + step_dot_column(c, t) / 2;
        for (int x = want; x <= want + BOUNDARY_SHIFT && x + 2 <= right_limit; x++) {
            if (!spans_free(sp, x, x + 2, 0))
                continue;
            char text[3] = {'T', (char)('1' + k), 0};
            nqm_canvas_text(c->cv, x, row, text, NQM_COLOR_TITLE);
            spans_take(sp, x, x + 2);
            if (c->info)
                c->info->boundary_col[k] = x;
            break;
        }
    }
}

/* A step label at column x unless it would touch a label already there. */
static void draw_step_label(chart_ctx *c, spans *sp, long t, int row, int right_limit)
{
    char buf[32];
    int x = c->plot.x + step_dot_column(c, t) / 2;
    int w = nqm_chart_format_steps(t, buf, sizeof buf);
    if (x < c->plot.x || x + w > right_limit || !spans_free(sp, x, x + w, XTICK_GAP))
        return;
    nqm_canvas_text(c->cv, x, row, buf, NQM_COLOR_AXIS);
    spans_take(sp, x, x + w);
    add_xtick(c, t, x);
}

/* Linear time: multiples of a 1-2-5 step count, spaced for the widest. */
static void linear_step_labels(chart_ctx *c, spans *sp, int row, int right_limit)
{
    char buf[32];
    nqm_chart_format_steps(c->t_last, buf, sizeof buf);
    int spacing = (int)strlen(buf) + XTICK_GAP + 2;
    int max_ticks = c->plot.w / spacing;
    long T = c->t_last - c->t_first;
    long step = nice_step_count(max_ticks > 0 ? (double)T / max_ticks : (double)T + 1);
    for (long t = (c->t_first + step - 1) / step * step; t <= c->t_last; t += step)
        draw_step_label(c, sp, t, row, right_limit);
}

/* The ticks recorded in info, left to right (insertion sort: a few). */
static void sort_xticks(nqm_chart_info *info)
{
    for (int i = 1; info && i < info->nxticks; i++)
        for (int j = i; j > 0 && info->xtick_col[j - 1] > info->xtick_col[j]; j--) {
            long t = info->xtick[j];
            int x = info->xtick_col[j];
            info->xtick[j] = info->xtick[j - 1];
            info->xtick_col[j] = info->xtick_col[j - 1];
            info->xtick[j - 1] = t;
            info->xtick_col[j - 1] = x;
        }
}

/* Log time: the first step and the powers of ten, then 2 and 5 times
 * them where room is left. */
static void log_step_labels(chart_ctx *c, spans *sp, int row, int right_limit)
{
    static const int mult[] = {1, 2, 5};
    draw_step_label(c, sp, c->t_first, row, right_limit);
    for (size_t m = 0; m < sizeof mult / sizeof mult[0]; m++)
        for (double p = 1; p * mult[m] <= (double)c->t_last; p *= 10)
            if (p * mult[m] > (double)c->t_first)
                draw_step_label(c, sp, (long)(p * mult[m]), row, right_limit);
    sort_xticks(c->info);
}

void nqm_chart_draw_x_axis(chart_ctx *c, int right_limit)
{
    if (c->t_first < 0)
        return;
    int row = c->frame.y + c->frame.h - 1;
    spans sp = {0};
    draw_boundaries(c, &sp, row, right_limit);
    if (c->log_time)
        log_step_labels(c, &sp, row, right_limit);
    else
        linear_step_labels(c, &sp, row, right_limit);
}
