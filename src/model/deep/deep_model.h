/* deep_model.h: internals shared by the files of the deep family (private
 * to model/deep/): the model's state, the layer algebra (deep_layers.c,
 * names nqm_dl_) and the jet passes over the layers (deep_passes.c, names
 * nqm_dp_); the model interface itself is deep.c's. Buffers are (n, out)
 * per layer, row-major, all in one allocation. */
#ifndef NQMTOP_DEEP_MODEL_H
#define NQMTOP_DEEP_MODEL_H

#include <stddef.h>

#include "nqmtop/base/krylov.h"
#include "nqmtop/model/deep.h"

/* Per-layer buffers, each (n, out). Pair 0 holds the first-order
 * coefficients along D (the displacement), pair 1 along a tangent V. */
typedef struct {
    double *z, *h, *s1, *s2; /* base: pre-activation, s, s', s'' */
    double *z1[2], *h1[2];   /* first-order coefficients along D / V */
    double *c, *ch;          /* mixed second-order coefficient and its activation */
} layer_state;

enum { ALONG_D = 0, ALONG_V = 1 };

/* predict evaluates other inputs this many rows at a time. */
enum { PREDICT_ROWS = 32 };

typedef struct {
    nqm_model base;
    nqm_model_kind variant;
    nqm_activation act;
    nqm_deep_net arch;
    int n, d;
    const double *X;     /* (n, d) inputs, borrowed from the data */
    const double *input; /* what the first layer reads: X, or a convolution's patches */
    double *patches;     /* (n, q^2, kernel^2) the patches of X when the first layer is a conv */
    double *w;           /* (p) net: w; lin, quad: D = w - w0 */
    double *w0;          /* (p) initial parameters */
    double *grad;        /* (p) J^T r scratch */
    double *f0;          /* (n) f(w0) */
    double *ku;          /* (n) a kernel product, or the kernel's diagonal */
    double *ones;        /* (n) all 1: the cotangent that keeps examples apart */
    double *gram;        /* (2, n, n) Gram matrices of adjoints and inputs */
    double *block;       /* (n, small) per-example gradients of a conv / pool layer */
    double *K0;          /* (n, n) lin's constant kernel */
    int have_K0;
    nqm_krylov *krylov;  /* top_eigs' workspace and warm start, made on first use */
    double *predict_mem; /* predict's row buffers for PREDICT_ROWS rows, made on first use */
    double *adj[4];      /* (n, maxw) adjoints: zb1, zb2 and their inputs hb1, hb2 */
    layer_state ls[NQM_DEEP_MAX_LAYERS];
    double *mem; /* the one allocation all of the above point into */
} deep_model;

/* What a backward pass delivers: the gradient, or the inner products of
 * the per-example gradients (the kernel, or its diagonal). */
typedef struct {
    double *G;    /* (p) sum_i r_i dF_i/dD, or NULL */
    double *K;    /* (n, n) += <dF_i/dD, dF_j/dD>, or NULL (needs r = 1) */
    double *diag; /* (n) += |dF_i/dD|^2, or NULL (needs r = 1) */
} sink;

/* ---- layers (deep_layers.c) ---------------------------------------------- */

/* Z (n, out) = beta Z + A(W) H for H (n, input_len), beta 0 or 1: a
 * convolution reads patches. */
void nqm_dl_layer_apply(const nqm_deep_layer *L, int n, const double *W, const double *H,
                        double beta, double *Z);

/* HB (n, in) = beta HB + A(W)^T ZB for ZB (n, out), beta 0 or 1. A
 * convolution is always the first layer (arch_check), whose input
 * adjoint nobody needs. */
void nqm_dl_layer_adjoint_input(const nqm_deep_layer *L, int n, const double *W, const double *ZB,
                                double beta, double *HB);

/* G (w_len) += the gradient of <ZB, A(W) H> with respect to W (H as layer_apply reads it). */
void nqm_dl_layer_adjoint_weight(const nqm_deep_layer *L, int n, const double *ZB, const double *H,
                                 double *G);

/* Numbers per example a layer reads: its input width, or for a
 * convolution the q^2 patches of kernel^2 pixels it reads them as. */
int nqm_dl_input_len(const nqm_deep_layer *L);

/* P (n, q^2, k^2): the kernel x kernel patch at each of the q x q positions
 * of each image X (n, side^2). */
void nqm_dl_im2col(const nqm_deep_layer *L, int n, const double *X, double *P);

/* Units sharing one bias: 1 for dense, the q^2 positions of a channel for conv. */
int nqm_dl_bias_stride(const nqm_deep_layer *L);

/* Z (n, out) += the biases B (b_len). */
void nqm_dl_bias_apply(const nqm_deep_layer *L, int n, const double *B, double *Z);

/* G (b_len) += the gradient of <ZB, Z> with respect to the biases. */
void nqm_dl_bias_adjoint(const nqm_deep_layer *L, int n, const double *ZB, double *G);

double nqm_dl_dot(int n, const double *a, const double *b);

/* ---- passes (deep_passes.c) ---------------------------------------------- */

/* ---- passes ------------------------------------------------------------- */
int nqm_dp_last_layer(const deep_model *t);

size_t nqm_dp_layer_len(const deep_model *t, int l);

/* The base pass at weights W: z, h, s', s'' of every layer; f = z of the last. */
void nqm_dp_base_pass(deep_model *t, const double *W);

/* First-order coefficients along the direction V (p) at base weights W,
 * into pair `which`; the output J V is z1 of the last layer. */
void nqm_dp_first_pass(deep_model *t, const double *W, const double *V, int which);

/* The mixed second-order coefficient of directions D (pair 0) and E (pair
 * `which`), whose first-order passes are done: c of the last layer is
 * D^T H E on every example (H the Hessian of f at the base point). */
void nqm_dp_mixed_pass(deep_model *t, const double *W, const double *D, const double *E, int which);

/* Backward pass over all examples with cotangent r (n) through F =
 * first(D) (second = 0) or first(D) + mixed(D, D) / 2 (second = 1, pair 0
 * holding first(D)), delivering what `out` asks for. Examples never mix,
 * so with r = 1 row i of every adjoint is example i's own. */
void nqm_dp_reverse_pass(deep_model *t, const double *W, const double *D, int second,
                         const double *r, const sink *out);

/* Carve the views out of mem (NULL: only count): everything, or only what
 * evaluating the outputs needs (forward_only: the parameters are then
 * someone else's). Returns the doubles used. */
size_t nqm_dp_carve(deep_model *t, double *mem, int forward_only);

#endif
