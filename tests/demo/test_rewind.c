/* test_rewind.c: going back to an earlier step (nqm_runset_rewind, what an
 * `until peak` does) gives the runs that step's records exactly, and the
 * steps after it come out as they did the first time. The runs: net, quad
 * and lin of catapult-1d with the theory overlay, the learning rate raised
 * at step 4 and lowered at step 9; every record of every run is kept as
 * it was first computed and compared bit for bit. A run whose history no
 * longer holds every step one by one is refused and left as it was. */
#include <string.h>

#include "../core/check.h"
#include "nqmtop/app/run.h"
#include "nqmtop/input/preset.h"

enum { STEPS = 14, BACK_TO = 6, RUNS = NQM_RUNSET_MAX + 1 };

static nqm_record first[RUNS][STEPS + 1];

static int same(const nqm_record *a, const nqm_record *b)
{
    return a->step == b->step && a->eta == b->eta && a->loss == b->loss && a->g == b->g &&
           a->lambda[0] == b->lambda[0] && a->phase == b->phase;
}

static void eta_at(nqm_runset *set, long t)
{
    double eta = nqm_runset_rate(set).eta;
    if (t == 4)
        nqm_runset_set_eta(set, eta * 1.05);
    if (t == 9)
        nqm_runset_set_eta(set, eta / 1.5);
}

static void check_against_first(const nqm_runset *set, long t, const char *when)
{
    const nqm_run *runs[RUNS];
    int n = nqm_runset_list(set, runs);
    for (int i = 0; i < n; i++) {
        const nqm_record *r = nqm_run_record(runs[i]);
        CHECK(same(r, &first[i][t]), "%s: %s at step %ld: loss %.17g, first %.17g", when,
              nqm_model_name(nqm_run_model(runs[i])), t, r->loss, first[i][t].loss);
    }
}

static void test_back_and_forth(const nqm_config *cfg)
{
    nqm_runset_plan plan = {MODEL_QUAD, cfg->seed, 0, 1.5, 1, 1, OPT_GD};
    nqm_runset set;
    char err[512];
    CHECK(nqm_runset_build(&set, cfg, &plan, err, sizeof err) == 0, "%s", err);
    const nqm_run *runs[RUNS];
    int n = nqm_runset_list(&set, runs);
    CHECK(n == 4, "net, quad, lin and theory: %d runs", n);
    for (long t = 0; t <= STEPS; t++) {
        if (t > 0)
            CHECK(nqm_runset_step(&set, err, sizeof err) >= 0, "%s", err);
        for (int i = 0; i < n; i++)
            first[i][t] = *nqm_run_record(runs[i]);
        eta_at(&set, t);
    }
    CHECK(nqm_runset_rewind(&set, BACK_TO, err, sizeof err) == 0, "rewind: %s", err);
    check_against_first(&set, BACK_TO, "back");
    eta_at(&set, BACK_TO);
    for (long t = BACK_TO + 1; t <= STEPS; t++) {
        CHECK(nqm_runset_step(&set, err, sizeof err) >= 0, "%s", err);
        check_against_first(&set, t, "again");
        eta_at(&set, t);
    }
    nqm_runset_free(&set);
}

/* Past NQM_RUN_HISTORY_CAPACITY steps the history merges buckets. */
static void test_too_long(const nqm_config *cfg)
{
    nqm_runset_plan plan = {MODEL_QUAD, cfg->seed, 0, 0.5, 0, 0, OPT_GD};
    nqm_runset set;
    char err[512];
    CHECK(nqm_runset_build(&set, cfg, &plan, err, sizeof err) == 0, "%s", err);
    long steps = NQM_RUN_HISTORY_CAPACITY + 10;
    for (long t = 0; t < steps; t++)
        nqm_runset_step(&set, err, sizeof err);
    nqm_record before = *nqm_run_record(&set.runs[0]);
    CHECK(nqm_runset_rewind(&set, steps - 1, err, sizeof err) == -1 && strstr(err, "too long"),
          "a long run's rewind: %s", err);
    CHECK(same(nqm_run_record(&set.runs[0]), &before), "the refused rewind moved the run");
    nqm_runset_free(&set);
}

int main(void)
{
    nqm_config cfg;
    char err[512];
    if (nqm_preset_load(&test_places()->presets, "catapult-1d", &cfg, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return check_report("rewind");
    }
    test_back_and_forth(&cfg);
    test_too_long(&cfg);
    nqm_config_free(&cfg);
    return check_report("rewind");
}
