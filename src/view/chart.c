/* chart.c: one chart drawn into a canvas rectangle (see chart.h); its
 * axes are chart_axes.c's, its phase band chart_band.c's.
 *
 * Geometry, outside in: a frame whose top row carries the title and the
 * legend and whose bottom row carries the step tick labels; inside it the
 * y tick labels, the axis column, the plot, and (when a phase history is
 * given) one band row under the plot. Series are drawn per dot column
 * from history envelopes: each column is a vertical bar over [min, max]
 * of its steps, extended to the previous column's last value so the curve
 * stays connected. Stretched axes (fewer steps than dot columns) are
 * interpolated linearly between the columns that hold a step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_draw.h"
#include "nqmtop/base/cnum.h"

/* ---------------------------------------------------------------- spec */

void nqm_chart_spec_init(nqm_chart_spec *spec, const char *title)
{
    memset(spec, 0, sizeof *spec);
    spec->title = title;
    spec->y_min = NAN;
    spec->y_max = NAN;
    spec->log_decades = DEFAULT_LOG_DECADES;
    spec->cursor = -1;
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
                            nqm_chart_fit fit)
{
    if (spec->nthresholds >= NQM_CHART_MAX_THRESHOLDS)
        return -1;
    nqm_chart_threshold *t = &spec->threshold[spec->nthresholds];
    t->value = value;
    t->label = label;
    t->color = color;
    t->fit = fit;
    t->hist = NULL;
    t->series = 0;
    return spec->nthresholds++;
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
    case NQM_LINE_DASHDOT: /* 6 on, 2 off, 2 on, 2 off */
        return j % 12 < 6 || (j % 12 >= 8 && j % 12 < 10);
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

/* Where a column lies wholly off the axis: 1 above, -1 below, else 0.
 * (On a log axis a column of values <= 0 only is on neither side: it
 * sits on the bottom row, noted "≤0".) */
static int column_off_axis(const chart_ctx *c, const column *col)
{
    double lo = axis_value(c, col->lo), hi = axis_value(c, col->hi);
    if (lo > c->hi)
        return 1;
    if (hi < c->lo)
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

/* A column drawn to an edge it goes beyond gets that edge's arrow (in
 * place of the dots of its edge cell): the curve goes on off the axis. */
static void mark_beyond(chart_ctx *c, const nqm_chart_series *s, int j, const column *col)
{
    if (axis_value(c, col->hi) > c->hi)
        mark_off_axis(c, s, j, 1);
    if (axis_value(c, col->lo) < c->lo)
        mark_off_axis(c, s, j, -1);
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
        mark_beyond(c, s, j, col);
        mark_overflow(c, s, j, col->flags);
        if (isfinite(col->last)) {
            jp = j;
            yp = value_dot_row(c, col->last);
        } else {
            jp = -1;
        }
    }
}

/* A series' mark on its curve: in the first cell from `from` on whose
 * dot columns hold a value on the axis, then every NQM_CHART_MARK_EVERY
 * cells (or the next cell with a value after that). */
static void draw_marks(chart_ctx *c, const nqm_chart_series *s, const column *cols, int from)
{
    int next = from;
    for (int j = 0; j < c->ndots; j++) {
        const column *col = &cols[j];
        double a = col->has && isfinite(col->last) ? axis_value(c, col->last) : NAN;
        if (j / 2 < next || isnan(a) || a < c->lo || a > c->hi)
            continue;
        nqm_canvas_put(c->cv, c->plot.x + j / 2, value_row(c, col->last), s->mark, s->color);
        next = j / 2 + NQM_CHART_MARK_EVERY;
    }
}

static int draw_all_series(chart_ctx *c)
{
    const nqm_chart_spec *s = c->spec;
    column *cols = malloc((size_t)c->ndots * sizeof *cols);
    if (!cols)
        return -1;
    int marked = 0, k = 0;
    for (int i = 0; i < s->nseries; i++) {
        fill_columns(c, &s->series[i], cols);
        draw_series(c, &s->series[i], cols);
        marked += s->series[i].mark != 0;
    }
    for (int i = 0; i < s->nseries; i++) { /* over all the dots, staggered */
        if (!s->series[i].mark)
            continue;
        fill_columns(c, &s->series[i], cols);
        draw_marks(c, &s->series[i], cols, k++ * NQM_CHART_MARK_EVERY / marked);
    }
    free(cols);
    return 0;
}

/* Whether value v lies on the axis (finite, inside the range). */
static int on_axis(const chart_ctx *c, double v)
{
    double a = isfinite(v) && !(c->log_y && !(v > 0)) ? axis_value(c, v) : NAN;
    return !isnan(a) && a >= c->lo && a <= c->hi;
}

/* A moving threshold: in every other cell, at its value over that cell's
 * steps (the last of them), where that is on the axis. */
static void draw_moving_threshold(chart_ctx *c, const nqm_chart_threshold *t)
{
    for (int x = 0; x < c->plot.w; x += 2) {
        long d0, d1;
        nqm_envelope e;
        if (!column_steps(c, 2 * x, &d0, &d1) ||
            !nqm_history_envelope(t->hist, t->series, c->t_first + d0, c->t_first + d1, &e) ||
            !on_axis(c, e.last))
            continue;
        nqm_canvas_put(c->cv, c->plot.x + x, value_row(c, e.last), GLYPH_THRESHOLD, t->color);
    }
}

static void draw_threshold_lines(chart_ctx *c)
{
    const nqm_chart_spec *s = c->spec;
    for (int i = 0; i < s->nthresholds; i++) {
        const nqm_chart_threshold *t = &s->threshold[i];
        if (t->hist) {
            draw_moving_threshold(c, t);
            continue;
        }
        if (!on_axis(c, t->value))
            continue;
        int row = value_row(c, t->value);
        for (int x = 0; x < c->plot.w; x += 2)
            nqm_canvas_put(c->cv, c->plot.x + x, row, GLYPH_THRESHOLD, t->color);
    }
}

/* Row a threshold's label wants: its line's, or the edge it is beyond
 * (with an arrow added to the text). */
static int threshold_label_row(chart_ctx *c, const nqm_chart_threshold *t, char *text, size_t len)
{
    double a = axis_value(c, t->value);
    const char *arrow = a > c->hi ? "\xE2\x86\x91" : a < c->lo ? "\xE2\x86\x93" : ""; /* ↑ ↓ */
    snprintf(text, len, "%s%s", t->label, arrow);
    return a > c->hi ? c->plot.y : a < c->lo ? c->plot.y + c->plot.h - 1 : value_row(c, t->value);
}

static int row_taken(const int *rows, int n, int row)
{
    for (int k = 0; k < n; k++)
        if (rows[k] == row)
            return 1;
    return 0;
}

/* Labels at the right end of each threshold line (or at the edge with an
 * arrow when the line is off the axis), after one blank cell. A label
 * whose row another took moves to the nearest free row within two; with
 * none free it is left out rather than written over the other. */
static void draw_threshold_labels(chart_ctx *c)
{
    const nqm_chart_spec *s = c->spec;
    int rows[NQM_CHART_MAX_THRESHOLDS], nrows = 0;
    static const int moves[] = {0, -1, 1, -2, 2};
    for (int i = 0; i < s->nthresholds; i++) {
        const nqm_chart_threshold *t = &s->threshold[i];
        if (!isfinite(t->value) || !t->label || (c->log_y && !(t->value > 0)))
            continue;
        char text[64];
        int want = threshold_label_row(c, t, text, sizeof text);
        int w = nqm_text_width(text, nqm_canvas_glyphs(c->cv));
        int x = c->plot.x + c->plot.w - w;
        if (x - 1 < c->plot.x)
            continue;
        for (size_t m = 0; m < sizeof moves / sizeof moves[0]; m++) {
            int row = want + moves[m];
            if (row < c->plot.y || row >= c->plot.y + c->plot.h || row_taken(rows, nrows, row))
                continue;
            nqm_canvas_put(c->cv, x - 1, row, ' ', t->color);
            nqm_canvas_text(c->cv, x, row, text, t->color);
            rows[nrows++] = row;
            break;
        }
    }
}

/* ------------------------------------------------------ legend, notes */

/* A sample of the series' line, three cells, its mark in the middle. */
static void draw_legend_sample(chart_ctx *c, int x, int y, const nqm_chart_series *s)
{
    for (int k = 0; k < 3; k++)
        if (style_on(s->style, 2 * k))
            for (int dx = 0; dx < 2; dx++)
                nqm_canvas_dot(c->cv, 2 * (x + k) + dx, 4 * y + 1, s->color);
    if (s->mark)
        nqm_canvas_put(c->cv, x + 1, y, s->mark, s->color);
}

/* Cells the legend takes from its first column: full, each entry
 * " sss label ", or compact, each " m label" (m: the mark, or a sample
 * cell). */
static int legend_width(const chart_ctx *c, int compact)
{
    nqm_glyphs g = nqm_canvas_glyphs(c->cv);
    int w = 0;
    for (int i = 0; i < c->spec->nseries; i++) {
        const char *label = c->spec->series[i].label;
        if (label && *label)
            w += (compact ? 3 : 6) + nqm_text_width(label, g);
    }
    return w;
}

/* The legend after the title: full when it fits, else compact; when even
 * that does not fit, the title's end gives way to it (at least 3 cells
 * of the title are left). */
static void draw_legend(chart_ctx *c)
{
    const nqm_chart_spec *s = c->spec;
    nqm_glyphs g = nqm_canvas_glyphs(c->cv);
    int x = title_end(c) + 1, right = c->frame.x + c->frame.w - 1;
    int compact = x + legend_width(c, 0) > right;
    if (compact && x + legend_width(c, 1) > right && right - legend_width(c, 1) >= c->frame.x + 5)
        x = right - legend_width(c, 1);
    for (int i = 0; i < s->nseries; i++) {
        const nqm_chart_series *se = &s->series[i];
        if (!se->label || !*se->label)
            continue;
        int sample = compact ? 1 : 3, w = 1 + sample + 1 + nqm_text_width(se->label, g) + !compact;
        if (x + w > right)
            return;
        for (int k = 0; k < w; k++)
            nqm_canvas_put(c->cv, x + k, c->frame.y, ' ', NQM_COLOR_AXIS);
        if (compact && se->mark)
            nqm_canvas_put(c->cv, x + 1, c->frame.y, se->mark, se->color);
        else if (compact)
            nqm_canvas_dot(c->cv, 2 * (x + 1), 4 * c->frame.y + 1, se->color);
        else
            draw_legend_sample(c, x + 1, c->frame.y, se);
        nqm_canvas_text(c->cv, x + 2 + sample, c->frame.y, se->label, se->color);
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

/* The bottom frame row's note at its right end: " ≤0 " when a log axis
 * met values <= 0, " ↓1.6e-11 " (the smallest value) when it was cut
 * short; empty when neither. */
static void bottom_note(const chart_ctx *c, char *buf, size_t len)
{
    char cut[48] = "";
    if (!isnan(c->cut_below)) {
        char num[32];
        snprintf(num, sizeof num, "%.2g", c->cut_below);
        nqm_compact_exponent(num);
        snprintf(cut, sizeof cut, " \xE2\x86\x93%s", num); /* ↓ */
    }
    snprintf(buf, len, "%s%s%s",
             c->clamped_nonpositive ? " \xE2\x89\xA4"
                                      "0"
                                    : "",
             cut, c->clamped_nonpositive || cut[0] ? " " : ""); /* ≤ */
}

/* Writes the note; returns the column step labels must stay left of. */
static int draw_bottom_note(chart_ctx *c)
{
    int right = c->frame.x + c->frame.w - 1;
    char note[64];
    bottom_note(c, note, sizeof note);
    int w = nqm_text_width(note, nqm_canvas_glyphs(c->cv));
    if (w == 0 || right - w < c->plot.x)
        return right;
    nqm_canvas_text(c->cv, right - w, c->frame.y + c->frame.h - 1, note, NQM_COLOR_WARNING);
    return right - w;
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

/* The cells the y labels take: at least the spec's label_width, none
 * when that leaves too little of the plot. */
static int labels_room(const chart_ctx *c, int label_w)
{
    int inner_w = c->frame.w - 2;
    if (c->spec->label_width > label_w)
        label_w = c->spec->label_width;
    if (label_w > MAX_YLABEL || label_w + 1 > inner_w / 3)
        label_w = 0;
    return label_w;
}

/* Place the plot inside the frame once the y labels' width is known. */
static void place_plot(chart_ctx *c, int inner_h, int label_w)
{
    nqm_rect f = c->frame;
    int inner_w = f.w - 2;
    c->plot.x = f.x + 1 + label_w + 1;
    c->plot.w = inner_w - label_w - 1;
    c->plot.y = f.y + 1;
    c->plot.h = c->band_row >= 0 ? inner_h - 1 : inner_h;
    c->ndots = 2 * c->plot.w;
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
    info->label_width = c->plot.x - c->frame.x - 2;
    info->nyticks = t->n;
    for (int i = 0; i < t->n; i++) {
        info->ytick[i] = t->value[i];
        info->ytick_row[i] = t->row[i];
    }
    info->clamped = c->clamped_nonpositive;
    info->cut_below = c->cut_below;
}

/* The cursor: a dotted column at its step through the plot's empty
 * cells, over the data's gaps but never over a dot. */
static void draw_cursor(chart_ctx *c)
{
    long t = c->spec->cursor;
    if (t < 0 || c->t_first < 0 || t < c->t_first || t > c->t_last)
        return;
    int x = c->plot.x + step_dot_column(c, t) / 2;
    for (int y = c->plot.y; y < c->plot.y + c->plot.h; y++) {
        const nqm_cell *cell = nqm_canvas_cell(c->cv, x, y);
        if (cell && cell->ch == ' ')
            nqm_canvas_put(c->cv, x, y, GLYPH_CURSOR, NQM_COLOR_TITLE);
    }
}

/* The plot's geometry up to the y ticks: the band row, then the plot
 * with the widest labels (the ticks' rows depend only on its height).
 * Returns 0 when no plot fits. */
static int lay_out_ticks(chart_ctx *c, ticks *t)
{
    int inner_h = c->frame.h - 2;
    c->band_row = c->spec->phase_hist && inner_h >= 4 ? c->frame.y + inner_h : -1;
    place_plot(c, inner_h, 0);
    if (c->plot.w < 2 || c->plot.h < 1) {
        c->plot.w = 0;
        return 0;
    }
    nqm_chart_y_axis(c, t);
    place_plot(c, inner_h, labels_room(c, t->width));
    if (c->plot.w < 2) {
        c->plot.w = 0;
        return 0;
    }
    return 1;
}

static int draw_inside(chart_ctx *c)
{
    ticks t;
    if (!lay_out_ticks(c, &t))
        return 0;
    nqm_chart_draw_y_axis(c, &t, c->plot.x - c->frame.x - 2);
    draw_threshold_lines(c);
    if (c->t_first >= 0 && draw_all_series(c) != 0)
        return -1;
    draw_threshold_labels(c);
    draw_cursor(c);
    if (nqm_chart_draw_band(c) != 0)
        return -1;
    nqm_chart_draw_x_axis(c, draw_bottom_note(c));
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
    c.log_time = spec->log_time;
    c.info = info;
    c.band_row = -1;
    c.cut_below = NAN;
    if (info) {
        memset(info, 0, sizeof *info);
        info->band_row = -1;
        info->t_first = info->t_last = -1;
        info->cut_below = NAN;
        for (int k = 0; k < 4; k++)
            info->boundary_col[k] = -1;
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

int nqm_chart_label_width(nqm_rect r, const nqm_chart_spec *spec)
{
    chart_ctx c;
    memset(&c, 0, sizeof c);
    c.spec = spec;
    c.log_y = spec->log_y;
    c.log_time = spec->log_time;
    c.frame = r;
    if (r.w < 2 || r.h < 3)
        return 0;
    time_range(&c);
    ticks t;
    return lay_out_ticks(&c, &t) ? c.plot.x - c.frame.x - 2 : 0;
}
