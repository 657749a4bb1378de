/* phase.h: the online catapult phase detector and the run's regime.
 *
 * Fed one (eta, loss, lambda_max) triple per step, it labels that step
 * from the data up to it (so a live chart can colour it at once) and keeps
 * what the offline summary needs: the regime and the boundaries
 * T1 <= T2 <= T3 <= T4 of the increasing / peak / decreasing phases.
 * The rule and every threshold are documented in phase.c. */
#ifndef NQMTOP_PHASE_H
#define NQMTOP_PHASE_H

typedef enum {
    PHASE_MONOTONE,   /* eta <= eta_crit: no catapult to look for */
    PHASE_INCREASING, /* loss growing, kernel still at its start value */
    PHASE_PEAK,       /* kernel falling fast around the loss maximum */
    PHASE_DECREASING, /* kernel settled below 2/eta, loss falling */
    PHASE_DIVERGENT,  /* loss non-finite or beyond the divergence bound */
    PHASE_COUNT
} nqm_phase;

typedef enum {
    REGIME_UNDETERMINED, /* eta above eta_crit, but the run has not resolved yet */
    REGIME_MONOTONE,
    REGIME_CATAPULT,
    REGIME_SILENT_CATAPULT, /* kernel fell below 2/eta, loss never rose */
    REGIME_DIVERGENT,
    REGIME_COUNT
} nqm_regime;

typedef struct {
    nqm_regime regime;
    long T1, T2, T3, T4; /* -1 where they do not apply */
    long peak_step;      /* step of the largest loss after the start */
    double peak_loss;
    const char *why; /* one line: why this regime (static string) */
} nqm_phase_summary;

typedef struct nqm_phase_detector nqm_phase_detector;

nqm_phase_detector *nqm_phase_new(void);
void nqm_phase_free(nqm_phase_detector *det);
/* Start over at absolute step t0 (a new run, or eta changed mid-run). */
void nqm_phase_reset(nqm_phase_detector *det, long t0);
/* Feed step t (consecutive from t0). Returns the label of step t. */
nqm_phase nqm_phase_push(nqm_phase_detector *det, long t, double eta, double loss,
                         double lambda_max);
void nqm_phase_summarize(const nqm_phase_detector *det, nqm_phase_summary *out);

const char *nqm_phase_name(nqm_phase p);
const char *nqm_regime_name(nqm_regime r);

/* The detector's thresholds, in one place (see phase.c for the rule). */
#define NQM_PHASE_D_START       0.05 /* D <= this: kernel still at its start */
#define NQM_PHASE_PEAK_FRACTION 0.5  /* peak: drop rate >= this * max rate */
#define NQM_PHASE_SETTLED       0.02 /* settled: drop rate <= this * max rate */
#define NQM_PHASE_SETTLED_STEPS 3    /* ... for this many steps while loss falls */
#define NQM_DIVERGENCE_FACTOR   1e20 /* divergent: loss > this * max(1, L0) */

#endif
