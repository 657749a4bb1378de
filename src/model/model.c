/* model.c: picks the model family the config names. */
#include "nqmtop/model/model.h"

static int make(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                size_t errlen)
{
    switch (cfg->model) {
    case MODEL_GQM:
        return nqm_gqm_new(cfg, data, out, err, errlen);
    case MODEL_THEORY:
        return nqm_theory_new(cfg, data, out, err, errlen);
    default:
        if (cfg->network == NETWORK_MLP)
            return nqm_mlp_new(cfg, data, out, err, errlen);
        if (cfg->network == NETWORK_CNN)
            return nqm_cnn_new(cfg, data, out, err, errlen);
        return nqm_twolayer_new(cfg, data, out, err, errlen);
    }
}

int nqm_model_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                  size_t errlen)
{
    int rc = make(cfg, data, out, err, errlen);
    if (rc == 0)
        (*out)->stop = cfg->stop;
    return rc;
}

void nqm_model_free(nqm_model *model)
{
    if (model)
        model->ops->free(model);
}
