/* test_layout.c: the screen geometry over every terminal size from 1 x 1
 * to 300 x 120, and a few huge ones up to 2048 x 2048: rectangles inside
 * the screen, charts never overlapping each other or the bars, minimum
 * sizes respected, and "too small" exactly below the minimum. */
#include "nqmtop/view/layout.h"
#include "vcheck.h"

static int inside(nqm_rect r, int cols, int rows)
{
    return r.x >= 0 && r.y >= 0 && r.w >= 0 && r.h >= 0 && r.x + r.w <= cols && r.y + r.h <= rows;
}

static int overlap(nqm_rect a, nqm_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static long area(nqm_rect r) { return (long)r.w * r.h; }

static void check_size(int cols, int rows)
{
    nqm_layout l;
    nqm_layout_compute(cols, rows, &l);
    int small = cols < NQM_LAYOUT_MIN_COLS || rows < NQM_LAYOUT_MIN_ROWS;
    VCHECK(l.too_small == small, "%dx%d: too_small %d", cols, rows, l.too_small);
    VCHECK(l.cols == cols && l.rows == rows, "%dx%d: size recorded", cols, rows);
    if (small) {
        VCHECK(l.ncharts == 0, "%dx%d: %d charts while too small", cols, rows, l.ncharts);
        int c = cols > 0 ? cols : 0, r = rows > 0 ? rows : 0;
        VCHECK(inside(l.message, c, r) && area(l.message) == (long)c * r, "%dx%d: message rect",
               cols, rows);
        return;
    }
    VCHECK(l.ncharts >= 1 && l.ncharts <= NQM_LAYOUT_MAX_CHARTS, "%dx%d: %d charts", cols, rows,
           l.ncharts);
    VCHECK(l.ncharts == l.grid_cols * l.grid_rows, "%dx%d: grid %dx%d for %d charts", cols, rows,
           l.grid_cols, l.grid_rows, l.ncharts);
    VCHECK(inside(l.status, cols, rows) && l.status.y == 0 &&
               l.status.h == NQM_LAYOUT_STATUS_ROWS && l.status.w == cols,
           "%dx%d: status rect", cols, rows);
    VCHECK(inside(l.keys, cols, rows) && l.keys.y == rows - 1 && l.keys.h == 1 && l.keys.w == cols,
           "%dx%d: keys rect", cols, rows);
    VCHECK(inside(l.overlay, cols, rows) && l.overlay.w > 0 && l.overlay.h > 0,
           "%dx%d: overlay (%d,%d %dx%d)", cols, rows, l.overlay.x, l.overlay.y, l.overlay.w,
           l.overlay.h);
    long chart_area = 0;
    for (int i = 0; i < l.ncharts; i++) {
        nqm_rect c = l.chart[i];
        VCHECK(inside(c, cols, rows), "%dx%d: chart %d outside", cols, rows, i);
        VCHECK(c.w >= NQM_CHART_MIN_W && c.h >= NQM_CHART_MIN_H, "%dx%d: chart %d is %dx%d", cols,
               rows, i, c.w, c.h);
        VCHECK(!overlap(c, l.status) && !overlap(c, l.keys), "%dx%d: chart %d over a bar", cols,
               rows, i);
        for (int j = 0; j < i; j++)
            VCHECK(!overlap(c, l.chart[j]), "%dx%d: charts %d and %d overlap", cols, rows, i, j);
        chart_area += area(c);
    }
    VCHECK(!overlap(l.status, l.keys), "%dx%d: bars overlap", cols, rows);
    /* The charts tile everything between the bars. */
    long between = (long)cols * (rows - NQM_LAYOUT_STATUS_ROWS - NQM_LAYOUT_KEYS_ROWS);
    VCHECK(chart_area == between, "%dx%d: charts cover %ld of %ld cells", cols, rows, chart_area,
           between);
    /* Four charts whenever a 2 x 2 grid of minimum charts fits. */
    int h = rows - NQM_LAYOUT_STATUS_ROWS - NQM_LAYOUT_KEYS_ROWS;
    if (cols >= 2 * NQM_CHART_MIN_W && h >= 2 * NQM_CHART_MIN_H)
        VCHECK(l.ncharts == 4, "%dx%d: only %d charts", cols, rows, l.ncharts);
}

int main(void)
{
    for (int cols = -2; cols <= 300; cols++)
        for (int rows = -2; rows <= 120; rows++)
            check_size(cols, rows);
    static const int big[] = {301, 512, 777, 1000, 1024, 2047, 2048};
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++)
            check_size(big[i], big[j]);
    for (int k = 1; k <= 2048; k += 31) {
        check_size(k, 2048);
        check_size(2048, k);
    }
    nqm_layout l;
    nqm_layout_compute(80, 24, &l);
    VCHECK(l.ncharts == 4 && l.grid_cols == 2 && l.grid_rows == 2, "80x24: %dx%d grid", l.grid_cols,
           l.grid_rows);
    nqm_layout_compute(60, 100, &l);
    VCHECK(l.ncharts == 4 && l.grid_cols == 1, "60x100 (narrow): %dx%d grid", l.grid_cols,
           l.grid_rows);
    return vcheck_report("test_layout");
}
