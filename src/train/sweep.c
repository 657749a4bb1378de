/* sweep.c: the grid of runs behind --sweep (sweep.h): the axes, and every
 * grid point's configuration, resolved for every model before anything
 * runs the way --set resolves one (so a bad value is an input error, not
 * a failure halfway); the least-squares fits of the summary. Running the
 * grid is sweep_run.c's. No I/O. */
#include "nqmtop/train/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/input/preset.h"
#include "sweep_state.h"

#define NQM_SWEEP_NAME(id, name) name,
static const char *const field_names[NQM_SF_COUNT] = {NQM_SWEEP_FIELDS(NQM_SWEEP_NAME)};
#undef NQM_SWEEP_NAME

const char *nqm_sweep_field_name(nqm_sweep_field f)
{
    return f >= 0 && f < NQM_SF_COUNT ? field_names[f] : "?";
}

char nqm_regime_char(nqm_regime r)
{
    static const char chars[REGIME_COUNT] = {'?', '.', 'c', 's', 'e', 'o', '*', '0', 'x'};
    return r >= 0 && r < REGIME_COUNT ? chars[r] : ' ';
}

int nqm_sweep_eta_axis(const nqm_sweep_spec *spec)
{
    for (int a = 0; a < spec->naxes; a++)
        if (strcmp(spec->axis[a].key, "eta") == 0 || strcmp(spec->axis[a].key, "eta_rel") == 0)
            return a;
    return -1;
}

nqm_early_phase nqm_sweep_early_phase(const nqm_sweep_result *res)
{
    if (2 * res->regimes[REGIME_DIVERGENT] > res->repeats)
        return EARLY_DIVERGENT;
    if (res->field[NQM_SF_SHARPNESS_CATAPULT].mean >= 0.5)
        return EARLY_BOTH_CATAPULT;
    if (res->field[NQM_SF_LOSS_CATAPULT].mean >= 0.5)
        return EARLY_LOSS_CATAPULT;
    return EARLY_NO_CATAPULT;
}

/* ---- the bifurcation's late values ------------------------------------------ */

static const char *const late_names[] = {"none", "g", "loss", "lambda1"};

const char *nqm_late_name(nqm_late_quantity q)
{
    return q >= 0 && q <= NQM_LATE_LAMBDA1 ? late_names[q] : "?";
}

int nqm_late_parse(const char *arg, nqm_late_quantity *q, int *steps, char *err, size_t errlen)
{
    const char *colon = strchr(arg, ':');
    size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
    *q = NQM_LATE_NONE;
    for (int i = NQM_LATE_G; i <= NQM_LATE_LAMBDA1; i++)
        if (strlen(late_names[i]) == len && strncmp(arg, late_names[i], len) == 0)
            *q = (nqm_late_quantity)i;
    if (*q == NQM_LATE_NONE) {
        snprintf(err, errlen, "--bifurcation: '%.*s' is not g, loss or lambda1",
                 (int)(len < 40 ? len : 40), arg);
        return -1;
    }
    *steps = NQM_LATE_DEFAULT_STEPS;
    if (!colon)
        return 0;
    double k;
    char msg[64];
    if (nqm_parse_number(colon + 1, &k, msg, sizeof msg) != 0 || k != floor(k) || k < 1 ||
        k > NQM_LATE_MAX_STEPS) {
        snprintf(err, errlen, "--bifurcation: K must be a whole number from 1 to %d",
                 NQM_LATE_MAX_STEPS);
        return -1;
    }
    *steps = (int)k;
    return 0;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int nqm_late_branches(const nqm_late_series *late)
{
    if (late->count <= 0)
        return 0;
    double *v = malloc((size_t)late->count * sizeof *v);
    if (!v)
        return 0;
    memcpy(v, late->values, (size_t)late->count * sizeof *v);
    qsort(v, (size_t)late->count, sizeof *v, compare_doubles);
    double top = fmax(fabs(v[0]), fabs(v[late->count - 1]));
    int branches = 1;
    for (int i = 1; i < late->count; i++)
        branches += !(v[i] - v[i - 1] <= NQM_LATE_BRANCH_TOL * top);
    free(v);
    return branches;
}

/* ---- axes ------------------------------------------------------------------ */

/* A number of the shared grammar (cnum.h) spanning all of s. */
static int parse_number(const char *s, double *out)
{
    char ignored[128];
    return nqm_parse_number(s, out, ignored, sizeof ignored);
}

/* The fields of "FROM:TO:N[:log]" (spec is modified). */
static int axis_fields(char *spec, nqm_sweep_axis *axis, char *err, size_t errlen)
{
    char *part[4] = {spec, NULL, NULL, NULL};
    int parts = 1;
    for (char *p = spec; *p && parts < 5; p++)
        if (*p == ':') {
            *p = '\0';
            if (parts == 4) {
                parts = 5;
                break;
            }
            part[parts++] = p + 1;
        }
    double count;
    if (parts < 3 || parts > 4 || parse_number(part[0], &axis->from) != 0 ||
        parse_number(part[1], &axis->to) != 0 || parse_number(part[2], &count) != 0 ||
        (parts == 4 && strcmp(part[3], "log") != 0)) {
        snprintf(err, errlen, "--sweep: %s: expected FROM:TO:N or FROM:TO:N:log with numbers",
                 axis->key);
        return -1;
    }
    if (count != floor(count) || count < 1 || count > NQM_SWEEP_MAX_COUNT) {
        snprintf(err, errlen, "--sweep: %s: N must be a whole number from 1 to %d", axis->key,
                 NQM_SWEEP_MAX_COUNT);
        return -1;
    }
    axis->count = (int)count;
    axis->log = parts == 4;
    if (axis->log && !(axis->from > 0 && axis->to > 0)) {
        snprintf(err, errlen, "--sweep: %s: a log axis needs FROM and TO above 0", axis->key);
        return -1;
    }
    return 0;
}

/* The grid value i before a whole-number key rounds it. */
static double unrounded(const nqm_sweep_axis *axis, int i)
{
    double t = axis->count > 1 ? (double)i / (axis->count - 1) : 0.0;
    if (i == axis->count - 1 && axis->count > 1)
        return axis->to;
    if (axis->log)
        return exp(log(axis->from) + t * (log(axis->to) - log(axis->from)));
    return axis->from + t * (axis->to - axis->from);
}

/* A whole-number key (width, n, steps, ...) takes only whole values: a
 * linear axis must land on them, a log axis must not round two of its
 * values to one. */
static int check_whole(const nqm_sweep_axis *axis, char *err, size_t errlen)
{
    if (axis->from != floor(axis->from) || axis->to != floor(axis->to)) {
        snprintf(err, errlen, "--sweep: %s takes whole numbers: FROM and TO must be whole",
                 axis->key);
        return -1;
    }
    for (int i = 1; i < axis->count; i++) {
        double v = unrounded(axis, i);
        if (!axis->log && v != floor(v)) {
            snprintf(err, errlen,
                     "--sweep: %s takes whole numbers: %d values from %g to %g are not all whole "
                     "(%g is not)",
                     axis->key, axis->count, axis->from, axis->to, v);
            return -1;
        }
        if (round(v) == round(unrounded(axis, i - 1))) {
            snprintf(err, errlen,
                     "--sweep: %s takes whole numbers: %d values from %g to %g repeat %g once "
                     "rounded",
                     axis->key, axis->count, axis->from, axis->to, round(v));
            return -1;
        }
    }
    return 0;
}

int nqm_sweep_axis_parse(const char *arg, nqm_sweep_axis *axis, char *err, size_t errlen)
{
    char buf[256];
    memset(axis, 0, sizeof *axis);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof axis->key || strlen(arg) >= sizeof buf) {
        snprintf(err, errlen, "--sweep: '%.40s': expected KEY=FROM:TO:N[:log]", arg);
        return -1;
    }
    memcpy(axis->key, arg, (size_t)(eq - arg));
    nqm_value_kind kind = nqm_preset_key_kind(axis->key);
    if (kind != NQM_VALUE_NUMBER && kind != NQM_VALUE_WHOLE) {
        snprintf(err, errlen, "--sweep: %s: %s", axis->key,
                 kind == NQM_VALUE_UNKNOWN ? "unknown key" : "not a numeric key");
        return -1;
    }
    axis->whole = kind == NQM_VALUE_WHOLE;
    snprintf(buf, sizeof buf, "%s", eq + 1);
    if (axis_fields(buf, axis, err, errlen) != 0)
        return -1;
    return axis->whole ? check_whole(axis, err, errlen) : 0;
}

double nqm_sweep_axis_value(const nqm_sweep_axis *axis, int i)
{
    double v = unrounded(axis, i);
    return axis->whole ? round(v) : v;
}

/* ---- the grid's configurations ---------------------------------------------- */

/* Apply "key=value" as --set would, reporting as --sweep. */
static int apply(nqm_config *cfg, const char *assignment, char *err, size_t errlen)
{
    char msg[1024];
    if (nqm_preset_apply_set(cfg, assignment, msg, sizeof msg) == 0)
        return 0;
    const char *prefix = "--set: ";
    const char *rest = strncmp(msg, prefix, strlen(prefix)) == 0 ? msg + strlen(prefix) : msg;
    snprintf(err, errlen, "--sweep: %s (at %s)", rest, assignment);
    return -1;
}

/* The configuration of grid point p and model k into cfg. */
int nqm_sweep_resolve_point(const nqm_sweep *sw, int p, int k, nqm_config *cfg, char *err,
                            size_t errlen)
{
    if (nqm_config_copy(cfg, &sw->base) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    cfg->steps = sw->spec.steps; /* unless steps is an axis */
    int rest = p;
    for (int a = sw->spec.naxes - 1; a >= 0; a--) {
        const nqm_sweep_axis *ax = &sw->spec.axis[a];
        char assignment[NQM_NAME_LEN + 40];
        snprintf(assignment, sizeof assignment, "%s=%.17g", ax->key,
                 nqm_sweep_axis_value(ax, rest % ax->count));
        rest /= ax->count;
        if (apply(cfg, assignment, err, errlen) != 0)
            goto fail;
    }
    char assignment[NQM_NAME_LEN];
    snprintf(assignment, sizeof assignment, "model=%s", nqm_model_name(sw->model[k]));
    if (apply(cfg, assignment, err, errlen) != 0)
        goto fail;
    return 0;
fail:
    nqm_config_free(cfg);
    return -1;
}

/* Every point's configuration for every model resolves (then each run
 * resolves its own again when it starts: configurations are large); the
 * memory of the largest run into *largest. */
static int check_grid(const nqm_sweep *sw, double *largest, char *err, size_t errlen)
{
    *largest = 0;
    for (int p = 0; p < sw->points; p++)
        for (int k = 0; k < sw->models; k++) {
            nqm_config cfg;
            if (nqm_sweep_resolve_point(sw, p, k, &cfg, err, errlen) != 0)
                return -1;
            double bytes = nqm_config_memory(&cfg);
            *largest = bytes > *largest ? bytes : *largest;
            nqm_config_free(&cfg);
        }
    return 0;
}

/* As many jobs as asked, but no more than the memory limit holds when
 * each runs the largest configuration of the grid; 0 when not even one
 * run fits. */
static int jobs_that_fit(const nqm_sweep_spec *spec, double largest)
{
    double limit =
        spec->memory > 0 && spec->memory < NQM_MEMORY_LIMIT ? spec->memory : NQM_MEMORY_LIMIT;
    double fit = largest > 0 ? floor(limit / largest) : spec->jobs;
    return fit < 1 ? 0 : fit < spec->jobs ? (int)fit : spec->jobs;
}

static int is_eta(const char *key)
{
    return strcmp(key, "eta") == 0 || strcmp(key, "eta_rel") == 0;
}

static int check_spec(const nqm_sweep_spec *spec, char *err, size_t errlen)
{
    if (spec->naxes < 0 || spec->naxes > NQM_SWEEP_MAX_AXES) {
        snprintf(err, errlen, "--sweep: at most %d axes", NQM_SWEEP_MAX_AXES);
        return -1;
    }
    if (spec->naxes == 2 && strcmp(spec->axis[0].key, spec->axis[1].key) == 0) {
        snprintf(err, errlen, "--sweep: %s: swept twice", spec->axis[0].key);
        return -1;
    }
    if (spec->naxes == 2 && is_eta(spec->axis[0].key) && is_eta(spec->axis[1].key)) {
        snprintf(err, errlen, "--sweep: eta and eta_rel are one learning rate; sweep one of them");
        return -1;
    }
    if (spec->late != NQM_LATE_NONE &&
        (spec->eta_max || spec->late_steps < 1 || spec->late_steps > NQM_LATE_MAX_STEPS)) {
        snprintf(err, errlen,
                 spec->eta_max ? "--bifurcation: not with --eta-max (a bisection has no one run)"
                               : "--bifurcation: K out of range");
        return -1;
    }
    for (int a = 0; spec->eta_max && a < spec->naxes; a++)
        if (strcmp(spec->axis[a].key, "eta") == 0 || strcmp(spec->axis[a].key, "eta_rel") == 0) {
            snprintf(err, errlen, "--sweep: %s: --eta-max finds eta itself; sweep other keys",
                     spec->axis[a].key);
            return -1;
        }
    if (spec->repeats < 1 || spec->repeats > NQM_SWEEP_MAX_REPEATS || spec->jobs < 1 ||
        spec->jobs > NQM_SWEEP_MAX_JOBS || spec->steps < 0) {
        snprintf(err, errlen, "--sweep: repeats, jobs or steps out of range");
        return -1;
    }
    if (spec->shards < 0 ||
        (spec->shards > 0 && (spec->shard < 0 || spec->shard >= spec->shards))) {
        snprintf(err, errlen, "--shard: shard %d of %d does not exist", spec->shard + 1,
                 spec->shards);
        return -1;
    }
    return 0;
}

/* The grid is not larger than NQM_SWEEP_MAX_RESULTS and NQM_SWEEP_MAX_RUNS. */
static int check_size(const nqm_sweep *sw, char *err, size_t errlen)
{
    double results = (double)sw->points * sw->models, runs = results * sw->spec.repeats;
    if (results <= NQM_SWEEP_MAX_RESULTS && runs <= NQM_SWEEP_MAX_RUNS)
        return 0;
    snprintf(err, errlen,
             "--sweep: %.0f points x %d model%s x %d repeat%s is %.0f runs; at most %d results "
             "and %d runs",
             (double)sw->points, sw->models, sw->models == 1 ? "" : "s", sw->spec.repeats,
             sw->spec.repeats == 1 ? "" : "s", runs, NQM_SWEEP_MAX_RESULTS, NQM_SWEEP_MAX_RUNS);
    return -1;
}

nqm_sweep *nqm_sweep_new(const nqm_config *base, const nqm_sweep_spec *spec, char *err,
                         size_t errlen)
{
    if (check_spec(spec, err, errlen) != 0)
        return NULL;
    nqm_sweep *sw = calloc(1, sizeof *sw);
    if (!sw) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    sw->spec = *spec;
    sw->points = 1;
    for (int a = 0; a < spec->naxes; a++)
        sw->points *= spec->axis[a].count;
    sw->models = base->nmodels > 0 ? base->nmodels : 1;
    memcpy(sw->model, base->models, sizeof sw->model);
    if (base->nmodels == 0)
        sw->model[0] = base->model;
    if (check_size(sw, err, errlen) != 0) {
        free(sw);
        return NULL;
    }
    const size_t results = (size_t)sw->points * sw->models;
    sw->total = (long)results * spec->repeats;
    sw->runs = calloc((size_t)sw->total, sizeof *sw->runs);
    sw->recs = calloc((size_t)sw->total, sizeof *sw->recs);
    sw->have = calloc((size_t)sw->total, sizeof *sw->have);
    sw->todo = calloc((size_t)sw->total, sizeof *sw->todo);
    sw->done = calloc(results, sizeof *sw->done);
    if (spec->late != NQM_LATE_NONE) {
        sw->late = calloc((size_t)sw->total, sizeof *sw->late);
        sw->late_values = calloc((size_t)sw->total * spec->late_steps, sizeof *sw->late_values);
    }
    int late_ok = spec->late == NQM_LATE_NONE || (sw->late && sw->late_values);
    int runs_ok = sw->runs && sw->recs && sw->have && sw->todo && sw->done;
    if (nqm_config_copy(&sw->base, base) != 0 || !runs_ok || !late_ok) {
        snprintf(err, errlen, "out of memory for %zu grid results", results);
        nqm_sweep_free(sw);
        return NULL;
    }
    double largest;
    if (check_grid(sw, &largest, err, errlen) != 0) {
        nqm_sweep_free(sw);
        return NULL;
    }
    sw->spec.jobs = jobs_that_fit(spec, largest);
    if (sw->spec.jobs == 0) {
        char needed[32], allowed[32];
        nqm_format_bytes(needed, sizeof needed, largest);
        nqm_format_bytes(allowed, sizeof allowed, spec->memory);
        if (spec->memory <= 1)
            snprintf(err, errlen,
                     "--sweep: the address-space limit (ulimit -v) leaves nothing for a run once "
                     "what OpenBLAS and the program map for %d jobs is counted",
                     spec->jobs);
        else
            snprintf(err, errlen,
                     "--sweep: a run of the grid would need about %s, more than the %s this "
                     "process may use (ulimit -v, less what OpenBLAS and the program map)",
                     needed, allowed);
        nqm_sweep_free(sw);
        return NULL;
    }
    return sw;
}

void nqm_sweep_free(nqm_sweep *sw)
{
    if (!sw)
        return;
    nqm_config_free(&sw->base);
    free(sw->runs);
    free(sw->recs);
    free(sw->have);
    free(sw->todo);
    free(sw->done);
    free(sw->late);
    free(sw->late_values);
    free(sw);
}

int nqm_sweep_points(const nqm_sweep *sw) { return sw->points; }
int nqm_sweep_models(const nqm_sweep *sw) { return sw->models; }
nqm_model_kind nqm_sweep_model(const nqm_sweep *sw, int k) { return sw->model[k]; }
const nqm_sweep_spec *nqm_sweep_spec_of(const nqm_sweep *sw) { return &sw->spec; }
long nqm_sweep_runs(const nqm_sweep *sw) { return sw->total; }

int nqm_sweep_preload(nqm_sweep *sw, const nqm_sweep_run_record *rec, char *err, size_t errlen)
{
    if (rec->point < 0 || rec->point >= sw->points || rec->k < 0 || rec->k >= sw->models ||
        rec->repeat < 0 || rec->repeat >= sw->spec.repeats) {
        snprintf(err, errlen,
                 "point %d, model %d, repeat %d is outside the grid (%d points, %d models, %d "
                 "repeats)",
                 rec->point, rec->k, rec->repeat, sw->points, sw->models, sw->spec.repeats);
        return -1;
    }
    long i = ((long)rec->point * sw->models + rec->k) * sw->spec.repeats + rec->repeat;
    if (sw->have[i])
        return 1;
    sw->recs[i] = *rec;
    sw->have[i] = RUN_PRELOADED;
    return 0;
}

const nqm_sweep_run_record *nqm_sweep_run_record_of(const nqm_sweep *sw, long i)
{
    return i >= 0 && i < sw->total && sw->have[i] ? &sw->recs[i] : NULL;
}

/* ---- fits -------------------------------------------------------------------------- */

nqm_fit nqm_fit_line(const double *x, const double *y, int n)
{
    nqm_fit fit = {NAN, NAN, NAN, 0};
    double sx = 0, sy = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i])) {
            sx += x[i];
            sy += y[i];
            fit.count++;
        }
    if (fit.count < 2)
        return fit;
    double mx = sx / fit.count, my = sy / fit.count, sxx = 0, sxy = 0, syy = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i])) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
    if (sxx == 0)
        return fit;
    fit.slope = sxy / sxx;
    fit.intercept = my - fit.slope * mx;
    fit.r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 1.0;
    return fit;
}
