/* controller.h: the live session behind the interactive screen, without
 * curses: the preset's runs, the app state the keys change, the demo
 * being played, the recording being written or replayed, and the pacing
 * of training between frames. The terminal front end (tui/ui.c) feeds it
 * keys (the key table's codes) and asks it to draw into a canvas; the
 * tests drive it the same way with no terminal. Time comes from the clock
 * in its options, never from the system directly. */
#ifndef NQMTOP_CONTROLLER_H
#define NQMTOP_CONTROLLER_H

#include <stdio.h>

#include "nqmtop/app/app.h"
#include "nqmtop/app/demo.h"
#include "nqmtop/app/record.h"
#include "nqmtop/app/run.h"
#include "nqmtop/app/screen.h"
#include "nqmtop/input/config.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/out/emit.h"
#include "nqmtop/out/plot.h"
#include "nqmtop/view/canvas.h"

/* Frame period. Training fills it, less the time drawing takes and a
 * margin, but never less than NQM_MIN_TRAIN_SECONDS. */
#define NQM_FRAME_SECONDS        (1.0 / 30)
#define NQM_FRAME_MARGIN_SECONDS 0.002
#define NQM_MIN_TRAIN_SECONDS    0.005
/* How long the front end may wait for a key while nothing trains. */
#define NQM_IDLE_SECONDS 0.25

/* What a session is started with (besides its configuration). */
typedef struct {
    double (*clock)(void);              /* seconds, monotonic (base/clock.h) */
    const nqm_places *places;           /* where the preset picker looks */
    int threads;                        /* core threads of a run the picker loads */
    double speed;                       /* steps per second at start; 0: automatic */
    int big;                            /* start in the projector view (--big) */
    int fixed_length;                   /* the user gave the run's length (--steps,
                                           --set steps): it is not cut short */
    const struct nqm_demo *demo;        /* play this demo (--demo), or NULL */
    double demo_auto;                   /* > 0: seconds per finished scene (--demo-auto) */
    FILE *record;                       /* write the session here (--record), or NULL */
    const struct nqm_recording *replay; /* replay this session (--replay), or NULL */
    double replay_speed;                /* replay time runs this many times faster */
    int replay_exports;                 /* a replay's e keys write files (--replay-exports) */
    const nqm_provenance *provenance;   /* what made the session, for exports and the
                                           recording (may be NULL) */
    const char *plot;                   /* the figure to write on quitting (--plot), or NULL */
    nqm_plot_size plot_size;            /* its size and that of the exported figures */
    int force;                          /* --plot may replace a regular file */
} nqm_controller_options;

typedef struct {
    double (*clock)(void);
    nqm_config base; /* configuration of the current preset */
    nqm_runset set;
    nqm_app app;
    nqm_preset_info *presets; /* (npresets) for the picker */
    size_t npresets;
    const nqm_places *places;
    int threads;
    /* pacing */
    double last_tick; /* when steps were last counted due */
    double last_summary;
    double summary_cost; /* seconds the last summary took */
    double rate_start;   /* measuring window start */
    long rate_steps;     /* steps in the window */
    double steps_per_second;
    double draw_cost; /* seconds a frame takes to draw (average) */
    int dirty;        /* the screen needs drawing */
    int repaint;      /* the whole screen must be repainted (the front end
                         forgets what it believes is on the terminal) */
    /* a demo (--demo): its player, and the pace of --demo-auto */
    const nqm_demo *demo;
    nqm_player player;
    double demo_auto;     /* > 0: seconds a finished scene stays */
    double demo_mark;     /* when the scene began or an until last held */
    int demo_hold;        /* the viewer paused: no scene changes by the clock */
    int caption_shown;    /* the player's caption when last looked at */
    double caption_since; /* when it appeared: it stays its reading time */
    /* a recording being written (--record) or replayed (--replay) */
    FILE *record;
    double start; /* when the session began */
    const nqm_recording *replay;
    nqm_replay cursor;
    double replay_speed, replay_clock, replay_tick;
    int replay_hold;
    int replay_exports; /* the recording's e keys write files; else they are skipped */
    char badge[96];     /* what the replay is doing, on the status line */
    /* what exports and figures say and where the last one goes */
    const nqm_provenance *provenance;
    const char *plot;
    nqm_plot_size plot_size;
    int force;
} nqm_controller;

/* Build the runs of cfg and write the recording's header. 0, or -1 with
 * err set (nothing left to free). */
int nqm_controller_open(nqm_controller *c, const nqm_config *cfg, const nqm_controller_options *opt,
                        char *err, size_t errlen);
/* The session starts now (once the screen is up): the demo's first scene,
 * the clocks of pacing, recording and replay. */
void nqm_controller_begin(nqm_controller *c);
/* The figure of the first run as it is now into --plot's file (nothing
 * without one). 0, or -1 with err set. */
int nqm_controller_plot(const nqm_controller *c, char *err, size_t errlen);
/* Ends the recording (a quit event) and releases everything. */
void nqm_controller_close(nqm_controller *c);

/* One frame's work before drawing: the replay's due events, --demo-auto,
 * the steps due since the last frame (within the frame's time that drawing
 * leaves), the measured rate and, now and then, the run summaries. */
void nqm_controller_tick(nqm_controller *c);
/* A key (the key table's code). Returns nonzero when it quits. */
int nqm_controller_key(nqm_controller *c, int key);
/* Whether that key would quit now (not while it closes the help or the
 * preset picker). */
int nqm_controller_quits_on(const nqm_controller *c, int key);
/* One step of every run, as the training of a frame takes it (the demo's
 * conditions are polled after it). Returns nonzero when an until held. */
int nqm_controller_step(nqm_controller *c);
/* Nothing will train until a key comes (nor will a replay or a demo's
 * clock move anything): the front end may wait longer for keys. */
int nqm_controller_idle(const nqm_controller *c);

/* What the screen shows now (a demo's caption bar goes to caption). */
void nqm_controller_scene(const nqm_controller *c, nqm_screen *sc, nqm_caption *caption);
/* The whole screen into cv (its size is the terminal's). 0, or -1 when
 * out of memory. The front end tells how long drawing took, for the
 * training budget of the next frames. */
int nqm_controller_draw(nqm_controller *c, nqm_canvas *cv);
void nqm_controller_drawn(nqm_controller *c, double seconds);

/* The demo player's view of the session: the configuration, runs and app. */
nqm_stage nqm_controller_stage(nqm_controller *c);

#endif
