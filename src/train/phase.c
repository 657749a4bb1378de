/* phase.c: the phase detector and the regimes (DESIGN §1.3).
 *
 * The rules, with every threshold from phase.h. e(t) = eta lambda(t) / 2
 * is the edge ratio; lambda is the largest eigenvalue of s*K; lambda0, L0,
 * e0 and eta are taken at the start t0 (step 0, or the step where eta
 * last changed). A catapult is possible only when e0 > 1.
 *
 * The catapult's kernel is measured in the scale-free coordinate
 *     D(t) = (lambda0 - lambda(t)) / (lambda0 - 2/eta),
 * 0 at the start and 1 when the top eigenvalue reaches the edge 2/eta, and
 * its drop rate s(t) = D(t) - D(t-1). The late-time rules read the last
 * NQM_RECENT_STEPS steps of the loss L and the output g:
 *   cycle of period p  |x(t) - x(t-p)| within NQM_CYCLE_TOL of the
 *       series' largest one-step change plus NQM_CYCLE_FLOOR of its
 *       largest |x|, for x = L and x = g and every t of the last
 *       NQM_CYCLE_WINDOW steps; the period is the smallest such p up to
 *       NQM_CYCLE_MAX_PERIOD, and a cycle needs p >= 2 and a one-step
 *       change of at least NQM_CYCLE_SWING of the largest value in L or g
 *       (below it the run sits on a fixed point) and a window's largest loss
 *       above NQM_CONVERGED L0. Measuring against the
 *       change keeps a swing that still decays (a converging catapult's
 *       top mode alternates in sign) from passing for a cycle; g is needed
 *       because at e = 1 on a linear model the loss is constant while g
 *       alternates;
 *   chaos  no cycle, a full window, the loss rising on a share within
 *       [NQM_CHAOS_RISES_MIN, NQM_CHAOS_RISES_MAX] of the steps of each of
 *       its quarters, the last quarter's mean loss at least NQM_CHAOS_FALL
 *       times the first's, the loss's spread over the window at least
 *       NQM_CHAOS_SPREAD of its largest value;
 *   collapse  the share of active units is 0, or lambda <=
 *       NQM_COLLAPSE_KERNEL lambda0 while the loss fell by less than
 *       NQM_COLLAPSE_FALL over NQM_COLLAPSE_STEPS steps and is above
 *       NQM_CONVERGED L0 (not for a kernel weighted by the loss's l'',
 *       which falls with a logistic loss that decays like 1/t);
 *   the edge  a run with e0 <= NQM_EDGE_FROM reaches the edge at the first
 *       step with e >= 1; from there on the mean of e and the loss at
 *       that step are kept.
 *
 * Online label of step t (from data up to t), the first that holds:
 *   divergent   loss non-finite or > NQM_DIVERGENCE_FACTOR max(1, L0),
 *               or the kernel non-finite (sticky);
 *   collapsed, oscillating (a cycle of period >= 2);
 *   increasing, peak  the catapult's state while it is in one of them:
 *       increasing until the kernel moves (D > NQM_PHASE_D_START) while
 *       dropping at >= NQM_PHASE_PEAK_FRACTION of its fastest rate so far
 *       and the loss's growth is not speeding up (a diverging run's kernel
 *       moves too, under an ever faster growing loss), or the loss turns
 *       down after rising above L0 with the kernel moved; peak until the
 *       drop rate is below that fraction of its maximum and the loss is
 *       falling and below that fraction of its maximum, or back to
 *       increasing when the loss passes its maximum while the kernel no
 *       longer drops (a diverging run's loss can dip once); from
 *       increasing straight to decreasing when the loss falls, never rose
 *       above L0, and the kernel is already below the edge (D >= 1: a
 *       silent catapult, whose kernel can fall in one step);
 *   edge        the edge was reached and e, averaged over about
 *               NQM_EDGE_SMOOTH steps, is within
 *               [NQM_EDGE_BAND_LO, NQM_EDGE_BAND_HI] (the edge's own
 *               dynamics rise and fall like chaos: the edge names them);
 *   chaotic;
 *   decreasing  after a catapult's peak; monotone otherwise.
 *
 * Offline boundaries of a catapult (the summary, over the stored steps):
 *   T1  last step <= T2 with D <= NQM_PHASE_D_START;
 *   T2..T3  the steps around the largest drop rate with
 *       s >= NQM_PHASE_PEAK_FRACTION * max s, joined with the steps around
 *       the loss maximum where the loss is above that fraction of its max;
 *   T4  first step after T3 from which s <= NQM_PHASE_SETTLED * max s for
 *       NQM_PHASE_SETTLED_STEPS steps while the loss falls.
 * Boundaries are kept for the first NQM_PHASE_MAX_STEPS steps after t0.
 *
 * Regime at the last step, the first that holds: divergent; collapsed;
 * catapult (e0 > 1, lambda ends below 2/eta after the loss rose above L0
 * and fell back below NQM_PHASE_PEAK_FRACTION of its maximum);
 * silent-catapult (e0 > 1, lambda ends below 2/eta, the loss never rose
 * above L0: the catapult stayed in a direction that carries little of the
 * loss); oscillating (a cycle of period >= 2); edge-of-stability (the
 * edge was reached, at least NQM_EDGE_MIN_STEPS steps ago, the mean of e
 * since is within [NQM_EDGE_MEAN_LO, NQM_EDGE_MEAN_HI], e was within the
 * band on at least NQM_EDGE_HOLD of those steps and the recent mean loss
 * is below the loss at the edge); chaotic; monotone (e0 <= 1
 * and e never reached 1 after t0); undetermined otherwise. */
#include "nqmtop/train/phase.h"

#include <math.h>
#include <stdlib.h>

enum { NQM_PHASE_MAX_STEPS = 1 << 16 };

#define STR_(x) #x
#define STR(x)  STR_(x)

struct nqm_phase_detector {
    long t0, last_t;
    double eta, L0, lambda0, e0;
    int possible; /* e0 > 1 */
    int diverged;
    nqm_phase machine; /* the catapult's own state (monotone, increasing, peak, decreasing) */
    nqm_phase label;   /* label of the last step */
    double max_loss, max_rate, last_loss, last_growth, last_D, last_lambda, last_active;
    int reached;        /* e >= 1 at some step after t0 */
    long edge_step;     /* first step at the edge after sharpening, -1 before */
    double edge_loss;   /* the loss there */
    double edge_sum;    /* sum of e from edge_step on */
    long edge_steps;    /* ... over this many steps */
    long edge_held;     /* ... of which e was within the band */
    double edge_smooth; /* e averaged over about NQM_EDGE_SMOOTH steps from edge_step on */
    double last_e;      /* e of the last step */
    int stochastic;     /* SGD: the loss's rises and falls are the batches' */
    int weighted;       /* the kernel is weighted by the loss's l'' (logistic) */
    int period;         /* of the recent window's cycle, 0 without */
    int chaotic, collapsed;
    long seen;                      /* steps pushed since t0 */
    double rloss[NQM_RECENT_STEPS]; /* ring of the recent losses, by seen % size */
    double rg[NQM_RECENT_STEPS];    /* ... and outputs */
    long count, cap;                /* stored steps and allocated length */
    double *loss, *D;               /* (count) per step since t0 */
};

nqm_phase_detector *nqm_phase_new(void)
{
    nqm_phase_detector *det = calloc(1, sizeof *det);
    if (det)
        nqm_phase_reset(det, 0);
    return det;
}

void nqm_phase_set_stochastic(nqm_phase_detector *det, int on) { det->stochastic = on; }

void nqm_phase_set_weighted(nqm_phase_detector *det, int on) { det->weighted = on; }

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
    det->seen = 0;
    det->diverged = 0;
    det->max_loss = -INFINITY;
    det->max_rate = 0;
    det->reached = 0;
    det->edge_step = -1;
    det->edge_sum = 0;
    det->edge_steps = 0;
    det->edge_held = 0;
    det->period = det->chaotic = det->collapsed = 0;
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

/* ---- the recent window ---------------------------------------------------------------- */

/* The loss and output k steps before the last (k < min(seen, NQM_RECENT_STEPS)). */
static double recent_loss(const nqm_phase_detector *det, long k)
{
    return det->rloss[(det->seen - 1 - k) % NQM_RECENT_STEPS];
}

static double recent_g(const nqm_phase_detector *det, long k)
{
    return det->rg[(det->seen - 1 - k) % NQM_RECENT_STEPS];
}

/* The scale of one recent series: its largest value and its largest
 * change from one step to the next, over span steps. */
typedef struct {
    double top, swing;
} series_scale;

static series_scale scale_of(const nqm_phase_detector *det,
                             double (*at)(const nqm_phase_detector *, long), long span)
{
    series_scale sc = {0, 0};
    for (long k = 0; k < span; k++) {
        sc.top = fmax(sc.top, fabs(at(det, k)));
        if (k + 1 < span)
            sc.swing = fmax(sc.swing, fabs(at(det, k) - at(det, k + 1)));
    }
    return sc;
}

/* Whether the series repeats every p steps over the cycle window. */
static int repeats(const nqm_phase_detector *det, double (*at)(const nqm_phase_detector *, long),
                   series_scale sc, int p)
{
    double tol = NQM_CYCLE_TOL * sc.swing + NQM_CYCLE_FLOOR * sc.top;
    for (long k = 0; k < NQM_CYCLE_WINDOW; k++)
        if (!(fabs(at(det, k) - at(det, k + p)) <= tol))
            return 0;
    return 1;
}

/* The smallest period >= 2 of the recent window's cycle, 0 without one
 * (a fixed point, a swing that still decays, or no repetition). */
static int cycle_period(const nqm_phase_detector *det)
{
    const long span = NQM_CYCLE_WINDOW + NQM_CYCLE_MAX_PERIOD;
    if (det->seen < span)
        return 0;
    series_scale L = scale_of(det, recent_loss, span), g = scale_of(det, recent_g, span);
    if ((L.swing < NQM_CYCLE_SWING * L.top && g.swing < NQM_CYCLE_SWING * g.top) ||
        !(L.top > NQM_CONVERGED * det->L0))
        return 0; /* settled on a fixed point, to rounding, or converged */
    for (int p = 1; p <= NQM_CYCLE_MAX_PERIOD; p++)
        if (repeats(det, recent_loss, L, p) && repeats(det, recent_g, g, p))
            return p >= 2 ? p : 0;
    return 0;
}

static int is_chaotic(const nqm_phase_detector *det)
{
    enum { QUARTER = NQM_RECENT_STEPS / 4 };
    if (det->seen < NQM_RECENT_STEPS || det->period != 0)
        return 0;
    double mean[4] = {0}, low = INFINITY, high = 0;
    for (long k = 0; k < NQM_RECENT_STEPS; k++) {
        low = fmin(low, recent_loss(det, k));
        high = fmax(high, recent_loss(det, k));
    }
    if (!(high - low >= NQM_CHAOS_SPREAD * high) || high <= NQM_CONVERGED * det->L0)
        return 0; /* a plateau's rounding noise, or a converged run's last digits */
    for (int q = 0; q < 4; q++) {
        int rises = 0, pairs = 0;
        for (long k = q * QUARTER; k < (q + 1) * QUARTER; k++) {
            mean[q] += recent_loss(det, k) / QUARTER;
            if (k + 1 < NQM_RECENT_STEPS) {
                rises += recent_loss(det, k) > recent_loss(det, k + 1);
                pairs++;
            }
        }
        double share = (double)rises / pairs;
        if (share < NQM_CHAOS_RISES_MIN || share > NQM_CHAOS_RISES_MAX)
            return 0;
    }
    return mean[0] >= NQM_CHAOS_FALL * mean[3]; /* quarter 0 is the newest */
}

static int is_collapsed(const nqm_phase_detector *det, const nqm_phase_obs *obs)
{
    if (obs->active == 0)
        return 1;
    if (det->weighted || !(obs->lambda_max <= NQM_COLLAPSE_KERNEL * det->lambda0) ||
        det->seen <= NQM_COLLAPSE_STEPS)
        return 0;
    double now = recent_loss(det, 0), before = recent_loss(det, NQM_COLLAPSE_STEPS);
    return now >= (1 - NQM_COLLAPSE_FALL) * before && now > NQM_CONVERGED * det->L0;
}

/* The geometric mean of the recent window's loss: the loss at the edge
 * falls through spikes that multiply it, and an arithmetic mean is the
 * spikes' (Adam's loss at its edge halves while its window mean rises). */
static double recent_mean_loss(const nqm_phase_detector *det)
{
    long n = det->seen < NQM_RECENT_STEPS ? det->seen : NQM_RECENT_STEPS;
    double sum = 0;
    for (long k = 0; k < n; k++)
        sum += log(recent_loss(det, k));
    return n > 0 ? exp(sum / n) : NAN;
}

/* ---- the online label ------------------------------------------------------------------ */

static int is_divergent(const nqm_phase_detector *det, double loss)
{
    return !isfinite(loss) || loss > NQM_DIVERGENCE_FACTOR * fmax(1.0, det->L0);
}

/* The catapult's next state after a step of this loss and drop rate. */
static nqm_phase next_machine(const nqm_phase_detector *det, double loss, double D, double rate)
{
    double fraction = NQM_PHASE_PEAK_FRACTION;
    int falling = loss < det->last_loss;
    double growth = loss / det->last_loss;
    int speeding = growth > 1 && growth > det->last_growth;
    int moved = D > NQM_PHASE_D_START;
    switch (det->machine) {
    case PHASE_INCREASING:
        if (falling && D >= 1 && det->max_loss <= det->L0)
            return PHASE_DECREASING; /* silent: the kernel fell past the edge, the loss never rose
                                      */
        if ((det->last_D > NQM_PHASE_D_START && rate >= fraction * det->max_rate && rate > 0 &&
             !speeding) ||
            (falling && moved && det->max_loss > det->L0))
            return PHASE_PEAK;
        return PHASE_INCREASING;
    case PHASE_PEAK:
        if (loss > det->max_loss && !(rate > 0))
            return PHASE_INCREASING; /* a new maximum under a kernel that no longer drops */
        if (rate < fraction * det->max_rate && falling && loss < fraction * det->max_loss)
            return PHASE_DECREASING;
        return PHASE_PEAK;
    default:
        return det->machine;
    }
}

static nqm_phase label_of(const nqm_phase_detector *det)
{
    if (det->diverged)
        return PHASE_DIVERGENT;
    if (det->collapsed)
        return PHASE_COLLAPSED;
    if (det->period >= 2)
        return PHASE_OSCILLATING;
    if (det->machine == PHASE_INCREASING || det->machine == PHASE_PEAK)
        return det->machine;
    if (det->edge_step >= 0 && det->edge_smooth >= NQM_EDGE_BAND_LO &&
        det->edge_smooth <= NQM_EDGE_BAND_HI && det->last_e >= NQM_EDGE_LEFT)
        return PHASE_EDGE;
    if (det->chaotic)
        return PHASE_CHAOTIC;
    return det->machine;
}

static void start(nqm_phase_detector *det, const nqm_phase_obs *obs)
{
    det->eta = obs->eta;
    det->L0 = obs->loss;
    det->lambda0 = obs->lambda_max;
    det->e0 = obs->eta * obs->lambda_max / 2;
    det->possible = det->e0 > 1;
    det->machine = det->possible ? PHASE_INCREASING : PHASE_MONOTONE;
    det->last_D = 0;
    det->last_growth = 1;
    det->max_loss = obs->loss;
}

/* The edge's running record after a step of edge ratio e. */
static void follow_edge(nqm_phase_detector *det, long t, double e, double loss)
{
    if (t == det->t0)
        return;
    det->reached |= e >= 1;
    det->last_e = e;
    if (det->edge_step < 0 && det->e0 <= NQM_EDGE_FROM && e >= 1) {
        det->edge_step = t;
        det->edge_loss = loss;
        det->edge_smooth = fmin(e, NQM_EDGE_BAND_HI); /* a one-step spike is not a stay */
    }
    if (det->edge_step >= 0) {
        det->edge_sum += fmin(e, NQM_EDGE_MEAN_CAP);
        det->edge_steps++;
        det->edge_held += e >= NQM_EDGE_BAND_LO && e <= NQM_EDGE_BAND_HI;
        det->edge_smooth += (e - det->edge_smooth) / NQM_EDGE_SMOOTH;
    }
    if (det->edge_step >= 0 && det->edge_smooth < NQM_EDGE_LEFT) { /* left the edge: start over */
        det->edge_step = -1;
        det->edge_sum = 0;
        det->edge_steps = det->edge_held = 0;
    }
}

/* A rate that rose past the edge within a segment (a schedule's warmup:
 * eta(t) lambda(t-1) > 2 from below): the catapult's record starts at
 * the step before, as it does at t0 when e0 > 1. */
static void arm(nqm_phase_detector *det, const nqm_phase_obs *obs)
{
    if (!det->possible && !det->reached && obs->eta > det->eta && obs->eta * det->last_lambda > 2) {
        det->possible = 1;
        det->lambda0 = det->last_lambda;
        det->L0 = det->last_loss;
        det->max_loss = det->last_loss;
        det->machine = PHASE_INCREASING;
        det->last_D = 0;
    }
    det->eta = obs->eta; /* the rate in force (constant but for schedules) */
}

nqm_phase nqm_phase_push(nqm_phase_detector *det, long t, const nqm_phase_obs *obs)
{
    double loss = obs->loss, lambda = obs->lambda_max;
    if (t == det->t0)
        start(det, obs);
    else if (obs->eta != det->eta)
        arm(det, obs);
    det->last_t = t;
    det->rloss[det->seen % NQM_RECENT_STEPS] = loss;
    det->rg[det->seen % NQM_RECENT_STEPS] = obs->g;
    det->seen++;
    double D = det->possible ? (det->lambda0 - lambda) / (det->lambda0 - 2 / det->eta) : 0;
    double rate = t == det->t0 ? 0 : D - det->last_D;
    if (isfinite(rate) && rate > det->max_rate)
        det->max_rate = rate;
    double e = det->eta * lambda / 2;
    if (det->diverged || is_divergent(det, loss) || !isfinite(lambda)) {
        det->diverged = 1;
    } else if (t != det->t0) {
        det->machine = next_machine(det, loss, D, rate);
        if (loss > det->max_loss)
            det->max_loss = loss;
        det->last_growth = loss / det->last_loss;
        follow_edge(det, t, e, loss);
        det->collapsed = is_collapsed(det, obs);
        det->period = det->stochastic ? 0 : cycle_period(det);
        det->chaotic = !det->stochastic && is_chaotic(det);
    }
    det->last_D = D;
    det->last_loss = loss;
    det->last_lambda = lambda;
    det->last_active = obs->active;
    det->label = label_of(det);
    store(det, loss, D);
    return det->label;
}

/* ---- the summary ------------------------------------------------------------------------ */

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

static int at_edge(const nqm_phase_detector *det)
{
    if (det->edge_step < 0 || det->edge_steps < NQM_EDGE_MIN_STEPS)
        return 0;
    double mean = det->edge_sum / (double)det->edge_steps;
    double held = (double)det->edge_held / (double)det->edge_steps;
    return mean >= NQM_EDGE_MEAN_LO && mean <= NQM_EDGE_MEAN_HI && held >= NQM_EDGE_HOLD &&
           recent_mean_loss(det) < det->edge_loss;
}

/* The regime and its reason (static strings, thresholds spelled in). */
static nqm_regime regime_of(const nqm_phase_detector *det, const char **why)
{
    int below_edge = det->last_lambda * det->eta < 2;
    int rose = det->max_loss > det->L0;
    if (det->diverged) {
        *why = "the loss became non-finite or exceeded " STR(NQM_DIVERGENCE_FACTOR) " x max(1, L0)";
        return REGIME_DIVERGENT;
    }
    if (det->collapsed) {
        *why = det->last_active == 0
                   ? "no unit is active: every relu unit is negative on every example"
                   : "lambda1 fell below " STR(NQM_COLLAPSE_KERNEL) " x lambda1(0) and the loss "
                                                                    "is stuck above " STR(
                                                                        NQM_CONVERGED) " x L0";
        return REGIME_COLLAPSED;
    }
    if (det->possible && below_edge && rose &&
        det->last_loss < NQM_PHASE_PEAK_FRACTION * det->max_loss) {
        *why = "the loss rose and fell back while lambda1 dropped below 2/eta";
        return REGIME_CATAPULT;
    }
    if (det->possible && below_edge && !rose) {
        *why = "lambda1 dropped below 2/eta without the loss rising above L0";
        return REGIME_SILENT_CATAPULT;
    }
    if (det->period >= 2) {
        *why = "loss and g repeat with the period given, to " STR(
            NQM_CYCLE_TOL) " over the "
                           "last " STR(NQM_CYCLE_WINDOW) " steps";
        return REGIME_OSCILLATING;
    }
    if (at_edge(det)) {
        *why = "lambda1 sharpened to 2/eta and eta lambda1 / 2 averaged within "
               "[" STR(NQM_EDGE_MEAN_LO) ", " STR(NQM_EDGE_MEAN_HI) "] while the loss fell";
        return REGIME_EDGE;
    }
    if (det->chaotic) {
        *why = "bounded, no cycle up to period " STR(
            NQM_CYCLE_MAX_PERIOD) ", the loss rising "
                                  "on " STR(NQM_CHAOS_RISES_MIN) " to " STR(
                                      NQM_CHAOS_RISES_MAX) " of the steps";
        return REGIME_CHAOTIC;
    }
    if (!det->possible && !det->reached) {
        *why = "eta lambda1 stayed below 2 from eta lambda1(0) <= 2";
        return REGIME_MONOTONE;
    }
    *why = det->possible ? "eta > eta_crit but the run has not resolved yet"
                         : "lambda1 reached 2/eta but the run has not resolved yet";
    return REGIME_UNDETERMINED;
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
    out->regime = regime_of(det, &out->why);
    out->period = out->regime == REGIME_OSCILLATING ? det->period : 0;
    out->edge_final = det->eta * det->last_lambda / 2;
    out->active_final = det->last_active;
    if (out->regime == REGIME_CATAPULT || out->regime == REGIME_SILENT_CATAPULT)
        boundaries(det, out);
}

const char *nqm_phase_name(nqm_phase p)
{
    static const char *names[PHASE_COUNT] = {"monotone",   "increasing", "peak",
                                             "decreasing", "edge",       "oscillating",
                                             "chaotic",    "collapsed",  "divergent"};
    return p >= 0 && p < PHASE_COUNT ? names[p] : "?";
}

const char *nqm_regime_name(nqm_regime r)
{
    static const char *names[REGIME_COUNT] = {"undetermined",    "monotone",          "catapult",
                                              "silent-catapult", "edge-of-stability", "oscillating",
                                              "chaotic",         "collapsed",         "divergent"};
    return r >= 0 && r < REGIME_COUNT ? names[r] : "?";
}
