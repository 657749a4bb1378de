/* data.c: the training and test sets.
 *   single: one example (x, y) given in the config;
 *   mix1d:  App. J.1, label +-1 with equal odds, x ~ N(label * mu, sigma^2);
 *   gauss:  its d-dimensional twin, x ~ N(label * mu * e / sqrt(d), sigma^2 I)
 *           with e the all-ones vector (so |class mean| = mu);
 *   stripes: side x side images (d = side^2, row-major) of alternating
 *           lines +-mu, horizontal for label +1 and vertical for -1, with a
 *           random phase, plus N(0, sigma^2) noise on every pixel;
 *   csv, idx, npy, cifar: the rows of data files (tables.h), shuffled
 *           with the data stream of the seed; the last
 *           round(test_fraction * rows) of the shuffle are the test set
 *           (unless a test file gives one) and the first train_size (0: all
 *           the others) the training set; test_size (0: all) takes the
 *           first rows of the test set (of a test file: of its rows
 *           shuffled with the test stream); then standardize (statistics of
 *           the training set) and normalize.
 * Synthetic test sets (test_n examples) come from the same generator on
 * the test stream, so they never repeat a training example's numbers. */
#include "nqmtop/input/data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/csv.h"
#include "nqmtop/input/tables.h"
#include "nqmtop/base/rng.h"

/* n examples of the mixture into X (n, d) and y (n). */
static void make_mixture(const nqm_config *cfg, uint64_t stream, int n, int d, double *X, double *y)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, cfg->seed, stream);
    double shift = cfg->mu / sqrt((double)d);
    for (int i = 0; i < n; i++) {
        double label = nqm_rng_uniform(&rng) < 0.5 ? -1.0 : 1.0;
        y[i] = label;
        for (int j = 0; j < d; j++)
            X[(size_t)i * d + j] = label * shift + cfg->sigma * nqm_rng_normal(&rng);
    }
}

/* n stripe images of side x side pixels into X (n, side^2) and y (n). */
static void make_stripes(const nqm_config *cfg, uint64_t stream, int side, int n, double *X,
                         double *y)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, cfg->seed, stream);
    const int d = side * side;
    for (int i = 0; i < n; i++) {
        double label = nqm_rng_uniform(&rng) < 0.5 ? -1.0 : 1.0;
        int phase = nqm_rng_uniform(&rng) < 0.5;
        y[i] = label;
        for (int row = 0; row < side; row++)
            for (int col = 0; col < side; col++) {
                int line = label > 0 ? row : col;
                double sign = (line + phase) % 2 ? -1.0 : 1.0;
                X[(size_t)i * d + row * side + col] =
                    sign * cfg->mu + cfg->sigma * nqm_rng_normal(&rng);
            }
    }
}

/* X (n, d), y (n), X_test (n_test, d) and y_test (n_test) for the sizes
 * already in out. */
static int alloc_sets(nqm_data *out, char *err, size_t errlen)
{
    out->X = malloc((size_t)out->n * out->d * sizeof *out->X);
    out->y = malloc((size_t)out->n * sizeof *out->y);
    if (out->n_test > 0) {
        out->X_test = malloc((size_t)out->n_test * out->d * sizeof *out->X_test);
        out->y_test = malloc((size_t)out->n_test * sizeof *out->y_test);
    }
    if (!out->X || !out->y || (out->n_test > 0 && (!out->X_test || !out->y_test))) {
        nqm_data_free(out);
        snprintf(err, errlen, "out of memory for %d x %d inputs", out->n, out->d);
        return -1;
    }
    return 0;
}

/* Row `row` of the table into row i of X (., cols) and y. */
static void copy_row(const nqm_table *t, int row, int i, double *X, double *y)
{
    memcpy(X + (size_t)i * t->cols, t->X + (size_t)row * t->cols, (size_t)t->cols * sizeof *X);
    y[i] = t->y[row];
}

/* A seeded permutation (rows) of 0..rows-1, NULL when out of memory. */
static int *shuffled(int rows, unsigned long seed, uint64_t stream)
{
    int *order = malloc((size_t)(rows > 0 ? rows : 1) * sizeof *order);
    if (!order)
        return NULL;
    nqm_rng rng;
    nqm_rng_seed(&rng, seed, stream);
    for (int i = 0; i < rows; i++)
        order[i] = i;
    for (int i = rows - 1; i > 0; i--) {
        int j = (int)nqm_rng_below(&rng, (uint64_t)i + 1), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    return order;
}

/* Test examples the split keeps of the available ones. */
static int test_sizes(const nqm_config *cfg, int available, int *n_test, char *err, size_t errlen)
{
    if (cfg->test_size > available) {
        snprintf(err, errlen, "test_size: %d exceeds the %d examples of the test set",
                 cfg->test_size, available);
        return -1;
    }
    *n_test = cfg->test_size > 0 ? cfg->test_size : available;
    return 0;
}

/* Sizes of the split: training rows n and held-out test rows. */
static int split_sizes(const nqm_config *cfg, int rows, int *n, int *held, char *err, size_t errlen)
{
    *held = cfg->test_file[0] ? 0 : (int)lround(cfg->test_fraction * rows);
    int pool = rows - *held;
    if (pool < 1) {
        snprintf(err, errlen,
                 "test_fraction: %g holds out all %d rows of %s; none are left "
                 "for training",
                 cfg->test_fraction, rows, cfg->train_file);
        return -1;
    }
    if (cfg->train_size > pool) {
        snprintf(err, errlen, "train_size: %d exceeds the %d rows of %s left for training",
                 cfg->train_size, pool, cfg->train_file);
        return -1;
    }
    *n = cfg->train_size > 0 ? cfg->train_size : pool;
    return 0;
}

/* The training table split into out (sizes, allocation, rows). */
static int split_tables(const nqm_config *cfg, const nqm_table *train, const nqm_table *test,
                        nqm_data *out, char *err, size_t errlen)
{
    int held;
    if (split_sizes(cfg, train->rows, &out->n, &held, err, errlen) != 0 ||
        test_sizes(cfg, test->rows > 0 ? test->rows : held, &out->n_test, err, errlen) != 0)
        return -1;
    out->d = train->cols;
    int *order = shuffled(train->rows, cfg->seed, NQM_STREAM_DATA);
    int picked = test->rows > 0 && out->n_test < test->rows; /* a sample of the test file */
    int *test_order = picked ? shuffled(test->rows, cfg->seed, NQM_STREAM_TEST) : NULL;
    if (!order || (picked && !test_order) || alloc_sets(out, err, errlen) != 0) {
        free(order);
        free(test_order);
        snprintf(err, errlen, "out of memory for %d rows of %s", train->rows, cfg->train_file);
        return -1;
    }
    for (int i = 0; i < out->n; i++)
        copy_row(train, order[i], i, out->X, out->y);
    for (int i = 0; i < out->n_test; i++) {
        if (test->rows > 0)
            copy_row(test, picked ? test_order[i] : i, i, out->X_test, out->y_test);
        else
            copy_row(train, order[train->rows - held + i], i, out->X_test, out->y_test);
    }
    free(order);
    free(test_order);
    return 0;
}

/* Every feature of X (n, d) and X_test (n_test, d) shifted and scaled by
 * the mean and deviation over X (a constant feature is only shifted). */
static void standardize(nqm_data *out)
{
    for (int j = 0; j < out->d; j++) {
        double mean = 0, var = 0;
        for (int i = 0; i < out->n; i++)
            mean += out->X[(size_t)i * out->d + j];
        mean /= out->n;
        for (int i = 0; i < out->n; i++) {
            double dev = out->X[(size_t)i * out->d + j] - mean;
            var += dev * dev;
        }
        double sd = sqrt(var / out->n), scale = sd > 0 ? 1.0 / sd : 1.0;
        for (int i = 0; i < out->n; i++)
            out->X[(size_t)i * out->d + j] = (out->X[(size_t)i * out->d + j] - mean) * scale;
        for (int i = 0; i < out->n_test; i++)
            out->X_test[(size_t)i * out->d + j] =
                (out->X_test[(size_t)i * out->d + j] - mean) * scale;
    }
}

/* Every row of X (rows, d) scaled to unit norm (a zero row stays). */
static void normalize(double *X, int rows, int d)
{
    for (int i = 0; i < rows; i++) {
        double *x = X + (size_t)i * d, sq = 0;
        for (int j = 0; j < d; j++)
            sq += x[j] * x[j];
        double scale = sq > 0 ? 1.0 / sqrt(sq) : 1.0;
        for (int j = 0; j < d; j++)
            x[j] *= scale;
    }
}

/* The training and test sets of data from files: from the tables the
 * config holds, or from its files read now when it holds none that fit. */
static int make_from_files(const nqm_config *cfg, nqm_data *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    nqm_tables *t = cfg->tables;
    if (nqm_tables_fit(t, cfg))
        nqm_tables_retain(t);
    else if (!(t = nqm_tables_read(cfg, err, errlen)))
        return -1;
    int rc = split_tables(cfg, nqm_tables_train(t), nqm_tables_test(t), out, err, errlen);
    nqm_tables_release(t);
    if (rc == 0 && cfg->standardize)
        standardize(out);
    if (rc == 0 && cfg->normalize) {
        normalize(out->X, out->n, out->d);
        normalize(out->X_test, out->n_test, out->d);
    }
    return rc;
}

/* The generated sets: training on the data stream, test on the test stream. */
static void generate(const nqm_config *cfg, int side, nqm_data *out)
{
    if (cfg->data == DATA_SINGLE) {
        memcpy(out->X, cfg->x, (size_t)out->d * sizeof *out->X);
        out->y[0] = cfg->y;
    } else if (cfg->data == DATA_STRIPES) {
        make_stripes(cfg, NQM_STREAM_DATA, side, out->n, out->X, out->y);
        make_stripes(cfg, NQM_STREAM_TEST, side, out->n_test, out->X_test, out->y_test);
    } else {
        make_mixture(cfg, NQM_STREAM_DATA, out->n, out->d, out->X, out->y);
        make_mixture(cfg, NQM_STREAM_TEST, out->n_test, out->d, out->X_test, out->y_test);
    }
}

int nqm_data_make(const nqm_config *cfg, nqm_data *out, char *err, size_t errlen)
{
    int side = (int)lround(sqrt((double)nqm_config_d(cfg)));
    memset(out, 0, sizeof *out);
    if (nqm_data_from_files(cfg->data))
        return make_from_files(cfg, out, err, errlen);
    if (cfg->data == DATA_STRIPES && side * side != nqm_config_d(cfg)) {
        snprintf(err, errlen, "d: data = stripes needs square images (d = side^2), not d = %d",
                 nqm_config_d(cfg));
        return -1;
    }
    out->n = nqm_config_n(cfg);
    out->d = nqm_config_d(cfg);
    out->n_test = nqm_config_test_n(cfg);
    if (alloc_sets(out, err, errlen) != 0)
        return -1;
    generate(cfg, side, out);
    return 0;
}

int nqm_data_read_files(nqm_config *cfg, char *err, size_t errlen)
{
    if (nqm_config_check_files(cfg, err, errlen) != 0)
        return -1;
    if (!nqm_tables_fit(cfg->tables, cfg)) {
        nqm_tables *t = nqm_tables_read(cfg, err, errlen);
        if (!t)
            return -1;
        nqm_tables_release(cfg->tables);
        cfg->tables = t;
    }
    const nqm_table *train = nqm_tables_train(cfg->tables), *test = nqm_tables_test(cfg->tables);
    int n, held, n_test;
    if (split_sizes(cfg, train->rows, &n, &held, err, errlen) != 0 ||
        test_sizes(cfg, test->rows > 0 ? test->rows : held, &n_test, err, errlen) != 0)
        return -1;
    cfg->n = n;
    cfg->d = train->cols;
    cfg->test_n = n_test;
    return 0;
}

void nqm_data_free(nqm_data *data)
{
    free(data->X);
    free(data->y);
    free(data->X_test);
    free(data->y_test);
    data->X = data->y = data->X_test = data->y_test = NULL;
}
