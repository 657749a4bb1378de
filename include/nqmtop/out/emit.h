/* emit.h: what every headless writer emits (batch records and summaries,
 * sweep records and summaries, exports): the record formats, numbers as
 * text, and JSON strings and objects. Numbers go out in the shortest form
 * that reads back exactly (nqm_format_shortest: 0.41, not
 * 0.40999999999999998) in the current locale (callers switch to C,
 * cnum.h); non-finite ones as inf,
 * -inf, nan, or in JSON as 1e999, -1e999 (valid JSON that parsers read
 * as infinities) and null. */
#ifndef NQMTOP_EMIT_H
#define NQMTOP_EMIT_H

#include <stdio.h>

#include "nqmtop/input/config.h"

typedef enum { NQM_FORMAT_TSV, NQM_FORMAT_CSV, NQM_FORMAT_JSONL, NQM_FORMAT_COUNT } nqm_format;

/* "tsv", "csv", "jsonl" -> the format, or -1. */
int nqm_format_parse(const char *s);
const char *nqm_format_name(nqm_format f);

void nqm_put_number(FILE *f, double v, int json);
/* A JSON string with its escapes. */
void nqm_put_json_string(FILE *f, const char *s);

/* A JSON object being written, member by member: one member per line, or
 * all on one line (compact: "{"a": 1, "b": 2}", one jsonl line). */
typedef struct {
    FILE *f;
    int compact;
    int members;
} nqm_json;

/* '{', then the members, then '}' (a top-level object's newline is the
 * caller's). */
void nqm_json_open(nqm_json *j, FILE *f, int compact);
void nqm_json_close(nqm_json *j);
/* The key of the next member (its value then written by the caller). */
void nqm_json_key(nqm_json *j, const char *key);
void nqm_json_number(nqm_json *j, const char *key, double v);
/* s NULL: null. */
void nqm_json_string(nqm_json *j, const char *key, const char *s);
/* valid 0: null. */
void nqm_json_integer(nqm_json *j, const char *key, long v, int valid);
void nqm_json_bool(nqm_json *j, const char *key, int v);

/* What made an output: nqmtop's version and commit, the BLAS core and its
 * threads (the front end knows them and hands them on). */
typedef struct {
    const char *version;
    const char *commit; /* the git commit ("-dirty": with changes), or "unknown" */
    const char *blas_core;
    int blas_threads;
} nqm_provenance;

/* cfg as preset text (nqm_preset_write), to free(); NULL when out of
 * memory. */
char *nqm_config_text(const nqm_config *cfg);
/* The member "provenance": p's fields and "configuration", cfg as preset
 * text. p NULL: nothing. */
void nqm_json_provenance(nqm_json *j, const nqm_provenance *p, const nqm_config *cfg);
/* "nqmtop V, commit C; OpenBLAS CORE, N threads" into buf. */
void nqm_provenance_line(const nqm_provenance *p, char *buf, size_t len);
/* The provenance as text: a line "nqmtop V, commit C; OpenBLAS CORE, N
 * threads", then cfg as preset text; to free(), NULL out of memory. */
char *nqm_provenance_text(const nqm_provenance *p, const nqm_config *cfg);

#endif
