/* screen.c: the interactive screen as a canvas (see screen.h). It decides
 * what is shown where; the charts themselves are chart.c's, the geometry
 * layout.c's, and the terminal ui.c's. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/train/loss.h"
#include "nqmtop/train/optim.h"
#include "nqmtop/view/chart.h"
#include "nqmtop/view/layout.h"
#include "nqmtop/app/screen.h"

enum { SEGMENTS_MAX = 24, SEGMENT_LEN = 96 };

/* Decades the log loss axis spans below its top: enough for a catapult's
 * rise and fall, while the converged tail rests on the floor. */
#define LOSS_DECADES 10

/* A piece of a status line in one colour. */
typedef struct {
    char text[SEGMENT_LEN];
    nqm_color color;
    int drop; /* 0: always shown; higher numbers give way first */
} segment;

typedef struct {
    int n;
    segment seg[SEGMENTS_MAX];
} segments;

typedef enum { CHART_LOSS, CHART_G, CHART_LAMBDA1, CHART_LAMBDA2, CHART_KINDS } chart_kind;

static const nqm_color run_colors[NQM_SCREEN_MAX_RUNS] = {NQM_COLOR_SERIES1, NQM_COLOR_SERIES2,
                                                          NQM_COLOR_SERIES3};
static const nqm_line_style run_styles[NQM_SCREEN_MAX_RUNS] = {NQM_LINE_SOLID, NQM_LINE_DASHED,
                                                               NQM_LINE_DOTTED};

/* Each model's mark on its curve when a chart has more than one (the
 * sweep view marks its points alike). */
static uint32_t model_mark(nqm_model_kind m)
{
    switch (m) {
    case MODEL_NET:
        return '*';
    case MODEL_QUAD:
        return 'o';
    case MODEL_LIN:
        return 'x';
    case MODEL_THEORY:
        return '@';
    default:
        return '+';
    }
}

static void add(segments *s, int drop, nqm_color color, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(segments *s, int drop, nqm_color color, const char *fmt, ...)
{
    if (s->n >= SEGMENTS_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->seg[s->n].text, SEGMENT_LEN, fmt, ap);
    va_end(ap);
    s->seg[s->n].color = color;
    s->seg[s->n].drop = drop;
    s->n++;
}

/* The run whose phases and regime the screen reports. */
static const nqm_run *reference_run(const nqm_screen *sc)
{
    return nqm_runs_reference(sc->runs, sc->nruns);
}

/* A value as the readout shows it: three significant digits, compact
 * exponents (1.6e-11), inf and nan spelled out. */
static void format_value(double v, char *buf, size_t len)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    snprintf(buf, len, "%.3g", v);
    nqm_compact_exponent(buf);
}

/* A run's series at the readout's step: the cursor's (the last step of
 * the history bucket that holds it) or the latest. */
static double readout_value(const nqm_screen *sc, const nqm_run *run, int series)
{
    long t = sc->app->cursor;
    nqm_envelope e;
    if (t < 0)
        return nqm_history_last(run->hist, series);
    return nqm_history_envelope(run->hist, series, t, t, &e) ? e.last : NAN;
}

/* The readout's step (the cursor's, or the latest). */
static long readout_step(const nqm_screen *sc)
{
    return sc->app->cursor >= 0 ? sc->app->cursor : nqm_run_record(sc->runs[0])->step;
}

/* Whether the main run has a test set (its test loss is a number). */
static int has_test_set(const nqm_screen *sc)
{
    return !isnan(nqm_run_record(sc->runs[0])->test_loss);
}

/* A width the way people say it: 1000, 5000, 1e+09. */
static void format_width(long m, char *buf, size_t len)
{
    if (m >= 1000000)
        snprintf(buf, len, "%.3g", (double)m);
    else
        snprintf(buf, len, "%ld", m);
}

/* "net/quad/lin": the models compare mode runs, in buf. */
static const char *compared_models(const nqm_screen *sc, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < sc->nruns && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "/" : "",
                                 nqm_model_name(nqm_run_model(sc->runs[i])));
    return buf;
}

static void model_segment(const nqm_screen *sc, segments *s)
{
    const nqm_config *cfg = sc->cfg;
    const char *act = nqm_activation_name(cfg->activation);
    char width[32], names[64];
    if (sc->nruns > 1)
        add(s, 0, NQM_COLOR_STATUS, "%s·%s", compared_models(sc, names, sizeof names), act);
    else if (cfg->model == MODEL_GQM)
        add(s, 0, NQM_COLOR_STATUS, "gqm γ=%g", cfg->gamma);
    else
        add(s, 0, NQM_COLOR_STATUS, "%s·%s", nqm_model_name(nqm_run_model(sc->runs[0])), act);
    if (cfg->network == NETWORK_MLP)
        add(s, 0, NQM_COLOR_STATUS, "mlp depth %d", cfg->depth);
    else if (cfg->network == NETWORK_CNN)
        add(s, 0, NQM_COLOR_STATUS, "cnn");
    if (sc->theory)
        add(s, 0, NQM_COLOR_STATUS, "+theory");
    format_width(cfg->width, width, sizeof width);
    if (cfg->model != MODEL_GQM || sc->nruns > 1)
        add(s, 2, NQM_COLOR_STATUS, "m=%s", width);
    if (cfg->batch_size > 0)
        add(s, 1, NQM_COLOR_STATUS, "SGD batch %d", cfg->batch_size);
    if (nqm_config_n(cfg) > 1)
        add(s, 3, NQM_COLOR_STATUS, "n=%d", nqm_config_n(cfg));
    if (nqm_config_d(cfg) > 1)
        add(s, 3, NQM_COLOR_STATUS, "d=%d", nqm_config_d(cfg));
    add(s, 3, NQM_COLOR_STATUS, "seed %lu", sc->app->seed);
}

/* Whether 4/lambda1(0) is the model's own edge of the catapult window:
 * the relu NQM's and the uv model's (a two-layer linear network and its
 * quadratic model), where theory puts it. Elsewhere it is only a number:
 * the tanh NQM's window ends near 1.45 eta_crit, a relu network's units
 * die instead of diverging, a linear model diverges at eta_crit. */
static int edge_is_known(const nqm_screen *sc)
{
    const nqm_config *cfg = sc->cfg;
    nqm_model_kind model = nqm_run_model(reference_run(sc));
    if (cfg->network != NETWORK_TWO_LAYER)
        return 0;
    if (cfg->activation == ACT_RELU)
        return model == MODEL_QUAD;
    return cfg->activation == ACT_LINEAR && (model == MODEL_NET || model == MODEL_QUAD);
}

/* The catapult window's upper edge: "η_max=…" (= 4/λ₁(0)) where it is
 * known, else the number 4/λ₁(0) under its own name (none for a linear
 * model, whose edge is η_crit). */
static void edge_segment(const nqm_screen *sc, segments *s)
{
    double four = nqm_session_eta_max(reference_run(sc)->session);
    if (edge_is_known(sc))
        add(s, 1, NQM_COLOR_STATUS, "η_max=%.4g", four);
    else if (nqm_run_model(reference_run(sc)) != MODEL_LIN)
        add(s, 4, NQM_COLOR_STATUS, "4/λ₁(0)=%.4g", four);
}

/* The update rule and the schedule when they are not plain GD at a
 * constant rate: "momentum β=0.9", "warmup 100 → cosine 500". */
static void optimizer_segment(const nqm_screen *sc, segments *s)
{
    const nqm_config *cfg = nqm_session_config(reference_run(sc)->session);
    const double wd = cfg->weight_decay;
    switch (cfg->optimizer) {
    case OPT_MOMENTUM:
    case OPT_NESTEROV:
        add(s, 1, NQM_COLOR_TITLE, "%s β=%.3g", nqm_optimizer_name(cfg->optimizer), cfg->momentum);
        break;
    case OPT_ADAM:
        add(s, 1, NQM_COLOR_TITLE, "adam β=%.3g,%.4g", cfg->momentum, cfg->beta2);
        break;
    default:
        break;
    }
    if (wd > 0)
        add(s, 3, NQM_COLOR_STATUS, "%s %.3g", cfg->optimizer == OPT_ADAM ? "decay" : "L2", wd);
    if (nqm_schedule_moves(cfg))
        add(s, 1, NQM_COLOR_TITLE, "η(t)=%.4g", nqm_run_record(reference_run(sc))->eta);
    if (cfg->warmup_steps > 0)
        add(s, 2, NQM_COLOR_STATUS, "warmup %ld", cfg->warmup_steps);
    if (cfg->schedule == SCHED_COSINE)
        add(s, 2, NQM_COLOR_STATUS, "cosine %ld", cfg->decay_steps);
    else if (cfg->schedule == SCHED_STEP)
        add(s, 2, NQM_COLOR_STATUS, "×%.3g/%ld", cfg->step_factor, cfg->step_every);
}

static void line1_segments(const nqm_screen *sc, segments *s)
{
    const nqm_session *ref = reference_run(sc)->session;
    double eta = nqm_session_eta(ref), eta_crit = nqm_session_eta_crit(ref);
    add(s, 0, NQM_COLOR_TITLE, "%s", sc->cfg->preset[0] ? sc->cfg->preset : "nqmtop");
    model_segment(sc, s);
    add(s, 0, NQM_COLOR_TITLE, "η=%.4g = %.2f⋅η_crit", eta, eta / eta_crit);
    add(s, 1, NQM_COLOR_STATUS, "η_crit=%.4g", eta_crit);
    optimizer_segment(sc, s);
    edge_segment(sc, s);
    add(s, 3, NQM_COLOR_STATUS, "loss %s", nqm_loss_name(sc->cfg->loss));
}

static void state_segment(const nqm_screen *sc, segments *s)
{
    char diverged[64] = "";
    if (sc->badge)
        add(s, 0, NQM_COLOR_WARNING, "%s", sc->badge);
    size_t used = 0;
    for (int i = 0; i < sc->nruns; i++)
        if (nqm_run_diverged(sc->runs[i]) && used < sizeof diverged)
            used += (size_t)snprintf(diverged + used, sizeof diverged - used, "%s%s",
                                     used ? "," : "", nqm_model_name(nqm_run_model(sc->runs[i])));
    if (used && sc->nruns > 1)
        add(s, 0, NQM_COLOR_WARNING, "DIVERGED: %s", diverged);
    else if (used)
        add(s, 0, NQM_COLOR_WARNING, "DIVERGED (r or a lower η restarts)");
    if (sc->app->paused)
        add(s, 0, NQM_COLOR_WARNING, "PAUSED");
    else if (nqm_app_at_end(sc->app) && !sc->app->diverged && sc->app->settled &&
             sc->app->length > 0)
        add(s, 0, NQM_COLOR_WARNING, "END: settled (space: on to %ld)", sc->app->length);
    else if (nqm_app_at_end(sc->app) && !sc->app->diverged)
        add(s, 0, NQM_COLOR_WARNING, "END of %ld steps (space goes on)", sc->app->stop_at);
}

/* eta * lambda_max / 2 at the cursor's step, from the history. */
static double readout_edge(const nqm_screen *sc, const nqm_run *run)
{
    double top = NAN;
    for (int k = 0; k < run->eigs; k++) {
        double v = readout_value(sc, run, NQM_SERIES_LAMBDA + k);
        top = isnan(top) || v > top ? v : top;
    }
    if (nqm_optim_preconditioned(nqm_session_config(run->session)))
        top = readout_value(sc, run, NQM_SERIES_LAMBDA_P);
    return readout_value(sc, run, NQM_SERIES_ETA) * top / nqm_session_edge_c(run->session);
}

static void phase_segment(const nqm_screen *sc, segments *s)
{
    const nqm_run *ref = reference_run(sc);
    const nqm_phase_summary *ph = &ref->summary.phases;
    char regime[32];
    snprintf(regime, sizeof regime, "%s", nqm_regime_name(ph->regime));
    for (char *p = regime; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    const nqm_record *rec = nqm_run_record(ref);
    char period[16] = "";
    if (ph->period > 0)
        snprintf(period, sizeof period, " %d", ph->period);
    int alarm = ph->regime == REGIME_DIVERGENT || ph->regime == REGIME_COLLAPSED;
    add(s, 0, alarm ? NQM_COLOR_WARNING : NQM_COLOR_TITLE, "%s%s · %s", regime, period,
        nqm_phase_name(rec->phase));
    double edge = sc->app->cursor >= 0 ? readout_edge(sc, ref) : rec->edge;
    if (isfinite(edge))
        add(s, 1, NQM_COLOR_STATUS, "ηλ₁%s/%.3g=%.3f",
            nqm_optim_preconditioned(sc->cfg) ? "(P)" : "", nqm_session_edge_c(ref->session), edge);
    if (isfinite(rec->sharpness))
        add(s, 1, NQM_COLOR_STATUS, "sharp−λ₁=%+.3g", rec->sharpness - rec->lambda_max);
    if (!isnan(rec->active))
        add(s, 1, rec->active == 0 ? NQM_COLOR_WARNING : NQM_COLOR_STATUS, "active %.0f%%",
            100 * rec->active);
    if (ref->summary.spikes > 0)
        add(s, 1, NQM_COLOR_STATUS, "%ld spike%s", ref->summary.spikes,
            ref->summary.spikes == 1 ? "" : "s");
    if (ph->peak_step >= 0 && ph->T1 >= 0) {
        char peak[32];
        format_value(ph->peak_loss, peak, sizeof peak);
        add(s, 2, NQM_COLOR_STATUS, "peak %s at %ld", peak, ph->peak_step);
    }
    if (ph->T1 >= 0) {
        char t4[24] = "?";
        if (ph->T4 >= 0)
            snprintf(t4, sizeof t4, "%ld", ph->T4);
        add(s, 3, NQM_COLOR_STATUS, "T1 %ld T2 %ld T3 %ld T4 %s", ph->T1, ph->T2, ph->T3, t4);
    }
}

/* What the charts' titles do not show: the test set's loss and accuracy,
 * and eigenvalues beyond the second. */
static void readout_segments(const nqm_screen *sc, segments *s)
{
    const nqm_run *ref = reference_run(sc);
    if (has_test_set(sc)) {
        char loss[32];
        format_value(readout_value(sc, ref, NQM_SERIES_TEST_LOSS), loss, sizeof loss);
        add(s, 1, NQM_COLOR_STATUS, "test loss %s, %.1f%% right", loss,
            100 * readout_value(sc, ref, NQM_SERIES_TEST_ACCURACY));
    }
    for (int k = 2; k < ref->eigs; k++) {
        char v[32];
        format_value(readout_value(sc, ref, NQM_SERIES_LAMBDA + k), v, sizeof v);
        add(s, 3, NQM_COLOR_STATUS, "λ%d=%s", k + 1, v);
    }
}

static void line2_segments(const nqm_screen *sc, segments *s)
{
    const nqm_app *app = sc->app;
    char rate[32];
    nqm_chart_format_steps(lround(sc->steps_per_second), rate, sizeof rate);
    add(s, 0, NQM_COLOR_STATUS, "step %ld", nqm_run_record(sc->runs[0])->step);
    if (app->cursor >= 0)
        add(s, 0, NQM_COLOR_TITLE, "cursor at step %ld", readout_step(sc));
    if (app->speed == NQM_SPEED_AUTO)
        add(s, 3, NQM_COLOR_STATUS, "%s steps/s (auto)", rate);
    else if (isinf(nqm_app_rate(app)))
        add(s, 3, NQM_COLOR_STATUS, "%s steps/s (max)", rate);
    else
        add(s, 3, NQM_COLOR_STATUS, "%s steps/s (of %g)", rate, nqm_app_rate(app));
    state_segment(sc, s);
    phase_segment(sc, s);
    readout_segments(sc, s);
}

static int segments_width(const segments *s, nqm_glyphs glyphs)
{
    int w = 1;
    for (int i = 0; i < s->n; i++)
        w += nqm_text_width(s->seg[i].text, glyphs) + (i ? 2 : 0);
    return w;
}

/* Drop the most expendable segment (the last of the highest rank). */
static int drop_one(segments *s)
{
    int worst = -1;
    for (int i = 0; i < s->n; i++)
        if (s->seg[i].drop > 0 && (worst < 0 || s->seg[i].drop >= s->seg[worst].drop))
            worst = i;
    if (worst < 0)
        return 0;
    memmove(&s->seg[worst], &s->seg[worst + 1], (size_t)(s->n - worst - 1) * sizeof s->seg[0]);
    s->n--;
    return 1;
}

/* Draw a line of segments, leaving out expendable ones until it fits. */
static void draw_segments(nqm_canvas *cv, int y, int width, segments *s)
{
    nqm_glyphs glyphs = nqm_canvas_glyphs(cv);
    while (segments_width(s, glyphs) > width && drop_one(s))
        ;
    int x = 1;
    for (int i = 0; i < s->n; i++)
        x += nqm_canvas_text(cv, x, y, s->seg[i].text, s->seg[i].color) + 2;
}

static void draw_status(nqm_canvas *cv, const nqm_layout *lay, const nqm_screen *sc)
{
    segments a = {0}, b = {0};
    line1_segments(sc, &a);
    line2_segments(sc, &b);
    nqm_canvas_clip(cv, lay->status);
    draw_segments(cv, lay->status.y, lay->status.w, &a);
    draw_segments(cv, lay->status.y + 1, lay->status.w, &b);
    nqm_canvas_unclip(cv);
}

/* One key hint: an action's first key (or a pair) and a word; hints of
 * higher `drop` give way first when the bar is too narrow, those of 0
 * (help, quit) always show. */
typedef struct {
    nqm_action a, b;
    const char *word;
    int drop;
} key_hint;

static const key_hint key_hints[] = {
    {NQM_ACT_PAUSE, NQM_ACT_NONE, "pause", 1},
    {NQM_ACT_ETA_UP, NQM_ACT_ETA_DOWN, "η", 2},
    {NQM_ACT_ETA_DIGIT, NQM_ACT_NONE, "η=k/4⋅η_crit", 7},
    {NQM_ACT_COMPARE, NQM_ACT_NONE, "compare", 3},
    {NQM_ACT_THEORY, NQM_ACT_NONE, "theory", 4},
    {NQM_ACT_MODEL, NQM_ACT_NONE, "model", 6},
    {NQM_ACT_RESTART, NQM_ACT_NONE, "restart", 5},
    {NQM_ACT_HELP, NQM_ACT_NONE, "help", 0},
    {NQM_ACT_QUIT, NQM_ACT_NONE, "quit", 0},
};
enum { KEY_HINTS = sizeof key_hints / sizeof key_hints[0] };

/* The keys of a hint as the bar shows them: "space", "+/-", "1-9". */
static void hint_keys(const key_hint *h, char *key, size_t len)
{
    nqm_key_name(nqm_action_keys(h->a)[0], key, len);
    if (h->a == NQM_ACT_ETA_DIGIT)
        nqm_action_label(h->a, key, len);
    if (h->b != NQM_ACT_NONE) {
        char second[16];
        nqm_key_name(nqm_action_keys(h->b)[0], second, sizeof second);
        strncat(key, "/", len - strlen(key) - 1);
        strncat(key, second, len - strlen(key) - 1);
    }
}

static int hint_width(const key_hint *h, nqm_glyphs glyphs)
{
    char key[32];
    hint_keys(h, key, sizeof key);
    return nqm_text_width(key, glyphs) + 1 + nqm_text_width(h->word, glyphs);
}

/* Which hints fit in `width` cells (shown[i]), giving way in order of
 * drop, only those of drop 0 when `only_fixed`; returns the cells taken. */
static int choose_hints(int width, int only_fixed, nqm_glyphs glyphs, int shown[KEY_HINTS])
{
    int total = 0, n = 0;
    for (int i = 0; i < KEY_HINTS; i++) {
        shown[i] = !only_fixed || key_hints[i].drop == 0;
        total += shown[i] ? hint_width(&key_hints[i], glyphs) + 2 * (n++ > 0) : 0;
    }
    while (total > width) {
        int worst = -1;
        for (int i = 0; i < KEY_HINTS; i++)
            if (shown[i] && key_hints[i].drop > 0 &&
                (worst < 0 || key_hints[i].drop > key_hints[worst].drop))
                worst = i;
        if (worst < 0)
            break;
        shown[worst] = 0;
        total -= hint_width(&key_hints[worst], glyphs) + 2;
    }
    return total;
}

/* The hints chosen, from column x of row y. */
static void draw_hints(nqm_canvas *cv, int x, int y, const int shown[KEY_HINTS])
{
    for (int i = 0; i < KEY_HINTS; i++) {
        if (!shown[i])
            continue;
        char key[32];
        hint_keys(&key_hints[i], key, sizeof key);
        x += nqm_canvas_text(cv, x, y, key, NQM_COLOR_TITLE) + 1;
        x += nqm_canvas_text(cv, x, y, key_hints[i].word, NQM_COLOR_STATUS) + 2;
    }
}

/* Bytes of the first line of text wrapped at width cells: whole words
 * while they fit (a word wider than a line is cut); *next is where the
 * next line starts, past the spaces. */
static size_t wrap_line(const char *text, int width, nqm_glyphs glyphs, const char **next)
{
    char buf[512];
    size_t fit = 0, n = strlen(text);
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    for (size_t end = 0; end < n;) {
        while (end < n && text[end] != ' ')
            end++;
        memcpy(buf, text, end);
        buf[end] = '\0';
        if (nqm_text_width(buf, glyphs) > width)
            break;
        fit = end;
        while (end < n && text[end] == ' ')
            end++;
    }
    for (size_t end = 0; fit == 0 && end < n;) { /* one long word: as much as fits */
        size_t after = end + 1;
        while (after < n && ((unsigned char)text[after] & 0xC0) == 0x80)
            after++;
        memcpy(buf, text, after);
        buf[after] = '\0';
        if (nqm_text_width(buf, glyphs) > width && end > 0)
            fit = end;
        else if (after >= n)
            fit = after;
        end = after;
    }
    const char *rest = text + fit;
    while (*rest == ' ')
        rest++;
    *next = rest;
    return fit;
}

/* Lines text takes wrapped at width cells. */
static int wrapped_lines(const char *text, int width, nqm_glyphs glyphs)
{
    int lines = 0;
    while (*text && width > 0) {
        wrap_line(text, width, glyphs, &text);
        lines++;
    }
    return lines > 0 ? lines : 1;
}

/* Text wrapped at width cells from (x, y), at most max_rows rows (the
 * last cut there); returns the rows written. */
static int draw_wrapped(nqm_canvas *cv, int x, int y, int width, int max_rows, const char *text,
                        nqm_color color)
{
    nqm_glyphs glyphs = nqm_canvas_glyphs(cv);
    int rows = 0;
    while (*text && rows < max_rows && width > 0) {
        char line[512];
        const char *next;
        size_t n = wrap_line(text, width, glyphs, &next);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, text, n);
        line[n] = '\0';
        nqm_canvas_text(cv, x, y + rows++, line, color);
        text = next;
    }
    return rows;
}

/* The key bar: the hints that fit, help and quit always. With a status
 * note the note comes first, whole, wrapped over the rows above the bar
 * when one row is too short, and only help and quit share the bar. */
static void draw_keys(nqm_canvas *cv, const nqm_layout *lay, const char *note)
{
    nqm_glyphs glyphs = nqm_canvas_glyphs(cv);
    int shown[KEY_HINTS], y = lay->keys.y, w = lay->keys.w;
    int hints_w = choose_hints(w - 1, note[0] != '\0', glyphs, shown);
    nqm_canvas_clip(cv, lay->keys);
    if (!note[0]) {
        draw_hints(cv, 1, y, shown);
        nqm_canvas_unclip(cv);
        return;
    }
    draw_hints(cv, w - hints_w, y, shown);
    int note_w = w - hints_w - 3, rows = wrapped_lines(note, note_w, glyphs);
    nqm_rect above = {0, y - rows + 1, w, rows - 1}, left = {0, y, note_w + 2, 1};
    nqm_canvas_clip(cv, (nqm_rect){0, above.y, w, rows});
    nqm_canvas_fill(cv, above, ' ', NQM_COLOR_DEFAULT);
    nqm_canvas_fill(cv, left, ' ', NQM_COLOR_DEFAULT);
    draw_wrapped(cv, 1, above.y, note_w, rows, note, NQM_COLOR_WARNING);
    nqm_canvas_unclip(cv);
}

static const char *model_label(const nqm_run *run) { return nqm_model_name(nqm_run_model(run)); }

/* The series `series` of every run (and of the theory overlay); with
 * more than one curve each has its own line style and mark, so they are
 * told apart without colour and in ASCII. */
static void add_runs(nqm_chart_spec *spec, const nqm_screen *sc, int series)
{
    int labelled = sc->nruns > 1 || sc->theory;
    for (int i = 0; i < sc->nruns; i++) {
        const nqm_run *run = sc->runs[i];
        if (series >= NQM_SERIES_LAMBDA + run->eigs)
            continue;
        int k = nqm_chart_add_series(spec, run->hist, series, run_colors[i],
                                     sc->nruns > 1 ? run_styles[i] : NQM_LINE_SOLID,
                                     labelled ? model_label(run) : NULL);
        if (k >= 0 && labelled)
            spec->series[k].mark = model_mark(nqm_run_model(run));
    }
    if (sc->theory && series < NQM_SERIES_LAMBDA + sc->theory->eigs) {
        int k = nqm_chart_add_series(spec, sc->theory->hist, series, NQM_COLOR_SERIES4,
                                     NQM_LINE_DASHDOT, "theory");
        if (k >= 0)
            spec->series[k].mark = model_mark(MODEL_THEORY);
    }
}

static void add_phases(nqm_chart_spec *spec, const nqm_screen *sc)
{
    const nqm_run *ref = reference_run(sc);
    const nqm_phase_summary *ph = &ref->summary.phases;
    spec->phase_hist = ref->hist;
    spec->phase_series = NQM_SERIES_PHASE;
    spec->boundary[0] = ph->T1;
    spec->boundary[1] = ph->T2;
    spec->boundary[2] = ph->T3;
    spec->boundary[3] = ph->T4;
}

/* Texts a chart's spec points to; they live as long as the drawing. */
typedef struct {
    char title[128];
    char short_title[64]; /* when the legend needs the room */
    char note[96];
    char edge[2][24]; /* the thresholds' labels */
} chart_texts;

/* The rule's thresholds c/η and 2c/η (2/η and 4/η for GD). Under a
 * schedule they follow η(t) over time, labelled at the rate in force. */
static void add_edges(nqm_chart_spec *spec, chart_texts *tx, const nqm_screen *sc)
{
    const nqm_run *ref = reference_run(sc);
    const nqm_config *cfg = nqm_session_config(ref->session);
    const double c = nqm_session_edge_c(ref->session);
    const int moving = nqm_schedule_moves(cfg);
    const double eta = moving ? nqm_run_record(ref)->eta : nqm_session_eta(ref->session);
    const nqm_color colors[2] = {NQM_COLOR_THRESHOLD2, NQM_COLOR_THRESHOLD4};
    for (int i = 0; i < 2; i++) {
        snprintf(tx->edge[i], sizeof tx->edge[i], "%.3g/η%s", (i + 1) * c, moving ? "(t)" : "");
        int k = nqm_chart_add_threshold(spec, (i + 1) * c / eta, tx->edge[i], colors[i],
                                        NQM_FIT_NEAREST);
        if (k >= 0 && moving) {
            spec->threshold[k].hist = ref->hist;
            spec->threshold[k].series = i ? NQM_SERIES_EDGE2 : NQM_SERIES_EDGE;
        }
    }
}

/* Beside lambda1, the eigenvalue a rule's edge speaks of when it is not
 * lambda1's: Adam's preconditioned one, and under SGD that of each
 * step's batch kernel (its spikes start where it crosses 2/η); and the
 * loss Hessian's top eigenvalue when sharpness_every measures it. */
static void add_preconditioned(nqm_chart_spec *spec, const nqm_screen *sc)
{
    const nqm_run *ref = reference_run(sc);
    const nqm_config *cfg = nqm_session_config(ref->session);
    int k = -1;
    if (nqm_optim_preconditioned(cfg)) {
        k = nqm_chart_add_series(spec, ref->hist, NQM_SERIES_LAMBDA_P, NQM_COLOR_SERIES2,
                                 NQM_LINE_DASHED, "λ1(P)");
        if (k >= 0)
            spec->series[k].mark = 'p';
    } else if (cfg->batch_size > 0 && cfg->batch_size < nqm_config_n(cfg)) {
        k = nqm_chart_add_series(spec, ref->hist, NQM_SERIES_LAMBDA_BATCH, NQM_COLOR_SERIES2,
                                 NQM_LINE_DOTTED, "λ1(batch)");
        if (k >= 0)
            spec->series[k].mark = 'b';
    }
    if (cfg->sharpness_every > 0) {
        k = nqm_chart_add_series(spec, ref->hist, NQM_SERIES_SHARPNESS, NQM_COLOR_SERIES3,
                                 NQM_LINE_DASHED, "sharpness");
        if (k >= 0)
            spec->series[k].mark = 'h';
    }
}

/* A run whose peak is this many times that of the calmest run is running
 * away (lin above eta_crit): compare charts leave it out of their range. */
#define RUNAWAY_FACTOR 1e3

/* Peak of a chart series over the whole run (the largest |value|). */
static double series_peak(const nqm_chart_series *se)
{
    nqm_envelope e;
    if (!nqm_history_envelope(se->hist, se->series, 0, nqm_history_last_step(se->hist), &e))
        return NAN;
    return fmax(fabs(e.min), fabs(e.max));
}

static int series_diverged(const nqm_chart_series *se, const nqm_screen *sc)
{
    for (int r = 0; r < sc->nruns; r++)
        if (sc->runs[r]->hist == se->hist)
            return nqm_run_diverged(sc->runs[r]);
    return 0;
}

/* In compare mode, fix the y range to the runs that neither diverged nor
 * run away, so the survivors stay readable; the others leave the plot at
 * its edge (the chart marks where). */
static void range_of_survivors(nqm_chart_spec *spec, const nqm_screen *sc)
{
    if (sc->nruns < 2)
        return;
    double peak[NQM_CHART_MAX_SERIES], calmest = INFINITY;
    for (int i = 0; i < spec->nseries; i++) {
        peak[i] = series_diverged(&spec->series[i], sc) ? NAN : series_peak(&spec->series[i]);
        if (peak[i] > 0 && peak[i] < calmest)
            calmest = peak[i];
    }
    double lo = NAN, hi = NAN;
    int left_out = 0;
    for (int i = 0; i < spec->nseries; i++) {
        nqm_envelope e;
        const nqm_chart_series *se = &spec->series[i];
        if (!isfinite(peak[i]) || peak[i] > RUNAWAY_FACTOR * calmest ||
            !nqm_history_envelope(se->hist, se->series, 0, nqm_history_last_step(se->hist), &e)) {
            left_out = 1;
            continue;
        }
        lo = isnan(lo) || e.min < lo ? e.min : lo;
        hi = isnan(hi) || e.max > hi ? e.max : hi;
    }
    if (!left_out || !isfinite(lo) || !isfinite(hi))
        return;
    if (spec->log_y) {
        spec->y_max = hi * 10;
        return;
    }
    double pad = hi > lo ? 0.1 * (hi - lo) : fmax(fabs(hi), 1.0);
    spec->y_min = lo - pad;
    spec->y_max = hi + pad;
}

/* "loss 0.0261 ": a main run's value at the readout's step for a title,
 * or "loss " in compare mode, where the legend names several runs. */
static void title_value(const nqm_screen *sc, int series, const char *name, char *buf, size_t len)
{
    char v[32] = "";
    if (sc->nruns == 1)
        format_value(readout_value(sc, sc->runs[0], series), v, sizeof v);
    snprintf(buf, len, "%s%s%s", name, v[0] ? " " : "", v);
}

static void loss_spec(nqm_chart_spec *spec, chart_texts *tx, const nqm_screen *sc)
{
    char head[48];
    title_value(sc, NQM_SERIES_LOSS, "loss", head, sizeof head);
    snprintf(tx->title, sizeof tx->title, "%s (%s, %s)", head, nqm_loss_name(sc->cfg->loss),
             sc->app->log_loss ? "log" : "linear");
    snprintf(tx->short_title, sizeof tx->short_title, "%s", head);
    nqm_chart_spec_init(spec, tx->title);
    spec->log_y = sc->app->log_loss;
    spec->log_decades = LOSS_DECADES;
    add_runs(spec, sc, NQM_SERIES_LOSS);
    if (sc->nruns == 1 && !sc->theory && has_test_set(sc)) {
        spec->series[0].label = "train";
        spec->series[0].mark = '+';
        int k = nqm_chart_add_series(spec, sc->runs[0]->hist, NQM_SERIES_TEST_LOSS,
                                     NQM_COLOR_SERIES2, NQM_LINE_DASHED, "test");
        if (k >= 0)
            spec->series[k].mark = 't';
    }
    range_of_survivors(spec, sc);
}

static void g_spec(nqm_chart_spec *spec, chart_texts *tx, const nqm_screen *sc)
{
    const nqm_run *main_run = sc->runs[0];
    const nqm_data *data = nqm_session_data(main_run->session);
    char head[48];
    title_value(sc, NQM_SERIES_G, data->n == 1 ? "g" : "g(x1)", head, sizeof head);
    snprintf(tx->short_title, sizeof tx->short_title, "%s", head);
    if (data->n == 1) {
        snprintf(tx->title, sizeof tx->title, "%s (target y = %g)", head, data->y[0]);
        nqm_chart_spec_init(spec, tx->title);
        add_runs(spec, sc, NQM_SERIES_G);
        range_of_survivors(spec, sc);
        nqm_chart_add_threshold(spec, data->y[0], "y", NQM_COLOR_AXIS, NQM_FIT_ALWAYS);
        return;
    }
    snprintf(tx->title, sizeof tx->title, "%s (x1 = %.3g%s)", head, data->X[0],
             sc->nruns > 1 ? "" : ", and RMS of all outputs");
    nqm_chart_spec_init(spec, tx->title);
    add_runs(spec, sc, NQM_SERIES_G);
    range_of_survivors(spec, sc);
    if (sc->nruns == 1 && !sc->theory) {
        spec->series[0].label = "x1";
        spec->series[0].mark = 'x';
        int k = nqm_chart_add_series(spec, main_run->hist, NQM_SERIES_GNORM, NQM_COLOR_SERIES2,
                                     NQM_LINE_DASHED, "rms");
        if (k >= 0)
            spec->series[k].mark = 'r';
    }
}

static void lambda_spec(nqm_chart_spec *spec, chart_texts *tx, const nqm_screen *sc, int k)
{
    const char *order =
        sc->cfg->eig_order == EIG_ORDER_SORTED ? "sorted" : "following eigendirections";
    char name[16], head[48];
    snprintf(name, sizeof name, "λ%d", k + 1);
    title_value(sc, NQM_SERIES_LAMBDA + k, name, head, sizeof head);
    if (sc->runs[0]->eigs <= k)
        snprintf(head, sizeof head, "%s", name);
    /* a loss with l'' != 1 weighs the kernel's rows and columns (loss.h) */
    const char *kernel = nqm_loss_weighted(sc->cfg->loss) ? "kernel weighted by l'', " : "";
    snprintf(tx->title, sizeof tx->title, "%s (%s%s)", head, kernel, order);
    snprintf(tx->short_title, sizeof tx->short_title, "%s%s", head,
             kernel[0] ? " (l''-weighted)" : "");
    nqm_chart_spec_init(spec, tx->title);
    add_runs(spec, sc, NQM_SERIES_LAMBDA + k);
    if (k == 0)
        add_preconditioned(spec, sc);
    add_edges(spec, tx, sc);
    if (sc->runs[0]->eigs <= k) {
        snprintf(tx->note, sizeof tx->note, "n=%d: %d eigenvalue%s only", nqm_config_n(sc->cfg),
                 sc->runs[0]->eigs, sc->runs[0]->eigs == 1 ? "" : "s");
        spec->note = tx->note;
    }
}

/* Which chart goes in slot i of a layout with n charts: the 2 x 2 grid
 * reads loss, g / lambda1, lambda2; fewer slots keep the most telling. */
static chart_kind chart_for_slot(int i, int n)
{
    static const chart_kind grid[CHART_KINDS] = {CHART_LOSS, CHART_G, CHART_LAMBDA1, CHART_LAMBDA2};
    static const chart_kind priority[CHART_KINDS] = {CHART_LOSS, CHART_LAMBDA1, CHART_G,
                                                     CHART_LAMBDA2};
    return n == CHART_KINDS ? grid[i] : priority[i];
}

/* The short title when the full one leaves no room for the legend. */
static void fit_title(nqm_chart_spec *spec, const chart_texts *tx, int width, nqm_glyphs glyphs)
{
    int need = 4 + nqm_text_width(tx->title, glyphs);
    for (int i = 0; i < spec->nseries; i++)
        if (spec->series[i].label)
            need += 6 + nqm_text_width(spec->series[i].label, glyphs);
    if (need > width && tx->short_title[0])
        spec->title = tx->short_title;
}

/* The spec of one chart (its texts in tx, which must outlive it). */
static void chart_spec(nqm_chart_spec *spec, chart_texts *tx, chart_kind kind, const nqm_screen *sc)
{
    *tx = (chart_texts){"", "", "", {"", ""}};
    switch (kind) {
    case CHART_LOSS:
        loss_spec(spec, tx, sc);
        break;
    case CHART_G:
        g_spec(spec, tx, sc);
        break;
    default:
        lambda_spec(spec, tx, sc, kind == CHART_LAMBDA1 ? 0 : 1);
        break;
    }
    add_phases(spec, sc);
    spec->cursor = sc->app->cursor;
    spec->log_time = sc->app->log_time;
}

/* Every chart of the layout, their y labels as wide as the widest so the
 * time axes of charts stacked together line up (and T1..T4 with them). */
static int draw_charts(nqm_canvas *cv, const nqm_layout *lay, const nqm_screen *sc)
{
    nqm_chart_spec spec[NQM_LAYOUT_MAX_CHARTS];
    chart_texts tx[NQM_LAYOUT_MAX_CHARTS];
    int label_w = 0, rc = 0;
    for (int i = 0; i < lay->ncharts; i++) {
        chart_spec(&spec[i], &tx[i], chart_for_slot(i, lay->ncharts), sc);
        fit_title(&spec[i], &tx[i], lay->chart[i].w, nqm_canvas_glyphs(cv));
        int w = nqm_chart_label_width(lay->chart[i], &spec[i]);
        label_w = w > label_w ? w : label_w;
    }
    for (int i = 0; i < lay->ncharts; i++) {
        spec[i].label_width = label_w;
        if (nqm_chart_draw(cv, lay->chart[i], &spec[i], NULL) != 0)
            rc = -1;
    }
    return rc;
}

/* An empty framed box over r with a title; returns the inner rectangle. */
static nqm_rect overlay_box(nqm_canvas *cv, nqm_rect r, const char *title)
{
    nqm_canvas_fill(cv, r, ' ', NQM_COLOR_DEFAULT);
    nqm_canvas_box(cv, r, NQM_COLOR_AXIS);
    nqm_canvas_text(cv, r.x + 2, r.y, title, NQM_COLOR_TITLE);
    nqm_rect inner = {r.x + 2, r.y + 1, r.w - 4, r.h - 2};
    return inner;
}

/* Width of the widest key label of the actions. */
static int label_width(const nqm_action *acts, int n, nqm_glyphs glyphs)
{
    int w = 0;
    for (int i = 0; i < n; i++) {
        char label[64];
        int len = nqm_text_width(nqm_action_label(acts[i], label, sizeof label), glyphs);
        w = len > w ? len : w;
    }
    return w;
}

#define HELP_FOOTER "catapults for η_crit = 2/λ1(0) < η < η_max = 4/λ1(0)"

/* The help's entries laid out in `columns` columns of col_w cells: each
 * key label, then its text wrapped at words beside it. Entries go down
 * the first column until half the lines are used, then down the next.
 * Returns the rows the tallest column takes (first[c]: its first entry). */
static int help_rows(const nqm_action *acts, int n, int columns, int col_w, int lw,
                     nqm_glyphs glyphs, int first[3])
{
    int lines[NQM_ACT_COUNT], total = 0;
    for (int i = 0; i < n; i++)
        total += lines[i] = wrapped_lines(nqm_action_help(acts[i]), col_w - lw - 3, glyphs);
    int c = 0, used = 0, tallest = 0;
    first[0] = 0;
    for (int i = 0; i < n; i++) {
        if (c + 1 < columns && used > 0 && used + lines[i] > (total + columns - 1) / columns) {
            first[++c] = i;
            used = 0;
        }
        used += lines[i];
        tallest = used > tallest ? used : tallest;
    }
    for (c++; c <= columns && c < 3; c++)
        first[c] = n;
    return tallest;
}

/* Every action of the main keymap with its text wrapped at words: one
 * column when the rows allow it, else two; the box takes the whole
 * screen when the overlay is too short; the footer below the keys, or in
 * the bottom frame when the rows are all taken. */
static void draw_help(nqm_canvas *cv, const nqm_layout *lay)
{
    nqm_action acts[NQM_ACT_COUNT];
    nqm_glyphs glyphs = nqm_canvas_glyphs(cv);
    int n = nqm_keymap_actions(NQM_KEYS_MAIN, acts), first[3];
    int lw = label_width(acts, n, glyphs);
    nqm_rect box = lay->overlay, whole = {0, 0, nqm_canvas_width(cv), nqm_canvas_height(cv)};
    int columns = 1, rows = help_rows(acts, n, 1, box.w - 4, lw, glyphs, first);
    if (rows > box.h - 2) {
        columns = 2;
        rows = help_rows(acts, n, 2, (box.w - 4) / 2, lw, glyphs, first);
    }
    if (rows > box.h - 2) {
        box = whole;
        rows = help_rows(acts, n, columns, (box.w - 4) / columns, lw, glyphs, first);
    }
    nqm_rect in = overlay_box(cv, box, " keys (any key closes this help) ");
    int col_w = in.w / columns;
    nqm_canvas_clip(cv, in);
    for (int c = 0; c < columns; c++) {
        int y = in.y;
        for (int i = first[c]; i < first[c + 1]; i++) {
            char label[64];
            int x = in.x + c * col_w;
            nqm_canvas_text(cv, x, y, nqm_action_label(acts[i], label, sizeof label),
                            NQM_COLOR_DEFAULT);
            y += draw_wrapped(cv, x + lw + 2, y, col_w - lw - 3, in.y + in.h - y,
                              nqm_action_help(acts[i]), NQM_COLOR_DEFAULT);
        }
    }
    int footer = wrapped_lines(HELP_FOOTER, in.w, glyphs);
    if (rows + 1 + footer <= in.h) {
        draw_wrapped(cv, in.x, in.y + rows + 1, in.w, footer, HELP_FOOTER, NQM_COLOR_STATUS);
    } else if (nqm_text_width(HELP_FOOTER, glyphs) + 2 <= in.w) { /* in the bottom frame */
        nqm_canvas_clip(cv, box);
        nqm_canvas_text(cv, in.x, box.y + box.h - 1, " " HELP_FOOTER " ", NQM_COLOR_STATUS);
    }
    nqm_canvas_unclip(cv);
}

/* The widest preset name, at most `most` cells. */
static int name_width(const nqm_screen *sc, int most)
{
    int w = 0;
    for (size_t i = 0; i < sc->npresets; i++) {
        int n = (int)strlen(sc->presets[i].name);
        w = n > w ? n : w;
    }
    return w < most ? w : most;
}

/* One picker row: the marker, the name in a column nw wide and the
 * description after it, up to a word boundary and "…" when it is longer. */
static void picker_row(nqm_canvas *cv, nqm_rect in, int y, int nw, const nqm_preset_info *p,
                       int chosen)
{
    nqm_color color = chosen ? NQM_COLOR_TITLE : NQM_COLOR_DEFAULT;
    nqm_glyphs glyphs = nqm_canvas_glyphs(cv);
    nqm_canvas_text(cv, in.x, y, chosen ? ">" : " ", color);
    nqm_canvas_clip(cv, (nqm_rect){in.x + 2, y, nw, 1});
    nqm_canvas_text(cv, in.x + 2, y, p->name, color);
    nqm_canvas_clip(cv, in);
    int x = in.x + 3 + nw, room = in.x + in.w - x;
    if (room < 2)
        return;
    char text[512];
    const char *next;
    snprintf(text, sizeof text, "%s", p->description);
    if (nqm_text_width(text, glyphs) > room) {
        size_t cut = wrap_line(text, room - nqm_text_width("…", glyphs), glyphs, &next);
        snprintf(text + cut, sizeof text - cut, "…");
    }
    nqm_canvas_text(cv, x, y, text, color);
}

static void draw_picker(nqm_canvas *cv, const nqm_layout *lay, const nqm_screen *sc)
{
    nqm_rect in = overlay_box(cv, lay->overlay, " presets: ↑/↓ move, Enter loads, Esc closes ");
    nqm_canvas_clip(cv, in);
    int sel = sc->app->picker_sel, rows = in.h, nw = name_width(sc, in.w / 2);
    int first = rows > 0 && sel >= rows ? sel - rows + 1 : 0;
    for (int i = 0; i < rows && (size_t)(first + i) < sc->npresets; i++)
        picker_row(cv, in, in.y + i, nw, &sc->presets[first + i], first + i == sel);
    nqm_canvas_unclip(cv);
}

/* "terminal too small" with the size needed and the size it is, wrapped
 * at words and centred in r: the shortest form that fits (cut when r is
 * smaller still). */
static void draw_too_small(nqm_canvas *cv, nqm_rect r)
{
    static const char *const forms[] = {"terminal too small: needs at least %dx%d, this is %dx%d",
                                        "too small: needs %dx%d, is %dx%d",
                                        "needs %dx%d, is %dx%d"};
    nqm_glyphs glyphs = nqm_canvas_glyphs(cv);
    char text[128];
    int rows = 0;
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        snprintf(text, sizeof text, forms[f], NQM_LAYOUT_MIN_COLS, NQM_LAYOUT_MIN_ROWS, r.w, r.h);
        rows = wrapped_lines(text, r.w, glyphs);
        if (rows <= r.h)
            break;
    }
    int y = r.y + (rows < r.h ? (r.h - rows) / 2 : 0);
    const char *p = text;
    for (int i = 0; i < rows && *p; i++) {
        char line[128];
        const char *next;
        size_t n = wrap_line(p, r.w, glyphs, &next);
        memcpy(line, p, n);
        line[n] = '\0';
        int w = nqm_text_width(line, glyphs);
        nqm_canvas_text(cv, r.x + (r.w > w ? (r.w - w) / 2 : 0), y + i, line, NQM_COLOR_WARNING);
        p = next;
    }
}

/* The layout with the caption bar's rows (heading and the demo's longest
 * caption) taken above the key hints; without the bar when the rest
 * would be too small. */
static nqm_rect layout_with_caption(const nqm_canvas *cv, const nqm_screen *sc, nqm_layout *lay)
{
    int w = nqm_canvas_width(cv), h = nqm_canvas_height(cv);
    int rows = sc->caption ? 1 + sc->caption->rows : 0;
    nqm_rect bar = {0, 0, 0, 0};
    nqm_layout_compute(w, h - rows, lay);
    if (rows == 0 || lay->too_small) {
        nqm_layout_compute(w, h, lay);
        return bar;
    }
    bar = (nqm_rect){0, lay->keys.y, w, rows};
    lay->keys.y += rows;
    return bar;
}

/* The projector view: the charts' area split between two charts, loss
 * and lambda1 (side by side when it is wide, else stacked; one chart
 * when two do not fit). */
static void big_layout(nqm_layout *lay)
{
    int x0 = lay->chart[0].x, y0 = lay->chart[0].y, x1 = x0, y1 = y0;
    for (int i = 0; i < lay->ncharts; i++) {
        nqm_rect r = lay->chart[i];
        x0 = r.x < x0 ? r.x : x0;
        y0 = r.y < y0 ? r.y : y0;
        x1 = r.x + r.w > x1 ? r.x + r.w : x1;
        y1 = r.y + r.h > y1 ? r.y + r.h : y1;
    }
    int w = x1 - x0, h = y1 - y0;
    lay->ncharts = 2;
    if (w >= 3 * h && w / 2 >= NQM_CHART_MIN_W) {
        lay->chart[0] = (nqm_rect){x0, y0, w / 2, h};
        lay->chart[1] = (nqm_rect){x0 + w / 2, y0, w - w / 2, h};
    } else if (h / 2 >= NQM_CHART_MIN_H) {
        lay->chart[0] = (nqm_rect){x0, y0, w, h / 2};
        lay->chart[1] = (nqm_rect){x0, y0 + h / 2, w, h - h / 2};
    } else {
        lay->ncharts = 1;
        lay->chart[0] = (nqm_rect){x0, y0, w, h};
    }
}

/* The caption bar: a rule with the scene's heading and the keys that
 * move between scenes, then the caption's lines (bold in the projector
 * view). */
static void draw_caption(nqm_canvas *cv, nqm_rect bar, const nqm_caption *cap, int big)
{
    char next[16], back[16], pause[16], hint[96], head[sizeof cap->heading + 2];
    nqm_key_name(nqm_action_keys(NQM_ACT_NEXT)[0], next, sizeof next);
    nqm_key_name(nqm_action_keys(NQM_ACT_BACK)[0], back, sizeof back);
    nqm_key_name(nqm_action_keys(NQM_ACT_PAUSE)[0], pause, sizeof pause);
    if (cap->last)
        snprintf(hint, sizeof hint, " last scene · %s back  %s pause ", back, pause);
    else
        snprintf(hint, sizeof hint, " %s next · %s back  %s pause ", next, back, pause);
    nqm_glyphs glyphs = nqm_canvas_glyphs(cv);
    nqm_canvas_clip(cv, bar);
    nqm_canvas_fill(cv, (nqm_rect){bar.x, bar.y, bar.w, 1}, 0x2500, NQM_COLOR_AXIS);
    snprintf(head, sizeof head, " %s ", cap->heading);
    int used = 1 + nqm_canvas_text(cv, bar.x + 1, bar.y, head, NQM_COLOR_TITLE);
    int hw = nqm_text_width(hint, glyphs);
    if (used + 1 + hw < bar.w)
        nqm_canvas_text(cv, bar.x + bar.w - 1 - hw, bar.y, hint, NQM_COLOR_STATUS);
    for (int i = 0; i < cap->nlines && i + 1 < bar.h; i++)
        nqm_canvas_text(cv, bar.x + 2, bar.y + 1 + i, cap->lines[i],
                        big ? NQM_COLOR_TITLE : NQM_COLOR_DEFAULT);
    nqm_canvas_unclip(cv);
}

int nqm_screen_draw(nqm_canvas *cv, const nqm_screen *sc)
{
    nqm_layout lay;
    nqm_canvas_clear(cv);
    nqm_rect bar = layout_with_caption(cv, sc, &lay);
    if (lay.too_small) {
        draw_too_small(cv, lay.message);
        return 0;
    }
    if (sc->app->big)
        big_layout(&lay);
    draw_status(cv, &lay, sc);
    int rc = draw_charts(cv, &lay, sc);
    if (bar.h > 0)
        draw_caption(cv, bar, sc->caption, sc->app->big);
    draw_keys(cv, &lay, sc->app->message);
    if (sc->app->help)
        draw_help(cv, &lay);
    else if (sc->app->picker)
        draw_picker(cv, &lay, sc);
    return rc;
}
