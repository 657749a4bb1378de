/* bench_render.c: time of one UI frame of charts, not a test.
 *
 * Fills a history with 10^6 steps of a catapult-like run (loss rising by
 * orders of magnitude, lambda falling below 2/eta, phase labels) and
 * times drawing the four charts of a 240 x 70 screen into a canvas.
 * Prints the median and best milliseconds per frame over 50 frames. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nqmtop/view/chart.h"
#include "nqmtop/view/history.h"
#include "nqmtop/view/layout.h"
#include "nqmtop/train/phase.h"

enum { S_LOSS, S_G, S_L1, S_L2, S_PHASE, NSERIES };
enum { STEPS = 1000000, FRAMES = 50, COLS = 240, ROWS = 70 };

static const double ETA = 1.0;

/* Step t of a catapult over `steps` steps: the peak near 1 % of the run. */
static void catapult_step(long t, long steps, double *v)
{
    double x = 1000.0 * (double)t / (double)steps; /* 0 .. 1000 */
    double rise = exp(0.9 * x), fall = 1 + exp(1.5 * (x - 12));
    v[S_LOSS] = 1e-2 * rise / fall + 1e-6 * exp(-x / 200);
    v[S_G] = sqrt(2 * v[S_LOSS]) * cos(3.0 * x);
    v[S_L1] = 2.6 - 1.0 / (1 + exp(-(x - 11)));
    v[S_L2] = 1.3 + 0.1 * sin(x / 50);
    v[S_PHASE] = x < 8 ? PHASE_INCREASING : x < 14 ? PHASE_PEAK : PHASE_DECREASING;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void build_specs(nqm_chart_spec *spec, const nqm_history *h)
{
    static const char *titles[4] = {"loss (log)", "g(t)", "λ1(t)", "λ2(t)"};
    static const int series[4] = {S_LOSS, S_G, S_L1, S_L2};
    for (int i = 0; i < 4; i++) {
        nqm_chart_spec_init(&spec[i], titles[i]);
        nqm_chart_add_series(&spec[i], h, series[i], NQM_COLOR_SERIES1, NQM_LINE_SOLID, NULL);
        spec[i].phase_hist = h;
        spec[i].phase_series = S_PHASE;
        if (i >= 2) {
            nqm_chart_add_threshold(&spec[i], 2 / ETA, "2/η", NQM_COLOR_THRESHOLD2, 1);
            nqm_chart_add_threshold(&spec[i], 4 / ETA, "4/η", NQM_COLOR_THRESHOLD4, 1);
        }
    }
    spec[0].log_y = 1;
}

int main(void)
{
    nqm_series_kind kinds[NSERIES] = {NQM_SERIES_VALUE, NQM_SERIES_VALUE, NQM_SERIES_VALUE,
                                      NQM_SERIES_VALUE, NQM_SERIES_LABEL};
    nqm_history *h = nqm_history_new(NSERIES, kinds, NQM_HISTORY_DEFAULT_CAPACITY);
    nqm_canvas *cv = nqm_canvas_new(COLS, ROWS, NQM_GLYPHS_UNICODE);
    if (!h || !cv) {
        fprintf(stderr, "bench_render: out of memory\n");
        return 1;
    }
    double fill0 = now_ms();
    for (long t = 0; t < STEPS; t++) {
        double v[NSERIES];
        catapult_step(t, STEPS, v);
        nqm_history_push(h, t, v);
    }
    double fill_ms = now_ms() - fill0;

    nqm_layout lay;
    nqm_layout_compute(COLS, ROWS, &lay);
    nqm_chart_spec spec[4];
    build_specs(spec, h);
    double ms[FRAMES];
    for (int f = 0; f < FRAMES; f++) {
        double t0 = now_ms();
        nqm_canvas_clear(cv);
        for (int i = 0; i < lay.ncharts; i++)
            if (nqm_chart_draw(cv, lay.chart[i], &spec[i], NULL) != 0) {
                fprintf(stderr, "bench_render: out of memory\n");
                return 1;
            }
        ms[f] = now_ms() - t0;
    }
    qsort(ms, FRAMES, sizeof ms[0], cmp_double);
    printf("history: %d steps in %ld buckets (span %ld, %zu bytes), filled in %.1f ms\n", STEPS,
           nqm_history_nbuckets(h), nqm_history_span(h), nqm_history_bytes(h), fill_ms);
    printf("render: %d charts into %dx%d, %d frames: median %.3f ms, best %.3f ms per frame\n",
           lay.ncharts, COLS, ROWS, FRAMES, ms[FRAMES / 2], ms[0]);
    nqm_canvas_free(cv);
    nqm_history_free(h);
    return 0;
}
