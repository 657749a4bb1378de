/* test_golden.c: golden-text frames of the renderer.
 *
 * Each scene draws charts from histories of closed-form curves into a
 * canvas and compares glyphs and colours with golden/<scene>.txt. With
 * --write DIR it writes the frames instead (regen_goldens.sh does that):
 * a changed picture is then reviewed as a text diff. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/view/chart.h"
#include "nqmtop/view/layout.h"
#include "nqmtop/train/phase.h"

enum { S_LOSS, S_G, S_L1, S_L2, S_PHASE, NSERIES };

static const double ETA = 1.0; /* thresholds at 2 and 4 */

/* Step t of a catapult-shaped run over n steps: the loss climbs four
 * decades and falls, lambda1 falls from 2.6 to below 2/eta = 2. */
static void catapult(long t, long n, double *v)
{
    double x = 40.0 * (double)t / (double)n;
    v[S_LOSS] = 1e-2 * exp(0.9 * x) / (1 + exp(1.5 * (x - 12))) + 1e-5;
    v[S_G] = sqrt(2 * v[S_LOSS]) * cos(2.0 * x);
    v[S_L1] = 2.6 - 1.0 / (1 + exp(-(x - 11)));
    v[S_L2] = 1.3 + 0.05 * sin(x);
    v[S_PHASE] = x < 8 ? PHASE_INCREASING : x < 14 ? PHASE_PEAK : PHASE_DECREASING;
}

static nqm_history *catapult_history(long n, long capacity)
{
    nqm_series_kind kinds[NSERIES] = {NQM_SERIES_VALUE, NQM_SERIES_VALUE, NQM_SERIES_VALUE,
                                      NQM_SERIES_VALUE, NQM_SERIES_LABEL};
    nqm_history *h = nqm_history_new(NSERIES, kinds, capacity);
    for (long t = 0; h && t < n; t++) {
        double v[NSERIES];
        catapult(t, n, v);
        nqm_history_push(h, t, v);
    }
    return h;
}

/* Boundaries of catapult(): x = 8, 11, 14, 17 in step units. */
static void catapult_boundaries(nqm_chart_spec *s, long n)
{
    static const double x[4] = {8, 11, 14, 17};
    for (int k = 0; k < 4; k++)
        s->boundary[k] = (long)(x[k] / 40.0 * (double)n);
}

static void spec_series(nqm_chart_spec *s, const char *title, const nqm_history *h, int series,
                        long n)
{
    nqm_chart_spec_init(s, title);
    nqm_chart_add_series(s, h, series, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
    s->phase_hist = h;
    s->phase_series = S_PHASE;
    catapult_boundaries(s, n);
}

static void add_eta_thresholds(nqm_chart_spec *s)
{
    nqm_chart_add_threshold(s, 2 / ETA, "2/η", NQM_COLOR_THRESHOLD2, 1);
    nqm_chart_add_threshold(s, 4 / ETA, "4/η", NQM_COLOR_THRESHOLD4, 1);
}

/* ------------------------------------------------------------- scenes */

static int scene_loss_log(nqm_canvas *cv)
{
    const long n = 5000;
    nqm_history *h = catapult_history(n, 256);
    nqm_chart_spec s;
    spec_series(&s, "loss (log)", h, S_LOSS, n);
    s.log_y = 1;
    int rc = nqm_chart_draw(cv, (nqm_rect){0, 0, 72, 16}, &s, NULL);
    nqm_history_free(h);
    return rc;
}

static int scene_lambda(nqm_canvas *cv)
{
    const long n = 400;
    nqm_history *h = catapult_history(n, 1024);
    nqm_chart_spec s;
    spec_series(&s, "λ1(t)", h, S_L1, n);
    add_eta_thresholds(&s);
    int rc = nqm_chart_draw(cv, (nqm_rect){0, 0, 64, 14}, &s, NULL);
    nqm_history_free(h);
    return rc;
}

/* g(t) with NaN steps in the middle and a run that overflows at the end. */
static int scene_gaps(nqm_canvas *cv)
{
    nqm_history *h = nqm_history_new(1, NULL, 64);
    for (long t = 0; h && t < 50; t++) {
        double v = t >= 18 && t < 26 ? NAN
                   : t == 49         ? INFINITY
                                     : 3 * sin(0.3 * (double)t) + 0.1 * (double)t;
        nqm_history_push(h, t, &v);
    }
    nqm_chart_spec s;
    nqm_chart_spec_init(&s, "g(t)");
    nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
    int rc = nqm_chart_draw(cv, (nqm_rect){0, 0, 60, 12}, &s, NULL);
    nqm_history_free(h);
    return rc;
}

/* 10^5 steps in 512 buckets: the one-step spike at step 61803 stays. */
static int scene_spike(nqm_canvas *cv)
{
    nqm_history *h = nqm_history_new(1, NULL, 512);
    for (long t = 0; h && t < 100000; t++) {
        double v = t == 61803 ? 50 : 1 + 0.5 * sin(2e-4 * (double)t);
        nqm_history_push(h, t, &v);
    }
    nqm_chart_spec s;
    nqm_chart_spec_init(&s, "loss");
    nqm_chart_add_series(&s, h, 0, NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
    int rc = nqm_chart_draw(cv, (nqm_rect){0, 0, 60, 10}, &s, NULL);
    nqm_history_free(h);
    return rc;
}

/* Compare mode: f, f_quad and f_lin from three histories. */
static int scene_compare(nqm_canvas *cv)
{
    static const char *names[3] = {"f", "f_quad", "f_lin"};
    static const double growth[3] = {0.0, 0.04, 0.09};
    nqm_history *h[3];
    for (int k = 0; k < 3; k++) {
        h[k] = nqm_history_new(1, NULL, 128);
        for (long t = 0; h[k] && t < 120; t++) {
            double v = exp(growth[k] * (double)t) * cos(0.15 * (double)t);
            nqm_history_push(h[k], t, &v);
        }
    }
    nqm_chart_spec s;
    nqm_chart_spec_init(&s, "g(t)");
    for (int k = 0; k < 3; k++)
        nqm_chart_add_series(&s, h[k], 0, (nqm_color)(NQM_COLOR_SERIES1 + k), (nqm_line_style)k,
                             names[k]);
    s.log_y = 0;
    int rc = nqm_chart_draw(cv, (nqm_rect){0, 0, 72, 14}, &s, NULL);
    for (int k = 0; k < 3; k++)
        nqm_history_free(h[k]);
    return rc;
}

/* Charts at and below the smallest useful sizes. */
static int scene_tiny(nqm_canvas *cv)
{
    const long n = 300;
    nqm_history *h = catapult_history(n, 64);
    static const nqm_rect rects[] = {{0, 0, 6, 3},   {7, 0, 10, 4}, {18, 0, 14, 5},
                                     {33, 0, 20, 6}, {0, 6, 24, 7}, {25, 6, 28, 8}};
    int rc = 0;
    for (size_t i = 0; i < sizeof rects / sizeof rects[0] && rc == 0; i++) {
        nqm_chart_spec s;
        spec_series(&s, "λ1(t)", h, S_L1, n);
        add_eta_thresholds(&s);
        rc = nqm_chart_draw(cv, rects[i], &s, NULL);
    }
    nqm_history_free(h);
    return rc;
}

/* A whole 80 x 24 screen as the UI lays it out. */
static int scene_screen(nqm_canvas *cv)
{
    const long n = 900;
    nqm_history *h = catapult_history(n, 4096);
    nqm_layout l;
    nqm_layout_compute(nqm_canvas_width(cv), nqm_canvas_height(cv), &l);
    nqm_canvas_text(cv, 0, 0, "nqmtop  catapult-1d  quad·relu  m=1000  ½Σ loss  η=1",
                    NQM_COLOR_STATUS);
    nqm_canvas_text(cv, 0, 1, "step 899", NQM_COLOR_STATUS);
    nqm_canvas_text(cv, 0, l.keys.y, " space pause  +/- η  ? help  q quit", NQM_COLOR_STATUS);
    nqm_chart_spec s[4];
    spec_series(&s[0], "loss (log)", h, S_LOSS, n);
    s[0].log_y = 1;
    spec_series(&s[1], "g(t)", h, S_G, n);
    spec_series(&s[2], "λ1(t)", h, S_L1, n);
    add_eta_thresholds(&s[2]);
    spec_series(&s[3], "λ2(t)", h, S_L2, n);
    s[3].nseries = 0;
    s[3].note = "(n = 1: one eigenvalue)";
    int rc = 0;
    for (int i = 0; i < l.ncharts && rc == 0; i++)
        rc = nqm_chart_draw(cv, l.chart[i], &s[i], NULL);
    nqm_history_free(h);
    return rc;
}

typedef struct {
    const char *name;
    int w, h;
    nqm_glyphs glyphs;
    int (*draw)(nqm_canvas *cv);
} scene;

static const scene scenes[] = {
    {"loss_log_braille", 72, 16, NQM_GLYPHS_UNICODE, scene_loss_log},
    {"loss_log_ascii", 72, 16, NQM_GLYPHS_ASCII, scene_loss_log},
    {"lambda_thresholds_braille", 64, 14, NQM_GLYPHS_UNICODE, scene_lambda},
    {"lambda_thresholds_ascii", 64, 14, NQM_GLYPHS_ASCII, scene_lambda},
    {"nan_gaps_braille", 60, 12, NQM_GLYPHS_UNICODE, scene_gaps},
    {"nan_gaps_ascii", 60, 12, NQM_GLYPHS_ASCII, scene_gaps},
    {"spike_compressed_braille", 60, 10, NQM_GLYPHS_UNICODE, scene_spike},
    {"compare_legend_braille", 72, 14, NQM_GLYPHS_UNICODE, scene_compare},
    {"compare_legend_ascii", 72, 14, NQM_GLYPHS_ASCII, scene_compare},
    {"tiny_charts_braille", 53, 14, NQM_GLYPHS_UNICODE, scene_tiny},
    {"screen_80x24_braille", 80, 24, NQM_GLYPHS_UNICODE, scene_screen},
    {"screen_80x24_ascii", 80, 24, NQM_GLYPHS_ASCII, scene_screen},
};

/* ------------------------------------------------------------ frames */

/* The frame as text: glyph rows, then one colour letter per cell. */
static char *frame_text(const nqm_canvas *cv, const scene *sc)
{
    static const char colour_letters[] = ".abcdefghijklmnopqrstuvwxyz";
    size_t cap = 256 + (size_t)sc->h * ((size_t)sc->w * 5 + 2);
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t n = (size_t)snprintf(out, cap, "# %s: %dx%d %s\n", sc->name, sc->w, sc->h,
                                sc->glyphs == NQM_GLYPHS_ASCII ? "ascii" : "braille");
    for (int y = 0; y < sc->h; y++) {
        n += nqm_canvas_row_text(cv, y, out + n, cap - n);
        out[n++] = '\n';
    }
    n += (size_t)snprintf(out + n, cap - n, "# colours\n");
    for (int y = 0; y < sc->h; y++) {
        for (int x = 0; x < sc->w; x++) {
            int c = nqm_canvas_cell(cv, x, y)->color;
            out[n++] = c < (int)sizeof colour_letters - 1 ? colour_letters[c] : '?';
        }
        out[n++] = '\n';
    }
    out[n] = '\0';
    return out;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *more = realloc(buf, cap *= 2);
        if (!more) {
            free(buf);
            buf = NULL;
        }
        buf = more;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* Line number (from 1) of the first difference, 0 when equal. */
static int first_difference(const char *a, const char *b)
{
    int line = 1;
    for (; *a && *a == *b; a++, b++)
        line += *a == '\n';
    return *a == *b ? 0 : line;
}

static int check_scene(const scene *sc, const char *dir, int write)
{
    nqm_canvas *cv = nqm_canvas_new(sc->w, sc->h, sc->glyphs);
    if (!cv || sc->draw(cv) != 0) {
        fprintf(stderr, "%s: out of memory\n", sc->name);
        nqm_canvas_free(cv);
        return 1;
    }
    char *got = frame_text(cv, sc);
    nqm_canvas_free(cv);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.txt", dir, sc->name);
    int bad = 0;
    if (write) {
        FILE *f = fopen(path, "wb");
        bad = !f || !got || fputs(got, f) < 0;
        bad |= f && fclose(f) != 0;
        if (bad)
            fprintf(stderr, "%s: cannot write\n", path);
    } else {
        char *want = read_file(path);
        int line = want && got ? first_difference(got, want) : -1;
        if (line) {
            bad = 1;
            if (line < 0)
                fprintf(stderr, "%s: cannot read the golden frame\n", path);
            else
                fprintf(stderr, "%s:%d: frame differs from the golden one; drawn:\n%s", path, line,
                        got);
        }
        free(want);
    }
    free(got);
    return bad;
}

int main(int argc, char **argv)
{
    int write = argc == 3 && !strcmp(argv[1], "--write");
    if (argc != 2 && !write) {
        fprintf(stderr, "usage: %s GOLDEN_DIR | --write GOLDEN_DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[argc - 1];
    int failed = 0;
    for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; i++)
        failed += check_scene(&scenes[i], dir, write);
    if (failed)
        fprintf(stderr, "test_golden: %d of %zu frames differ (see regen_goldens.sh)\n", failed,
                sizeof scenes / sizeof scenes[0]);
    else
        printf("test_golden: %zu frames %s\n", sizeof scenes / sizeof scenes[0],
               write ? "written" : "match");
    return failed ? 1 : 0;
}
