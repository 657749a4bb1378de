/* sweepout.c: the headless front end of a sweep — records as results
 * complete, a progress bar, the summary (regime map, scaling fits) and
 * the signal that stops it. No curses.
 *
 * Record columns: point, grid_KEY per axis, model, activation, loss,
 * width, n, d, n_test, seed, repeats, regime, regime_share, then each
 * reduced field's mean under its own name (the eta_max_* and bracketed
 * fields only with --eta-max) and, with more than one repeat, its sample
 * standard deviation as NAME_sd. With --bifurcation Q[:K] the records
 * are the late values instead: point, grid_KEY per axis, model, seed,
 * step, Q, one per kept step of every run. With per_seed a record per
 * run instead: point, grid_KEY per axis, model, activation, loss, width,
 * n, d, n_test, repeat, seed, regime, then each field's value. Every
 * record ends in the sweep identifier, column sweep. Numbers as in
 * batch.c. */
#include "nqmtop/out/sweepout.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/base/clock.h"
#include "nqmtop/base/files.h"
#include "nqmtop/base/textfile.h"
#include "nqmtop/out/batch.h"
#include "sweepread.h"

/* Set by the signal handler, read by the sweep: the one global state. */
static atomic_int stop_signal;

/* The first signal stops the sweep between steps; a second one ends the
 * process at once (a run stuck in a step cannot hold it), the temporary
 * file of a summary being written removed. */
static void on_stop_signal(int sig)
{
    if (atomic_exchange(&stop_signal, sig) == 0)
        return;
    nqm_file_abandon();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    raise(sig);
}

/* What the writer keeps while the sweep runs. */
typedef struct {
    const nqm_sweep *sw;
    const nqm_config *cfg;
    const nqm_sweep_output *opt;
    FILE *out, *errs;
    nqm_sweep_result *results; /* (points, models) */
    int *have;                 /* (points, models) a result arrived */
    int delivered;
    int write_failed;
    double start;
    int bar_shown;
    char id[24]; /* the sweep identifier */
} writer;

/* The fields a record carries: the bisection's only with --eta-max. */
static int field_shown(const writer *w, int f)
{
    int bisection = f == NQM_SF_ETA_MAX_MEASURED || f == NQM_SF_ETA_MAX_RATIO ||
                    f == NQM_SF_BRACKETED || f == NQM_SF_ETA_MAX_COLLAPSED;
    return !bisection || nqm_sweep_spec_of(w->sw)->eta_max;
}

/* ---- records ------------------------------------------------------------------ */

static const char *const fixed_columns[] = {"model",   "activation", "loss",        "width",
                                            "n",       "d",          "n_test",      "seed",
                                            "repeats", "regime",     "regime_share"};
enum { FIXED_COLUMNS = sizeof fixed_columns / sizeof fixed_columns[0] };
static const char *const run_columns[] = {"model", "activation", "loss",   "width", "n",
                                          "d",     "n_test",     "repeat", "seed",  "regime"};
enum { RUN_COLUMNS = sizeof run_columns / sizeof run_columns[0] };

static void write_header(const writer *w)
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    if (w->opt->format == NQM_FORMAT_JSONL)
        return;
    char sep = w->opt->format == NQM_FORMAT_CSV ? ',' : '\t';
    fputs("point", w->out);
    for (int a = 0; a < spec->naxes; a++)
        fprintf(w->out, "%cgrid_%s", sep, spec->axis[a].key);
    if (spec->late != NQM_LATE_NONE) {
        fprintf(w->out, "%cmodel%cseed%cstep%c%s%csweep\n", sep, sep, sep, sep,
                nqm_late_name(spec->late), sep);
        return;
    }
    const int per_seed = w->opt->per_seed;
    for (int i = 0; i < (per_seed ? RUN_COLUMNS : FIXED_COLUMNS); i++)
        fprintf(w->out, "%c%s", sep, per_seed ? run_columns[i] : fixed_columns[i]);
    for (int sd = 0; sd < (spec->repeats > 1 && !per_seed ? 2 : 1); sd++)
        for (int f = 0; f < NQM_SF_COUNT; f++)
            if (field_shown(w, f))
                fprintf(w->out, "%c%s%s", sep, nqm_sweep_field_name((nqm_sweep_field)f),
                        sd ? "_sd" : "");
    fprintf(w->out, "%csweep\n", sep);
}

/* One column: its name (jsonl only) and the separator before it. */
static void column(const writer *w, const char *name, int first)
{
    if (w->opt->format == NQM_FORMAT_JSONL) {
        fputs(first ? "{" : ",", w->out);
        nqm_put_json_string(w->out, name);
        fputc(':', w->out);
    } else if (!first) {
        fputc(w->opt->format == NQM_FORMAT_CSV ? ',' : '\t', w->out);
    }
}

static void text_value(const writer *w, const char *name, const char *s)
{
    column(w, name, 0);
    if (w->opt->format == NQM_FORMAT_JSONL)
        nqm_put_json_string(w->out, s);
    else
        fputs(s, w->out);
}

static void long_value(const writer *w, const char *name, long v)
{
    column(w, name, 0);
    fprintf(w->out, "%ld", v);
}

static void number_value(const writer *w, const char *name, double v)
{
    column(w, name, 0);
    nqm_put_number(w->out, v, w->opt->format == NQM_FORMAT_JSONL);
}

static void write_fixed(const writer *w, const nqm_sweep_result *r)
{
    text_value(w, "model", nqm_model_name(r->model));
    text_value(w, "activation", nqm_activation_name(r->activation));
    text_value(w, "loss", nqm_loss_name(r->loss));
    long_value(w, "width", r->width);
    long_value(w, "n", r->n);
    long_value(w, "d", r->d);
    long_value(w, "n_test", r->n_test);
    column(w, "seed", 0);
    fprintf(w->out, "%lu", r->seed);
    long_value(w, "repeats", r->repeats);
    text_value(w, "regime", nqm_regime_name(r->regime));
    number_value(w, "regime_share", (double)r->regimes[r->regime] / r->repeats);
}

/* The index along axis a of a grid point (row-major: the last axis
 * moves fastest). */
static int axis_index(const nqm_sweep_spec *spec, int point, int a)
{
    for (int b = a + 1; b < spec->naxes; b++)
        point /= spec->axis[b].count;
    return point % spec->axis[a].count;
}

/* The columns every record starts with: point and the grid values. */
static void write_point(const writer *w, int point)
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    column(w, "point", 1);
    fprintf(w->out, "%d", point);
    for (int a = 0; a < spec->naxes; a++) {
        char name[NQM_NAME_LEN + 8];
        snprintf(name, sizeof name, "grid_%s", spec->axis[a].key);
        number_value(w, name, nqm_sweep_axis_value(&spec->axis[a], axis_index(spec, point, a)));
    }
}

/* The column every record ends with: the sweep identifier. */
static void end_record(const writer *w)
{
    text_value(w, "sweep", w->id);
    fputs(w->opt->format == NQM_FORMAT_JSONL ? "}\n" : "\n", w->out);
}

/* The bifurcation records of a result: every kept step of every repeat. */
static void write_late(const writer *w, const nqm_sweep_result *r)
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    for (int rep = 0; rep < r->repeats; rep++) {
        const nqm_late_series *late = &r->late[rep];
        for (int i = 0; i < late->count; i++) {
            write_point(w, r->point);
            text_value(w, "model", nqm_model_name(r->model));
            column(w, "seed", 0);
            fprintf(w->out, "%lu", late->seed);
            long_value(w, "step", late->last_step - late->count + 1 + i);
            number_value(w, nqm_late_name(spec->late), late->values[i]);
            end_record(w);
        }
    }
}

static void write_record(const writer *w, const nqm_sweep_result *r)
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    if (r->late) {
        write_late(w, r);
        return;
    }
    write_point(w, r->point);
    write_fixed(w, r);
    for (int sd = 0; sd < (spec->repeats > 1 ? 2 : 1); sd++)
        for (int f = 0; f < NQM_SF_COUNT; f++) {
            if (!field_shown(w, f))
                continue;
            char name[64];
            snprintf(name, sizeof name, "%s%s", nqm_sweep_field_name((nqm_sweep_field)f),
                     sd ? "_sd" : "");
            number_value(w, name, sd ? r->field[f].sd : r->field[f].mean);
        }
    end_record(w);
}

/* The per-seed record of one run. */
static void write_run(const writer *w, const nqm_sweep_run_record *r)
{
    write_point(w, r->point);
    text_value(w, "model", nqm_model_name(r->model));
    text_value(w, "activation", nqm_activation_name(r->activation));
    text_value(w, "loss", nqm_loss_name(r->loss));
    long_value(w, "width", r->width);
    long_value(w, "n", r->n);
    long_value(w, "d", r->d);
    long_value(w, "n_test", r->n_test);
    long_value(w, "repeat", r->repeat);
    column(w, "seed", 0);
    fprintf(w->out, "%lu", r->seed);
    text_value(w, "regime", nqm_regime_name(r->regime));
    for (int f = 0; f < NQM_SF_COUNT; f++)
        if (field_shown(w, f))
            number_value(w, nqm_sweep_field_name((nqm_sweep_field)f), r->field[f]);
    end_record(w);
}

/* ---- progress ------------------------------------------------------------------- */

static void clear_bar(writer *w)
{
    if (w->bar_shown)
        fputs("\r\033[K", w->errs);
    w->bar_shown = 0;
}

static void show_bar(writer *w, long done, long total)
{
    enum { BAR = 30 };
    char bar[BAR + 1];
    int filled = total > 0 ? (int)(BAR * done / total) : BAR;
    for (int i = 0; i < BAR; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[BAR] = '\0';
    fprintf(w->errs, "\r[%s] %ld/%ld runs, %d result%s, %.0f s", bar, done, total, w->delivered,
            w->delivered == 1 ? "" : "s", nqm_clock_seconds() - w->start);
    fflush(w->errs);
    w->bar_shown = 1;
}

int nqm_sweep_write_table(FILE *f, nqm_format format, const nqm_sweep *sw,
                          const nqm_sweep_result *results, const int *have, const char *id)
{
    nqm_sweep_output opt = {format, NULL, 0, 0, NULL, {0, 0}, NULL, 0, NULL, 0, 0};
    writer w;
    memset(&w, 0, sizeof w);
    snprintf(w.id, sizeof w.id, "%s", id);
    w.sw = sw;
    w.opt = &opt;
    w.out = f;
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    write_header(&w);
    for (size_t i = 0; i < (size_t)nqm_sweep_points(sw) * nqm_sweep_models(sw); i++)
        if (have[i])
            write_record(&w, &results[i]);
    nqm_c_numeric_end(&scope);
    return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

/* ---- the sink --------------------------------------------------------------------- */

static void on_result(void *ctx, const nqm_sweep_result *res)
{
    writer *w = ctx;
    size_t at = (size_t)res->point * nqm_sweep_models(w->sw);
    for (int k = 0; k < nqm_sweep_models(w->sw); k++)
        if (nqm_sweep_model(w->sw, k) == res->model)
            at += (size_t)k;
    w->results[at] = *res;
    w->have[at] = 1;
    w->delivered++;
    if (w->opt->per_seed && !res->late)
        return;
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    clear_bar(w);
    write_record(w, res);
    if (fflush(w->out) != 0 || ferror(w->out))
        w->write_failed = 1;
    nqm_c_numeric_end(&scope);
}

/* A run finished: its own record with per_seed. */
static void on_run(void *ctx, const nqm_sweep_run_record *rec)
{
    writer *w = ctx;
    if (!w->opt->per_seed || nqm_sweep_spec_of(w->sw)->late != NQM_LATE_NONE)
        return;
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    clear_bar(w);
    write_run(w, rec);
    if (fflush(w->out) != 0 || ferror(w->out))
        w->write_failed = 1;
    nqm_c_numeric_end(&scope);
}

static void on_progress(void *ctx, long done, long total)
{
    writer *w = ctx;
    if (w->opt->progress)
        show_bar(w, done, total);
}

/* ---- the summary ------------------------------------------------------------------- */

static void write_axes(FILE *f, const nqm_sweep_spec *spec)
{
    fputc('[', f);
    for (int a = 0; a < spec->naxes; a++) {
        const nqm_sweep_axis *ax = &spec->axis[a];
        nqm_json o;
        fputs(a ? ", " : "", f);
        nqm_json_open(&o, f, 1);
        nqm_json_string(&o, "key", ax->key);
        nqm_json_number(&o, "from", ax->from);
        nqm_json_number(&o, "to", ax->to);
        nqm_json_integer(&o, "count", ax->count, 1);
        nqm_json_bool(&o, "log", ax->log);
        nqm_json_close(&o);
    }
    fputc(']', f);
}

static char regime_char_of(const nqm_sweep_result *r) { return nqm_regime_char(r->regime); }

static char early_char_of(const nqm_sweep_result *r)
{
    return nqm_early_phase_char(nqm_sweep_early_phase(r));
}

/* Per model, one string per value of the second axis (one string
 * without it), one character per value of the first: what char_of says
 * of each result, legend first. */
static void write_map(FILE *f, const writer *w, const char *legend,
                      char (*char_of)(const nqm_sweep_result *))
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    const int models = nqm_sweep_models(w->sw);
    const int cols = spec->naxes > 0 ? spec->axis[0].count : 1;
    const int rows = spec->naxes > 1 ? spec->axis[1].count : 1;
    nqm_json o;
    nqm_json_open(&o, f, 1);
    nqm_json_string(&o, "legend", legend);
    for (int k = 0; k < models; k++) {
        nqm_json_key(&o, nqm_model_name(nqm_sweep_model(w->sw, k)));
        fputc('[', f);
        for (int row = 0; row < rows; row++) {
            char line[NQM_SWEEP_MAX_COUNT + 1];
            for (int col = 0; col < cols; col++) {
                size_t at = (size_t)(col * rows + row) * models + k;
                line[col] = w->have[at] ? char_of(&w->results[at]) : ' ';
            }
            line[cols] = '\0';
            fputs(row ? ", " : "", f);
            nqm_put_json_string(f, line);
        }
        fputc(']', f);
    }
    nqm_json_close(&o);
}

static void write_fit(nqm_json *entry, const char *key, nqm_fit fit)
{
    nqm_json o;
    nqm_json_key(entry, key);
    nqm_json_open(&o, entry->f, 1);
    nqm_json_number(&o, "slope", fit.slope);
    nqm_json_number(&o, "intercept", fit.intercept);
    nqm_json_number(&o, "r2", fit.r2);
    nqm_json_integer(&o, "points", fit.count, 1);
    nqm_json_close(&o);
}

/* Theorem 1 over the width axis wa for model k at index j of the other
 * axis: log peak loss against log width (slope 1 for a peak Theta(m)),
 * peak loss / width, and the peak step against log width. */
static void write_scaling_entry(FILE *f, const writer *w, int wa, int k, int j, int first)
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    const int models = nqm_sweep_models(w->sw), n = spec->axis[wa].count;
    const int stride = spec->naxes > 1 ? spec->axis[1].count : 1;
    double *lw = malloc(3 * (size_t)n * sizeof *lw);
    fputs(first ? "" : ", ", f);
    if (!lw) {
        fputs("null", f);
        return;
    }
    double *lp = lw + n, *st = lp + n;
    double ratio = 0;
    int ratios = 0;
    for (int i = 0; i < n; i++) {
        int p = wa == 0 ? i * stride + j : j * stride + i;
        const nqm_sweep_result *r = &w->results[(size_t)p * models + k];
        int ok = w->have[(size_t)p * models + k] && r->regime == REGIME_CATAPULT;
        double peak = ok ? r->field[NQM_SF_PEAK_LOSS].mean : NAN;
        lw[i] = log((double)r->width);
        lp[i] = peak > 0 ? log(peak) : NAN;
        st[i] = ok ? r->field[NQM_SF_PEAK_STEP].mean : NAN;
        if (isfinite(lp[i])) {
            ratio += peak / (double)r->width;
            ratios++;
        }
    }
    nqm_json o;
    nqm_json_open(&o, f, 1);
    nqm_json_string(&o, "model", nqm_model_name(nqm_sweep_model(w->sw, k)));
    if (spec->naxes > 1) {
        const nqm_sweep_axis *other = &spec->axis[1 - wa];
        nqm_json_number(&o, other->key, nqm_sweep_axis_value(other, j));
    }
    nqm_json_number(&o, "peak_loss_over_width", ratios ? ratio / ratios : NAN);
    write_fit(&o, "log_peak_loss_vs_log_width", nqm_fit_line(lw, lp, n));
    write_fit(&o, "peak_step_vs_log_width", nqm_fit_line(lw, st, n));
    nqm_json_close(&o);
    free(lw);
}

/* What one entry of a per-slice list says of model k along axis a at
 * index j of the other axis (first: no separator before it). */
typedef void (*slice_entry)(FILE *f, const writer *w, int a, int k, int j, int first);

/* [one entry per model and value of the other axis] along axis a; null
 * when a < 0 (the grid has no such axis). */
static void write_slices(FILE *f, const writer *w, int a, slice_entry entry)
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    if (a < 0) {
        fputs("null", f);
        return;
    }
    int others = spec->naxes > 1 ? spec->axis[1 - a].count : 1, first = 1;
    fputc('[', f);
    for (int k = 0; k < nqm_sweep_models(w->sw); k++)
        for (int j = 0; j < others; j++, first = 0)
            entry(f, w, a, k, j, first);
    fputc(']', f);
}

/* The scaling fits when width is one of the axes (catapult runs only). */
static void write_scaling(FILE *f, const writer *w)
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    int wa = -1;
    for (int a = 0; a < spec->naxes; a++)
        if (strcmp(spec->axis[a].key, "width") == 0)
            wa = a;
    write_slices(f, w, wa, write_scaling_entry);
}

/* Model k at index j of the other axis, along the learning-rate axis ea:
 * the c (eta lambda0, mean over the repeats) of the first point in each
 * early phase from the loss catapult on, and of the point before it (the
 * critical value lies between), null where none is reached. */
static void write_early_entry(FILE *f, const writer *w, int ea, int k, int j, int first)
{
    static const char *const keys[EARLY_COUNT] = {NULL, "c_loss", "c_sharp", "c_max"};
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    const int models = nqm_sweep_models(w->sw), n = spec->axis[ea].count;
    const int stride = spec->naxes > 1 ? spec->axis[1].count : 1;
    fputs(first ? "" : ", ", f);
    nqm_json o;
    nqm_json_open(&o, f, 1);
    nqm_json_string(&o, "model", nqm_model_name(nqm_sweep_model(w->sw, k)));
    if (spec->naxes > 1) {
        const nqm_sweep_axis *other = &spec->axis[1 - ea];
        nqm_json_number(&o, other->key, nqm_sweep_axis_value(other, j));
    }
    for (int phase = EARLY_LOSS_CATAPULT; phase < EARLY_COUNT; phase++) {
        double at = NAN, below = NAN, last = NAN;
        for (int i = 0; i < n && isnan(at); i++) {
            size_t rk = (size_t)(ea == 0 ? i * stride + j : j * stride + i) * models + k;
            if (!w->have[rk])
                continue;
            double c = w->results[rk].field[NQM_SF_C].mean;
            if ((int)nqm_sweep_early_phase(&w->results[rk]) >= phase)
                at = c, below = last;
            last = c;
        }
        char key[32];
        nqm_json_number(&o, keys[phase], at);
        snprintf(key, sizeof key, "%s_below", keys[phase]);
        nqm_json_number(&o, key, below);
    }
    nqm_json_close(&o);
}

/* The critical values of the early phases when eta or eta_rel is an
 * axis (early.h), per model and value of the other axis. */
static void write_early(FILE *f, const writer *w)
{
    write_slices(f, w, nqm_sweep_eta_axis(nqm_sweep_spec_of(w->sw)), write_early_entry);
}

/* {"quantity", "steps", "branches": {model: [per point, grid order]}}:
 * the first repeat's branch count, null where no result came. */
static void write_bifurcation(FILE *f, const writer *w)
{
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    if (spec->late == NQM_LATE_NONE) {
        fputs("null", f);
        return;
    }
    const int models = nqm_sweep_models(w->sw), points = nqm_sweep_points(w->sw);
    nqm_json o;
    nqm_json_open(&o, f, 1);
    nqm_json_string(&o, "quantity", nqm_late_name(spec->late));
    nqm_json_integer(&o, "steps", spec->late_steps, 1);
    nqm_json_key(&o, "branches");
    fputc('{', f);
    for (int k = 0; k < models; k++) {
        fprintf(f, "%s", k ? ", " : "");
        nqm_put_json_string(f, nqm_model_name(nqm_sweep_model(w->sw, k)));
        fputs(": [", f);
        for (int p = 0; p < points; p++) {
            size_t at = (size_t)p * models + k;
            fputs(p ? ", " : "", f);
            if (w->have[at])
                fprintf(f, "%d", w->results[at].branches);
            else
                fputs("null", f);
        }
        fputc(']', f);
    }
    fputc('}', f);
    nqm_json_close(&o);
}

static int write_summary(FILE *f, const void *ctx)
{
    const writer *w = ctx;
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    nqm_json o;
    nqm_json_open(&o, f, 1);
    nqm_json_string(&o, "sweep", w->id);
    nqm_json_string(&o, "preset", w->cfg->preset);
    nqm_json_key(&o, "models");
    fputc('[', f);
    for (int k = 0; k < nqm_sweep_models(w->sw); k++) {
        fputs(k ? ", " : "", f);
        nqm_put_json_string(f, nqm_model_name(nqm_sweep_model(w->sw, k)));
    }
    fputc(']', f);
    nqm_json_key(&o, "axes");
    write_axes(f, spec);
    nqm_json_integer(&o, "repeats", spec->repeats, 1);
    nqm_json_integer(&o, "steps", spec->steps, 1);
    nqm_json_bool(&o, "eta_max_search", spec->eta_max);
    nqm_json_integer(&o, "results", w->delivered, 1);
    nqm_json_integer(&o, "expected", nqm_sweep_points(w->sw) * nqm_sweep_models(w->sw), 1);
    nqm_json_bool(&o, "interrupted", atomic_load(&stop_signal) != 0);
    if (spec->shards > 1) {
        char shard[32];
        snprintf(shard, sizeof shard, "%d/%d", spec->shard + 1, spec->shards);
        nqm_json_string(&o, "shard", shard);
    } else {
        nqm_json_string(&o, "shard", NULL);
    }
    nqm_json_integer(&o, "jobs", w->opt->merge ? 0 : spec->jobs, !w->opt->merge);
    nqm_json_number(&o, "seconds", nqm_clock_seconds() - w->start);
    nqm_json_key(&o, "regime_map");
    write_map(f, w, NQM_REGIME_LEGEND ", blank not run", regime_char_of);
    nqm_json_key(&o, "early_phase_map");
    write_map(f, w, NQM_EARLY_LEGEND ", blank not run", early_char_of);
    nqm_json_key(&o, "early_phases");
    write_early(f, w);
    nqm_json_key(&o, "scaling");
    write_scaling(f, w);
    nqm_json_key(&o, "bifurcation");
    write_bifurcation(f, w);
    nqm_json_provenance(&o, w->opt->provenance, w->cfg);
    nqm_json_close(&o);
    fputc('\n', f);
    return 0;
}

static int write_plot(FILE *f, const void *ctx)
{
    const writer *w = ctx;
    char title[400];
    nqm_plot_title(w->cfg, title, sizeof title);
    size_t used = strlen(title);
    const nqm_sweep_spec *spec = nqm_sweep_spec_of(w->sw);
    for (int a = 0; a < spec->naxes && used < sizeof title; a++)
        used += (size_t)snprintf(title + used, sizeof title - used, "%s%s swept", a ? ", " : "; ",
                                 spec->axis[a].key);
    char *meta = w->opt->provenance ? nqm_provenance_text(w->opt->provenance, w->cfg) : NULL;
    nqm_plot_info info = {w->opt->plot_size, title, meta};
    int rc = nqm_plot_sweep_svg(f, w->sw, w->results, w->have, &info);
    free(meta);
    return rc;
}

/* ---- the run ------------------------------------------------------------------------ */

static void catch_signals(int on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on ? on_stop_signal : SIG_DFL;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int finish(writer *w, int rc)
{
    char err[4400];
    clear_bar(w);
    const char *sum = w->opt->summary;
    if (sum && strcmp(sum, "-") == 0)
        write_summary(w->out, w);
    if (fflush(w->out) != 0 || ferror(w->out) || w->write_failed) {
        nqm_say(w->errs, "nqmtop: writing the records failed");
        return 1;
    }
    if (sum && strcmp(sum, "-") != 0 &&
        nqm_file_write(sum, w->opt->force, "--summary", write_summary, w, err, sizeof err) != 0) {
        nqm_say(w->errs, "nqmtop: %s", err);
        return 1;
    }
    if (w->opt->plot && nqm_file_write(w->opt->plot, w->opt->force, "--plot", write_plot, w, err,
                                       sizeof err) != 0) {
        fprintf(w->errs, "nqmtop: %s\n", err);
        return 1;
    }
    if (atomic_load(&stop_signal)) {
        nqm_say(w->errs, "nqmtop: interrupted: %d of %d results written", w->delivered,
                nqm_sweep_points(w->sw) * nqm_sweep_models(w->sw));
        return NQM_SWEEP_INTERRUPTED;
    }
    return rc;
}

/* The records of the preloaded runs, in grid order (per_seed). */
static void write_preloaded(writer *w)
{
    if (!w->opt->per_seed || nqm_sweep_spec_of(w->sw)->late != NQM_LATE_NONE)
        return;
    for (long i = 0; i < nqm_sweep_runs(w->sw); i++) {
        const nqm_sweep_run_record *rec = nqm_sweep_run_record_of(w->sw, i);
        if (rec)
            write_run(w, rec);
    }
}

static int run_sweep(nqm_sweep *sw, const nqm_config *cfg, const nqm_sweep_output *opt, FILE *out,
                     FILE *errs)
{
    size_t results = (size_t)nqm_sweep_points(sw) * nqm_sweep_models(sw);
    writer w = {sw,
                cfg,
                opt,
                out,
                errs,
                calloc(results, sizeof(nqm_sweep_result)),
                calloc(results, sizeof(int)),
                0,
                0,
                nqm_clock_seconds(),
                0,
                ""};
    if (!w.results || !w.have) {
        free(w.results);
        free(w.have);
        nqm_say(errs, "nqmtop: out of memory for %zu sweep results", results);
        return 1;
    }
    nqm_sweep_id(cfg, nqm_sweep_spec_of(sw), opt->provenance, w.id, sizeof w.id);
    nqm_sweep_sink sink = {on_result, on_progress, on_run, &w};
    char err[512];
    write_header(&w);
    write_preloaded(&w);
    atomic_store(&stop_signal, 0);
    catch_signals(1);
    int rc = nqm_sweep_run(sw, &sink, &stop_signal, err, sizeof err) < 0 ? 1 : 0;
    catch_signals(0);
    if (rc != 0) {
        clear_bar(&w);
        nqm_say(errs, "nqmtop: %s", err);
    }
    rc = finish(&w, rc);
    free(w.results);
    free(w.have);
    return rc;
}

/* 64-bit FNV-1a of a text. */
static unsigned long long fnv1a(const char *s, size_t len, unsigned long long h)
{
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void nqm_sweep_id(const nqm_config *cfg, const nqm_sweep_spec *spec, const nqm_provenance *prov,
                  char *id, size_t len)
{
    char *config = nqm_config_text(cfg), *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (f) {
        nqm_c_numeric scope;
        nqm_c_numeric_begin(&scope);
        fprintf(f, "nqmtop %s commit %s\n%s", prov ? prov->version : "?", prov ? prov->commit : "?",
                config ? config : "?");
        for (int a = 0; a < spec->naxes; a++)
            fprintf(f, "axis %s %.17g %.17g %d %d\n", spec->axis[a].key, spec->axis[a].from,
                    spec->axis[a].to, spec->axis[a].count, spec->axis[a].log);
        fprintf(f, "repeats %d steps %ld eta_max %d late %s %d\n", spec->repeats, spec->steps,
                spec->eta_max, nqm_late_name(spec->late), spec->late_steps);
        nqm_c_numeric_end(&scope);
    }
    unsigned long long h = 0xcbf29ce484222325ULL;
    if (f && fclose(f) == 0)
        h = fnv1a(text, size, h);
    snprintf(id, len, "%016llx", h);
    free(text);
    free(config);
}

int nqm_sweep_batch(const nqm_config *cfg, const nqm_sweep_spec *spec, const nqm_sweep_output *opt,
                    FILE *out, FILE *errs)
{
    char err[4400];
    nqm_batch_options check = {opt->format, spec->steps,    opt->summary,   opt->force,
                               opt->plot,   opt->plot_size, opt->provenance};
    if (nqm_batch_check(&check, err, sizeof err) != 0) {
        nqm_say(errs, "nqmtop: %s", err);
        return 2;
    }
    errno = 0; /* ENOMEM after a failure: memory ran out, not bad input */
    nqm_sweep *sw = nqm_sweep_new(cfg, spec, err, sizeof err);
    if (!sw) {
        int no_memory = errno == ENOMEM;
        nqm_say(errs, "nqmtop: %s", err);
        return no_memory ? 1 : 2;
    }
    char id[24];
    nqm_sweep_id(cfg, spec, opt->provenance, id, sizeof id);
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    errno = 0;
    int rc = opt->ninputs > 0 && nqm_sweep_read_runs(sw, id, opt->inputs, opt->ninputs, opt->merge,
                                                     errs, err, sizeof err) != 0
                 ? (errno == ENOMEM ? 1 : 2)
                 : 0;
    if (rc != 0)
        nqm_say(errs, "nqmtop: %s", err);
    else
        rc = run_sweep(sw, cfg, opt, out, errs);
    nqm_c_numeric_end(&scope);
    nqm_sweep_free(sw);
    return rc;
}
