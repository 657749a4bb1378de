/* test_sweepview.c: the sweep view on made-up results (no runs).
 *   The regime map shows each grid point's regime character in its own
 *   cell, first axis across, second down, and the early-phase map each
 *   point's early phase (from its regime and catapult shares); the curve marks eta_crit and
 *   eta_max where the eta_rel axis has 1 and 2, and draws the loss of a
 *   point lower on the screen than a larger one; every size from 1 x 1 to
 *   140 x 45 draws without touching memory it should not (ASan); the
 *   bifurcation panel draws one row of dots where a point has one late
 *   value and two where it has two; the keys switch panels (the third only
 *   with late values) and models, close the help, and quit.
 *   Over losses from 1 down to 1e-40, at sizes from 40 x 8 to 140 x 40,
 *   the log axis's labels are powers of ten one stride of 1, 2, 5, 10 ...
 *   decades apart, each on its own row, the row where a point of that
 *   loss has its mark; a diverged run is an arrow on the top row, named in
 *   the legend; each model has its own mark, in the legend and at its
 *   points; the x tick labels never run into each other. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/check.h"
#include "nqmtop/app/sweeplive.h"
#include "nqmtop/view/sweepview.h"

enum { COLS = 12, ROWS = 2, MODELS = 2 };

static nqm_sweep_spec spec;
static nqm_sweep_result results[COLS * ROWS * MODELS];
static int have[COLS * ROWS * MODELS];
/* late values: one branch (0.5) below eta_crit, two (0 and 1) from it on */
static double late_values[COLS * ROWS * MODELS][2];
static nqm_late_series late[COLS * ROWS * MODELS];
static const nqm_model_kind models[MODELS] = {MODEL_QUAD, MODEL_LIN};

/* The regime the made-up results give: quad catapults in [1, 2), lin diverges from 1. */
static nqm_regime regime_of(int k, double rel)
{
    if (rel < 1)
        return REGIME_MONOTONE;
    return k == 1 || rel >= 2 ? REGIME_DIVERGENT : REGIME_CATAPULT;
}

static void make_results(void)
{
    char err[128];
    spec.naxes = 2;
    nqm_sweep_axis_parse("eta_rel=0.25:3:12", &spec.axis[0], err, sizeof err);
    nqm_sweep_axis_parse("width=100:1000:2", &spec.axis[1], err, sizeof err);
    spec.repeats = 1;
    for (int p = 0; p < COLS * ROWS; p++)
        for (int k = 0; k < MODELS; k++) {
            nqm_sweep_result *r = &results[p * MODELS + k];
            r->point = p;
            r->index[0] = p / ROWS;
            r->index[1] = p % ROWS;
            r->coord[0] = nqm_sweep_axis_value(&spec.axis[0], r->index[0]);
            r->coord[1] = nqm_sweep_axis_value(&spec.axis[1], r->index[1]);
            r->model = models[k];
            r->width = (long)r->coord[1];
            r->n_test = 10;
            r->repeats = 1;
            r->regime = regime_of(k, r->coord[0]);
            r->field[NQM_SF_BEST_TEST_LOSS].mean = 1.0 / (1 + r->coord[0]) + 0.01 * k;
            r->field[NQM_SF_ETA_CRIT].mean = 0.5;
            r->regimes[r->regime] = 1;
            r->field[NQM_SF_LOSS_CATAPULT].mean = r->coord[0] >= 1;
            r->field[NQM_SF_SHARPNESS_CATAPULT].mean = r->coord[0] >= 1.5;
            int two = r->coord[0] >= 1;
            late_values[p * MODELS + k][0] = two ? 0 : 0.5;
            late_values[p * MODELS + k][1] = two ? 1 : 0.5;
            late[p * MODELS + k] = (nqm_late_series){late_values[p * MODELS + k], 2, 99, 1};
            r->late = &late[p * MODELS + k];
            have[p * MODELS + k] = 1;
        }
}

/* A help overlay's lines, as the sweep session gives them. */
static const char *const help_lines[] = {"q      quit", "?      this help", NULL};

static nqm_sweep_view view(nqm_sweep_panel panel)
{
    nqm_sweep_view v;
    memset(&v, 0, sizeof v);
    v.spec = &spec;
    v.preset = "made-up";
    v.points = COLS * ROWS;
    v.models = MODELS;
    v.model = models;
    v.results = results;
    v.have = have;
    v.done = v.total = COLS * ROWS * MODELS;
    v.finished = 1;
    v.panel = panel;
    v.help_lines = help_lines;
    return v;
}

static void row_text(const nqm_canvas *cv, int y, char *buf, size_t len)
{
    nqm_canvas_row_text(cv, y, buf, len);
}

/* In the map, column of grid point col is at 1 + 8 + col * 6 (cells 6 wide
 * on a 100-column canvas), rows of the second axis 3 high from row 3. */
static void check_map(void)
{
    nqm_canvas *cv = nqm_canvas_new(100, 30, NQM_GLYPHS_ASCII);
    for (int k = 0; k < MODELS; k++) {
        nqm_sweep_view v = view(NQM_SWEEP_MAP);
        v.model_sel = k;
        nqm_sweep_view_draw(cv, &v);
        int wrong = 0;
        for (int row = 0; row < ROWS; row++) {
            char line[256];
            row_text(cv, 3 + 3 * row, line, sizeof line);
            for (int col = 0; col < COLS; col++) {
                char want = nqm_regime_char(regime_of(k, nqm_sweep_axis_value(&spec.axis[0], col)));
                wrong += line[9 + col * 6] != want;
            }
            CHECK(wrong == 0, "model %d row %d: %s", k, row, line);
        }
    }
    nqm_canvas_free(cv);
}

/* The early phase the made-up results give: none below 1, the loss's
 * catapult from 1, both from 1.5, divergent where the regime is. */
static nqm_early_phase early_of(int k, double rel)
{
    if (regime_of(k, rel) == REGIME_DIVERGENT)
        return EARLY_DIVERGENT;
    return rel >= 1.5 ? EARLY_BOTH_CATAPULT : rel >= 1 ? EARLY_LOSS_CATAPULT : EARLY_NO_CATAPULT;
}

static void check_early_map(void)
{
    nqm_canvas *cv = nqm_canvas_new(100, 30, NQM_GLYPHS_ASCII);
    for (int k = 0; k < MODELS; k++) {
        nqm_sweep_view v = view(NQM_SWEEP_EARLY);
        v.model_sel = k;
        nqm_sweep_view_draw(cv, &v);
        char line[256];
        row_text(cv, 2, line, sizeof line);
        CHECK(strstr(line, "early phases") != NULL, "title: %s", line);
        for (int row = 0; row < ROWS; row++) {
            int wrong = 0;
            row_text(cv, 3 + 3 * row, line, sizeof line);
            for (int col = 0; col < COLS; col++) {
                double rel = nqm_sweep_axis_value(&spec.axis[0], col);
                wrong += line[9 + col * 6] != nqm_early_phase_char(early_of(k, rel));
            }
            CHECK(wrong == 0, "early phases, model %d row %d: %s", k, row, line);
        }
    }
    nqm_canvas_free(cv);
}

/* Column of `label` in the first of rows 3..5 that has it, or -1. */
static long label_column(const nqm_canvas *cv, const char *label)
{
    for (int y = 3; y <= 5; y++) {
        char line[256];
        row_text(cv, y, line, sizeof line);
        const char *at = strstr(line, label);
        if (at)
            return (long)(at - line);
    }
    return -1;
}

/* eta_crit's label starts one cell right of the dotted line at eta_rel = 1
 * (on the top row or, where the arrows of diverged runs are, below it). */
static void check_curve(void)
{
    nqm_canvas *cv = nqm_canvas_new(100, 30, NQM_GLYPHS_ASCII);
    nqm_sweep_view v = view(NQM_SWEEP_CURVE);
    nqm_sweep_view_draw(cv, &v);
    char line[256];
    /* plot: columns 9 .. 98 (90 cells, 180 dots) over eta_rel 0.25 .. 3 */
    int dots = 2 * 90 - 1;
    int want_crit = 9 + (int)lround((1 - 0.25) / 2.75 * dots) / 2 + 1;
    int want_max = 9 + (int)lround((2 - 0.25) / 2.75 * dots) / 2 + 1;
    long crit = label_column(cv, "eta_crit"), max = label_column(cv, "eta_max");
    CHECK(crit == want_crit, "eta_crit at %ld, want %d", crit, want_crit);
    CHECK(max == want_max, "eta_max at %ld, want %d", max, want_max);
    row_text(cv, 0, line, sizeof line);
    CHECK(strstr(line, "eta_rel 0.25..3 (12)") != NULL, "title: %s", line);
    nqm_canvas_free(cv);
}

static void check_sizes(void)
{
    nqm_canvas *cv = nqm_canvas_new(1, 1, NQM_GLYPHS_UNICODE);
    int drawn = 0;
    for (int w = 1; w <= 140; w += 3)
        for (int h = 1; h <= 45; h += 2)
            for (int panel = 0; panel <= NQM_SWEEP_BIFURCATION; panel++) {
                nqm_canvas_resize(cv, w, h);
                nqm_sweep_view v = view((nqm_sweep_panel)panel);
                v.help = (w + h) % 3 == 0;
                v.slice = w;
                nqm_sweep_view_draw(cv, &v);
                drawn++;
            }
    nqm_canvas_free(cv);
    printf("sweep view drawn at %d sizes and panels\n", drawn);
}

/* Rows of the plot with a dot in the cell column of eta_rel = rel. */
static int dot_rows(const nqm_canvas *cv, double rel)
{
    int dots = 2 * 90 - 1, x = 9 + (int)lround((rel - 0.25) / 2.75 * dots) / 2, rows = 0;
    for (int y = 3; y < 26; y++) {
        char line[256];
        row_text(cv, y, line, sizeof line);
        rows += line[x] != ' ' && line[x] != '\0' && line[x] != ':';
    }
    return rows;
}

static void check_bifurcation(void)
{
    spec.late = NQM_LATE_G;
    spec.late_steps = 2;
    nqm_canvas *cv = nqm_canvas_new(100, 30, NQM_GLYPHS_ASCII);
    nqm_sweep_view v = view(NQM_SWEEP_BIFURCATION);
    nqm_sweep_view_draw(cv, &v);
    char line[256];
    row_text(cv, 2, line, sizeof line);
    CHECK(strstr(line, "bifurcation: last 2 values of g vs eta_rel") != NULL, "title: %s", line);
    CHECK(dot_rows(cv, 0.5) == 1, "eta_rel 0.5: %d rows of dots, want 1", dot_rows(cv, 0.5));
    CHECK(dot_rows(cv, 2.5) == 2, "eta_rel 2.5: %d rows of dots, want 2", dot_rows(cv, 2.5));
    CHECK(nqm_sweep_view_key(&v, 'v') && v.panel == NQM_SWEEP_CURVE, "v after the bifurcation");
    CHECK(nqm_sweep_view_key(&v, 'v') && v.panel == NQM_SWEEP_MAP, "v to the map");
    CHECK(nqm_sweep_view_key(&v, 'v') && v.panel == NQM_SWEEP_EARLY, "v to the early phases");
    CHECK(nqm_sweep_view_key(&v, 'v') && v.panel == NQM_SWEEP_BIFURCATION, "v to the bifurcation");
    spec.late = NQM_LATE_NONE;
    nqm_canvas_free(cv);
}

static void check_keys(void)
{
    nqm_sweep_view v = view(NQM_SWEEP_CURVE);
    CHECK(nqm_sweep_view_key(&v, 'v') == NQM_SWEEP_REDRAW && v.panel == NQM_SWEEP_MAP, "v");
    CHECK(nqm_sweep_view_key(&v, 'v') && v.panel == NQM_SWEEP_EARLY, "v to the early phases");
    CHECK(nqm_sweep_view_key(&v, 'v') && v.panel == NQM_SWEEP_CURVE, "v skips the bifurcation");
    CHECK(nqm_sweep_view_key(&v, 'v') && v.panel == NQM_SWEEP_MAP, "v once more");
    CHECK(nqm_sweep_view_key(&v, 'm') && v.model_sel == 1, "m");
    CHECK(nqm_sweep_view_key(&v, 'm') && v.model_sel == 0, "m wraps");
    CHECK(nqm_sweep_view_key(&v, '[') && v.slice == 1, "[ wraps back");
    CHECK(nqm_sweep_view_key(&v, ']') && v.slice == 0, "] goes forward again");
    CHECK(nqm_sweep_view_key(&v, '?') && v.help, "?");
    CHECK(nqm_sweep_view_key(&v, 'q') == NQM_SWEEP_REDRAW && !v.help, "any key closes help");
    CHECK(nqm_sweep_view_key(&v, 'e') & NQM_SWEEP_EXPORT, "e");
    CHECK(nqm_sweep_view_key(&v, 'q') == NQM_SWEEP_QUIT, "q");
    CHECK(nqm_sweep_view_key(&v, 'z') == 0, "z");
}

/* A sweep of one axis over which net's loss falls from 1 (point 0) to
 * 1e-40 (point 10) and its last point diverges; quad's loss is 1e-2 of
 * net's and never diverges. */
enum { DEC_POINTS = 12, DEC_MODELS = 2 };
static nqm_sweep_spec dec_spec;
static nqm_sweep_result dec_results[DEC_POINTS * DEC_MODELS];
static int dec_have[DEC_POINTS * DEC_MODELS];
static const nqm_model_kind dec_models[DEC_MODELS] = {MODEL_NET, MODEL_QUAD};

static void make_decades(void)
{
    char err[128];
    dec_spec.naxes = 1;
    nqm_sweep_axis_parse("eta_rel=0.25:3:12", &dec_spec.axis[0], err, sizeof err);
    dec_spec.repeats = 1;
    for (int p = 0; p < DEC_POINTS; p++)
        for (int k = 0; k < DEC_MODELS; k++) {
            nqm_sweep_result *r = &dec_results[p * DEC_MODELS + k];
            r->point = p;
            r->coord[0] = nqm_sweep_axis_value(&dec_spec.axis[0], p);
            r->model = dec_models[k];
            r->repeats = 1;
            int diverged = k == 0 && p == DEC_POINTS - 1;
            r->regime = diverged ? REGIME_DIVERGENT : REGIME_MONOTONE;
            r->field[NQM_SF_FINAL_LOSS].mean = diverged ? INFINITY : pow(10, -4.0 * p - 2.0 * k);
            r->field[NQM_SF_ETA_CRIT].mean = 0.5;
            dec_have[p * DEC_MODELS + k] = 1;
        }
}

static nqm_sweep_view decades_view(int nmodels)
{
    nqm_sweep_view v;
    memset(&v, 0, sizeof v);
    v.spec = &dec_spec;
    v.preset = "decades";
    v.points = DEC_POINTS;
    v.models = nmodels;
    v.model = dec_models;
    v.results = dec_results;
    v.have = dec_have;
    v.done = v.total = DEC_POINTS * nmodels;
    v.finished = 1;
    v.panel = NQM_SWEEP_CURVE;
    return v;
}

/* With `models` models, results are (point, model): net only takes every
 * other entry, so the one-model view reads a copy. */
static nqm_sweep_result net_results[DEC_POINTS];
static int net_have[DEC_POINTS];

static nqm_sweep_view net_view(void)
{
    for (int p = 0; p < DEC_POINTS; p++) {
        net_results[p] = dec_results[p * DEC_MODELS];
        net_have[p] = 1;
    }
    nqm_sweep_view v = decades_view(1);
    v.results = net_results;
    v.have = net_have;
    return v;
}

/* Column of the point with eta_rel = rel on a plot `plot_w` cells wide
 * from column 9, over eta_rel 0.25 .. 3. */
static int point_column(double rel, int plot_w)
{
    return 9 + (int)lround((rel - 0.25) / 2.75 * (2 * plot_w - 1)) / 2;
}

/* The label of row y (columns 1..8) as a power of ten: 1 and its
 * exponent, 0 for a blank label, -1 for anything else. */
static int power_label(const nqm_canvas *cv, int y, int *e)
{
    char line[512], label[16] = "";
    row_text(cv, y, line, sizeof line);
    sscanf(line + 1, "%8[^ |]", label);
    if (!label[0] || line[1] == ' ')
        return line[1] == ' ' && line[2] == ' ' ? 0 : -1;
    char tail;
    return sscanf(label, "1e%d%c", e, &tail) == 1 ? 1 : -1;
}

/* Labels one stride apart, on rows of their own, each on the row of the
 * mark of the point with that loss (net's points hold 10^-4p). */
static void check_log_labels_at(nqm_canvas *cv, int w, int h)
{
    nqm_sweep_view v = net_view();
    nqm_sweep_view_draw(cv, &v);
    int plot_w = w - 10, last = h - 4, n = 0, e, prev = 0, stride = 0;
    for (int y = 3; y <= last; y++) {
        int got = power_label(cv, y, &e);
        char line[512];
        row_text(cv, y, line, sizeof line);
        CHECK(got >= 0, "%dx%d row %d: label is no power of ten: %s", w, h, y, line);
        if (got <= 0)
            continue;
        if (n == 1)
            stride = prev - e;
        CHECK(n < 1 || (prev - e == stride && stride > 0),
              "%dx%d row %d: 1e%d after 1e%d, stride %d", w, h, y, e, prev, stride);
        if (e <= 0 && e >= -40 && e % 4 == 0) {
            int col = point_column(nqm_sweep_axis_value(&dec_spec.axis[0], -e / 4), plot_w);
            CHECK(line[col] == '*', "%dx%d: net's point at 1e%d (column %d) not on its row %d: %s",
                  w, h, e, col, y, line);
        }
        prev = e;
        n++;
    }
    CHECK(n >= 2 || h < 10, "%dx%d: %d labels", w, h, n);
    /* the axis spans 48 decades (40 and a tenth padded on each side) over
     * h - 6 rows of 4 dots: the stride leaves a row per label, the next
     * smaller of 1, 2, 5, 10, 20, 50 would not */
    static const int strides[] = {1, 2, 5, 10, 20, 50};
    double rows_per_decade = (4.0 * (h - 6) - 1) / 4 / 48;
    for (size_t i = 0; n >= 2 && i < sizeof strides / sizeof strides[0]; i++)
        CHECK((strides[i] < stride) == (strides[i] * rows_per_decade < 1) || strides[i] > stride,
              "%dx%d: stride %d, but %d decades take %.2f rows", w, h, stride, strides[i],
              strides[i] * rows_per_decade);
}

static void check_log_labels(void)
{
    static const int widths[] = {40, 50, 60, 80, 100, 120, 140};
    static const int heights[] = {8, 10, 12, 16, 20, 24, 30, 40};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
        for (size_t j = 0; j < sizeof heights / sizeof heights[0]; j++) {
            nqm_canvas *cv = nqm_canvas_new(widths[i], heights[j], NQM_GLYPHS_ASCII);
            check_log_labels_at(cv, widths[i], heights[j]);
            nqm_canvas_free(cv);
        }
    /* the stride: rows per label at least one, and the next smaller too few */
    CHECK(nqm_sweep_view_decade_stride(40, 20) == 5, "40 decades on 20 rows: %d",
          nqm_sweep_view_decade_stride(40, 20));
    CHECK(nqm_sweep_view_decade_stride(10, 20) == 1, "10 decades on 20 rows: %d",
          nqm_sweep_view_decade_stride(10, 20));
    CHECK(nqm_sweep_view_decade_stride(300, 10) == 50, "300 decades on 10 rows: %d",
          nqm_sweep_view_decade_stride(300, 10));
}

/* The diverged run is an arrow on the top row in its column, the legend
 * names the arrow and gives each model its own mark, and quad's points
 * carry quad's mark. */
static void check_marks(nqm_glyphs glyphs)
{
    nqm_canvas *cv = nqm_canvas_new(100, 30, glyphs);
    nqm_sweep_view v = decades_view(DEC_MODELS);
    nqm_sweep_view_draw(cv, &v);
    int ascii = glyphs == NQM_GLYPHS_ASCII, col = point_column(3, 90);
    const nqm_cell *top = nqm_canvas_cell(cv, col, 3);
    CHECK(top && top->ch == (ascii ? '^' : 0x2191), "no arrow at the top of column %d (%u)", col,
          top ? top->ch : 0);
    char legend[512];
    row_text(cv, 30 - 2, legend, sizeof legend);
    CHECK(strstr(legend, ascii ? "-*- net" : "─*─ net") &&
              strstr(legend, ascii ? "-o- quad" : "─o─ quad"),
          "legend without a mark per model: %s", legend);
    CHECK(strstr(legend, ascii ? "^ diverged" : "↑ diverged"), "legend without the arrow: %s",
          legend);
    int quad_marks = 0;
    for (int y = 3; y <= 30 - 4; y++) {
        const nqm_cell *c = nqm_canvas_cell(cv, point_column(1.5, 90), y);
        quad_marks += c && c->ch == 'o';
    }
    CHECK(quad_marks == 1, "quad's point at eta_rel 1.5: %d marks 'o'", quad_marks);
    nqm_canvas_free(cv);
}

/* Every token of the x tick row is one of the three tick values whole. */
static void check_x_ticks(void)
{
    for (int w = 14; w <= 60; w++) {
        nqm_canvas *cv = nqm_canvas_new(w, 12, NQM_GLYPHS_ASCII);
        nqm_sweep_view v = net_view();
        nqm_sweep_view_draw(cv, &v);
        char line[256];
        row_text(cv, 12 - 4 + 1, line, sizeof line);
        char *save = NULL;
        for (char *tok = strtok_r(line + 1, " |", &save); tok; tok = strtok_r(NULL, " |", &save))
            CHECK(strcmp(tok, "0.25") == 0 || strcmp(tok, "1.75") == 0 || strcmp(tok, "3") == 0,
                  "width %d: x tick \"%s\"", w, tok);
        nqm_canvas_free(cv);
    }
}

int main(void)
{
    make_decades();
    check_log_labels();
    check_marks(NQM_GLYPHS_ASCII);
    check_marks(NQM_GLYPHS_UNICODE);
    check_x_ticks();
    make_results();
    check_map();
    check_early_map();
    check_curve();
    check_sizes();
    check_bifurcation();
    check_keys();
    return check_report("test_sweepview");
}
