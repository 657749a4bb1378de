/* deep.h: the small configurations the deep-model tests share. Every
 * network is described by a label, and built on freshly made data. */
#ifndef NQMTOP_TEST_DEEP_H
#define NQMTOP_TEST_DEEP_H

#include <stdio.h>
#include <string.h>

#include "../core/check.h"
#include "nqmtop/input/data.h"
#include "nqmtop/model/model.h"

/* An mlp of the given depth (biases optional) on n Gaussian-mixture
 * examples in d dimensions. */
static inline void deep_mlp_config(nqm_config *cfg, int depth, int biases, int n, int d, long m)
{
    nqm_config_defaults(cfg);
    cfg->network = NETWORK_MLP;
    cfg->depth = depth;
    cfg->biases = biases;
    cfg->data = DATA_GAUSS;
    cfg->n = n;
    cfg->d = d;
    cfg->width = m;
    cfg->seed = 7;
}

/* A cnn of `channels` filters of 3 x 3 on n Gaussian images side x side. */
static inline void deep_cnn_config(nqm_config *cfg, nqm_readout readout, int biases, int n,
                                   int side, int channels)
{
    nqm_config_defaults(cfg);
    cfg->network = NETWORK_CNN;
    cfg->readout = readout;
    cfg->biases = biases;
    cfg->channels = channels;
    cfg->kernel = 3;
    cfg->data = DATA_GAUSS;
    cfg->n = n;
    cfg->d = side * side;
    cfg->seed = 11;
}

static inline const char *deep_label(const nqm_config *cfg, char *buf, size_t len)
{
    if (cfg->network == NETWORK_CNN)
        snprintf(buf, len, "cnn-%s%s %s/%s", cfg->readout == READOUT_AVERAGE ? "avg" : "lin",
                 cfg->biases ? "+b" : "", nqm_model_name(cfg->model),
                 nqm_activation_name(cfg->activation));
    else
        snprintf(buf, len, "mlp%d%s %s/%s", cfg->depth, cfg->biases ? "+b" : "",
                 nqm_model_name(cfg->model), nqm_activation_name(cfg->activation));
    return buf;
}

/* A model of cfg on data (which it borrows); 0, or -1 after a failed CHECK. */
static inline int deep_model(const nqm_config *cfg, const nqm_data *data, nqm_model **model)
{
    char err[256];
    *model = NULL;
    if (nqm_model_new(cfg, data, model, err, sizeof err) != 0) {
        CHECK(0, "model: %s", err);
        return -1;
    }
    return 0;
}

/* Data and model of cfg; 0, or -1 after a failed CHECK. */
static inline int deep_build(const nqm_config *cfg, nqm_data *data, nqm_model **model)
{
    char err[256];
    if (nqm_data_make(cfg, data, err, sizeof err) != 0) {
        CHECK(0, "data: %s", err);
        return -1;
    }
    if (deep_model(cfg, data, model) != 0) {
        nqm_data_free(data);
        return -1;
    }
    return 0;
}

/* Outputs g (n) at the model's current parameters. */
static inline void deep_outputs(nqm_model *model, double *g)
{
    model->ops->advance(model, 0, NULL, g, NULL);
}

#endif
