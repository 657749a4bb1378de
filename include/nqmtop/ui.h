/* ui.h: the interactive terminal front end (implemented in ui.c, the only
 * file that includes curses). */
#ifndef NQMTOP_UI_H
#define NQMTOP_UI_H

#include "nqmtop/config.h"

typedef struct {
    int ascii;     /* 1: ASCII canvas instead of braille */
    int color;     /* 0: no colour (-C, NO_COLOR) */
    double speed;  /* steps per second at start; 0: automatic */
} nqm_ui_options;

/* Run the UI on this configuration until the user quits. Returns the
 * process exit status (0 on a normal quit). */
int nqm_ui_run(const nqm_config *cfg, const nqm_ui_options *opt);

#endif
