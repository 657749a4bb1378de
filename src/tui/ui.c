/* ui.c: the interactive terminal front end, and the only file that talks
 * to curses. It runs the event loop (keys, frames, signals, resizes) and
 * copies the canvas the session draws onto the screen with the colour
 * palette. What the session does with keys and time is controller.c's,
 * what the screen shows screen.c's.
 *
 * A frame's training or a key (a restart) can take seconds when a model
 * is large. While such a call runs, a guard thread keeps the terminal:
 * keys are kept for the loop, and a quit (q, F10, a quit signal) raises
 * the runs' stop flag, so that the step ends at its next block of work
 * and the loop quits as usual; a call that does not end within
 * GUARD_GRACE_MS (a step inside one long LAPACK call) is not waited for:
 * the guard gives the terminal back and ends the process. */
#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "nqmtop/app/controller.h"
#include "nqmtop/app/sweeplive.h"
#include "nqmtop/base/clock.h"
#include "nqmtop/base/files.h"
#include "nqmtop/base/textfile.h"
#include "nqmtop/tui/ui.h"

/* Set by the signal handlers, read by the loop: the one global state. */
static volatile sig_atomic_t quit_signal;
static volatile sig_atomic_t continued;
static volatile sig_atomic_t suspended; /* Ctrl-Z */
/* Raised when the UI quits while the runs compute (every run's config
 * points at it). */
static atomic_int stop_runs;

const atomic_int *nqm_ui_stop_flag(void) { return &stop_runs; }

/* A call shorter than this never meets the guard; a quit waits this long
 * for the call to stop. */
enum { GUARD_IDLE_MS = 100, GUARD_POLL_MS = 20, GUARD_GRACE_MS = 300, GUARD_KEYS = 64 };

typedef struct {
    SCREEN *screen; /* the curses screen (NULL before and after) */
    FILE *keys;     /* the terminal opened for keys when stdin is not one, or NULL */
    nqm_canvas *cv;
    int color; /* colour pairs in use */
    /* the guard of long calls (wake[0] < 0: none, calls run unguarded) */
    int wake[2];             /* the call writes a byte when it is over */
    int quit_keys;           /* q and F10 quit in the state the call began in */
    int pending[GUARD_KEYS]; /* keys read while a call ran, for the loop, in order */
    int npending;
    int quit;    /* a quit key came while a call ran */
    int resized; /* the terminal was resized meanwhile */
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

/* Forget what curses believes is on the terminal: the next frame paints
 * every cell. */
static void repaint(void) { clearok(curscr, TRUE); }

static void draw(ui_state *ui, nqm_controller *c)
{
    if (c->repaint) {
        repaint();
        c->repaint = 0;
    }
    if (COLS < DRAW_MIN_COLS) {
        c->dirty = 0;
        return;
    }
    double start = nqm_clock_seconds();
    if (fit_canvas(ui) != 0)
        return; /* dirty stays: the next frame tries again */
    nqm_controller_draw(c, ui->cv);
    blit(ui->cv, ui->color, c->app.big);
    wnoutrefresh(stdscr);
    doupdate();
    nqm_controller_drawn(c, nqm_clock_seconds() - start);
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

/* ---------------------------------------------------------- the guard */

/* The pipe a call's end is told through; without it calls run unguarded. */
static void guard_open(ui_state *ui)
{
    ui->wake[0] = ui->wake[1] = -1;
    if (pipe(ui->wake) != 0) {
        ui->wake[0] = ui->wake[1] = -1;
        return;
    }
    for (int i = 0; i < 2; i++)
        fcntl(ui->wake[i], F_SETFL, O_NONBLOCK);
}

static void guard_close(ui_state *ui)
{
    for (int i = 0; i < 2; i++)
        if (ui->wake[i] >= 0)
            close(ui->wake[i]);
}

/* Wait up to ms for the call to end; nonzero when it has. */
static int call_over(const ui_state *ui, int ms)
{
    struct pollfd p = {ui->wake[0], POLLIN, 0};
    return poll(&p, 1, ms) > 0;
}

/* Keys typed while a call runs: a quit key quits, the others wait for the
 * loop (those beyond GUARD_KEYS are dropped). */
static void guard_take_keys(ui_state *ui)
{
    timeout(0);
    for (int ch = getch(); ch != ERR; ch = getch()) {
        int key = translate_key(ch);
        if (ch == KEY_RESIZE)
            ui->resized = 1;
        else if (ui->quit_keys && nqm_key_action(key) == NQM_ACT_QUIT)
            ui->quit = 1;
        else if (ui->npending < GUARD_KEYS)
            ui->pending[ui->npending++] = key;
    }
}

/* A quit while the call runs: the runs stop at their next block and the
 * call ends; when it has not within GUARD_GRACE_MS, the terminal goes
 * back to the shell and the process ends here. */
static void guard_quit(const ui_state *ui)
{
    atomic_store(&stop_runs, 1);
    double end = nqm_clock_seconds() + GUARD_GRACE_MS / 1000.0;
    while (nqm_clock_seconds() < end)
        if (call_over(ui, GUARD_POLL_MS))
            return;
    endwin();
    nqm_file_abandon();
    fputs("nqmtop: quit in the middle of a step, without waiting for its end\n", stderr);
    _exit(quit_signal ? 128 + quit_signal : 0);
}

static void *guard_main(void *arg)
{
    ui_state *ui = arg;
    if (call_over(ui, GUARD_IDLE_MS))
        return NULL;
    struct pollfd p[2] = {{ui->wake[0], POLLIN, 0},
                          {ui->keys ? fileno(ui->keys) : STDIN_FILENO, POLLIN, 0}};
    for (;;) {
        if (quit_signal || ui->quit) {
            guard_quit(ui);
            return NULL;
        }
        if (poll(p, 2, GUARD_POLL_MS) <= 0)
            continue;
        if (p[0].revents)
            return NULL;
        if (p[1].revents & POLLIN)
            guard_take_keys(ui);
        else if (p[1].revents)
            p[1].fd = -1; /* the terminal is gone: the signals still count */
    }
}

/* Start guarding a call (nonzero), or not when no thread is to be had. */
static int guard_begin(ui_state *ui, const nqm_controller *c, pthread_t *thread)
{
    ui->quit_keys = nqm_controller_quits_on(c, 'q');
    return ui->wake[0] >= 0 && pthread_create(thread, NULL, guard_main, ui) == 0;
}

/* After a resize the whole screen is drawn again. */
static void take_resize(ui_state *ui, nqm_controller *c)
{
    if (!ui->resized)
        return;
    ui->resized = 0;
    if (COLS < DRAW_MIN_COLS)
        werase(stdscr);
    c->repaint = c->dirty = 1;
}

/* The call is over: the guard leaves (it no longer touches the terminal). */
static void guard_end(ui_state *ui, pthread_t thread, int guarded, nqm_controller *c)
{
    if (guarded) {
        char byte = 0;
        while (write(ui->wake[1], &byte, 1) != 1)
            ;
        pthread_join(thread, NULL);
        while (read(ui->wake[0], &byte, 1) == 1)
            ;
    }
    take_resize(ui, c);
}

static void guarded_tick(ui_state *ui, nqm_controller *c)
{
    pthread_t thread;
    int guarded = guard_begin(ui, c, &thread);
    nqm_controller_tick(c);
    guard_end(ui, thread, guarded, c);
}

/* A key; nonzero when it, or a key typed while it was acted on, quits. */
static int guarded_key(ui_state *ui, nqm_controller *c, int key)
{
    pthread_t thread;
    int guarded = guard_begin(ui, c, &thread);
    int quit = nqm_controller_key(c, key);
    guard_end(ui, thread, guarded, c);
    return quit || ui->quit;
}

/* ----------------------------------------------------------- the loop */

/* The next key: one the guard kept, else the terminal's (waiting up to
 * wait_ms); ERR when none came, KEY_RESIZE after a resize. */
static int next_key(ui_state *ui, int wait_ms)
{
    if (ui->npending > 0) {
        int key = ui->pending[0];
        ui->npending--;
        memmove(ui->pending, ui->pending + 1, (size_t)ui->npending * sizeof *ui->pending);
        return key;
    }
    timeout(wait_ms);
    int ch = getch();
    return ch == ERR || ch == KEY_RESIZE ? ch : translate_key(ch);
}

/* Wait for keys until the next frame is due; returns nonzero to quit. */
static int read_keys(ui_state *ui, nqm_controller *c, double frame_end)
{
    int wait_ms = (int)((frame_end - nqm_clock_seconds()) * 1000);
    for (int key = next_key(ui, wait_ms > 1 ? wait_ms : 1); key != ERR && !quit_signal;
         key = next_key(ui, 0)) {
        if (key == KEY_RESIZE) {
            ui->resized = 1;
            take_resize(ui, c);
        } else if (guarded_key(ui, c, key)) {
            return 1;
        }
    }
    return 0;
}

static int event_loop(ui_state *ui, nqm_controller *c)
{
    while (!quit_signal) {
        if (suspended)
            suspend_ui();
        if (continued) {
            continued = 0;
            c->repaint = c->dirty = 1;
        }
        double t = nqm_clock_seconds();
        guarded_tick(ui, c);
        if (ui->quit)
            return 0;
        if (quit_signal)
            break;
        if (c->dirty)
            draw(ui, c);
        double wait = nqm_controller_idle(c) ? NQM_IDLE_SECONDS : NQM_FRAME_SECONDS;
        if (read_keys(ui, c, t + wait))
            return 0;
        if (c->dirty && !quit_signal)
            draw(ui, c); /* show what the keys did before training on */
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
    if (ui->keys)
        fclose(ui->keys);
    ui->keys = NULL;
}

/* Where keys come from: stdin, or the terminal itself when stdin is not
 * one (a data file piped in as train_file = -). NULL when neither is. */
static FILE *key_input(ui_state *ui)
{
    if (isatty(STDIN_FILENO))
        return stdin;
    ui->keys = fopen("/dev/tty", "r");
    if (!ui->keys)
        fputs("nqmtop: stdin is not a terminal and /dev/tty cannot be opened; the UI reads "
              "keys from the terminal\n",
              stderr);
    return ui->keys;
}

/* Whether the terminal can put the cursor anywhere (terminfo cup): a
 * dumb terminal cannot, and the screen would come out as one garbled line. */
static int addresses_cursor(void)
{
    const char *cup = tigetstr("cup");
    return cup != NULL && cup != (const char *)-1 && cup[0] != '\0';
}

/* The Linux console has no braille or box-drawing glyphs in its font. */
static int console_without_glyphs(void) { return strncmp(termname(), "linux", 5) == 0; }

/* 0; -2 when the terminal cannot show the screen, -1 on another failure
 * (said on stderr). */
static int start_screen(ui_state *ui, const nqm_ui_options *opt)
{
    FILE *in = key_input(ui);
    if (!in)
        return -1;
    ui->screen = newterm(NULL, stdout, in);
    if (!ui->screen) {
        if (ui->keys)
            fclose(ui->keys);
        ui->keys = NULL;
        fputs("nqmtop: cannot drive this terminal (is TERM set?)\n", stderr);
        return -1;
    }
    if (!addresses_cursor()) {
        char name[64];
        snprintf(name, sizeof name, "%s", termname());
        stop_screen(ui);
        nqm_say(stderr,
                "nqmtop: the terminal '%s' (TERM) cannot move the cursor; the UI needs one that "
                "can (use --batch for headless output)",
                name);
        return -2;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    ui->color = setup_colors(opt->color);
    int ascii = opt->ascii || MB_CUR_MAX <= 1 || console_without_glyphs();
    ui->cv = nqm_canvas_new(COLS, LINES, ascii ? NQM_GLYPHS_ASCII : NQM_GLYPHS_UNICODE);
    if (!ui->cv) {
        stop_screen(ui);
        fputs("nqmtop: out of memory for the screen\n", stderr);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------- the sweep view */

/* Export the results so far; the outcome goes to the status line. */
static void sweep_export(nqm_sweep_live *live, char *message, size_t len)
{
    char path[4200], err[600];
    int rc = nqm_sweep_live_export(live, ".", path, sizeof path, err, sizeof err);
    if (rc == 0)
        snprintf(message, len, "exported %.600s and .svg", path);
    else if (rc > 0)
        snprintf(message, len, "exported %.300s; no figure: %.300s", path, err);
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
            repaint();
            dirty = 1;
        }
        dirty |= nqm_sweep_live_snapshot(live, &v);
        v.message = message[0] ? message : nqm_sweep_live_error(live);
        int retry = (dirty || !v.finished) && sweep_draw(ui, &v) != 0;
        timeout((int)(1000 * NQM_IDLE_SECONDS));
        int ch = getch();
        unsigned r = ch == KEY_RESIZE ? NQM_SWEEP_REDRAW
                     : ch == ERR      ? 0
                                      : nqm_sweep_view_key(&v, translate_key(ch));
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
    nqm_sweep_live *live = nqm_sweep_live_start(cfg, spec, opt->session.provenance,
                                                opt->session.plot_size, err, sizeof err);
    if (!live) {
        nqm_say(stderr, "%s", err);
        return 2;
    }
    ui_state ui;
    memset(&ui, 0, sizeof ui);
    setlocale(LC_CTYPE, "");
    quit_signal = 0;
    continued = 0;
    suspended = 0;
    install_handlers();
    int rc = start_screen(&ui, opt);
    if (rc == 0) {
        rc = sweep_loop(&ui, live);
        stop_screen(&ui);
    } else {
        rc = rc == -2 ? 2 : 1;
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
    nqm_controller c;
    char err[512];
    if (nqm_controller_open(&c, cfg, &opt->session, err, sizeof err) != 0) {
        nqm_say(stderr, "nqmtop: %s", err);
        return 1;
    }
    quit_signal = 0;
    continued = 0;
    suspended = 0;
    atomic_store(&stop_runs, 0);
    install_handlers();
    int started = start_screen(&ui, opt);
    if (started != 0) {
        restore_handlers();
        nqm_controller_close(&c);
        return started == -2 ? 2 : 1;
    }
    guard_open(&ui);
    nqm_controller_begin(&c);
    int rc = event_loop(&ui, &c);
    char plot_err[4400];
    int plot_rc = nqm_controller_plot(&c, plot_err, sizeof plot_err);
    nqm_controller_close(&c);
    stop_screen(&ui);
    restore_handlers();
    guard_close(&ui);
    nqm_canvas_free(ui.cv);
    if (plot_rc != 0) {
        nqm_say(stderr, "nqmtop: %s", plot_err);
        rc = rc ? rc : 1;
    }
    return rc;
}
