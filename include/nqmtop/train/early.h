/* early.h: the phases of early training of Kalra & Barkeshli (2023),
 * "Phase diversity-dependent dynamics of early training", read from a
 * run's first NQM_EARLY_STEPS steps against its start. With c = eta
 * lambda0 (lambda0 the sharpness at step 0 when the run measures it,
 * sharpness_every > 0, else lambda1(0) of the kernel):
 *
 *   no-catapult                  the loss never rose above its start (they
 *                                call it sharpness reduction: the sharpness
 *                                falls or stays);
 *   loss-catapult                the loss rose above its start, the
 *                                sharpness (or lambda1) never did;
 *   loss-and-sharpness-catapult  both rose above their start;
 *   divergent                    the run diverged.
 *
 * Their critical values c_loss <= c_sharp <= c_max are where the last
 * three begin as c grows. A rise is a value more than NQM_EARLY_RISE
 * above the start on a step 1..NQM_EARLY_STEPS (steps whose eigenvalue
 * was not measured do not count): the wide relu NQM's lambda1 creeps up
 * by 1e-4 in the first steps of a loss catapult, which is no sharpness
 * catapult, while a catapult's loss grows by at least (1 - c)^2 a step. */
#ifndef NQMTOP_EARLY_H
#define NQMTOP_EARLY_H

enum { NQM_EARLY_STEPS = 100 };
#define NQM_EARLY_RISE 0.01 /* relative */

typedef enum {
    EARLY_NO_CATAPULT,
    EARLY_LOSS_CATAPULT,
    EARLY_BOTH_CATAPULT,
    EARLY_DIVERGENT,
    EARLY_COUNT
} nqm_early_phase;

/* The window's record so far. */
typedef struct {
    double loss0, lambda0;       /* at step 0 */
    double loss_max, lambda_max; /* largest on steps 1..NQM_EARLY_STEPS (NaN before any) */
} nqm_early;

void nqm_early_start(nqm_early *e, double loss0, double lambda0);
/* Step `step`'s loss and eigenvalue (NaN: not measured there). */
void nqm_early_push(nqm_early *e, long step, double loss, double lambda);
/* The phase of a run that diverged or not. */
nqm_early_phase nqm_early_phase_of(const nqm_early *e, int diverged);
const char *nqm_early_phase_name(nqm_early_phase p);
/* Its character on the phase map: . no-catapult, l loss-catapult,
 * b loss-and-sharpness-catapult, x divergent (NQM_EARLY_LEGEND). */
#define NQM_EARLY_LEGEND                                                                           \
    ". no-catapult, l loss-catapult, b loss-and-sharpness-catapult, x divergent"
char nqm_early_phase_char(nqm_early_phase p);

#endif
