/* families.h: every model the finite-difference tests of the core run
 * through: each variant of the two-layer family (net, lin, quad) with
 * each activation, then the gqm, on one set of Gaussian-mixture data. */
#ifndef NQMTOP_TEST_FAMILIES_H
#define NQMTOP_TEST_FAMILIES_H

#include <stdio.h>

#include "check.h"
#include "nqmtop/input/data.h"

/* What a test checks of one model, named label in its messages. */
typedef void (*family_check)(nqm_config *cfg, const nqm_data *data, const char *label);

/* check on every model, n examples of dimension d, width m, seed. */
static inline void check_families(int n, int d, long m, unsigned long seed, family_check check)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.data = DATA_GAUSS;
    cfg.n = n;
    cfg.d = d;
    cfg.width = m;
    cfg.seed = seed;
    nqm_data data;
    char err[256], label[64];
    if (nqm_data_make(&cfg, &data, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return;
    }
    const nqm_model_kind kinds[] = {MODEL_NET, MODEL_LIN, MODEL_QUAD};
    for (int k = 0; k < 3; k++)
        for (int a = 0; a < ACT_COUNT; a++) {
            cfg.model = kinds[k];
            cfg.activation = (nqm_activation)a;
            snprintf(label, sizeof label, "%s/%s d=%d", nqm_model_name(cfg.model),
                     nqm_activation_name(cfg.activation), d);
            check(&cfg, &data, label);
        }
    cfg.model = MODEL_GQM;
    cfg.gamma = 0.3;
    snprintf(label, sizeof label, "gqm d=%d", d);
    check(&cfg, &data, label);
    nqm_data_free(&data);
    nqm_config_free(&cfg);
}

#endif
