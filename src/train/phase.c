/* phase.c: the catapult phase detector (DESIGN §1.3).
 *
 * The rule, with every threshold from phase.h:
 *
 * The kernel is measured in the scale-free coordinate
 *     D(t) = (lambda0 - lambda(t)) / (lambda0 - 2/eta),
 * 0 at the start and 1 when the top eigenvalue reaches the edge 2/eta, and
 * its drop rate s(t) = D(t) - D(t-1). lambda is the largest eigenvalue of
 * s*K; lambda0, L0 and eta are taken at the start (t0: step 0, or the step
 * where eta last changed). A catapult is possible only when eta*lambda0 > 2.
 *
 * Online label of step t (from data up to t):
 *   divergent   loss non-finite or > NQM_DIVERGENCE_FACTOR * max(1, L0),
 *               or the kernel non-finite (sticky);
 *   monotone    eta * lambda0 <= 2;
 *   increasing  until the kernel moves (D > NQM_PHASE_D_START) while
 *               dropping at >= NQM_PHASE_PEAK_FRACTION of its fastest rate
 *               so far, or the loss turns down after rising above L0;
 *   peak        until the drop rate is below that fraction of its maximum
 *               and the loss is falling and below that fraction of its max;
 *   decreasing  afterwards.
 *
 * Offline boundaries (the summary, over the stored steps):
 *   T1  last step <= T2 with D <= NQM_PHASE_D_START;
 *   T2..T3  the steps around the largest drop rate with
 *       s >= NQM_PHASE_PEAK_FRACTION * max s, joined with the steps around
 *       the loss maximum where the loss is above that fraction of its max;
 *   T4  first step after T3 from which s <= NQM_PHASE_SETTLED * max s for
 *       NQM_PHASE_SETTLED_STEPS steps while the loss falls.
 * Regime: divergent as above; monotone when eta * lambda0 <= 2; catapult
 * when the top eigenvalue ends below 2/eta after the loss rose above L0
 * and fell back below NQM_PHASE_PEAK_FRACTION of its maximum;
 * silent-catapult when it ends below 2/eta but the loss never rose above
 * L0 (the catapult stayed in a direction that carries little of the loss);
 * undetermined while none of these holds yet. Boundaries are kept for the
 * first NQM_PHASE_MAX_STEPS steps after t0. */
#include "nqmtop/train/phase.h"

#include <math.h>
#include <stdlib.h>

enum { NQM_PHASE_MAX_STEPS = 1 << 16 };

struct nqm_phase_detector {
    long t0, last_t;
    double eta, L0, lambda0;
    int possible; /* eta * lambda0 > 2 */
    int diverged;
    nqm_phase label; /* label of the last step */
    double max_loss, max_rate, last_loss, last_D, last_lambda;
    long count, cap;  /* stored steps and allocated length */
    double *loss, *D; /* (count) per step since t0 */
};

nqm_phase_detector *nqm_phase_new(void)
{
    nqm_phase_detector *det = calloc(1, sizeof *det);
    if (det)
        nqm_phase_reset(det, 0);
    return det;
}

void nqm_phase_free(nqm_phase_detector *det)
{
    if (!det)
        return;
    free(det->loss);
    free(det->D);
    free(det);
}

void nqm_phase_reset(nqm_phase_detector *det, long t0)
{
    det->t0 = t0;
    det->last_t = t0 - 1;
    det->count = 0;
    det->diverged = 0;
    det->max_loss = -INFINITY;
    det->max_rate = 0;
}

static void store(nqm_phase_detector *det, double loss, double D)
{
    if (det->count >= NQM_PHASE_MAX_STEPS)
        return;
    if (det->count == det->cap) {
        long cap = det->cap ? 2 * det->cap : 1024;
        double *l = realloc(det->loss, (size_t)cap * sizeof *l);
        if (l)
            det->loss = l;
        double *d = l ? realloc(det->D, (size_t)cap * sizeof *d) : NULL;
        if (d)
            det->D = d;
        if (!l || !d)
            return; /* out of memory: the summary covers what was stored */
        det->cap = cap;
    }
    det->loss[det->count] = loss;
    det->D[det->count] = D;
    det->count++;
}

static int is_divergent(const nqm_phase_detector *det, double loss)
{
    return !isfinite(loss) || loss > NQM_DIVERGENCE_FACTOR * fmax(1.0, det->L0);
}

static nqm_phase next_label(const nqm_phase_detector *det, double loss, double rate)
{
    double fraction = NQM_PHASE_PEAK_FRACTION;
    int falling = loss < det->last_loss;
    switch (det->label) {
    case PHASE_INCREASING:
        if ((det->last_D > NQM_PHASE_D_START && rate >= fraction * det->max_rate && rate > 0) ||
            (falling && det->max_loss > det->L0))
            return PHASE_PEAK;
        return PHASE_INCREASING;
    case PHASE_PEAK:
        if (rate < fraction * det->max_rate && falling && loss < fraction * det->max_loss)
            return PHASE_DECREASING;
        return PHASE_PEAK;
    default:
        return det->label;
    }
}

nqm_phase nqm_phase_push(nqm_phase_detector *det, long t, double eta, double loss,
                         double lambda_max)
{
    if (t == det->t0) {
        det->eta = eta;
        det->L0 = loss;
        det->lambda0 = lambda_max;
        det->possible = eta * lambda_max > 2;
        det->label = det->possible ? PHASE_INCREASING : PHASE_MONOTONE;
        det->last_D = 0;
    }
    det->last_t = t;
    double D = det->possible ? (det->lambda0 - lambda_max) / (det->lambda0 - 2 / det->eta) : 0;
    double rate = t == det->t0 ? 0 : D - det->last_D;
    if (isfinite(rate) && rate > det->max_rate)
        det->max_rate = rate;
    det->last_D = D;
    if (det->diverged || is_divergent(det, loss) || !isfinite(lambda_max)) {
        det->diverged = 1;
        det->label = PHASE_DIVERGENT;
    } else if (t != det->t0) {
        if (loss > det->max_loss)
            det->max_loss = loss;
        det->label = next_label(det, loss, rate);
    } else {
        det->max_loss = loss;
    }
    det->last_loss = loss;
    det->last_lambda = lambda_max;
    store(det, loss, D);
    return det->label;
}

/* Widest interval [*lo, *hi] around i where x stays >= bound. */
static void grow(const double *x, long count, long i, double bound, long *lo, long *hi)
{
    *lo = *hi = i;
    while (*lo > 0 && x[*lo - 1] >= bound)
        (*lo)--;
    while (*hi + 1 < count && x[*hi + 1] >= bound)
        (*hi)++;
}

static void boundaries(const nqm_phase_detector *det, nqm_phase_summary *out)
{
    long n = det->count;
    double *rate = malloc((size_t)(n > 0 ? n : 1) * sizeof *rate);
    if (!rate || n < 3) {
        free(rate);
        return;
    }
    long best = 1, peak = 0;
    rate[0] = 0;
    for (long i = 1; i < n; i++) {
        rate[i] = det->D[i] - det->D[i - 1];
        if (rate[i] > rate[best])
            best = i;
        if (det->loss[i] > det->loss[peak])
            peak = i;
    }
    double max_rate = rate[best];
    long a, b, c, e;
    grow(rate, n, best, NQM_PHASE_PEAK_FRACTION * max_rate, &a, &b);
    grow(det->loss, n, peak, NQM_PHASE_PEAK_FRACTION * det->loss[peak], &c, &e);
    long T2 = a < c ? a : c, T3 = b > e ? b : e, T1 = 0, T4 = -1;
    for (long i = 0; i <= T2; i++)
        if (det->D[i] <= NQM_PHASE_D_START)
            T1 = i;
    for (long i = T3 + 1; i + NQM_PHASE_SETTLED_STEPS <= n && T4 < 0; i++) {
        int settled = 1;
        for (long j = i; j < i + NQM_PHASE_SETTLED_STEPS && settled; j++)
            settled = j < n && rate[j] <= NQM_PHASE_SETTLED * max_rate && j > 0 &&
                      det->loss[j] < det->loss[j - 1];
        if (settled)
            T4 = i;
    }
    free(rate);
    out->T1 = det->t0 + T1;
    out->T2 = det->t0 + T2;
    out->T3 = det->t0 + T3;
    out->T4 = T4 < 0 ? -1 : det->t0 + T4;
}

void nqm_phase_summarize(const nqm_phase_detector *det, nqm_phase_summary *out)
{
    out->T1 = out->T2 = out->T3 = out->T4 = -1;
    out->peak_step = -1;
    out->peak_loss = NAN;
    for (long i = 0; i < det->count; i++)
        if (out->peak_step < 0 || det->loss[i] > out->peak_loss) {
            out->peak_loss = det->loss[i];
            out->peak_step = det->t0 + i;
        }
    int below_edge = det->last_lambda * det->eta < 2;
    int rose = det->max_loss > det->L0;
    if (det->diverged) {
        out->regime = REGIME_DIVERGENT;
        out->why = "the loss became non-finite or exceeded 1e20 x max(1, L0)";
    } else if (!det->possible) {
        out->regime = REGIME_MONOTONE;
        out->why = "eta <= eta_crit: eta * lambda1(0) <= 2";
    } else if (below_edge && rose && det->last_loss < NQM_PHASE_PEAK_FRACTION * det->max_loss) {
        out->regime = REGIME_CATAPULT;
        out->why = "the loss rose and fell back while lambda1 dropped below 2/eta";
    } else if (below_edge && !rose) {
        out->regime = REGIME_SILENT_CATAPULT;
        out->why = "lambda1 dropped below 2/eta without the loss rising above L0";
    } else {
        out->regime = REGIME_UNDETERMINED;
        out->why = "eta > eta_crit but the run has not resolved yet";
    }
    if (out->regime == REGIME_CATAPULT || out->regime == REGIME_SILENT_CATAPULT)
        boundaries(det, out);
}

const char *nqm_phase_name(nqm_phase p)
{
    static const char *names[PHASE_COUNT] = {"monotone", "increasing", "peak", "decreasing",
                                             "divergent"};
    return p >= 0 && p < PHASE_COUNT ? names[p] : "?";
}

const char *nqm_regime_name(nqm_regime r)
{
    static const char *names[REGIME_COUNT] = {"undetermined", "monotone", "catapult",
                                              "silent-catapult", "divergent"};
    return r >= 0 && r < REGIME_COUNT ? names[r] : "?";
}
