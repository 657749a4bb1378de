/* test_sweepview.c: the sweep view on made-up results (no runs).
 *   The regime map shows each grid point's regime character in its own
 *   cell, first axis across, second down; the curve marks eta_crit and
 *   eta_max where the eta_rel axis has 1 and 2, and draws the loss of a
 *   point lower on the screen than a larger one; every size from 1 x 1 to
 *   140 x 45 draws without touching memory it should not (ASan); the
 *   bifurcation panel draws one row of dots where a point has one late
 *   value and two where it has two; the keys switch panels (the third only
 *   with late values) and models, close the help, and quit. */
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

/* eta_crit's label starts one cell right of the dotted line at eta_rel = 1. */
static void check_curve(void)
{
    nqm_canvas *cv = nqm_canvas_new(100, 30, NQM_GLYPHS_ASCII);
    nqm_sweep_view v = view(NQM_SWEEP_CURVE);
    nqm_sweep_view_draw(cv, &v);
    char line[256];
    row_text(cv, 3, line, sizeof line);
    /* plot: columns 9 .. 98 (90 cells, 180 dots) over eta_rel 0.25 .. 3 */
    int dots = 2 * 90 - 1;
    int want_crit = 9 + (int)lround((1 - 0.25) / 2.75 * dots) / 2 + 1;
    int want_max = 9 + (int)lround((2 - 0.25) / 2.75 * dots) / 2 + 1;
    const char *crit = strstr(line, "eta_crit"), *max = strstr(line, "eta_max");
    CHECK(crit && crit - line == want_crit, "eta_crit at %ld, want %d: %s",
          crit ? (long)(crit - line) : -1L, want_crit, line);
    CHECK(max && max - line == want_max, "eta_max at %ld, want %d: %s",
          max ? (long)(max - line) : -1L, want_max, line);
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
            for (int panel = 0; panel < 3; panel++) {
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
    CHECK(nqm_sweep_view_key(&v, 'v') && v.panel == NQM_SWEEP_BIFURCATION, "v to the bifurcation");
    spec.late = NQM_LATE_NONE;
    nqm_canvas_free(cv);
}

static void check_keys(void)
{
    nqm_sweep_view v = view(NQM_SWEEP_CURVE);
    CHECK(nqm_sweep_view_key(&v, 'v') == NQM_SWEEP_REDRAW && v.panel == NQM_SWEEP_MAP, "v");
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

int main(void)
{
    make_results();
    check_map();
    check_curve();
    check_sizes();
    check_bifurcation();
    check_keys();
    return check_report("test_sweepview");
}
