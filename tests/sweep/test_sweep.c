/* test_sweep.c: the sweep engine against the paper's relations.
 *   Regime maps: quad on one example is monotone below 2/lambda1(0),
 *   catapults between 2/lambda1(0) and 4/lambda1(0) and diverges above;
 *   lin is monotone below 2/lambda1(0) and diverges above; both switch
 *   within one grid spacing of the thresholds, where lambda1(0) is summed
 *   here from the seed's initial weights (not taken from the code).
 *   The measured eta_max of quad lies within the bisection's tolerance
 *   below 4/lambda1(0). Theorem 1 with the theory model over widths
 *   10^3..10^12: peak loss Theta(m) (log-log slope 1) and a peak step
 *   growing like log m / log (eta lambda0 - 1)^2. Repeats: mean and spread equal those of the
 *   individual runs. A sweep stopped after k results has delivered k
 *   complete ones. Axis parsing and least squares on exact data. */
#include <string.h>

#include "../core/check.h"
#include "nqmtop/base/rng.h"
#include "nqmtop/train/session.h"
#include "nqmtop/train/sweep.h"

/* lambda1(0) of s*K for the relu two-layer family on the single example
 * x = 1 (d = 1) under half-sum: (1/m) sum over u_k > 0 of u_k^2 + v_k^2,
 * from the draws the seed defines (u_k then v_k per neuron). */
static double lambda0_single(long m, unsigned long seed)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, seed, NQM_STREAM_INIT);
    double sum = 0;
    for (long k = 0; k < m; k++) {
        double u = nqm_rng_normal(&rng), v = nqm_rng_normal(&rng);
        if (u > 0)
            sum += u * u + v * v;
    }
    return sum / (double)m;
}

/* Every result of a sweep, by point and model. */
typedef struct {
    nqm_sweep_result res[256];
    int count;
    int stop_after; /* set *stop after this many results (0: never) */
    atomic_int *stop;
} collector;

static void collect(void *ctx, const nqm_sweep_result *r)
{
    collector *c = ctx;
    if (c->count < 256)
        c->res[c->count] = *r;
    c->count++;
    if (c->stop_after && c->count >= c->stop_after)
        atomic_store(c->stop, 1);
}

static int run_sweep(const nqm_config *cfg, const nqm_sweep_spec *spec, collector *c,
                     atomic_int *stop)
{
    char err[512];
    nqm_sweep *sw = nqm_sweep_new(cfg, spec, err, sizeof err);
    CHECK(sw != NULL, "%s", err);
    if (!sw)
        return -1;
    nqm_sweep_sink sink = {collect, NULL, NULL, c};
    c->stop = stop;
    int got = nqm_sweep_run(sw, &sink, stop, err, sizeof err);
    CHECK(got >= 0, "%s", err);
    nqm_sweep_free(sw);
    return got;
}

static nqm_sweep_axis axis(const char *arg)
{
    nqm_sweep_axis a;
    char err[256];
    int rc = nqm_sweep_axis_parse(arg, &a, err, sizeof err);
    CHECK(rc == 0, "%s: %s", arg, err);
    return a;
}

/* The single example of catapult-1d: quad, relu, x = 1, y = 0, half-sum. */
static void single_example(nqm_config *cfg)
{
    nqm_config_defaults(cfg);
    cfg->nmodels = 2;
    cfg->models[0] = MODEL_QUAD;
    cfg->models[1] = MODEL_LIN;
    cfg->steps = 400;
}

/* The regime a model must have at eta_rel (thresholds 1 and 2). */
static nqm_regime expected(nqm_model_kind model, double rel)
{
    if (rel < 1)
        return REGIME_MONOTONE;
    if (model == MODEL_LIN || rel > 2)
        return REGIME_DIVERGENT;
    return REGIME_CATAPULT;
}

/* eta_rel = 0.05, 0.15, ..., 2.95 (spacing 0.1) by width 500, 2000:
 * every point's regime is the one its side of the thresholds calls for,
 * so each model switches within 0.1 of 2/lambda1(0) and 4/lambda1(0). */
static void check_regime_map(void)
{
    nqm_config cfg;
    single_example(&cfg);
    nqm_sweep_spec spec = {.naxes = 2, .repeats = 1, .steps = cfg.steps, .jobs = 2};
    spec.axis[0] = axis("eta_rel=0.05:2.95:30");
    spec.axis[1] = axis("width=500:2000:2");
    static collector c;
    memset(&c, 0, sizeof c);
    atomic_int stop = 0;
    int got = run_sweep(&cfg, &spec, &c, &stop);
    CHECK(got == 120 && c.count == 120, "%d results, want 2 models x 60 points", got);
    double worst = 0;
    int wrong = 0;
    for (int i = 0; i < c.count && i < 256; i++) {
        const nqm_sweep_result *r = &c.res[i];
        double lam = lambda0_single(r->width, cfg.seed);
        double crit = r->field[NQM_SF_ETA_CRIT].mean;
        worst = fmax(worst, fabs(crit * lam / 2 - 1));
        nqm_regime want = expected(r->model, r->coord[0]);
        wrong += r->regime != want;
        CHECK(r->regime == want, "%s m=%ld eta_rel=%.2f: %s, want %s", nqm_model_name(r->model),
              r->width, r->coord[0], nqm_regime_name(r->regime), nqm_regime_name(want));
        CHECK_CLOSE(r->field[NQM_SF_ETA].mean, r->coord[0] * 2 / lam, 1e-12, "eta");
    }
    printf("regime map: 2 models x 60 points, %d off their side of 2/lambda1(0), 4/lambda1(0); "
           "eta_crit vs 2/lambda1(0) from the weights: max rel diff %.2g\n",
           wrong, worst);
    CHECK(worst < 1e-12, "eta_crit differs from 2/lambda1(0) by %.3g", worst);
    nqm_config_free(&cfg);
}

/* quad's measured eta_max: within the bisection's tolerance below
 * 4/lambda1(0) (it cannot lie above: the map above diverges there);
 * lin's: just above 2/lambda1(0) (slow divergence needs the steps). */
static void check_eta_max(void)
{
    nqm_config cfg;
    single_example(&cfg);
    cfg.steps = 600;
    nqm_sweep_spec spec = {.naxes = 1, .repeats = 1, .steps = cfg.steps, .jobs = 2, .eta_max = 1};
    spec.axis[0] = axis("width=1000:1000:1");
    static collector c;
    memset(&c, 0, sizeof c);
    atomic_int stop = 0;
    run_sweep(&cfg, &spec, &c, &stop);
    for (int i = 0; i < c.count; i++) {
        const nqm_sweep_result *r = &c.res[i];
        double lam = lambda0_single(r->width, cfg.seed);
        double measured = r->field[NQM_SF_ETA_MAX_MEASURED].mean;
        double ratio = measured / (4 / lam), rel = measured / (2 / lam);
        printf("eta_max %s: measured %.6g, 4/lambda1(0) %.6g, ratio %.4f (bracketed %g)\n",
               nqm_model_name(r->model), measured, 4 / lam, ratio, r->field[NQM_SF_BRACKETED].mean);
        CHECK(r->field[NQM_SF_BRACKETED].mean == 1, "%s: no divergence found",
              nqm_model_name(r->model));
        if (r->model == MODEL_QUAD)
            CHECK(ratio > 0.98 && ratio <= 1.0, "quad: eta_max / (4/lambda1(0)) = %.4f", ratio);
        else
            CHECK(rel >= 1.0 && rel < 1.1, "lin: eta_max / (2/lambda1(0)) = %.4f", rel);
        CHECK_CLOSE(r->field[NQM_SF_ETA_MAX_RATIO].mean, ratio, 1e-9, "eta_max_ratio");
    }
    CHECK(c.count == 2, "%d results", c.count);
    nqm_config_free(&cfg);
}

/* Theorem 1 through the theory model at eta = 1.5 eta_crit. */
static void check_scaling(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.model = MODEL_THEORY;
    cfg.steps = 300;
    nqm_sweep_spec spec = {.naxes = 1, .repeats = 4, .steps = cfg.steps, .jobs = 2};
    spec.axis[0] = axis("width=1e3:1e12:10:log");
    static collector c;
    memset(&c, 0, sizeof c);
    atomic_int stop = 0;
    run_sweep(&cfg, &spec, &c, &stop);
    double lw[10], lp[10], st[10];
    int n = c.count < 10 ? c.count : 10;
    for (int i = 0; i < n; i++) {
        const nqm_sweep_result *r = &c.res[i];
        CHECK(r->regime == REGIME_CATAPULT, "m=%ld: %s", r->width, nqm_regime_name(r->regime));
        lw[i] = log((double)r->width);
        lp[i] = log(r->field[NQM_SF_PEAK_LOSS].mean);
        st[i] = r->field[NQM_SF_PEAK_STEP].mean;
    }
    nqm_fit peak = nqm_fit_line(lw, lp, n), step = nqm_fit_line(lw, st, n);
    printf("scaling over m = 1e3..1e12, 4 seeds: log peak loss = %.3f log m + %.3f (r2 %.4f); "
           "peak step = %.3f log m + %.3f (r2 %.4f; 1/log 4 = %.3f)\n",
           peak.slope, peak.intercept, peak.r2, step.slope, step.intercept, step.r2, 1 / log(4.0));
    /* the residual grows by |1 - eta lambda0| = 2 a step, the loss by 4,
     * so a peak of order m comes after about log m / log 4 steps */
    double want = 1 / log(4.0);
    CHECK(n == 10 && peak.count == 10, "%d widths", n);
    CHECK(fabs(peak.slope - 1) < 0.05 && peak.r2 > 0.99, "peak loss slope %.3f", peak.slope);
    CHECK(fabs(step.slope - want) < 0.2 * want && step.r2 > 0.95,
          "peak step slope %.3f (1/log 4 = %.3f) r2 %.3f", step.slope, want, step.r2);
    nqm_config_free(&cfg);
}

/* The summary of one session run for steps steps. */
static void run_session(const nqm_config *cfg, long steps, nqm_run_summary *sum)
{
    char err[256];
    nqm_session *s = nqm_session_new(cfg, err, sizeof err);
    CHECK(s != NULL, "%s", err);
    if (!s)
        return;
    for (long t = 0; t < steps && !nqm_session_diverged(s); t++)
        nqm_session_step(s);
    nqm_session_summarize(s, sum);
    nqm_session_free(s);
}

/* Three repeats against three separate runs with seeds 5, 6, 7. */
static void check_repeats(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.seed = 5;
    cfg.data = DATA_MIX1D;
    cfg.n = 16;
    cfg.test_n = 32;
    cfg.loss = LOSS_MSE;
    cfg.width = 300;
    cfg.steps = 60;
    cfg.eta_rel = 1.4;
    nqm_sweep_spec spec = {.naxes = 0, .repeats = 3, .steps = cfg.steps, .jobs = 3};
    static collector c;
    memset(&c, 0, sizeof c);
    atomic_int stop = 0;
    run_sweep(&cfg, &spec, &c, &stop);
    CHECK(c.count == 1, "%d results", c.count);
    double loss[3], test[3];
    for (int r = 0; r < 3; r++) {
        nqm_config one = cfg;
        one.seed = cfg.seed + (unsigned long)r;
        nqm_run_summary sum;
        run_session(&one, cfg.steps, &sum);
        loss[r] = sum.final_loss;
        test[r] = sum.best_test_loss;
    }
    const double *vals[2] = {loss, test};
    const nqm_sweep_field fields[2] = {NQM_SF_FINAL_LOSS, NQM_SF_BEST_TEST_LOSS};
    for (int f = 0; f < 2; f++) {
        const double *v = vals[f];
        double mean = (v[0] + v[1] + v[2]) / 3, ss = 0;
        for (int r = 0; r < 3; r++)
            ss += (v[r] - mean) * (v[r] - mean);
        double sd = sqrt(ss / 2);
        const nqm_stat *st = &c.res[0].field[fields[f]];
        printf("repeats %s: runs %.6g %.6g %.6g -> mean %.6g sd %.3g; sweep %.6g sd %.3g\n",
               nqm_sweep_field_name(fields[f]), v[0], v[1], v[2], mean, sd, st->mean, st->sd);
        CHECK(st->count == 3, "count %d", st->count);
        CHECK_CLOSE(st->mean, mean, 1e-12, "mean");
        CHECK_CLOSE(st->sd, sd, 1e-9, "sd");
        CHECK(sd > 0, "the seeds gave the same %s", nqm_sweep_field_name(fields[f]));
    }
    nqm_config_free(&cfg);
}

/* A sink that stops the sweep after k results: one job delivers exactly
 * k, several deliver at least k (runs already under way may finish), and
 * every result delivered is complete. */
static void check_stop(int jobs, int k)
{
    nqm_config cfg;
    single_example(&cfg);
    cfg.steps = 200;
    nqm_sweep_spec spec = {.naxes = 1, .repeats = 1, .steps = cfg.steps, .jobs = jobs};
    spec.axis[0] = axis("eta_rel=0.2:1.8:12");
    static collector c;
    memset(&c, 0, sizeof c);
    c.stop_after = k;
    atomic_int stop = 0;
    int got = run_sweep(&cfg, &spec, &c, &stop);
    printf("stopped after %d results with %d job(s): %d delivered of 24\n", k, jobs, got);
    CHECK(got == c.count, "delivered %d, sink saw %d", got, c.count);
    CHECK(jobs == 1 ? got == k : got >= k && got < k + jobs, "%d delivered", got);
    for (int i = 0; i < c.count && i < 256; i++) {
        const nqm_sweep_result *r = &c.res[i];
        CHECK(r->repeats == 1 && r->field[NQM_SF_ETA].count == 1 &&
                  isfinite(r->field[NQM_SF_ETA_CRIT].mean) && r->field[NQM_SF_STEPS].mean > 0,
              "result %d incomplete", i);
    }
    nqm_config_free(&cfg);
}

static void check_axes(void)
{
    nqm_sweep_axis a = axis("width=100:10000:3:log");
    CHECK(a.whole && a.log && a.count == 3, "width axis");
    CHECK(nqm_sweep_axis_value(&a, 0) == 100 && nqm_sweep_axis_value(&a, 1) == 1000 &&
              nqm_sweep_axis_value(&a, 2) == 10000,
          "log values %g %g %g", nqm_sweep_axis_value(&a, 0), nqm_sweep_axis_value(&a, 1),
          nqm_sweep_axis_value(&a, 2));
    a = axis("eta_rel=0.5:2.5:5");
    CHECK(!a.whole && nqm_sweep_axis_value(&a, 2) == 1.5 && nqm_sweep_axis_value(&a, 4) == 2.5,
          "linear values");
    static const char *const bad[][2] = {
        {"widht=1:2:3", "unknown key"},      {"model=1:2:3", "not a numeric key"},
        {"width=1:2", "expected FROM:TO:N"}, {"width=1:2:3:lin", "expected FROM:TO:N"},
        {"eta=0:1:3:log", "above 0"},        {"eta=1:2:0", "N must be"},
        {"eta=1:2:2.5", "N must be"},        {"eta", "expected KEY="},
        {"eta=1:x:3", "expected FROM:TO:N"}, {"eta=1:2:3:log:5", "expected FROM:TO:N"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256] = "";
        int rc = nqm_sweep_axis_parse(bad[i][0], &a, err, sizeof err);
        CHECK(rc != 0 && strstr(err, bad[i][1]) && strncmp(err, "--sweep: ", 9) == 0,
              "%s: rc %d, '%s' lacks '%s'", bad[i][0], rc, err, bad[i][1]);
    }
    /* a value the key refuses is an input error before anything runs */
    nqm_config cfg;
    single_example(&cfg);
    nqm_sweep_spec spec = {.naxes = 1, .repeats = 1, .steps = 10, .jobs = 1};
    spec.axis[0] = axis("width=0:10:3");
    char err[512] = "";
    nqm_sweep *sw = nqm_sweep_new(&cfg, &spec, err, sizeof err);
    CHECK(!sw && strstr(err, "--sweep: width: ") == err, "width 0 accepted: '%s'", err);
    nqm_sweep_free(sw);
    nqm_config_free(&cfg);
}

static void check_fit(void)
{
    const double x[] = {1, 2, 3, 4, NAN}, y[] = {3, 5, 7, 9, 1};
    nqm_fit f = nqm_fit_line(x, y, 5);
    CHECK(f.count == 4 && f.slope == 2 && f.intercept == 1 && f.r2 == 1, "fit %g %g %g %d", f.slope,
          f.intercept, f.r2, f.count);
    f = nqm_fit_line(x, y, 1);
    CHECK(f.count == 1 && isnan(f.slope), "one point");
}

/* The jobs of a sweep count in the memory limit: runs of about 5 GiB
 * each go three at a time, not eight; small runs go as many as asked. The
 * sweep is only built, never run. */
static void check_memory_jobs(void)
{
    nqm_config cfg;
    single_example(&cfg);
    cfg.width = 1000000;
    double per_width = nqm_config_memory(&cfg) / cfg.width;
    cfg.width = (long)(5.0 * 1024 * 1024 * 1024 / per_width);
    double bytes = nqm_config_memory(&cfg);
    int fit = (int)floor(NQM_MEMORY_LIMIT / bytes);
    nqm_sweep_spec spec = {.naxes = 1, .repeats = 1, .steps = 1, .jobs = 8};
    spec.axis[0] = axis("eta_rel=0.5:2:8");
    char err[1024];
    nqm_sweep *sw = nqm_sweep_new(&cfg, &spec, err, sizeof err);
    CHECK(sw != NULL, "%s", err);
    if (sw) {
        printf("runs of %.2f GiB: %d jobs of 8 at once\n", bytes / (1 << 30),
               nqm_sweep_spec_of(sw)->jobs);
        CHECK(fit == 3 && nqm_sweep_spec_of(sw)->jobs == fit, "%d jobs of %.2f GiB, %d fit",
              nqm_sweep_spec_of(sw)->jobs, bytes / (1 << 30), fit);
        nqm_sweep_free(sw);
    }
    cfg.width = 1000;
    sw = nqm_sweep_new(&cfg, &spec, err, sizeof err);
    CHECK(sw && nqm_sweep_spec_of(sw)->jobs == 8, "small runs: %d jobs",
          sw ? nqm_sweep_spec_of(sw)->jobs : -1);
    nqm_sweep_free(sw);
    nqm_config_free(&cfg);
}

int main(void)
{
    check_memory_jobs();
    check_axes();
    check_fit();
    check_regime_map();
    check_eta_max();
    check_scaling();
    check_repeats();
    check_stop(1, 3);
    check_stop(3, 5);
    return check_report("test_sweep");
}
