/* batch.h: the headless front end. One record per step on a stream (tsv,
 * csv or jsonl) and a JSON summary of the run, written atomically. */
#ifndef NQMTOP_BATCH_H
#define NQMTOP_BATCH_H

#include <stddef.h>
#include <stdio.h>
#include "nqmtop/input/config.h"

typedef enum { NQM_FORMAT_TSV, NQM_FORMAT_CSV, NQM_FORMAT_JSONL, NQM_FORMAT_COUNT } nqm_format;

typedef struct {
    nqm_format format;
    long steps;          /* records for t = 0..steps (fewer if the run diverges) */
    const char *summary; /* NULL: none; "-": on the record stream after the records; a path */
    int force;           /* the summary may replace an existing file */
} nqm_batch_options;

/* "tsv", "csv", "jsonl" -> the format, or -1. */
int nqm_format_parse(const char *s);
const char *nqm_format_name(nqm_format f);

/* What can be known before the run: the summary file must not exist
 * (unless force) and its directory must be writable. 0, or -1 with err. */
int nqm_batch_check(const nqm_batch_options *opt, char *err, size_t errlen);

/* Output pieces shared with the sweep writer (sweepout.c): a number as
 * %.17g in the current locale (callers switch to C), non-finite ones as
 * inf, -inf, nan, or null when json; a JSON string with its escapes. */
void nqm_put_number(FILE *f, double v, int json);
void nqm_put_json_string(FILE *f, const char *s);

/* Write path atomically from write(f, ctx): a temporary file beside it,
 * synced, then linked into place; an existing file is replaced only with
 * force. 0, or 1 with "nqmtop: WHAT: ..." on errs. */
int nqm_write_atomic(const char *path, int force, const char *what,
                     void (*write)(FILE *f, const void *ctx), const void *ctx, FILE *errs);

/* Run cfg headless, records on out, messages on errs. Returns the exit
 * status: 0 (a diverged run included: it is a result), 1 when the run or
 * an output failed, 2 when nqm_batch_check refuses the options. */
int nqm_batch_run(const nqm_config *cfg, const nqm_batch_options *opt, FILE *out, FILE *errs);

#endif
