/* test_demo_play.c: every shipped demo played headlessly, the way the UI
 * plays it (a step, then the player polled), with no terminal.
 *
 * For each demo in the folder given as argument: it parses; its titles
 * and captions fit an 80-column screen with braille and in ASCII; every
 * scene starts and every `until` holds within the scene's steps, at the
 * first step where this test's own reading of the run says it holds (and
 * at no step before); an `until peak` is seen a step late and takes the
 * runs back to the step whose loss, in the losses this test logged, is
 * the largest so far and above the next one's. Then the stories the demos tell are checked on the
 * numbers of the runs: catapult-tour's regimes, two-directions' lambda2
 * that stays put between 2/lambda1 and 2/lambda2 and falls above both,
 * width-and-the-peak's peak loss proportional to m at a step that grows
 * with m. With -v it prints each event as it happens. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/app/demo.h"
#include "session.h"

static int verbose;

/* What a scene did, for the story checks. */
typedef struct {
    long steps;                   /* steps taken */
    int fired, untils;            /* untils that held, of how many */
    double eta;                   /* at the end */
    double lambda0[2], lambda[2]; /* reference run: at step 0 and at the end */
    double peak_loss;
    long peak_step;
    nqm_regime regime;
    nqm_regime regime_of[MODEL_COUNT]; /* each main run's */
    long width;
} scene_result;

/* ---- this test's own reading of a condition ---------------------------- */

enum { MAX_LOG = 8192 };
/* every step's loss of each run of the set (the overlay last), as this
 * test saw them after each step */
static double logged[NQM_RUNSET_MAX + 1][MAX_LOG];

static int log_slot(nqm_controller *r, const nqm_run *run)
{
    return run == &r->set.theory ? NQM_RUNSET_MAX : (int)(run - r->set.runs);
}

static void log_losses(nqm_controller *r)
{
    const nqm_run *runs[NQM_RUNSET_MAX + 1];
    int n = nqm_runset_list(&r->set, runs);
    for (int i = 0; i < n; i++) {
        long t = nqm_run_step_count(runs[i]);
        if (t < MAX_LOG)
            logged[log_slot(r, runs[i])][t] = nqm_run_record(runs[i])->loss;
    }
}

/* The step before the current one has the largest loss so far, and the
 * current one a lower loss. */
static int log_says_peak(nqm_controller *r, nqm_run *run)
{
    const double *loss = logged[log_slot(r, run)];
    long t = nqm_run_step_count(run);
    if (t < 2 || t >= MAX_LOG || !(loss[t] < loss[t - 1]))
        return 0;
    for (long u = 0; u < t - 1; u++)
        if (!(loss[u] < loss[t - 1]))
            return 0;
    return 1;
}

static nqm_run *run_of(nqm_controller *r, int model)
{
    if (model < 0) {
        for (int i = 0; r->set.nruns > 1 && i < r->set.nruns; i++)
            if (nqm_run_model(&r->set.runs[i]) == MODEL_QUAD)
                return &r->set.runs[i];
        return &r->set.runs[0];
    }
    for (int i = 0; i < r->set.nruns; i++)
        if ((int)nqm_run_model(&r->set.runs[i]) == model)
            return &r->set.runs[i];
    return model == MODEL_THEORY && r->set.has_theory ? &r->set.theory : NULL;
}

static double quantity(nqm_run *run, nqm_demo_qty q)
{
    const nqm_record *rec = nqm_run_record(run);
    switch (q) {
    case NQM_QTY_STEP:
        return (double)rec->step;
    case NQM_QTY_PHASE:
        return rec->phase;
    case NQM_QTY_REGIME:
        nqm_run_summarize(run);
        return run->summary.phases.regime;
    case NQM_QTY_LOSS:
        return rec->loss;
    case NQM_QTY_G:
        return rec->g;
    case NQM_QTY_LAMBDA1:
        return rec->lambda[0];
    default:
        return rec->lambda[1];
    }
}

static int holds(nqm_controller *r, const nqm_demo_cond *c)
{
    nqm_run *run = run_of(r, c->model);
    if (!run)
        return 0;
    if (c->qty == NQM_QTY_PEAK)
        return log_says_peak(r, run);
    double v = quantity(run, c->qty);
    if (c->qty == NQM_QTY_PHASE || c->qty == NQM_QTY_REGIME)
        return (int)v == c->label;
    if (c->qty == NQM_QTY_STEP)
        return v >= c->value;
    double t = c->per_eta > 0 ? c->per_eta / nqm_session_eta(run->session) : c->value;
    switch (c->cmp) {
    case NQM_CMP_LT:
        return v < t;
    case NQM_CMP_GT:
        return v > t;
    case NQM_CMP_LE:
        return v <= t;
    case NQM_CMP_GE:
        return v >= t;
    default:
        return v == t;
    }
}

/* ---- playing ------------------------------------------------------------- */

static int all_diverged(const nqm_controller *r)
{
    for (int i = 0; i < r->set.nruns; i++)
        if (!nqm_run_diverged(&r->set.runs[i]))
            return 0;
    return 1;
}

static void show_event(const nqm_demo *d, int k, const nqm_player *p, nqm_controller *r)
{
    const nqm_demo_cmd *c = &d->scenes[k].cmds[p->held];
    nqm_run *ref = run_of(r, -1);
    const nqm_record *rec = nqm_run_record(ref);
    nqm_run_summarize(ref);
    printf("  %s scene %d line %d: until holds at step %ld  loss %.4g  lambda1 %.4g  "
           "lambda2 %.4g  2/eta %.4g  phase %s  regime %s\n",
           d->name, k + 1, c->line, p->held_step, rec->loss, rec->lambda[0],
           ref->eigs > 1 ? rec->lambda[1] : NAN, 2 / nqm_session_eta(ref->session),
           nqm_phase_name(rec->phase), nqm_regime_name(ref->summary.phases.regime));
}

/* Poll after a step: the player fires exactly when this test's reading
 * of the awaited condition says it holds. */
static void poll_checked(const nqm_demo *d, int k, nqm_player *p, nqm_controller *r,
                         scene_result *res)
{
    nqm_stage st = nqm_controller_stage(r);
    for (;;) {
        const nqm_demo_scene *sc = &d->scenes[k];
        int line = p->waiting ? sc->cmds[p->pc].line : 0;
        int expect = p->waiting && holds(r, &sc->cmds[p->pc].cond);
        int peak = p->waiting && sc->cmds[p->pc].cond.qty == NQM_QTY_PEAK;
        long before = nqm_run_step_count(&r->set.runs[0]);
        int fired = nqm_player_poll(p, &st);
        long step = nqm_run_step_count(&r->set.runs[0]);
        CHECK(fired == expect, "%s scene %d line %d at step %ld: player %s, condition %s", d->name,
              k + 1, line, before, fired ? "fired" : "waits", expect ? "holds" : "does not hold");
        if (!fired)
            return;
        CHECK(p->held_step == step, "held_step %ld at step %ld", p->held_step, step);
        CHECK(step == before - peak, "%s scene %d line %d: held at step %ld, seen at %ld", d->name,
              k + 1, line, step, before);
        res->fired++;
        if (verbose)
            show_event(d, k, p, r);
    }
}

static void summarize_scene(nqm_controller *r, scene_result *res)
{
    nqm_run *ref = run_of(r, -1);
    nqm_run_summarize(ref);
    const nqm_run_summary *s = &ref->summary;
    res->steps = nqm_run_step_count(ref);
    res->eta = nqm_session_eta(ref->session);
    for (int j = 0; j < 2; j++) {
        res->lambda0[j] = ref->eigs > j ? s->lambda0[j] : NAN;
        res->lambda[j] = ref->eigs > j ? nqm_run_record(ref)->lambda[j] : NAN;
    }
    res->peak_loss = s->phases.peak_loss;
    res->peak_step = s->phases.peak_step;
    res->regime = s->phases.regime;
    for (int m = 0; m < MODEL_COUNT; m++)
        res->regime_of[m] = REGIME_COUNT;
    for (int i = 0; i < r->set.nruns; i++) {
        nqm_run_summarize(&r->set.runs[i]);
        res->regime_of[nqm_run_model(&r->set.runs[i])] = r->set.runs[i].summary.phases.regime;
    }
    res->width = r->base.width;
}

static void play_scene(const nqm_demo *d, int k, nqm_controller *r, scene_result *res)
{
    nqm_player p;
    char err[512];
    memset(res, 0, sizeof *res);
    const nqm_demo_scene *sc = &d->scenes[k];
    for (int i = 0; i < sc->ncmds; i++)
        res->untils += sc->cmds[i].op == NQM_DEMO_UNTIL;
    nqm_stage st = nqm_controller_stage(r);
    if (nqm_player_start(&p, d, k, &st, err, sizeof err) != 0) {
        CHECK(0, "%s scene %d: %s", d->name, k + 1, err);
        return;
    }
    CHECK(r->app.step == 0 && r->app.demo, "a scene starts at step 0 with the demo flag kept");
    long end = sc->cfg.steps;
    log_losses(r);
    poll_checked(d, k, &p, r, res);
    while (!nqm_player_done(&p) && nqm_run_step_count(&r->set.runs[0]) < end && !all_diverged(r)) {
        CHECK(nqm_runset_step(&r->set, err, sizeof err) >= 0, "step: %s", err);
        log_losses(r);
        poll_checked(d, k, &p, r, res);
    }
    CHECK(nqm_player_done(&p), "%s scene %d (%s): stuck at the until of line %d after %ld steps",
          d->name, k + 1, sc->title, sc->cmds[p.pc].line, nqm_run_step_count(&r->set.runs[0]));
    summarize_scene(r, res);
}

/* ---- captions ------------------------------------------------------------ */

static void check_text(const nqm_demo *d, const char *text, int cols, const char *what)
{
    int u = nqm_text_width(text, NQM_GLYPHS_UNICODE), a = nqm_text_width(text, NQM_GLYPHS_ASCII);
    CHECK(u <= cols && a <= cols, "%s: %s '%s' takes %d cells (ASCII %d), more than %d", d->name,
          what, text, u, a, cols);
}

static void check_captions(const nqm_demo *d)
{
    for (int k = 0; k < d->nscenes; k++) {
        const nqm_demo_scene *sc = &d->scenes[k];
        nqm_caption cap;
        nqm_player p = {d, k, 0, 0, -1, -1, -1, 0};
        nqm_player_caption(&p, &cap);
        check_text(d, cap.heading, 80 - 24, "heading");
        int captions = 0;
        for (int i = 0; i < sc->ncmds; i++) {
            if (sc->cmds[i].op != NQM_DEMO_CAPTION)
                continue;
            captions++;
            CHECK(sc->cmds[i].nlines >= 1 && sc->cmds[i].nlines <= 3, "%s: %d caption lines",
                  d->name, sc->cmds[i].nlines);
            for (int j = 0; j < sc->cmds[i].nlines; j++)
                check_text(d, sc->cmds[i].text[j], 76, "caption");
        }
        CHECK(captions > 0, "%s scene %d has no caption", d->name, k + 1);
    }
}

/* ---- the stories ------------------------------------------------------------ */

static void story_catapult_tour(const scene_result *s, int n)
{
    CHECK(n == 4, "catapult-tour has %d scenes", n);
    if (n < 4)
        return;
    CHECK(s[0].regime == REGIME_MONOTONE, "below eta_crit: %s", nqm_regime_name(s[0].regime));
    CHECK(fabs(s[0].lambda[0] / s[0].lambda0[0] - 1) < 1e-3, "monotone lambda moved: %g -> %g",
          s[0].lambda0[0], s[0].lambda[0]);
    CHECK(s[1].regime == REGIME_CATAPULT, "1.5 eta_crit: %s", nqm_regime_name(s[1].regime));
    CHECK(s[1].lambda[0] < 2 / s[1].eta && s[1].lambda0[0] > 2 / s[1].eta,
          "lambda1 from %g to %g across 2/eta = %g", s[1].lambda0[0], s[1].lambda[0], 2 / s[1].eta);
    CHECK(s[2].regime == REGIME_DIVERGENT, "2.5 eta_crit: %s", nqm_regime_name(s[2].regime));
    CHECK(s[2].lambda0[0] > 4 / s[2].eta, "2.5 eta_crit is above 4/lambda(0)");
    CHECK(s[3].regime_of[MODEL_QUAD] == REGIME_CATAPULT &&
              s[3].regime_of[MODEL_NET] == REGIME_CATAPULT &&
              s[3].regime_of[MODEL_LIN] == REGIME_DIVERGENT,
          "compare: quad %s, net %s, lin %s", nqm_regime_name(s[3].regime_of[MODEL_QUAD]),
          nqm_regime_name(s[3].regime_of[MODEL_NET]), nqm_regime_name(s[3].regime_of[MODEL_LIN]));
}

static void story_two_directions(const scene_result *s, int n)
{
    CHECK(n == 2, "two-directions has %d scenes", n);
    if (n < 2)
        return;
    double edge = 2 / s[0].eta;
    CHECK(s[0].lambda0[0] > edge && s[0].lambda0[1] < edge,
          "eta between 2/lambda1 and 2/lambda2: lambda0 %g, %g, 2/eta %g", s[0].lambda0[0],
          s[0].lambda0[1], edge);
    CHECK(s[0].lambda[0] < edge, "lambda1 ends at %g, above 2/eta", s[0].lambda[0]);
    CHECK(fabs(s[0].lambda[1] / s[0].lambda0[1] - 1) < 0.01, "lambda2 moved from %g to %g",
          s[0].lambda0[1], s[0].lambda[1]);
    edge = 2 / s[1].eta;
    CHECK(s[1].lambda0[0] > edge && s[1].lambda0[1] > edge, "above both: lambda0 %g, %g, 2/eta %g",
          s[1].lambda0[0], s[1].lambda0[1], edge);
    CHECK(s[1].lambda[0] < edge && s[1].lambda[1] < edge, "both end below 2/eta: %g, %g",
          s[1].lambda[0], s[1].lambda[1]);
}

static void story_width(const scene_result *s, int n)
{
    CHECK(n >= 3, "width-and-the-peak has %d scenes", n);
    for (int k = 0; k < n; k++) {
        double per_m = s[k].peak_loss / (double)s[k].width;
        CHECK(s[k].regime == REGIME_CATAPULT, "width %ld: %s", s[k].width,
              nqm_regime_name(s[k].regime));
        CHECK(per_m > 0.02 && per_m < 0.08, "width %ld: peak loss / m = %g", s[k].width, per_m);
        if (k == 0)
            continue;
        CHECK(s[k].width >= 100 * s[k - 1].width, "widths grow: %ld after %ld", s[k].width,
              s[k - 1].width);
        CHECK(s[k].peak_step > s[k - 1].peak_step, "peak step %ld at m = %ld, %ld at m = %ld",
              s[k].peak_step, s[k].width, s[k - 1].peak_step, s[k - 1].width);
    }
}

/* ---- driver ------------------------------------------------------------------ */

enum { MAX_SCENES = 32 };

static int play_demo(const char *path)
{
    nqm_demo d;
    char err[1024];
    if (nqm_demo_load(test_places(), path, &d, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return 0;
    }
    CHECK(d.description[0] != '\0', "%s has no description", d.name);
    check_captions(&d);
    nqm_controller r;
    if (test_session(&r, &d.scenes[0].cfg, &d) != 0) {
        nqm_demo_free(&d);
        return 0;
    }
    static scene_result res[MAX_SCENES];
    int n = d.nscenes < MAX_SCENES ? d.nscenes : MAX_SCENES;
    for (int k = 0; k < n; k++) {
        play_scene(&d, k, &r, &res[k]);
        CHECK(res[k].fired == res[k].untils, "%s scene %d: %d of %d untils held", d.name, k + 1,
              res[k].fired, res[k].untils);
    }
    if (strcmp(d.name, "catapult-tour") == 0)
        story_catapult_tour(res, n);
    else if (strcmp(d.name, "two-directions") == 0)
        story_two_directions(res, n);
    else if (strcmp(d.name, "width-and-the-peak") == 0)
        story_width(res, n);
    nqm_controller_close(&r);
    nqm_demo_free(&d);
    return 1;
}

int main(int argc, char **argv)
{
    int arg = 1;
    if (arg < argc && strcmp(argv[arg], "-v") == 0) {
        verbose = 1;
        arg++;
    }
    if (arg >= argc) {
        fprintf(stderr, "usage: test_demo_play [-v] DEMO_DIR\n");
        return 2;
    }
    DIR *dp = opendir(argv[arg]);
    CHECK(dp != NULL, "cannot open %s", argv[arg]);
    int played = 0;
    struct dirent *de;
    while (dp && (de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".demo") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[arg], de->d_name);
        played += play_demo(path);
    }
    if (dp)
        closedir(dp);
    CHECK(played >= 3, "only %d demos played", played);
    printf("%d demos played\n", played);
    return check_report("demo play");
}
