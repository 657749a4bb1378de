/* data.c: the synthetic training sets of the paper's experiments.
 *   single: one example (x, y) given in the config;
 *   mix1d:  App. J.1, label +-1 with equal odds, x ~ N(label * mu, sigma^2);
 *   gauss:  its d-dimensional twin, x ~ N(label * mu * e / sqrt(d), sigma^2 I)
 *           with e the all-ones vector (so |class mean| = mu). */
#include "nqmtop/data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/rng.h"

static void make_mixture(const nqm_config *cfg, nqm_data *out)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, cfg->seed, NQM_STREAM_DATA);
    double shift = cfg->mu / sqrt((double)out->d);
    for (int i = 0; i < out->n; i++) {
        double label = nqm_rng_uniform(&rng) < 0.5 ? -1.0 : 1.0;
        out->y[i] = label;
        for (int j = 0; j < out->d; j++)
            out->X[(size_t)i * out->d + j] = label * shift + cfg->sigma * nqm_rng_normal(&rng);
    }
}

int nqm_data_make(const nqm_config *cfg, nqm_data *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->n = nqm_config_n(cfg);
    out->d = nqm_config_d(cfg);
    out->X = malloc((size_t)out->n * out->d * sizeof *out->X);
    out->y = malloc((size_t)out->n * sizeof *out->y);
    if (!out->X || !out->y) {
        nqm_data_free(out);
        snprintf(err, errlen, "out of memory for %d x %d inputs", out->n, out->d);
        return -1;
    }
    if (cfg->data == DATA_SINGLE) {
        memcpy(out->X, cfg->x, (size_t)out->d * sizeof *out->X);
        out->y[0] = cfg->y;
    } else {
        make_mixture(cfg, out);
    }
    return 0;
}

void nqm_data_free(nqm_data *data)
{
    free(data->X);
    free(data->y);
    data->X = data->y = NULL;
}
