/* early.c: the phases of early training (early.h). */
#include "nqmtop/train/early.h"

#include <math.h>

void nqm_early_start(nqm_early *e, double loss0, double lambda0)
{
    *e = (nqm_early){loss0, lambda0, NAN, NAN};
}

void nqm_early_push(nqm_early *e, long step, double loss, double lambda)
{
    if (step < 1 || step > NQM_EARLY_STEPS)
        return;
    if (!(e->loss_max >= loss)) /* NaN so far, or a new largest */
        e->loss_max = isnan(loss) ? e->loss_max : loss;
    if (isfinite(lambda) && !(e->lambda_max >= lambda))
        e->lambda_max = lambda;
}

nqm_early_phase nqm_early_phase_of(const nqm_early *e, int diverged)
{
    if (diverged)
        return EARLY_DIVERGENT;
    if (!(e->loss_max > (1 + NQM_EARLY_RISE) * e->loss0))
        return EARLY_NO_CATAPULT;
    return e->lambda_max > (1 + NQM_EARLY_RISE) * e->lambda0 ? EARLY_BOTH_CATAPULT
                                                             : EARLY_LOSS_CATAPULT;
}

const char *nqm_early_phase_name(nqm_early_phase p)
{
    static const char *const names[EARLY_COUNT] = {"no-catapult", "loss-catapult",
                                                   "loss-and-sharpness-catapult", "divergent"};
    return p >= 0 && p < EARLY_COUNT ? names[p] : "?";
}

char nqm_early_phase_char(nqm_early_phase p)
{
    static const char chars[EARLY_COUNT] = {'.', 'l', 'b', 'x'};
    return p >= 0 && p < EARLY_COUNT ? chars[p] : '?';
}
