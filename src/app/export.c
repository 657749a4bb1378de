/* export.c: CSV export of run histories, written whole under a fresh
 * name (base/files.c: never over an existing file), what made them in its
 * '#' lines, and the figure of the first run beside it as SVG. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nqmtop/app/app.h"
#include "nqmtop/app/export.h"
#include "nqmtop/base/cnum.h"
#include "nqmtop/base/files.h"
#include "nqmtop/out/emit.h"

static int max_eigs(const nqm_run *const *runs, int nruns)
{
    int k = 0;
    for (int i = 0; i < nruns; i++)
        if (runs[i]->eigs > k)
            k = runs[i]->eigs;
    return k;
}

/* Whether some run has a test set (its test loss is a number). */
static int any_test_set(const nqm_run *const *runs, int nruns)
{
    for (int i = 0; i < nruns; i++)
        if (!isnan(nqm_run_record(runs[i])->test_loss))
            return 1;
    return 0;
}

void nqm_export_comment(FILE *f, const char *text)
{
    while (text && *text) {
        size_t n = strcspn(text, "\n");
        fprintf(f, "%s%.*s\n", text[0] == '#' ? "" : "# ", (int)n, text);
        text += n + (text[n] == '\n');
    }
}

static void write_header(FILE *f, int eigs, int test)
{
    fputs("model,step,steps,eta,loss,loss_min,loss_max,g,gnorm", f);
    for (int k = 0; k < eigs; k++)
        fprintf(f, ",lambda%d", k + 1);
    if (test)
        fputs(",test_loss,test_accuracy", f);
    fputs(",phase\n", f);
}

static double bucket_last(const nqm_history *h, long i, int series)
{
    nqm_envelope env;
    return nqm_history_bucket(h, i, series, &env) == 0 ? env.last : NAN;
}

/* A value of the export: the shortest text that reads back exactly, nan
 * and inf as words, nothing for a value the run does not have. */
static void put_value(FILE *f, double v, int present)
{
    fputc(',', f);
    if (present)
        nqm_put_number(f, v, 0);
}

static void write_bucket(FILE *f, const nqm_run *run, long i, int eigs, int test)
{
    const nqm_history *h = run->hist;
    nqm_envelope loss;
    nqm_history_bucket(h, i, NQM_SERIES_LOSS, &loss);
    fprintf(f, "%s,%ld,%ld", nqm_model_name(nqm_run_model(run)), loss.t1, loss.count);
    const double v[] = {bucket_last(h, i, NQM_SERIES_ETA),
                        loss.last,
                        loss.min,
                        loss.max,
                        bucket_last(h, i, NQM_SERIES_G),
                        bucket_last(h, i, NQM_SERIES_GNORM)};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        put_value(f, v[k], 1);
    for (int k = 0; k < eigs; k++)
        put_value(f, k < run->eigs ? bucket_last(h, i, NQM_SERIES_LAMBDA + k) : 0, k < run->eigs);
    for (int k = 0; test && k < 2; k++)
        put_value(f, bucket_last(h, i, k ? NQM_SERIES_TEST_ACCURACY : NQM_SERIES_TEST_LOSS), 1);
    fprintf(f, ",%s\n", nqm_phase_name((nqm_phase)(int)bucket_last(h, i, NQM_SERIES_PHASE)));
}

int nqm_export_csv(FILE *f, const nqm_run *const *runs, int nruns, const char *comment)
{
    int eigs = max_eigs(runs, nruns), test = any_test_set(runs, nruns);
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    nqm_export_comment(f, comment);
    write_header(f, eigs, test);
    for (int r = 0; r < nruns; r++)
        for (long i = 0; i < nqm_history_nbuckets(runs[r]->hist); i++)
            write_bucket(f, runs[r], i, eigs, test);
    nqm_c_numeric_end(&scope);
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

/* Bucket i of run as a record: the values of its last step, but its
 * largest loss (a catapult's peak stays in the figure). */
static void bucket_record(const nqm_run *run, long i, nqm_record *r)
{
    const nqm_history *h = run->hist;
    nqm_envelope loss;
    nqm_history_bucket(h, i, NQM_SERIES_LOSS, &loss);
    memset(r, 0, sizeof *r);
    r->step = loss.t1;
    r->eta = bucket_last(h, i, NQM_SERIES_ETA);
    r->loss = isnan(loss.max) ? loss.last : fmax(loss.max, loss.last);
    r->g = bucket_last(h, i, NQM_SERIES_G);
    r->gnorm = bucket_last(h, i, NQM_SERIES_GNORM);
    for (int k = 0; k < run->eigs && k < NQM_MAX_EIGS; k++)
        r->lambda[k] = bucket_last(h, i, NQM_SERIES_LAMBDA + k);
    r->lambda_max = run->eigs > 0 ? r->lambda[0] : NAN;
    r->edge = r->eta * r->lambda_max / 2;
    r->active = NAN;
    r->phase = (nqm_phase)(int)bucket_last(h, i, NQM_SERIES_PHASE);
    r->test_loss = bucket_last(h, i, NQM_SERIES_TEST_LOSS);
    r->test_accuracy = bucket_last(h, i, NQM_SERIES_TEST_ACCURACY);
}

/* The plot records of a run's history; NULL when out of memory. */
static nqm_plot_run *plot_records(const nqm_run *run)
{
    int test = !isnan(nqm_run_record(run)->test_loss);
    nqm_plot_run *p = nqm_plot_run_new(run->eigs, test);
    nqm_record r;
    for (long i = 0; p && i < nqm_history_nbuckets(run->hist); i++) {
        bucket_record(run, i, &r);
        nqm_plot_run_add(p, &r);
    }
    return p;
}

int nqm_export_svg(FILE *f, const nqm_run *const *runs, int nruns, const nqm_plot_info *info)
{
    nqm_plot_run *p[NQM_RUNSET_MAX];
    const char *names[NQM_RUNSET_MAX];
    int made = 0, rc = -1;
    for (; made < nruns && made < NQM_RUNSET_MAX; made++) {
        names[made] = nqm_model_name(nqm_run_model(runs[made]));
        if (!(p[made] = plot_records(runs[made])))
            break;
    }
    if (made == nruns && nruns <= NQM_RUNSET_MAX) {
        nqm_c_numeric scope;
        nqm_c_numeric_begin(&scope);
        rc = nqm_plot_runs_svg(f, (const nqm_plot_run *const *)p, names, nruns, info);
        nqm_c_numeric_end(&scope);
    }
    for (int k = 0; k < made; k++)
        nqm_plot_run_free(p[k]);
    return rc;
}

/* What an export file is written from, and what it is named after. */
typedef struct {
    const nqm_run *const *runs;
    int nruns;
    const char *preset;
    const struct tm *tm;
    const nqm_export_info *info;
} export_source;

static int write_csv(FILE *f, const void *ctx)
{
    const export_source *src = ctx;
    return nqm_export_csv(f, src->runs, src->nruns, src->info ? src->info->provenance : NULL);
}

static int write_svg(FILE *f, const void *ctx)
{
    const export_source *src = ctx;
    nqm_plot_info plot = {src->info->size, src->info->title, src->info->provenance};
    return nqm_export_svg(f, src->runs, src->nruns, &plot);
}

static int name_of(int k, char *name, size_t len, const void *ctx)
{
    const export_source *src = ctx;
    nqm_app_export_name(name, len, src->preset, src->tm, k);
    return 0;
}

/* path with its .csv turned into .svg into out. */
static int svg_beside(const char *path, char *out, size_t outlen)
{
    size_t n = strlen(path);
    if (n < 4 || strcmp(path + n - 4, ".csv") != 0 || n + 1 > outlen)
        return -1;
    snprintf(out, outlen, "%.*s.svg", (int)(n - 4), path);
    return 0;
}

int nqm_export_file(const char *dir, const char *preset, const struct tm *tm,
                    const nqm_run *const *runs, int nruns, const nqm_export_info *info, char *path,
                    size_t pathlen, char *err, size_t errlen)
{
    export_source src = {runs, nruns, preset, tm, info};
    if (nqm_file_write_new(dir, NQM_EXPORT_ATTEMPTS, name_of, &src, "export", write_csv, &src, path,
                           pathlen, err, errlen) != 0)
        return -1;
    if (!info || nruns < 1)
        return 0;
    char svg[4096];
    if (svg_beside(path, svg, sizeof svg) != 0) {
        snprintf(err, errlen, "the figure beside %.3000s has no name", path);
        return 1;
    }
    return nqm_file_write(svg, 0, "export", write_svg, &src, err, errlen) == 0 ? 0 : 1;
}
