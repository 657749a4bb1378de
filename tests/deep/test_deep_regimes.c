/* test_deep_regimes.c: Theorem 1's three regimes for a three-layer
 * network's quadratic model on one example. eta / eta_crit = 0.5, 1.5,
 * 2.5 give monotone, catapult and divergent runs (the session's phase
 * detector decides), for two widths and two seeds; a catapult ends with
 * lambda1 below 2/eta; the linearisation diverges at 1.5. The input is a
 * fixed 4-dimensional x with target 0. */
#include <stdlib.h>

#include "deep.h"
#include "nqmtop/train/session.h"

static void one_example(nqm_config *cfg, nqm_model_kind model, long width, unsigned long seed,
                        double rel)
{
    nqm_config_defaults(cfg);
    cfg->network = NETWORK_MLP;
    cfg->depth = 3;
    cfg->model = model;
    cfg->width = width;
    cfg->seed = seed;
    cfg->eta_rel = rel;
    free(cfg->x);
    cfg->d = 4;
    cfg->x = malloc(4 * sizeof *cfg->x);
    for (int j = 0; j < 4; j++)
        cfg->x[j] = 1.0 + 0.5 * j;
    cfg->y = 0;
}

static nqm_regime run(const nqm_config *cfg, nqm_run_summary *sum)
{
    char err[256];
    nqm_session *s = nqm_session_new(cfg, err, sizeof err);
    CHECK(s != NULL, "%s", err);
    if (!s)
        return REGIME_COUNT;
    for (int t = 0; t < 300 && nqm_session_step(s) == 0; t++)
        ;
    nqm_session_summarize(s, sum);
    nqm_session_free(s);
    return sum->phases.regime;
}

int main(void)
{
    static const double rel[] = {0.5, 1.5, 2.5};
    static const nqm_regime want[] = {REGIME_MONOTONE, REGIME_CATAPULT, REGIME_DIVERGENT};
    static const long widths[] = {128, 256};
    nqm_config cfg;
    nqm_run_summary sum;
    int runs = 0;
    for (int w = 0; w < 2; w++)
        for (unsigned long seed = 1; seed <= 2; seed++)
            for (int k = 0; k < 3; k++) {
                one_example(&cfg, MODEL_QUAD, widths[w], seed, rel[k]);
                nqm_regime got = run(&cfg, &sum);
                CHECK(got == want[k], "quad m=%ld seed=%lu eta_rel=%.1f: %s, want %s", widths[w],
                      seed, rel[k], nqm_regime_name(got), nqm_regime_name(want[k]));
                if (want[k] == REGIME_CATAPULT) {
                    CHECK(sum.lambda_final[0] < 2 / sum.eta,
                          "m=%ld seed=%lu: lambda1 ends at %g, not below 2/eta = %g", widths[w],
                          seed, sum.lambda_final[0], 2 / sum.eta);
                    printf("three-layer quad m=%ld seed %lu, 1.5 eta_crit: peak loss %.3g at "
                           "step %ld, lambda1 %.3f -> %.3f (2/eta %.3f)\n",
                           widths[w], seed, sum.phases.peak_loss, sum.phases.peak_step,
                           sum.lambda0[0], sum.lambda_final[0], 2 / sum.eta);
                }
                nqm_config_free(&cfg);
                runs++;
            }
    one_example(&cfg, MODEL_LIN, 128, 1, 1.5);
    nqm_regime got = run(&cfg, &sum);
    CHECK(got == REGIME_DIVERGENT, "lin at 1.5 eta_crit: %s", nqm_regime_name(got));
    nqm_config_free(&cfg);
    printf("three-layer regimes: %d quad runs and 1 lin run as predicted\n", runs);
    return check_report("test_deep_regimes");
}
