/* plot.c: run and sweep figures as SVG (plot.h). Every chart is a panel
 * of a frame, axes with "nice" ticks (1, 2, 5 times a power of ten, or
 * decades on a log scale), polylines broken where a value is not finite
 * (or not positive on a log scale), and a legend; numbers in the C
 * locale (the callers switch to it). */
#include "nqmtop/out/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/train/phase.h"

/* ---- sizes ------------------------------------------------------------------------- */

int nqm_plot_size_parse(const char *s, nqm_plot_size *out, char *err, size_t errlen)
{
    int w, h;
    char end;
    if (s[0] == '\0')
        w = 720, h = 540;
    else if (strcmp(s, "column") == 0)
        w = 360, h = 420;
    else if (strcmp(s, "slide") == 0)
        w = 1280, h = 720;
    else if (sscanf(s, "%dx%d%c", &w, &h, &end) != 2 || w < 200 || h < 200 || w > 4000 ||
             h > 4000) {
        snprintf(err, errlen,
                 "--plot-size: '%.40s' is not WxH (200 to 4000 pixels each), column or slide", s);
        return -1;
    }
    out->width = w;
    out->height = h;
    return 0;
}

/* ---- the records of a run ------------------------------------------------------------ */

struct nqm_plot_run {
    int eigs, test;
    nqm_record *kept; /* (NQM_PLOT_MAX_POINTS) */
    int count;
    long stride;        /* records per kept one */
    nqm_record pending; /* the best of the stride being gathered */
    long pending_count; /* records in it */
};

nqm_plot_run *nqm_plot_run_new(int eigs, int test)
{
    nqm_plot_run *p = calloc(1, sizeof *p);
    if (p && !(p->kept = malloc(NQM_PLOT_MAX_POINTS * sizeof *p->kept))) {
        free(p);
        return NULL;
    }
    if (p) {
        p->eigs = eigs;
        p->test = test;
        p->stride = 1;
    }
    return p;
}

void nqm_plot_run_free(nqm_plot_run *p)
{
    if (p)
        free(p->kept);
    free(p);
}

/* Of two records, the one a merged point shows: the higher loss (a
 * non-finite one first). */
static const nqm_record *higher(const nqm_record *a, const nqm_record *b)
{
    if (!isfinite(b->loss) || (isfinite(a->loss) && b->loss > a->loss))
        return b;
    return a;
}

/* Halve the kept records, pair by pair. */
static void merge_pairs(nqm_plot_run *p)
{
    int n = 0;
    for (int i = 0; i + 1 < p->count; i += 2)
        p->kept[n++] = *higher(&p->kept[i], &p->kept[i + 1]);
    if (p->count % 2)
        p->kept[n++] = p->kept[p->count - 1];
    p->count = n;
    p->stride *= 2;
}

void nqm_plot_run_add(nqm_plot_run *p, const nqm_record *r)
{
    p->pending = p->pending_count ? *higher(&p->pending, r) : *r;
    if (++p->pending_count < p->stride)
        return;
    if (p->count == NQM_PLOT_MAX_POINTS)
        merge_pairs(p);
    p->kept[p->count++] = p->pending;
    p->pending_count = 0;
}

/* ---- drawing ------------------------------------------------------------------------ */

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                      "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
enum { PALETTE = 8, BAND_GAP = 2, MAX_TICKS = 40 /* per axis, whatever the range */ };

typedef struct {
    FILE *f;
    int id;              /* the panel's clip path: clip<id> */
    double x0, y0, w, h; /* the plot area, in pixels */
    double xlo, xhi;     /* data range of x */
    double ylo, yhi;     /* data range of y (log10 of it on a log scale) */
    int xlog, ylog;
    int font;
} panel;

static void put_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else
            fputc(*s, f);
    }
}

static double px(const panel *p, double x)
{
    double v = p->xlog ? log10(x) : x;
    return p->x0 + (p->xhi > p->xlo ? (v - p->xlo) / (p->xhi - p->xlo) : 0.5) * p->w;
}

static double py(const panel *p, double y)
{
    double v = p->ylog ? log10(y) : y;
    return p->y0 + p->h - (p->yhi > p->ylo ? (v - p->ylo) / (p->yhi - p->ylo) : 0.5) * p->h;
}

/* Whether a value has a place on the axis. */
static int drawable(double v, int log_scale) { return isfinite(v) && (!log_scale || v > 0); }

/* The range [lo, hi] widened a little (or around a single value), on the
 * axis' scale. */
static void fit_range(double lo, double hi, int log_scale, double *out_lo, double *out_hi)
{
    if (!(lo <= hi)) {
        lo = log_scale ? 1 : 0;
        hi = log_scale ? 10 : 1;
    }
    if (log_scale) {
        lo = log10(lo);
        hi = log10(hi);
    }
    /* a span below 1e-9 of the values (rounding between runs) is one value */
    int one = !(hi - lo > 1e-9 * fmax(fabs(lo), fabs(hi)));
    double pad = !one ? 0.05 * (hi - lo) : (lo != 0 ? 0.1 * fabs(lo) : 0.5);
    *out_lo = lo - pad;
    *out_hi = hi + pad;
}

/* A tick step of 1, 2 or 5 times a power of ten giving about `ticks`
 * ticks. */
static double tick_step(double span, double ticks)
{
    double raw = span / ticks, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return mag * (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10);
}

static void tick_label(char *buf, size_t len, double v, double step)
{
    snprintf(buf, len, "%.4g", fabs(v) < 1e-9 * step ? 0.0 : v);
}

/* One tick at v (a value on the data scale) along x or y, labelled. */
static void draw_tick(const panel *p, int yaxis, double v, double step)
{
    char buf[32];
    tick_label(buf, sizeof buf, v, step);
    if (yaxis) {
        double y = py(p, v);
        fprintf(p->f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                p->x0 - 4, y, p->x0, y, p->x0 - 6, y + p->font / 3.0, buf);
    } else {
        double x = px(p, v);
        fprintf(p->f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                x, p->y0 + p->h, x, p->y0 + p->h + 4, x, p->y0 + p->h + 5 + p->font, buf);
    }
}

/* The ticks of one axis over [lo, hi] (log10 of the values on a log
 * scale): multiples of a nice step, or on a log scale decades (1, 2 and 5
 * times them when the axis spans less than two, evenly spaced values
 * within one). */
static void draw_ticks(const panel *p, int yaxis, double lo, double hi, int log_scale)
{
    double ticks = fmax(2, fmin(8, (yaxis ? p->h / (2.5 * p->font) : p->w / (6.0 * p->font))));
    if (!log_scale) {
        double step = tick_step(hi - lo, ticks), first = ceil(lo / step) * step;
        for (int k = 0; k <= MAX_TICKS && first + k * step <= hi + 1e-9 * step; k++)
            draw_tick(p, yaxis, first + k * step, step);
        return;
    }
    if (hi - lo < 1) { /* within a decade: evenly spaced values */
        double vlo = pow(10, lo), vhi = pow(10, hi), step = tick_step(vhi - vlo, ticks);
        double first = ceil(vlo / step) * step;
        for (int k = 0; k <= MAX_TICKS && first + k * step <= vhi; k++)
            draw_tick(p, yaxis, first + k * step, step);
        return;
    }
    double every = fmax(1, ceil(tick_step(hi - lo, ticks)));
    int fine = hi - lo < 2;
    for (double e = ceil(floor(lo) / every) * every; e <= hi; e += fine ? 1 : every)
        for (int m = 1; m <= (fine ? 5 : 1); m += m == 1 ? 1 : 3) {
            double t = e + log10(m);
            if (t >= lo && t <= hi)
                draw_tick(p, yaxis, pow(10, t), 0);
        }
}

/* The frame, the ticks along y (at the left) and, when labelled, along x
 * (at the bottom), and the axis labels. */
static void draw_axes(const panel *p, const char *ylabel, const char *xlabel)
{
    FILE *f = p->f;
    fprintf(f,
            "<clipPath id=\"clip%d\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
            "height=\"%.1f\"/></clipPath>\n"
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
            "stroke=\"#444\" stroke-width=\"1\"/>\n",
            p->id, p->x0, p->y0, p->w, p->h, p->x0, p->y0, p->w, p->h);
    draw_ticks(p, 1, p->ylo, p->yhi, p->ylog);
    if (xlabel)
        draw_ticks(p, 0, p->xlo, p->xhi, p->xlog);
    fprintf(f, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\">",
            p->x0 - 3.6 * p->font, p->y0 + p->h / 2);
    put_text(f, ylabel);
    fputs("</text>\n", f);
    if (xlabel) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", p->x0 + p->w / 2,
                p->y0 + p->h + 2.4 * p->font + 4);
        put_text(f, xlabel);
        fputs("</text>\n", f);
    }
}

/* A curve of n points (x[i], y[i] with a stride in doubles), broken where
 * a point has no place. */
static void draw_curve(const panel *p, const double *x, const double *y, int n, size_t stride,
                       const char *colour, const char *dash, int markers)
{
    FILE *f = p->f;
    int open = 0;
    for (int i = 0; i < n; i++) {
        double xv = x[i * stride], yv = y[i * stride];
        if (!drawable(xv, p->xlog) || !drawable(yv, p->ylog)) {
            if (open)
                fputs("\"/>\n", f);
            open = 0;
            continue;
        }
        if (!open)
            fprintf(f,
                    "<polyline clip-path=\"url(#clip%d)\" fill=\"none\" stroke=\"%s\" "
                    "stroke-width=\"1.5\"%s%s%s points=\"",
                    p->id, colour, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
                    dash ? "\"" : "");
        fprintf(f, "%s%.2f,%.2f", open ? " " : "", px(p, xv), py(p, yv));
        open = 1;
    }
    if (open)
        fputs("\"/>\n", f);
    for (int i = 0; markers && i < n; i++)
        if (drawable(x[i * stride], p->xlog) && drawable(y[i * stride], p->ylog))
            fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>\n",
                    px(p, x[i * stride]), py(p, y[i * stride]), colour);
}

/* The legend: entries in a row at the top right of the panel. */
static void draw_legend(const panel *p, const char *const *names, const char *const *colours,
                        const char *const *dashes, int count)
{
    double x = p->x0 + p->w - 4;
    for (int i = count - 1; i >= 0; i--) {
        double wtext = 0.6 * p->font * (double)strlen(names[i]);
        x -= wtext;
        fprintf(p->f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\">", x, p->y0 + p->font + 2,
                p->font - 1);
        put_text(p->f, names[i]);
        fputs("</text>", p->f);
        x -= 22;
        fprintf(p->f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"2\"%s%s%s/>\n",
                x, p->y0 + p->font - 1.0, x + 18, p->y0 + p->font - 1.0, colours[i],
                dashes[i] ? " stroke-dasharray=\"" : "", dashes[i] ? dashes[i] : "",
                dashes[i] ? "\"" : "");
        x -= 10;
    }
}

/* The range of the finite (positive on a log scale) values y[i * stride]. */
static void value_range(const double *y, int n, size_t stride, int log_scale, double *lo,
                        double *hi)
{
    for (int i = 0; i < n; i++)
        if (drawable(y[i * stride], log_scale)) {
            *lo = fmin(*lo, y[i * stride]);
            *hi = fmax(*hi, y[i * stride]);
        }
}

static void open_svg(FILE *f, const nqm_plot_info *info, int font)
{
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, "
            "sans-serif\" font-size=\"%d\">\n<title>",
            info->size.width, info->size.height, info->size.width, info->size.height, font);
    put_text(f, info->title);
    fputs("</title>\n", f);
    if (info->metadata) {
        fputs("<metadata>", f);
        put_text(f, info->metadata);
        fputs("</metadata>\n", f);
    }
    /* the title's font fits its length in the width, at most font + 1 */
    double fit = (info->size.width - 8) / (0.56 * (double)strlen(info->title) + 1);
    fprintf(f,
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"%.1f\">",
            info->size.width / 2, font + 6, fmin(font + 1, fit));
    put_text(f, info->title);
    fputs("</text>\n", f);
}

static int close_svg(FILE *f)
{
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}

/* The font size for a figure: 11 at 720 pixels wide, 9 to 16. */
static int font_for(const nqm_plot_size *size)
{
    int font = (int)lround(11.0 * size->width / 720.0);
    return font < 9 ? 9 : font > 16 ? 16 : font;
}

/* Panel k of count stacked in the figure (the frame's margins left for
 * the axes, band pixels above the first). */
static panel stack(FILE *f, const nqm_plot_info *info, int font, int k, int count, double band)
{
    double left = 5.0 * font, right = 12, top = 2.0 * font + 10 + band, bottom = 3.2 * font + 8;
    double gap = 1.2 * font, h = (info->size.height - top - bottom - gap * (count - 1)) / count;
    panel p;
    memset(&p, 0, sizeof p);
    p.f = f;
    p.x0 = left;
    p.y0 = top + k * (h + gap);
    p.w = info->size.width - left - right;
    p.h = h;
    p.font = font;
    p.id = k;
    return p;
}

/* ---- the run figure ------------------------------------------------------------------ */

static const char *phase_colour(nqm_phase ph)
{
    static const char *const colours[PHASE_COUNT] = {
        [PHASE_MONOTONE] = "#cfd8dc", [PHASE_INCREASING] = "#ffcc80",
        [PHASE_PEAK] = "#ef5350",     [PHASE_DECREASING] = "#81c784",
        [PHASE_EDGE] = "#64b5f6",     [PHASE_OSCILLATING] = "#ba68c8",
        [PHASE_CHAOTIC] = "#ff8a65",  [PHASE_COLLAPSED] = "#a1887f",
        [PHASE_DIVERGENT] = "#424242"};
    return ph >= 0 && ph < PHASE_COUNT && colours[ph] ? colours[ph] : "#ffffff";
}

/* The strips of r's phases over the width of p, h high from top. */
static void draw_strips(const panel *p, const nqm_plot_run *r, double top, double h)
{
    for (int i = 0; i < r->count;) {
        int j = i;
        while (j + 1 < r->count && r->kept[j + 1].phase == r->kept[i].phase)
            j++;
        double x1 = px(p, (double)r->kept[i].step);
        double x2 = j + 1 < r->count ? px(p, (double)r->kept[j + 1].step) : p->x0 + p->w;
        fprintf(p->f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"/>\n",
                x1, top, fmax(x2 - x1, 0.5), h, phase_colour(r->kept[i].phase));
        i = j + 1;
    }
}

/* The phase band over the width of p, above it: one strip of h pixels per
 * run (named at its right end when there are several), and the key of
 * the phases present. */
static void draw_band(const panel *p, const nqm_plot_run *const *runs, const char *const *names,
                      int nruns, double h)
{
    FILE *f = p->f;
    double top = p->y0 - nruns * h - 4 - (nruns - 1) * BAND_GAP;
    int present[PHASE_COUNT] = {0};
    for (int k = 0; k < nruns; k++) {
        double at = top + k * (h + BAND_GAP);
        draw_strips(p, runs[k], at, h);
        if (nruns > 1) {
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"end\">",
                    p->x0 - 3, at + h, p->font - 3);
            put_text(f, names[k]);
            fputs("</text>\n", f);
        }
        for (int i = 0; i < runs[k]->count; i++)
            if (runs[k]->kept[i].phase >= 0 && runs[k]->kept[i].phase < PHASE_COUNT)
                present[runs[k]->kept[i].phase] = 1;
    }
    double x = p->x0;
    for (int ph = 0; ph < PHASE_COUNT; ph++) {
        if (!present[ph])
            continue;
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\">%s</text>\n",
                x, top - p->font - 1, phase_colour((nqm_phase)ph), x + 10, top - p->font + 7,
                p->font - 2, nqm_phase_name((nqm_phase)ph));
        x += 10 + 0.6 * (p->font - 2) * (double)strlen(nqm_phase_name((nqm_phase)ph)) + 12;
    }
}

/* The series of the run figure, each a value of every record. */
typedef enum {
    S_LOSS,
    S_TEST_LOSS,
    S_G,
    S_LAMBDA1,
    S_LAMBDA2,
    S_TWO_OVER_ETA,
    S_FOUR_OVER_ETA
} what;

typedef struct {
    const char *name;
    what what;
    const char *dash;
} series;

static double value_of(const nqm_record *r, what w)
{
    switch (w) {
    case S_LOSS:
        return r->loss;
    case S_TEST_LOSS:
        return r->test_loss;
    case S_G:
        return r->g;
    case S_LAMBDA1:
        return r->lambda[0];
    case S_LAMBDA2:
        return r->lambda[1];
    case S_TWO_OVER_ETA:
        return 2.0 / r->eta;
    default:
        return 4.0 / r->eta;
    }
}

/* The runs of a figure: one, or several drawn over each other (a
 * comparison of models), each with its name. */
typedef struct {
    const nqm_plot_run *const *runs;
    const char *const *names;
    int count;
} run_set;

/* How series i of run k is drawn: one run, a colour per series; several,
 * a colour per run and a dash per series (the legend then names the runs
 * in colour and the series in grey). */
static const char *series_colour(const run_set *rs, int i, int k)
{
    return palette[(rs->count > 1 ? k : i) % PALETTE];
}

static const char *series_dash(const run_set *rs, const series *s, int i)
{
    static const char *const dashes[] = {NULL, "6,3", "2,2", "8,2,2,2"};
    return rs->count > 1 ? dashes[i % 4] : s[i].dash;
}

/* The legend of a panel of the run figure. */
static void run_legend(const panel *p, const run_set *rs, const series *s, int count)
{
    const char *names[2 * PALETTE], *colours[2 * PALETTE], *dashes[2 * PALETTE];
    int n = 0;
    for (int k = 0; rs->count > 1 && k < rs->count && k < PALETTE; k++, n++) {
        names[n] = rs->names[k];
        colours[n] = palette[k % PALETTE];
        dashes[n] = NULL;
    }
    for (int i = 0; i < count && i < PALETTE; i++, n++) {
        names[n] = s[i].name;
        colours[n] = rs->count > 1 ? "#555555" : palette[i % PALETTE];
        dashes[n] = series_dash(rs, s, i);
    }
    draw_legend(p, names, colours, dashes, n);
}

/* A panel of the run figure: the series of every run against the step.
 * xy holds room for (NQM_PLOT_MAX_POINTS) pairs. */
static void run_panel(panel *p, const run_set *rs, const series *s, int count, const char *ylabel,
                      int last, double *xy)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int k = 0; k < rs->count; k++) {
        const nqm_plot_run *r = rs->runs[k];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < r->count; j++)
                xy[j] = value_of(&r->kept[j], s[i].what);
            value_range(xy, r->count, 1, p->ylog, &lo, &hi);
        }
    }
    fit_range(lo, hi, p->ylog, &p->ylo, &p->yhi);
    draw_axes(p, ylabel, last ? "step" : NULL);
    for (int k = 0; k < rs->count; k++) {
        const nqm_plot_run *r = rs->runs[k];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < r->count; j++) {
                xy[2 * j] = (double)r->kept[j].step;
                xy[2 * j + 1] = value_of(&r->kept[j], s[i].what);
            }
            draw_curve(p, xy, xy + 1, r->count, 2, series_colour(rs, i, k), series_dash(rs, s, i),
                       0);
        }
    }
    run_legend(p, rs, s, count);
}

/* The steps the runs span: [first, last], last > first. */
static void step_span(const run_set *rs, double *first, double *last)
{
    *first = INFINITY;
    *last = -INFINITY;
    for (int k = 0; k < rs->count; k++) {
        const nqm_plot_run *r = rs->runs[k];
        if (r->count) {
            *first = fmin(*first, (double)r->kept[0].step);
            *last = fmax(*last, (double)r->kept[r->count - 1].step);
        }
    }
    if (!isfinite(*first))
        *first = 0, *last = 1;
    if (!(*last > *first))
        *last = *first + 1;
}

int nqm_plot_runs_svg(FILE *f, const nqm_plot_run *const *runs, const char *const *names, int nruns,
                      const nqm_plot_info *info)
{
    if (nruns < 1)
        return -1;
    double *xy = malloc(2 * NQM_PLOT_MAX_POINTS * sizeof *xy);
    if (!xy)
        return -1;
    run_set rs = {runs, names, nruns};
    int font = font_for(&info->size);
    double band = 2.0 * font + 10 + (nruns - 1) * (8 + BAND_GAP);
    open_svg(f, info, font);
    double first, last;
    step_span(&rs, &first, &last);
    panel p[3];
    for (int k = 0; k < 3; k++) {
        p[k] = stack(f, info, font, k, 3, band);
        p[k].xlo = first;
        p[k].xhi = last;
    }
    int test = 0, eigs = 8;
    for (int k = 0; k < nruns; k++) {
        test |= runs[k]->test;
        eigs = runs[k]->eigs < eigs ? runs[k]->eigs : eigs;
    }
    p[0].ylog = 1;
    const series loss[] = {{"train loss", S_LOSS, NULL}, {"test loss", S_TEST_LOSS, "5,3"}};
    run_panel(&p[0], &rs, loss, test ? 2 : 1, "loss (log)", 0, xy);
    draw_band(&p[0], runs, names, nruns, 8);
    const series g[] = {{"g (first example)", S_G, NULL}};
    run_panel(&p[1], &rs, g, 1, "g", 0, xy);
    const series lam[] = {{"λ1", S_LAMBDA1, NULL},
                          {"λ2", S_LAMBDA2, NULL},
                          {"2/η", S_TWO_OVER_ETA, "5,3"},
                          {"4/η", S_FOUR_OVER_ETA, "2,2"}};
    const series lam1[] = {lam[0], lam[2], lam[3]};
    run_panel(&p[2], &rs, eigs >= 2 ? lam : lam1, eigs >= 2 ? 4 : 3, "kernel eigenvalues", 1, xy);
    free(xy);
    return close_svg(f);
}

int nqm_plot_run_svg(FILE *f, const nqm_plot_run *r, const nqm_plot_info *info)
{
    return nqm_plot_runs_svg(f, &r, NULL, 1, info);
}

/* ---- the sweep figure ------------------------------------------------------------------ */

static const char *regime_colour(nqm_regime g)
{
    static const char *const colours[REGIME_COUNT] = {
        [REGIME_UNDETERMINED] = "#e0e0e0", [REGIME_MONOTONE] = "#90a4ae",
        [REGIME_CATAPULT] = "#43a047",     [REGIME_SILENT_CATAPULT] = "#fbc02d",
        [REGIME_EDGE] = "#1e88e5",         [REGIME_OSCILLATING] = "#8e24aa",
        [REGIME_CHAOTIC] = "#f4511e",      [REGIME_COLLAPSED] = "#6d4c41",
        [REGIME_DIVERGENT] = "#212121"};
    return g >= 0 && g < REGIME_COUNT && colours[g] ? colours[g] : "#ffffff";
}

/* The value a sweep figure shows for a result: the best test loss, the
 * final loss without a test set; none for a divergent one without a
 * test set (its final loss is off any scale). */
static double shown(const nqm_sweep_result *res)
{
    if (res->n_test > 0)
        return res->field[NQM_SF_BEST_TEST_LOSS].mean;
    return res->regime == REGIME_DIVERGENT ? NAN : res->field[NQM_SF_FINAL_LOSS].mean;
}

/* Series of the sweep figure: one per model and value of a second axis. */
typedef struct {
    const nqm_sweep *sw;
    const nqm_sweep_result *res;
    const int *have;
    int points, models, along, across; /* along axis 0; across: the second axis' values */
} sweep_grid;

static const nqm_sweep_result *result_at(const sweep_grid *g, int i, int j, int k)
{
    int at = (i * g->across + j) * g->models + k;
    return g->have[at] ? &g->res[at] : NULL;
}

static void sweep_curves(panel *p, const sweep_grid *g, double eta_crit_x)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int at = 0; at < g->points * g->models; at++)
        if (g->have[at] && drawable(shown(&g->res[at]), 1)) {
            lo = fmin(lo, shown(&g->res[at]));
            hi = fmax(hi, shown(&g->res[at]));
        }
    fit_range(lo, hi, 1, &p->ylo, &p->yhi);
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(g->sw);
    int has_test = 0;
    for (int at = 0; at < g->points * g->models; at++)
        has_test |= g->have[at] && g->res[at].n_test > 0;
    draw_axes(p, has_test ? "best test loss (log)" : "final loss (log)", spec->axis[0].key);
    if (isfinite(eta_crit_x) && eta_crit_x >= (p->xlog ? pow(10, p->xlo) : p->xlo) &&
        eta_crit_x <= (p->xlog ? pow(10, p->xhi) : p->xhi)) {
        double x = px(p, eta_crit_x);
        fprintf(p->f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#777\" "
                "stroke-dasharray=\"4,3\"/><text x=\"%.1f\" y=\"%.1f\" "
                "font-size=\"%d\">η_crit</text>\n",
                x, p->y0, x, p->y0 + p->h, x + 3, p->y0 + p->h - 4, p->font - 1);
    }
    const char *names[16] = {0}, *colours[16] = {0}, *dashes[16] = {0};
    char labels[16][160];
    int count = 0;
    double *xy = malloc((size_t)g->along * 2 * sizeof *xy);
    for (int k = 0; xy && k < g->models; k++)
        for (int j = 0; j < g->across; j++) {
            for (int i = 0; i < g->along; i++) {
                const nqm_sweep_result *res = result_at(g, i, j, k);
                xy[2 * i] = nqm_sweep_axis_value(&spec->axis[0], i);
                xy[2 * i + 1] = res ? shown(res) : NAN;
            }
            const char *colour = palette[(k * g->across + j) % PALETTE];
            draw_curve(p, xy, xy + 1, g->along, 2, colour, NULL, 1);
            if (count < 16) {
                if (g->across > 1)
                    snprintf(labels[count], sizeof labels[count], "%s, %.40s = %.4g",
                             nqm_model_name(nqm_sweep_model(g->sw, k)), spec->axis[1].key,
                             nqm_sweep_axis_value(&spec->axis[1], j));
                else
                    snprintf(labels[count], sizeof labels[count], "%s",
                             nqm_model_name(nqm_sweep_model(g->sw, k)));
                names[count] = labels[count];
                colours[count] = colour;
                dashes[count++] = NULL;
            }
        }
    free(xy);
    draw_legend(p, names, colours, dashes, count);
}

/* The regime map: a row per model (and value of a second axis), a cell
 * per value along the first axis. */
static void regime_map(panel *p, const sweep_grid *g)
{
    FILE *f = p->f;
    int rows = g->models * g->across;
    double cw = p->w / g->along, ch = p->h / rows;
    fprintf(f,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
            "stroke=\"#444\"/>\n",
            p->x0, p->y0, p->w, p->h);
    for (int k = 0; k < g->models; k++)
        for (int j = 0; j < g->across; j++) {
            int row = k * g->across + j;
            for (int i = 0; i < g->along; i++) {
                const nqm_sweep_result *res = result_at(g, i, j, k);
                fprintf(f,
                        "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" "
                        "stroke=\"white\"><title>%s</title></rect>\n",
                        p->x0 + i * cw, p->y0 + row * ch, cw, ch,
                        res ? regime_colour(res->regime) : "#ffffff",
                        res ? nqm_regime_name(res->regime) : "not run");
            }
            fprintf(f,
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"%d\">%s</text>\n",
                    p->x0 - 4, p->y0 + (row + 0.5) * ch + p->font / 3.0, p->font - 1,
                    nqm_model_name(nqm_sweep_model(g->sw, k)));
        }
    int present[REGIME_COUNT] = {0};
    for (int at = 0; at < g->points * g->models; at++)
        if (g->have[at] && g->res[at].regime >= 0 && g->res[at].regime < REGIME_COUNT)
            present[g->res[at].regime] = 1;
    double x = p->x0;
    for (int r = 0; r < REGIME_COUNT; r++) {
        if (!present[r])
            continue;
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\" stroke=\"#444\" "
                "stroke-width=\"0.5\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\">%s</text>\n",
                x, p->y0 + p->h + 6, regime_colour((nqm_regime)r), x + 10, p->y0 + p->h + 14,
                p->font - 2, nqm_regime_name((nqm_regime)r));
        x += 22 + 0.6 * (p->font - 2) * (double)strlen(nqm_regime_name((nqm_regime)r));
    }
}

int nqm_plot_sweep_svg(FILE *f, const nqm_sweep *sw, const nqm_sweep_result *results,
                       const int *have, const nqm_plot_info *info)
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(sw);
    sweep_grid g = {sw,
                    results,
                    have,
                    nqm_sweep_points(sw),
                    nqm_sweep_models(sw),
                    spec->axis[0].count,
                    spec->naxes > 1 ? spec->axis[1].count : 1};
    int font = font_for(&info->size);
    open_svg(f, info, font);
    panel curves = stack(f, info, font, 0, 2, 0), map = stack(f, info, font, 1, 2, 0);
    curves.ylog = 1;
    curves.h += 0.4 * map.h;
    map.y0 += 0.4 * map.h + 2.0 * font;
    map.h -= 0.4 * map.h + 2.0 * font;
    curves.xlog = spec->axis[0].log;
    double first = nqm_sweep_axis_value(&spec->axis[0], 0);
    double last = nqm_sweep_axis_value(&spec->axis[0], g.along - 1);
    fit_range(fmin(first, last), fmax(first, last), curves.xlog, &curves.xlo, &curves.xhi);
    /* eta_crit on the axis: 1 for eta_rel, the runs' eta_crit for eta */
    double eta_crit_x = NAN;
    if (strcmp(spec->axis[0].key, "eta_rel") == 0)
        eta_crit_x = 1;
    else if (strcmp(spec->axis[0].key, "eta") == 0 && have[0])
        eta_crit_x = results[0].field[NQM_SF_ETA_CRIT].mean;
    sweep_curves(&curves, &g, eta_crit_x);
    map.xlo = curves.xlo;
    map.xhi = curves.xhi;
    regime_map(&map, &g);
    return close_svg(f);
}
