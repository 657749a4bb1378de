/* sweepread.c: per-seed sweep records read back (sweepread.h). A file is
 * jsonl when its first line opens an object, else a header line and rows
 * separated by tabs (tsv) or commas (csv); text values never hold a
 * separator, so no quoting is needed. Each row becomes the record of one
 * run, its numbers read back exactly (they were written in the shortest
 * form that does), and is handed to the sweep as a preloaded run. */
#include "sweepread.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/base/textfile.h"

enum { MAX_COLUMNS = 128 };

/* One record as names and values (pointers into the line and header). */
typedef struct {
    const char *name[MAX_COLUMNS];
    const char *value[MAX_COLUMNS];
    int n;
} row;

typedef struct {
    nqm_sweep *sw;
    const char *id;    /* the sweep the options make */
    char first_id[24]; /* the first record's sweep ... */
    int first_file;    /* ... and the file it was in */
    int *from_file;    /* (runs) 1 + the file a run's record came from, 0: none yet */
    long *from_line;   /* (runs) its line there */
    const char *const *paths;
    int file;  /* the file being read */
    long line; /* its line being read */
    char *err;
    size_t errlen;
} reader;

/* "FILE:LINE: " then the message into err; -1. */
__attribute__((format(printf, 2, 3))) static int fail(reader *rd, const char *fmt, ...)
{
    int used = snprintf(rd->err, rd->errlen, "%s:%ld: ", rd->paths[rd->file], rd->line);
    if (used < 0 || (size_t)used >= rd->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->err + used, rd->errlen - (size_t)used, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- lines into rows ---------------------------------------------------------------- */

/* Split line at sep into fields (in place). The count, or -1 when more
 * than max. */
static int split(char *line, char sep, const char **fields, int max)
{
    int n = 0;
    for (char *p = line;; p++) {
        if (n == max)
            return -1;
        fields[n++] = p;
        p = strchr(p, sep);
        if (!p)
            return n;
        *p = '\0';
    }
}

static char *skip_space(char *s) { return s + strspn(s, " \t"); }

/* The JSON string that starts after the quote at s, unescaped in place;
 * the character after its closing quote, or NULL. */
static char *json_string(char *s)
{
    char *out = s;
    for (; *s && *s != '"'; s++) {
        if (*s != '\\') {
            *out++ = *s;
            continue;
        }
        s++;
        unsigned code;
        if (*s == '"' || *s == '\\' || *s == '/')
            *out++ = *s;
        else if (*s == 'u' && sscanf(s + 1, "%4x", &code) == 1 && code > 0 && code < 0x80) {
            *out++ = (char)code;
            s += 4;
        } else {
            return NULL;
        }
    }
    if (*s != '"')
        return NULL;
    *out = '\0';
    return s + 1;
}

/* A flat JSON object of strings, numbers and nulls into r (in place). */
static int json_row(reader *rd, char *s, row *r)
{
    s = skip_space(s);
    if (*s++ != '{')
        return fail(rd, "not a JSON object");
    for (r->n = 0; *(s = skip_space(s)) != '}';) {
        if (r->n == MAX_COLUMNS)
            return fail(rd, "more than %d members", MAX_COLUMNS);
        char *key = s + 1;
        if (*s != '"' || !(s = json_string(key)) || *(s = skip_space(s)) != ':')
            return fail(rd, "a member's name is not a JSON string followed by ':'");
        s = skip_space(s + 1);
        char *value = *s == '"' ? s + 1 : s;
        if (value == s)
            s += strcspn(s, ",} \t"); /* a number or null */
        else if (!(s = json_string(value)))
            return fail(rd, "%s: a string without its end", key);
        char *end = skip_space(s), next = *end;
        if (next != ',' && next != '}')
            return fail(rd, "%s: no ',' or '}' after the value", key);
        *s = '\0'; /* may be the ',' or '}' itself: next keeps it */
        r->name[r->n] = key;
        r->value[r->n++] = value;
        if (next == '}')
            return 0;
        s = end + 1;
    }
    return 0;
}

/* ---- rows into runs ------------------------------------------------------------------ */

/* The value of column name, or NULL. */
static const char *get(const row *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->name[i], name) == 0)
            return r->value[i];
    return NULL;
}

static int need(reader *rd, const row *r, const char *name, const char **value)
{
    *value = get(r, name);
    return *value ? 0 : fail(rd, "no column %s", name);
}

static int get_long(reader *rd, const row *r, const char *name, long lo, long hi, long *out)
{
    const char *v;
    if (need(rd, r, name, &v) != 0)
        return -1;
    char *end;
    errno = 0;
    *out = strtol(v, &end, 10);
    if (end == v || *end || errno || *out < lo || *out > hi)
        return fail(rd, "%s: '%.40s' is not a whole number from %ld to %ld", name, v, lo, hi);
    return 0;
}

static int get_seed(reader *rd, const row *r, unsigned long *out)
{
    const char *v;
    if (need(rd, r, "seed", &v) != 0)
        return -1;
    char *end;
    errno = 0;
    *out = strtoul(v, &end, 10);
    if (end == v || *end || errno || v[0] < '0' || v[0] > '9')
        return fail(rd, "seed: '%.40s' is not a whole number of 0 or more", v);
    return 0;
}

/* A name column read with parse (an enum's names). */
static int get_name(reader *rd, const row *r, const char *name, int (*parse)(const char *),
                    int *out)
{
    const char *v;
    if (need(rd, r, name, &v) != 0)
        return -1;
    if ((*out = parse(v)) < 0)
        return fail(rd, "%s: '%.40s' is not one nqmtop writes", name, v);
    return 0;
}

static int regime_parse(const char *s)
{
    for (int g = 0; g < REGIME_COUNT; g++)
        if (strcmp(nqm_regime_name((nqm_regime)g), s) == 0)
            return g;
    return -1;
}

/* The field columns: a number, inf, nan, or in JSON null and +-1e999. */
static int get_fields(reader *rd, const row *r, nqm_sweep_run_record *rec)
{
    const int eta_max = nqm_sweep_spec_of(rd->sw)->eta_max;
    for (int f = 0; f < NQM_SF_COUNT; f++) {
        int bisection = f == NQM_SF_ETA_MAX_MEASURED || f == NQM_SF_ETA_MAX_RATIO ||
                        f == NQM_SF_BRACKETED || f == NQM_SF_ETA_MAX_COLLAPSED;
        const char *name = nqm_sweep_field_name((nqm_sweep_field)f), *v;
        rec->field[f] = NAN;
        if (bisection && !eta_max)
            continue;
        if (need(rd, r, name, &v) != 0)
            return -1;
        char *end;
        if (strcmp(v, "null") != 0 && ((rec->field[f] = nqm_c_strtod(v, &end)), end == v || *end))
            return fail(rd, "%s: '%.40s' is not a number", name, v);
    }
    return 0;
}

/* The sweep a record belongs to: the options' one, and every file's. */
static int check_id(reader *rd, const row *r)
{
    const char *v = get(r, "sweep");
    if (!v)
        return fail(rd, "no column sweep: not the records of an nqmtop sweep");
    if (!rd->first_id[0]) {
        snprintf(rd->first_id, sizeof rd->first_id, "%s", v);
        rd->first_file = rd->file;
    }
    if (strcmp(v, rd->first_id) != 0)
        return fail(rd,
                    "a record of sweep %.20s, but %s holds sweep %s: records of two sweeps "
                    "do not merge",
                    v, rd->paths[rd->first_file], rd->first_id);
    if (strcmp(v, rd->id) != 0)
        return fail(rd,
                    "a record of sweep %.20s, but these options make sweep %s (another "
                    "preset, --set, --sweep, --repeats, --steps, --eta-max or nqmtop)",
                    v, rd->id);
    return 0;
}

/* Which repeat a record is: its column repeat, or the only one of a
 * sweep of one repeat written without --per-seed. */
static int get_repeat(reader *rd, const row *r, long *repeat)
{
    const int repeats = nqm_sweep_spec_of(rd->sw)->repeats;
    const char *of = get(r, "repeats");
    *repeat = 0;
    if (get(r, "repeat"))
        return get_long(rd, r, "repeat", 0, repeats - 1, repeat);
    if (of && strcmp(of, "1") == 0)
        return 0;
    return fail(rd,
                "a record of the mean over %s repeats: merging and resuming take one "
                "record per run (--per-seed, or --shard)",
                of ? of : "several");
}

/* The model's place among the sweep's models. */
static int get_model(reader *rd, const row *r, nqm_sweep_run_record *rec)
{
    int kind;
    if (get_name(rd, r, "model", nqm_model_parse, &kind) != 0)
        return -1;
    rec->model = (nqm_model_kind)kind;
    for (rec->k = 0; rec->k < nqm_sweep_models(rd->sw); rec->k++)
        if (nqm_sweep_model(rd->sw, rec->k) == rec->model)
            return 0;
    return fail(rd, "model %s is not one of the sweep's models", nqm_model_name(rec->model));
}

static int row_record(reader *rd, const row *r, nqm_sweep_run_record *rec)
{
    long point, repeat, width, n, d, n_test;
    int act, loss, regime;
    if (check_id(rd, r) != 0 || get_repeat(rd, r, &repeat) != 0 ||
        get_long(rd, r, "point", 0, nqm_sweep_points(rd->sw) - 1, &point) != 0 ||
        get_model(rd, r, rec) != 0 ||
        get_name(rd, r, "activation", nqm_activation_parse, &act) != 0 ||
        get_name(rd, r, "loss", nqm_loss_parse, &loss) != 0 ||
        get_long(rd, r, "width", 0, NQM_WIDTH_MAX, &width) != 0 ||
        get_long(rd, r, "n", 0, INT_MAX, &n) != 0 || get_long(rd, r, "d", 0, INT_MAX, &d) != 0 ||
        get_long(rd, r, "n_test", 0, INT_MAX, &n_test) != 0 || get_seed(rd, r, &rec->seed) != 0 ||
        get_name(rd, r, "regime", regime_parse, &regime) != 0 || get_fields(rd, r, rec) != 0)
        return -1;
    rec->point = (int)point;
    rec->repeat = (int)repeat;
    rec->activation = (nqm_activation)act;
    rec->loss = (nqm_loss)loss;
    rec->width = width;
    rec->n = (int)n;
    rec->d = (int)d;
    rec->n_test = (int)n_test;
    rec->regime = (nqm_regime)regime;
    return 0;
}

/* The run of row r into the sweep, once. */
static int take_row(reader *rd, const row *r)
{
    nqm_sweep_run_record rec;
    char why[256];
    if (row_record(rd, r, &rec) != 0)
        return -1;
    long i =
        ((long)rec.point * nqm_sweep_models(rd->sw) + rec.k) * nqm_sweep_spec_of(rd->sw)->repeats +
        rec.repeat;
    int rc = nqm_sweep_preload(rd->sw, &rec, why, sizeof why);
    if (rc < 0)
        return fail(rd, "%s", why);
    if (rc > 0)
        return fail(rd, "point %d, model %s, repeat %d again (first at %s:%ld)", rec.point,
                    nqm_model_name(rec.model), rec.repeat, rd->paths[rd->from_file[i] - 1],
                    rd->from_line[i]);
    rd->from_file[i] = rd->file + 1;
    rd->from_line[i] = rd->line;
    return 0;
}

/* ---- files ------------------------------------------------------------------------- */

/* Every record of one file. */
static int read_file(reader *rd, FILE *f, FILE *errs)
{
    char *line = NULL, *header = NULL;
    size_t cap = 0;
    ssize_t len;
    row head = {{0}, {0}, 0}, r;
    char sep = 0;
    int rc = 0, json = -1;
    for (rd->line = 1; rc == 0 && (len = getline(&line, &cap, f)) > 0; rd->line++) {
        if (line[len - 1] != '\n') {
            nqm_say(errs,
                    "nqmtop: %s:%ld: the last record is cut off (no newline at its end); "
                    "left out",
                    rd->paths[rd->file], rd->line);
            break;
        }
        line[len - 1] = '\0';
        if (json < 0)
            json = *skip_space(line) == '{';
        if (json) {
            rc = json_row(rd, line, &r) != 0 || take_row(rd, &r) != 0 ? -1 : 0;
        } else if (!header) {
            sep = strchr(line, '\t') ? '\t' : ',';
            header = strdup(line);
            if (!header || (head.n = split(header, sep, head.name, MAX_COLUMNS)) < 0)
                rc = fail(rd, header ? "more than %d columns" : "out of memory", MAX_COLUMNS);
        } else {
            memcpy(r.name, head.name, sizeof r.name);
            r.n = split(line, sep, r.value, MAX_COLUMNS);
            if (r.n != head.n)
                rc = fail(rd, "%d fields, but the header has %d", r.n, head.n);
            else
                rc = take_row(rd, &r);
        }
    }
    if (rc == 0 && ferror(f))
        rc = fail(rd, "reading failed: %s", strerror(errno));
    free(line);
    free(header);
    return rc;
}

/* With need_all, the first run of the grid that no file holds. */
static int check_gaps(reader *rd, int need_all, FILE *errs)
{
    const long runs = nqm_sweep_runs(rd->sw);
    long missing = 0, first = -1;
    for (long i = 0; i < runs; i++)
        if (!rd->from_file[i] && missing++ == 0)
            first = i;
    if (!need_all) {
        nqm_say(errs, "nqmtop: --resume: %ld of %ld runs read back, %ld left to run",
                runs - missing, runs, missing);
        return 0;
    }
    if (missing == 0)
        return 0;
    const int R = nqm_sweep_spec_of(rd->sw)->repeats, models = nqm_sweep_models(rd->sw);
    snprintf(rd->err, rd->errlen,
             "--merge: %ld of %ld runs missing, the first point %ld, model %s, repeat %ld (a "
             "shard left out, or stopped: --resume finishes it)",
             missing, runs, first / R / models,
             nqm_model_name(nqm_sweep_model(rd->sw, (int)(first / R % models))), first % R);
    return -1;
}

int nqm_sweep_read_runs(nqm_sweep *sw, const char *id, const char *const *paths, int npaths,
                        int need_all, FILE *errs, char *err, size_t errlen)
{
    const long runs = nqm_sweep_runs(sw);
    reader rd = {sw,
                 id,
                 "",
                 0,
                 calloc((size_t)runs, sizeof(int)),
                 calloc((size_t)runs, sizeof(long)),
                 paths,
                 0,
                 0,
                 err,
                 errlen};
    int rc = rd.from_file && rd.from_line ? 0 : -1;
    if (rc != 0)
        snprintf(err, errlen, "out of memory for %ld runs", runs);
    for (rd.file = 0; rc == 0 && rd.file < npaths; rd.file++) {
        FILE *f = fopen(paths[rd.file], "r");
        if (!f) {
            snprintf(err, errlen, "%s: %s", paths[rd.file], strerror(errno));
            rc = -1;
            break;
        }
        rc = read_file(&rd, f, errs);
        fclose(f);
    }
    if (rc == 0)
        rc = check_gaps(&rd, need_all, errs);
    free(rd.from_file);
    free(rd.from_line);
    return rc;
}
