/* cnn.c: a two-layer convolutional network for small square images: one
 * convolution of `channels` filters of kernel x kernel (one input channel,
 * stride 1, valid padding, so q x q positions with q = side - kernel + 1),
 * the activation, then the readout
 *
 *     average:  f = sum_c a_c mean_pos h[c, pos] / sqrt(channels)
 *     linear:   f = sum_{c, pos} a[c, pos] h[c, pos] / sqrt(channels q^2)
 *
 * in the NTK parameterisation (the convolution divided by kernel =
 * sqrt(fan_in)); weights N(0, 1), optional channel biases N(0, 1). The
 * jets and the three variants live in deep.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nqmtop/model/model.h"
#include "nqmtop/base/rng.h"
#include "nqmtop/model/deep.h"

/* Side of the square images with d pixels, or 0 when d is not a square. */
static int image_side(int d)
{
    int s = (int)lround(sqrt((double)d));
    return s * s == d ? s : 0;
}

static void cnn_arch(const nqm_config *cfg, int side, nqm_deep_net *arch)
{
    const int k = cfg->kernel, q = side - k + 1, C = cfg->channels;
    arch->nlayers = 2;
    arch->layer[0] = (nqm_deep_layer){.kind = NQM_LAYER_CONV,
                                      .in = side * side,
                                      .out = C * q * q,
                                      .side = side,
                                      .kernel = k,
                                      .channels = C,
                                      .bias = cfg->biases != 0};
    if (cfg->readout == READOUT_AVERAGE)
        arch->layer[1] =
            (nqm_deep_layer){.kind = NQM_LAYER_POOL, .in = C * q * q, .out = 1, .channels = C};
    else
        arch->layer[1] = (nqm_deep_layer){.kind = NQM_LAYER_DENSE, .in = C * q * q, .out = 1};
    nqm_deep_layout(arch);
}

/* w0 from the init stream: for each channel its filter, then its readout
 * weights (one for average, q^2 for linear); then the biases. */
static void cnn_init(const nqm_deep_net *arch, unsigned long seed, double *w0)
{
    nqm_rng rng;
    nqm_rng_seed(&rng, seed, NQM_STREAM_INIT);
    const nqm_deep_layer *F = &arch->layer[0], *R = &arch->layer[1];
    const size_t per_filter = F->w_len / F->channels, per_readout = R->w_len / F->channels;
    for (int c = 0; c < F->channels; c++) {
        for (size_t j = 0; j < per_filter; j++)
            w0[F->w_off + c * per_filter + j] = nqm_rng_normal(&rng);
        for (size_t j = 0; j < per_readout; j++)
            w0[R->w_off + c * per_readout + j] = nqm_rng_normal(&rng);
    }
    for (size_t j = 0; j < F->b_len; j++)
        w0[F->b_off + j] = nqm_rng_normal(&rng);
}

int nqm_cnn_new(const nqm_config *cfg, const nqm_data *data, nqm_model **out, char *err,
                size_t errlen)
{
    const int side = image_side(data->d);
    nqm_deep_net arch;
    cnn_arch(cfg, side, &arch);
    double *w0 = malloc(arch.p * sizeof *w0);
    if (!w0) {
        snprintf(err, errlen, "out of memory for a cnn with %zu parameters", arch.p);
        return -1;
    }
    cnn_init(&arch, cfg->seed, w0);
    int rc = nqm_deep_new(&arch, cfg->model, cfg->activation, data, w0, out, err, errlen);
    free(w0);
    return rc;
}
