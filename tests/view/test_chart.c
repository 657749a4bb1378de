/* test_chart.c: properties of a drawn chart that hold whatever the exact
 * picture: it stays inside its rectangle, a one-step spike reaches the top
 * of a compressed axis, log ticks are powers of ten and linear ticks even
 * 1-2-5 steps whose labels read back as their values, thresholds sit on
 * their rows, NaN leaves gaps, infinities are marked, ASCII stays ASCII;
 * series with marks carry them on their own rows, staggered, and a legend
 * too long for the frame lists every series in its compact form. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/view/chart.h"
#include "nqmtop/train/phase.h"
#include "vcheck.h"

#define SENTINEL '@'

static nqm_history *history_of(long steps, long capacity, double (*f)(long, long), long param)
{
    nqm_series_kind kinds[2] = {NQM_SERIES_VALUE, NQM_SERIES_LABEL};
    nqm_history *h = nqm_history_new(2, kinds, capacity);
    for (long t = 0; h && t < steps; t++) {
        double v[2] = {f(t, param), t < steps / 3   ? PHASE_INCREASING
                                    : t < steps / 2 ? PHASE_PEAK
                                                    : PHASE_DECREASING};
        nqm_history_push(h, t, v);
    }
    return h;
}

static double wave(long t, long param) { return sin(0.05 * (double)t) * (double)param; }
static double spike(long t, long at) { return t == at ? 1000.0 : 1.0 + 0.01 * sin((double)t); }
static double dip(long t, long at) { return t == at ? -1000.0 : 1.0 + 0.01 * sin((double)t); }
static double decay(long t, long scale) { return pow(10.0, (double)scale - 0.1 * (double)t); }
static double constant(long t, long value) { return (double)value + 0 * (double)t; }
static double with_gap(long t, long n)
{
    return t >= n * 2 / 5 && t < n * 3 / 5 ? NAN : cos(0.1 * (double)t);
}
static double diverging(long t, long n) { return t == n - 1 ? INFINITY : exp(0.2 * (double)t); }
static double touching_zero(long t, long n) { return t % 10 == 0 ? 0.0 : 1.0 + (double)(t % n); }

static int cell_has_dots(const nqm_canvas *cv, int x, int y)
{
    const nqm_cell *c = nqm_canvas_cell(cv, x, y);
    return c && c->dots;
}

static void row_text(const nqm_canvas *cv, int y, char *buf, size_t len)
{
    nqm_canvas_row_text(cv, y, buf, len);
}

/* The text of cells [x, x + n) of row y (ASCII only: chars < 0x80). */
static void cells_text(const nqm_canvas *cv, int x, int y, int n, char *out)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        const nqm_cell *c = nqm_canvas_cell(cv, x + i, y);
        out[k++] = c && c->ch < 0x80 ? (char)c->ch : '#';
    }
    out[k] = '\0';
}

/* -------------------------------------------------------------------- */

/* Every cell outside r keeps the sentinel, for many sizes and specs. */
static void test_stays_inside(void)
{
    nqm_history *h = history_of(500, 64, wave, 3);
    nqm_history *g = history_of(200, 64, diverging, 200);
    nqm_history *empty = history_of(0, 64, wave, 1);
    nqm_canvas *cv = nqm_canvas_new(50, 22, NQM_GLYPHS_UNICODE);
    long checked = 0;
    for (int variant = 0; variant < 6; variant++) {
        nqm_chart_spec s;
        nqm_chart_spec_init(&s, "a rather long title λ1(t) that will not fit");
        s.log_y = variant % 2;
        nqm_chart_add_series(&s, variant < 4 ? h : empty, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID,
                             "f");
        nqm_chart_add_series(&s, g, 0, NQM_COLOR_SERIES2, NQM_LINE_DASHED, "f_quad");
        nqm_chart_add_threshold(&s, 2, "2/η", NQM_COLOR_THRESHOLD2, 1);
        nqm_chart_add_threshold(&s, 1e9, "4/η", NQM_COLOR_THRESHOLD4, 0);
        s.phase_hist = variant < 2 ? NULL : h;
        s.phase_series = 1;
        s.boundary[0] = 100;
        s.boundary[2] = 260;
        s.note = variant == 5 ? "a note wider than any small chart" : NULL;
        nqm_canvas_set_glyphs(cv, variant % 3 ? NQM_GLYPHS_UNICODE : NQM_GLYPHS_ASCII);
        for (int w = 0; w <= 34; w++)
            for (int hh = 0; hh <= 14; hh++)
                for (int pos = 0; pos < 3; pos++) {
                    nqm_rect r = {pos == 0   ? 3
                                  : pos == 1 ? -4
                                             : 50 - w + 5,
                                  pos == 1 ? -2 : 4, w, hh};
                    nqm_canvas_clear(cv);
                    nqm_canvas_fill(cv, (nqm_rect){0, 0, 50, 22}, SENTINEL, NQM_COLOR_WARNING);
                    nqm_rect clip = {1, 1, 48, 20};
                    nqm_canvas_clip(cv, clip);
                    VCHECK(nqm_chart_draw(cv, r, &s, NULL) == 0, "draw");
                    nqm_rect after = nqm_canvas_clip_rect(cv);
                    VCHECK(after.x == 1 && after.y == 1 && after.w == 48 && after.h == 20,
                           "clip not restored");
                    for (int y = 0; y < 22; y++)
                        for (int x = 0; x < 50; x++) {
                            int in = x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h &&
                                     x >= 1 && x < 49 && y >= 1 && y < 21;
                            const nqm_cell *c = nqm_canvas_cell(cv, x, y);
                            if (!in && (c->ch != SENTINEL || c->color != NQM_COLOR_WARNING)) {
                                VCHECK(0, "variant %d rect (%d,%d %dx%d): cell (%d,%d) written",
                                       variant, r.x, r.y, r.w, r.h, x, y);
                                x = 50, y = 22;
                            }
                        }
                    checked++;
                }
    }
    VCHECK(checked == 6L * 35 * 15 * 3, "%ld rectangles", checked);
    nqm_canvas_free(cv);
    nqm_history_free(h);
    nqm_history_free(g);
    nqm_history_free(empty);
}

/* A one-step spike among 300001 steps reaches the top (a dip the bottom)
 * of the plot in the column of its step, on linear and log axes. */
static void test_spike_visible(void)
{
    const long steps = 300001, spots[] = {0, 1, 12345, 150000, 299999, 300000};
    nqm_canvas *cv = nqm_canvas_new(70, 14, NQM_GLYPHS_UNICODE);
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++)
        for (int kind = 0; kind < 3; kind++) {
            long at = spots[i];
            nqm_history *h = history_of(steps, 4096, kind == 2 ? dip : spike, at);
            nqm_chart_spec s;
            nqm_chart_spec_init(&s, "spike");
            s.log_y = kind == 1;
            nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
            nqm_chart_info info;
            nqm_canvas_clear(cv);
            nqm_chart_draw(cv, (nqm_rect){0, 0, 70, 14}, &s, &info);
            /* The cell column of the spike's step, by proportion. */
            double frac = (double)at / (double)(steps - 1);
            int want = info.plot.x + (int)(frac * (info.plot.w - 0.5));
            int edge = kind == 2 ? info.plot.y + info.plot.h - 1 : info.plot.y;
            int hits = 0, near = 0;
            for (int x = info.plot.x; x < info.plot.x + info.plot.w; x++)
                if (cell_has_dots(cv, x, edge)) {
                    hits++;
                    near += abs(x - want) <= 1;
                }
            VCHECK(near >= 1 && hits <= 3,
                   "kind %d spike at %ld: %d cells at the edge, %d near column %d", kind, at, hits,
                   near, want);
            VCHECK(info.t_first == 0 && info.t_last == steps - 1, "time axis [%ld, %ld]",
                   info.t_first, info.t_last);
            nqm_history_free(h);
        }
    nqm_canvas_free(cv);
}

/* Parse a y tick label from the canvas: the characters left of the axis. */
static double label_value(const nqm_canvas *cv, const nqm_chart_info *info, int i)
{
    char text[32];
    int x0 = info->plot.x - 1 - 8;
    if (x0 < 0)
        x0 = 0;
    cells_text(cv, x0, info->ytick_row[i], info->plot.x - 1 - x0, text);
    char *p = text;
    while (*p == ' ' || *p == '#')
        p++;
    return strtod(p, NULL);
}

static void check_tick_rows(const nqm_chart_info *info, const char *what)
{
    for (int i = 0; i < info->nyticks; i++) {
        double lo = info->log_y ? log10(info->y_lo) : info->y_lo;
        double hi = info->log_y ? log10(info->y_hi) : info->y_hi;
        double v = info->log_y ? log10(info->ytick[i]) : info->ytick[i];
        double pos = (hi - v) / (hi - lo) * info->plot.h; /* rows from the top */
        int row = info->ytick_row[i] - info->plot.y;
        VCHECK(v >= lo - 1e-9 && v <= hi + 1e-9, "%s: tick %g outside [%g, %g]", what,
               info->ytick[i], info->y_lo, info->y_hi);
        VCHECK(row >= 0 && row < info->plot.h && pos >= row - 1 && pos <= row + 2,
               "%s: tick %g on row %d, position %g", what, info->ytick[i], row, pos);
        VCHECK(i == 0 || (info->ytick[i] > info->ytick[i - 1] &&
                          info->ytick_row[i] < info->ytick_row[i - 1]),
               "%s: ticks %d, %d out of order or crowded", what, i - 1, i);
    }
}

/* A log axis cut short says so: cut_below is the data's smallest value,
 * the bottom frame row writes it after an arrow, and the plot's bottom
 * row shows arrows where the curve went below; an axis that holds the
 * data says nothing. */
static void check_cut(const nqm_canvas *cv, const nqm_chart_info *info, double bottom,
                      const char *what)
{
    char frame[512], row[512];
    nqm_canvas_row_text(cv, info->plot.y + info->plot.h + (info->band_row >= 0), frame,
                        sizeof frame);
    nqm_canvas_row_text(cv, info->plot.y + info->plot.h - 1, row, sizeof row);
    VCHECK(!info->clamped, "%s: positive data flagged <= 0", what);
    if (bottom >= info->y_lo * (1 - 1e-12)) {
        VCHECK(isnan(info->cut_below) && !strstr(frame, "↓") && !strstr(row, "↓"),
               "%s: axis holds the data but notes a cut (%g)", what, info->cut_below);
        return;
    }
    char note[64];
    snprintf(note, sizeof note, "↓%.2g", bottom);
    nqm_compact_exponent(note);
    VCHECK(fabs(info->cut_below / bottom - 1) < 1e-12, "%s: cut_below %g, data down to %g", what,
           info->cut_below, bottom);
    VCHECK(strstr(frame, note) != NULL, "%s: bottom frame \"%s\" lacks \"%s\"", what, frame, note);
    VCHECK(strstr(row, "↓") != NULL, "%s: no arrow on the bottom row \"%s\"", what, row);
}

static void test_log_ticks(void)
{
    nqm_canvas *cv = nqm_canvas_new(60, 40, NQM_GLYPHS_UNICODE);
    for (long scale = -8; scale <= 12; scale += 5)
        for (long steps = 2; steps <= 400; steps = steps * 3 + 1)
            for (int height = 6; height <= 40; height += 17) {
                nqm_history *h = history_of(steps, 128, decay, scale);
                nqm_chart_spec s;
                nqm_chart_spec_init(&s, "loss (log)");
                s.log_y = 1;
                nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
                nqm_chart_info info;
                nqm_canvas_clear(cv);
                nqm_chart_draw(cv, (nqm_rect){0, 0, 60, height}, &s, &info);
                char what[128];
                snprintf(what, sizeof what, "log scale %ld steps %ld height %d", scale, steps,
                         height);
                VCHECK(info.nyticks >= 2, "%s: %d ticks", what, info.nyticks);
                /* The axis spans the data, or 20 decades below its top. */
                double top = pow(10.0, (double)scale), bottom = decay(steps - 1, scale);
                double floor = fmax(bottom, info.y_hi * 1e-20);
                VCHECK(info.y_lo <= floor * (1 + 1e-12) && info.y_hi >= top * (1 - 1e-12) &&
                           info.y_hi <= top * 10 * (1 + 1e-12),
                       "%s: range [%g, %g] for data [%g, %g]", what, info.y_lo, info.y_hi, bottom,
                       top);
                check_cut(cv, &info, bottom, what);
                for (int i = 0; i < info.nyticks; i++) {
                    double e = log10(info.ytick[i]);
                    VCHECK(fabs(e - round(e)) < 1e-12, "%s: tick %g is no power of ten", what,
                           info.ytick[i]);
                    double parsed = label_value(cv, &info, i);
                    VCHECK(fabs(parsed / info.ytick[i] - 1) < 1e-12, "%s: label %g for tick %g",
                           what, parsed, info.ytick[i]);
                }
                check_tick_rows(&info, what);
                nqm_history_free(h);
            }
    nqm_canvas_free(cv);
}

static int is_125_step(double step)
{
    double m = step / pow(10, floor(log10(step)));
    return fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9 || fabs(m - 10) < 1e-9;
}

static void test_linear_ticks(void)
{
    nqm_canvas *cv = nqm_canvas_new(60, 40, NQM_GLYPHS_UNICODE);
    static const long amplitudes[] = {0, 1, 3, 70, 123456, 99999999};
    for (size_t a = 0; a < sizeof amplitudes / sizeof amplitudes[0]; a++)
        for (int height = 6; height <= 40; height += 11) {
            long amp = amplitudes[a];
            nqm_history *h = history_of(300, 128, amp ? wave : constant, amp ? amp : 7);
            nqm_chart_spec s;
            nqm_chart_spec_init(&s, "g(t)");
            nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
            nqm_chart_info info;
            nqm_canvas_clear(cv);
            nqm_chart_draw(cv, (nqm_rect){0, 0, 60, height}, &s, &info);
            char what[128];
            snprintf(what, sizeof what, "amplitude %ld height %d", amp, height);
            nqm_envelope e;
            nqm_history_envelope(h, 0, 0, 299, &e);
            VCHECK(info.y_lo <= e.min && info.y_hi >= e.max, "%s: range [%g, %g] misses [%g, %g]",
                   what, info.y_lo, info.y_hi, e.min, e.max);
            VCHECK(info.nyticks >= 2, "%s: %d ticks", what, info.nyticks);
            double step = info.nyticks >= 2 ? info.ytick[1] - info.ytick[0] : 1;
            VCHECK(is_125_step(step), "%s: step %g", what, step);
            for (int i = 0; i < info.nyticks; i++) {
                VCHECK(i == 0 || fabs(info.ytick[i] - info.ytick[i - 1] - step) < 1e-9 * step,
                       "%s: uneven ticks", what);
                VCHECK(fabs(remainder(info.ytick[i], step)) < 1e-9 * step,
                       "%s: tick %g off the grid", what, info.ytick[i]);
                double parsed = label_value(cv, &info, i);
                VCHECK(fabs(parsed - info.ytick[i]) <= 1e-6 * step, "%s: label %g for tick %g",
                       what, parsed, info.ytick[i]);
            }
            check_tick_rows(&info, what);
            nqm_history_free(h);
        }
    nqm_canvas_free(cv);
}

/* Step labels on the bottom frame read back as their steps. */
static void test_step_ticks(void)
{
    nqm_canvas *cv = nqm_canvas_new(90, 10, NQM_GLYPHS_UNICODE);
    static const long lengths[] = {1, 2, 7, 101, 4567, 1000001};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        nqm_history *h = history_of(lengths[k], 512, wave, 1);
        nqm_chart_spec s;
        nqm_chart_spec_init(&s, "t");
        nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
        nqm_chart_info info;
        nqm_canvas_clear(cv);
        nqm_chart_draw(cv, (nqm_rect){0, 0, 90, 10}, &s, &info);
        VCHECK(info.nxticks >= (lengths[k] > 1 ? 2 : 1), "%ld steps: %d step ticks", lengths[k],
               info.nxticks);
        for (int i = 0; i < info.nxticks; i++) {
            char text[16];
            cells_text(cv, info.xtick_col[i], 9, 8, text);
            char *end;
            double v = strtod(text, &end);
            v *= *end == 'k' ? 1e3 : *end == 'M' ? 1e6 : 1;
            VCHECK(fabs(v - (double)info.xtick[i]) < 1e-9 * (1 + v),
                   "%ld steps: label \"%s\" for step %ld", lengths[k], text, info.xtick[i]);
            double frac = lengths[k] > 1 ? (double)info.xtick[i] / (double)(lengths[k] - 1) : 0;
            double want = info.plot.x + frac * info.plot.w;
            VCHECK(fabs(info.xtick_col[i] - want) <= 1.5,
                   "%ld steps: step %ld at column %d, want ~%g", lengths[k], info.xtick[i],
                   info.xtick_col[i], want);
            VCHECK(i == 0 || info.xtick_col[i] > info.xtick_col[i - 1] + 1, "crowded step labels");
        }
        nqm_history_free(h);
    }
    nqm_canvas_free(cv);
}

/* Threshold labels sit at the right end of the row of their value. */
static void test_thresholds(void)
{
    nqm_history *h = history_of(100, 128, constant, 1);
    for (int ascii = 0; ascii < 2; ascii++) {
        nqm_canvas *cv = nqm_canvas_new(50, 18, ascii ? NQM_GLYPHS_ASCII : NQM_GLYPHS_UNICODE);
        nqm_chart_spec s;
        nqm_chart_spec_init(&s, "λ1(t)");
        nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
        nqm_chart_add_threshold(&s, 0.5, "2/η", NQM_COLOR_THRESHOLD2, 1);
        nqm_chart_add_threshold(&s, 1.7, "4/η", NQM_COLOR_THRESHOLD4, 1);
        nqm_chart_info info;
        nqm_chart_draw(cv, (nqm_rect){0, 0, 50, 18}, &s, &info);
        const double values[2] = {0.5, 1.7};
        const char *labels[2] = {ascii ? "2/eta" : "2/η", ascii ? "4/eta" : "4/η"};
        for (int k = 0; k < 2; k++) {
            double pos = (info.y_hi - values[k]) / (info.y_hi - info.y_lo) * info.plot.h;
            int found = -1;
            for (int y = info.plot.y; y < info.plot.y + info.plot.h; y++) {
                char row[512];
                row_text(cv, y, row, sizeof row);
                const char *p = strstr(row, labels[k]);
                if (p && !strcmp(p + strlen(labels[k]), ascii ? "|" : "│"))
                    found = y - info.plot.y;
            }
            VCHECK(found >= 0 && pos >= found - 1 && pos <= found + 2,
                   "ascii %d: label %s on plot row %d, value at %g", ascii, labels[k], found, pos);
            const nqm_cell *c =
                nqm_canvas_cell(cv, info.plot.x, info.plot.y + (found >= 0 ? found : 0));
            VCHECK(c->color == (k ? NQM_COLOR_THRESHOLD4 : NQM_COLOR_THRESHOLD2), "line colour %d",
                   c->color);
        }
        VCHECK(info.y_lo <= 0.5 && info.y_hi >= 1.7, "fitted thresholds: [%g, %g]", info.y_lo,
               info.y_hi);
        nqm_canvas_free(cv);
    }
    nqm_history_free(h);
}

/* NaN steps leave empty columns; +inf is marked at the top edge. */
static void test_gaps_and_overflow(void)
{
    const long n = 100;
    nqm_history *gap = history_of(n, 256, with_gap, n);
    nqm_history *inf = history_of(30, 256, diverging, 30);
    for (int ascii = 0; ascii < 2; ascii++) {
        nqm_canvas *cv = nqm_canvas_new(120, 12, ascii ? NQM_GLYPHS_ASCII : NQM_GLYPHS_UNICODE);
        nqm_chart_spec s;
        nqm_chart_spec_init(&s, "g(t)");
        nqm_chart_add_series(&s, gap, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
        nqm_chart_info info;
        nqm_chart_draw(cv, (nqm_rect){0, 0, 120, 12}, &s, &info);
        for (int x = info.plot.x; x < info.plot.x + info.plot.w; x++) {
            double step = (double)(x - info.plot.x + 0.5) / info.plot.w * (double)(n - 1);
            int dots = 0;
            for (int y = info.plot.y; y < info.plot.y + info.plot.h; y++)
                dots += cell_has_dots(cv, x, y);
            if (step > 40 + 1.5 && step < 60 - 1.5)
                VCHECK(dots == 0, "ascii %d: column %d (step ~%.1f, NaN) has dots", ascii, x, step);
            if (step < 40 - 1.5 || step > 60 + 1.5)
                VCHECK(dots > 0, "ascii %d: column %d (step ~%.1f) is empty", ascii, x, step);
        }
        nqm_canvas_clear(cv);
        nqm_chart_spec_init(&s, "loss (log)");
        s.log_y = 1;
        nqm_chart_add_series(&s, inf, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
        nqm_chart_draw(cv, (nqm_rect){0, 0, 120, 12}, &s, &info);
        const nqm_cell *last = nqm_canvas_cell(cv, info.plot.x + info.plot.w - 1, info.plot.y);
        VCHECK(info.overflow && last->ch == (ascii ? '^' : 0x221E),
               "ascii %d: overflow marker U+%04X", ascii, last->ch);
        VCHECK(info.y_hi >= exp(0.2 * 28) && info.y_hi < 1e20, "finite range [%g, %g]", info.y_lo,
               info.y_hi);
        nqm_canvas_free(cv);
    }
    nqm_history_free(gap);
    nqm_history_free(inf);
}

/* With a fixed range, columns wholly above it get an arrow at the top
 * edge and no dots; those inside are drawn. */
static void test_fixed_range(void)
{
    nqm_history *h = history_of(100, 256, constant, 0);
    nqm_history *w = history_of(100, 256, wave, 10);
    for (int ascii = 0; ascii < 2; ascii++) {
        nqm_canvas *cv = nqm_canvas_new(120, 12, ascii ? NQM_GLYPHS_ASCII : NQM_GLYPHS_UNICODE);
        nqm_chart_spec s;
        nqm_chart_spec_init(&s, "g(t)");
        s.y_min = -1;
        s.y_max = 1;
        nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
        nqm_chart_add_series(&s, w, 0, NQM_COLOR_SERIES2, NQM_LINE_SOLID, NULL);
        nqm_chart_info info;
        nqm_chart_draw(cv, (nqm_rect){0, 0, 120, 12}, &s, &info);
        VCHECK(info.y_lo == -1 && info.y_hi == 1 && info.overflow, "range [%g, %g], overflow %d",
               info.y_lo, info.y_hi, info.overflow);
        int arrows = 0, wrong = 0;
        for (int x = info.plot.x; x < info.plot.x + info.plot.w; x++) {
            double t = (x - info.plot.x + 0.5) / info.plot.w * 99;
            double v = 10 * sin(0.05 * t); /* the wave near this column */
            const nqm_cell *top = nqm_canvas_cell(cv, x, info.plot.y);
            int arrow = top->ch == (ascii ? '^' : 0x2191u) && top->color == NQM_COLOR_SERIES2;
            arrows += arrow;
            if (v > 1.5 && !arrow)
                wrong++;
            if (v < 0.5 && arrow)
                wrong++;
        }
        VCHECK(arrows > 10 && wrong == 0, "ascii %d: %d arrows, %d misplaced", ascii, arrows,
               wrong);
        nqm_canvas_free(cv);
    }
    nqm_history_free(h);
    nqm_history_free(w);
}

/* Zeros on a log axis are drawn on the floor and flagged. */
static void test_log_nonpositive(void)
{
    nqm_history *h = history_of(100, 256, touching_zero, 7);
    nqm_canvas *cv = nqm_canvas_new(120, 12, NQM_GLYPHS_UNICODE);
    nqm_chart_spec s;
    nqm_chart_spec_init(&s, "loss (log)");
    s.log_y = 1;
    nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
    nqm_chart_info info;
    nqm_chart_draw(cv, (nqm_rect){0, 0, 120, 12}, &s, &info);
    VCHECK(info.clamped, "zeros not flagged");
    VCHECK(info.y_lo <= 1 && info.y_lo > 0 && info.y_hi >= 7, "range [%g, %g]", info.y_lo,
           info.y_hi);
    int floor_row = info.plot.y + info.plot.h - 1;
    for (long t = 0; t < 100; t += 10) {
        int x = info.plot.x + (int)((double)t / 99 * (info.plot.w - 0.5));
        int hit = 0;
        for (int dx = -1; dx <= 1; dx++)
            hit |= cell_has_dots(cv, x + dx, floor_row);
        VCHECK(hit, "zero at step %ld not on the floor near column %d", t, x);
    }
    char row[1024];
    row_text(cv, 11, row, sizeof row);
    VCHECK(strstr(row, "≤0") != NULL, "no ≤0 note in \"%s\"", row);
    nqm_canvas_free(cv);
    nqm_history_free(h);
}

/* The band's colour in each column follows the phase of its steps; a
 * one-step peak survives compression. */
static void test_phase_band(void)
{
    nqm_series_kind kinds[2] = {NQM_SERIES_VALUE, NQM_SERIES_LABEL};
    nqm_history *h = nqm_history_new(2, kinds, 256);
    const long n = 100000, peak = 31234;
    for (long t = 0; t < n; t++) {
        double v[2] = {1, t < peak ? PHASE_INCREASING : t == peak ? PHASE_PEAK : PHASE_DECREASING};
        nqm_history_push(h, t, v);
    }
    nqm_canvas *cv = nqm_canvas_new(80, 10, NQM_GLYPHS_UNICODE);
    nqm_chart_spec s;
    nqm_chart_spec_init(&s, "loss");
    nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
    s.phase_hist = h;
    s.phase_series = 1;
    nqm_chart_info info;
    nqm_chart_draw(cv, (nqm_rect){0, 0, 80, 10}, &s, &info);
    VCHECK(info.band_row == 8 && info.plot.y + info.plot.h == 8, "band row %d", info.band_row);
    int peaks = 0, peak_x = -1;
    for (int x = info.plot.x; x < info.plot.x + info.plot.w; x++) {
        const nqm_cell *c = nqm_canvas_cell(cv, x, info.band_row);
        double frac = (x - info.plot.x + 0.5) / info.plot.w;
        if (c->color == NQM_COLOR_PHASE_PEAK) {
            peaks++;
            peak_x = x;
        } else if (frac < (double)peak / n - 0.02)
            VCHECK(c->color == NQM_COLOR_PHASE_INCREASING, "column %d colour %d", x, c->color);
        else if (frac > (double)peak / n + 0.02)
            VCHECK(c->color == NQM_COLOR_PHASE_DECREASING, "column %d colour %d", x, c->color);
    }
    int want = info.plot.x + (int)((double)peak / (n - 1) * (info.plot.w - 0.5));
    VCHECK(peaks >= 1 && peaks <= 2 && abs(peak_x - want) <= 1, "peak marks %d at %d, want %d",
           peaks, peak_x, want);
    nqm_canvas_free(cv);
    nqm_history_free(h);
}

/* Compare mode: three histories of different lengths, each in its colour,
 * with a legend naming all three. */
static void test_compare(void)
{
    nqm_history *hs[3] = {history_of(300, 64, wave, 1), history_of(200, 64, wave, 2),
                          history_of(100, 64, wave, 3)};
    static const char *names[3] = {"f", "f_quad", "f_lin"};
    for (int ascii = 0; ascii < 2; ascii++) {
        nqm_canvas *cv = nqm_canvas_new(70, 16, ascii ? NQM_GLYPHS_ASCII : NQM_GLYPHS_UNICODE);
        nqm_chart_spec s;
        nqm_chart_spec_init(&s, "g(t)");
        for (int k = 0; k < 3; k++)
            nqm_chart_add_series(&s, hs[k], 0, (nqm_color)(NQM_COLOR_SERIES1 + k),
                                 (nqm_line_style)k, names[k]);
        nqm_chart_info info;
        nqm_chart_draw(cv, (nqm_rect){0, 0, 70, 16}, &s, &info);
        char top[1024];
        row_text(cv, 0, top, sizeof top);
        for (int k = 0; k < 3; k++)
            VCHECK(strstr(top, names[k]) != NULL, "legend lacks %s: \"%s\"", names[k], top);
        VCHECK(info.t_last == 299, "time axis ends at %ld", info.t_last);
        int seen[3] = {0, 0, 0}, right_of_f_lin = 0;
        for (int y = info.plot.y; y < info.plot.y + info.plot.h; y++)
            for (int x = info.plot.x; x < info.plot.x + info.plot.w; x++) {
                const nqm_cell *c = nqm_canvas_cell(cv, x, y);
                int k = c->color - NQM_COLOR_SERIES1;
                if (c->dots && k >= 0 && k < 3) {
                    seen[k]++;
                    double step = (x - info.plot.x) / (double)info.plot.w * 299;
                    right_of_f_lin += k == 2 && step > 100 + 3;
                }
            }
        VCHECK(seen[0] && seen[1] && seen[2], "colours seen %d %d %d", seen[0], seen[1], seen[2]);
        VCHECK(right_of_f_lin == 0, "f_lin drawn past its last step");
        for (int y = 0; ascii && y < 16; y++)
            for (int x = 0; x < 70; x++)
                VCHECK(nqm_canvas_cell(cv, x, y)->ch < 0x80, "non-ASCII at (%d,%d)", x, y);
        nqm_canvas_free(cv);
    }
    for (int k = 0; k < 3; k++)
        nqm_history_free(hs[k]);
}

/* Four level series (1, 2, 3, 4 on a 0..5 axis) with marks, in a chart
 * 40 cells wide: every mark sits on its own series' row, each series has
 * one every NQM_CHART_MARK_EVERY cells, no two series mark one column,
 * and the title row lists all four labels, each after its mark. */
static void test_marks(void)
{
    static const char *names[4] = {"net", "quad", "lin", "theory"};
    static const char marks[4] = {'*', 'o', 'x', '@'};
    nqm_history *hs[4];
    for (int ascii = 0; ascii < 2; ascii++) {
        nqm_canvas *cv = nqm_canvas_new(40, 12, ascii ? NQM_GLYPHS_ASCII : NQM_GLYPHS_UNICODE);
        nqm_chart_spec s;
        nqm_chart_spec_init(&s, "λ1(t)");
        s.y_min = 0;
        s.y_max = 5;
        for (int k = 0; k < 4; k++) {
            hs[k] = history_of(200, 256, constant, k + 1);
            int i = nqm_chart_add_series(&s, hs[k], 0, (nqm_color)(NQM_COLOR_SERIES1 + k),
                                         (nqm_line_style)k, names[k]);
            s.series[i].mark = (uint32_t)marks[k];
        }
        nqm_chart_info info;
        nqm_chart_draw(cv, (nqm_rect){0, 0, 40, 12}, &s, &info);
        char top[1024];
        row_text(cv, 0, top, sizeof top);
        for (int k = 0; k < 4; k++) {
            char entry[32];
            snprintf(entry, sizeof entry, "%c %s", marks[k], names[k]);
            VCHECK(strstr(top, entry) != NULL, "legend lacks \"%s\": \"%s\"", entry, top);
        }
        int count[4] = {0, 0, 0, 0}, taken[64] = {0};
        for (int y = info.plot.y; y < info.plot.y + info.plot.h; y++)
            for (int x = info.plot.x; x < info.plot.x + info.plot.w; x++) {
                const nqm_cell *c = nqm_canvas_cell(cv, x, y);
                int k = c->color - NQM_COLOR_SERIES1;
                if (c->dots || k < 0 || k > 3 || c->ch != (uint32_t)marks[k])
                    continue;
                count[k]++;
                VCHECK(!taken[x - info.plot.x], "two marks in column %d", x);
                taken[x - info.plot.x] = 1;
                int dots_here = 0;
                for (int u = info.plot.x; u < info.plot.x + info.plot.w; u++) {
                    const nqm_cell *d = nqm_canvas_cell(cv, u, y);
                    dots_here += d->dots && d->color == c->color;
                }
                VCHECK(dots_here > 0, "%s's mark at (%d,%d) off its row", names[k], x, y);
            }
        for (int k = 0; k < 4; k++)
            VCHECK(count[k] >= info.plot.w / NQM_CHART_MARK_EVERY - 1 &&
                       count[k] <= info.plot.w / NQM_CHART_MARK_EVERY + 1,
                   "%s: %d marks over %d cells", names[k], count[k], info.plot.w);
        nqm_canvas_free(cv);
        for (int k = 0; k < 4; k++)
            nqm_history_free(hs[k]);
    }
}

/* Extreme and non-finite values on both axes: the drawing stays in its
 * rectangle, its range finite and its ticks ordered. */
static void test_extremes(void)
{
    static const double values[] = {DBL_MAX, -DBL_MAX,  1e308,     4.9e-324, -4.9e-324, 1e-320,   0,
                                    1,       1 + 1e-15, 1234.5678, NAN,      INFINITY,  -INFINITY};
    const int nv = sizeof values / sizeof values[0];
    nqm_canvas *cv = nqm_canvas_new(44, 16, NQM_GLYPHS_UNICODE);
    for (int a = 0; a < nv; a++)
        for (int b = 0; b < nv; b++)
            for (int log_y = 0; log_y < 2; log_y++) {
                nqm_history *h = nqm_history_new(1, NULL, 8);
                for (long t = 0; t < 40; t++)
                    nqm_history_push(h, t, t % 3 ? &values[a] : &values[b]);
                nqm_chart_spec s;
                nqm_chart_spec_init(&s, "extreme");
                s.log_y = log_y;
                nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, "x");
                nqm_chart_add_threshold(&s, values[a], "2/η", NQM_COLOR_THRESHOLD2, 1);
                nqm_canvas_clear(cv);
                nqm_canvas_fill(cv, (nqm_rect){0, 0, 44, 16}, SENTINEL, NQM_COLOR_WARNING);
                nqm_chart_info info;
                nqm_rect r = {2, 2, 40, 12};
                VCHECK(nqm_chart_draw(cv, r, &s, &info) == 0, "draw");
                VCHECK(isfinite(info.y_lo) && isfinite(info.y_hi) && info.y_lo < info.y_hi,
                       "values %g, %g log %d: range [%g, %g]", values[a], values[b], log_y,
                       info.y_lo, info.y_hi);
                for (int i = 1; i < info.nyticks; i++)
                    VCHECK(info.ytick[i] > info.ytick[i - 1] &&
                               info.ytick_row[i] < info.ytick_row[i - 1],
                           "values %g, %g log %d: ticks out of order", values[a], values[b], log_y);
                int outside = 0;
                for (int y = 0; y < 16; y++)
                    for (int x = 0; x < 44; x++)
                        if (!(x >= 2 && x < 42 && y >= 2 && y < 14))
                            outside += nqm_canvas_cell(cv, x, y)->ch != SENTINEL;
                VCHECK(outside == 0, "values %g, %g log %d: %d cells written outside", values[a],
                       values[b], log_y, outside);
                nqm_history_free(h);
            }
    nqm_canvas_free(cv);
}

static void test_formats(void)
{
    char buf[32];
    struct {
        double v, step;
        const char *want;
    } ticks[] = {{0, 1, "0"},           {1e-17, 0.1, "0"},    {0.5, 0.1, "0.5"},
                 {-40, 20, "-40"},      {0.05, 0.01, "0.05"}, {2e5, 1e5, "2e5"},
                 {1.5e6, 5e5, "1.5e6"}, {3e-6, 1e-6, "3e-6"}, {-2.5e-7, 5e-8, "-2.5e-7"},
                 {12, 2, "12"}};
    for (size_t i = 0; i < sizeof ticks / sizeof ticks[0]; i++) {
        nqm_chart_format_tick(ticks[i].v, ticks[i].step, buf, sizeof buf);
        VCHECK(!strcmp(buf, ticks[i].want), "tick %g step %g: \"%s\", want \"%s\"", ticks[i].v,
               ticks[i].step, buf, ticks[i].want);
    }
    struct {
        long v;
        const char *want;
    } steps[] = {{0, "0"},       {950, "950"},    {1000, "1k"},         {1500, "1.5k"},
                 {20000, "20k"}, {3000000, "3M"}, {2500000000L, "2.5G"}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        nqm_chart_format_steps(steps[i].v, buf, sizeof buf);
        VCHECK(!strcmp(buf, steps[i].want), "steps %ld: \"%s\", want \"%s\"", steps[i].v, buf,
               steps[i].want);
    }
}

/* A history of f(t) for t < steps, with the phase labels of history_of,
 * as the chart tests below want it. */
static double ramp(long t, long n) { return 5.25 - 0.55 * (double)t / (double)n; }
static double flat_lambda(long t, long hundredths) { return (double)hundredths / 100 + 0 * t; }

/* The top and bottom value a chart of h with two thresholds shows. */
static void lambda_frame(nqm_history *h, double t2, double t4, nqm_chart_fit fit,
                         nqm_chart_info *info, nqm_canvas *cv)
{
    nqm_chart_spec s;
    nqm_chart_spec_init(&s, "λ1(t)");
    nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
    nqm_chart_add_threshold(&s, t2, "2/η", NQM_COLOR_THRESHOLD2, fit);
    nqm_chart_add_threshold(&s, t4, "4/η", NQM_COLOR_THRESHOLD4, fit);
    nqm_canvas_clear(cv);
    nqm_chart_draw(cv, (nqm_rect){0, 0, 60, 16}, &s, info);
}

/* Which rows of the plot hold a label (text ending at the plot's right
 * edge, with or without an arrow): its row, or -1. */
static int label_row(const nqm_canvas *cv, const nqm_chart_info *info, const char *label)
{
    int found = -1;
    for (int y = info->plot.y; y < info->plot.y + info->plot.h; y++) {
        char row[512];
        row_text(cv, y, row, sizeof row);
        if (strstr(row, label))
            found = found < 0 ? y : -2; /* twice: an error */
    }
    return found;
}

/* NEAREST thresholds: the range holds the data and only the threshold
 * nearest to it (none more when one is inside); the other is an arrow
 * label at the edge it lies beyond. ALWAYS holds both, NEVER neither. */
static void test_nearest_threshold(void)
{
    nqm_canvas *cv = nqm_canvas_new(60, 16, NQM_GLYPHS_UNICODE);
    nqm_chart_info info;
    /* catapult-multi-1d's lambda1: 5.25 -> 4.7 across 2/eta = 4.88 */
    nqm_history *h = history_of(100, 128, ramp, 100);
    lambda_frame(h, 4.88, 9.76, NQM_FIT_NEAREST, &info, cv);
    VCHECK(info.y_lo <= 4.7 && info.y_hi >= 5.25 && info.y_hi < 6,
           "lambda1 frame [%g, %g], want about [4.7, 5.25]", info.y_lo, info.y_hi);
    VCHECK(label_row(cv, &info, "4/η↑") == info.plot.y, "4/η↑ on row %d, top %d",
           label_row(cv, &info, "4/η↑"), info.plot.y);
    VCHECK(label_row(cv, &info, "2/η") >= info.plot.y, "2/η not drawn");
    nqm_history_free(h);
    /* lambda2 flat at 4.5 below both: 2/eta (nearer) in, 4/eta out */
    h = history_of(100, 128, flat_lambda, 450);
    lambda_frame(h, 4.88, 9.76, NQM_FIT_NEAREST, &info, cv);
    VCHECK(info.y_lo <= 4.5 && info.y_hi >= 4.88 && info.y_hi < 5.5, "lambda2 frame [%g, %g]",
           info.y_lo, info.y_hi);
    /* 1.13 between 0.756 and 1.51: the nearer is 0.756 (0.374 < 0.38) */
    nqm_history_free(h);
    h = history_of(100, 128, flat_lambda, 113);
    lambda_frame(h, 0.756, 1.51, NQM_FIT_NEAREST, &info, cv);
    VCHECK(info.y_lo <= 0.756 && info.y_hi < 1.51, "between: frame [%g, %g]", info.y_lo, info.y_hi);
    VCHECK(label_row(cv, &info, "4/η↑") == info.plot.y, "between: 4/η↑ missing");
    lambda_frame(h, 0.756, 1.51, NQM_FIT_ALWAYS, &info, cv);
    VCHECK(info.y_lo <= 0.756 && info.y_hi >= 1.51, "always: frame [%g, %g]", info.y_lo, info.y_hi);
    lambda_frame(h, 0.756, 1.51, NQM_FIT_NEVER, &info, cv);
    VCHECK(info.y_lo > 0.756 && info.y_hi < 1.51, "never: frame [%g, %g]", info.y_lo, info.y_hi);
    VCHECK(label_row(cv, &info, "2/η↓") == info.plot.y + info.plot.h - 1 &&
               label_row(cv, &info, "4/η↑") == info.plot.y,
           "never: both arrows at the edges");
    nqm_history_free(h);
    nqm_canvas_free(cv);
}

/* Two thresholds on one row: both labels shown on rows of their own
 * near it, never one written over the other. */
static void test_threshold_labels_apart(void)
{
    nqm_history *h = history_of(100, 128, wave, 10);
    nqm_canvas *cv = nqm_canvas_new(60, 16, NQM_GLYPHS_UNICODE);
    static const double pairs[][2] = {{1.0, 1.01}, {-1e9, -2e9}, {2e9, 1e9}};
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        nqm_chart_info info;
        lambda_frame(h, pairs[k][0], pairs[k][1], NQM_FIT_NEVER, &info, cv);
        int r2 = label_row(cv, &info, "2/η"), r4 = label_row(cv, &info, "4/η");
        VCHECK(r2 >= 0 && r4 >= 0 && r2 != r4 && abs(r2 - r4) <= 2,
               "pair %zu: labels on rows %d and %d", k, r2, r4);
        char row[512];
        row_text(cv, r2 >= 0 ? r2 : 0, row, sizeof row);
        const char *p = strstr(row, "2/η");
        VCHECK(p && p > row && p[-1] == ' ', "pair %zu: no blank before the label: %s", k, row);
    }
    nqm_history_free(h);
    nqm_canvas_free(cv);
}

/* T1..T4 in the bottom frame row at (or just after) their steps'
 * columns, in order, apart from the step labels; two charts of one width
 * and label_width put them in the same columns whatever their data. */
static void test_boundaries(void)
{
    nqm_history *small = history_of(100, 128, wave, 1);
    nqm_history *large = history_of(100, 128, wave, 100000);
    nqm_canvas *cv = nqm_canvas_new(50, 24, NQM_GLYPHS_UNICODE);
    static const long T[4] = {40, 41, 45, 90};
    nqm_chart_info info[2];
    nqm_chart_spec s[2];
    int width = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 2; i++) {
            nqm_chart_spec_init(&s[i], "loss");
            nqm_chart_add_series(&s[i], i ? large : small, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID,
                                 NULL);
            s[i].phase_hist = small;
            s[i].phase_series = 1;
            for (int k = 0; k < 4; k++)
                s[i].boundary[k] = T[k];
            nqm_rect r = {0, 12 * i, 50, 12};
            if (pass == 0) {
                int w = nqm_chart_label_width(r, &s[i]);
                width = w > width ? w : width;
                continue;
            }
            s[i].label_width = width;
            nqm_chart_draw(cv, r, &s[i], &info[i]);
        }
    for (int i = 0; i < 2; i++) {
        char frame[512];
        row_text(cv, 12 * i + 11, frame, sizeof frame);
        VCHECK(info[i].label_width == width, "chart %d: labels %d wide, want %d", i,
               info[i].label_width, width);
        for (int k = 0; k < 4; k++) {
            int col = info[i].boundary_col[k];
            double want = info[i].plot.x + (double)T[k] / 99 * info[i].plot.w;
            char text[3], label[3] = {'T', (char)('1' + k), 0};
            cells_text(cv, col < 0 ? 0 : col, 12 * i + 11, 2, text);
            VCHECK(col >= 0 && !strcmp(text, label) && col >= want - 1.5 && col <= want + 5,
                   "chart %d: %s at column %d (\"%s\"), step at %g: %s", i, label, col, text, want,
                   frame);
            VCHECK(k == 0 || col >= info[i].boundary_col[k - 1] + 2, "chart %d: T%d overlaps", i,
                   k + 1);
            VCHECK(info[i].boundary_col[k] == info[0].boundary_col[k], "T%d: columns %d and %d",
                   k + 1, info[0].boundary_col[k], info[i].boundary_col[k]);
        }
        for (int j = 0; j < info[i].nxticks; j++)
            for (int k = 0; k < 4; k++)
                VCHECK(abs(info[i].xtick_col[j] - info[i].boundary_col[k]) >= 2,
                       "chart %d: step label at %d meets T%d", i, info[i].xtick_col[j], k + 1);
        /* the band keeps its peak cells: no label is written into it */
        char band[512];
        row_text(cv, info[i].band_row, band, sizeof band);
        VCHECK(!strstr(band, "T1") && strstr(band, "▓"), "chart %d: band %s", i, band);
    }
    nqm_history_free(small);
    nqm_history_free(large);
    nqm_canvas_free(cv);
}

/* A log time axis: step labels 0, 10, 100, 1k at log(1 + step) of the
 * width, every step in exactly one column, a spike at step 3 visible. */
static void test_log_time(void)
{
    const long n = 10001;
    nqm_history *h = history_of(n, 1 << 15, spike, 3);
    nqm_canvas *cv = nqm_canvas_new(84, 12, NQM_GLYPHS_UNICODE);
    nqm_chart_spec s;
    nqm_chart_spec_init(&s, "loss");
    s.log_time = 1;
    nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
    nqm_chart_info info;
    nqm_chart_draw(cv, (nqm_rect){0, 0, 84, 12}, &s, &info);
    static const long want_ticks[] = {0, 10, 100, 1000};
    for (size_t k = 0; k < sizeof want_ticks / sizeof want_ticks[0]; k++) {
        int found = -1;
        for (int i = 0; i < info.nxticks; i++)
            if (info.xtick[i] == want_ticks[k])
                found = info.xtick_col[i];
        double want = info.plot.x +
                      log1p((double)want_ticks[k]) / log1p((double)(n - 1)) * (info.plot.w - 0.5);
        VCHECK(found >= 0 && fabs(found - want) <= 1.5, "log time: step %ld at column %d, want ~%g",
               want_ticks[k], found, want);
    }
    for (int i = 1; i < info.nxticks; i++)
        VCHECK(info.xtick_col[i] > info.xtick_col[i - 1] && info.xtick[i] > info.xtick[i - 1],
               "log time: ticks out of order at %d", i);
    double spike_col = info.plot.x + log1p(3.0) / log1p((double)(n - 1)) * (info.plot.w - 0.5);
    VCHECK(cell_has_dots(cv, (int)spike_col, info.plot.y) ||
               cell_has_dots(cv, (int)spike_col + 1, info.plot.y),
           "log time: spike at step 3 not at the top near column %g", spike_col);
    nqm_history_free(h);
    nqm_canvas_free(cv);
}

/* The cursor marks its step's column in empty cells only. */
static void test_cursor(void)
{
    nqm_history *h = history_of(101, 128, wave, 1);
    nqm_canvas *cv = nqm_canvas_new(60, 14, NQM_GLYPHS_UNICODE);
    int dots[2] = {0, 0}, marks = 0, col = -1;
    nqm_chart_info info;
    for (int pass = 0; pass < 2; pass++) {
        nqm_chart_spec s;
        nqm_chart_spec_init(&s, "g");
        nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
        s.cursor = pass ? 50 : -1;
        nqm_canvas_clear(cv);
        nqm_chart_draw(cv, (nqm_rect){0, 0, 60, 14}, &s, &info);
        for (int y = info.plot.y; y < info.plot.y + info.plot.h; y++)
            for (int x = info.plot.x; x < info.plot.x + info.plot.w; x++) {
                const nqm_cell *c = nqm_canvas_cell(cv, x, y);
                dots[pass] += c->dots != 0;
                if (pass && c->ch == 0x250A) {
                    marks++;
                    col = col < 0 || col == x ? x : -2;
                }
            }
    }
    int want = info.plot.x + info.plot.w / 2;
    VCHECK(dots[0] == dots[1], "cursor removed dots: %d -> %d", dots[0], dots[1]);
    VCHECK(marks >= info.plot.h - 2 && abs(col - want) <= 1,
           "cursor: %d marks in column %d, want %d", marks, col, want);
    nqm_history_free(h);
    nqm_canvas_free(cv);
}

int main(void)
{
    test_formats();
    test_stays_inside();
    test_spike_visible();
    test_log_ticks();
    test_linear_ticks();
    test_step_ticks();
    test_thresholds();
    test_gaps_and_overflow();
    test_nearest_threshold();
    test_threshold_labels_apart();
    test_boundaries();
    test_log_time();
    test_cursor();
    test_log_nonpositive();
    test_fixed_range();
    test_phase_band();
    test_compare();
    test_marks();
    test_extremes();
    return vcheck_report("test_chart");
}
