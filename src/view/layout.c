/* layout.c: terminal size -> rectangles (see layout.h).
 *
 * The chart area is split into a grid chosen from a few shapes: the most
 * charts that fit at the minimum chart size, and among those the grid
 * whose charts are closest to a pleasant 3:1 cell aspect. */
#include "nqmtop/view/layout.h"

#include <math.h>
#include <string.h>

#define PREFERRED_ASPECT 3.0 /* chart width / height in cells */
#define OVERLAY_MAX_W    78
#define OVERLAY_MAX_H    40

typedef struct {
    int cols, rows;
} grid_shape;

static const grid_shape shapes[] = {
    {2, 2}, {1, 4}, {4, 1}, {1, 3}, {3, 1}, {1, 2}, {2, 1}, {1, 1},
};

static nqm_rect rect(int x, int y, int w, int h)
{
    nqm_rect r = {x, y, w, h};
    return r;
}

static int shape_fits(grid_shape s, nqm_rect area)
{
    return area.w / s.cols >= NQM_CHART_MIN_W && area.h / s.rows >= NQM_CHART_MIN_H;
}

/* Lower is better: distance of the chart shape from the preferred aspect. */
static double shape_cost(grid_shape s, nqm_rect area)
{
    double w = (double)area.w / s.cols, h = (double)area.h / s.rows;
    return fabs(log(w / h / PREFERRED_ASPECT));
}

static grid_shape choose_shape(nqm_rect area)
{
    grid_shape best = {0, 0};
    int best_n = 0;
    double best_cost = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        grid_shape s = shapes[i];
        int n = s.cols * s.rows;
        if (!shape_fits(s, area))
            continue;
        double cost = shape_cost(s, area);
        if (n > best_n || (n == best_n && cost < best_cost)) {
            best = s;
            best_n = n;
            best_cost = cost;
        }
    }
    return best;
}

static void place_charts(nqm_layout *out, nqm_rect area, grid_shape s)
{
    out->grid_cols = s.cols;
    out->grid_rows = s.rows;
    out->ncharts = s.cols * s.rows;
    for (int r = 0; r < s.rows; r++) {
        int y0 = area.y + r * area.h / s.rows, y1 = area.y + (r + 1) * area.h / s.rows;
        for (int c = 0; c < s.cols; c++) {
            int x0 = area.x + c * area.w / s.cols, x1 = area.x + (c + 1) * area.w / s.cols;
            out->chart[r * s.cols + c] = rect(x0, y0, x1 - x0, y1 - y0);
        }
    }
}

static nqm_rect centred(int cols, int rows, int w, int h)
{
    return rect((cols - w) / 2, (rows - h) / 2, w, h);
}

void nqm_layout_compute(int cols, int rows, nqm_layout *out)
{
    memset(out, 0, sizeof *out);
    out->cols = cols;
    out->rows = rows;
    if (cols < NQM_LAYOUT_MIN_COLS || rows < NQM_LAYOUT_MIN_ROWS) {
        out->too_small = 1;
        out->message = rect(0, 0, cols > 0 ? cols : 0, rows > 0 ? rows : 0);
        return;
    }
    out->status = rect(0, 0, cols, NQM_LAYOUT_STATUS_ROWS);
    out->keys = rect(0, rows - NQM_LAYOUT_KEYS_ROWS, cols, NQM_LAYOUT_KEYS_ROWS);
    nqm_rect area =
        rect(0, NQM_LAYOUT_STATUS_ROWS, cols, rows - NQM_LAYOUT_STATUS_ROWS - NQM_LAYOUT_KEYS_ROWS);
    place_charts(out, area, choose_shape(area));
    int ow = cols > OVERLAY_MAX_W + 4 ? OVERLAY_MAX_W : cols - 4;
    int oh = rows > OVERLAY_MAX_H + 2 ? OVERLAY_MAX_H : rows - 2;
    out->overlay = centred(cols, rows, ow, oh);
}
