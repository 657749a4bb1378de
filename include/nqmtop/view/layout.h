/* layout.h: the screen's geometry for a terminal of cols x rows cells.
 *
 * Status lines on the top two rows, the key-hint bar on the bottom row,
 * up to four charts in between (2 x 2 when there is room for it and it
 * suits the shape, else a single column or row), and a centred overlay
 * for the help and the preset picker. Below the minimum size the layout
 * is "too small" and only the message rectangle is set. A pure function. */
#ifndef NQMTOP_LAYOUT_H
#define NQMTOP_LAYOUT_H

#include "nqmtop/view/canvas.h"

#define NQM_LAYOUT_MAX_CHARTS  4
#define NQM_LAYOUT_STATUS_ROWS 2
#define NQM_LAYOUT_KEYS_ROWS   1
#define NQM_CHART_MIN_W        20 /* smallest chart drawn */
#define NQM_CHART_MIN_H        6
#define NQM_LAYOUT_MIN_COLS    NQM_CHART_MIN_W
#define NQM_LAYOUT_MIN_ROWS    (NQM_LAYOUT_STATUS_ROWS + NQM_CHART_MIN_H + NQM_LAYOUT_KEYS_ROWS)

typedef struct {
    int cols, rows;   /* the terminal size it was computed for */
    int too_small;    /* nonzero: only `message` is set */
    nqm_rect message; /* too small: where to say so (the whole screen) */
    nqm_rect status;  /* top rows */
    nqm_rect keys;    /* bottom row */
    int ncharts;      /* 1..NQM_LAYOUT_MAX_CHARTS (0 when too small) */
    int grid_cols, grid_rows;
    nqm_rect chart[NQM_LAYOUT_MAX_CHARTS]; /* reading order */
    nqm_rect overlay;                      /* help / picker, centred, over the charts */
} nqm_layout;

/* Fill out for a terminal of cols x rows (any values; <= 0 is too small). */
void nqm_layout_compute(int cols, int rows, nqm_layout *out);

#endif
