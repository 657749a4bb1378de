/* app.c: the UI state machine behind the keys (learning-rate arithmetic,
 * model cycling, modes, the preset picker, pacing). Pure: no curses, no
 * sessions, no I/O; whether a mode can run is asked of the core's own
 * configuration checks. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nqmtop/app/app.h"

/* Fixed speeds the < and > keys step through, in steps per second; the
 * last one means "as many as a frame allows". */
static const double speed_levels[] = {1,   2,   5,    10,   25,    50,      100,
                                      250, 500, 1000, 2500, 10000, INFINITY};
enum { SPEED_COUNT = sizeof speed_levels / sizeof speed_levels[0] };

/* Longest stall whose missed steps are caught up, in seconds. */
#define CATCH_UP_SECONDS 0.1

void nqm_app_init(nqm_app *app, const nqm_config *cfg, int preset_count)
{
    memset(app, 0, sizeof *app);
    app->model = cfg->model;
    app->optimizer = cfg->optimizer;
    app->seed = cfg->seed;
    app->speed = NQM_SPEED_AUTO;
    app->log_loss = 1;
    app->picker_count = preset_count;
    app->stop_at = app->length = cfg->steps > 0 ? cfg->steps : 0;
    app->cursor = -1;
}

void nqm_app_restarted(nqm_app *app, long steps)
{
    app->eta_rel_next = 0;
    app->step = 0;
    app->diverged = 0;
    app->stop_at = app->length = steps > 0 ? steps : 0;
    app->settled = 0;
    app->rate_carry = 0;
    app->went_on = 0;
    app->catapulting = 0;
    app->slow_steps = 0;
    app->cursor = -1;
}

int nqm_app_at_end(const nqm_app *app) { return app->stop_at > 0 && app->step >= app->stop_at; }

void nqm_app_settled(nqm_app *app, long T4)
{
    if (T4 < 0 || app->stop_at <= 0 || app->fixed_length || app->went_on)
        return;
    long settle = NQM_SETTLE_FACTOR * T4;
    if (settle < NQM_SETTLE_MIN_STEPS)
        settle = NQM_SETTLE_MIN_STEPS;
    if (settle < app->stop_at) {
        app->stop_at = settle;
        app->settled = 1;
    }
}

nqm_model_kind nqm_app_next_model(nqm_model_kind k)
{
    switch (k) {
    case MODEL_NET:
        return MODEL_QUAD;
    case MODEL_QUAD:
        return MODEL_LIN;
    default:
        return MODEL_NET;
    }
}

double nqm_app_eta_after(nqm_action a, int key, double eta, double eta_crit)
{
    switch (a) {
    case NQM_ACT_ETA_UP:
        return eta * NQM_ETA_FINE;
    case NQM_ACT_ETA_DOWN:
        return eta / NQM_ETA_FINE;
    case NQM_ACT_ETA_UP_BIG:
        return eta * NQM_ETA_COARSE;
    case NQM_ACT_ETA_DOWN_BIG:
        return eta / NQM_ETA_COARSE;
    case NQM_ACT_ETA_DIGIT:
        return (key >= '1' && key <= '9') ? (key - '0') / 4.0 * eta_crit : eta;
    default:
        return eta;
    }
}

int nqm_app_model_check(const nqm_config *cfg, nqm_model_kind model, char *why, size_t len)
{
    nqm_config c = *cfg; /* shallow: the check only reads */
    c.model = model;
    return nqm_config_check(&c, why, len);
}

int nqm_app_compare_check(const nqm_config *cfg, char *why, size_t len)
{
    static const nqm_model_kind family[] = {MODEL_NET, MODEL_QUAD, MODEL_LIN};
    if (cfg->model == MODEL_GQM) {
        snprintf(why, len, "net, quad and lin are models of the two-layer network, not of gqm");
        return -1;
    }
    for (size_t i = 0; i < sizeof family / sizeof family[0]; i++)
        if (nqm_app_model_check(cfg, family[i], why, len) != 0)
            return -1;
    return 0;
}

int nqm_app_theory_check(const nqm_config *cfg, nqm_model_kind model, char *why, size_t len)
{
    if (model == MODEL_THEORY) {
        snprintf(why, len, "the run already is the theory model");
        return -1;
    }
    if (model == MODEL_GQM) {
        snprintf(why, len, "the dynamics equations describe the two-layer NQM, not gqm");
        return -1;
    }
    return nqm_app_model_check(cfg, MODEL_THEORY, why, len);
}

int nqm_app_speed_levels(void) { return SPEED_COUNT; }

double nqm_app_speed_level(int i)
{
    return i >= 0 && i < SPEED_COUNT ? speed_levels[i] : NQM_SPEED_AUTO_START;
}

int nqm_app_speed_nearest(double steps_per_second)
{
    if (!(steps_per_second > 0))
        return NQM_SPEED_AUTO;
    int best = 0;
    for (int i = 1; i < SPEED_COUNT; i++)
        if (fabs(log(speed_levels[i] / steps_per_second)) <
            fabs(log(speed_levels[best] / steps_per_second)))
            best = i;
    return best;
}

double nqm_app_rate(const nqm_app *app)
{
    if (app->speed != NQM_SPEED_AUTO)
        return nqm_app_speed_level(app->speed);
    if (app->catapulting && app->slow_steps < NQM_SLOW_MOTION_STEPS)
        return NQM_SPEED_SLOW_MOTION;
    return fmax(NQM_SPEED_AUTO_START, (double)app->step / NQM_SPEED_AUTO_DIVISOR);
}

long nqm_app_steps_due(nqm_app *app, double dt)
{
    if (app->paused || app->diverged || nqm_app_at_end(app) || !(dt > 0))
        return 0;
    double rate = nqm_app_rate(app);
    long left = app->stop_at > 0 ? app->stop_at - app->step : 1L << 30;
    if (isinf(rate))
        return left;
    double due = app->rate_carry + rate * fmin(dt, CATCH_UP_SECONDS);
    double whole = floor(due);
    app->rate_carry = due - whole;
    if (rate == NQM_SPEED_SLOW_MOTION && app->speed == NQM_SPEED_AUTO && whole >= 1) {
        app->rate_carry = 0;
        app->slow_steps++;
        whole = 1; /* one at a time: the phase may change at any step */
    }
    return (long)whole < left ? (long)whole : left;
}

/* About one dot column of a chart: 1/64 of the run, or on a log time
 * axis 1/16 of the cursor's step. */
static long cursor_stride(const nqm_app *app)
{
    long at = app->cursor >= 0 ? app->cursor : app->step;
    return app->log_time ? at / 16 : (app->step + 63) / 64;
}

void nqm_app_move_cursor(nqm_app *app, nqm_action a, long stride)
{
    if (stride < 1)
        stride = 1;
    long at = app->cursor >= 0 ? app->cursor : app->step;
    if (a == NQM_ACT_CURSOR_BACK)
        app->cursor = at > stride ? at - stride : 0;
    else if (app->cursor >= 0)
        app->cursor = at + stride < app->step ? at + stride : -1;
}

/* Level for > (dir = 1) or < (dir = -1) from the current rate. */
static int next_speed(const nqm_app *app, int dir)
{
    double rate = nqm_app_rate(app);
    if (app->speed != NQM_SPEED_AUTO) {
        int i = app->speed + dir;
        return i < 0 ? 0 : i >= SPEED_COUNT ? SPEED_COUNT - 1 : i;
    }
    if (dir > 0) {
        for (int i = 0; i < SPEED_COUNT; i++)
            if (speed_levels[i] > rate)
                return i;
        return SPEED_COUNT - 1;
    }
    for (int i = SPEED_COUNT - 1; i >= 0; i--)
        if (speed_levels[i] < rate)
            return i;
    return 0;
}

static unsigned picker_key(nqm_app *app, int key)
{
    int last = app->picker_count - 1;
    switch (nqm_keymap_action(NQM_KEYS_PICKER, key)) {
    case NQM_ACT_PICK_UP:
        app->picker_sel = app->picker_sel > 0 ? app->picker_sel - 1 : last;
        return NQM_REACT_REPAINT;
    case NQM_ACT_PICK_DOWN:
        app->picker_sel = app->picker_sel < last ? app->picker_sel + 1 : 0;
        return NQM_REACT_REPAINT;
    case NQM_ACT_PICK_FIRST:
        app->picker_sel = 0;
        return NQM_REACT_REPAINT;
    case NQM_ACT_PICK_LAST:
        app->picker_sel = last;
        return NQM_REACT_REPAINT;
    case NQM_ACT_PICK_LOAD:
        app->picker = 0;
        return NQM_REACT_PICK | NQM_REACT_REDRAW;
    case NQM_ACT_PICK_CLOSE:
        app->picker = 0;
        return NQM_REACT_REDRAW;
    default:
        return 0;
    }
}

static unsigned eta_key(nqm_app *app, nqm_action a, int key, nqm_rate rate)
{
    app->eta_asked = nqm_app_eta_after(a, key, rate.eta, rate.eta_crit);
    if (a == NQM_ACT_ETA_DIGIT || app->diverged)
        return NQM_REACT_RESTART | NQM_REACT_REPAINT;
    return NQM_REACT_ETA | NQM_REACT_REPAINT;
}

static unsigned speed_key(nqm_app *app, int dir)
{
    app->speed = next_speed(app, dir);
    app->rate_carry = 0;
    return NQM_REACT_REPAINT;
}

static unsigned model_key(nqm_app *app, const nqm_config *cfg)
{
    char why[NQM_MESSAGE_LEN - 16];
    nqm_model_kind next = nqm_app_next_model(app->model);
    if (app->compare) {
        snprintf(app->message, sizeof app->message,
                 "m: compare mode runs the models side by side (c leaves it)");
        return NQM_REACT_REPAINT;
    }
    if (app->model == MODEL_GQM) {
        snprintf(app->message, sizeof app->message,
                 "m: net, quad and lin are models of the two-layer network, not of gqm");
        return NQM_REACT_REPAINT;
    }
    if (nqm_app_model_check(cfg, next, why, sizeof why) != 0) {
        snprintf(app->message, sizeof app->message, "m: %s", why);
        return NQM_REACT_REPAINT;
    }
    app->model = next;
    if (app->theory && nqm_app_theory_check(cfg, next, why, sizeof why) != 0)
        app->theory = 0;
    return NQM_REACT_RESTART | NQM_REACT_REDRAW;
}

static unsigned compare_key(nqm_app *app, const nqm_config *cfg)
{
    char why[NQM_MESSAGE_LEN - 16];
    if (!app->compare && nqm_app_compare_check(cfg, why, sizeof why) != 0) {
        snprintf(app->message, sizeof app->message, "compare: %s", why);
        return NQM_REACT_REPAINT;
    }
    app->compare = !app->compare;
    if (!app->compare && app->model != MODEL_NET && app->model != MODEL_QUAD &&
        app->model != MODEL_LIN)
        app->model = cfg->model;
    return NQM_REACT_RESTART | NQM_REACT_REDRAW;
}

/* o: the next update rule, from step 0 (the theory overlay follows GD). */
static unsigned optimizer_key(nqm_app *app)
{
    if (app->theory || app->model == MODEL_THEORY) {
        snprintf(app->message, sizeof app->message,
                 "o: the dynamics equations are gradient descent's (t turns the overlay off)");
        return NQM_REACT_REPAINT;
    }
    app->optimizer = (nqm_optimizer)((app->optimizer + 1) % OPT_COUNT);
    snprintf(app->message, sizeof app->message, "optimizer: %s, restarted",
             nqm_optimizer_name(app->optimizer));
    return NQM_REACT_RESTART | NQM_REACT_REDRAW;
}

static unsigned theory_key(nqm_app *app, const nqm_config *cfg)
{
    char why[NQM_MESSAGE_LEN - 16];
    nqm_model_kind model = app->compare ? MODEL_QUAD : app->model;
    if (!app->theory && app->optimizer != OPT_GD) {
        snprintf(app->message, sizeof app->message,
                 "theory overlay: the dynamics equations are gradient descent's, not %s's",
                 nqm_optimizer_name(app->optimizer));
        return NQM_REACT_REPAINT;
    }
    if (!app->theory && nqm_app_theory_check(cfg, model, why, sizeof why) != 0) {
        snprintf(app->message, sizeof app->message, "theory overlay: %s", why);
        return NQM_REACT_REPAINT;
    }
    app->theory = !app->theory;
    return NQM_REACT_RESTART | NQM_REACT_REDRAW;
}

/* n and b: the UI moves between a demo's scenes; without one they say so. */
static unsigned scene_key(nqm_app *app, unsigned reaction)
{
    if (app->demo)
        return reaction | NQM_REACT_REDRAW;
    snprintf(app->message, sizeof app->message, "no demo is playing (nqmtop --demo NAME)");
    return NQM_REACT_REPAINT;
}

static unsigned action_key(nqm_app *app, const nqm_config *cfg, nqm_action a, int key,
                           nqm_rate rate)
{
    switch (a) {
    case NQM_ACT_ETA_UP:
    case NQM_ACT_ETA_DOWN:
    case NQM_ACT_ETA_UP_BIG:
    case NQM_ACT_ETA_DOWN_BIG:
    case NQM_ACT_ETA_DIGIT:
        return eta_key(app, a, key, rate);
    case NQM_ACT_PAUSE:
        if (nqm_app_at_end(app) && !app->paused && app->settled) {
            app->stop_at = app->length; /* on to the preset's steps */
            app->settled = 0;
            app->went_on = 1;
        } else if (nqm_app_at_end(app) && !app->paused)
            app->stop_at = 0; /* go on past the preset's steps */
        else
            app->paused = !app->paused;
        app->rate_carry = 0;
        return NQM_REACT_REPAINT;
    case NQM_ACT_STEP:
        app->paused = 1;
        return NQM_REACT_STEP | NQM_REACT_REPAINT;
    case NQM_ACT_FASTER:
        return speed_key(app, 1);
    case NQM_ACT_SLOWER:
        return speed_key(app, -1);
    case NQM_ACT_RESTART:
        return NQM_REACT_RESTART | NQM_REACT_REPAINT;
    case NQM_ACT_RESEED:
        app->seed++;
        app->eta_rel_next = rate.eta_crit > 0 ? rate.eta / rate.eta_crit : 0;
        return NQM_REACT_RESTART | NQM_REACT_REPAINT;
    case NQM_ACT_MODEL:
        return model_key(app, cfg);
    case NQM_ACT_COMPARE:
        return compare_key(app, cfg);
    case NQM_ACT_THEORY:
        return theory_key(app, cfg);
    case NQM_ACT_OPTIMIZER:
        return optimizer_key(app);
    case NQM_ACT_LOG:
        app->log_loss = !app->log_loss;
        return NQM_REACT_REPAINT;
    case NQM_ACT_LOG_TIME:
        app->log_time = !app->log_time;
        return NQM_REACT_REPAINT;
    case NQM_ACT_CURSOR_BACK:
    case NQM_ACT_CURSOR_FORWARD:
        nqm_app_move_cursor(app, a, cursor_stride(app));
        return NQM_REACT_REPAINT;
    case NQM_ACT_BIG:
        app->big = !app->big;
        return NQM_REACT_REDRAW;
    case NQM_ACT_NEXT:
    case NQM_ACT_BACK:
        return scene_key(app, a == NQM_ACT_NEXT ? NQM_REACT_NEXT : NQM_REACT_BACK);
    case NQM_ACT_PRESETS:
        if (app->picker_count <= 0) {
            snprintf(app->message, sizeof app->message, "no presets found");
            return NQM_REACT_REPAINT;
        }
        app->picker = 1;
        return NQM_REACT_REPAINT;
    case NQM_ACT_EXPORT:
        return NQM_REACT_EXPORT | NQM_REACT_REPAINT;
    case NQM_ACT_HELP:
        app->help = 1;
        return NQM_REACT_REPAINT;
    case NQM_ACT_QUIT:
        return NQM_REACT_QUIT;
    case NQM_ACT_REDRAW:
        return NQM_REACT_REDRAW;
    default:
        return 0;
    }
}

unsigned nqm_app_key(nqm_app *app, const nqm_config *cfg, int key, nqm_rate rate)
{
    app->eta_asked = rate.eta;
    if (app->help) {
        app->help = 0;
        return NQM_REACT_REDRAW;
    }
    if (app->picker)
        return picker_key(app, key);
    nqm_action a = nqm_key_action(key);
    if (a == NQM_ACT_NONE)
        return 0;
    app->message[0] = '\0';
    return action_key(app, cfg, a, key, rate) | NQM_REACT_REPAINT;
}

void nqm_app_export_name(char *buf, size_t len, const char *preset, const struct tm *tm,
                         int attempt)
{
    char name[NQM_NAME_LEN];
    size_t i = 0;
    for (; preset && preset[i] && i + 1 < sizeof name; i++) {
        unsigned char ch = (unsigned char)preset[i];
        name[i] = (isalnum(ch) || ch == '.' || ch == '_' || ch == '-') && ch < 128 ? (char)ch : '_';
    }
    name[i] = '\0';
    if (i == 0)
        snprintf(name, sizeof name, "run");
    char suffix[16] = "";
    if (attempt > 1)
        snprintf(suffix, sizeof suffix, "-%d", attempt);
    snprintf(buf, len, "nqmtop-%s-%04d%02d%02d-%02d%02d%02d%s.csv", name, tm->tm_year + 1900,
             tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, suffix);
}
