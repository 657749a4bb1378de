/* emit.c: record formats, numbers and JSON for the writers (see emit.h). */
#include "nqmtop/out/emit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/input/preset.h"

static const char *const format_names[NQM_FORMAT_COUNT] = {"tsv", "csv", "jsonl"};

int nqm_format_parse(const char *s)
{
    for (int f = 0; f < NQM_FORMAT_COUNT; f++)
        if (strcmp(format_names[f], s) == 0)
            return f;
    return -1;
}

const char *nqm_format_name(nqm_format f)
{
    return f >= 0 && f < NQM_FORMAT_COUNT ? format_names[f] : "?";
}

void nqm_put_number(FILE *f, double v, int json)
{
    char buf[32];
    if (isfinite(v)) {
        nqm_format_shortest(buf, sizeof buf, v);
        fputs(buf, f);
    } else if (json)
        fputs(isnan(v) ? "null" : v > 0 ? "1e999" : "-1e999", f);
    else
        fputs(isnan(v) ? "nan" : v > 0 ? "inf" : "-inf", f);
}

void nqm_put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void nqm_json_open(nqm_json *j, FILE *f, int compact)
{
    j->f = f;
    j->compact = compact;
    j->members = 0;
    fputc('{', f);
}

void nqm_json_close(nqm_json *j) { fputs(j->compact ? "}" : "\n}", j->f); }

void nqm_json_key(nqm_json *j, const char *key)
{
    if (j->members++)
        fputc(',', j->f);
    fputs(j->compact ? (j->members > 1 ? " " : "") : "\n  ", j->f);
    nqm_put_json_string(j->f, key);
    fputs(": ", j->f);
}

void nqm_json_number(nqm_json *j, const char *key, double v)
{
    nqm_json_key(j, key);
    nqm_put_number(j->f, v, 1);
}

void nqm_json_string(nqm_json *j, const char *key, const char *s)
{
    nqm_json_key(j, key);
    if (s)
        nqm_put_json_string(j->f, s);
    else
        fputs("null", j->f);
}

void nqm_json_integer(nqm_json *j, const char *key, long v, int valid)
{
    nqm_json_key(j, key);
    if (valid)
        fprintf(j->f, "%ld", v);
    else
        fputs("null", j->f);
}

void nqm_json_bool(nqm_json *j, const char *key, int v)
{
    nqm_json_key(j, key);
    fputs(v ? "true" : "false", j->f);
}

char *nqm_config_text(const nqm_config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    int rc = nqm_preset_write(f, cfg);
    if (fclose(f) != 0 || rc != 0) {
        free(text);
        return NULL;
    }
    return text;
}

void nqm_json_provenance(nqm_json *j, const nqm_provenance *p, const nqm_config *cfg)
{
    if (!p)
        return;
    nqm_json_key(j, "provenance");
    nqm_json o;
    nqm_json_open(&o, j->f, 1);
    nqm_json_string(&o, "nqmtop", p->version);
    nqm_json_string(&o, "commit", p->commit);
    nqm_json_string(&o, "openblas_core", p->blas_core);
    nqm_json_integer(&o, "openblas_threads", p->blas_threads, 1);
    char *text = nqm_config_text(cfg);
    nqm_json_string(&o, "configuration", text);
    free(text);
    nqm_json_close(&o);
}

void nqm_provenance_line(const nqm_provenance *p, char *buf, size_t len)
{
    snprintf(buf, len, "nqmtop %s, commit %s; OpenBLAS %s, %d thread%s", p->version, p->commit,
             p->blas_core, p->blas_threads, p->blas_threads == 1 ? "" : "s");
}

char *nqm_provenance_text(const nqm_provenance *p, const nqm_config *cfg)
{
    char *config = nqm_config_text(cfg), *text = NULL, line[256];
    size_t len = 0;
    FILE *f = config ? open_memstream(&text, &len) : NULL;
    if (f) {
        nqm_provenance_line(p, line, sizeof line);
        fprintf(f, "%s\n%s", line, config);
        if (fclose(f) != 0) {
            free(text);
            text = NULL;
        }
    }
    free(config);
    return text;
}
