/* screen.h: the whole interactive screen drawn into a canvas: status
 * lines, the four charts (loss, g, lambda1, lambda2) of the live runs
 * (two, loss and lambda1, in the projector view), a demo's caption bar,
 * the key hints, and the help or preset-picker overlay. Pure: the UI
 * sizes the canvas to the terminal and copies it to the screen; tests
 * read it back as text. */
#ifndef NQMTOP_SCREEN_H
#define NQMTOP_SCREEN_H

#include <stddef.h>

#include "nqmtop/app/app.h"
#include "nqmtop/view/canvas.h"
#include "nqmtop/input/config.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/app/run.h"

/* Runs drawn together: one, or three in compare mode (net, quad, lin). */
#define NQM_SCREEN_MAX_RUNS 3

/* Caption bar of a demo (demo.h): a heading row and up to three lines,
 * each at most NQM_CAPTION_COLS cells so that it fits an 80-column
 * screen with a margin on either side. */
enum { NQM_CAPTION_LINES = 3, NQM_CAPTION_COLS = 76 };

typedef struct {
    char heading[384];                    /* "2/5  The catapult" */
    const char *lines[NQM_CAPTION_LINES]; /* (nlines) */
    int nlines;
    int rows; /* caption rows reserved under the heading (the most
                 lines any caption of the demo has) */
    int last; /* the last scene: the hint says so */
} nqm_caption;

typedef struct {
    const nqm_app *app;
    const nqm_config *cfg; /* configuration of the main run */
    const nqm_run *runs[NQM_SCREEN_MAX_RUNS];
    int nruns;                      /* 1, or 3 in compare mode */
    const nqm_run *theory;          /* the overlay run, or NULL */
    double steps_per_second;        /* measured rate of the main run */
    const nqm_preset_info *presets; /* for the picker */
    size_t npresets;
    const nqm_caption *caption; /* a demo's caption bar, or NULL */
    const char *badge;          /* a mode on the second status line
                                   ("REPLAY 3/12"), or NULL */
} nqm_screen;

/* Draw the screen over the whole canvas. 0, or -1 when out of memory. */
int nqm_screen_draw(nqm_canvas *cv, const nqm_screen *sc);

#endif
