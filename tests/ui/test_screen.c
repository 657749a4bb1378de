/* test_scene.c: the UI's pure layers without a terminal. Run sets
 * (compare mode, theory overlay, eta changes) against sessions stepped on
 * their own and against the dynamics equations; the CSV export read back
 * against those sessions, its fresh names and its refusal to overwrite;
 * and the drawn screen read back as text at many sizes. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/check.h"
#include "nqmtop/app/export.h"
#include "nqmtop/app/screen.h"
#include "nqmtop/base/files.h"

enum { STEPS = 30 };

/* The catapult example: relu NQM family, one example x = 1, y = 0. */
static void example(nqm_config *cfg)
{
    nqm_config_defaults(cfg);
    snprintf(cfg->preset, sizeof cfg->preset, "scene-test");
    cfg->width = 300;
    cfg->steps = 200;
}

static nqm_runset_plan plan_for(const nqm_config *cfg, int compare, int theory)
{
    nqm_runset_plan p = {cfg->model, cfg->seed, 0, 1.5, compare, theory, cfg->optimizer};
    return p;
}

/* The loss of model `model` after `steps` steps at eta, from a session of
 * its own. */
static double lone_loss(const nqm_config *base, nqm_model_kind model, double eta, int steps)
{
    nqm_config c = *base;
    char err[256];
    c.model = model;
    c.eta_mode = ETA_ABSOLUTE;
    c.eta = eta;
    nqm_session *s = nqm_session_new(&c, err, sizeof err);
    if (!s)
        return NAN;
    for (int t = 0; t < steps; t++)
        nqm_session_step(s);
    double loss = nqm_session_record(s)->loss;
    nqm_session_free(s);
    return loss;
}

static void test_compare_set(void)
{
    nqm_config cfg;
    example(&cfg);
    nqm_runset set;
    nqm_runset_plan plan = plan_for(&cfg, 1, 1);
    char err[256];
    CHECK(nqm_runset_build(&set, &cfg, &plan, err, sizeof err) == 0, "build: %s", err);
    CHECK(set.nruns == 3 && set.has_theory, "three runs and the overlay");
    static const nqm_model_kind want[3] = {MODEL_NET, MODEL_QUAD, MODEL_LIN};
    for (int i = 0; i < set.nruns; i++)
        CHECK(nqm_run_model(&set.runs[i]) == want[i], "run %d is %s", i,
              nqm_model_name(nqm_run_model(&set.runs[i])));
    double eta = nqm_session_eta(set.runs[0].session);
    double crit = nqm_session_eta_crit(set.runs[0].session);
    CHECK(fabs(eta / crit - 1.5) < 1e-12, "eta_rel 1.5 resolved to %g", eta / crit);
    for (int t = 0; t < STEPS; t++)
        nqm_runset_step(&set, err, sizeof err);
    for (int i = 0; i < set.nruns; i++) {
        double own = lone_loss(&cfg, want[i], eta, STEPS);
        double got = nqm_history_last(set.runs[i].hist, NQM_SERIES_LOSS);
        CHECK(got == own || (isinf(got) && isinf(own)), "%s loss %.17g vs alone %.17g",
              nqm_model_name(want[i]), got, own);
    }
    /* the dynamics equations follow the relu NQM on one example */
    double q = nqm_history_last(set.runs[1].hist, NQM_SERIES_LOSS);
    double th = nqm_history_last(set.theory.hist, NQM_SERIES_LOSS);
    CHECK(fabs(th - q) <= 1e-8 * fmax(fabs(q), 1e-300), "theory %.17g vs quad %.17g", th, q);

    nqm_runset_set_eta(&set, 0.5 * eta);
    nqm_runset_step(&set, err, sizeof err);
    CHECK(nqm_run_record(&set.runs[1])->eta == 0.5 * eta &&
              nqm_run_record(&set.theory)->eta == 0.5 * eta,
          "a new eta reaches every run");
    nqm_runset_free(&set);
    nqm_config_free(&cfg);
}

static void test_bad_plan(void)
{
    nqm_config cfg;
    example(&cfg);
    cfg.activation = ACT_TANH;
    nqm_runset set;
    nqm_runset_plan plan = plan_for(&cfg, 0, 1);
    char err[256] = "";
    CHECK(nqm_runset_build(&set, &cfg, &plan, err, sizeof err) != 0 && set.nruns == 0,
          "a theory overlay on tanh cannot be built");
    CHECK(strstr(err, "relu") != NULL, "and says why: %s", err);
    nqm_config_free(&cfg);
}

/* Parse one exported CSV row: model, step, steps, eta, loss. */
static int parse_row(const char *line, char *model, long *step, long *steps, double *eta,
                     double *loss)
{
    return sscanf(line, "%15[^,],%ld,%ld,%lf,%lf", model, step, steps, eta, loss) == 5;
}

/* Whether the number text s (its significant digits, exponent aside)
 * is the shortest that reads back as v: s does, and one digit fewer does
 * not. */
static int shortest_form(const char *s, double v)
{
    int digits = 0, leading = 1;
    for (const char *p = s; *p && *p != 'e' && *p != ','; p++) {
        if (*p < '0' || *p > '9')
            continue;
        leading &= *p == '0';
        digits += !leading;
    }
    char fewer[512];
    snprintf(fewer, sizeof fewer, "%.*g", digits - 1, v);
    return strtod(s, NULL) == v && (digits <= 1 || strtod(fewer, NULL) != v);
}

static int count_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, NQM_TEMP_PREFIX, strlen(NQM_TEMP_PREFIX)) == 0;
    if (d)
        closedir(d);
    return n;
}

static void test_export(void)
{
    nqm_config cfg;
    example(&cfg);
    cfg.model = MODEL_QUAD;
    nqm_runset set;
    nqm_runset_plan plan = plan_for(&cfg, 0, 0);
    char err[256], dir[] = "/tmp/nqmtop-export-test-XXXXXX", path[4096], path2[4096];
    CHECK(mkdtemp(dir) != NULL, "temporary directory");
    CHECK(nqm_runset_build(&set, &cfg, &plan, err, sizeof err) == 0, "build: %s", err);
    for (int t = 0; t < STEPS; t++)
        nqm_runset_step(&set, err, sizeof err);
    const nqm_run *runs[1] = {&set.runs[0]};
    struct tm tm = {0};
    tm.tm_year = 126;
    tm.tm_mday = 1;
    char first[4096];
    snprintf(first, sizeof first, "%s/nqmtop-scene-test-20260101-000000.csv", dir);
    FILE *keep = fopen(first, "w"); /* a file the export must not touch */
    if (keep) {
        fputs("keep\n", keep);
        fclose(keep);
    }
    nqm_export_info info = {"made by a test\nmodel = quad\n", "a title", {360, 420}};
    CHECK(nqm_export_file(dir, "scene-test", &tm, runs, 1, &info, path, sizeof path, err,
                          sizeof err) == 0,
          "export: %s", err);
    CHECK(strstr(path, "20260101-000000-2.csv") != NULL, "a taken name is skipped: %s", path);
    CHECK(nqm_export_file(dir, "scene-test", &tm, runs, 1, &info, path2, sizeof path2, err,
                          sizeof err) == 0 &&
              strstr(path2, "-3.csv"),
          "the next export takes the next name: %s", path2);
    char svg[4096], svg2[4096];
    snprintf(svg, sizeof svg, "%.*s.svg", (int)strlen(path) - 4, path);
    snprintf(svg2, sizeof svg2, "%.*s.svg", (int)strlen(path2) - 4, path2);
    char *text = NULL;
    size_t len = 0;
    FILE *in = fopen(svg, "r");
    if (in) {
        text = calloc(1, 1 << 20);
        len = text ? fread(text, 1, (1 << 20) - 1, in) : 0;
        fclose(in);
    }
    CHECK(text && strncmp(text, "<?xml", 5) == 0 && strstr(text, "</svg>") &&
              strstr(text, "<metadata>made by a test\nmodel = quad\n") &&
              strstr(text, "width=\"360\""),
          "the figure beside the export, with its metadata and size (%zu bytes)", len);
    free(text);
    FILE *f = fopen(first, "r");
    char line[1024] = "";
    CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "keep\n") == 0,
          "the existing file is untouched");
    if (f)
        fclose(f);
    CHECK(count_temporaries(dir) == 0, "no temporary file left behind");

    f = fopen(path, "r");
    char made[256] = "", model_line[256] = "";
    CHECK(f && fgets(made, sizeof made, f) && fgets(model_line, sizeof model_line, f) &&
              strcmp(made, "# made by a test\n") == 0 &&
              strcmp(model_line, "# model = quad\n") == 0,
          "what made it in '#' lines first: %s%s", made, model_line);
    CHECK(f && fgets(line, sizeof line, f) && strncmp(line, "model,step,steps,eta,loss,", 26) == 0,
          "header: %s", line);
    double eta = nqm_session_eta(set.runs[0].session);
    long rows = 0;
    while (f && fgets(line, sizeof line, f)) {
        char model[16];
        long step, steps;
        double e, loss;
        if (!parse_row(line, model, &step, &steps, &e, &loss)) {
            CHECK(0, "unparsable row %s", line);
            break;
        }
        double own = lone_loss(&cfg, MODEL_QUAD, eta, (int)step);
        CHECK(strcmp(model, "quad") == 0 && step == rows && steps == 1,
              "row %ld: %s step %ld steps %ld", rows, model, step, steps);
        CHECK(loss == own, "row %ld: loss %.17g, the session gives %.17g", rows, loss, own);
        CHECK(e == eta, "row %ld: eta %.17g", rows, e);
        const char *field = line;
        for (int comma = 0; comma < 4; comma++)
            field = strchr(field, ',') + 1;
        CHECK(shortest_form(field, loss), "row %ld: the loss %.30s is not in its shortest form",
              rows, field);
        rows++;
    }
    CHECK(rows == STEPS + 1, "%ld rows for steps 0..%d", rows, STEPS);
    if (f)
        fclose(f);
    unlink(first);
    unlink(path);
    unlink(path2);
    unlink(svg);
    unlink(svg2);
    rmdir(dir);
    nqm_runset_free(&set);
    nqm_config_free(&cfg);
}

/* The canvas as text, rows joined by newlines (caller frees). */
static char *screen_text(const nqm_canvas *cv)
{
    int h = nqm_canvas_height(cv);
    size_t cap = (size_t)(h + 1) * (size_t)(nqm_canvas_width(cv) * 4 + 2) + 1, used = 0;
    char *text = calloc(cap, 1);
    for (int y = 0; text && y < h; y++) {
        used += nqm_canvas_row_text(cv, y, text + used, cap - used);
        text[used++] = '\n';
    }
    return text;
}

static int screen_has(const nqm_canvas *cv, const char *needle)
{
    char *text = screen_text(cv);
    int found = text && strstr(text, needle) != NULL;
    free(text);
    return found;
}

static void scene_for(nqm_screen *sc, const nqm_app *app, const nqm_config *cfg,
                      const nqm_runset *set)
{
    memset(sc, 0, sizeof *sc);
    sc->app = app;
    sc->cfg = cfg;
    for (int i = 0; i < set->nruns; i++)
        sc->runs[i] = &set->runs[i];
    sc->nruns = set->nruns;
    sc->theory = set->has_theory ? &set->theory : NULL;
    sc->steps_per_second = 25;
}

static void test_screen(void)
{
    nqm_config cfg;
    example(&cfg);
    nqm_runset set;
    nqm_runset_plan plan = plan_for(&cfg, 0, 0);
    char err[256];
    CHECK(nqm_runset_build(&set, &cfg, &plan, err, sizeof err) == 0, "build: %s", err);
    for (int t = 0; t < STEPS; t++)
        nqm_runset_step(&set, err, sizeof err);
    nqm_runset_summarize(&set);
    nqm_app app;
    nqm_app_init(&app, &cfg, 0);
    app.step = STEPS;
    nqm_screen sc;
    scene_for(&sc, &app, &cfg, &set);

    /* every size from tiny to huge draws without complaint */
    static const int sizes[][2] = {{1, 1},   {10, 5},  {19, 8},   {20, 9},   {40, 12},
                                   {60, 20}, {80, 24}, {100, 30}, {200, 60}, {400, 120}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        nqm_canvas *cv = nqm_canvas_new(sizes[i][0], sizes[i][1], NQM_GLYPHS_UNICODE);
        CHECK(cv && nqm_screen_draw(cv, &sc) == 0, "draw at %dx%d", sizes[i][0], sizes[i][1]);
        nqm_canvas_free(cv);
    }
    nqm_canvas *cv = nqm_canvas_new(10, 5, NQM_GLYPHS_UNICODE);
    nqm_screen_draw(cv, &sc);
    CHECK(screen_has(cv, "too small"), "10x5 says the terminal is too small");
    nqm_canvas_free(cv);

    cv = nqm_canvas_new(100, 30, NQM_GLYPHS_UNICODE);
    nqm_screen_draw(cv, &sc);
    char row[1024];
    nqm_canvas_row_text(cv, 0, row, sizeof row);
    char eta[64];
    snprintf(eta, sizeof eta, "η=%.4g = 1.50⋅η_crit", nqm_session_eta(set.runs[0].session));
    CHECK(strstr(row, "scene-test") && strstr(row, "quad·relu") && strstr(row, eta),
          "status line 1: %s (wants %s)", row, eta);
    nqm_canvas_row_text(cv, 1, row, sizeof row);
    CHECK(strstr(row, "step 30") && strstr(row, "CATAPULT"), "status line 2: %s", row);
    CHECK(screen_has(cv, "2/η") && screen_has(cv, "4/η"), "threshold lines are labelled");
    CHECK(!screen_has(cv, "nan") && !screen_has(cv, "inf"), "no nan or inf on screen");

    app.paused = 1;
    nqm_screen_draw(cv, &sc);
    CHECK(screen_has(cv, "PAUSED"), "paused shows PAUSED");
    app.help = 1; /* on a screen tall enough for one column, each text unwrapped */
    nqm_canvas *tall = nqm_canvas_new(100, 40, NQM_GLYPHS_UNICODE);
    nqm_screen_draw(tall, &sc);
    nqm_action acts[NQM_ACT_COUNT];
    int nacts = nqm_keymap_actions(NQM_KEYS_MAIN, acts);
    for (int i = 0; i < nacts; i++) {
        char label[64];
        nqm_action_label(acts[i], label, sizeof label);
        CHECK(screen_has(tall, nqm_action_help(acts[i])), "help shows '%s' (%s)",
              nqm_action_help(acts[i]), label);
    }
    nqm_canvas_free(tall);
    app.help = !app.help; /* closed again */
    snprintf(app.message, sizeof app.message, "a note for the user");
    nqm_screen_draw(cv, &sc);
    CHECK(screen_has(cv, "a note for the user"), "the message reaches the status line");

    nqm_canvas_set_glyphs(cv, NQM_GLYPHS_ASCII);
    nqm_screen_draw(cv, &sc);
    char *text = screen_text(cv);
    int ascii = 1;
    for (const char *p = text; p && *p; p++)
        ascii &= (unsigned char)*p < 128;
    CHECK(ascii && strstr(text, "eta="), "the ASCII twin is pure ASCII and spells eta");
    free(text);
    nqm_canvas_free(cv);
    nqm_runset_free(&set);

    /* compare mode names the three models in a legend */
    plan = plan_for(&cfg, 1, 0);
    CHECK(nqm_runset_build(&set, &cfg, &plan, err, sizeof err) == 0, "compare: %s", err);
    for (int t = 0; t < 3 * STEPS; t++)
        nqm_runset_step(&set, err, sizeof err);
    nqm_runset_summarize(&set);
    app.compare = 1;
    scene_for(&sc, &app, &cfg, &set);
    cv = nqm_canvas_new(80, 24, NQM_GLYPHS_UNICODE);
    nqm_screen_draw(cv, &sc);
    int legend = 0;
    for (int y = 0; y < 24; y++) {
        nqm_canvas_row_text(cv, y, row, sizeof row);
        legend |= strstr(row, " net ") && strstr(row, " quad ") && strstr(row, " lin ");
    }
    CHECK(legend, "an 80x24 compare screen has a net/quad/lin legend");
    CHECK(screen_has(cv, "DIVERGED: lin"), "lin diverges at 1.5 eta_crit and says so");
    nqm_canvas_free(cv);
    nqm_runset_free(&set);
    nqm_config_free(&cfg);
}

int main(void)
{
    test_compare_set();
    test_bad_plan();
    test_export();
    test_screen();
    return check_report("test_scene");
}
