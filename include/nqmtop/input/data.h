/* data.h: training and test sets. Generated from the config (single
 * example, the App. J.1 1-D mixture, its d-dimensional twin, stripes) with
 * the data stream of the seed, so the same seed gives the same data on
 * every machine, or read from data files (data = csv, idx, npy, cifar). A synthetic test set
 * is drawn from the same distribution on a stream of its own; a CSV test
 * set is a test file or a share of the training file held out after a
 * seeded shuffle. */
#ifndef NQMTOP_DATA_H
#define NQMTOP_DATA_H

#include <stddef.h>
#include "nqmtop/input/config.h"

typedef struct {
    int n, d;
    double *X;      /* (n, d) row-major inputs */
    double *y;      /* (n) targets */
    int n_test;     /* test examples, 0 without a test set */
    double *X_test; /* (n_test, d) test inputs, NULL without */
    double *y_test; /* (n_test) test targets */
} nqm_data;

/* Build the training and test sets the config describes. 0, or -1 with
 * err set ("KEY: what", or "FILE:LINE: column C: what" for a CSV file). */
int nqm_data_make(const nqm_config *cfg, nqm_data *out, char *err, size_t errlen);
void nqm_data_free(nqm_data *data);

/* Read the data files of a config (data = csv, idx, npy, cifar) into
 * tables it keeps (unless the ones it has are of the same files and
 * settings) and set its n, d and test_n to what they give (the preset
 * resolver calls this before the cross-key checks). 0, or -1 with err as
 * nqm_data_make. */
int nqm_data_read_files(nqm_config *cfg, char *err, size_t errlen);

#endif
