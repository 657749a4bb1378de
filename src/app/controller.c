/* controller.c: the live session behind the interactive screen (see
 * controller.h): what the keys do to the runs, the demo player's hooks,
 * the recording and the replay, and how many steps a frame trains. What a
 * key means to the app state lives in app.c, what the screen shows in
 * screen.c; the terminal is tui/ui.c's. */
#include "nqmtop/app/controller.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buildinfo.h"
#include "nqmtop/app/export.h"
#include "nqmtop/base/files.h"
#include "nqmtop/out/batch.h"

/* How often the run summaries (regime, T1..T4) are recomputed at least;
 * long runs, whose summaries cost more, wait so that summaries stay
 * below SUMMARY_SHARE of the time. */
#define SUMMARY_SECONDS 0.25
#define SUMMARY_SHARE   0.05
/* Window over which steps per second are measured. */
#define RATE_WINDOW_SECONDS 0.5

static double now(const nqm_controller *c) { return c->clock(); }

/* The status line's note: prefix and what, cut to fit. */
static void note(nqm_controller *c, const char *prefix, const char *what)
{
    char *m = c->app.message;
    size_t cap = sizeof c->app.message, used = 0;
    for (const char *p = prefix; *p && used + 1 < cap; p++)
        m[used++] = *p;
    for (const char *p = what; *p && used + 1 < cap; p++)
        m[used++] = *p;
    m[used] = '\0';
}

static void sync_app(nqm_controller *c)
{
    int going = 0;
    for (int i = 0; i < c->set.nruns; i++)
        going += !nqm_run_diverged(&c->set.runs[i]);
    c->app.diverged = going == 0;
    c->app.step = nqm_run_step_count(&c->set.runs[0]);
    const nqm_run *runs[NQM_RUNSET_MAX + 1];
    nqm_runset_list(&c->set, runs);
    nqm_phase phase = nqm_run_record(nqm_runs_reference(runs, c->set.nruns))->phase;
    c->app.catapulting = phase == PHASE_INCREASING || phase == PHASE_PEAK;
}

/* ---------------------------------------------------------------- runs */

/* Build the runs of plan on base and put them in place of the current
 * ones. A theory overlay that cannot run is left out (and the note says
 * why); when nothing can be built the current runs stay. 0 or -1. */
static int install(nqm_controller *c, const nqm_config *base, nqm_runset_plan plan)
{
    nqm_runset fresh;
    char err[NQM_MESSAGE_LEN - 32];
    if (nqm_runset_build(&fresh, base, &plan, err, sizeof err) != 0 && plan.theory) {
        plan.theory = 0;
        if (nqm_runset_build(&fresh, base, &plan, err, sizeof err) == 0)
            note(c, "theory overlay off: ", err);
    }
    if (fresh.nruns == 0 && plan.compare && base->nmodels > 1) { /* the preset's list */
        plan.compare = 0;
        if (nqm_runset_build(&fresh, base, &plan, err, sizeof err) == 0)
            note(c, "its models side by side cannot run: ", err);
    }
    if (fresh.nruns == 0) {
        note(c, "", err);
        return -1;
    }
    nqm_runset_free(&c->set);
    c->set = fresh;
    c->last_summary = 0;
    c->dirty = 1;
    return 0;
}

/* The app's choices as the runs in place have them: model, modes, seed
 * (after a failed rebuild they go back to what still runs). */
static void adopt_runs(nqm_controller *c)
{
    nqm_app *app = &c->app;
    nqm_session *main_session = c->set.runs[0].session;
    app->compare = c->set.nruns > 1;
    app->theory = c->set.has_theory;
    if (!app->compare)
        app->model = nqm_run_model(&c->set.runs[0]);
    app->optimizer = nqm_session_config(main_session)->optimizer;
    app->seed = nqm_session_config(main_session)->seed;
    app->eta_rel_next = 0;
    sync_app(c);
}

/* Rebuild the runs from the app's choices, at the learning rate the key
 * asked for; they start at step 0. */
static void rebuild(nqm_controller *c)
{
    nqm_app *app = &c->app;
    nqm_runset_plan plan = {app->compare ? MODEL_QUAD : app->model,
                            app->seed,
                            app->eta_asked,
                            app->eta_rel_next,
                            app->compare,
                            app->theory,
                            app->optimizer};
    int ok = install(c, &c->base, plan) == 0;
    adopt_runs(c);
    if (ok)
        nqm_app_restarted(app, c->base.steps);
}

/* The plan a configuration asks for by itself: its model, seed and eta,
 * and its models side by side when it lists several. */
static nqm_runset_plan plan_of(const nqm_config *cfg)
{
    nqm_runset_plan plan = {cfg->model,       cfg->seed,
                            cfg->eta,         cfg->eta_mode == ETA_RELATIVE ? cfg->eta_rel : 0,
                            cfg->nmodels > 1, 0,
                            cfg->optimizer};
    return plan;
}

/* Build the runs of a configuration's own plan; when its models cannot
 * run side by side, its model alone. 0, or -1 with err set. */
static int build_own(nqm_runset *set, const nqm_config *cfg, char *err, size_t errlen)
{
    nqm_runset_plan plan = plan_of(cfg);
    if (nqm_runset_build(set, cfg, &plan, err, errlen) == 0)
        return 0;
    plan.compare = 0;
    return plan_of(cfg).compare ? nqm_runset_build(set, cfg, &plan, err, errlen) : -1;
}

/* Start cfg (taken over, freed when it cannot run) in place of the
 * current runs. 0, or -1 with the current runs kept. */
static int adopt_config(nqm_controller *c, nqm_config *cfg)
{
    if (install(c, cfg, plan_of(cfg)) != 0) {
        nqm_config_free(cfg);
        return -1;
    }
    nqm_config_free(&c->base);
    c->base = *cfg;
    nqm_app keep = c->app;
    nqm_app_init(&c->app, cfg, (int)c->npresets);
    c->app.speed = keep.speed;
    c->app.log_loss = keep.log_loss;
    c->app.picker_sel = keep.picker_sel;
    c->app.big = keep.big;
    c->app.demo = keep.demo;
    adopt_runs(c);
    return 0;
}

/* ---------------------------------------- demos, recordings, replays */

nqm_stage nqm_controller_stage(nqm_controller *c)
{
    nqm_stage st = {&c->base, &c->set, &c->app};
    return st;
}

/* A new caption on screen starts its reading time. */
static void caption_clock(nqm_controller *c, double t)
{
    if (c->player.caption != c->caption_shown) {
        c->caption_shown = c->player.caption;
        c->caption_since = t;
    }
}

/* The commands after an until that held run now, unless they would
 * replace a caption that has not been up its reading time (the run then
 * stays at this step until it has). Nonzero when they ran. */
static int demo_proceed(nqm_controller *c, double t)
{
    nqm_player *p = &c->player;
    if (!p->pending)
        return 1;
    if (nqm_player_replaces_caption(p) && t - c->caption_since < nqm_player_reading_seconds(p))
        return 0;
    nqm_stage st = nqm_controller_stage(c);
    nqm_player_proceed(p, &st);
    caption_clock(c, t);
    c->dirty = 1;
    return 1;
}

/* Let the demo's awaited conditions hold at this step; nonzero when one
 * did (the frame then ends here, so its caption shows at this step). */
static int demo_poll(nqm_controller *c)
{
    if (!c->demo)
        return 0;
    nqm_stage st = nqm_controller_stage(c);
    int held = 0;
    while (nqm_player_check(&c->player, &st)) {
        held = 1;
        if (!demo_proceed(c, now(c)))
            break;
    }
    if (held) {
        sync_app(c); /* a peak took the runs back a step */
        c->demo_mark = now(c);
        c->last_summary = 0;
        c->dirty = 1;
    }
    return held;
}

/* A run held for a caption goes on once the caption has been up long
 * enough (and the next until may hold at once, at the same step).
 * Nonzero when it did: the frame then shows the new caption at the step
 * it belongs to, and training starts with the next frame. */
static int demo_release(nqm_controller *c, double t)
{
    if (!c->demo || !c->player.pending || !demo_proceed(c, t))
        return 0;
    demo_poll(c);
    c->last_tick = t;
    return 1;
}

/* Play scene k of the demo (the current runs stay when it cannot start). */
static void start_scene(nqm_controller *c, int k)
{
    char err[NQM_MESSAGE_LEN - 16];
    nqm_stage st = nqm_controller_stage(c);
    if (nqm_player_start(&c->player, c->demo, k, &st, err, sizeof err) != 0) {
        note(c, "", err);
        return;
    }
    sync_app(c);
    c->last_summary = 0;
    c->demo_mark = now(c);
    c->demo_hold = 0;
    c->caption_shown = -2; /* the scene's first caption starts its time now */
    caption_clock(c, now(c));
    demo_poll(c);
    c->repaint = c->dirty = 1;
}

/* n and b: the next or the previous scene. */
static void scene_key(nqm_controller *c, int forward)
{
    int k = c->player.scene + (forward ? 1 : -1), last = c->demo->nscenes - 1;
    if (k > last && c->demo_auto <= 0) {
        note(c, "", "that was the last scene (b goes back, q quits)");
        return;
    }
    start_scene(c, k < 0 ? 0 : k > last ? 0 : k);
}

/* --demo-auto: after the set time a pause the script made goes on (as
 * the viewer's space would), and a scene whose commands have all run (or
 * whose run cannot go on) moves on, the last back to the first. */
static void demo_auto_advance(nqm_controller *c, double t)
{
    if (!c->demo || c->demo_auto <= 0 || c->demo_hold || t - c->demo_mark < c->demo_auto ||
        c->player.pending || t - c->caption_since < nqm_player_reading_seconds(&c->player))
        return;
    int done = nqm_player_done(&c->player);
    if (c->app.paused && !done) {
        c->app.paused = 0;
        c->app.rate_carry = 0;
        c->demo_mark = t;
        c->dirty = 1;
    } else if (done || c->app.paused || c->app.diverged || nqm_app_at_end(&c->app)) {
        scene_key(c, 1);
    }
}

/* Write one event of the session, at this step of the main run, to the
 * recording (a failed write ends the recording and says so). */
static void record_event(nqm_controller *c, nqm_event_kind kind, long step, int key, long T4,
                         const nqm_config *loaded)
{
    if (!c->record)
        return;
    nqm_event ev = {kind, step, now(c) - c->start, key, T4, 0, 0};
    if (nqm_record_event(c->record, &ev, loaded) != 0) {
        note(c, "", "writing the recording failed; recording stopped");
        c->record = NULL;
    }
}

/* Steps the replay lets the runs take now (any when not replaying). */
static long replay_allows(const nqm_controller *c, long due)
{
    if (!c->replay)
        return due;
    long left = nqm_replay_steps_left(&c->cursor, c->app.step);
    return due < left ? due : left;
}

/* ------------------------------------------------------------ pacing */

int nqm_controller_step(nqm_controller *c)
{
    char err[NQM_MESSAGE_LEN - 16];
    int rc = nqm_runset_step(&c->set, err, sizeof err);
    c->rate_steps++;
    if (rc < 0) {
        note(c, "", err);
        c->app.paused = 1;
    }
    sync_app(c);
    c->dirty = 1;
    return demo_poll(c);
}

/* Train for the steps due since the last frame, within the frame's time
 * that drawing leaves. */
static void train(nqm_controller *c, double t)
{
    double budget =
        fmax(NQM_MIN_TRAIN_SECONDS, NQM_FRAME_SECONDS - c->draw_cost - NQM_FRAME_MARGIN_SECONDS);
    double pace = c->replay ? c->replay_speed : 1;
    long due = replay_allows(c, nqm_app_steps_due(&c->app, (t - c->last_tick) * pace));
    c->last_tick = t;
    if (c->demo && c->player.pending)
        return; /* held for a caption */
    for (long i = 0; i < due; i++)
        if (nqm_controller_step(c) || c->app.diverged || c->app.paused || now(c) - t > budget)
            break;
}

static void measure_rate(nqm_controller *c, double t)
{
    double span = t - c->rate_start;
    if (span < RATE_WINDOW_SECONDS)
        return;
    double rate = c->rate_steps / span;
    if (rate != c->steps_per_second)
        c->dirty = 1;
    c->steps_per_second = rate;
    c->rate_start = t;
    c->rate_steps = 0;
}

static void summarize(nqm_controller *c, double t)
{
    double wait = fmax(SUMMARY_SECONDS, c->summary_cost / SUMMARY_SHARE);
    if (t - c->last_summary < wait && !c->app.paused)
        return;
    nqm_runset_summarize(&c->set);
    c->last_summary = now(c);
    c->summary_cost = c->last_summary - t;
    const nqm_run *runs[NQM_RUNSET_MAX + 1];
    nqm_runset_list(&c->set, runs);
    const nqm_phase_summary *ph = &nqm_runs_reference(runs, c->set.nruns)->summary.phases;
    /* a demo waiting for an event lets its run go on; a replay takes the
     * settles it recorded */
    int waiting = c->demo && !nqm_player_done(&c->player);
    if (ph->regime != REGIME_CATAPULT || waiting || c->replay)
        return;
    long stop_at = c->app.stop_at;
    nqm_app_settled(&c->app, ph->T4);
    if (c->app.stop_at != stop_at)
        record_event(c, NQM_EVENT_SETTLE, c->app.step, 0, ph->T4, NULL);
}

/* ------------------------------------------------------------ actions */

/* What an export or a figure of the first run says besides its numbers:
 * its title and, to free(), what made it (NULL without provenance). */
static char *export_info(const nqm_controller *c, nqm_export_info *info, char *title,
                         size_t titlelen)
{
    const nqm_config *cfg = nqm_session_config(c->set.runs[0].session);
    nqm_plot_title(cfg, title, titlelen);
    char *made = c->provenance ? nqm_provenance_text(c->provenance, cfg) : NULL;
    info->provenance = made;
    info->title = title;
    info->size = c->plot_size;
    return made;
}

static void export_history(nqm_controller *c)
{
    const nqm_run *runs[NQM_RUNSET_MAX + 1];
    int n = nqm_runset_list(&c->set, runs);
    time_t t = time(NULL);
    struct tm tm;
    char path[4096], err[NQM_MESSAGE_LEN - 16], title[320], shown[NQM_MESSAGE_LEN];
    localtime_r(&t, &tm);
    nqm_export_info info;
    char *made = export_info(c, &info, title, sizeof title);
    int rc = nqm_export_file(".", c->base.preset, &tm, runs, n, &info, path, sizeof path, err,
                             sizeof err);
    free(made);
    if (rc < 0) {
        note(c, "", err);
        return;
    }
    snprintf(shown, sizeof shown, "%.100s%s%.40s", path + 2, /* past "./" */
             rc == 0 ? " and .svg" : "; no figure: ", rc == 0 ? "" : err);
    note(c, "exported ", shown);
}

/* Writes the figure into the --plot file. */
typedef struct {
    const nqm_run *runs[NQM_RUNSET_MAX];
    int nruns;
    const nqm_plot_info *info;
} plot_source;

static int write_plot(FILE *f, const void *ctx)
{
    const plot_source *src = ctx;
    return nqm_export_svg(f, src->runs, src->nruns, src->info);
}

int nqm_controller_plot(const nqm_controller *c, char *err, size_t errlen)
{
    if (!c->plot || c->set.nruns < 1)
        return 0;
    char title[320];
    nqm_export_info info;
    char *made = export_info(c, &info, title, sizeof title);
    nqm_plot_info plot = {info.size, info.title, info.provenance};
    plot_source src = {{NULL}, c->set.nruns, &plot};
    for (int k = 0; k < c->set.nruns; k++)
        src.runs[k] = &c->set.runs[k];
    int rc = nqm_file_write(c->plot, c->force, "--plot", write_plot, &src, err, errlen);
    free(made);
    return rc;
}

/* Load the preset chosen in the picker and start it; the current run
 * stays when the preset cannot be loaded or run. */
static void pick_preset(nqm_controller *c)
{
    const nqm_preset_info *p = &c->presets[c->app.picker_sel];
    nqm_config cfg;
    char err[NQM_MESSAGE_LEN - 16];
    if (nqm_preset_load(&c->places->presets, p->path, &cfg, err, sizeof err) != 0) {
        note(c, "", err);
        return;
    }
    cfg.threads = c->threads;
    cfg.stop = c->base.stop;
    snprintf(cfg.preset, sizeof cfg.preset, "%s", p->name);
    long step = c->app.step; /* the step it took effect at, before the new run's 0 */
    if (adopt_config(c, &cfg) == 0)
        record_event(c, NQM_EVENT_LOAD, step, 0, 0, &c->base);
}

static void apply_reactions(nqm_controller *c, unsigned r)
{
    if (r & NQM_REACT_PICK && !c->replay) /* a replay loads what was recorded */
        pick_preset(c);
    if (r & (NQM_REACT_NEXT | NQM_REACT_BACK) && c->demo)
        scene_key(c, (r & NQM_REACT_NEXT) != 0);
    if (r & NQM_REACT_RESTART)
        rebuild(c);
    else if (r & NQM_REACT_ETA)
        nqm_runset_set_eta(&c->set, c->app.eta_asked);
    if (r & NQM_REACT_STEP && c->demo && c->player.pending) {
        nqm_stage st = nqm_controller_stage(c); /* the viewer moves on: no more waiting */
        nqm_player_proceed(&c->player, &st);
        caption_clock(c, now(c));
    }
    if (r & NQM_REACT_STEP && !c->app.diverged) {
        nqm_controller_step(c);
        c->last_summary = 0;
    }
    if (r & NQM_REACT_EXPORT && c->replay && !c->replay_exports)
        note(c, "", "export skipped: a replay writes files only with --replay-exports");
    else if (r & NQM_REACT_EXPORT)
        export_history(c);
    if (r & NQM_REACT_REDRAW)
        c->repaint = 1;
    if (r)
        c->dirty = 1;
}

/* What a key does to the app and the runs, as recorded; nonzero when it
 * quits. */
static int perform_key(nqm_controller *c, int key)
{
    unsigned r = nqm_app_key(&c->app, &c->base, key, nqm_runset_rate(&c->set));
    if (r & NQM_REACT_QUIT)
        return 1;
    if (r)
        record_event(c, NQM_EVENT_KEY, c->app.step, key, 0, NULL);
    if (c->demo && r && nqm_key_action(key) == NQM_ACT_PAUSE)
        c->demo_hold = c->app.paused;
    apply_reactions(c, r);
    return 0;
}

/* During a replay the recording plays the keys; the viewer's keys only
 * hold it (space), redraw or quit. */
static int replay_viewer_key(nqm_controller *c, int key)
{
    switch (nqm_key_action(key)) {
    case NQM_ACT_QUIT:
        return 1;
    case NQM_ACT_PAUSE:
        c->replay_hold = !c->replay_hold;
        break;
    case NQM_ACT_REDRAW:
        c->repaint = 1;
        break;
    default:
        note(c, "", "replaying: space holds, q quits; the recording plays the other keys");
        break;
    }
    c->dirty = 1;
    return 0;
}

int nqm_controller_quits_on(const nqm_controller *c, int key)
{
    return nqm_key_action(key) == NQM_ACT_QUIT && (c->replay || (!c->app.help && !c->app.picker));
}

int nqm_controller_key(nqm_controller *c, int key)
{
    return c->replay ? replay_viewer_key(c, key) : perform_key(c, key);
}

/* ------------------------------------------------------------- replay */

/* One recorded event, done as it was. */
static void replay_apply(nqm_controller *c, const nqm_event *ev)
{
    nqm_config cfg;
    switch (ev->kind) {
    case NQM_EVENT_KEY:
        perform_key(c, ev->key);
        break;
    case NQM_EVENT_SETTLE:
        nqm_app_settled(&c->app, ev->T4);
        break;
    case NQM_EVENT_LOAD:
        if (nqm_config_copy(&cfg, &c->replay->configs[ev->config]) == 0)
            adopt_config(c, &cfg);
        break;
    default:
        break;
    }
    c->dirty = 1;
}

/* The badge: where the replay is. */
static void replay_badge(nqm_controller *c, nqm_replay_state state)
{
    const nqm_recording *rec = c->replay;
    char *b = c->badge;
    size_t len = sizeof c->badge;
    if (state == NQM_REPLAY_END)
        snprintf(b, len, "REPLAY END (q quits)");
    else if (state == NQM_REPLAY_LOST)
        snprintf(b, len, "REPLAY LOST before line %d", rec->events[c->cursor.next].line);
    else
        snprintf(b, len, "REPLAY %d/%d%s", c->cursor.next, rec->nevents,
                 c->replay_hold ? " HELD (space goes on)" : "");
}

/* Advance the replay clock and apply every event that is due. */
static void replay_tick(nqm_controller *c, double t)
{
    if (!c->replay)
        return;
    if (!c->replay_hold)
        c->replay_clock += (t - c->replay_tick) * c->replay_speed;
    c->replay_tick = t;
    nqm_replay_state state;
    for (;;) {
        int can_train = !c->app.paused && !c->app.diverged && !nqm_app_at_end(&c->app);
        state = nqm_replay_state_at(&c->cursor, c->app.step, c->replay_clock, can_train);
        if (state != NQM_REPLAY_APPLY || c->replay_hold)
            break;
        replay_apply(c, &c->replay->events[c->cursor.next++]);
    }
    char before[sizeof c->badge];
    memcpy(before, c->badge, sizeof before);
    replay_badge(c, state);
    if (strcmp(before, c->badge) != 0)
        c->dirty = 1;
}

/* -------------------------------------------------------------- frames */

void nqm_controller_tick(nqm_controller *c)
{
    double t = now(c);
    replay_tick(c, t);
    int released = demo_release(c, t);
    demo_auto_advance(c, t);
    if (!released)
        train(c, t);
    measure_rate(c, t);
    summarize(c, t);
}

int nqm_controller_idle(const nqm_controller *c)
{
    if (c->replay || (c->demo && (c->demo_auto > 0 || c->player.pending)))
        return 0;
    return c->app.paused || c->app.diverged || nqm_app_at_end(&c->app);
}

void nqm_controller_scene(const nqm_controller *c, nqm_screen *out, nqm_caption *caption)
{
    nqm_screen sc;
    memset(&sc, 0, sizeof sc);
    sc.app = &c->app;
    sc.cfg = &c->base;
    for (int i = 0; i < c->set.nruns; i++)
        sc.runs[i] = &c->set.runs[i];
    sc.nruns = c->set.nruns;
    sc.theory = c->set.has_theory ? &c->set.theory : NULL;
    sc.steps_per_second = c->steps_per_second;
    sc.presets = c->presets;
    sc.npresets = c->npresets;
    if (c->demo) {
        nqm_player_caption(&c->player, caption);
        sc.caption = caption;
    }
    sc.badge = c->replay ? c->badge : NULL;
    *out = sc;
}

int nqm_controller_draw(nqm_controller *c, nqm_canvas *cv)
{
    nqm_screen sc;
    nqm_caption caption;
    nqm_controller_scene(c, &sc, &caption);
    c->dirty = 0;
    return nqm_screen_draw(cv, &sc);
}

void nqm_controller_drawn(nqm_controller *c, double seconds)
{
    c->draw_cost += 0.2 * (seconds - c->draw_cost);
}

/* --------------------------------------------------------- open, close */

static void load_presets(nqm_controller *c)
{
    char err[256];
    if (nqm_preset_list(&c->places->presets, &c->presets, &c->npresets, err, sizeof err) != 0) {
        c->presets = NULL;
        c->npresets = 0;
    }
    for (size_t i = 0; i < c->npresets; i++)
        if (strcmp(c->presets[i].name, c->base.preset) == 0)
            c->app.picker_sel = (int)i;
    c->app.picker_count = (int)c->npresets;
}

/* What --big, --demo, --record and --replay ask of the session. 0, or -1
 * when the recording cannot be written. */
static int start_teaching(nqm_controller *c, const nqm_controller_options *opt)
{
    c->app.big = opt->big;
    c->app.fixed_length = opt->fixed_length;
    c->demo = opt->demo;
    c->demo_auto = opt->demo_auto;
    c->app.demo = opt->demo != NULL;
    c->replay = opt->replay;
    if (c->replay) {
        c->cursor.rec = c->replay;
        c->replay_speed = opt->replay_speed > 0 ? opt->replay_speed : 1;
        c->replay_exports = opt->replay_exports;
        c->app.big = c->replay->big || opt->big;
        c->app.speed = c->replay->speed;
        if (strcmp(c->replay->version, NQMTOP_VERSION) != 0)
            snprintf(c->app.message, sizeof c->app.message,
                     "recorded by nqmtop %.32s, replayed by %s: the numbers may differ",
                     c->replay->version, NQMTOP_VERSION);
    }
    c->record = opt->record;
    char made_by[256];
    if (opt->provenance)
        nqm_provenance_line(opt->provenance, made_by, sizeof made_by);
    return c->record && nqm_record_start(c->record, &c->base, c->app.big, c->app.speed,
                                         opt->provenance ? made_by : NULL) != 0
               ? -1
               : 0;
}

int nqm_controller_open(nqm_controller *c, const nqm_config *cfg, const nqm_controller_options *opt,
                        char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->clock = opt->clock;
    c->places = opt->places;
    c->threads = opt->threads;
    c->provenance = opt->provenance;
    c->plot = opt->plot;
    c->plot_size = opt->plot_size;
    c->force = opt->force;
    if (c->plot_size.width == 0)
        nqm_plot_size_parse("", &c->plot_size, NULL, 0);
    if (nqm_config_copy(&c->base, cfg) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (build_own(&c->set, &c->base, err, errlen) != 0) {
        nqm_config_free(&c->base);
        return -1;
    }
    nqm_app_init(&c->app, cfg, 0);
    c->app.compare = c->set.nruns > 1;
    char slow[NQM_MESSAGE_LEN - 24];
    if (nqm_config_slow_note(cfg, slow, sizeof slow))
        note(c, "q quits at once; ", slow);
    load_presets(c);
    c->app.speed = nqm_app_speed_nearest(opt->speed);
    if (start_teaching(c, opt) != 0) {
        snprintf(err, errlen, "writing the recording failed");
        c->record = NULL;
        nqm_controller_close(c);
        return -1;
    }
    return 0;
}

void nqm_controller_begin(nqm_controller *c)
{
    if (c->demo)
        start_scene(c, 0);
    c->start = c->replay_tick = c->last_tick = c->rate_start = now(c);
    c->dirty = 1;
}

void nqm_controller_close(nqm_controller *c)
{
    record_event(c, NQM_EVENT_QUIT, c->app.step, 0, 0, NULL);
    nqm_runset_free(&c->set);
    free(c->presets);
    nqm_config_free(&c->base);
    memset(c, 0, sizeof *c);
}
