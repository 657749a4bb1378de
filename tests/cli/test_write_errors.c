/* test_write_errors.c: the outputs' error paths, with the failures made
 * on purpose. A write that fails part way is made by the file size limit
 * (RLIMIT_FSIZE, SIGXFSZ ignored: the write returns EFBIG), a missing
 * folder by a path below a regular file. Every failure is one message
 * naming the output, and leaves no file behind: the batch summary and
 * figure (exit status 1), the UI's CSV export and the figure beside it,
 * an export whose every name is taken. And JSON strings escape what
 * RFC 8259 says must be: '"', '\' and every control character as \u00XX,
 * the rest (UTF-8 included) as it is. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/check.h"
#include "nqmtop/app/app.h"
#include "nqmtop/app/export.h"
#include "nqmtop/app/run.h"
#include "nqmtop/out/batch.h"

static char dir[] = "/tmp/nqmtop-werr-XXXXXX";

/* Entries of dir (temporaries included). */
static int files_in(const char *path)
{
    int n = 0;
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static void empty_dir(void)
{
    DIR *d = opendir(dir);
    char path[4200];
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
}

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Files written from now on may have at most bytes bytes (0: no limit). */
static void limit_files(rlim_t bytes)
{
    static struct rlimit saved;
    static int have;
    if (!have) {
        getrlimit(RLIMIT_FSIZE, &saved);
        have = 1;
    }
    struct rlimit rl = saved;
    if (bytes)
        rl.rlim_cur = bytes;
    CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0, "setrlimit");
}

static void test_json_strings(void)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    nqm_put_json_string(f, "a\x01\x1f\t\n\r\"\\/\x7f\xc3\xa9\xe2\x82\xac z");
    fclose(f);
    const char *want =
        "\"a\\u0001\\u001f\\u0009\\u000a\\u000d\\\"\\\\/\x7f\xc3\xa9\xe2\x82\xac z\"";
    CHECK(strcmp(buf, want) == 0, "json string: %s", buf);
    free(buf);
}

static nqm_config catapult(void)
{
    nqm_config cfg;
    char err[1024];
    CHECK(nqm_preset_load(&test_places()->presets, "catapult-1d", &cfg, err, sizeof err) == 0, "%s",
          err);
    return cfg;
}

/* The batch run of catapult-1d with these outputs: its status, the
 * message into msg. */
static int batch(const char *summary, const char *plot, char *msg, size_t len)
{
    nqm_config cfg = catapult();
    nqm_batch_options opt = {NQM_FORMAT_TSV, 20, summary, 0, plot, {720, 540}, NULL};
    nqm_plot_size_parse("", &opt.plot_size, NULL, 0);
    char *out = NULL, *errs = NULL;
    size_t olen, elen;
    FILE *fo = open_memstream(&out, &olen), *fe = open_memstream(&errs, &elen);
    int rc = nqm_batch_run(&cfg, &opt, fo, fe);
    fclose(fo);
    fclose(fe);
    snprintf(msg, len, "%s", errs);
    free(out);
    free(errs);
    nqm_config_free(&cfg);
    return rc;
}

static void test_batch_outputs(void)
{
    char path[4200], msg[1024];
    snprintf(path, sizeof path, "%s/s.json", dir);
    CHECK(batch(path, NULL, msg, sizeof msg) == 0 && size_of(path) > 100, "summary: %s", msg);
    off_t whole = size_of(path);
    empty_dir();
    limit_files((rlim_t)whole / 2);
    int rc = batch(path, NULL, msg, sizeof msg);
    limit_files(0);
    printf("a summary cut short: %s", msg);
    CHECK(rc == 1 && strstr(msg, "--summary: writing") && strstr(msg, "File too large") &&
              files_in(dir) == 0,
          "a summary cut at %lld bytes: exit %d, '%s', %d files left", (long long)whole / 2, rc,
          msg, files_in(dir));
    snprintf(path, sizeof path, "%s/f.svg", dir);
    limit_files(512);
    rc = batch(NULL, path, msg, sizeof msg);
    limit_files(0);
    CHECK(rc == 1 && strstr(msg, "--plot: writing") && files_in(dir) == 0,
          "a figure cut at 512 bytes: exit %d, '%s', %d files left", rc, msg, files_in(dir));
    snprintf(path, sizeof path, "%s/no/s.json", dir);
    rc = batch(path, NULL, msg, sizeof msg);
    CHECK(rc == 2 && strstr(msg, "--summary"), "a summary in a missing folder: exit %d, '%s'", rc,
          msg);
}

/* The UI's export of a run of catapult-1d into `where`: its status. */
static int export_to(const char *where, const nqm_run *run, char *path, char *err, size_t errlen)
{
    struct tm tm = {.tm_year = 126, .tm_mon = 11, .tm_mday = 3, .tm_hour = 12};
    const nqm_run *runs[] = {run};
    nqm_export_info info = {"# made by a test", "catapult-1d", {720, 540}};
    nqm_plot_size_parse("", &info.size, NULL, 0);
    return nqm_export_file(where, "catapult-1d", &tm, runs, 1, &info, path, 4200, err, errlen);
}

static void test_exports(void)
{
    nqm_config cfg = catapult();
    nqm_run run;
    char err[1024], path[4200], csv[4200], svg[4200];
    CHECK(nqm_run_open(&run, &cfg, err, sizeof err) == 0, "%s", err);
    for (int t = 0; t < 40; t++)
        nqm_run_step(&run);
    empty_dir();
    CHECK(export_to(dir, &run, path, err, sizeof err) == 0, "export: %s", err);
    snprintf(csv, sizeof csv, "%s", path);
    snprintf(svg, sizeof svg, "%.*s.svg", (int)strlen(path) - 4, path);
    off_t csv_bytes = size_of(csv), svg_bytes = size_of(svg);
    CHECK(csv_bytes > 0 && svg_bytes > csv_bytes + 512, "sizes %lld and %lld", (long long)csv_bytes,
          (long long)svg_bytes);
    empty_dir();
    limit_files((rlim_t)csv_bytes / 2);
    int rc = export_to(dir, &run, path, err, sizeof err);
    limit_files(0);
    CHECK(rc == -1 && strstr(err, "export: writing") && files_in(dir) == 0,
          "a CSV cut short: %d, '%s', %d files left", rc, err, files_in(dir));
    limit_files((rlim_t)(csv_bytes + svg_bytes) / 2);
    rc = export_to(dir, &run, path, err, sizeof err);
    limit_files(0);
    printf("a figure cut short: %s\n", err);
    CHECK(rc == 1 && strstr(err, "export: writing") && strstr(err, ".svg") &&
              size_of(csv) == csv_bytes && files_in(dir) == 1,
          "a figure cut short: %d, '%s', %d files", rc, err, files_in(dir));
    empty_dir();
    snprintf(path, sizeof path, "%s/file", dir);
    fclose(fopen(path, "w"));
    char below[4200];
    snprintf(below, sizeof below, "%s/file", dir);
    rc = export_to(below, &run, path, err, sizeof err);
    CHECK(rc == -1 && strstr(err, "export: cannot create a file in") && files_in(dir) == 1,
          "an export below a file: %d, '%s'", rc, err);
    empty_dir();
    for (int k = 1; k <= NQM_EXPORT_ATTEMPTS; k++) { /* every name the series has */
        struct tm tm = {.tm_year = 126, .tm_mon = 11, .tm_mday = 3, .tm_hour = 12};
        char name[256];
        nqm_app_export_name(name, sizeof name, "catapult-1d", &tm, k);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        fclose(fopen(path, "w"));
    }
    rc = export_to(dir, &run, path, err, sizeof err);
    printf("every name taken: %s\n", err);
    CHECK(rc == -1 && files_in(dir) == NQM_EXPORT_ATTEMPTS && strstr(err, "export"),
          "every name taken: %d, '%s', %d files", rc, err, files_in(dir));
    empty_dir();
    nqm_run_close(&run);
    nqm_config_free(&cfg);
}

int main(void)
{
    signal(SIGXFSZ, SIG_IGN);
    CHECK(mkdtemp(dir) != NULL, "a scratch folder");
    test_json_strings();
    test_batch_outputs();
    test_exports();
    empty_dir();
    rmdir(dir);
    return check_report("write-errors");
}
