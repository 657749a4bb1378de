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

void nqm_chart_draw_x_axis(chart_ctx *c, int right_limit)
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
