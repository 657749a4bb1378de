/* csv.h: numeric CSV tables — a data set of feature columns and one label
 * column, read with errors that name file, line and column. */
#ifndef NQMTOP_CSV_H
#define NQMTOP_CSV_H

#include <stddef.h>

enum {
    NQM_CSV_MAX_LINE = 1 << 20, /* bytes per line */
    NQM_CSV_MAX_FILE = 1 << 30, /* bytes per file */
    NQM_CSV_MAX_COLS = 100000,
    NQM_CSV_MAX_ROWS = 1000000
};

/* Whether the first line names the columns. */
typedef enum { CSV_HEADER_AUTO, CSV_HEADER_YES, CSV_HEADER_NO } nqm_csv_header;

typedef struct {
    int rows, cols; /* data rows; feature columns (the label excluded) */
    double *X;      /* (rows, cols) features, row-major */
    double *y;      /* (rows) labels */
} nqm_table;

/* Read path. label names the label column: a header name, a 1-based
 * column number, or "" for the last column. With CSV_HEADER_AUTO the first
 * line is a header when one of its fields is not a number. separator is
 * ',', ';', '\t', ' ' (runs of blanks) or 0: a comma when the first line
 * has one outside quotes, else a tab, else a semicolon, else blanks. A
 * field may be quoted ("..." with "" for a quote). Blank lines and lines
 * starting with '#' are skipped; fields are trimmed; every value must be
 * a finite number in the C locale; every row must have as many fields as
 * the first. 0, or -1 with "FILE:LINE: column C: what" in err. */
int nqm_csv_load(const char *path, const char *label, nqm_csv_header header, char separator,
                 nqm_table *out, char *err, size_t errlen);
/* The same over text held in memory (len bytes), named name in errors. */
int nqm_csv_parse(const char *name, const char *text, size_t len, const char *label,
                  nqm_csv_header header, char separator, nqm_table *out, char *err, size_t errlen);
/* The separator character of a `separator` key value (0 auto, 1 ',', 2
 * ';', 3 tab, 4 space). */
char nqm_csv_separator(int word);
void nqm_table_free(nqm_table *t);

#endif
