/* test_app.c: the UI state machine without a terminal: learning-rate key
 * arithmetic, digit keys against eta_crit, model cycling, modes and their
 * applicability, the help overlay and preset picker, pacing, export names. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/check.h"
#include "nqmtop/app/app.h"

static double rel_diff(double a, double b) { return fabs(a - b) / fmax(fabs(a), fabs(b)); }

/* The runs' learning rate the keys see: eta 3 with eta_crit 2. */
static const nqm_rate rate = {3.0, 2.0};

static void fresh(nqm_app *app, nqm_config *cfg)
{
    nqm_config_defaults(cfg);
    nqm_app_init(app, cfg, 5);
}

static void test_eta_arithmetic(void)
{
    const double eta = 0.731, crit = 0.42;
    double up = nqm_app_eta_after(NQM_ACT_ETA_UP, '+', eta, crit);
    double down = nqm_app_eta_after(NQM_ACT_ETA_DOWN, '-', up, crit);
    CHECK(rel_diff(up / eta, 1.05) < 1e-15, "+ ratio %.17g", up / eta);
    CHECK(rel_diff(down, eta) < 1e-15, "+ then - gives %.17g, not %.17g", down, eta);
    double big = nqm_app_eta_after(NQM_ACT_ETA_UP_BIG, ']', eta, crit);
    double back = nqm_app_eta_after(NQM_ACT_ETA_DOWN_BIG, '[', big, crit);
    CHECK(rel_diff(big / eta, 1.5) < 1e-15, "] ratio %.17g", big / eta);
    CHECK(rel_diff(back, eta) < 1e-15, "] then [ gives %.17g", back);
    for (int k = '1'; k <= '9'; k++) {
        double e = nqm_app_eta_after(NQM_ACT_ETA_DIGIT, k, eta, crit);
        /* eta / eta_crit must be the digit over four, whatever eta was */
        CHECK(rel_diff(e / crit * 4.0, k - '0') < 1e-15, "digit %c gives eta/crit %.17g", k,
              e / crit);
    }
    CHECK(nqm_app_eta_after(NQM_ACT_ETA_DIGIT, '4', eta, crit) == crit, "4 is critical");
    CHECK(nqm_app_eta_after(NQM_ACT_ETA_DIGIT, '8', eta, crit) == 2 * crit, "8 is the edge");
}

static void test_eta_keys(void)
{
    nqm_app app;
    nqm_config cfg;
    fresh(&app, &cfg);
    unsigned r = nqm_app_key(&app, &cfg, '+', rate);
    CHECK((r & NQM_REACT_ETA) && !(r & NQM_REACT_RESTART), "+ applies eta without restart");
    CHECK(rel_diff(app.eta_asked, 3.0 * 1.05) < 1e-15, "+ eta %.17g", app.eta_asked);
    nqm_rate now = {app.eta_asked, rate.eta_crit}; /* the runs took it */
    r = nqm_app_key(&app, &cfg, '=', now);
    CHECK((r & NQM_REACT_ETA) && rel_diff(app.eta_asked, 3.0 * 1.05 * 1.05) < 1e-15,
          "= is + (eta %.17g)", app.eta_asked);
    r = nqm_app_key(&app, &cfg, 'l', rate);
    CHECK(!(r & (NQM_REACT_ETA | NQM_REACT_RESTART)) && app.eta_asked == rate.eta,
          "a key that does not touch eta asks for the runs' own (%.17g)", app.eta_asked);
    r = nqm_app_key(&app, &cfg, '6', rate);
    CHECK(r & NQM_REACT_RESTART, "digit restarts");
    CHECK(rel_diff(app.eta_asked, 1.5 * 2.0) < 1e-15, "6 gives 1.5 eta_crit, got %.17g",
          app.eta_asked);
    app.diverged = 1;
    r = nqm_app_key(&app, &cfg, '-', rate);
    CHECK(r & NQM_REACT_RESTART, "changing eta after divergence restarts the run");
    nqm_config_free(&cfg);
}

static void test_models(void)
{
    nqm_model_kind k = MODEL_NET;
    CHECK(nqm_app_next_model(k) == MODEL_QUAD, "net -> quad");
    CHECK(nqm_app_next_model(MODEL_QUAD) == MODEL_LIN, "quad -> lin");
    CHECK(nqm_app_next_model(MODEL_LIN) == MODEL_NET, "lin -> net");
    for (int i = 0; i < 3; i++)
        k = nqm_app_next_model(k);
    CHECK(k == MODEL_NET, "three presses come back to the start");

    nqm_app app;
    nqm_config cfg;
    fresh(&app, &cfg);
    cfg.model = MODEL_QUAD;
    app.model = MODEL_QUAD;
    unsigned r = nqm_app_key(&app, &cfg, 'm', rate);
    CHECK((r & NQM_REACT_RESTART) && app.model == MODEL_LIN, "m on quad restarts as lin");
    nqm_config_free(&cfg);
}

static void test_modes(void)
{
    nqm_app app;
    nqm_config cfg;
    char why[160];
    fresh(&app, &cfg);
    CHECK(nqm_app_compare_check(&cfg, why, sizeof why) == 0, "compare on defaults: %s", why);
    CHECK(nqm_app_theory_check(&cfg, MODEL_QUAD, why, sizeof why) == 0, "theory: %s", why);
    unsigned r = nqm_app_key(&app, &cfg, 'c', rate);
    CHECK(app.compare && (r & NQM_REACT_RESTART), "c turns compare on and restarts");
    r = nqm_app_key(&app, &cfg, 'm', rate);
    CHECK(!(r & NQM_REACT_RESTART) && app.message[0], "m in compare mode explains itself");
    r = nqm_app_key(&app, &cfg, 't', rate);
    CHECK(app.theory && (r & NQM_REACT_RESTART), "t turns the overlay on");

    cfg.activation = ACT_TANH;
    CHECK(nqm_app_theory_check(&cfg, MODEL_QUAD, why, sizeof why) != 0 && strstr(why, "relu"),
          "tanh has no theory, says why: %s", why);
    app.theory = 0;
    r = nqm_app_key(&app, &cfg, 't', rate);
    CHECK(!app.theory && !(r & NQM_REACT_RESTART) && strstr(app.message, "theory"),
          "t refused with a message: '%s'", app.message);
    cfg.activation = ACT_RELU;
    cfg.data = DATA_GAUSS;
    cfg.d = 3;
    CHECK(nqm_app_theory_check(&cfg, MODEL_QUAD, why, sizeof why) != 0,
          "several examples in 3-D have no theory");
    cfg.data = DATA_SINGLE;
    cfg.d = 1;
    CHECK(nqm_app_theory_check(&cfg, MODEL_THEORY, why, sizeof why) != 0,
          "no overlay on the theory model itself");
    cfg.width = 1000000000000L;
    CHECK(nqm_app_compare_check(&cfg, why, sizeof why) != 0,
          "compare at a width no memory holds is refused");
    cfg.width = 1000;
    cfg.model = MODEL_GQM;
    app.compare = 0;
    r = nqm_app_key(&app, &cfg, 'c', rate);
    CHECK(!app.compare && !(r & NQM_REACT_RESTART) && strstr(app.message, "compare:") &&
              strstr(app.message, "gqm"),
          "c on gqm refused, naming gqm: '%s'", app.message);
    app.model = MODEL_GQM;
    r = nqm_app_key(&app, &cfg, 'm', rate);
    CHECK(app.model == MODEL_GQM && !(r & NQM_REACT_RESTART) && strstr(app.message, "m:") &&
              strstr(app.message, "gqm"),
          "m on gqm refused, naming gqm: '%s'", app.message);
    nqm_config_free(&cfg);
}

static void test_overlays(void)
{
    nqm_app app;
    nqm_config cfg;
    fresh(&app, &cfg);
    nqm_app_key(&app, &cfg, '?', rate);
    CHECK(app.help, "? opens help");
    unsigned r = nqm_app_key(&app, &cfg, 'q', rate);
    CHECK(!app.help && !(r & NQM_REACT_QUIT), "a key closes help without acting");
    nqm_app_key(&app, &cfg, NQM_KEY_F1, rate);
    CHECK(app.help, "F1 opens help");
    nqm_app_key(&app, &cfg, 'x', rate);
    r = nqm_app_key(&app, &cfg, NQM_KEY_F10, rate);
    CHECK(r & NQM_REACT_QUIT, "F10 quits");

    nqm_app_key(&app, &cfg, 'p', rate);
    CHECK(app.picker && app.picker_sel == 0, "p opens the picker");
    nqm_app_key(&app, &cfg, NQM_KEY_UP, rate);
    CHECK(app.picker_sel == 4, "up from the top wraps to the last of 5");
    nqm_app_key(&app, &cfg, NQM_KEY_DOWN, rate);
    nqm_app_key(&app, &cfg, NQM_KEY_DOWN, rate);
    CHECK(app.picker_sel == 1, "down wraps to the top and moves on (%d)", app.picker_sel);
    r = nqm_app_key(&app, &cfg, 'q', rate);
    CHECK(!app.picker && !(r & NQM_REACT_QUIT), "q closes the picker, does not quit");
    nqm_app_key(&app, &cfg, 'p', rate);
    r = nqm_app_key(&app, &cfg, NQM_KEY_ENTER, rate);
    CHECK((r & NQM_REACT_PICK) && app.picker_sel == 1, "enter picks the selection");
    nqm_config_free(&cfg);
}

static void test_pacing(void)
{
    nqm_app app;
    nqm_config cfg;
    fresh(&app, &cfg);
    CHECK(nqm_app_rate(&app) == NQM_SPEED_AUTO_START, "auto starts at its start rate");
    app.step = 4000;
    CHECK(nqm_app_rate(&app) == 4000 / NQM_SPEED_AUTO_DIVISOR, "auto grows with the step");
    app.step = 0;
    long total = 0;
    for (int f = 0; f < 30; f++)
        total += nqm_app_steps_due(&app, 1.0 / 30);
    CHECK(labs(total - 25) <= 1, "one second at 25/s gives %ld steps", total);
    app.paused = 1;
    CHECK(nqm_app_steps_due(&app, 1.0) == 0, "paused runs no steps");
    app.paused = 0;
    CHECK(nqm_app_steps_due(&app, 3600.0) <= 25, "a long stall is not caught up at once");

    for (int i = 1; i < nqm_app_speed_levels(); i++)
        CHECK(nqm_app_speed_level(i) > nqm_app_speed_level(i - 1), "levels increase at %d", i);
    nqm_app_key(&app, &cfg, '>', rate);
    CHECK(nqm_app_rate(&app) > NQM_SPEED_AUTO_START, "> from auto is faster (%g)",
          nqm_app_rate(&app));
    double before = nqm_app_rate(&app);
    nqm_app_key(&app, &cfg, '<', rate);
    nqm_app_key(&app, &cfg, '<', rate);
    CHECK(nqm_app_rate(&app) < before, "< is slower");
    for (int i = 0; i < 40; i++)
        nqm_app_key(&app, &cfg, '<', rate);
    CHECK(nqm_app_rate(&app) == nqm_app_speed_level(0), "< stops at the slowest level");

    nqm_app_key(&app, &cfg, '.', rate);
    CHECK(app.paused, ". pauses");
    unsigned r = nqm_app_key(&app, &cfg, ' ', rate);
    CHECK(!app.paused && (r & NQM_REACT_REPAINT), "space resumes");
    unsigned long seed = app.seed;
    r = nqm_app_key(&app, &cfg, 'R', rate);
    CHECK(app.seed != seed && (r & NQM_REACT_RESTART), "R restarts with another seed");
    CHECK(rel_diff(app.eta_rel_next, rate.eta / rate.eta_crit) < 1e-15,
          "R keeps eta / eta_crit for the new seed");
    nqm_config_free(&cfg);
}

static void test_end_of_run(void)
{
    nqm_app app;
    nqm_config cfg;
    fresh(&app, &cfg);
    CHECK(app.stop_at == cfg.steps, "the run ends at the preset's steps (%ld)", app.stop_at);
    app.step = cfg.steps - 1;
    long due = nqm_app_steps_due(&app, 0.1);
    CHECK(due == 1, "one step short of the end, %ld steps are due in 0.1 s at 25/s", due);
    app.step = cfg.steps;
    CHECK(nqm_app_at_end(&app) && nqm_app_steps_due(&app, 1.0) == 0, "no steps at the end");
    nqm_app_key(&app, &cfg, ' ', rate);
    CHECK(!app.paused && !nqm_app_at_end(&app) && nqm_app_steps_due(&app, 1.0) > 0,
          "space at the end goes on");
    app.eta_rel_next = 1.5;
    nqm_app_restarted(&app, 50);
    CHECK(app.step == 0 && app.stop_at == 50 && app.eta_rel_next == 0,
          "a restart resets the step, the end and a pending eta / eta_crit");
    nqm_app_settled(&app, 4);
    CHECK(app.stop_at == 50 && !app.settled, "the preset's end comes first");
    nqm_app_restarted(&app, 200);
    nqm_app_settled(&app, -1);
    CHECK(app.stop_at == 200, "no T4, no earlier end");
    nqm_app_settled(&app, 30);
    CHECK(app.stop_at == NQM_SETTLE_FACTOR * 30 && app.settled, "ends %d x T4 = %ld",
          NQM_SETTLE_FACTOR, app.stop_at);
    nqm_app_settled(&app, 2);
    CHECK(app.stop_at == NQM_SETTLE_MIN_STEPS, "but not before %d steps (%ld)",
          NQM_SETTLE_MIN_STEPS, app.stop_at);
    app.step = app.stop_at;
    nqm_app_key(&app, &cfg, ' ', rate);
    CHECK(app.stop_at == 200 && !app.settled,
          "space at a settled end goes on to the preset's "
          "200 steps (%ld)",
          app.stop_at);
    nqm_app_settled(&app, 30);
    CHECK(app.stop_at == 200, "and a later settle does not cut it again (%ld)", app.stop_at);
    app.step = app.stop_at;
    nqm_app_key(&app, &cfg, ' ', rate);
    nqm_app_settled(&app, 30);
    CHECK(app.stop_at == 0, "space past the preset's end lets the run go on for good");
    nqm_app_restarted(&app, 200);
    app.fixed_length = 1;
    nqm_app_settled(&app, 30);
    CHECK(app.stop_at == 200 && !app.settled, "a length the user gave is not cut short (%ld)",
          app.stop_at);
    app.fixed_length = 0;
    app.diverged = 1;
    CHECK(nqm_app_steps_due(&app, 1.0) == 0, "a diverged run takes no steps");
    nqm_config_free(&cfg);
}

static void test_export_name(void)
{
    struct tm tm = {0};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 0;
    tm.tm_mday = 9;
    tm.tm_hour = 7;
    tm.tm_min = 5;
    tm.tm_sec = 3;
    char name[256];
    nqm_app_export_name(name, sizeof name, "catapult-1d", &tm, 1);
    CHECK(strcmp(name, "nqmtop-catapult-1d-20260109-070503.csv") == 0, "name %s", name);
    nqm_app_export_name(name, sizeof name, "catapult-1d", &tm, 3);
    CHECK(strcmp(name, "nqmtop-catapult-1d-20260109-070503-3.csv") == 0, "retry %s", name);
    nqm_app_export_name(name, sizeof name, "../a b", &tm, 1);
    CHECK(strchr(name, '/') == NULL && strchr(name, ' ') == NULL, "sanitised %s", name);
    nqm_app_export_name(name, sizeof name, "", &tm, 1);
    CHECK(strncmp(name, "nqmtop-run-", 11) == 0, "empty preset %s", name);
}

int main(void)
{
    test_eta_arithmetic();
    test_eta_keys();
    test_models();
    test_modes();
    test_overlays();
    test_pacing();
    test_end_of_run();
    test_export_name();
    return check_report("test_app");
}
