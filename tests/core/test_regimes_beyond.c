/* test_regimes_beyond.c: the regimes outside the catapult window, each
 * checked against a direct reading of the run's own records.
 *   Edge of stability (Cohen et al. 2021): a tanh net on Gaussian data and
 *   its NQM start at eta lambda1 / 2 <= 0.9, sharpen to 2/eta and hover
 *   there while the loss falls.
 *   Period doubling (the uv model of Kalra, He, Barkeshli 2023): the
 *   period in the summary is the smallest p with g(t) = g(t - p) over the
 *   last steps, read off the records (2, 2, 4), the loss alternating
 *   0.2203 / 0.2623 at 0.57 eta_crit, no cycle at 0.85 (chaotic).
 *   Collapse: a relu net whose units all die ends with no active unit and
 *   the loss at y^2 / 2 (g = 0), never labelled peak afterwards.
 *   Monotone descent: below eta_crit the residual of one example shrinks
 *   by 1 - eta lambda1 a step (the kernel barely moves), so the loss falls
 *   by (1 - 2 e(0))^2 at every step and takes tens of steps to fall ten
 *   decades on subcritical-1d.
 *   A divergent run is never labelled peak; a flat landing of the NQM is a
 *   catapult, not a collapse; the paper's presets keep their regimes over
 *   seeds and widths. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/train/session.h"

enum { MAX_STEPS = 4001 };

static const char *presets_dir;

typedef struct {
    nqm_run_summary sum;
    long steps;             /* records kept: steps + 1 */
    double loss[MAX_STEPS]; /* per step */
    double g[MAX_STEPS], edge[MAX_STEPS], active[MAX_STEPS];
    nqm_phase phase[MAX_STEPS];
} trace;

/* Run a preset with overrides for steps; 0 or -1. */
static int run(const char *preset, const char *const *sets, int nsets, long steps, trace *tr)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/%s.preset", presets_dir, preset);
    nqm_config cfg;
    nqm_search_path none;
    nqm_search_init(&none);
    if (nqm_preset_resolve(&none, path, sets, nsets, &cfg, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return -1;
    }
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    nqm_config_free(&cfg);
    if (!s) {
        CHECK(0, "%s", err);
        return -1;
    }
    tr->steps = 0;
    for (long t = 0; t <= steps && t < MAX_STEPS; t++) {
        if (t > 0 && nqm_session_step(s) != 0)
            break;
        const nqm_record *r = nqm_session_record(s);
        tr->loss[t] = r->loss;
        tr->g[t] = r->g;
        tr->edge[t] = r->edge;
        tr->active[t] = r->active;
        tr->phase[t] = r->phase;
        tr->steps = t + 1;
    }
    nqm_session_summarize(s, &tr->sum);
    nqm_session_free(s);
    return 0;
}

static trace tr;

/* ---- edge of stability ---------------------------------------------------------------- */

static void check_edge(const char *model, unsigned long seed)
{
    char m[32], sd[32];
    snprintf(m, sizeof m, "model=%s", model);
    snprintf(sd, sizeof sd, "seed=%lu", seed);
    const char *sets[] = {"data=gauss", "n=128", "d=10", "loss=mse", "activation=tanh",
                          "width=16",   "mu=1",  m,      sd,         "eta_rel=0.6"};
    if (run("catapult-1d", sets, 10, 3000, &tr) != 0)
        return;
    long edge_at = -1;
    for (long t = 1; t < tr.steps && edge_at < 0; t++)
        if (tr.edge[t] >= 1)
            edge_at = t;
    double mean = 0, late_loss = 0;
    for (long t = tr.steps / 2; t < tr.steps; t++)
        mean += tr.edge[t] / (double)(tr.steps - tr.steps / 2);
    for (long t = tr.steps - 100; t < tr.steps; t++)
        late_loss += tr.loss[t] / 100;
    CHECK(tr.edge[0] <= 0.9, "%s seed %lu: starts at e = %g", model, seed, tr.edge[0]);
    CHECK(edge_at > 0, "%s seed %lu: never reached 2/eta", model, seed);
    CHECK(fabs(mean - 1) < 0.1, "%s seed %lu: mean e over the second half %g", model, seed, mean);
    CHECK(edge_at > 0 && late_loss<tr.loss[edge_at], "%s seed %lu: loss %g at the edge, %g late",
                                   model, seed, edge_at> 0
              ? tr.loss[edge_at]
              : NAN,
          late_loss);
    CHECK(tr.sum.phases.regime == REGIME_EDGE, "%s seed %lu: %s (%s)", model, seed,
          nqm_regime_name(tr.sum.phases.regime), tr.sum.phases.why);
    CHECK(tr.phase[tr.steps - 1] == PHASE_EDGE, "%s seed %lu: last step labelled %s", model, seed,
          nqm_phase_name(tr.phase[tr.steps - 1]));
    printf("edge of stability: %s seed %lu reaches 2/eta at step %ld, mean e %.4f\n", model, seed,
           edge_at, mean);
}

/* ---- the uv model's cycles ------------------------------------------------------------- */

/* The smallest p <= 32 with g and the loss repeating every p steps over
 * the last 64 steps, read off the records; 0 without one. */
static int period_of_records(void)
{
    long end = tr.steps - 1;
    for (int p = 1; p <= 32; p++) {
        int ok = 1;
        for (long t = end; t > end - 64 && ok; t--)
            ok = fabs(tr.g[t] - tr.g[t - p]) <= 1e-9 * fabs(tr.g[t]) + 1e-300 &&
                 fabs(tr.loss[t] - tr.loss[t - p]) <= 1e-9 * fabs(tr.loss[t]) + 1e-300;
        if (ok)
            return p == 1 ? 0 : p;
    }
    return 0;
}

static void check_uv(const char *eta_rel, int want_period)
{
    const char *sets[] = {"width=16", "y=8", eta_rel};
    if (run("uv-1d", sets, 3, 4000, &tr) != 0)
        return;
    int read = period_of_records(), got = tr.sum.phases.period;
    nqm_regime want = want_period ? REGIME_OSCILLATING : REGIME_CHAOTIC;
    CHECK(read == want_period, "uv %s: the records repeat every %d steps, want %d", eta_rel, read,
          want_period);
    CHECK(got == read, "uv %s: summary period %d, records %d", eta_rel, got, read);
    CHECK(tr.sum.phases.regime == want, "uv %s: %s, want %s", eta_rel,
          nqm_regime_name(tr.sum.phases.regime), nqm_regime_name(want));
    printf("uv %s: period %d, regime %s\n", eta_rel, got, nqm_regime_name(tr.sum.phases.regime));
}

static void check_uv_losses(void)
{
    const char *sets[] = {"width=16", "y=8", "eta_rel=0.57"};
    if (run("uv-1d", sets, 3, 4000, &tr) != 0)
        return;
    double a = tr.loss[tr.steps - 1], b = tr.loss[tr.steps - 2];
    double lo = fmin(a, b), hi = fmax(a, b);
    CHECK(fabs(lo - 0.2203) < 5e-5 && fabs(hi - 0.2623) < 5e-5, "uv 0.57: losses %.5f / %.5f", lo,
          hi);
}

/* ---- collapse ---------------------------------------------------------------------------- */

static void check_collapse(unsigned long seed, double y)
{
    char sd[32], target[32];
    snprintf(sd, sizeof sd, "seed=%lu", seed);
    snprintf(target, sizeof target, "y=%g", y);
    const char *sets[] = {"model=net", "eta_rel=3", sd, target};
    if (run("catapult-1d", sets, 4, 20, &tr) != 0)
        return;
    long dead = -1;
    for (long t = 0; t < tr.steps && dead < 0; t++)
        if (tr.active[t] == 0)
            dead = t;
    CHECK(dead > 0, "seed %lu: units never all died", seed);
    for (long t = dead; dead > 0 && t < tr.steps; t++) {
        CHECK(tr.phase[t] == PHASE_COLLAPSED, "seed %lu step %ld: %s", seed, t,
              nqm_phase_name(tr.phase[t]));
        CHECK(tr.g[t] == 0, "seed %lu step %ld: dead network outputs %g", seed, t, tr.g[t]);
    }
    /* one example under half-sum: a dead network's loss is y^2 / 2 */
    CHECK(fabs(tr.loss[tr.steps - 1] - y * y / 2) < 1e-15, "seed %lu y %g: final loss %.17g", seed,
          y, tr.loss[tr.steps - 1]);
    CHECK(tr.sum.phases.regime == REGIME_COLLAPSED && tr.sum.phases.T4 == -1 &&
              tr.sum.phases.active_final == 0,
          "seed %lu: %s T4 %ld active %g", seed, nqm_regime_name(tr.sum.phases.regime),
          tr.sum.phases.T4, tr.sum.phases.active_final);
}

/* ---- the paper's presets and the catapult's edges ---------------------------------------- */

static void check_keeps(const char *preset, const char *extra, nqm_regime want, long steps)
{
    for (unsigned long seed = 1; seed <= 3; seed++) {
        char sd[32];
        snprintf(sd, sizeof sd, "seed=%lu", seed);
        const char *sets[] = {sd, extra};
        if (run(preset, sets, extra ? 2 : 1, steps, &tr) != 0)
            return;
        CHECK(tr.sum.phases.regime == want, "%s %s %s: %s (%s)", preset, sd, extra ? extra : "",
              nqm_regime_name(tr.sum.phases.regime), tr.sum.phases.why);
        int peak = 0;
        for (long t = 0; t < tr.steps; t++)
            peak |= tr.phase[t] == PHASE_PEAK;
        CHECK(want != REGIME_DIVERGENT || !peak, "%s %s: a divergent run labelled peak", preset,
              sd);
    }
}

static void check_monotone_descent(void)
{
    if (run("subcritical-1d", NULL, 0, 200, &tr) != 0)
        return;
    double ratio = (1 - 2 * tr.edge[0]) * (1 - 2 * tr.edge[0]);
    long t = 1, decades = -1;
    for (; t < tr.steps && tr.loss[t] > 1e-20 * tr.loss[0]; t++) {
        CHECK(tr.loss[t] < tr.loss[t - 1], "subcritical-1d: the loss rose at step %ld", t);
        CHECK(fabs(tr.loss[t] / tr.loss[t - 1] - ratio) < 0.01 * ratio + 1e-12,
              "subcritical-1d step %ld: the loss fell by %.4g, (1 - 2e(0))^2 = %.4g", t,
              tr.loss[t] / tr.loss[t - 1], ratio);
        if (decades < 0 && tr.loss[t] < 1e-10 * tr.loss[0])
            decades = t;
    }
    CHECK(decades >= 20 && decades <= 60,
          "subcritical-1d: ten decades down at step %ld, want tens of steps", decades);
    printf("monotone descent: e(0) = %.3f, the loss x %.3f a step, ten decades at step %ld\n",
           tr.edge[0], ratio, decades);
}

static void check_flat_landing(void)
{
    const char *sets[] = {"model=quad", "eta_rel=1.9375"};
    if (run("catapult-1d", sets, 2, 400, &tr) != 0)
        return;
    CHECK(tr.sum.phases.regime == REGIME_CATAPULT, "quad at 1.9375 eta_crit: %s (%s)",
          nqm_regime_name(tr.sum.phases.regime), tr.sum.phases.why);
}

int main(int argc, char **argv)
{
    presets_dir = argc > 1 ? argv[1] : "presets";
    for (unsigned long seed = 1; seed <= 4; seed++)
        check_edge("net", seed);
    check_edge("quad", 1);
    check_edge("quad", 2);
    check_uv("eta_rel=0.57", 2);
    check_uv("eta_rel=0.65", 2);
    check_uv("eta_rel=0.7", 4);
    check_uv("eta_rel=0.85", 0);
    check_uv_losses();
    for (unsigned long seed = 2; seed <= 4; seed++)
        check_collapse(seed, 0); /* the preset's own target */
    check_collapse(2, 1);
    check_collapse(4, 1);
    check_keeps("catapult-1d", NULL, REGIME_CATAPULT, 200);
    check_keeps("catapult-1d", "width=4000", REGIME_CATAPULT, 200);
    check_keeps("divergent-1d", NULL, REGIME_DIVERGENT, 200);
    check_keeps("subcritical-1d", NULL, REGIME_MONOTONE, 200);
    check_keeps("catapult-multi-1d", "eta_rel=1.07", REGIME_CATAPULT, 500); /* eta is absolute */
    check_keeps("gqm-j3", NULL, REGIME_CATAPULT, 200);
    check_flat_landing();
    check_monotone_descent();
    return check_report("regimes beyond the catapult");
}
