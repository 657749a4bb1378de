/* ui.h: the interactive terminal front end (implemented in ui.c, the only
 * file that includes curses). */
#ifndef NQMTOP_UI_H
#define NQMTOP_UI_H

#include <stdio.h>

#include "nqmtop/input/config.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/train/sweep.h"

typedef struct {
    int ascii;                          /* 1: ASCII canvas instead of braille */
    int color;                          /* 0: no colour (-C, NO_COLOR) */
    double speed;                       /* steps per second at start; 0: automatic */
    int big;                            /* start in the projector view (--big) */
    const struct nqm_demo *demo;        /* play this demo (--demo), or NULL */
    double demo_auto;                   /* > 0: seconds per finished scene (--demo-auto) */
    FILE *record;                       /* write the session here (--record), or NULL */
    const struct nqm_recording *replay; /* replay this session (--replay), or NULL */
    double replay_speed;                /* replay time runs this many times faster */
    const nqm_places *places;           /* where the preset picker looks */
    int threads;                        /* core threads of a run the picker loads */
} nqm_ui_options;

/* Run the UI on this configuration until the user quits. Returns the
 * process exit status (0 on a normal quit). */
int nqm_ui_run(const nqm_config *cfg, const nqm_ui_options *opt);

/* The sweep view (--sweep without --batch): runs the sweep and draws its
 * results as they come in (sweepview.h) until the user quits. Returns the
 * exit status (2 when the sweep is refused before the screen starts). */
int nqm_ui_sweep(const nqm_config *cfg, const nqm_sweep_spec *spec, const nqm_ui_options *opt);

#endif
