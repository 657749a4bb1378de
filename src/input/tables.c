/* tables.c: the tables of a configuration's data files (tables.h): each
 * format read into a table of doubles, the two classes picked and mapped
 * to +1 and -1, labels that look like classes refused without them. */
#include "nqmtop/input/tables.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/arrays.h"

/* What a table set was read from: the fields of the configuration that
 * decide its content. */
typedef struct {
    nqm_data_kind data;
    char train_file[NQM_PATH_LEN], test_file[NQM_PATH_LEN];
    char train_labels[NQM_PATH_LEN], test_labels[NQM_PATH_LEN];
    char label[NQM_NAME_LEN];
    char npz_features[NQM_NAME_LEN], npz_labels[NQM_NAME_LEN];
    nqm_csv_header header;
    int separator;
    int nclasses;
    double classes[2];
} source;

struct nqm_tables {
    atomic_int refs;
    source src;
    nqm_table train, test; /* test: rows 0 without a test file */
};

static void source_of(const nqm_config *cfg, source *s)
{
    memset(s, 0, sizeof *s);
    s->data = cfg->data;
    memcpy(s->train_file, cfg->train_file, sizeof s->train_file);
    memcpy(s->test_file, cfg->test_file, sizeof s->test_file);
    memcpy(s->train_labels, cfg->train_labels, sizeof s->train_labels);
    memcpy(s->test_labels, cfg->test_labels, sizeof s->test_labels);
    memcpy(s->label, cfg->label, sizeof s->label);
    memcpy(s->npz_features, cfg->npz_features, sizeof s->npz_features);
    memcpy(s->npz_labels, cfg->npz_labels, sizeof s->npz_labels);
    s->header = cfg->header;
    s->separator = cfg->separator;
    s->nclasses = cfg->nclasses;
    if (cfg->nclasses == 2)
        memcpy(s->classes, cfg->classes, sizeof s->classes);
}

/* Whether an example of label y is kept, and the label it then has. */
static int kept(const source *s, double y)
{
    return s->nclasses != 2 || y == s->classes[0] || y == s->classes[1];
}

static double class_label(const source *s, double y)
{
    if (s->nclasses != 2)
        return y;
    return y == s->classes[0] ? 1.0 : -1.0;
}

/* Labels that are not +-1 but classes are refused without classes = a,b
 * (the test accuracy needs +-1), with the way out: those of IDX and
 * CIFAR-10 files always, and labels of a CSV or NPY file that are all
 * whole numbers (0/1, or the classes 0..9 of a multi-class set), whose
 * regression targets would otherwise be taken silently; classes =
 * targets keeps any labels as stored, real-valued ones are targets. */
static int check_labels(const source *s, const nqm_table *t, const char *file, char *err,
                        size_t errlen)
{
    if (s->nclasses != 0)
        return 0;
    int pm1 = 1, whole = 1;
    double lo = t->y[0], hi = t->y[0];
    for (int i = 0; i < t->rows; i++) {
        pm1 &= t->y[i] == 1 || t->y[i] == -1;
        whole &= t->y[i] == floor(t->y[i]);
        lo = fmin(lo, t->y[i]);
        hi = fmax(hi, t->y[i]);
    }
    int classes = s->data == DATA_IDX || s->data == DATA_CIFAR;
    if (pm1 || !(classes || whole))
        return 0;
    if (lo == hi)
        snprintf(err, errlen,
                 "classes: every label of %s is %g, one class; a run needs +1 and -1 (or "
                 "classes = targets to keep them as regression targets)",
                 file, lo);
    else
        snprintf(err, errlen,
                 "classes: the labels of %s are classes %g to %g, not +1 and -1; pick two with "
                 "classes = a,b (or keep them as regression targets with classes = targets)",
                 file, lo, hi);
    return -1;
}

/* Count the examples of each kept class; -1 when one has none. */
static int check_counts(const source *s, const nqm_array *y, const char *file, char *err,
                        size_t errlen)
{
    for (int c = 0; c < s->nclasses; c++) {
        long count = 0;
        for (long i = 0; i < y->rows; i++)
            count += nqm_array_at(y, i, 0) == s->classes[c];
        if (count == 0) {
            snprintf(err, errlen, "classes: no example of %s has the label %g", file,
                     s->classes[c]);
            return -1;
        }
    }
    return 0;
}

/* The kept rows of X (divided by unit) and their labels y into out. */
static int from_arrays(const source *s, const nqm_array *X, const nqm_array *y, double unit,
                       const char *file, nqm_table *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (check_counts(s, y, file, err, errlen) != 0)
        return -1;
    long rows = 0;
    for (long i = 0; i < y->rows; i++)
        rows += kept(s, nqm_array_at(y, i, 0));
    out->cols = (int)X->cols;
    out->X = malloc((size_t)rows * (size_t)X->cols * sizeof *out->X);
    out->y = malloc((size_t)rows * sizeof *out->y);
    if (!out->X || !out->y) {
        nqm_table_free(out);
        snprintf(err, errlen, "%s: out of memory for %ld examples", file, rows);
        return -1;
    }
    for (long i = 0; i < X->rows; i++) {
        if (!kept(s, nqm_array_at(y, i, 0)))
            continue;
        double label = class_label(s, nqm_array_at(y, i, 0));
        double *row = out->X + (size_t)out->rows * (size_t)X->cols;
        for (long j = 0; j < X->cols; j++)
            if (!isfinite(row[j] = nqm_array_at(X, i, j) / unit)) {
                snprintf(err, errlen, "%s: example %ld, value %ld is not a finite number", file,
                         i + 1, j + 1);
                nqm_table_free(out);
                return -1;
            }
        if (!isfinite(label)) {
            snprintf(err, errlen, "%s: the label of example %ld is not a finite number", file,
                     i + 1);
            nqm_table_free(out);
            return -1;
        }
        out->y[out->rows++] = label;
    }
    return 0;
}

/* A CSV table, its rows of the kept classes relabelled in place. */
static int read_csv(const source *s, const char *file, nqm_table *out, char *err, size_t errlen)
{
    nqm_table all;
    if (nqm_csv_load(file, s->label, s->header, nqm_csv_separator(s->separator), &all, err,
                     errlen) != 0)
        return -1;
    nqm_array X = {.rows = all.rows,
                   .cols = all.cols,
                   .type = NQM_EL_F64,
                   .row_step = (size_t)all.cols * sizeof(double),
                   .data = (void *)all.X};
    nqm_array y = {.rows = all.rows,
                   .cols = 1,
                   .type = NQM_EL_F64,
                   .row_step = sizeof(double),
                   .data = (void *)all.y};
    int rc = from_arrays(s, &X, &y, 1.0, file, out, err, errlen);
    nqm_table_free(&all);
    return rc;
}

/* The features and labels of one binary format, over bytes already read. */
static int parse_pair(const source *s, const char *file, const unsigned char *a, size_t alen,
                      const char *labels, const unsigned char *b, size_t blen, nqm_array *X,
                      nqm_array *y, char *err, size_t errlen)
{
    if (s->data == DATA_CIFAR)
        return nqm_cifar_parse(file, a, alen, X, y, err, errlen);
    int (*parse)(const char *, const unsigned char *, size_t, nqm_array *, char *, size_t) =
        s->data == DATA_IDX ? nqm_idx_parse : nqm_npy_parse;
    if (parse(file, a, alen, X, err, errlen) != 0 || parse(labels, b, blen, y, err, errlen) != 0)
        return -1;
    if (y->cols != 1) {
        snprintf(err, errlen, "%s: %ld values per example; a label file holds one", labels,
                 y->cols);
        return -1;
    }
    if (y->rows != X->rows) {
        snprintf(err, errlen, "%s: %ld labels for the %ld examples of %s", labels, y->rows, X->rows,
                 file);
        return -1;
    }
    return 0;
}

/* The members of an .npz archive that hold the features, and the labels
 * (in the features' archive, or in one of their own), unless the
 * configuration names them. */
static const char *const npz_features[] = {"x", "X", "arr_0", NULL};
static const char *const npz_labels_beside[] = {"y", "Y", "labels", "arr_1", NULL};
static const char *const npz_labels_apart[] = {"y", "Y", "labels", "arr_0", NULL};

/* The names to look for: the one named (a two-slot list in one[]) or the
 * usual ones. */
static const char *const *npz_names(const char *named, const char *const *usual, const char *one[2])
{
    if (!named[0])
        return usual;
    one[0] = named;
    one[1] = NULL;
    return one;
}

/* *bytes replaced by the member of the names when they are an .npz
 * archive (nothing changes otherwise). */
static int npz_unpack(const char *file, const char *const *names, unsigned char **bytes,
                      size_t *len, char *err, size_t errlen)
{
    unsigned char *m;
    size_t n;
    if (!nqm_is_zip(*bytes, *len))
        return 0;
    if (nqm_npz_member(file, *bytes, *len, names, &m, &n, err, errlen) != 0)
        return -1;
    free(*bytes);
    *bytes = m;
    *len = n;
    return 0;
}

/* The features (a) and labels (b) of NPY files or .npz archives: the
 * labels from their own file, or without one from the features' archive. */
static int read_npy(const source *s, const char *file, const char *labels, unsigned char **a,
                    size_t *alen, unsigned char **b, size_t *blen, char *err, size_t errlen)
{
    const char *one_x[2], *one_y[2];
    const char *const *xnames = npz_names(s->npz_features, npz_features, one_x);
    if (nqm_binary_read(file, a, alen, err, errlen) != 0)
        return -1;
    if (!labels[0]) {
        if (!nqm_is_zip(*a, *alen)) {
            snprintf(err, errlen,
                     "%s: not an .npz archive (a zip file) that could hold the labels; give "
                     "them a file of their own",
                     file);
            return -1;
        }
        if (nqm_npz_member(file, *a, *alen, npz_names(s->npz_labels, npz_labels_beside, one_y), b,
                           blen, err, errlen) != 0)
            return -1;
    } else if (nqm_binary_read(labels, b, blen, err, errlen) != 0 ||
               npz_unpack(labels, npz_names(s->npz_labels, npz_labels_apart, one_y), b, blen, err,
                          errlen) != 0) {
        return -1;
    }
    return npz_unpack(file, xnames, a, alen, err, errlen);
}

/* A table of a binary format (IDX, NPY or NPZ, CIFAR-10). */
static int read_binary(const source *s, const char *file, const char *labels, nqm_table *out,
                       char *err, size_t errlen)
{
    unsigned char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    nqm_array X = {0}, y = {0};
    int rc = s->data == DATA_NPY ? read_npy(s, file, labels, &a, &alen, &b, &blen, err, errlen)
                                 : nqm_binary_read(file, &a, &alen, err, errlen);
    if (rc == 0 && s->data == DATA_IDX)
        rc = nqm_binary_read(labels, &b, &blen, err, errlen);
    if (rc == 0)
        rc = parse_pair(s, file, a, alen, labels[0] ? labels : file, b, blen, &X, &y, err, errlen);
    double unit = X.type == NQM_EL_U8 && s->data != DATA_NPY ? 255.0 : 1.0;
    if (rc == 0)
        rc = from_arrays(s, &X, &y, unit, file, out, err, errlen);
    free(a);
    free(b);
    return rc;
}

static int read_one(const source *s, const char *file, const char *labels, nqm_table *out,
                    char *err, size_t errlen)
{
    int rc = s->data == DATA_CSV ? read_csv(s, file, out, err, errlen)
                                 : read_binary(s, file, labels, out, err, errlen);
    const char *named = (s->data == DATA_IDX || s->data == DATA_NPY) && labels[0] ? labels : file;
    if (rc == 0 && check_labels(s, out, named, err, errlen) != 0) {
        nqm_table_free(out);
        return -1;
    }
    return rc;
}

void nqm_tables_retain(nqm_tables *t)
{
    if (t)
        atomic_fetch_add(&t->refs, 1);
}

void nqm_tables_release(nqm_tables *t)
{
    if (!t || atomic_fetch_sub(&t->refs, 1) != 1)
        return;
    nqm_table_free(&t->train);
    nqm_table_free(&t->test);
    free(t);
}

int nqm_tables_fit(const nqm_tables *t, const nqm_config *cfg)
{
    if (!t)
        return 0;
    source s;
    source_of(cfg, &s);
    return memcmp(&s, &t->src, sizeof s) == 0;
}

const nqm_table *nqm_tables_train(const nqm_tables *t) { return &t->train; }
const nqm_table *nqm_tables_test(const nqm_tables *t) { return &t->test; }

nqm_tables *nqm_tables_read(const nqm_config *cfg, char *err, size_t errlen)
{
    struct nqm_tables *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    atomic_init(&t->refs, 1);
    source_of(cfg, &t->src);
    const source *s = &t->src;
    int rc = read_one(s, s->train_file, s->train_labels, &t->train, err, errlen);
    if (rc == 0 && s->test_file[0]) {
        rc = read_one(s, s->test_file, s->test_labels, &t->test, err, errlen);
        if (rc == 0 && t->test.cols != t->train.cols) {
            snprintf(err, errlen, "test_file: %s has %d feature columns, train_file %s has %d",
                     s->test_file, t->test.cols, s->train_file, t->train.cols);
            rc = -1;
        }
    }
    if (rc != 0) {
        nqm_tables_release(t);
        return NULL;
    }
    return t;
}
