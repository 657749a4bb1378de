/* ui.h: the interactive terminal front end (implemented in ui.c, the only
 * file that includes curses). */
#ifndef NQMTOP_UI_H
#define NQMTOP_UI_H

#include "nqmtop/app/controller.h"
#include "nqmtop/input/config.h"
#include "nqmtop/train/sweep.h"

typedef struct {
    int ascii;                      /* 1: ASCII canvas instead of braille */
    int color;                      /* 0: no colour (-C, NO_COLOR) */
    nqm_controller_options session; /* what the session starts with */
} nqm_ui_options;

/* The flag the UI raises when it quits in the middle of a step (a quit key
 * or signal while the runs compute, stop.h): the front end puts it in
 * every configuration the UI runs. */
const atomic_int *nqm_ui_stop_flag(void);

/* Run the UI on this configuration until the user quits. Returns the
 * process exit status (0 on a normal quit). */
int nqm_ui_run(const nqm_config *cfg, const nqm_ui_options *opt);

/* The sweep view (--sweep without --batch): runs the sweep and draws its
 * results as they come in (sweepview.h) until the user quits. Returns the
 * exit status (2 when the sweep is refused before the screen starts). */
int nqm_ui_sweep(const nqm_config *cfg, const nqm_sweep_spec *spec, const nqm_ui_options *opt);

#endif
