/* csv.c: the numeric CSV reader behind `data = csv`. One pass over the
 * text, line by line; every failure is one message naming the file, the
 * line and the column. Fields are separated by commas, semicolons, tabs
 * or runs of blanks (given, or seen on the first line), and may be quoted
 * ("..." with "" for a quote, separators inside), as spreadsheets and
 * np.savetxt write them. */
#include "nqmtop/input/csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/base/textfile.h"
#include "nqmtop/input/config.h"

/* Features * rows above which a table is refused before allocating. */
#define NQM_CSV_MAX_CELLS (1L << 28)

typedef struct {
    const char *name; /* file name for messages */
    long line;        /* current line number, 1-based */
    char *err;
    size_t errlen;
    char **fields; /* (cols_cap) field starts within the line copy */
    int nfields, cols_cap;
    nqm_table *out;
    long cap_rows;
    int label_col; /* 0-based column of the label */
    int ncols;     /* fields per row, label included */
    char sep;      /* ',', ';', '\t', ' ' (runs of blanks), 0: not decided yet */
} reader;

static int fail(reader *r, int column, const char *fmt, ...)
{
    int used = column > 0
                   ? snprintf(r->err, r->errlen, "%s:%ld: column %d: ", r->name, r->line, column)
                   : snprintf(r->err, r->errlen, "%s:%ld: ", r->name, r->line);
    if (used < 0 || (size_t)used >= r->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + used, r->errlen - (size_t)used, fmt, ap);
    va_end(ap);
    return -1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
    return s;
}

/* The separator of a file whose first line is line: a comma outside
 * quotes, else a tab, else a semicolon, else runs of blanks. */
static char detect_separator(const char *line)
{
    int quoted = 0, tab = 0, semicolon = 0;
    for (const char *p = line; *p; p++) {
        quoted ^= *p == '"';
        if (!quoted && *p == ',')
            return ',';
        tab |= !quoted && *p == '\t';
        semicolon |= !quoted && *p == ';';
    }
    return tab ? '\t' : semicolon ? ';' : ' ';
}

char nqm_csv_separator(int word)
{
    static const char chars[] = {0, ',', ';', '\t', ' '};
    return word >= 0 && word < 5 ? chars[word] : 0;
}

static int is_separator(const reader *r, char c)
{
    return r->sep == ' ' ? c == ' ' || c == '\t' : c == r->sep;
}

/* One field starting at s: "..." with "" for a quote (unquoted in place),
 * or up to the separator. Its end (the separator or the NUL) into *next;
 * -1 when a quote is not closed or text follows it. */
static int take_field(reader *r, char *s, char **field, char **next)
{
    while (*s == ' ' || (*s == '\t' && r->sep != '\t'))
        s++;
    if (*s != '"') {
        char *end = s;
        while (*end && !is_separator(r, *end))
            end++;
        *field = s;
        *next = end;
        return 0;
    }
    char *out = s, *in = s + 1;
    for (;; in++) {
        if (*in == '\0')
            return fail(r, r->nfields + 1, "a quoted field is not closed");
        if (*in == '"' && in[1] != '"')
            break;
        *out++ = *in;
        in += *in == '"';
    }
    *out = '\0';
    for (in++; *in == ' ' || (*in == '\t' && r->sep != '\t'); in++)
        ;
    if (*in && !is_separator(r, *in))
        return fail(r, r->nfields + 1, "text after the closing quote");
    *field = s;
    *next = in;
    return 0;
}

static int add_field(reader *r, char *field)
{
    if (r->nfields == r->cols_cap) {
        if (r->cols_cap >= NQM_CSV_MAX_COLS)
            return fail(r, 0, "more than %d columns", NQM_CSV_MAX_COLS);
        int cap = r->cols_cap ? 2 * r->cols_cap : 64;
        char **f = realloc(r->fields, (size_t)cap * sizeof *f);
        if (!f)
            return fail(r, 0, "out of memory");
        r->fields = f;
        r->cols_cap = cap;
    }
    r->fields[r->nfields++] = field;
    return 0;
}

/* Split line (modified in place) at the separator into r->fields. */
static int split(reader *r, char *line)
{
    r->nfields = 0;
    if (!r->sep)
        r->sep = detect_separator(line);
    if (r->sep == ' ')
        line = trim(line);
    for (char *at = line;;) {
        char *field = at, *next = at;
        if (take_field(r, at, &field, &next) != 0)
            return -1;
        int more = *next != '\0';
        if (r->sep == ' ')
            while (*next == ' ' || *next == '\t')
                *next++ = '\0';
        else if (more)
            *next++ = '\0';
        if (add_field(r, trim(field)) != 0)
            return -1;
        if (!more)
            return 0;
        at = next;
    }
}

/* A number of the shared grammar (cnum.h) filling the whole field. */
static int parse_number(const char *s, double *v)
{
    char ignored[128];
    return nqm_parse_number(s, v, ignored, sizeof ignored);
}

/* What is wrong with a field that is not a number. The field is quoted
 * only when it is made of the characters of numbers (too small, too large,
 * two points): a word or a token in a file of another kind is not repeated. */
static int fail_number(reader *r, int column, const char *s)
{
    char msg[128];
    double v;
    if (strspn(s, "0123456789+-.eE") == strlen(s) && nqm_parse_number(s, &v, msg, sizeof msg) != 0)
        return fail(r, column, "%s", msg);
    return fail(r, column, "not a number");
}

static int is_number(const char *s)
{
    double v;
    return parse_number(s, &v) == 0 || strncmp(s, "nan", 3) == 0 || strncmp(s, "inf", 3) == 0;
}

static int resolve_label(reader *r, const char *label, int has_header)
{
    if (label[0] == '\0') {
        r->label_col = r->ncols - 1;
        return 0;
    }
    char *end;
    long index = strtol(label, &end, 10);
    if (*end == '\0') {
        if (index < 1 || index > r->ncols)
            return fail(r, 0, "label: column %ld does not exist (the file has %d)", index,
                        r->ncols);
        r->label_col = (int)index - 1;
        return 0;
    }
    if (!has_header)
        return fail(r, 0, "label: '%s' names a column but the file has no header", label);
    for (int c = 0; c < r->ncols; c++)
        if (strcmp(r->fields[c], label) == 0) {
            r->label_col = c;
            return 0;
        }
    return fail(r, 0, "label: no column is named '%s'", label);
}

static int grow_rows(reader *r)
{
    nqm_table *t = r->out;
    if (t->rows >= NQM_CSV_MAX_ROWS)
        return fail(r, 0, "more than %d rows", NQM_CSV_MAX_ROWS);
    if (t->rows < r->cap_rows)
        return 0;
    long cap = r->cap_rows ? 2 * r->cap_rows : 256;
    if (cap * (long)t->cols > NQM_CSV_MAX_CELLS)
        return fail(r, 0, "the table would need more than %.0f MiB",
                    (double)NQM_CSV_MAX_CELLS * sizeof(double) / (1 << 20));
    double *X = realloc(t->X, (size_t)cap * t->cols * sizeof *X);
    if (X)
        t->X = X;
    double *y = X ? realloc(t->y, (size_t)cap * sizeof *y) : NULL;
    if (!y)
        return fail(r, 0, "out of memory for %ld rows", cap);
    t->y = y;
    r->cap_rows = cap;
    return 0;
}

static int add_row(reader *r)
{
    nqm_table *t = r->out;
    if (r->nfields != r->ncols)
        return fail(r, 0, "%d field%s, expected %d as in the first line", r->nfields,
                    r->nfields == 1 ? "" : "s", r->ncols);
    if (grow_rows(r) != 0)
        return -1;
    double *row = t->X + (size_t)t->rows * t->cols;
    for (int c = 0, f = 0; c < r->ncols; c++) {
        double v;
        if (r->fields[c][0] == '\0')
            return fail(r, c + 1, "empty field");
        if (parse_number(r->fields[c], &v) != 0)
            return fail_number(r, c + 1, r->fields[c]);
        if (!(fabs(v) < NQM_DATA_MAX))
            return fail(r, c + 1, "out of range (magnitude below %g)", NQM_DATA_MAX);
        if (c == r->label_col)
            t->y[t->rows] = v;
        else
            row[f++] = v;
    }
    t->rows++;
    return 0;
}

/* The first line: the column count, the header decision, the label. */
static int first_line(reader *r, const char *label, nqm_csv_header header)
{
    r->ncols = r->nfields;
    if (r->ncols < 2)
        return fail(r, 0, "a table needs at least one feature and a label column");
    int has_header = header == CSV_HEADER_YES;
    if (header == CSV_HEADER_AUTO)
        for (int c = 0; c < r->ncols && !has_header; c++)
            has_header = !is_number(r->fields[c]);
    if (resolve_label(r, label, has_header) != 0)
        return -1;
    r->out->cols = r->ncols - 1;
    return has_header ? 0 : add_row(r);
}

static int parse_line(reader *r, char *line, size_t len, const char *label, nqm_csv_header header)
{
    if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
    char what[64];
    size_t at = nqm_text_line_fault(line, len, what, sizeof what);
    if (at > 0)
        return fail(r, 0, "%s (byte %zu of the line)", what, at);
    const char *s = line;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0' || *s == '#')
        return 0;
    if (split(r, line) != 0)
        return -1;
    return r->ncols == 0 ? first_line(r, label, header) : add_row(r);
}

int nqm_csv_parse(const char *name, const char *text, size_t len, const char *label,
                  nqm_csv_header header, char separator, nqm_table *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    reader r = {.name = name, .err = err, .errlen = errlen, .out = out, .sep = separator};
    char *line =
        malloc((len < NQM_CSV_MAX_LINE ? len : NQM_CSV_MAX_LINE) + 1); /* a line, its NUL */
    nqm_c_numeric scope;
    int rc = nqm_c_numeric_begin(&scope) == 0 && line ? 0 : fail(&r, 0, "out of memory");
    for (size_t pos = 0; rc == 0 && pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        r.line++;
        if (n > NQM_CSV_MAX_LINE) {
            rc = fail(&r, 0, "line longer than %d bytes", NQM_CSV_MAX_LINE);
            break;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        rc = parse_line(&r, line, n, label, header);
        pos += n + 1;
    }
    if (rc == 0 && out->rows == 0) {
        snprintf(err, errlen, "%s: no data rows", name);
        rc = -1;
    }
    nqm_c_numeric_end(&scope);
    free(line);
    free(r.fields);
    if (rc != 0)
        nqm_table_free(out);
    return rc;
}

int nqm_csv_load(const char *path, const char *label, nqm_csv_header header, char separator,
                 nqm_table *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char *text;
    size_t len;
    if (nqm_data_text_read(path, "CSV table", NQM_CSV_MAX_FILE, &text, &len, err, errlen) != 0)
        return -1;
    int rc = nqm_csv_parse(path, text, len, label, header, separator, out, err, errlen);
    free(text);
    return rc;
}

void nqm_table_free(nqm_table *t)
{
    free(t->X);
    free(t->y);
    t->X = t->y = NULL;
    t->rows = t->cols = 0;
}
