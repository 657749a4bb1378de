/* export.c: CSV export of run histories, written whole under a fresh
 * name (base/files.c: never over an existing file). */
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

int nqm_export_csv(FILE *f, const nqm_run *const *runs, int nruns)
{
    int eigs = max_eigs(runs, nruns), test = any_test_set(runs, nruns);
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    write_header(f, eigs, test);
    for (int r = 0; r < nruns; r++)
        for (long i = 0; i < nqm_history_nbuckets(runs[r]->hist); i++)
            write_bucket(f, runs[r], i, eigs, test);
    nqm_c_numeric_end(&scope);
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

/* What an export file is written from, and what it is named after. */
typedef struct {
    const nqm_run *const *runs;
    int nruns;
    const char *preset;
    const struct tm *tm;
} export_source;

static int write_csv(FILE *f, const void *ctx)
{
    const export_source *src = ctx;
    return nqm_export_csv(f, src->runs, src->nruns);
}

static int name_of(int k, char *name, size_t len, const void *ctx)
{
    const export_source *src = ctx;
    nqm_app_export_name(name, len, src->preset, src->tm, k);
    return 0;
}

int nqm_export_file(const char *dir, const char *preset, const struct tm *tm,
                    const nqm_run *const *runs, int nruns, char *path, size_t pathlen, char *err,
                    size_t errlen)
{
    export_source src = {runs, nruns, preset, tm};
    return nqm_file_write_new(dir, NQM_EXPORT_ATTEMPTS, name_of, &src, "export", write_csv, &src,
                              path, pathlen, err, errlen);
}
