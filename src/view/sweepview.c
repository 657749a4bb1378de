/* sweepview.c: the sweep view as a canvas (sweepview.h). Title, progress
 * and key line at the top; the curve or the regime map below; the help
 * overlay on top of it all. Pure drawing over the results handed in: no
 * terminal, no threads. Geometry: the panel's frame takes the rows from
 * 2 down, its plot leaves 8 columns of y labels on the left and 2 rows
 * for the x labels and the legend at the bottom. */
#include "nqmtop/view/sweepview.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    HEADER_ROWS = 2,  /* title, progress */
    Y_LABELS = 8,     /* columns left of the plot */
    X_LABEL_ROWS = 2, /* x tick labels, legend */
    MAX_MODELS = MODEL_COUNT
};

static const nqm_color model_colors[MAX_MODELS] = {
    NQM_COLOR_SERIES1, NQM_COLOR_SERIES2, NQM_COLOR_SERIES3, NQM_COLOR_SERIES4, NQM_COLOR_TITLE};

static const nqm_sweep_result *result_at(const nqm_sweep_view *v, int p, int k)
{
    size_t at = (size_t)p * v->models + k;
    return v->have[at] ? &v->results[at] : NULL;
}

/* ---- header ------------------------------------------------------------------ */

static void draw_header(nqm_canvas *cv, const nqm_sweep_view *v)
{
    char line[512];
    int used = snprintf(line, sizeof line, "nqmtop sweep  %s  ", v->preset);
    for (int k = 0; k < v->models && used < (int)sizeof line; k++)
        used += snprintf(line + used, sizeof line - (size_t)used, "%s%s", k ? "·" : "",
                         nqm_model_name(v->model[k]));
    for (int a = 0; a < v->spec->naxes && used < (int)sizeof line; a++) {
        const nqm_sweep_axis *ax = &v->spec->axis[a];
        used +=
            snprintf(line + used, sizeof line - (size_t)used, "  %s%s %g..%g (%d%s)", a ? "× " : "",
                     ax->key, ax->from, ax->to, ax->count, ax->log ? ", log" : "");
    }
    if (used < (int)sizeof line)
        snprintf(line + used, sizeof line - (size_t)used, "  %d seed%s", v->spec->repeats,
                 v->spec->repeats == 1 ? "" : "s");
    nqm_canvas_text(cv, 0, 0, line, NQM_COLOR_TITLE);
    enum { BAR = 20 };
    char bar[BAR + 1];
    int filled = v->total > 0 ? (int)(BAR * v->done / v->total) : BAR;
    for (int i = 0; i < BAR; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[BAR] = '\0';
    snprintf(line, sizeof line,
             "[%s] %ld/%ld runs  %.0f s%s   q quit  ? help  e export  "
             "v view  m model",
             bar, v->done, v->total, v->seconds, v->finished ? "  done" : "");
    int w = nqm_canvas_text(cv, 0, 1, line, NQM_COLOR_STATUS);
    if (v->message)
        nqm_canvas_text(cv, w + 2, 1, v->message, NQM_COLOR_WARNING);
}

/* ---- scales ---------------------------------------------------------------------- */

/* A linear or log map of [lo, hi] onto [0, span]. */
typedef struct {
    double lo, hi;
    int log;
    double span;
} scale;

static double to_unit(const scale *s, double v)
{
    double a = s->log ? log10(s->lo) : s->lo, b = s->log ? log10(s->hi) : s->hi;
    double x = s->log ? log10(v) : v;
    return b > a ? (x - a) / (b - a) : 0.5;
}

static double place(const scale *s, double v) { return to_unit(s, v) * s->span; }

/* At most 7 characters for the values axes show. */
static void format_value(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%.3g", v);
    if (strlen(buf) > 7)
        snprintf(buf, len, "%.1g", v);
}

/* ---- the curve ------------------------------------------------------------------------ */

/* The metric of a result: best test loss with a test set, else the final loss. */
static double metric(const nqm_sweep_result *r)
{
    return r->n_test > 0 ? r->field[NQM_SF_BEST_TEST_LOSS].mean : r->field[NQM_SF_FINAL_LOSS].mean;
}

/* Grid point of index i on the eta axis and the current slice. */
static int point_of(const nqm_sweep_view *v, int ea, int i)
{
    if (v->spec->naxes < 2)
        return i;
    int other = v->spec->axis[1 - ea].count, s = v->slice % other;
    return ea == 0 ? i * other + s : s * v->spec->axis[1].count + i;
}

/* The y range of the metric over the results in: [lo, hi], log scale. */
static int metric_range(const nqm_sweep_view *v, int ea, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < v->spec->axis[ea].count; i++)
        for (int k = 0; k < v->models; k++) {
            const nqm_sweep_result *r = result_at(v, point_of(v, ea, i), k);
            double y = r ? metric(r) : NAN;
            if (isfinite(y) && y > 0 && r->regime != REGIME_DIVERGENT) {
                *lo = fmin(*lo, y);
                *hi = fmax(*hi, y);
            }
        }
    if (!(*lo <= *hi))
        return -1;
    double pad = fmax(log10(*hi / *lo) * 0.1, 0.05);
    *lo /= pow(10, pad);
    *hi *= pow(10, pad);
    return 0;
}

/* A dot line from (x0, y0) to (x1, y1) in dot coordinates. */
static void dot_line(nqm_canvas *cv, int x0, int y0, int x1, int y1, nqm_color c)
{
    int n = abs(x1 - x0) > abs(y1 - y0) ? abs(x1 - x0) : abs(y1 - y0);
    for (int i = 0; i <= n; i++) {
        double t = n ? (double)i / n : 0;
        nqm_canvas_dot(cv, (int)lround(x0 + t * (x1 - x0)), (int)lround(y0 + t * (y1 - y0)), c);
    }
}

/* Each model's mark at its points, told apart without colour or braille. */
static uint32_t model_mark(nqm_model_kind m)
{
    static const char marks[MODEL_COUNT] = {[MODEL_NET] = '*',
                                            [MODEL_LIN] = 'x',
                                            [MODEL_QUAD] = 'o',
                                            [MODEL_GQM] = '+',
                                            [MODEL_THEORY] = '@'};
    return m >= 0 && m < MODEL_COUNT ? (uint32_t)marks[m] : '?';
}

/* Where a point's metric lies: on the chart (0), off it above because the
 * run diverged (1), or below a log axis, at zero or less (-1). */
static int off_chart(const nqm_sweep_result *r, const scale *sy)
{
    double y = metric(r);
    if (r->regime == REGIME_DIVERGENT || !(y <= sy->hi))
        return 1;
    return y > 0 ? 0 : -1;
}

/* The dot row of value y on the plot (no lower than its bottom). */
static int dot_row(nqm_rect plot, const scale *sy, double y)
{
    return 4 * (plot.y + plot.h) - 1 - (int)lround(place(sy, fmax(y, sy->lo)));
}

/* Dot coordinates of a point on the chart. */
static void point_dots(nqm_rect plot, const nqm_sweep_result *r, int ea, const scale *sx,
                       const scale *sy, int *dx, int *dy)
{
    *dx = 2 * plot.x + (int)lround(place(sx, r->coord[ea]));
    *dy = dot_row(plot, sy, metric(r));
}

/* One model's series: its points on the chart joined by lines (broken
 * where a point is off the chart). */
static void draw_series(nqm_canvas *cv, nqm_rect plot, const nqm_sweep_view *v, int ea, int k,
                        const scale *sx, const scale *sy)
{
    int have_prev = 0, px = 0, py = 0;
    for (int i = 0; i < v->spec->axis[ea].count; i++) {
        const nqm_sweep_result *r = result_at(v, point_of(v, ea, i), k);
        if (!r || off_chart(r, sy)) {
            have_prev = 0;
            continue;
        }
        int dx, dy;
        point_dots(plot, r, ea, sx, sy, &dx, &dy);
        if (have_prev)
            dot_line(cv, px, py, dx, dy, model_colors[k]);
        nqm_canvas_dot(cv, dx, dy, model_colors[k]);
        have_prev = 1;
        px = dx;
        py = dy;
    }
}

/* Bits of the marks off the chart that were drawn. */
enum { OFF_ABOVE = 1, OFF_BELOW = 2 };

/* One model's marks over its points: its own mark on the chart, an arrow
 * at the top edge for a diverged run, at the bottom edge for a loss of
 * zero or less. Returns the OFF_ bits of the arrows drawn. */
static unsigned draw_marks(nqm_canvas *cv, nqm_rect plot, const nqm_sweep_view *v, int ea, int k,
                           const scale *sx, const scale *sy)
{
    unsigned off = 0;
    for (int i = 0; i < v->spec->axis[ea].count; i++) {
        const nqm_sweep_result *r = result_at(v, point_of(v, ea, i), k);
        if (!r)
            continue;
        int dx, dy, side = off_chart(r, sy);
        point_dots(plot, r, ea, sx, sy, &dx, &dy);
        if (side > 0)
            nqm_canvas_put(cv, dx / 2, plot.y, 0x2191, model_colors[k]); /* ↑ */
        else if (side < 0)
            nqm_canvas_put(cv, dx / 2, plot.y + plot.h - 1, 0x2193, model_colors[k]); /* ↓ */
        else
            nqm_canvas_put(cv, dx / 2, dy / 4, model_mark(v->model[k]), model_colors[k]);
        off |= side > 0 ? OFF_ABOVE : side < 0 ? OFF_BELOW : 0;
    }
    return off;
}

/* Whether cells [x, x + w) of a row hold an arrow ↑. */
static int covers_arrow(const nqm_canvas *cv, int x, int w, int row)
{
    for (int i = 0; i < w; i++) {
        const nqm_cell *c = nqm_canvas_cell(cv, x + i, row);
        if (c && c->ch == (nqm_canvas_glyphs(cv) == NQM_GLYPHS_ASCII ? '^' : 0x2191))
            return 1;
    }
    return 0;
}

/* Where the last threshold label went: its row and the column after it. */
typedef struct {
    int row, end;
} label_spot;

/* A threshold's label, one cell right of its line: on the plot's top row
 * unless that would touch a diverged run's arrow, and never over the
 * label before it (prev), else on one of the two rows below. */
static void threshold_label(nqm_canvas *cv, nqm_rect plot, const scale *sx, double x,
                            const char *label, nqm_color c, label_spot *prev)
{
    if (!(x >= sx->lo && x <= sx->hi))
        return;
    int col = (2 * plot.x + (int)lround(place(sx, x))) / 2 + 1;
    int w = nqm_text_width(label, nqm_canvas_glyphs(cv));
    for (int row = plot.y; row < plot.y + plot.h && row < plot.y + 3; row++) {
        if ((row == prev->row && col <= prev->end) ||
            (row == plot.y && covers_arrow(cv, col - 1, w + 2, row)))
            continue;
        nqm_canvas_text(cv, col, row, label, c);
        *prev = (label_spot){row, col + w};
        return;
    }
}

/* A dotted vertical line at x. */
static void threshold_line(nqm_canvas *cv, nqm_rect plot, const scale *sx, double x, nqm_color c)
{
    if (!(x >= sx->lo && x <= sx->hi))
        return;
    int dx = 2 * plot.x + (int)lround(place(sx, x));
    for (int y = 4 * plot.y; y < 4 * (plot.y + plot.h); y += 2)
        nqm_canvas_dot(cv, dx, y, c);
}

/* eta_crit and eta_max in the axis's units (eta_rel: 1 and 2): their
 * lines, or (labels) their labels, which go over the series. */
static void mark_thresholds(nqm_canvas *cv, nqm_rect plot, const nqm_sweep_view *v, int ea,
                            const scale *sx, int labels)
{
    double crit = 1, max = 2;
    if (strcmp(v->spec->axis[ea].key, "eta") == 0) {
        crit = NAN;
        for (int p = 0; p < v->points && isnan(crit); p++)
            for (int k = 0; k < v->models && isnan(crit); k++) {
                const nqm_sweep_result *r = result_at(v, p, k);
                crit = r ? r->field[NQM_SF_ETA_CRIT].mean : NAN;
            }
        max = 2 * crit;
    }
    if (!labels) {
        threshold_line(cv, plot, sx, crit, NQM_COLOR_THRESHOLD2);
        threshold_line(cv, plot, sx, max, NQM_COLOR_THRESHOLD4);
        return;
    }
    label_spot prev = {-1, 0};
    threshold_label(cv, plot, sx, crit, "η_crit", NQM_COLOR_THRESHOLD2, &prev);
    threshold_label(cv, plot, sx, max, "η_max", NQM_COLOR_THRESHOLD4, &prev);
}

/* Rows of y labels drawn so far: a label never goes on a taken row. */
typedef struct {
    int n;
    int row[64];
} taken_rows;

static void y_label(nqm_canvas *cv, nqm_rect plot, int row, const char *text, taken_rows *t)
{
    if (row < plot.y || row >= plot.y + plot.h)
        return;
    for (int i = 0; i < t->n; i++)
        if (t->row[i] == row)
            return;
    if (t->n < (int)(sizeof t->row / sizeof t->row[0]))
        t->row[t->n++] = row;
    nqm_canvas_text(cv, plot.x - Y_LABELS, row, text, NQM_COLOR_AXIS);
}

/* A linear axis: its ends and three values between, each on the row a
 * point of that value is drawn in. */
static void linear_y_labels(nqm_canvas *cv, nqm_rect plot, const scale *sy, taken_rows *t)
{
    char buf[32];
    for (int i = 4; i >= 0; i--) {
        double y = sy->lo + (sy->hi - sy->lo) * i / 4;
        format_value(y, buf, sizeof buf);
        y_label(cv, plot, dot_row(plot, sy, y) / 4, buf, t);
    }
}

/* Decades between the labels of a log axis: the smallest of 1, 2, 5, 10,
 * 20, ... that puts a row or more between labels. */
int nqm_sweep_view_decade_stride(double decades, int rows)
{
    double rows_per_decade = rows > 0 && decades > 0 ? (4.0 * rows - 1) / 4 / decades : 0;
    static const int steps[] = {1, 2, 5};
    for (int scale10 = 1; scale10 <= 100000; scale10 *= 10)
        for (int i = 0; i < 3; i++)
            if (steps[i] * scale10 * rows_per_decade >= 1)
                return steps[i] * scale10;
    return 1000000;
}

static void y_labels(nqm_canvas *cv, nqm_rect plot, const scale *sy)
{
    char buf[32];
    taken_rows t = {0, {0}};
    if (!sy->log) {
        linear_y_labels(cv, plot, sy, &t);
        return;
    }
    int stride = nqm_sweep_view_decade_stride(log10(sy->hi / sy->lo), plot.h);
    for (int e = (int)floor(log10(sy->hi)); e >= (int)ceil(log10(sy->lo)); e--) {
        if (e % stride != 0)
            continue;
        snprintf(buf, sizeof buf, "1e%d", e);
        y_label(cv, plot, dot_row(plot, sy, pow(10, e)) / 4, buf, &t);
    }
    if (sy->hi / sy->lo < 10) { /* no power of ten inside: label both ends */
        format_value(sy->hi, buf, sizeof buf);
        y_label(cv, plot, plot.y, buf, &t);
        format_value(sy->lo, buf, sizeof buf);
        y_label(cv, plot, plot.y + plot.h - 1, buf, &t);
    }
}

/* x tick labels at both ends and the middle, each only where it leaves a
 * blank cell to the labels beside it. */
static void x_ticks(nqm_canvas *cv, nqm_rect plot, const nqm_sweep_axis *ax, const scale *sx)
{
    char buf[3][32];
    int col[3], w[3];
    const double at[3] = {ax->from, ax->to, nqm_sweep_axis_value(ax, ax->count / 2)};
    for (int i = 0; i < 3; i++) {
        format_value(at[i], buf[i], sizeof buf[i]);
        w[i] = (int)strlen(buf[i]);
        col[i] = plot.x + (int)(place(sx, at[i]) / 2) - (i == 1 ? w[i] - 1 : 0);
    }
    int right = plot.x + plot.w; /* first column the labels may not take */
    if (col[0] + w[0] <= right)
        nqm_canvas_text(cv, col[0], plot.y + plot.h, buf[0], NQM_COLOR_AXIS);
    int end_ok = col[1] > col[0] + w[0];
    if (end_ok)
        nqm_canvas_text(cv, col[1], plot.y + plot.h, buf[1], NQM_COLOR_AXIS);
    int left = col[0] + w[0], stop = end_ok ? col[1] : right;
    if (ax->count > 2 && col[2] > left && col[2] + w[2] < stop)
        nqm_canvas_text(cv, col[2], plot.y + plot.h, buf[2], NQM_COLOR_AXIS);
}

/* The x ticks, and below them the axis's name with a legend: each
 * model's mark (marks) or colour, and the arrows the curve drew (off:
 * OFF_ bits). */
static void x_labels(nqm_canvas *cv, nqm_rect plot, const nqm_sweep_view *v, int ea,
                     const scale *sx, int marks, unsigned off)
{
    const nqm_sweep_axis *ax = &v->spec->axis[ea];
    x_ticks(cv, plot, ax, sx);
    int y = plot.y + plot.h + 1;
    int x = nqm_canvas_text(cv, plot.x, y, ax->key, NQM_COLOR_AXIS) + plot.x + 2;
    for (int k = 0; k < v->models; k++) {
        char item[48];
        if (marks)
            snprintf(item, sizeof item, "─%c─ %s", (char)model_mark(v->model[k]),
                     nqm_model_name(v->model[k]));
        else
            snprintf(item, sizeof item, "━━ %s", nqm_model_name(v->model[k]));
        x += nqm_canvas_text(cv, x, y, item, model_colors[k]) + 2;
    }
    if (off & OFF_ABOVE)
        x += nqm_canvas_text(cv, x, y, "↑ diverged", NQM_COLOR_WARNING) + 2;
    if (off & OFF_BELOW)
        nqm_canvas_text(cv, x, y, "↓ loss ≤ 0", NQM_COLOR_WARNING);
}

static void draw_curve(nqm_canvas *cv, nqm_rect r, const nqm_sweep_view *v, int ea)
{
    char title[320], at[96] = "";
    int n_test = 0;
    for (int p = 0; p < v->points * v->models && !n_test; p++)
        n_test = v->have[p] ? v->results[p].n_test : 0;
    if (v->spec->naxes > 1) {
        const nqm_sweep_axis *o = &v->spec->axis[1 - ea];
        snprintf(at, sizeof at, " at %s = %g ([ ])", o->key,
                 nqm_sweep_axis_value(o, v->slice % o->count));
    }
    snprintf(title, sizeof title, " %s vs %s (log)%s ", n_test ? "best test loss" : "final loss",
             v->spec->axis[ea].key, at);
    nqm_canvas_box(cv, r, NQM_COLOR_AXIS);
    nqm_canvas_text(cv, r.x + 2, r.y, title, NQM_COLOR_TITLE);
    nqm_rect plot = {r.x + 1 + Y_LABELS, r.y + 1, r.w - 2 - Y_LABELS, r.h - 2 - X_LABEL_ROWS};
    if (plot.w < 4 || plot.h < 2)
        return;
    const nqm_sweep_axis *ax = &v->spec->axis[ea];
    scale sx = {fmin(ax->from, ax->to), fmax(ax->from, ax->to), ax->log, 2.0 * plot.w - 1};
    scale sy = {0, 0, 1, 4.0 * plot.h - 1};
    unsigned off = 0;
    nqm_canvas_clip(cv, (nqm_rect){r.x + 1, r.y + 1, r.w - 2, r.h - 2});
    if (metric_range(v, ea, &sy.lo, &sy.hi) == 0) {
        y_labels(cv, plot, &sy);
        nqm_canvas_clip(cv, plot);
        mark_thresholds(cv, plot, v, ea, &sx, 0);
        for (int k = 0; k < v->models; k++)
            draw_series(cv, plot, v, ea, k, &sx, &sy);
        for (int k = 0; k < v->models; k++)
            off |= draw_marks(cv, plot, v, ea, k, &sx, &sy);
        mark_thresholds(cv, plot, v, ea, &sx, 1);
        nqm_canvas_clip(cv, (nqm_rect){r.x + 1, r.y + 1, r.w - 2, r.h - 2});
    } else {
        nqm_canvas_text(cv, plot.x + 1, plot.y + plot.h / 2, "waiting for results ...",
                        NQM_COLOR_AXIS);
    }
    x_labels(cv, plot, v, ea, &sx, 1, off);
    nqm_canvas_unclip(cv);
}

/* ---- the bifurcation diagram ------------------------------------------------------------ */

/* The range of the late values in: [lo, hi]; *lost counts those not finite. */
static int late_range(const nqm_sweep_view *v, double *lo, double *hi, long *lost)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    *lost = 0;
    for (int p = 0; p < v->points * v->models; p++) {
        const nqm_sweep_result *r = v->have[p] ? &v->results[p] : NULL;
        for (int rep = 0; r && r->late && rep < r->repeats; rep++)
            for (int i = 0; i < r->late[rep].count; i++) {
                double y = r->late[rep].values[i];
                if (!isfinite(y)) {
                    (*lost)++;
                    continue;
                }
                *lo = fmin(*lo, y);
                *hi = fmax(*hi, y);
            }
    }
    if (!(*lo <= *hi))
        return -1;
    double pad = fmax((*hi - *lo) * 0.05, 1e-12 * fmax(fabs(*lo), fabs(*hi)) + 1e-300);
    *lo -= pad;
    *hi += pad;
    return 0;
}

static void draw_late_points(nqm_canvas *cv, nqm_rect plot, const nqm_sweep_view *v, int ea,
                             const scale *sx, const scale *sy)
{
    for (int p = 0; p < v->points; p++)
        for (int k = 0; k < v->models; k++) {
            const nqm_sweep_result *r = result_at(v, p, k);
            if (!r || !r->late)
                continue;
            int dx = 2 * plot.x + (int)lround(place(sx, r->coord[ea]));
            for (int rep = 0; rep < r->repeats; rep++)
                for (int i = 0; i < r->late[rep].count; i++) {
                    double y = r->late[rep].values[i];
                    if (isfinite(y))
                        nqm_canvas_dot(cv, dx,
                                       4 * (plot.y + plot.h) - 1 - (int)lround(place(sy, y)),
                                       model_colors[k % MAX_MODELS]);
                }
        }
}

static void draw_bifurcation(nqm_canvas *cv, nqm_rect r, const nqm_sweep_view *v, int ea)
{
    double lo, hi;
    long lost;
    int any = late_range(v, &lo, &hi, &lost) == 0;
    char title[200], extra[64] = "";
    if (lost > 0)
        snprintf(extra, sizeof extra, ", %ld not finite left out", lost);
    snprintf(title, sizeof title, " bifurcation: last %d values of %s vs %s%s ",
             v->spec->late_steps, nqm_late_name(v->spec->late), v->spec->axis[ea].key, extra);
    nqm_canvas_box(cv, r, NQM_COLOR_AXIS);
    nqm_canvas_text(cv, r.x + 2, r.y, title, NQM_COLOR_TITLE);
    nqm_rect plot = {r.x + 1 + Y_LABELS, r.y + 1, r.w - 2 - Y_LABELS, r.h - 2 - X_LABEL_ROWS};
    if (plot.w < 4 || plot.h < 2)
        return;
    const nqm_sweep_axis *ax = &v->spec->axis[ea];
    scale sx = {fmin(ax->from, ax->to), fmax(ax->from, ax->to), ax->log, 2.0 * plot.w - 1};
    scale sy = {lo, hi, 0, 4.0 * plot.h - 1};
    nqm_canvas_clip(cv, (nqm_rect){r.x + 1, r.y + 1, r.w - 2, r.h - 2});
    if (any) {
        y_labels(cv, plot, &sy);
        nqm_canvas_clip(cv, plot);
        mark_thresholds(cv, plot, v, ea, &sx, 0);
        draw_late_points(cv, plot, v, ea, &sx, &sy);
        mark_thresholds(cv, plot, v, ea, &sx, 1);
        nqm_canvas_clip(cv, (nqm_rect){r.x + 1, r.y + 1, r.w - 2, r.h - 2});
    } else {
        nqm_canvas_text(cv, plot.x + 1, plot.y + plot.h / 2, "waiting for results ...",
                        NQM_COLOR_AXIS);
    }
    x_labels(cv, plot, v, ea, &sx, 0, 0);
    nqm_canvas_unclip(cv);
}

/* ---- the regime map ------------------------------------------------------------------ */

static nqm_color regime_color(nqm_regime g)
{
    switch (g) {
    case REGIME_MONOTONE:
        return NQM_COLOR_PHASE_DECREASING;
    case REGIME_CATAPULT:
        return NQM_COLOR_PHASE_PEAK;
    case REGIME_SILENT_CATAPULT:
        return NQM_COLOR_PHASE_INCREASING;
    case REGIME_EDGE:
    case REGIME_OSCILLATING:
    case REGIME_CHAOTIC:
        return NQM_COLOR_THRESHOLD2;
    case REGIME_COLLAPSED:
    case REGIME_DIVERGENT:
        return NQM_COLOR_WARNING;
    default:
        return NQM_COLOR_DEFAULT;
    }
}

static nqm_color early_color(nqm_early_phase p)
{
    static const nqm_color colors[EARLY_COUNT] = {NQM_COLOR_PHASE_DECREASING, NQM_COLOR_PHASE_PEAK,
                                                  NQM_COLOR_PHASE_INCREASING, NQM_COLOR_WARNING};
    return p >= 0 && p < EARLY_COUNT ? colors[p] : NQM_COLOR_DEFAULT;
}

/* What a map shows of each result: its regime or its early phase (a
 * class number, its character, colour and name). */
typedef struct {
    const char *title;
    int classes;
    int (*class_of)(const nqm_sweep_result *res);
    char (*char_of)(int c);
    nqm_color (*color_of)(int c);
    const char *(*name_of)(int c);
} map_kind;

static int regime_class(const nqm_sweep_result *res) { return (int)res->regime; }
static char regime_char(int c) { return nqm_regime_char((nqm_regime)c); }
static nqm_color regime_color_of(int c) { return regime_color((nqm_regime)c); }
static const char *regime_name(int c) { return nqm_regime_name((nqm_regime)c); }
static int early_class(const nqm_sweep_result *res) { return (int)nqm_sweep_early_phase(res); }
static char early_char(int c) { return nqm_early_phase_char((nqm_early_phase)c); }
static nqm_color early_color_of(int c) { return early_color((nqm_early_phase)c); }
static const char *early_name(int c) { return nqm_early_phase_name((nqm_early_phase)c); }

static const map_kind regime_map = {"regime map", REGIME_COUNT,    regime_class,
                                    regime_char,  regime_color_of, regime_name};
static const map_kind early_map = {"early phases", EARLY_COUNT,    early_class,
                                   early_char,     early_color_of, early_name};

/* The legend of the classes present (bit c of present: class c occurs). */
static void legend(nqm_canvas *cv, int x, int y, unsigned present, const map_kind *mk)
{
    for (int c = 0; c < mk->classes; c++) {
        if (!(present & (1u << c)))
            continue;
        char item[48];
        snprintf(item, sizeof item, "%c %s  ", mk->char_of(c), mk->name_of(c));
        x += nqm_canvas_text(cv, x, y, item, mk->color_of(c));
    }
}

/* Row labels: the second axis's values (or nothing with one axis). */
static void map_labels(nqm_canvas *cv, nqm_rect grid, const nqm_sweep_view *v, int rows, int cols,
                       int rh, int cw, unsigned present, const map_kind *mk)
{
    char buf[32];
    for (int row = 0; row < rows && v->spec->naxes > 1; row++) {
        format_value(nqm_sweep_axis_value(&v->spec->axis[1], row), buf, sizeof buf);
        nqm_canvas_text(cv, grid.x - Y_LABELS, grid.y + row * rh + rh / 2, buf, NQM_COLOR_AXIS);
    }
    int step = cw >= 8 ? 1 : (8 + cw - 1) / cw;
    for (int col = 0; col < cols && v->spec->naxes > 0; col += step) {
        format_value(nqm_sweep_axis_value(&v->spec->axis[0], col), buf, sizeof buf);
        nqm_canvas_text(cv, grid.x + col * cw, grid.y + rows * rh, buf, NQM_COLOR_AXIS);
    }
    legend(cv, grid.x, grid.y + rows * rh + 1, present, mk);
}

static void draw_map(nqm_canvas *cv, nqm_rect r, const nqm_sweep_view *v, const map_kind *mk)
{
    int k = v->models > 0 ? v->model_sel % v->models : 0;
    char title[128];
    snprintf(title, sizeof title, " %s: %s (m: next model) ", mk->title,
             v->models > 0 ? nqm_model_name(v->model[k]) : "-");
    nqm_canvas_box(cv, r, NQM_COLOR_AXIS);
    nqm_canvas_text(cv, r.x + 2, r.y, title, NQM_COLOR_TITLE);
    int cols = v->spec->naxes > 0 ? v->spec->axis[0].count : 1;
    int rows = v->spec->naxes > 1 ? v->spec->axis[1].count : 1;
    nqm_rect grid = {r.x + 1 + Y_LABELS, r.y + 1, r.w - 2 - Y_LABELS, r.h - 2 - X_LABEL_ROWS};
    if (grid.w < 1 || grid.h < 1 || v->models == 0)
        return;
    int cw = grid.w / cols > 0 ? grid.w / cols : 1, rh = grid.h / rows > 0 ? grid.h / rows : 1;
    if (cw > 6)
        cw = 6;
    if (rh > 3)
        rh = 3;
    nqm_canvas_clip(cv, (nqm_rect){r.x + 1, r.y + 1, r.w - 2, r.h - 2});
    unsigned present = 0;
    for (int row = 0; row < rows; row++)
        for (int col = 0; col < cols; col++) {
            const nqm_sweep_result *res = result_at(v, col * rows + row, k);
            nqm_rect cell = {grid.x + col * cw, grid.y + row * rh, cw, rh};
            int c = res ? mk->class_of(res) : 0;
            if (res)
                present |= 1u << c;
            if (res && cell.x < grid.x + grid.w && cell.y < grid.y + grid.h)
                nqm_canvas_fill(cv, cell, (uint32_t)mk->char_of(c), mk->color_of(c));
        }
    map_labels(cv, grid, v, rows, cols, rh, cw, present, mk);
    nqm_canvas_unclip(cv);
}

/* ---- help ------------------------------------------------------------------------------ */

static void draw_help(nqm_canvas *cv, const char *const *lines_of)
{
    int lines = 0, width = 0;
    for (; lines_of[lines]; lines++) {
        int w = nqm_text_width(lines_of[lines], nqm_canvas_glyphs(cv));
        width = w > width ? w : width;
    }
    nqm_rect box = {(nqm_canvas_width(cv) - width - 4) / 2, (nqm_canvas_height(cv) - lines - 2) / 2,
                    width + 4, lines + 2};
    box = nqm_rect_intersect(box, (nqm_rect){0, 0, nqm_canvas_width(cv), nqm_canvas_height(cv)});
    nqm_canvas_fill(cv, box, ' ', NQM_COLOR_DEFAULT);
    nqm_canvas_box(cv, box, NQM_COLOR_TITLE);
    nqm_canvas_text(cv, box.x + 2, box.y, " sweep view keys ", NQM_COLOR_TITLE);
    nqm_canvas_clip(cv, (nqm_rect){box.x + 1, box.y + 1, box.w - 2, box.h - 2});
    for (int i = 0; i < lines; i++)
        nqm_canvas_text(cv, box.x + 2, box.y + 1 + i, lines_of[i], NQM_COLOR_DEFAULT);
    nqm_canvas_unclip(cv);
}

void nqm_sweep_view_draw(nqm_canvas *cv, const nqm_sweep_view *v)
{
    nqm_canvas_clear(cv);
    int w = nqm_canvas_width(cv), h = nqm_canvas_height(cv);
    if (w < 1 || h < 1)
        return;
    draw_header(cv, v);
    nqm_rect panel = {0, HEADER_ROWS, w, h - HEADER_ROWS};
    int ea = nqm_sweep_eta_axis(v->spec); /* -1: only the maps are drawn */
    if (panel.h >= 3 && panel.w >= 3) {
        if (v->panel == NQM_SWEEP_CURVE && ea >= 0)
            draw_curve(cv, panel, v, ea);
        else if (v->panel == NQM_SWEEP_BIFURCATION && ea >= 0 && v->spec->late != NQM_LATE_NONE)
            draw_bifurcation(cv, panel, v, ea);
        else
            draw_map(cv, panel, v, v->panel == NQM_SWEEP_EARLY ? &early_map : &regime_map);
    }
    if (v->help && v->help_lines)
        draw_help(cv, v->help_lines);
}
