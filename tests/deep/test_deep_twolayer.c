/* test_deep_twolayer.c: with depth 2 and no biases the general machinery
 * (mlp.c over deep.c) is the two-layer family of twolayer.c: for every
 * variant and activation, on the same seed and data, the parameters, the
 * outputs and the kernel agree to rounding error at w0 and along 20 GD
 * steps on the half-sum loss. The two share no code: twolayer.c forms
 * the per-neuron factors B, C of DESIGN §1.2 and the structured kernel,
 * deep.c runs jets and reverse mode and builds K from J (J^T e_j). */
#include <stdlib.h>

#include "deep.h"

enum { STEPS = 20 };

static double worst_seen;

/* max |a - b| / max(1, max |b|) over len numbers */
static double rel_diff(size_t len, const double *a, const double *b)
{
    double worst = 0, scale = 1;
    for (size_t i = 0; i < len; i++) {
        scale = fmax(scale, fabs(b[i]));
        worst = fmax(worst, fabs(a[i] - b[i]));
    }
    return worst / scale;
}

static void compare(nqm_config *cfg, double eta_s)
{
    char label[96];
    nqm_data data;
    nqm_model *two, *deep;
    cfg->network = NETWORK_TWO_LAYER;
    if (deep_build(cfg, &data, &two) != 0)
        return;
    nqm_data_free(&data);
    cfg->network = NETWORK_MLP;
    if (deep_build(cfg, &data, &deep) != 0) {
        nqm_model_free(two);
        return;
    }
    snprintf(label, sizeof label, "%s/%s n=%d d=%d m=%ld", nqm_model_name(cfg->model),
             nqm_activation_name(cfg->activation), data.n, data.d, cfg->width);
    const int n = data.n;
    size_t p2, pd;
    double *w2 = two->ops->params(two, &p2), *wd = deep->ops->params(deep, &pd);
    CHECK(p2 == pd, "%s: %zu vs %zu parameters", label, p2, pd);
    double *g2 = malloc(n * sizeof *g2), *gd = malloc(n * sizeof *gd);
    double *K2 = malloc((size_t)n * n * sizeof *K2), *Kd = malloc((size_t)n * n * sizeof *Kd);
    double *r = malloc(n * sizeof *r);
    double worst = 0;
    for (int t = 0; t <= STEPS && p2 == pd; t++) {
        two->ops->advance(two, t ? eta_s : 0, t ? r : NULL, g2, K2);
        deep->ops->advance(deep, t ? eta_s : 0, t ? r : NULL, gd, Kd);
        worst = fmax(worst, rel_diff(p2, wd, w2));
        worst = fmax(worst, rel_diff(n, gd, g2));
        worst = fmax(worst, rel_diff((size_t)n * n, Kd, K2));
        for (int i = 0; i < n; i++)
            r[i] = g2[i] - data.y[i];
    }
    worst_seen = fmax(worst_seen, worst);
    CHECK(worst < 1e-12, "%s: parameters, outputs or kernel differ by %.3g (relative)", label,
          worst);
    free(g2);
    free(gd);
    free(K2);
    free(Kd);
    free(r);
    nqm_model_free(two);
    nqm_model_free(deep);
    nqm_data_free(&data);
}

int main(void)
{
    static const nqm_model_kind kinds[] = {MODEL_NET, MODEL_LIN, MODEL_QUAD};
    static const struct {
        int n, d;
        long m;
    } shapes[] = {{5, 3, 7}, {6, 6, 150}, {3, 1, 80}};
    int runs = 0;
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < 3; k++)
            for (int a = 0; a < ACT_COUNT; a++) {
                nqm_config cfg;
                deep_mlp_config(&cfg, 2, 0, shapes[s].n, shapes[s].d, shapes[s].m);
                cfg.model = kinds[k];
                cfg.activation = (nqm_activation)a;
                compare(&cfg, 0.3);
                nqm_config_free(&cfg);
                runs++;
            }
    printf("%d depth-2 runs of %d GD steps: mlp vs two-layer worst rel diff %.3g\n", runs, STEPS,
           worst_seen);
    return check_report("test_deep_twolayer");
}
