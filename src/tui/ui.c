/* ui.c: the interactive terminal front end, and the only file that talks
 * to curses. It runs the event loop (keys, pacing, signals, resizes),
 * trains the runs between frames, and copies the canvas that scene.c
 * draws onto the screen with the colour palette. What a key means lives
 * in app.c, what the screen shows in scene.c. */
#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "buildinfo.h"
#include "nqmtop/app/app.h"
#include "nqmtop/app/demo.h"
#include "nqmtop/app/export.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/app/record.h"
#include "nqmtop/app/run.h"
#include "nqmtop/app/scene.h"
#include "nqmtop/app/sweeplive.h"
#include "nqmtop/tui/ui.h"
#include "nqmtop/base/clock.h"

/* Frame period. Training fills it, less the time drawing takes and a
 * margin, but never less than MIN_TRAIN_SECONDS. */
#define FRAME_SECONDS        (1.0 / 30)
#define FRAME_MARGIN_SECONDS 0.002
#define MIN_TRAIN_SECONDS    0.005
/* How long the loop sleeps between frames while nothing trains (keys,
 * resizes and signals still wake it at once). */
#define IDLE_SECONDS 0.25
/* How often the run summaries (regime, T1..T4) are recomputed at least;
 * long runs, whose summaries cost more, wait so that summaries stay
 * below SUMMARY_SHARE of the time. */
#define SUMMARY_SECONDS 0.25
#define SUMMARY_SHARE   0.05
/* Window over which steps per second are measured. */
#define RATE_WINDOW_SECONDS 0.5

/* Set by the signal handlers, read by the loop: the one global state. */
static volatile sig_atomic_t quit_signal;
static volatile sig_atomic_t continued;
static volatile sig_atomic_t suspended; /* Ctrl-Z */

typedef struct {
    SCREEN *screen;  /* the curses screen (NULL before and after) */
    nqm_config base; /* configuration of the current preset */
    nqm_runset set;
    nqm_app app;
    nqm_preset_info *presets;
    size_t npresets;
    const nqm_places *places; /* where presets are found */
    int threads;              /* core threads of a run the picker loads */
    nqm_canvas *cv;
    int color;        /* colour pairs in use */
    double last_tick; /* when steps were last counted due */
    double last_summary;
    double summary_cost; /* seconds the last summary took */
    double rate_start;   /* measuring window start */
    long rate_steps;     /* steps in the window */
    double steps_per_second;
    double draw_cost; /* seconds a frame takes to draw (average) */
    int dirty;        /* the screen needs drawing */
    /* a demo (--demo): its player, and the pace of --demo-auto */
    const nqm_demo *demo;
    nqm_player player;
    double demo_auto; /* > 0: seconds a finished scene stays */
    double demo_mark; /* when the scene began or an until last held */
    int demo_hold;    /* the viewer paused: no scene changes by the clock */
    /* a recording being written (--record) or replayed (--replay) */
    FILE *record;
    double start; /* when the session began */
    const nqm_recording *replay;
    nqm_replay cursor;
    double replay_speed, replay_clock, replay_tick;
    int replay_hold;
    char badge[96]; /* what the replay is doing, on the status line */
} ui_state;

/* ------------------------------------------------------------ signals */

static void on_quit_signal(int sig) { quit_signal = sig; }

static void on_continue(int sig)
{
    (void)sig;
    continued = 1;
}

static void on_suspend(int sig)
{
    (void)sig;
    suspended = 1;
}

/* The signals the screen handles, and what they did before. */
static const int handled_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCONT, SIGTSTP};
enum { HANDLED_SIGNALS = sizeof handled_signals / sizeof handled_signals[0] };
static struct sigaction saved_actions[HANDLED_SIGNALS];

static void handle(int sig, void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

/* Quit signals end the loop (no SA_RESTART: getch returns at once), even
 * when ignored at the start (a screen left running with nobody to quit it
 * would spin on a closed terminal); SIGCONT repaints; SIGTSTP (Ctrl-Z) is
 * ours, not ncurses' (its handler ignores SIGTSTP while it updates the
 * screen, so a Ctrl-Z during a frame was lost) and is acted on in the
 * loop, unless it was ignored at the start (a parent without job control,
 * where a stopped nqmtop would never be continued). */
static void install_handlers(void)
{
    for (int i = 0; i < HANDLED_SIGNALS; i++) {
        int sig = handled_signals[i];
        sigaction(sig, NULL, &saved_actions[i]);
        if (sig == SIGCONT)
            handle(sig, on_continue, SA_RESTART);
        else if (sig == SIGTSTP && saved_actions[i].sa_handler != SIG_IGN)
            handle(sig, on_suspend, SA_RESTART);
        else if (sig != SIGTSTP)
            handle(sig, on_quit_signal, 0);
    }
}

static void restore_handlers(void)
{
    for (int i = 0; i < HANDLED_SIGNALS; i++)
        sigaction(handled_signals[i], &saved_actions[i], NULL);
}

/* After a Ctrl-Z: the terminal back to the shell, and stop; when
 * continued (fg), the shell's modes are the ones to leave at the end and
 * the loop repaints the whole screen. SIGTSTP stays blocked from the
 * switch to its default action to the stop, so a second Ctrl-Z then
 * makes one stop, not two. */
static void suspend_ui(void)
{
    suspended = 0;
    endwin();
    sigset_t tstp, before;
    sigemptyset(&tstp);
    sigaddset(&tstp, SIGTSTP);
    pthread_sigmask(SIG_BLOCK, &tstp, &before);
    handle(SIGTSTP, SIG_DFL, 0);
    raise(SIGTSTP);
    pthread_sigmask(SIG_SETMASK, &before, NULL); /* stopped here until continued */
    handle(SIGTSTP, on_suspend, SA_RESTART);
    flushinp();
    def_shell_mode();
    continued = 1;
}

/* ------------------------------------------------------------- colour */

/* Foreground of each nqm_color (-1: the terminal's default). */
static const short palette[NQM_COLOR_COUNT] = {
    [NQM_COLOR_DEFAULT] = -1,
    [NQM_COLOR_AXIS] = -1,
    [NQM_COLOR_SERIES1] = COLOR_CYAN,
    [NQM_COLOR_SERIES2] = COLOR_YELLOW,
    [NQM_COLOR_SERIES3] = COLOR_GREEN,
    [NQM_COLOR_SERIES4] = COLOR_MAGENTA,
    [NQM_COLOR_THRESHOLD2] = COLOR_RED,
    [NQM_COLOR_THRESHOLD4] = COLOR_BLUE,
    [NQM_COLOR_PHASE_INCREASING] = COLOR_YELLOW,
    [NQM_COLOR_PHASE_PEAK] = COLOR_RED,
    [NQM_COLOR_PHASE_DECREASING] = COLOR_GREEN,
    [NQM_COLOR_TITLE] = -1,
    [NQM_COLOR_STATUS] = -1,
    [NQM_COLOR_WARNING] = COLOR_RED,
};

/* The projector view's palette: bright colours, bold, on black. */
static const short palette_big[NQM_COLOR_COUNT] = {
    [NQM_COLOR_DEFAULT] = COLOR_WHITE,
    [NQM_COLOR_AXIS] = COLOR_WHITE,
    [NQM_COLOR_SERIES1] = COLOR_YELLOW,
    [NQM_COLOR_SERIES2] = COLOR_CYAN,
    [NQM_COLOR_SERIES3] = COLOR_GREEN,
    [NQM_COLOR_SERIES4] = COLOR_MAGENTA,
    [NQM_COLOR_THRESHOLD2] = COLOR_RED,
    [NQM_COLOR_THRESHOLD4] = COLOR_CYAN,
    [NQM_COLOR_PHASE_INCREASING] = COLOR_YELLOW,
    [NQM_COLOR_PHASE_PEAK] = COLOR_RED,
    [NQM_COLOR_PHASE_DECREASING] = COLOR_GREEN,
    [NQM_COLOR_TITLE] = COLOR_WHITE,
    [NQM_COLOR_STATUS] = COLOR_WHITE,
    [NQM_COLOR_WARNING] = COLOR_RED,
};

/* Pairs 1 .. NQM_COLOR_COUNT - 1 hold the normal palette, and
 * NQM_COLOR_COUNT + c the projector's, when the terminal has that many;
 * all are set once (ncurses 6.4 leaks when pairs in use are redefined). */
static int setup_colors(int wanted)
{
    if (!wanted || !has_colors() || start_color() == ERR || COLORS < 8)
        return 0;
    use_default_colors();
    for (int c = 1; c < NQM_COLOR_COUNT; c++)
        init_pair((short)c, palette[c], -1);
    for (int c = 0; c < NQM_COLOR_COUNT && COLOR_PAIRS > 2 * NQM_COLOR_COUNT; c++)
        init_pair((short)(NQM_COLOR_COUNT + c), palette_big[c], COLOR_BLACK);
    return 1;
}

/* The pair of a colour index in the normal or the projector palette. */
static short cell_pair(int color, int use_color, int big)
{
    if (!use_color)
        return 0;
    if (big && COLOR_PAIRS > 2 * NQM_COLOR_COUNT)
        return (short)(NQM_COLOR_COUNT + color);
    return (short)color;
}

/* Attributes of a colour index (the pair itself goes to setcchar); the
 * projector view draws everything bold. */
static attr_t cell_attr(int color, int use_color, int big)
{
    attr_t a = big ? A_BOLD : A_NORMAL;
    if (big && color != NQM_COLOR_WARNING)
        return a;
    switch (color) {
    case NQM_COLOR_TITLE:
        return a | A_BOLD;
    case NQM_COLOR_WARNING:
        return a | A_BOLD | (use_color ? A_NORMAL : A_REVERSE);
    case NQM_COLOR_AXIS:
        return a | (use_color ? A_DIM : A_NORMAL);
    case NQM_COLOR_SERIES1:
        return a | A_BOLD;
    default:
        return a;
    }
}

/* ---------------------------------------------------------- the screen */

static void put_cell(int y, int x, const nqm_cell *cell, int use_color, int big)
{
    wchar_t wc[2] = {(wchar_t)cell->ch, L'\0'};
    cchar_t cc;
    if (cell->ch < 32 || cell->ch == 127)
        wc[0] = L' ';
    short pair = cell_pair(cell->color, use_color, big);
    if (setcchar(&cc, wc, cell_attr(cell->color, use_color, big), pair, NULL) == OK)
        mvadd_wch(y, x, &cc);
}

static void blit(const nqm_canvas *cv, int use_color, int big)
{
    int w = nqm_canvas_width(cv), h = nqm_canvas_height(cv);
    for (int y = 0; y < h; y++) {
        const nqm_cell *row = nqm_canvas_row(cv, y);
        for (int x = 0; x < w; x++)
            put_cell(y, x, &row[x], use_color, big);
    }
}

static void fill_scene(const ui_state *ui, nqm_scene *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->app = &ui->app;
    sc->cfg = &ui->base;
    for (int i = 0; i < ui->set.nruns; i++)
        sc->runs[i] = &ui->set.runs[i];
    sc->nruns = ui->set.nruns;
    sc->theory = ui->set.has_theory ? &ui->set.theory : NULL;
    sc->steps_per_second = ui->steps_per_second;
    sc->presets = ui->presets;
    sc->npresets = ui->npresets;
}

/* Below this many columns nothing is drawn and the screen is left blank:
 * there is no room for a word, and ncurses 6.4 reads outside its line
 * buffers when it refreshes old content onto a one-column screen
 * (valgrind shows it; a blank stdscr and a cleared curscr avoid it). */
#define DRAW_MIN_COLS 2

/* The canvas at the terminal's size. When there is no memory for it the
 * screen says so instead (the next frame tries again); 0 when it fits. */
static int fit_canvas(ui_state *ui)
{
    if ((nqm_canvas_width(ui->cv) == COLS && nqm_canvas_height(ui->cv) == LINES) ||
        nqm_canvas_resize(ui->cv, COLS, LINES) == 0)
        return 0;
    char msg[80];
    snprintf(msg, sizeof msg, "nqmtop: out of memory for a %dx%d screen", COLS, LINES);
    erase();
    mvaddnstr(0, 0, msg, COLS);
    wnoutrefresh(stdscr);
    doupdate();
    return -1;
}

static void draw(ui_state *ui)
{
    ui->dirty = 0;
    if (COLS < DRAW_MIN_COLS)
        return;
    double start = nqm_clock_seconds();
    if (fit_canvas(ui) != 0) {
        ui->dirty = 1;
        return;
    }
    nqm_scene sc;
    nqm_caption caption;
    fill_scene(ui, &sc);
    if (ui->demo) {
        nqm_player_caption(&ui->player, &caption);
        sc.caption = &caption;
    }
    sc.badge = ui->replay ? ui->badge : NULL;
    nqm_scene_draw(ui->cv, &sc);
    blit(ui->cv, ui->color, ui->app.big);
    wnoutrefresh(stdscr);
    doupdate();
    ui->draw_cost += 0.2 * (nqm_clock_seconds() - start - ui->draw_cost);
}

/* Full repaint: forget what curses believes is on the terminal. */
static void redraw(ui_state *ui)
{
    clearok(curscr, TRUE);
    ui->dirty = 1;
}

/* ------------------------------------------------------------ the runs */

/* The status line's note: prefix and what, cut to fit. */
static void note(ui_state *ui, const char *prefix, const char *what)
{
    char *m = ui->app.message;
    size_t cap = sizeof ui->app.message, used = 0;
    for (const char *p = prefix; *p && used + 1 < cap; p++)
        m[used++] = *p;
    for (const char *p = what; *p && used + 1 < cap; p++)
        m[used++] = *p;
    m[used] = '\0';
}

static void sync_app(ui_state *ui)
{
    int going = 0;
    for (int i = 0; i < ui->set.nruns; i++)
        going += !nqm_run_diverged(&ui->set.runs[i]);
    ui->app.diverged = going == 0;
    ui->app.step = nqm_run_step_count(&ui->set.runs[0]);
}

/* Build the runs of plan on base and put them in place of the current
 * ones. A theory overlay that cannot run is left out (and the note says
 * why); when nothing can be built the current runs stay. 0 or -1. */
static int install(ui_state *ui, const nqm_config *base, nqm_runset_plan plan)
{
    nqm_runset fresh;
    char err[NQM_MESSAGE_LEN - 32];
    if (nqm_runset_build(&fresh, base, &plan, err, sizeof err) != 0 && plan.theory) {
        plan.theory = 0;
        if (nqm_runset_build(&fresh, base, &plan, err, sizeof err) == 0)
            note(ui, "theory overlay off: ", err);
    }
    if (fresh.nruns == 0) {
        note(ui, "", err);
        return -1;
    }
    nqm_runset_free(&ui->set);
    ui->set = fresh;
    ui->last_summary = 0;
    ui->dirty = 1;
    return 0;
}

/* The app's choices as the runs in place have them: model, modes, seed,
 * eta (after a failed rebuild they go back to what still runs). */
static void adopt_runs(ui_state *ui)
{
    nqm_app *app = &ui->app;
    nqm_session *main_session = ui->set.runs[0].session;
    app->compare = ui->set.nruns > 1;
    app->theory = ui->set.has_theory;
    if (!app->compare)
        app->model = nqm_run_model(&ui->set.runs[0]);
    app->seed = nqm_session_config(main_session)->seed;
    app->eta = nqm_session_eta(main_session);
    app->eta_crit = nqm_session_eta_crit(main_session);
    app->eta_rel_next = 0;
    sync_app(ui);
}

/* Rebuild the runs from the app's choices; they start at step 0. */
static void rebuild(ui_state *ui)
{
    nqm_app *app = &ui->app;
    nqm_runset_plan plan = {app->compare ? MODEL_QUAD : app->model,
                            app->seed,
                            app->eta,
                            app->eta_rel_next,
                            app->compare,
                            app->theory};
    int ok = install(ui, &ui->base, plan) == 0;
    adopt_runs(ui);
    if (ok)
        nqm_app_restarted(app, app->eta, app->eta_crit, ui->base.steps);
}

/* ---------------------------------------- demos, recordings, replays */

static nqm_stage stage_of(ui_state *ui)
{
    nqm_stage st = {&ui->base, &ui->set, &ui->app};
    return st;
}

/* Let the demo's awaited conditions hold at this step; nonzero when one
 * did (the frame then ends here, so its caption shows at this step). */
static int demo_poll(ui_state *ui)
{
    if (!ui->demo)
        return 0;
    nqm_stage st = stage_of(ui);
    int held = 0;
    while (nqm_player_poll(&ui->player, &st))
        held = 1;
    if (held) {
        ui->demo_mark = nqm_clock_seconds();
        ui->last_summary = 0;
        ui->dirty = 1;
    }
    return held;
}

/* Play scene k of the demo (the current runs stay when it cannot start). */
static void start_scene(ui_state *ui, int k)
{
    char err[NQM_MESSAGE_LEN - 16];
    nqm_stage st = stage_of(ui);
    if (nqm_player_start(&ui->player, ui->demo, k, &st, err, sizeof err) != 0) {
        note(ui, "", err);
        return;
    }
    sync_app(ui);
    ui->last_summary = 0;
    ui->demo_mark = nqm_clock_seconds();
    ui->demo_hold = 0;
    demo_poll(ui);
    redraw(ui);
}

/* n and b: the next or the previous scene. */
static void scene_key(ui_state *ui, int forward)
{
    int k = ui->player.scene + (forward ? 1 : -1), last = ui->demo->nscenes - 1;
    if (k > last && ui->demo_auto <= 0) {
        note(ui, "", "that was the last scene (b goes back, q quits)");
        return;
    }
    start_scene(ui, k < 0 ? 0 : k > last ? 0 : k);
}

/* --demo-auto: after the set time a pause the script made goes on (as
 * the viewer's space would), and a scene whose commands have all run (or
 * whose run cannot go on) moves on, the last back to the first. */
static void demo_auto_advance(ui_state *ui, double t)
{
    if (!ui->demo || ui->demo_auto <= 0 || ui->demo_hold || t - ui->demo_mark < ui->demo_auto)
        return;
    int done = nqm_player_done(&ui->player);
    if (ui->app.paused && !done) {
        ui->app.paused = 0;
        ui->app.rate_carry = 0;
        ui->demo_mark = t;
        ui->dirty = 1;
    } else if (done || ui->app.paused || ui->app.diverged || nqm_app_at_end(&ui->app)) {
        scene_key(ui, 1);
    }
}

/* Write one event of the session, at this step of the main run, to the
 * recording (a failed write ends the recording and says so). */
static void record_event(ui_state *ui, nqm_event_kind kind, long step, int key, long T4,
                         const nqm_config *loaded)
{
    if (!ui->record)
        return;
    nqm_event ev = {kind, step, nqm_clock_seconds() - ui->start, key, T4, 0, 0};
    if (nqm_record_event(ui->record, &ev, loaded) != 0) {
        note(ui, "", "writing the recording failed; recording stopped");
        ui->record = NULL;
    }
}

/* Steps the replay lets the runs take now (any when not replaying). */
static long replay_allows(const ui_state *ui, long due)
{
    if (!ui->replay)
        return due;
    long left = nqm_replay_steps_left(&ui->cursor, ui->app.step);
    return due < left ? due : left;
}

/* Train for the steps due since the last frame, within the frame's time
 * that drawing leaves. */
static void train(ui_state *ui, double t)
{
    double budget = fmax(MIN_TRAIN_SECONDS, FRAME_SECONDS - ui->draw_cost - FRAME_MARGIN_SECONDS);
    double pace = ui->replay ? ui->replay_speed : 1;
    long due = replay_allows(ui, nqm_app_steps_due(&ui->app, (t - ui->last_tick) * pace));
    ui->last_tick = t;
    char err[NQM_MESSAGE_LEN - 16];
    for (long i = 0; i < due; i++) {
        int rc = nqm_runset_step(&ui->set, err, sizeof err);
        ui->rate_steps++;
        if (rc < 0) {
            note(ui, "", err);
            ui->app.paused = 1;
        }
        if (rc <= 0 || demo_poll(ui) || nqm_clock_seconds() - t > budget)
            break;
    }
    if (due > 0) {
        sync_app(ui);
        ui->dirty = 1;
    }
}

static void measure_rate(ui_state *ui, double t)
{
    double span = t - ui->rate_start;
    if (span < RATE_WINDOW_SECONDS)
        return;
    double rate = ui->rate_steps / span;
    if (rate != ui->steps_per_second)
        ui->dirty = 1;
    ui->steps_per_second = rate;
    ui->rate_start = t;
    ui->rate_steps = 0;
}

static void summarize(ui_state *ui, double t)
{
    double wait = fmax(SUMMARY_SECONDS, ui->summary_cost / SUMMARY_SHARE);
    if (t - ui->last_summary < wait && !ui->app.paused)
        return;
    nqm_runset_summarize(&ui->set);
    ui->last_summary = nqm_clock_seconds();
    ui->summary_cost = ui->last_summary - t;
    const nqm_run *runs[NQM_RUNSET_MAX + 1];
    nqm_runset_list(&ui->set, runs);
    const nqm_phase_summary *ph = &nqm_runs_reference(runs, ui->set.nruns)->summary.phases;
    /* a demo waiting for an event lets its run go on; a replay takes the
     * settles it recorded */
    int waiting = ui->demo && !nqm_player_done(&ui->player);
    if (ph->regime != REGIME_CATAPULT || waiting || ui->replay)
        return;
    long stop_at = ui->app.stop_at;
    nqm_app_settled(&ui->app, ph->T4);
    if (ui->app.stop_at != stop_at)
        record_event(ui, NQM_EVENT_SETTLE, ui->app.step, 0, ph->T4, NULL);
}

/* ------------------------------------------------------------ actions */

static void export_history(ui_state *ui)
{
    const nqm_run *runs[NQM_RUNSET_MAX + 1];
    int n = nqm_runset_list(&ui->set, runs);
    time_t t = time(NULL);
    struct tm tm;
    char path[4096], err[NQM_MESSAGE_LEN - 16];
    localtime_r(&t, &tm);
    if (nqm_export_file(".", ui->base.preset, &tm, runs, n, path, sizeof path, err, sizeof err) ==
        0)
        note(ui, "exported ", path + 2); /* past "./" */
    else
        note(ui, "", err);
}

/* The plan a configuration asks for by itself: its model, seed and eta. */
static nqm_runset_plan plan_of(const nqm_config *cfg)
{
    nqm_runset_plan plan = {
        cfg->model, cfg->seed, cfg->eta, cfg->eta_mode == ETA_RELATIVE ? cfg->eta_rel : 0, 0, 0};
    return plan;
}

/* Start cfg (taken over, freed when it cannot run) in place of the
 * current runs. 0, or -1 with the current runs kept. */
static int adopt_config(ui_state *ui, nqm_config *cfg)
{
    if (install(ui, cfg, plan_of(cfg)) != 0) {
        nqm_config_free(cfg);
        return -1;
    }
    nqm_config_free(&ui->base);
    ui->base = *cfg;
    nqm_app keep = ui->app;
    nqm_app_init(&ui->app, cfg, 0, 0, (int)ui->npresets);
    ui->app.speed = keep.speed;
    ui->app.log_loss = keep.log_loss;
    ui->app.picker_sel = keep.picker_sel;
    ui->app.big = keep.big;
    ui->app.demo = keep.demo;
    adopt_runs(ui);
    return 0;
}

/* Load the preset chosen in the picker and start it; the current run
 * stays when the preset cannot be loaded or run. */
static void pick_preset(ui_state *ui)
{
    const nqm_preset_info *p = &ui->presets[ui->app.picker_sel];
    nqm_config cfg;
    char err[NQM_MESSAGE_LEN - 16];
    if (nqm_preset_load(&ui->places->presets, p->path, &cfg, err, sizeof err) != 0) {
        note(ui, "", err);
        return;
    }
    cfg.threads = ui->threads;
    snprintf(cfg.preset, sizeof cfg.preset, "%s", p->name);
    long step = ui->app.step; /* the step it took effect at, before the new run's 0 */
    if (adopt_config(ui, &cfg) == 0)
        record_event(ui, NQM_EVENT_LOAD, step, 0, 0, &ui->base);
}

static void apply_reactions(ui_state *ui, unsigned r)
{
    if (r & NQM_REACT_PICK && !ui->replay) /* a replay loads what was recorded */
        pick_preset(ui);
    if (r & (NQM_REACT_NEXT | NQM_REACT_BACK) && ui->demo)
        scene_key(ui, (r & NQM_REACT_NEXT) != 0);
    if (r & NQM_REACT_RESTART)
        rebuild(ui);
    else if (r & NQM_REACT_ETA)
        nqm_runset_set_eta(&ui->set, ui->app.eta);
    if (r & NQM_REACT_STEP && !ui->app.diverged) {
        char err[NQM_MESSAGE_LEN - 16];
        if (nqm_runset_step(&ui->set, err, sizeof err) < 0)
            note(ui, "", err);
        sync_app(ui);
        demo_poll(ui);
        ui->last_summary = 0;
    }
    if (r & NQM_REACT_EXPORT)
        export_history(ui);
    if (r & NQM_REACT_REDRAW)
        redraw(ui);
    if (r)
        ui->dirty = 1;
}

/* Curses key codes to the key table's codes. */
static int translate_key(int ch)
{
    switch (ch) {
    case KEY_F(1):
        return NQM_KEY_F1;
    case KEY_F(10):
        return NQM_KEY_F10;
    case KEY_UP:
        return NQM_KEY_UP;
    case KEY_DOWN:
        return NQM_KEY_DOWN;
    case KEY_PPAGE:
        return NQM_KEY_PGUP;
    case KEY_NPAGE:
        return NQM_KEY_PGDN;
    case KEY_HOME:
        return NQM_KEY_HOME;
    case KEY_END:
        return NQM_KEY_END;
    case KEY_LEFT:
        return NQM_KEY_LEFT;
    case KEY_RIGHT:
        return NQM_KEY_RIGHT;
    case KEY_ENTER:
    case '\r':
        return NQM_KEY_ENTER;
    default:
        return ch;
    }
}

/* What a key (of the table's codes) does to the app and the runs, as
 * recorded; nonzero when it quits. */
static int perform_key(ui_state *ui, int key)
{
    unsigned r = nqm_app_key(&ui->app, &ui->base, key);
    if (r & NQM_REACT_QUIT)
        return 1;
    if (r)
        record_event(ui, NQM_EVENT_KEY, ui->app.step, key, 0, NULL);
    if (ui->demo && r && nqm_key_action(key) == NQM_ACT_PAUSE)
        ui->demo_hold = ui->app.paused;
    apply_reactions(ui, r);
    return 0;
}

/* During a replay the recording plays the keys; the viewer's keys only
 * hold it (space), redraw or quit. */
static int replay_viewer_key(ui_state *ui, int key)
{
    switch (nqm_key_action(key)) {
    case NQM_ACT_QUIT:
        return 1;
    case NQM_ACT_PAUSE:
        ui->replay_hold = !ui->replay_hold;
        break;
    case NQM_ACT_REDRAW:
        redraw(ui);
        break;
    default:
        note(ui, "", "replaying: space holds, q quits; the recording plays the other keys");
        break;
    }
    ui->dirty = 1;
    return 0;
}

/* Handle one key; returns nonzero to quit. */
static int handle_key(ui_state *ui, int ch)
{
    if (ch == KEY_RESIZE) {
        if (COLS < DRAW_MIN_COLS)
            werase(stdscr);
        redraw(ui);
        return 0;
    }
    if (ui->replay)
        return replay_viewer_key(ui, translate_key(ch));
    return perform_key(ui, translate_key(ch));
}

/* One recorded event, done as it was. */
static void replay_apply(ui_state *ui, const nqm_event *ev)
{
    nqm_config cfg;
    switch (ev->kind) {
    case NQM_EVENT_KEY:
        perform_key(ui, ev->key);
        break;
    case NQM_EVENT_SETTLE:
        nqm_app_settled(&ui->app, ev->T4);
        break;
    case NQM_EVENT_LOAD:
        if (nqm_config_copy(&cfg, &ui->replay->configs[ev->config]) == 0)
            adopt_config(ui, &cfg);
        break;
    default:
        break;
    }
    ui->dirty = 1;
}

/* The badge: where the replay is. */
static void replay_badge(ui_state *ui, nqm_replay_state state)
{
    const nqm_recording *rec = ui->replay;
    char *b = ui->badge;
    size_t len = sizeof ui->badge;
    if (state == NQM_REPLAY_END)
        snprintf(b, len, "REPLAY END (q quits)");
    else if (state == NQM_REPLAY_LOST)
        snprintf(b, len, "REPLAY LOST before line %d", rec->events[ui->cursor.next].line);
    else
        snprintf(b, len, "REPLAY %d/%d%s", ui->cursor.next, rec->nevents,
                 ui->replay_hold ? " HELD (space goes on)" : "");
}

/* Advance the replay clock and apply every event that is due. */
static void replay_tick(ui_state *ui, double t)
{
    if (!ui->replay)
        return;
    if (!ui->replay_hold)
        ui->replay_clock += (t - ui->replay_tick) * ui->replay_speed;
    ui->replay_tick = t;
    nqm_replay_state state;
    for (;;) {
        int can_train = !ui->app.paused && !ui->app.diverged && !nqm_app_at_end(&ui->app);
        state = nqm_replay_state_at(&ui->cursor, ui->app.step, ui->replay_clock, can_train);
        if (state != NQM_REPLAY_APPLY || ui->replay_hold)
            break;
        replay_apply(ui, &ui->replay->events[ui->cursor.next++]);
    }
    char before[sizeof ui->badge];
    memcpy(before, ui->badge, sizeof before);
    replay_badge(ui, state);
    if (strcmp(before, ui->badge) != 0)
        ui->dirty = 1;
}

/* Wait for keys until the next frame is due; returns nonzero to quit. */
static int read_keys(ui_state *ui, double frame_end)
{
    int wait_ms = (int)((frame_end - nqm_clock_seconds()) * 1000);
    timeout(wait_ms > 1 ? wait_ms : 1);
    int ch = getch();
    while (ch != ERR) {
        if (handle_key(ui, ch))
            return 1;
        timeout(0);
        ch = getch();
    }
    return 0;
}

/* Nothing will train until a key is pressed (nor will a replay or a
 * demo's clock move anything). */
static int idle(const ui_state *ui)
{
    if (ui->replay || (ui->demo && ui->demo_auto > 0))
        return 0;
    return ui->app.paused || ui->app.diverged || nqm_app_at_end(&ui->app);
}

static int event_loop(ui_state *ui)
{
    double t = nqm_clock_seconds();
    ui->last_tick = ui->rate_start = t;
    ui->dirty = 1;
    while (!quit_signal) {
        if (suspended)
            suspend_ui();
        t = nqm_clock_seconds();
        if (continued) {
            continued = 0;
            redraw(ui);
        }
        replay_tick(ui, t);
        demo_auto_advance(ui, t);
        train(ui, t);
        measure_rate(ui, t);
        summarize(ui, t);
        if (ui->dirty)
            draw(ui);
        if (read_keys(ui, t + (idle(ui) ? IDLE_SECONDS : FRAME_SECONDS)))
            return 0;
        if (ui->dirty)
            draw(ui); /* show what the keys did before training on */
    }
    return 128 + quit_signal;
}

/* -------------------------------------------------------- setup, exit */

/* Give the terminal back as it was, and curses' memory with it. */
static void stop_screen(ui_state *ui)
{
    endwin();
    delscreen(ui->screen);
    ui->screen = NULL;
}

static int start_screen(ui_state *ui, const nqm_ui_options *opt)
{
    ui->screen = newterm(NULL, stdout, stdin);
    if (!ui->screen) {
        fputs("nqmtop: cannot drive this terminal (is TERM set?)\n", stderr);
        return -1;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    ui->color = setup_colors(opt->color);
    nqm_glyphs glyphs = opt->ascii || MB_CUR_MAX <= 1 ? NQM_GLYPHS_ASCII : NQM_GLYPHS_UNICODE;
    ui->cv = nqm_canvas_new(COLS, LINES, glyphs);
    if (!ui->cv) {
        stop_screen(ui);
        fputs("nqmtop: out of memory for the screen\n", stderr);
        return -1;
    }
    return 0;
}

static void load_presets(ui_state *ui, const nqm_ui_options *opt)
{
    char err[256];
    ui->places = opt->places;
    ui->threads = opt->threads;
    if (nqm_preset_list(&ui->places->presets, &ui->presets, &ui->npresets, err, sizeof err) != 0) {
        ui->presets = NULL;
        ui->npresets = 0;
    }
    for (size_t i = 0; i < ui->npresets; i++)
        if (strcmp(ui->presets[i].name, ui->base.preset) == 0)
            ui->app.picker_sel = (int)i;
}

static int open_runs(ui_state *ui, const nqm_config *cfg)
{
    char err[512];
    if (nqm_config_copy(&ui->base, cfg) != 0) {
        fputs("nqmtop: out of memory\n", stderr);
        return -1;
    }
    nqm_runset_plan plan = plan_of(cfg);
    if (nqm_runset_build(&ui->set, &ui->base, &plan, err, sizeof err) != 0) {
        fprintf(stderr, "nqmtop: %s\n", err);
        return -1;
    }
    nqm_session *s = ui->set.runs[0].session;
    nqm_app_init(&ui->app, cfg, nqm_session_eta(s), nqm_session_eta_crit(s), 0);
    return 0;
}

/* What --big, --demo, --record and --replay ask of the session before
 * the screen starts. 0, or -1 when the recording cannot be written. */
static int start_teaching(ui_state *ui, const nqm_ui_options *opt)
{
    ui->app.big = opt->big;
    ui->demo = opt->demo;
    ui->demo_auto = opt->demo_auto;
    ui->app.demo = opt->demo != NULL;
    ui->replay = opt->replay;
    if (ui->replay) {
        ui->cursor.rec = ui->replay;
        ui->replay_speed = opt->replay_speed > 0 ? opt->replay_speed : 1;
        ui->app.big = ui->replay->big || opt->big;
        ui->app.speed = ui->replay->speed;
        if (strcmp(ui->replay->version, NQMTOP_VERSION) != 0)
            snprintf(ui->app.message, sizeof ui->app.message,
                     "recorded by nqmtop %.32s, replayed by %s: the numbers may differ",
                     ui->replay->version, NQMTOP_VERSION);
    }
    ui->record = opt->record;
    if (ui->record && nqm_record_start(ui->record, &ui->base, ui->app.big, ui->app.speed) != 0) {
        fputs("nqmtop: writing the recording failed\n", stderr);
        return -1;
    }
    return 0;
}

static void close_all(ui_state *ui)
{
    nqm_runset_free(&ui->set);
    nqm_canvas_free(ui->cv);
    free(ui->presets);
    nqm_config_free(&ui->base);
}

/* ------------------------------------------------------- the sweep view */

/* Export the results so far; the outcome goes to the status line. */
static void sweep_export(nqm_sweep_live *live, char *message, size_t len)
{
    char path[4200], err[600];
    if (nqm_sweep_live_export(live, ".", path, sizeof path, err, sizeof err) == 0)
        snprintf(message, len, "exported %.600s", path);
    else
        snprintf(message, len, "%s", err);
}

/* Draw v; nonzero when the screen could not be allocated (try again). */
static int sweep_draw(ui_state *ui, const nqm_sweep_view *v)
{
    if (COLS < DRAW_MIN_COLS)
        return 0;
    if (fit_canvas(ui) != 0)
        return 1;
    nqm_sweep_view_draw(ui->cv, v);
    blit(ui->cv, ui->color, 0);
    wnoutrefresh(stdscr);
    doupdate();
    return 0;
}

/* Draw what has come in, a few times a second, until q or a signal. */
static int sweep_loop(ui_state *ui, nqm_sweep_live *live)
{
    nqm_sweep_view v;
    memset(&v, 0, sizeof v);
    char message[700] = "";
    int dirty = 1;
    while (!quit_signal) {
        if (suspended)
            suspend_ui();
        if (continued) {
            continued = 0;
            redraw(ui);
            dirty = 1;
        }
        dirty |= nqm_sweep_live_snapshot(live, &v);
        v.message = message[0] ? message : nqm_sweep_live_error(live);
        int retry = (dirty || !v.finished) && sweep_draw(ui, &v) != 0;
        timeout((int)(1000 * IDLE_SECONDS));
        int ch = getch();
        unsigned r = ch == KEY_RESIZE ? NQM_SWEEP_REDRAW
                     : ch == ERR      ? 0
                                      : nqm_sweep_view_key(&v, ch);
        if (r & NQM_SWEEP_QUIT)
            return 0;
        if (r & NQM_SWEEP_EXPORT)
            sweep_export(live, message, sizeof message);
        dirty = retry || (r & NQM_SWEEP_REDRAW) != 0;
    }
    return 128 + quit_signal;
}

int nqm_ui_sweep(const nqm_config *cfg, const nqm_sweep_spec *spec, const nqm_ui_options *opt)
{
    char err[1024];
    nqm_sweep_live *live = nqm_sweep_live_start(cfg, spec, err, sizeof err);
    if (!live) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    ui_state ui;
    memset(&ui, 0, sizeof ui);
    setlocale(LC_CTYPE, "");
    quit_signal = 0;
    continued = 0;
    suspended = 0;
    install_handlers();
    int rc = 1;
    if (start_screen(&ui, opt) == 0) {
        rc = sweep_loop(&ui, live);
        stop_screen(&ui);
    }
    restore_handlers();
    nqm_canvas_free(ui.cv);
    nqm_sweep_live_free(live);
    return rc;
}

int nqm_ui_run(const nqm_config *cfg, const nqm_ui_options *opt)
{
    ui_state ui;
    memset(&ui, 0, sizeof ui);
    setlocale(LC_CTYPE, "");
    if (open_runs(&ui, cfg) != 0) {
        close_all(&ui);
        return 1;
    }
    load_presets(&ui, opt);
    ui.app.picker_count = (int)ui.npresets;
    ui.app.speed = nqm_app_speed_nearest(opt->speed);
    if (start_teaching(&ui, opt) != 0) {
        close_all(&ui);
        return 1;
    }
    quit_signal = 0;
    continued = 0;
    suspended = 0;
    install_handlers();
    if (start_screen(&ui, opt) != 0) {
        restore_handlers();
        close_all(&ui);
        return 1;
    }
    if (ui.demo)
        start_scene(&ui, 0);
    ui.start = ui.replay_tick = nqm_clock_seconds();
    int rc = event_loop(&ui);
    record_event(&ui, NQM_EVENT_QUIT, ui.app.step, 0, 0, NULL);
    stop_screen(&ui);
    restore_handlers();
    close_all(&ui);
    return rc;
}
