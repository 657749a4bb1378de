/* export.c: CSV export of run histories, written atomically under a
 * fresh name (temporary file, fsync, link; never rename over a name). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nqmtop/app/app.h"
#include "nqmtop/app/export.h"

static int max_eigs(const nqm_run *const *runs, int nruns)
{
    int k = 0;
    for (int i = 0; i < nruns; i++)
        if (runs[i]->eigs > k)
            k = runs[i]->eigs;
    return k;
}

static void write_header(FILE *f, int eigs)
{
    fputs("model,step,steps,eta,loss,loss_min,loss_max,g,gnorm", f);
    for (int k = 0; k < eigs; k++)
        fprintf(f, ",lambda%d", k + 1);
    fputs(",phase\n", f);
}

static double bucket_last(const nqm_history *h, long i, int series)
{
    nqm_envelope env;
    return nqm_history_bucket(h, i, series, &env) == 0 ? env.last : NAN;
}

static void write_bucket(FILE *f, const nqm_run *run, long i, int eigs)
{
    const nqm_history *h = run->hist;
    nqm_envelope loss;
    nqm_history_bucket(h, i, NQM_SERIES_LOSS, &loss);
    fprintf(f, "%s,%ld,%ld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g", nqm_model_name(nqm_run_model(run)),
            loss.t1, loss.count, bucket_last(h, i, NQM_SERIES_ETA), loss.last, loss.min, loss.max,
            bucket_last(h, i, NQM_SERIES_G), bucket_last(h, i, NQM_SERIES_GNORM));
    for (int k = 0; k < eigs; k++) {
        if (k < run->eigs)
            fprintf(f, ",%.17g", bucket_last(h, i, NQM_SERIES_LAMBDA + k));
        else
            fputs(",", f);
    }
    fprintf(f, ",%s\n", nqm_phase_name((nqm_phase)(int)bucket_last(h, i, NQM_SERIES_PHASE)));
}

int nqm_export_csv(FILE *f, const nqm_run *const *runs, int nruns)
{
    int eigs = max_eigs(runs, nruns);
    write_header(f, eigs);
    for (int r = 0; r < nruns; r++)
        for (long i = 0; i < nqm_history_nbuckets(runs[r]->hist); i++)
            write_bucket(f, runs[r], i, eigs);
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

/* Write the CSV into a fresh temporary file in dir; its path into tmp. */
static int write_temp(const char *dir, const nqm_run *const *runs, int nruns, char *tmp,
                      size_t tmplen, char *err, size_t errlen)
{
    snprintf(tmp, tmplen, "%s/.nqmtop-export-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "export: cannot create a file in %s: %s", dir, strerror(errno));
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    int ok = f && fchmod(fd, 0644) == 0 && nqm_export_csv(f, runs, nruns) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (f ? fclose(f) != 0 : close(fd) != 0)
        ok = 0;
    if (!ok) {
        snprintf(err, errlen, "export: writing %s failed: %s", tmp, strerror(saved));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Give the temporary file a final name that did not exist. 0, 1 when the
 * name was taken, -1 on another error (errno set). */
static int claim_name(const char *tmp, const char *path)
{
    if (link(tmp, path) == 0)
        return 0;
    if (errno == EEXIST)
        return 1;
    if (errno != EPERM && errno != ENOSYS && errno != EOPNOTSUPP)
        return -1;
    /* No hard links here: reserve the name exclusively, then move onto it. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return errno == EEXIST ? 1 : -1;
    close(fd);
    return rename(tmp, path) == 0 ? 0 : -1;
}

int nqm_export_file(const char *dir, const char *preset, const struct tm *tm,
                    const nqm_run *const *runs, int nruns, char *path, size_t pathlen, char *err,
                    size_t errlen)
{
    char tmp[4096], name[256];
    if (write_temp(dir, runs, nruns, tmp, sizeof tmp, err, errlen) != 0)
        return -1;
    for (int attempt = 1; attempt <= NQM_EXPORT_ATTEMPTS; attempt++) {
        nqm_app_export_name(name, sizeof name, preset, tm, attempt);
        snprintf(path, pathlen, "%s/%s", dir, name);
        int rc = claim_name(tmp, path);
        if (rc == 0) {
            unlink(tmp); /* harmless when rename already moved it */
            return 0;
        }
        if (rc < 0) {
            snprintf(err, errlen, "export: cannot create %s: %s", path, strerror(errno));
            unlink(tmp);
            return -1;
        }
    }
    snprintf(err, errlen, "export: %d names for %s taken", NQM_EXPORT_ATTEMPTS, name);
    unlink(tmp);
    return -1;
}
