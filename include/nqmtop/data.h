/* data.h: training sets. Generated from the config (single example, the
 * App. J.1 1-D mixture, its d-dimensional twin) with the data stream of
 * the seed, so the same seed gives the same data on every machine. */
#ifndef NQMTOP_DATA_H
#define NQMTOP_DATA_H

#include <stddef.h>
#include "nqmtop/config.h"

typedef struct {
    int n, d;
    double *X;   /* (n, d) row-major inputs */
    double *y;   /* (n) targets */
} nqm_data;

/* Build the training set the config describes. 0, or -1 with err set. */
int nqm_data_make(const nqm_config *cfg, nqm_data *out, char *err, size_t errlen);
void nqm_data_free(nqm_data *data);

#endif
