/* test_stop.c: the stop flag of a run (stop.h). Raised before a step, the
 * step is not taken and the run goes on as if nothing happened (every
 * record bit for bit that of a run without a flag); raised while a run is
 * being built, the build says "stopped"; raised in the middle of a step
 * of several seconds, the step ends within a fraction of a second and the
 * run is lost. And the step time estimate that the front ends warn by
 * grows as the work does: n^3 for the eigen-solve, n^2 m for the kernel. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "nqmtop/base/clock.h"
#include "nqmtop/train/session.h"

static void small_config(nqm_config *cfg)
{
    nqm_config_defaults(cfg);
    cfg->model = MODEL_NET;
    cfg->activation = ACT_TANH;
    cfg->data = DATA_GAUSS;
    cfg->n = 40;
    cfg->d = 2;
    cfg->width = 300;
    cfg->eta_rel = 1.2;
}

static int same_record(const nqm_record *a, const nqm_record *b)
{
    return a->step == b->step && memcmp(&a->loss, &b->loss, sizeof a->loss) == 0 &&
           memcmp(&a->g, &b->g, sizeof a->g) == 0 &&
           memcmp(a->lambda, b->lambda, sizeof a->lambda) == 0;
}

/* A raised flag refuses steps without touching the run. */
static void check_refused_steps(void)
{
    nqm_config cfg;
    small_config(&cfg);
    char err[256];
    atomic_int flag = 0;
    nqm_session *ref = nqm_session_new(&cfg, err, sizeof err);
    cfg.stop = &flag;
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(ref && s, "%s", err);
    if (!ref || !s)
        return;
    for (int t = 1; t <= 6; t++) {
        if (t == 3 || t == 5) {
            atomic_store(&flag, 1);
            CHECK(nqm_session_step(s) == NQM_STOPPED, "step %d with the flag up", t);
            CHECK(nqm_session_record(s)->step == t - 1, "a refused step moved the run");
            atomic_store(&flag, 0);
        }
        CHECK(nqm_session_step(ref) == 0 && nqm_session_step(s) == 0, "step %d", t);
        CHECK(same_record(nqm_session_record(ref), nqm_session_record(s)),
              "step %d differs from the run without a flag", t);
    }
    atomic_store(&flag, 1);
    nqm_session *none = nqm_session_new(&cfg, err, sizeof err);
    CHECK(none == NULL && strcmp(err, "stopped") == 0, "a build with the flag up: %s", err);
    nqm_session_free(none);
    nqm_session_free(ref);
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

typedef struct {
    atomic_int *flag;
    double raised; /* when the flag went up */
} raiser;

static void *raise_later(void *arg)
{
    raiser *r = arg;
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    r->raised = nqm_clock_seconds();
    atomic_store(r->flag, 1);
    return NULL;
}

/* A step of seconds (tanh net, width 10^5 on 200 examples: the neuron
 * passes and the kernel's assembly; its eigen-solve is short) stopped
 * 0.3 s in. */
static void check_stop_mid_step(void)
{
    nqm_config cfg;
    small_config(&cfg);
    cfg.n = 200;
    cfg.d = 1;
    cfg.width = 100000;
    char err[256];
    atomic_int flag = 0;
    cfg.stop = &flag;
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(s != NULL, "%s", err);
    if (!s)
        return;
    double t0 = nqm_clock_seconds();
    CHECK(nqm_session_step(s) == 0, "first step: %s", nqm_session_error(s));
    double step_seconds = nqm_clock_seconds() - t0;
    raiser r = {&flag, 0};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, raise_later, &r) == 0, "no thread");
    int rc = nqm_session_step(s);
    double ended = nqm_clock_seconds();
    pthread_join(th, NULL);
    if (step_seconds > 1.0) { /* else the step may end before the flag goes up */
        CHECK(rc == NQM_STOPPED, "step of %.1f s with the flag raised in it: %d", step_seconds, rc);
        CHECK(ended - r.raised < 0.5, "stopped %.2f s after the flag went up (a step: %.1f s)",
              ended - r.raised, step_seconds);
        atomic_store(&flag, 0);
        CHECK(nqm_session_step(s) == NQM_STOPPED, "a run stopped in a step went on");
        printf("a step of %.1f s stopped %.3f s after the flag went up\n", step_seconds,
               ended - r.raised);
    } else {
        printf("a step took %.2f s only: the stop in the middle of one not checked\n",
               step_seconds);
    }
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

static void check_estimate(void)
{
    nqm_config cfg;
    small_config(&cfg);
    cfg.d = 1;
    cfg.n = 1000;
    cfg.width = 10;
    double a = nqm_config_step_seconds(&cfg, NULL);
    cfg.n = 2000;
    double b = nqm_config_step_seconds(&cfg, NULL);
    CHECK(b / a > 7.5 && b / a < 8.5, "eigen-solve bound: n x 2 gives time x %.2f, not 8", b / a);
    cfg.n = 100;
    cfg.width = 1000000;
    a = nqm_config_step_seconds(&cfg, NULL);
    cfg.n = 200;
    b = nqm_config_step_seconds(&cfg, NULL);
    CHECK(b / a > 2.0 && b / a < 4.1, "kernel bound: n x 2 gives time x %.2f, not 2 to 4", b / a);
    const char *what = NULL;
    cfg.n = 3000;
    cfg.width = 1000;
    char note[200];
    CHECK(nqm_config_step_seconds(&cfg, &what) > NQM_SLOW_STEP_SECONDS &&
              strstr(what, "eigen-solve") && nqm_config_slow_note(&cfg, note, sizeof note) == 1,
          "n = 3000 not slow: %s", what ? what : "");
    cfg.n = 128; /* relu on 1-D inputs: O(m + n) a step, about 0.1 s at m = 10^7 */
    cfg.activation = ACT_RELU;
    cfg.data = DATA_MIX1D;
    cfg.d = 1;
    cfg.width = 10000000;
    a = nqm_config_step_seconds(&cfg, NULL);
    CHECK(a < 1.0 && nqm_config_slow_note(&cfg, note, sizeof note) == 0,
          "relu on 1-D inputs, m = 10^7: estimated %.1f s a step", a);
    nqm_config_free(&cfg);
    nqm_config_defaults(&cfg); /* catapult-1d: one example */
    CHECK(nqm_config_step_seconds(&cfg, NULL) < 0.01 && nqm_config_slow_note(&cfg, note, 8) == 0,
          "one example is slow");
    nqm_config_free(&cfg);
}

int main(void)
{
    check_refused_steps();
    check_estimate();
    check_stop_mid_step();
    return check_report("test_stop");
}
