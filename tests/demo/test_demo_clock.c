/* test_demo_clock.c: every shipped demo played by the live session as the
 * UI plays it, frame after frame (nqm_controller_tick at 30 frames a
 * second on a clock the test moves, with --demo-auto 0.5), and read off
 * after every frame.
 *   Captions: every caption of every scene comes on screen (catapult-tour's
 *   "Divergent" one included) and stays there at least its reading time,
 *   2 s and 0.25 s for each of its words as this test counts them, on that
 *   clock, at whatever speed the scene runs.
 *   Untils: each holds at the step where this test's own records of the
 *   scene say it first holds. The records come from the scene's runs built
 *   and stepped anew here, every step's phase, regime, loss, g, lambda1,
 *   lambda2 and eta kept; a peak is the first step whose loss is above
 *   that of every step before and of the step after.
 *   The captions that speak of the peak (catapult-tour's pause at the peak,
 *   the peak of each width of width-and-the-peak: the caption after each
 *   scene's first until) come at the step whose loss is the largest of the
 *   scene's records. The tour comes back to its first scene
 *   after the last. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/app/demo.h"
#include "session.h"

enum { MAX_STEPS = 4096, MAX_CMDS = 64, MAX_SCENES = 16 };

#define FRAME       (1.0 / 30)
#define AUTO        0.5
#define READ_BASE   2.0
#define READ_WORD   0.25
#define MAX_SECONDS 1200.0

/* ---- the test's own records of a scene --------------------------------- */

typedef struct {
    long steps; /* records 0..steps */
    double loss[MAX_STEPS], g[MAX_STEPS], lambda[2][MAX_STEPS], eta[MAX_STEPS];
    int phase[MAX_STEPS], regime[MAX_STEPS];
} records;

static records recs[NQM_RUNSET_MAX + 1]; /* the main runs, then the overlay */

static void keep(records *rc, nqm_run *run)
{
    long t = nqm_run_step_count(run);
    if (t >= MAX_STEPS)
        return;
    const nqm_record *r = nqm_run_record(run);
    nqm_run_summarize(run);
    rc->loss[t] = r->loss;
    rc->g[t] = r->g;
    rc->lambda[0][t] = r->lambda[0];
    rc->lambda[1][t] = run->eigs > 1 ? r->lambda[1] : NAN;
    rc->eta[t] = nqm_session_eta(run->session);
    rc->phase[t] = (int)r->phase;
    rc->regime[t] = (int)run->summary.phases.regime;
    rc->steps = t;
}

/* Build the scene's runs as the player does and step them to the end. */
static int record_scene(const nqm_demo_scene *sc, nqm_model_kind models[NQM_RUNSET_MAX + 1])
{
    const nqm_config *cfg = &sc->cfg;
    nqm_runset_plan plan = {sc->compare ? MODEL_QUAD : cfg->model,
                            cfg->seed,
                            cfg->eta,
                            cfg->eta_mode == ETA_RELATIVE ? cfg->eta_rel : 0,
                            sc->compare,
                            sc->theory,
                            cfg->optimizer};
    nqm_runset set;
    char err[512];
    if (nqm_runset_build(&set, cfg, &plan, err, sizeof err) != 0) {
        CHECK(0, "records: %s", err);
        return -1;
    }
    const nqm_run *list[NQM_RUNSET_MAX + 1];
    int n = nqm_runset_list(&set, list);
    for (int i = 0; i < n; i++)
        models[i] = nqm_run_model(list[i]);
    int going = 1;
    for (long t = 0; going > 0 && t <= cfg->steps && t < MAX_STEPS; t++) {
        if (t > 0 && (going = nqm_runset_step(&set, err, sizeof err)) < 0)
            break;
        for (int i = 0; i < n; i++)
            keep(&recs[i], (nqm_run *)list[i]);
    }
    nqm_runset_free(&set);
    return n;
}

static int compare(double v, nqm_demo_cmp cmp, double t)
{
    switch (cmp) {
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

static int is_peak(const records *rc, long t)
{
    if (t < 1 || t >= rc->steps || t + 1 >= MAX_STEPS || !(rc->loss[t + 1] < rc->loss[t]))
        return 0;
    for (long u = 0; u < t; u++)
        if (!(rc->loss[u] < rc->loss[t]))
            return 0;
    return 1;
}

static int holds_at(const records *rc, const nqm_demo_cond *c, long t)
{
    switch (c->qty) {
    case NQM_QTY_STEP:
        return t >= (long)c->value;
    case NQM_QTY_PHASE:
        return rc->phase[t] == c->label;
    case NQM_QTY_REGIME:
        return rc->regime[t] == c->label;
    case NQM_QTY_PEAK:
        return is_peak(rc, t);
    default:
        break;
    }
    double v = c->qty == NQM_QTY_LOSS      ? rc->loss[t]
               : c->qty == NQM_QTY_G       ? rc->g[t]
               : c->qty == NQM_QTY_LAMBDA1 ? rc->lambda[0][t]
                                           : rc->lambda[1][t];
    return compare(v, c->cmp, c->per_eta > 0 ? c->per_eta / rc->eta[t] : c->value);
}

/* The records a condition reads: its model's, or the reference run's. */
static const records *records_of(const nqm_demo_cond *c, const nqm_model_kind *models, int n)
{
    int want = c->model >= 0 ? c->model : n > 1 && models[1] == MODEL_QUAD ? MODEL_QUAD : -1;
    for (int i = 0; want >= 0 && i < n; i++)
        if ((int)models[i] == want)
            return &recs[i];
    return &recs[0];
}

/* The step each until of the scene holds at by the records (-1: never);
 * the step of the reference run's largest loss into *top. */
static void expected_steps(const nqm_demo_scene *sc, long *expect, long *top)
{
    nqm_model_kind models[NQM_RUNSET_MAX + 1];
    int n = record_scene(sc, models);
    nqm_demo_cond ref = {.model = -1};
    const records *main_rc = records_of(&ref, models, n);
    *top = 0;
    for (long t = 1; n > 0 && t <= main_rc->steps; t++)
        if (main_rc->loss[t] > main_rc->loss[*top])
            *top = t;
    long from = 0;
    for (int i = 0; i < sc->ncmds && i < MAX_CMDS; i++) {
        expect[i] = -1;
        if (sc->cmds[i].op != NQM_DEMO_UNTIL || n <= 0 || from < 0)
            continue;
        const records *rc = records_of(&sc->cmds[i].cond, models, n);
        long t = sc->cmds[i].cond.qty == NQM_QTY_PEAK && from > 0 ? from - 1 : from;
        while (t <= rc->steps && !holds_at(rc, &sc->cmds[i].cond, t))
            t++;
        expect[i] = from = t <= rc->steps ? t : -1;
    }
}

/* ---- what the screen showed ----------------------------------------------- */

static double reading_time(const nqm_demo_cmd *c)
{
    int words = 0;
    for (int i = 0; i < c->nlines; i++) {
        char line[NQM_DEMO_TEXT_LEN];
        snprintf(line, sizeof line, "%s", c->text[i]);
        for (char *w = strtok(line, " "); w; w = strtok(NULL, " "))
            words++;
    }
    return READ_BASE + READ_WORD * words;
}

typedef struct {
    int scene, caption;         /* on screen now (caption -1: none) */
    double since;               /* when it came */
    int held;                   /* the until that held last */
    int paused;                 /* the run was paused after the last frame */
    long paused_at[MAX_SCENES]; /* the step a scene's script first paused at */
    long second_at[MAX_SCENES]; /* the step its caption after its first until came at */
    long top[MAX_SCENES];       /* the step of its largest loss, by the records */
    int shown[MAX_SCENES][MAX_CMDS];
    int fired[MAX_SCENES][MAX_CMDS];
    long expect[MAX_SCENES][MAX_CMDS];
} watch;

static void caption_gone(const nqm_demo *d, const watch *w, double t)
{
    if (w->caption < 0)
        return;
    const nqm_demo_cmd *c = &d->scenes[w->scene].cmds[w->caption];
    double need = reading_time(c);
    CHECK(t - w->since >= need - 1e-9,
          "%s scene %d line %d: the caption '%s' was up %.2f s, it needs %.2f s", d->name,
          w->scene + 1, c->line, c->text[0], t - w->since, need);
}

static int first_until(const nqm_demo_scene *sc)
{
    for (int i = 0; i < sc->ncmds; i++)
        if (sc->cmds[i].op == NQM_DEMO_UNTIL)
            return i;
    return sc->ncmds;
}

/* After a frame: a new caption, a new until held. */
static void look(const nqm_demo *d, watch *w, const nqm_controller *c)
{
    const nqm_player *p = &c->player;
    if (p->scene != w->scene || p->caption != w->caption) {
        caption_gone(d, w, test_now);
        if (p->scene != w->scene)
            w->held = -1;
        w->scene = p->scene;
        w->caption = p->caption;
        w->since = test_now;
        if (p->caption >= 0)
            w->shown[p->scene][p->caption] = 1;
        if (p->caption > first_until(&d->scenes[p->scene]) && w->second_at[p->scene] < 0)
            w->second_at[p->scene] = c->app.step;
    }
    if (c->app.paused && !w->paused && w->paused_at[p->scene] < 0)
        w->paused_at[p->scene] = c->app.step;
    w->paused = c->app.paused;
    if (p->held >= 0 && p->held != w->held) {
        const nqm_demo_cmd *u = &d->scenes[p->scene].cmds[p->held];
        long want = w->expect[p->scene][p->held];
        CHECK(p->held_step == want && c->app.step == want,
              "%s scene %d line %d: held at step %ld (the run at %ld), the records say %ld",
              d->name, p->scene + 1, u->line, p->held_step, c->app.step, want);
        w->fired[p->scene][p->held] = 1;
        w->held = p->held;
    }
}

/* Every caption shown; every until seen to hold, or holding at the same
 * step as the next one seen (both within one frame). */
static void check_all_seen(const nqm_demo *d, const watch *w)
{
    for (int k = 0; k < d->nscenes && k < MAX_SCENES; k++) {
        const nqm_demo_scene *sc = &d->scenes[k];
        for (int i = 0; i < sc->ncmds && i < MAX_CMDS; i++) {
            if (sc->cmds[i].op == NQM_DEMO_CAPTION)
                CHECK(w->shown[k][i], "%s scene %d line %d: caption '%s' never shown", d->name,
                      k + 1, sc->cmds[i].line, sc->cmds[i].text[0]);
            if (sc->cmds[i].op != NQM_DEMO_UNTIL || w->fired[k][i])
                continue;
            int j = i + 1;
            while (j < sc->ncmds && !(sc->cmds[j].op == NQM_DEMO_UNTIL && w->fired[k][j]))
                j++;
            CHECK(j < sc->ncmds && w->expect[k][j] == w->expect[k][i] && w->expect[k][i] >= 0,
                  "%s scene %d line %d: the until was never seen to hold", d->name, k + 1,
                  sc->cmds[i].line);
        }
    }
}

static void check_peaks(const nqm_demo *d, const watch *w)
{
    if (strcmp(d->name, "catapult-tour") == 0)
        CHECK(w->paused_at[1] == w->top[1] && w->second_at[1] == w->top[1],
              "catapult-tour paused at step %ld with its peak caption at %ld, the largest loss "
              "is at %ld",
              w->paused_at[1], w->second_at[1], w->top[1]);
    for (int k = 0; strcmp(d->name, "width-and-the-peak") == 0 && k < d->nscenes; k++)
        CHECK(w->second_at[k] == w->top[k],
              "width-and-the-peak scene %d: the peak caption at step %ld, the largest loss at %ld",
              k + 1, w->second_at[k], w->top[k]);
}

static void play(const char *path)
{
    nqm_demo d;
    char err[1024];
    if (nqm_demo_load(test_places(), path, &d, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return;
    }
    static watch w;
    memset(&w, 0, sizeof w);
    w.caption = -1;
    for (int k = 0; k < d.nscenes && k < MAX_SCENES; k++) {
        expected_steps(&d.scenes[k], w.expect[k], &w.top[k]);
        w.paused_at[k] = w.second_at[k] = -1;
    }
    nqm_controller c;
    nqm_controller_options opt;
    memset(&opt, 0, sizeof opt);
    opt.clock = test_clock;
    opt.places = test_places();
    opt.demo = &d;
    opt.demo_auto = AUTO;
    test_now = 0;
    if (nqm_controller_open(&c, &d.scenes[0].cfg, &opt, err, sizeof err) != 0) {
        CHECK(0, "session: %s", err);
        nqm_demo_free(&d);
        return;
    }
    nqm_controller_begin(&c);
    look(&d, &w, &c);
    int last = d.nscenes - 1, reached_last = 0;
    while (test_now < MAX_SECONDS && !(reached_last && c.player.scene == 0)) {
        test_now += FRAME;
        nqm_controller_tick(&c);
        reached_last |= c.player.scene == last;
        look(&d, &w, &c);
    }
    CHECK(reached_last && c.player.scene == 0, "%s: the tour did not come round in %.0f s", d.name,
          MAX_SECONDS);
    check_all_seen(&d, &w);
    check_peaks(&d, &w);
    printf("%s: round in %.1f s of the clock\n", d.name, test_now);
    nqm_controller_close(&c);
    nqm_demo_free(&d);
}

int main(int argc, char **argv)
{
    setenv("XDG_CONFIG_HOME", "/nonexistent-nqmtop-test", 1);
    if (argc < 2) {
        fprintf(stderr, "usage: test_demo_clock DEMO_DIR\n");
        return 2;
    }
    DIR *dp = opendir(argv[1]);
    CHECK(dp != NULL, "cannot open %s", argv[1]);
    int played = 0;
    struct dirent *de;
    while (dp && (de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".demo") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], de->d_name);
        play(path);
        played++;
    }
    if (dp)
        closedir(dp);
    CHECK(played >= 3, "only %d demos played", played);
    return check_report("demo clock");
}
