/* sweeplive.c: the sweep behind the sweep view, on a thread of its own
 * (sweeplive.h). The sweep's sink copies each result into the live
 * arrays under a lock; the view's thread copies those into a snapshot it
 * draws from, so the drawing never holds the lock. */
#include "nqmtop/app/sweeplive.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buildinfo.h"
#include "vcs.h"
#include "nqmtop/base/cnum.h"
#include "nqmtop/out/batch.h"
#include "nqmtop/out/plot.h"
#include "nqmtop/out/sweepout.h"
#include "nqmtop/base/clock.h"
#include "nqmtop/base/files.h"
#include "nqmtop/app/export.h"
#include "nqmtop/app/keys.h"

struct nqm_sweep_live {
    nqm_sweep *sw;
    char preset[NQM_NAME_LEN];
    char id[24]; /* the sweep identifier of its records */
    nqm_model_kind model[MODEL_COUNT];
    pthread_t thread;
    int started; /* the thread runs (set before it starts) */
    pthread_mutex_t lock;
    atomic_int stop;
    size_t results; /* points * models */
    /* under the lock */
    nqm_sweep_result *live; /* (points, models) */
    int *live_have;
    long done, total;
    int finished, changed;
    char err[512];
    /* the view thread's own */
    nqm_sweep_result *snap;
    int *snap_have;
    char snap_err[512];
    double start;
    /* the view's help: the sweep view's keymap, one line per action */
    char help_text[NQM_ACT_COUNT][128];
    const char *help[NQM_ACT_COUNT + 1]; /* NULL-terminated */
    /* what an export says besides the results */
    char *made;      /* what made it (nqm_provenance_text), or NULL */
    char title[320]; /* the figure's */
    nqm_plot_size size;
};

/* The help overlay's lines, from the key table. */
static void make_help(nqm_sweep_live *L)
{
    nqm_action acts[NQM_ACT_COUNT];
    int n = nqm_keymap_actions(NQM_KEYS_SWEEP, acts);
    for (int i = 0; i < n; i++)
        L->help[i] = nqm_action_line(acts[i], L->help_text[i], sizeof L->help_text[i]);
    L->help[n] = NULL;
}

static void on_result(void *ctx, const nqm_sweep_result *res)
{
    nqm_sweep_live *L = ctx; /* the sweep serialises its sink's calls */
    size_t at = (size_t)res->point * nqm_sweep_models(L->sw);
    for (int k = 0; k < nqm_sweep_models(L->sw); k++)
        if (nqm_sweep_model(L->sw, k) == res->model)
            at += (size_t)k;
    pthread_mutex_lock(&L->lock);
    L->live[at] = *res;
    L->live_have[at] = 1;
    L->changed = 1;
    pthread_mutex_unlock(&L->lock);
}

static void on_progress(void *ctx, long done, long total)
{
    nqm_sweep_live *L = ctx;
    pthread_mutex_lock(&L->lock);
    L->done = done;
    L->total = total;
    L->changed = 1;
    pthread_mutex_unlock(&L->lock);
}

static void *run_thread(void *arg)
{
    nqm_sweep_live *L = arg;
    nqm_sweep_sink sink = {on_result, on_progress, NULL, L};
    char err[512];
    int rc = nqm_sweep_run(L->sw, &sink, &L->stop, err, sizeof err);
    pthread_mutex_lock(&L->lock);
    if (rc < 0)
        snprintf(L->err, sizeof L->err, "%s", err);
    L->finished = 1;
    L->changed = 1;
    pthread_mutex_unlock(&L->lock);
    return NULL;
}

nqm_sweep_live *nqm_sweep_live_start(const nqm_config *cfg, const nqm_sweep_spec *spec,
                                     const nqm_provenance *made_by, nqm_plot_size size, char *err,
                                     size_t errlen)
{
    nqm_sweep_live *L = calloc(1, sizeof *L);
    if (!L || !(L->sw = nqm_sweep_new(cfg, spec, err, errlen))) {
        if (!L)
            snprintf(err, errlen, "out of memory");
        free(L);
        return NULL;
    }
    snprintf(L->preset, sizeof L->preset, "%s", cfg->preset);
    L->made = made_by ? nqm_provenance_text(made_by, cfg) : NULL;
    nqm_plot_title(cfg, L->title, sizeof L->title);
    L->size = size;
    nqm_provenance prov = {NQMTOP_VERSION, NQMTOP_COMMIT, NULL, 0};
    nqm_sweep_id(cfg, spec, &prov, L->id, sizeof L->id);
    for (int k = 0; k < nqm_sweep_models(L->sw); k++)
        L->model[k] = nqm_sweep_model(L->sw, k);
    L->results = (size_t)nqm_sweep_points(L->sw) * nqm_sweep_models(L->sw);
    L->live = calloc(L->results, sizeof *L->live);
    L->snap = calloc(L->results, sizeof *L->snap);
    L->live_have = calloc(L->results, sizeof *L->live_have);
    L->snap_have = calloc(L->results, sizeof *L->snap_have);
    L->total = (long)L->results * spec->repeats;
    make_help(L);
    L->start = nqm_clock_seconds();
    L->changed = 1;
    atomic_store(&L->stop, 0);
    pthread_mutex_init(&L->lock, NULL);
    L->started = L->live && L->snap && L->live_have && L->snap_have &&
                 pthread_create(&L->thread, NULL, run_thread, L) == 0;
    if (!L->started) {
        snprintf(err, errlen, "out of memory for the sweep view");
        nqm_sweep_live_free(L);
        return NULL;
    }
    return L;
}

int nqm_sweep_live_snapshot(nqm_sweep_live *L, nqm_sweep_view *v)
{
    pthread_mutex_lock(&L->lock);
    int changed = L->changed;
    if (changed) {
        memcpy(L->snap, L->live, L->results * sizeof *L->snap);
        memcpy(L->snap_have, L->live_have, L->results * sizeof *L->snap_have);
    }
    L->changed = 0;
    v->done = L->done;
    v->total = L->total;
    v->finished = L->finished;
    snprintf(L->snap_err, sizeof L->snap_err, "%s", L->err);
    pthread_mutex_unlock(&L->lock);
    v->spec = nqm_sweep_spec_of(L->sw);
    v->preset = L->preset;
    v->points = nqm_sweep_points(L->sw);
    v->models = nqm_sweep_models(L->sw);
    v->model = L->model;
    v->results = L->snap;
    v->have = L->snap_have;
    v->help_lines = L->help;
    if (!v->finished)
        v->seconds = nqm_clock_seconds() - L->start;
    return changed;
}

static int write_snapshot(FILE *f, const void *ctx)
{
    const nqm_sweep_live *L = ctx;
    nqm_export_comment(f, L->made);
    return nqm_sweep_write_table(f, NQM_FORMAT_CSV, L->sw, L->snap, L->snap_have, L->id);
}

static int write_figure(FILE *f, const void *ctx)
{
    const nqm_sweep_live *L = ctx;
    nqm_plot_info info = {L->size, L->title, L->made};
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    int rc = nqm_plot_sweep_svg(f, L->sw, L->snap, L->snap_have, &info);
    nqm_c_numeric_end(&scope);
    return rc;
}

/* nqmtop-sweep-PRESET-STAMP.csv, then -2, -3, ... before .csv. */
typedef struct {
    const char *preset;
    char stamp[32];
} export_name;

static int name_export(int k, char *name, size_t len, const void *ctx)
{
    const export_name *en = ctx;
    char suffix[16] = "";
    if (k > 1)
        snprintf(suffix, sizeof suffix, "-%d", k);
    return (size_t)snprintf(name, len, "nqmtop-sweep-%s-%s%s.csv", en->preset, en->stamp, suffix) <
                   len
               ? 0
               : -1;
}

int nqm_sweep_live_export(nqm_sweep_live *L, const char *dir, char *path, size_t pathlen, char *err,
                          size_t errlen)
{
    export_name en = {L->preset[0] ? L->preset : "run", ""};
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(en.stamp, sizeof en.stamp, "%Y%m%d-%H%M%S", &tm);
    if (nqm_file_write_new(dir, NQM_EXPORT_ATTEMPTS, name_export, &en, "export", write_snapshot, L,
                           path, pathlen, err, errlen) != 0)
        return -1;
    size_t n = strlen(path);
    char svg[4200];
    if (n < 4 || n >= sizeof svg) {
        snprintf(err, errlen, "the figure beside the export has no name");
        return 1;
    }
    snprintf(svg, sizeof svg, "%.*s.svg", (int)(n - 4), path);
    return nqm_file_write(svg, 0, "export", write_figure, L, err, errlen) == 0 ? 0 : 1;
}

unsigned nqm_sweep_view_key(nqm_sweep_view *v, int key)
{
    if (v->help) {
        v->help = 0;
        return NQM_SWEEP_REDRAW;
    }
    int others =
        v->spec->naxes > 1 ? v->spec->axis[1 - (nqm_sweep_eta_axis(v->spec) == 1)].count : 1;
    switch (nqm_keymap_action(NQM_KEYS_SWEEP, key)) {
    case NQM_ACT_SWEEP_QUIT:
        return NQM_SWEEP_QUIT;
    case NQM_ACT_SWEEP_HELP:
        v->help = 1;
        return NQM_SWEEP_REDRAW;
    case NQM_ACT_SWEEP_EXPORT:
        return NQM_SWEEP_EXPORT | NQM_SWEEP_REDRAW;
    case NQM_ACT_SWEEP_PANEL:
        v->panel = v->panel == NQM_SWEEP_CURVE ? NQM_SWEEP_MAP
                   : v->panel == NQM_SWEEP_MAP ? NQM_SWEEP_EARLY
                   : v->panel == NQM_SWEEP_EARLY && v->spec->late != NQM_LATE_NONE
                       ? NQM_SWEEP_BIFURCATION
                       : NQM_SWEEP_CURVE;
        break;
    case NQM_ACT_SWEEP_MODEL:
        v->model_sel = v->models > 0 ? (v->model_sel + 1) % v->models : 0;
        break;
    case NQM_ACT_SWEEP_SLICE:
        v->slice = (v->slice + (key == ']' ? 1 : others - 1)) % others;
        break;
    default:
        return 0;
    }
    return NQM_SWEEP_REDRAW;
}

const char *nqm_sweep_live_error(const nqm_sweep_live *L)
{
    return L->snap_err[0] ? L->snap_err : NULL;
}

void nqm_sweep_live_free(nqm_sweep_live *L)
{
    if (!L)
        return;
    if (L->started) {
        atomic_store(&L->stop, 1);
        pthread_join(L->thread, NULL);
    }
    pthread_mutex_destroy(&L->lock);
    nqm_sweep_free(L->sw);
    free(L->live);
    free(L->snap);
    free(L->live_have);
    free(L->snap_have);
    free(L->made);
    free(L);
}
