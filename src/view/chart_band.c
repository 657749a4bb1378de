/* chart_band.c: the phase band under a chart's plot (see chart_draw.h):
 * one glyph per cell for the phases its steps went through and the names
 * of long phases written into it. (The boundaries T1..T4 are labelled on
 * the step axis below it, chart_axes.c.) */
#include <stdlib.h>
#include <string.h>

#include "chart_draw.h"
#include "nqmtop/train/phase.h"

/* ---------------------------------------------------------- phase band */

/* The label a band cell shows when several occurred in its steps. */
static int band_label(uint32_t labels)
{
    static const nqm_phase priority[] = {PHASE_DIVERGENT,   PHASE_COLLAPSED,  PHASE_CHAOTIC,
                                         PHASE_PEAK,        PHASE_INCREASING, PHASE_DECREASING,
                                         PHASE_OSCILLATING, PHASE_EDGE,       PHASE_MONOTONE};
    for (size_t i = 0; i < sizeof priority / sizeof priority[0]; i++)
        if (labels & (1u << priority[i]))
            return (int)priority[i];
    return -1;
}

static nqm_color phase_color(int label)
{
    switch (label) {
    case PHASE_INCREASING:
        return NQM_COLOR_PHASE_INCREASING;
    case PHASE_PEAK:
        return NQM_COLOR_PHASE_PEAK;
    case PHASE_DECREASING:
        return NQM_COLOR_PHASE_DECREASING;
    case PHASE_EDGE:
    case PHASE_OSCILLATING:
    case PHASE_CHAOTIC:
        return NQM_COLOR_THRESHOLD2;
    case PHASE_COLLAPSED:
    case PHASE_DIVERGENT:
        return NQM_COLOR_WARNING;
    default:
        return NQM_COLOR_AXIS;
    }
}

static uint32_t phase_glyph(int label)
{
    switch (label) {
    case PHASE_INCREASING:
        return 0x2591; /* ░ */
    case PHASE_PEAK:
        return 0x2593; /* ▓ */
    case PHASE_DECREASING:
        return 0x2592; /* ▒ */
    case PHASE_EDGE:
        return 0x2550; /* ═ */
    case PHASE_OSCILLATING:
        return '~';
    case PHASE_CHAOTIC:
        return '*';
    case PHASE_COLLAPSED:
        return '_';
    case PHASE_DIVERGENT:
        return 0x00D7; /* × */
    default:
        return ' ';
    }
}

/* The steps (offsets from t_first) plot cell column x stands for: those
 * of its two dot columns, or on a stretched axis the nearest step. */
static int cell_steps(const chart_ctx *c, int x, long *first, long *last)
{
    long a0, a1, b0, b1;
    int ha = column_steps(c, 2 * x, &a0, &a1), hb = column_steps(c, 2 * x + 1, &b0, &b1);
    if (ha || hb) {
        *first = ha ? a0 : b0;
        *last = hb ? b1 : a1;
        return 1;
    }
    if (c->ndots < 2)
        return 0;
    *first = *last = column_nearest_step(c, 2.0 * x + 0.5);
    return 1;
}

/* Label of every plot cell column: (plot.w) labels, -1 where none. */
static void band_labels(const chart_ctx *c, int *labels)
{
    const nqm_chart_spec *s = c->spec;
    for (int x = 0; x < c->plot.w; x++) {
        long first, last;
        nqm_envelope e;
        labels[x] = -1;
        if (cell_steps(c, x, &first, &last) &&
            nqm_history_envelope(s->phase_hist, s->phase_series, c->t_first + first,
                                 c->t_first + last, &e))
            labels[x] = band_label(e.labels);
    }
}

static void draw_phase_names(chart_ctx *c, const int *labels)
{
    for (int a = 0; a < c->plot.w;) {
        int b = a;
        while (b < c->plot.w && labels[b] == labels[a])
            b++;
        int lab = labels[a];
        if (lab > PHASE_MONOTONE && lab < PHASE_COUNT) {
            const char *name = nqm_phase_name((nqm_phase)lab);
            int w = (int)strlen(name);
            if (b - a >= w + 2)
                nqm_canvas_text(c->cv, c->plot.x + a + (b - a - w) / 2, c->band_row, name,
                                phase_color(lab));
        }
        a = b;
    }
}

int nqm_chart_draw_band(chart_ctx *c)
{
    if (c->band_row < 0 || c->t_first < 0)
        return 0;
    int *labels = malloc((size_t)c->plot.w * sizeof *labels);
    if (!labels)
        return -1;
    band_labels(c, labels);
    for (int x = 0; x < c->plot.w; x++)
        if (labels[x] >= 0)
            nqm_canvas_put(c->cv, c->plot.x + x, c->band_row, phase_glyph(labels[x]),
                           phase_color(labels[x]));
    draw_phase_names(c, labels);
    free(labels);
    return 0;
}
