/* deep.h: the deep family: networks built as a stack of bilinear layers
 * (dense, one-channel convolution, average-pool readout), each but the
 * last followed by the activation, and their three variants behind the
 * model interface:
 *
 *     net   f(w)
 *     lin   f(w0) + J0 D                     (first-order jet along D)
 *     quad  f(w0) + J0 D + 1/2 D^T H0 D      (second-order jet along D)
 *
 * with D = w - w0. Every variant is evaluated, differentiated (reverse
 * mode through the jet: J^T r, which for quad is J0^T r + (sum_i r_i H_i) D)
 * and pushed forward (J v) in a small multiple of one forward pass: no
 * n x p Jacobian, no p x p Hessian. The tangent kernel K = J J^T is
 * assembled from one backward pass with r = 1, whose adjoints are then
 * each example's own (Gram matrices of adjoints and layer inputs); its
 * top eigenpairs can also come from matrix-free products K u = J (J^T u)
 * alone (top_eigs), and probe gives Omega K Omega^T, K Omega^T and tr K.
 *
 * The mlp (mlp.c) and cnn (cnn.c) families describe their layers, draw
 * w0 and hand both to nqm_deep_new. */
#ifndef NQMTOP_DEEP_H
#define NQMTOP_DEEP_H

#include <stddef.h>
#include "nqmtop/input/config.h"
#include "nqmtop/input/data.h"
#include "nqmtop/model/model.h"

enum { NQM_DEEP_MAX_LAYERS = 16 };

typedef enum {
    NQM_LAYER_DENSE, /* z = W h / sqrt(in) + b,  W (out, in) */
    NQM_LAYER_CONV,  /* z[c, y, x] = sum_ab W[c, a, b] h[y + a, x + b] / kernel + b[c]:
                        one input channel (side, side), `channels` filters (kernel,
                        kernel), stride 1, valid padding: out = channels q^2,
                        q = side - kernel + 1; only as the first layer */
    NQM_LAYER_POOL   /* z = W pool(h) / sqrt(channels), pool(h)[c] the mean of the
                        in / channels features of channel c, W (out, channels) */
} nqm_layer_kind;

typedef struct {
    nqm_layer_kind kind;
    int in, out;                /* features per example */
    int side, kernel, channels; /* conv: geometry; pool: channels */
    int bias;                   /* dense, conv: 1 adds one bias per unit / channel */
    size_t w_off, w_len;        /* weights in the parameter vector (nqm_deep_layout) */
    size_t b_off, b_len;        /* biases (b_len = 0 without) */
} nqm_deep_layer;

typedef struct {
    int nlayers; /* the last layer is the readout: out = 1, no activation */
    nqm_deep_layer layer[NQM_DEEP_MAX_LAYERS];
    size_t p; /* parameters in all */
} nqm_deep_net;

/* Place the parameters: every layer's weights in layer order, then every
 * layer's biases. Sets w_off, w_len, b_off, b_len and p. */
void nqm_deep_layout(nqm_deep_net *arch);

/* A model of the architecture arch on this data, variant net / lin / quad, starting at
 * w0 (p numbers, copied). 0, or -1 with err. */
int nqm_deep_new(const nqm_deep_net *arch, nqm_model_kind variant, nqm_activation act,
                 const nqm_data *data, const double *w0, nqm_model **out, char *err, size_t errlen);

/* Matrix-free products with the Jacobian J (n, p) of the model's outputs
 * at its current parameters (the ones params() exposes): Jv (n) = J v (p),
 * JTu (p) = J^T u (n), Ku (n) = J J^T u. The model must come from
 * nqm_deep_new (an mlp or cnn); 0, or -1 when it does not. */
int nqm_deep_jvp(nqm_model *model, const double *v, double *Jv);
int nqm_deep_vjp(nqm_model *model, const double *u, double *JTu);
int nqm_deep_kernel_product(nqm_model *model, const double *u, double *Ku);

#endif
