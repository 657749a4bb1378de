/* data.c: the synthetic training sets of the paper's experiments.
 *   single: one example (x, y) given in the config;
 *   mix1d:  App. J.1, label +-1 with equal odds, x ~ N(label * mu, sigma^2);
 *   gauss:  its d-dimensional twin, x ~ N(label * mu * e / sqrt(d), sigma^2 I)
 *           with e the all-ones vector (so |class mean| = mu);
 *   stripes: side x side images (d = side^2, row-major) of alternating
 *           lines +-mu, horizontal for label +1 and vertical for -1, with a
 *           random phase, plus N(0, sigma^2) noise on every pixel. */
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

static void make_stripes(const nqm_config *cfg, int side, nqm_data *out)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, cfg->seed, NQM_STREAM_DATA);
    for (int i = 0; i < out->n; i++) {
        double label = nqm_rng_uniform(&rng) < 0.5 ? -1.0 : 1.0;
        int phase = nqm_rng_uniform(&rng) < 0.5;
        out->y[i] = label;
        for (int row = 0; row < side; row++)
            for (int col = 0; col < side; col++) {
                int line = label > 0 ? row : col;
                double sign = (line + phase) % 2 ? -1.0 : 1.0;
                out->X[(size_t)i * out->d + row * side + col] =
                    sign * cfg->mu + cfg->sigma * nqm_rng_normal(&rng);
            }
    }
}

int nqm_data_make(const nqm_config *cfg, nqm_data *out, char *err, size_t errlen)
{
    int side = (int)lround(sqrt((double)nqm_config_d(cfg)));
    memset(out, 0, sizeof *out);
    if (cfg->data == DATA_STRIPES && side * side != nqm_config_d(cfg)) {
        snprintf(err, errlen, "d: data = stripes needs square images (d = side^2), not d = %d",
                 nqm_config_d(cfg));
        return -1;
    }
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
    } else if (cfg->data == DATA_STRIPES) {
        make_stripes(cfg, side, out);
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
