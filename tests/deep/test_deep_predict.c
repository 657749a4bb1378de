/* test_deep_predict.c: predict evaluates a model on inputs it was not
 * built on. After some GD steps, model A predicts on X' (its own inputs
 * in reverse order plus fresh ones); model B, built on X' from the same
 * seed (hence the same w0) and given A's parameters, evaluates X' as its
 * training set. The two must agree, and A must be left as it was. */
#include <stdlib.h>

#include "deep.h"

enum { N = 5, EXTRA = 40 }; /* N + EXTRA rows: more than one block of predict */

static double worst_seen;

static void check_predict(nqm_config *cfg)
{
    char label[96], err[256];
    deep_label(cfg, label, sizeof label);
    nqm_data data, fresh, mixed;
    nqm_model *a, *b;
    if (deep_build(cfg, &data, &a) != 0)
        return;
    cfg->seed += 100; /* other inputs, the same network below */
    cfg->n = EXTRA;
    int ok = nqm_data_make(cfg, &fresh, err, sizeof err) == 0;
    cfg->seed -= 100;
    cfg->n = N;
    CHECK(ok, "%s", err);
    const int d = data.d, n2 = N + EXTRA;
    mixed = data;
    mixed.n = n2;
    mixed.X = malloc((size_t)n2 * d * sizeof *mixed.X);
    mixed.y = calloc(n2, sizeof *mixed.y);
    for (int i = 0; i < N; i++)
        memcpy(mixed.X + (size_t)i * d, data.X + (size_t)(N - 1 - i) * d, d * sizeof *data.X);
    memcpy(mixed.X + (size_t)N * d, fresh.X, (size_t)EXTRA * d * sizeof *data.X);
    double g[N], before[N], r[N] = {0.5, -1.0, 0.3, 0.8, -0.2}, ga[N + EXTRA], gb[N + EXTRA];
    for (int s = 0; s < 3; s++)
        a->ops->advance(a, 0.3, r, g, NULL);
    deep_outputs(a, before);
    CHECK(a->ops->predict && a->ops->predict(a, mixed.X, n2, ga) == 0, "%s: no predict", label);
    deep_outputs(a, g);
    for (int i = 0; i < N; i++)
        CHECK(g[i] == before[i], "%s: predict changed output %d: %.17g -> %.17g", label, i,
              before[i], g[i]);
    if (deep_model(cfg, &mixed, &b) == 0) {
        size_t pa, pb;
        double *wa = a->ops->params(a, &pa), *wb = b->ops->params(b, &pb);
        memcpy(wb, wa, pa * sizeof *wa);
        deep_outputs(b, gb);
        double worst = 0;
        for (int i = 0; i < n2; i++)
            worst = fmax(worst, fabs(ga[i] - gb[i]) / fmax(1, fabs(gb[i])));
        worst_seen = fmax(worst_seen, worst);
        CHECK(worst < 1e-13, "%s: predict vs a model built on those inputs: %.3g", label, worst);
        nqm_model_free(b);
    }
    free(mixed.X);
    free(mixed.y);
    nqm_model_free(a);
    nqm_data_free(&data);
    nqm_data_free(&fresh);
}

int main(void)
{
    static const nqm_model_kind kinds[] = {MODEL_NET, MODEL_LIN, MODEL_QUAD};
    nqm_config cfg;
    int runs = 0;
    for (int k = 0; k < 3; k++)
        for (int a = 0; a < ACT_COUNT; a++) {
            deep_mlp_config(&cfg, 3, 1, N, 4, 6);
            cfg.model = kinds[k];
            cfg.activation = (nqm_activation)a;
            check_predict(&cfg);
            nqm_config_free(&cfg);
            deep_cnn_config(&cfg, a % 2 ? READOUT_LINEAR : READOUT_AVERAGE, 1, N, 5, 3);
            cfg.model = kinds[k];
            cfg.activation = (nqm_activation)a;
            check_predict(&cfg);
            nqm_config_free(&cfg);
            runs += 2;
        }
    printf("%d models: predict vs a model built on the new inputs, worst rel diff %.3g\n", runs,
           worst_seen);
    return check_report("test_deep_predict");
}
