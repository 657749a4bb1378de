/* mlp.c: the fully connected network of `depth` layers (2..16), every
 * hidden layer `width` wide, in the NTK parameterisation of DESIGN §1.1:
 *
 *     h_0 = x,   h_l = s(W_l h_{l-1} / sqrt(fan_in) + b_l),   f = w_L . h_{L-1} / sqrt(m)
 *
 * weights N(0, 1), optional hidden biases N(0, 1). The layers, the jets and
 * the three variants live in deep.c; this file only describes the layers
 * and draws w0. With depth 2 and no biases it is the two-layer family
 * (twolayer.c) number for number: same parameter layout (U (m, d), then
 * v (m)) and the same draws from the init stream. */
#include <stdio.h>
#include <stdlib.h>

#include "nqmtop/model/model.h"
#include "nqmtop/base/rng.h"
#include "nqmtop/model/deep.h"

/* Layers of the config's mlp on d inputs. */
static void mlp_arch(const nqm_config *cfg, int d, nqm_deep_net *arch)
{
    const int depth = cfg->depth, m = (int)cfg->width;
    arch->nlayers = depth;
    for (int l = 0; l < depth; l++) {
        nqm_deep_layer *L = &arch->layer[l];
        *L = (nqm_deep_layer){.kind = NQM_LAYER_DENSE};
        L->in = l == 0 ? d : m;
        L->out = l == depth - 1 ? 1 : m;
        L->bias = l < depth - 1 && cfg->biases;
    }
    nqm_deep_layout(arch);
}

/* w0 from the init stream: the weights of the layers below the last hidden
 * one row by row; then for each neuron k of the last hidden layer its
 * incoming row and its readout weight (u_k then v_k, as twolayer.c draws
 * them); then the biases layer by layer. */
static void mlp_init(const nqm_deep_net *arch, unsigned long seed, double *w0)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, seed, NQM_STREAM_INIT);
    const int top = arch->nlayers - 2; /* the last hidden layer */
    for (int l = 0; l < top; l++)
        for (size_t j = 0; j < arch->layer[l].w_len; j++)
            w0[arch->layer[l].w_off + j] = nqm_rng_normal(&rng);
    const nqm_deep_layer *H = &arch->layer[top], *R = &arch->layer[top + 1];
    for (int k = 0; k < H->out; k++) {
        for (int j = 0; j < H->in; j++)
            w0[H->w_off + (size_t)k * H->in + j] = nqm_rng_normal(&rng);
        w0[R->w_off + k] = nqm_rng_normal(&rng);
    }
    for (int l = 0; l < arch->nlayers; l++)
        for (size_t j = 0; j < arch->layer[l].b_len; j++)
            w0[arch->layer[l].b_off + j] = nqm_rng_normal(&rng);
}

int nqm_mlp_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                size_t errlen)
{
    nqm_deep_net arch;
    mlp_arch(cfg, data->d, &arch);
    double *w0 = malloc(arch.p * sizeof *w0);
    if (!w0) {
        snprintf(err, errlen, "out of memory for an mlp with %zu parameters", arch.p);
        return -1;
    }
    mlp_init(&arch, cfg->seed, w0);
    int rc = nqm_deep_new(&arch, cfg->model, cfg->activation, data, w0, out, err, errlen);
    free(w0);
    return rc;
}
