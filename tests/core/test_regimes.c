/* test_regimes.c: Theorem 1's regimes and the phase detector.
 *   eta/eta_crit = 0.5, 1.5, 2.5 give monotone, catapult, divergent for the
 *   relu NQM on one example (several widths and seeds), 1.5 diverges for
 *   the linearisation; a catapult ends with lambda1 < 2/eta, its online
 *   labels come in order and T1 <= T2 <= T3 <= T4 bracket the loss peak.
 *   Fig. 3 (two directions, App. J.1 data, m = 20000): between 2/lambda1
 *   and 2/lambda2 only the first eigen-direction catapults, above both both
 *   do (lambda_j followed by direction).
 *   The single-example GQM follows its exact map (DESIGN §1.2) and App.
 *   J.3's eta = 2.8 catapults under half-sum. */
#include <string.h>

#include "check.h"
#include "nqmtop/model/model.h"
#include "nqmtop/train/session.h"

static nqm_session *run(const nqm_config *cfg, int steps)
{
    char err[256];
    nqm_session *s = nqm_session_new(cfg, err, sizeof err);
    CHECK(s != NULL, "%s", err);
    for (int t = 0; s && t < steps && nqm_session_step(s) == 0; t++)
        ;
    return s;
}

static nqm_regime regime_of(const nqm_config *cfg, int steps)
{
    nqm_session *s = run(cfg, steps);
    if (!s)
        return REGIME_COUNT;
    nqm_run_summary sum;
    nqm_session_summarize(s, &sum);
    nqm_session_free(s);
    return sum.phases.regime;
}

static void check_theorem1(void)
{
    static const double rel[] = {0.5, 1.5, 2.5};
    static const nqm_regime want[] = {REGIME_MONOTONE, REGIME_CATAPULT, REGIME_DIVERGENT};
    static const long widths[] = {300, 1000, 4000};
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    int runs = 0;
    for (int w = 0; w < 3; w++)
        for (unsigned long seed = 1; seed <= 4; seed++)
            for (int k = 0; k < 3; k++) {
                cfg.width = widths[w];
                cfg.seed = seed;
                cfg.eta_rel = rel[k];
                cfg.model = MODEL_QUAD;
                nqm_regime got = regime_of(&cfg, 400);
                CHECK(got == want[k], "quad m=%ld seed=%lu eta_rel=%.1f: %s, want %s", cfg.width,
                      seed, rel[k], nqm_regime_name(got), nqm_regime_name(want[k]));
                runs++;
            }
    cfg.width = 1000;
    cfg.model = MODEL_LIN;
    cfg.eta_rel = 1.5;
    nqm_regime got = regime_of(&cfg, 400);
    CHECK(got == REGIME_DIVERGENT, "lin at 1.5 eta_crit: %s", nqm_regime_name(got));
    cfg.eta_rel = 0.5;
    got = regime_of(&cfg, 400);
    CHECK(got == REGIME_MONOTONE, "lin at 0.5 eta_crit: %s", nqm_regime_name(got));
    printf("Theorem 1: %d quad runs and 2 lin runs classified as predicted\n", runs);
    nqm_config_free(&cfg);
}

static void check_catapult_phases(unsigned long seed, long width)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.seed = seed;
    cfg.width = width;
    char err[256];
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(s != NULL, "%s", err);
    if (!s)
        return;
    nqm_phase last = PHASE_INCREASING;
    int in_order = 1;
    for (int t = 0; t < 300; t++) {
        nqm_phase p = nqm_session_record(s)->phase;
        in_order &= p >= last && p <= PHASE_DECREASING;
        last = p;
        nqm_session_step(s);
    }
    nqm_run_summary sum;
    nqm_session_summarize(s, &sum);
    const nqm_phase_summary *ph = &sum.phases;
    CHECK(in_order, "seed %lu: online labels out of order", seed);
    CHECK(last == PHASE_DECREASING, "seed %lu: ends in %s", seed, nqm_phase_name(last));
    CHECK(sum.lambda_final[0] < 2 / sum.eta, "lambda1 ends at %g, not below 2/eta = %g",
          sum.lambda_final[0], 2 / sum.eta);
    CHECK(0 <= ph->T1 && ph->T1 <= ph->T2 && ph->T2 <= ph->T3 && ph->T3 <= ph->T4,
          "seed %lu: T = %ld %ld %ld %ld", seed, ph->T1, ph->T2, ph->T3, ph->T4);
    CHECK(ph->T2 <= ph->peak_step && ph->peak_step <= ph->T3, "peak %ld outside [T2, T3]",
          ph->peak_step);
    CHECK(ph->peak_loss > 100 * sum.final_loss, "peak %g vs final %g", ph->peak_loss,
          sum.final_loss);
    printf("catapult m=%ld seed %lu: T1..T4 = %ld %ld %ld %ld, peak %.3g at %ld, "
           "lambda1 %.4f -> %.4f (2/eta %.4f)\n",
           width, seed, ph->T1, ph->T2, ph->T3, ph->T4, ph->peak_loss, ph->peak_step,
           sum.lambda0[0], sum.lambda_final[0], 2 / sum.eta);
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

/* Fig. 3 on App. J.1 data: which eigen-directions catapult. */
static void check_two_directions(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.data = DATA_MIX1D;
    cfg.n = 128;
    cfg.width = 20000; /* wide enough for the paper's picture; the dynamics-
                          equation model is the quad model (test_dynamics) */
    cfg.model = MODEL_THEORY;
    cfg.loss = LOSS_MSE;
    char err[256];
    nqm_session *probe = nqm_session_new(&cfg, err, sizeof err);
    CHECK(probe != NULL, "%s", err);
    if (!probe)
        return;
    double l1 = nqm_session_record(probe)->lambda[0], l2 = nqm_session_record(probe)->lambda[1];
    nqm_session_free(probe);
    cfg.eta_mode = ETA_ABSOLUTE;
    double between = 0.5 * (2 / l1 + 2 / l2), above = 1.15 * (2 / l2);
    CHECK(above < 4 / l1, "no room above 2/lambda2 below 4/lambda1");
    cfg.eta = between;
    nqm_session *s = run(&cfg, 400);
    const nqm_record *rec = s ? nqm_session_record(s) : NULL;
    if (rec) {
        CHECK(rec->lambda[0] < 2 / between, "between: lambda1 %g not below 2/eta %g",
              rec->lambda[0], 2 / between);
        CHECK(fabs(rec->lambda[1] - l2) < 0.005 * l2, "between: lambda2 moved %g -> %g", l2,
              rec->lambda[1]);
        printf("Fig. 3 between (eta %.3f): lambda1 %.3f -> %.3f, lambda2 %.3f -> %.3f\n", between,
               l1, rec->lambda[0], l2, rec->lambda[1]);
    }
    nqm_session_free(s);
    cfg.eta = above;
    s = run(&cfg, 400);
    rec = s ? nqm_session_record(s) : NULL;
    if (rec) {
        CHECK(rec->lambda[0] < 2 / above && rec->lambda[1] < 2 / above,
              "above: lambdas %g %g not both below 2/eta %g", rec->lambda[0], rec->lambda[1],
              2 / above);
        printf("Fig. 3 above   (eta %.3f): lambda1 %.3f -> %.3f, lambda2 %.3f -> %.3f\n", above, l1,
               rec->lambda[0], l2, rec->lambda[1]);
    }
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

/* Recover phi and Sigma of a one-example GQM by probing it as a black box:
 * g is quadratic, so unit differences along e_j are exact (to rounding):
 * g(w+e) + g(w-e) - 2 g(w) = gamma sigma_j, (g(w+e) - g(w-e))/2 = phi_j +
 * gamma sigma_j w_j. Returns s = phi^T Sigma phi. */
static double probe_gqm(const nqm_config *cfg)
{
    nqm_data data;
    nqm_model *model = NULL;
    char err[256];
    if (nqm_data_make(cfg, &data, err, sizeof err) != 0 ||
        nqm_model_new(cfg, &data, &model, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return NAN;
    }
    size_t p;
    double *w = model->ops->params(model, &p), g0, gp, gm, s = 0;
    model->ops->advance(model, 0, NULL, &g0, NULL);
    for (size_t j = 0; j < p; j++) {
        double saved = w[j];
        w[j] = saved + 1;
        model->ops->advance(model, 0, NULL, &gp, NULL);
        w[j] = saved - 1;
        model->ops->advance(model, 0, NULL, &gm, NULL);
        w[j] = saved;
        double sigma = (gp + gm - 2 * g0) / cfg->gamma;
        double phi = 0.5 * (gp - gm) - cfg->gamma * sigma * saved;
        CHECK(fabs(fabs(sigma) - 1) < 1e-6, "Sigma_jj = %g is not +-1", sigma);
        s += (sigma > 0 ? 1 : -1) * phi * phi;
    }
    nqm_model_free(model);
    nqm_data_free(&data);
    return s;
}

/* App. J.3: the one-example GQM against its exact (g, lambda) map. */
static void check_gqm_j3(void)
{
    enum { D = 100 };
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.model = MODEL_GQM;
    free(cfg.x);
    cfg.x = malloc(D * sizeof *cfg.x);
    cfg.d = D;
    for (int j = 0; j < D; j++)
        cfg.x[j] = 1;
    cfg.gamma = 1e-3;
    cfg.eta_mode = ETA_ABSOLUTE;
    cfg.eta = 2.8;
    double s_sigma = probe_gqm(&cfg);
    char err[256];
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(s != NULL, "%s", err);
    if (!s)
        return;
    const double eta = cfg.eta, gam = cfg.gamma, y = cfg.y;
    double g = nqm_session_record(s)->g, lam = nqm_session_record(s)->lambda[0], worst = 0;
    int steps = 0;
    for (; steps < 3000 && nqm_session_step(s) == 0; steps++) {
        double r = g - y, q = s_sigma + 2 * gam * g;
        double g_next = g - eta * r * lam + 0.5 * gam * eta * eta * r * r * q;
        lam = lam - 2 * eta * gam * r * q + eta * eta * gam * gam * r * r * lam;
        g = g_next;
        const nqm_record *rec = nqm_session_record(s);
        worst = fmax(worst, fabs(rec->g - g) / fmax(1e-3, fabs(g)));
        worst = fmax(worst, fabs(rec->lambda[0] - lam) / lam);
    }
    nqm_run_summary sum;
    nqm_session_summarize(s, &sum);
    printf("gqm J.3: %d steps, max rel diff to the exact map %.2e, regime %s, "
           "lambda %.4f -> %.4f, peak loss %.3g at %ld\n",
           steps, worst, nqm_regime_name(sum.phases.regime), sum.lambda0[0], sum.lambda_final[0],
           sum.phases.peak_loss, sum.phases.peak_step);
    CHECK(worst < 1e-9, "gqm map: max rel diff %.3g", worst);
    CHECK(sum.phases.regime == REGIME_CATAPULT, "J.3 at eta 2.8: %s",
          nqm_regime_name(sum.phases.regime));
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

int main(void)
{
    check_theorem1();
    check_catapult_phases(1, 1000);
    check_catapult_phases(2, 300);
    check_catapult_phases(3, 5000);
    check_two_directions();
    check_gqm_j3();
    return check_report("test_regimes");
}
