/* phase.h: the online phase detector and the run's regime.
 *
 * Fed one observation per step (eta, loss, the output g, the top kernel
 * eigenvalue, the share of active units where the model has one), it
 * labels that step from the data up to it (so a live chart can colour it
 * at once) and keeps what the offline summary needs: the regime, its
 * reason, the period of a settled cycle and the boundaries
 * T1 <= T2 <= T3 <= T4 of a catapult's increasing / peak / decreasing
 * phases. The rules are documented in phase.c; every threshold is below,
 * with the reason it was chosen, and in nqmtop(5). */
#ifndef NQMTOP_PHASE_H
#define NQMTOP_PHASE_H

typedef enum {
    PHASE_MONOTONE,    /* nothing to report: converging under the edge */
    PHASE_INCREASING,  /* catapult: loss growing, kernel still at its start value */
    PHASE_PEAK,        /* catapult: kernel falling fast around the loss maximum */
    PHASE_DECREASING,  /* catapult: kernel settled below 2/eta, loss falling */
    PHASE_EDGE,        /* lambda1 sharpened to 2/eta and hovers there */
    PHASE_OSCILLATING, /* loss and g repeat with a period of 2 or more */
    PHASE_CHAOTIC,     /* bounded, no cycle, the loss rising and falling */
    PHASE_COLLAPSED,   /* no active units, or a negligible kernel and a stuck loss */
    PHASE_DIVERGENT,   /* loss non-finite or beyond the divergence bound */
    PHASE_COUNT
} nqm_phase;

typedef enum {
    REGIME_UNDETERMINED, /* the run has not resolved into any of the others yet */
    REGIME_MONOTONE,
    REGIME_CATAPULT,
    REGIME_SILENT_CATAPULT, /* kernel fell below 2/eta, loss never rose */
    REGIME_EDGE,            /* edge of stability */
    REGIME_OSCILLATING,     /* a settled cycle, period in the summary */
    REGIME_CHAOTIC,
    REGIME_COLLAPSED,
    REGIME_DIVERGENT,
    REGIME_COUNT
} nqm_regime;

/* One step as the detector sees it. */
typedef struct {
    double eta;        /* the learning rate of the step */
    double loss;       /* the training loss */
    double g;          /* the output on the first training example */
    double lambda_max; /* the top eigenvalue of s*K */
    double active;     /* share of active units in [0, 1], NaN when the model has none */
} nqm_phase_obs;

typedef struct {
    nqm_regime regime;
    long T1, T2, T3, T4; /* -1 where they do not apply */
    long peak_step;      /* step of the largest loss after the start */
    double peak_loss;
    int period;          /* of the settled cycle (oscillating), else 0 */
    double edge_final;   /* eta * lambda1 / 2 at the last step */
    double active_final; /* share of active units at the last step (NaN without) */
    const char *why;     /* one line: why this regime (static string) */
} nqm_phase_summary;

typedef struct nqm_phase_detector nqm_phase_detector;

nqm_phase_detector *nqm_phase_new(void);
void nqm_phase_free(nqm_phase_detector *det);
/* Start over at absolute step t0 (a new run, or eta changed mid-run). */
void nqm_phase_reset(nqm_phase_detector *det, long t0);
/* SGD: the loss rises and falls with the batches, so cycles and chaos
 * are not looked for (they would be the sampling's); kept over resets. */
void nqm_phase_set_stochastic(nqm_phase_detector *det, int on);
/* A kernel weighted by the loss's l'' (loss.h), which falls as the loss
 * does: a small one is then no sign of collapse. */
void nqm_phase_set_weighted(nqm_phase_detector *det, int on);
/* Feed step t (consecutive from t0). Returns the label of step t. */
nqm_phase nqm_phase_push(nqm_phase_detector *det, long t, const nqm_phase_obs *obs);
void nqm_phase_summarize(const nqm_phase_detector *det, nqm_phase_summary *out);

const char *nqm_phase_name(nqm_phase p);
const char *nqm_regime_name(nqm_regime r);

/* ---- the thresholds, in one place ------------------------------------------------
 * e(t) = eta * lambda1(t) / 2 is the edge ratio: 1 exactly at 2/eta. */

/* Catapult phases, in the scale-free kernel coordinate D of phase.c. */
#define NQM_PHASE_D_START                                                                          \
    0.05 /* D <= this: kernel still at its start (5 % of the way                                   \
            to the edge: above the noise of a step, below any drop) */
#define NQM_PHASE_PEAK_FRACTION                                                                    \
    0.5                              /* peak: drop rate >= half its maximum (the peak's half       \
                                        width, as a spectral line's) */
#define NQM_PHASE_SETTLED       0.02 /* settled: drop rate <= 2 % of its maximum ... */
#define NQM_PHASE_SETTLED_STEPS 3    /* ... for this many steps while the loss falls */

/* Divergence: far beyond any loss a bounded run reaches, far below overflow. */
#define NQM_DIVERGENCE_FACTOR 1e20 /* divergent: loss > this * max(1, L0) */

/* The recent window every late-time rule reads: long enough for a
 * cycle of NQM_CYCLE_MAX_PERIOD to repeat twice over NQM_CYCLE_WINDOW. */
#define NQM_RECENT_STEPS     128
#define NQM_CYCLE_WINDOW     64 /* a cycle must hold over this many steps */
#define NQM_CYCLE_MAX_PERIOD 32 /* longest period looked for; beyond it: no cycle */
#define NQM_CYCLE_TOL                                                                              \
    1e-6                      /* x(t) - x(t-p) against the cycle's swing: a cycle repeats          \
                                 to rounding, a decaying swing by far more */
#define NQM_CYCLE_FLOOR 1e-12 /* ... plus this * max |x|: rounding of the values */
#define NQM_CYCLE_SWING 1e-9  /* a swing below this * max |x|: a fixed point */

/* Chaos: no cycle, the loss rising on a share of the steps in every
 * quarter of the window that a converging run (rare rises) and a
 * monotone climb (all rises) do not have, and not falling overall. */
#define NQM_CHAOS_RISES_MIN 0.2
#define NQM_CHAOS_RISES_MAX 0.8
#define NQM_CHAOS_FALL      0.5 /* last quarter's mean loss >= this * the first's */
#define NQM_CHAOS_SPREAD                                                                           \
    1e-3 /* (max - min) / max of the window's loss at least this:                                  \
            rounding noise on a plateau rises and falls too */

/* Edge of stability: sharpening from clearly below the edge, then the
 * edge ratio held near 1 while the loss still falls on average. */
#define NQM_EDGE_FROM    0.9 /* e(t0) <= this: the run starts below the edge */
#define NQM_EDGE_BAND_LO 0.9 /* the online label: e within [LO, HI] after reaching 1 */
#define NQM_EDGE_BAND_HI 1.25
#define NQM_EDGE_SMOOTH                                                                            \
    16 /* the label averages e over about this many steps: the                                     \
          edge's own swings cross the band's ends */
#define NQM_EDGE_LEFT                                                                              \
    0.5 /* the averaged e below this after reaching 1: the run left the edge                       \
           (Adam's first steps jump to e ~ 6 and back to 0.05 before they                          \
           sharpen), so the record starts again; no step below it is                               \
           labelled edge */
#define NQM_EDGE_MEAN_CAP                                                                           \
    2.0                         /* a step's e counts at most this much in the mean: one excursion   \
                                   of a run that then holds the edge (momentum's first overshoot to \
                                   e ~ 5000) is not its average */
#define NQM_EDGE_MEAN_LO   0.95 /* the regime: mean e since reaching 1 within [LO, HI] */
#define NQM_EDGE_MEAN_HI   1.1  /* (the nets measured 1.01-1.02, their NQMs 1.03-1.09) */
#define NQM_EDGE_MIN_STEPS 64   /* ... over at least this many steps */
#define NQM_EDGE_HOLD                                                                              \
    0.8 /* ... e within the band on this share of them (sharpened                                  \
           runs hold 0.87-0.99; chaos around the edge 0.08-0.15) */

/* Collapse: no active unit, or the kernel negligible and the loss stuck
 * at a value the run has not trained away. */
#define NQM_COLLAPSE_KERNEL 1e-3 /* lambda1 <= this * lambda1(t0): a rate 1000x slower */
#define NQM_COLLAPSE_STEPS  16   /* the loss over this many steps ... */
#define NQM_COLLAPSE_FALL   0.01 /* ... fell by less than this share, above NQM_CONVERGED */

/* A loss below this * L0 has converged: it is neither stuck (collapse) nor
 * cycling (rounding makes a converged run's last digits repeat). */
#define NQM_CONVERGED 1e-20

#endif
