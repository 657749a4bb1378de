/* test_kernel.c: the tangent kernel against the paper's propositions.
 *   Prop. 1: on 1-D data the relu kernel has rank <= 2 (lambda3/lambda1 at
 *            rounding level), for the NQM and for the network, during training;
 *   Prop. 2: for one example lambda(0) lies in [|x|^2/(2d), 3|x|^2/(2d)];
 *   Fig. 3:  on App. J.1 data with the mse convention the critical values
 *            2/lambda1(0) and 2/lambda2(0) average near 0.36 and 0.43. */
#include <string.h>

#include "check.h"
#include "nqmtop/train/session.h"

static void check_rank_two(nqm_model_kind model)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.model = model;
    cfg.data = DATA_MIX1D;
    cfg.n = 64;
    cfg.width = 1500;
    cfg.loss = LOSS_MSE;
    cfg.eigs = 3;
    cfg.eta_rel = 1.2;
    char err[256];
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(s != NULL, "%s", err);
    double worst = 0;
    for (int t = 0; s && t <= 40; t++) {
        const nqm_record *rec = nqm_session_record(s);
        double top = fmax(fabs(rec->lambda[0]), fabs(rec->lambda[1]));
        worst = fmax(worst, fabs(rec->lambda[2]) / top);
        nqm_session_step(s);
    }
    printf("Prop. 1, %-4s: max lambda3/lambda1 over 40 steps %.2e\n", nqm_model_name(model), worst);
    CHECK(worst < 1e-10, "%s: lambda3/lambda1 = %.3g", nqm_model_name(model), worst);
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

static void check_prop2(void)
{
    enum { D = 10, SEEDS = 60 };
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    free(cfg.x);
    cfg.x = malloc(D * sizeof *cfg.x);
    cfg.d = D;
    double x2 = 0;
    for (int j = 0; j < D; j++) {
        cfg.x[j] = 0.3 + 0.17 * j * (j % 2 ? -1 : 1);
        x2 += cfg.x[j] * cfg.x[j];
    }
    cfg.width = 1000;
    double lo = x2 / (2 * D), hi = 3 * x2 / (2 * D), seen_lo = INFINITY, seen_hi = 0;
    for (int seed = 1; seed <= SEEDS; seed++) {
        cfg.seed = (unsigned long)seed;
        char err[256];
        nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
        CHECK(s != NULL, "%s", err);
        if (!s)
            continue;
        double lam = nqm_session_record(s)->lambda[0];
        seen_lo = fmin(seen_lo, lam);
        seen_hi = fmax(seen_hi, lam);
        CHECK(lam >= lo && lam <= hi, "seed %d: lambda(0) = %g outside [%g, %g]", seed, lam, lo,
              hi);
        nqm_session_free(s);
    }
    printf("Prop. 2: lambda(0) over %d seeds in [%.4f, %.4f], bounds [%.4f, %.4f]\n", SEEDS,
           seen_lo, seen_hi, lo, hi);
    nqm_config_free(&cfg);
}

static void check_fig3(void)
{
    enum { SEEDS = 24 };
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.data = DATA_MIX1D;
    cfg.n = 128;
    cfg.width = 5000;
    cfg.loss = LOSS_MSE;
    double sum1 = 0, sum2 = 0;
    for (int seed = 1; seed <= SEEDS; seed++) {
        cfg.seed = (unsigned long)seed;
        char err[256];
        nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
        CHECK(s != NULL, "%s", err);
        if (!s)
            continue;
        const nqm_record *rec = nqm_session_record(s);
        sum1 += 2 / rec->lambda[0];
        sum2 += 2 / rec->lambda[1];
        nqm_session_free(s);
    }
    double c1 = sum1 / SEEDS, c2 = sum2 / SEEDS;
    printf("Fig. 3: mean 2/lambda1(0) = %.3f, 2/lambda2(0) = %.3f over %d seeds "
           "(paper 0.37, 0.39; expected 0.36, 0.43 +- 0.05)\n",
           c1, c2, SEEDS);
    CHECK(fabs(c1 - 0.36) < 0.05, "2/lambda1(0) = %.3f", c1);
    CHECK(fabs(c2 - 0.43) < 0.05, "2/lambda2(0) = %.3f", c2);
    CHECK(c1 < c2, "critical values out of order");
    nqm_config_free(&cfg);
}

int main(void)
{
    check_rank_two(MODEL_QUAD);
    check_rank_two(MODEL_NET);
    check_prop2();
    check_fig3();
    return check_report("test_kernel");
}
