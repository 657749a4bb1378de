/* app.h: the interactive UI's state and what each key does to it, kept
 * free of curses and of the sessions so it can be tested on its own.
 *
 * A key changes the state and returns a set of reactions (redraw,
 * restart, apply eta, ...) that the UI then carries out on the sessions
 * and the screen. The pacing of training (steps per second, steps due in
 * a frame) is here too. */
#ifndef NQMTOP_APP_H
#define NQMTOP_APP_H

#include <stddef.h>
#include <time.h>

#include "nqmtop/input/config.h"
#include "nqmtop/app/keys.h"

/* Reactions a key asks of the UI (bit set). */
enum {
    NQM_REACT_REPAINT = 1 << 0, /* state shown on screen changed */
    NQM_REACT_REDRAW = 1 << 1,  /* clear and redraw the whole screen */
    NQM_REACT_ETA = 1 << 2,     /* apply app.eta_asked from the next step */
    NQM_REACT_RESTART = 1 << 3, /* rebuild the run(s) from step 0 */
    NQM_REACT_STEP = 1 << 4,    /* take one step now */
    NQM_REACT_EXPORT = 1 << 5,  /* write the history to a CSV file */
    NQM_REACT_PICK = 1 << 6,    /* load preset number app.picker_sel */
    NQM_REACT_QUIT = 1 << 7,
    NQM_REACT_NEXT = 1 << 8, /* a demo's next scene */
    NQM_REACT_BACK = 1 << 9  /* a demo's previous scene */
};

/* Ratio of the fine and coarse learning-rate keys. */
#define NQM_ETA_FINE   1.05
#define NQM_ETA_COARSE 1.5

/* Steps per second at the start of an automatic-speed run, and the
 * divisor of the step count that later sets the rate (rate = step / 4:
 * the run doubles its length every 4 ln 2 ~ 2.8 seconds). */
#define NQM_SPEED_AUTO_START   25.0
#define NQM_SPEED_AUTO_DIVISOR 4.0

/* Slow motion: an automatic-speed run steps at this rate while the loss
 * climbs and peaks (phases increasing and peak), for at most this many
 * steps of a run, so a catapult a few steps long can be watched and a
 * long one is not held up. */
#define NQM_SPEED_SLOW_MOTION 5.0
#define NQM_SLOW_MOTION_STEPS 40

/* How long a run goes on after its catapult settled (see nqm_app_settled). */
#define NQM_SETTLE_FACTOR    5
#define NQM_SETTLE_MIN_STEPS 50

enum { NQM_SPEED_AUTO = -1, NQM_MESSAGE_LEN = 160 };

/* The learning rate belongs to the runs (nqm_runset_rate); the keys get
 * it as it stands when they come. */
typedef struct {
    double eta;      /* of the next step */
    double eta_crit; /* 2 / lambda1(0) of the runs */
} nqm_rate;

typedef struct {
    double eta_asked;        /* the learning rate the last key asked for: the
                                runs' own unless it changed it (then with
                                NQM_REACT_ETA or NQM_REACT_RESTART) */
    nqm_model_kind model;    /* model of the main run */
    nqm_optimizer optimizer; /* update rule of every run (theory: GD only) */
    unsigned long seed;
    double eta_rel_next; /* > 0: the next restart sets eta to this
                            multiple of its own eta_crit (new seed) */
    long step;           /* step of the main run (kept by the UI) */
    int diverged;        /* nothing left to step (kept by the UI) */
    long stop_at;        /* the run ends at this step (the preset's
                            steps); 0: it goes on */
    long length;         /* the preset's steps (0: none) */
    int fixed_length;    /* the user gave the length (--steps, --set
                            steps): a settled catapult does not end it */
    int settled;         /* stop_at was brought forward by a catapult */
    int went_on;         /* space went past a settled end */
    int catapulting;     /* the loss climbs or peaks now (kept by the UI) */
    long slow_steps;     /* steps taken in slow motion since the start */
    long cursor;         /* step whose values the readout shows; -1: the
                            latest (no cursor) */
    int log_time;        /* time axis logarithmic in the step */

    int paused;
    int speed;    /* index into the speed levels, or NQM_SPEED_AUTO */
    int compare;  /* net, quad and lin side by side */
    int theory;   /* dynamics-equation overlay wanted */
    int log_loss; /* loss axis logarithmic */
    int help;     /* help overlay shown */
    int big;      /* projector view: two large charts, high contrast */
    int demo;     /* a demo is playing (n and b move between scenes) */
    int picker;   /* preset picker open */
    int picker_sel, picker_count;
    double rate_carry;             /* fractional steps carried between frames */
    char message[NQM_MESSAGE_LEN]; /* one-line note for the status line */
} nqm_app;

/* Fresh state for the runs of cfg. */
void nqm_app_init(nqm_app *app, const nqm_config *cfg, int preset_count);

/* The UI rebuilt the runs: step 0, ending at step `steps` (<= 0: never);
 * slow motion and the cursor start afresh. */
void nqm_app_restarted(nqm_app *app, long steps);
/* Nonzero when the run reached stop_at (it waits for space). */
int nqm_app_at_end(const nqm_app *app);
/* A catapult settled at step T4 (>= 0): the run ends sooner, at
 * max(NQM_SETTLE_MIN_STEPS, NQM_SETTLE_FACTOR * T4), so that the catapult
 * keeps a good share of the time axis; space then goes on to the preset's
 * steps. No effect once space went past an end, when the preset's steps
 * come first, or when the user gave the length. */
void nqm_app_settled(nqm_app *app, long T4);

/* Apply one key, with the runs' learning rate as it stands; returns the
 * reactions (0: the key did nothing). */
unsigned nqm_app_key(nqm_app *app, const nqm_config *cfg, int key, nqm_rate rate);

/* The model m cycles to: net -> quad -> lin -> net; other models stay. */
nqm_model_kind nqm_app_next_model(nqm_model_kind k);
/* eta after a learning-rate action (digit: the key '1'..'9'). */
double nqm_app_eta_after(nqm_action a, int key, double eta, double eta_crit);

/* Whether a mode can run on cfg with the main model `model`: 0, or -1
 * with the reason in why (the core's own configuration checks decide). */
int nqm_app_model_check(const nqm_config *cfg, nqm_model_kind model, char *why, size_t len);
int nqm_app_compare_check(const nqm_config *cfg, char *why, size_t len);
int nqm_app_theory_check(const nqm_config *cfg, nqm_model_kind model, char *why, size_t len);

/* Target steps per second now (INFINITY: as fast as frames allow): at
 * automatic speed NQM_SPEED_SLOW_MOTION while catapulting (until the run
 * has had NQM_SLOW_MOTION_STEPS of it), else the growing rate. */
double nqm_app_rate(const nqm_app *app);
/* Speed level table access: count and the rate of level i. */
int nqm_app_speed_levels(void);
double nqm_app_speed_level(int i);
/* The speed level closest to this many steps per second (on a log scale),
 * or NQM_SPEED_AUTO for 0. */
int nqm_app_speed_nearest(double steps_per_second);
/* Steps due after dt seconds of wall time at the current rate (0 while
 * paused, diverged or at the end); fractions carry over to the next frame.
 * Slow motion takes one step at a time. */
long nqm_app_steps_due(nqm_app *app, double dt);

/* The cursor after a cursor key: back or forward by `stride` steps
 * (one chart column's worth); forward past the latest step removes it. */
void nqm_app_move_cursor(nqm_app *app, nqm_action a, long stride);
/* Export file name for a preset at a local time: nqmtop-PRESET-
 * YYYYMMDD-HHMMSS.csv, with -2, -3, ... before .csv for attempt > 1.
 * Characters outside [A-Za-z0-9._-] in the preset become '_'. */
void nqm_app_export_name(char *buf, size_t len, const char *preset, const struct tm *tm,
                         int attempt);

#endif
