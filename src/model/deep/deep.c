/* deep.c: the networks of the deep family (deep.h) — f, its
 * linearisation and its quadratic model — by Taylor-mode (jet) forward
 * passes and reverse mode through them. Not a general autodiff: three
 * layer kinds, written out (deep_layers.c), the passes in deep_passes.c,
 * the model interface here.
 *
 * Per layer l with input h' (the data X for l = 0) and base weights W:
 *
 *   base      z  = A(W) h' + b             h  = s(z)
 *   first     z1 = A(W) h1' + A(D) h' + Db h1 = s'(z) z1          (along D)
 *   mixed     c  = A(W) c_h' + A(D) e1' + A(E) d1'
 *                                          c_h = s'(z) c + s''(z) d1 e1
 *
 * A(W) h is bilinear in (W, h). Along a ray w0 + tD the outputs are
 * f0 + t f1 + t^2 f2 + O(t^3) with f1 = first(D) = J0 D and f2 = mixed(D, D) / 2
 * = D^T H0 D / 2; mixed(D, V) is D^T H0 V, the cross term of the tangent of
 * f_quad along V. Reverse mode through the first and mixed passes gives
 * the gradients: for the first-order output it is plain backprop at the
 * base point (adjoint zb, zb' = s' A(W)^T zb); for the quadratic output a
 * second adjoint joins it:
 *
 *   zb2' = s' A(W)^T zb2,   zb1' = s' (A(W)^T zb1 + A(D)^T zb2) + s'' z1 A(W)^T zb2,
 *   grad_W += dW<zb1, A(W) h'> + dW<zb2, A(W) h1'>,   grad_b += zb1,
 *
 * starting from zb1 = zb2 = r at the readout: this is J0^T r + (sum_i r_i
 * H_i) D, the Hessian-vector product folded into one backward pass.
 *
 * With r = 1 the adjoints' row i is example i's own (examples never mix),
 * so the kernel K_ij = <J_i, J_j> comes from that one backward pass: for a
 * dense layer J_i = (zb1_i h'_i^T + zb2_i h1'_i^T) / sqrt(in) and inner
 * products factor into Gram matrices of adjoints and inputs; the few
 * parameters of a convolution or pool readout get their per-example
 * gradients formed outright.
 *
 * Base point: net evaluates at w (recomputed on every call), lin and quad
 * at w0 (computed once). Buffers are (n, out) per layer, row-major, all in
 * one allocation; nothing of size n x p or p x p exists. */
#include "nqmtop/model/deep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deep_model.h"
#include "nqmtop/base/blas.h"
#include "nqmtop/base/krylov.h"
#include "nqmtop/model/activation.h"

/* ---- the model ---------------------------------------------------------- */

/* Point the model at inputs X (n, d): the first layer reads X, or the
 * patches of X when it is a convolution. */
static void set_inputs(deep_model *t, const double *X)
{
    t->X = X;
    t->input = X;
    if (t->arch.layer[0].kind == NQM_LAYER_CONV) {
        nqm_dl_im2col(&t->arch.layer[0], t->n, X, t->patches);
        t->input = t->patches;
    }
}

static const double *base_weights(const deep_model *t)
{
    return t->variant == MODEL_NET ? t->w : t->w0;
}

/* Bring the per-call state up to date with the parameters: net's base
 * pass at w, quad's first-order coefficients along D. */
static void prepare(deep_model *t)
{
    if (t->variant == MODEL_NET)
        nqm_dp_base_pass(t, t->w);
    else if (t->variant == MODEL_QUAD)
        nqm_dp_first_pass(t, t->w0, t->w, ALONG_D);
}

/* g (n): the model's outputs (prepared). */
static void outputs(deep_model *t, double *g)
{
    const layer_state *top = &t->ls[nqm_dp_last_layer(t)];
    if (t->variant == MODEL_NET) {
        memcpy(g, top->z, (size_t)t->n * sizeof *g);
        return;
    }
    if (t->variant == MODEL_LIN)
        nqm_dp_first_pass(t, t->w0, t->w, ALONG_D);
    else
        nqm_dp_mixed_pass(t, t->w0, t->w, t->w, ALONG_D);
    for (int i = 0; i < t->n; i++)
        g[i] = t->f0[i] + top->z1[ALONG_D][i] + (t->variant == MODEL_QUAD ? 0.5 * top->c[i] : 0);
}

/* G (p) = J^T r (prepared). */
static void vjp(deep_model *t, const double *r, double *G)
{
    sink out = {.G = G};
    nqm_dp_reverse_pass(t, base_weights(t), t->w, t->variant == MODEL_QUAD, r, &out);
}

/* Jv (n) = J v (prepared). */
static void jvp(deep_model *t, const double *v, double *Jv)
{
    const layer_state *top = &t->ls[nqm_dp_last_layer(t)];
    nqm_dp_first_pass(t, base_weights(t), v, ALONG_V);
    if (t->variant == MODEL_QUAD)
        nqm_dp_mixed_pass(t, t->w0, t->w, v, ALONG_V);
    for (int i = 0; i < t->n; i++)
        Jv[i] = top->z1[ALONG_V][i] + (t->variant == MODEL_QUAD ? top->c[i] : 0);
}

/* K (n, n) = J J^T from one backward pass with r = 1, symmetrised, or
 * only its diagonal into diag (n) when K is NULL (prepared). */
static void kernel_gram(deep_model *t, double *K, double *diag)
{
    const int n = t->n;
    sink out = {.K = K, .diag = diag};
    if (K)
        memset(K, 0, (size_t)n * n * sizeof *K);
    if (diag)
        memset(diag, 0, (size_t)n * sizeof *diag);
    nqm_dp_reverse_pass(t, base_weights(t), t->w, t->variant == MODEL_QUAD, t->ones, &out);
    if (!K)
        return;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < j; i++) {
            double kij = 0.5 * (K[(size_t)j * n + i] + K[(size_t)i * n + j]);
            K[(size_t)j * n + i] = kij;
            K[(size_t)i * n + j] = kij;
        }
}

/* The kernel as an operator for krylov.c: Ku = J (J^T u) (prepared). */
static int kernel_product(void *ctx, const double *u, double *Ku)
{
    deep_model *t = ctx;
    vjp(t, u, t->grad);
    jvp(t, t->grad, Ku);
    return 0;
}

static int deep_top_eigs(nqm_model *self, int k, double tol, double *lam, double *vec)
{
    deep_model *t = (deep_model *)self;
    if (t->krylov && (k < t->n ? k : t->n) != nqm_krylov_count(t->krylov)) {
        nqm_krylov_free(t->krylov);
        t->krylov = NULL;
    }
    if (!t->krylov && !(t->krylov = nqm_krylov_new(t->n, k)))
        return -1;
    prepare(t);
    return nqm_krylov_top(t->krylov, kernel_product, t, tol, t->n + NQM_KRYLOV_BASIS(k), lam, vec,
                          NULL);
}

/* The GD step, then the outputs g (n) at the new point (prepared after). */
static void step(deep_model *t, double eta_s, const double *r, double *g)
{
    prepare(t);
    if (r) {
        vjp(t, r, t->grad);
        for (size_t j = 0; j < t->arch.p; j++)
            t->w[j] -= eta_s * t->grad[j];
        prepare(t);
    }
    outputs(t, g);
}

static int deep_advance(nqm_model *self, double eta_s, const double *r, double *g, double *K)
{
    deep_model *t = (deep_model *)self;
    step(t, eta_s, r, g);
    if (nqm_stopping(self->stop))
        return NQM_STOPPED;
    if (!K)
        return 0;
    if (t->variant != MODEL_LIN) {
        kernel_gram(t, K, NULL);
        return 0;
    }
    if (!t->have_K0) {
        kernel_gram(t, t->K0, NULL);
        t->have_K0 = 1;
    }
    memcpy(K, t->K0, (size_t)t->n * t->n * sizeof *K);
    return 0;
}

/* The step, then the kernel seen through the b rows of Omega: b products
 * K Omega_j for H = Omega K Omega^T (and Y), and tr K from the diagonal
 * of kernel_gram. */
static int deep_probe(nqm_model *self, double eta_s, const double *r, double *g, nqm_probe *pr)
{
    deep_model *t = (deep_model *)self;
    const int n = t->n, b = pr->b;
    step(t, eta_s, r, g);
    for (int j = 0; j < b; j++) {
        double *kw = pr->Y ? pr->Y + (size_t)j * n : t->ku;
        kernel_product(t, pr->Omega + (size_t)j * n, kw);
        for (int i = 0; i < b; i++)
            pr->H[j * b + i] = nqm_dl_dot(n, pr->Omega + (size_t)i * n, kw);
    }
    for (int j = 0; j < b; j++)
        for (int i = 0; i < j; i++)
            pr->H[j * b + i] = pr->H[i * b + j] = 0.5 * (pr->H[j * b + i] + pr->H[i * b + j]);
    kernel_gram(t, NULL, t->ku);
    pr->trace = 0;
    for (int i = 0; i < n; i++)
        pr->trace += t->ku[i];
    return 0;
}

/* g (n) on other inputs X (n, d), PREDICT_ROWS rows at a time, each block
 * through a copy of the model that shares its parameters and has row
 * buffers of its own (kept for the next call). */
static int deep_predict(nqm_model *self, const double *X, int n, double *g)
{
    deep_model *t = (deep_model *)self;
    deep_model view = *t;
    view.n = PREDICT_ROWS;
    if (!t->predict_mem &&
        !(t->predict_mem = malloc(nqm_dp_carve(&view, NULL, 1) * sizeof(double))))
        return -1;
    for (int i0 = 0; i0 < n; i0 += PREDICT_ROWS) {
        view.n = n - i0 < PREDICT_ROWS ? n - i0 : PREDICT_ROWS;
        nqm_dp_carve(&view, t->predict_mem, 1);
        set_inputs(&view, X + (size_t)i0 * t->d);
        nqm_dp_base_pass(&view, view.w0);
        memcpy(view.f0, view.ls[nqm_dp_last_layer(&view)].z, (size_t)view.n * sizeof *view.f0);
        prepare(&view);
        outputs(&view, g + i0);
    }
    return 0;
}

static double *deep_params(nqm_model *self, size_t *p)
{
    deep_model *t = (deep_model *)self;
    *p = t->arch.p;
    return t->w;
}

static void deep_free(nqm_model *self)
{
    deep_model *t = (deep_model *)self;
    nqm_krylov_free(t->krylov);
    free(t->predict_mem);
    free(t->mem);
    free(t);
}

static const double *deep_origin(nqm_model *self)
{
    deep_model *t = (deep_model *)self;
    return t->variant == MODEL_NET ? NULL : t->w0;
}

static const nqm_model_ops deep_ops = {.advance = deep_advance,
                                       .params = deep_params,
                                       .free = deep_free,
                                       .top_eigs = deep_top_eigs,
                                       .probe = deep_probe,
                                       .predict = deep_predict,
                                       .vjp = nqm_deep_vjp,
                                       .jvp = nqm_deep_jvp,
                                       .origin = deep_origin};

/* model as a deep_model model made ready for products at its current
 * weights; NULL when it is another kind of model. */
static deep_model *prepared(nqm_model *model)
{
    deep_model *t = model && model->ops == &deep_ops ? (deep_model *)model : NULL;
    if (t)
        prepare(t);
    return t;
}

int nqm_deep_jvp(nqm_model *model, const double *v, double *Jv)
{
    deep_model *t = prepared(model);
    if (t)
        jvp(t, v, Jv);
    return t ? 0 : -1;
}

int nqm_deep_vjp(nqm_model *model, const double *u, double *JTu)
{
    deep_model *t = prepared(model);
    if (t)
        vjp(t, u, JTu);
    return t ? 0 : -1;
}

int nqm_deep_kernel_product(nqm_model *model, const double *u, double *Ku)
{
    deep_model *t = prepared(model);
    return t ? kernel_product(t, u, Ku) : -1;
}

/* The layers must arch: the first reads the d inputs, each reads what
 * the one before it writes, the last writes the one output. */
static int arch_check(const nqm_deep_net *arch, int d, char *err, size_t errlen)
{
    if (arch->nlayers < 1 || arch->nlayers > NQM_DEEP_MAX_LAYERS) {
        snprintf(err, errlen, "a network needs 1 to %d layers, not %d", NQM_DEEP_MAX_LAYERS,
                 arch->nlayers);
        return -1;
    }
    for (int l = 0; l < arch->nlayers; l++) {
        int want = l ? arch->layer[l - 1].out : d;
        if (l > 0 && arch->layer[l].kind == NQM_LAYER_CONV) {
            snprintf(err, errlen, "a convolution can only be the first layer");
            return -1;
        }
        if (arch->layer[l].in != want || arch->layer[l].out < 1) {
            snprintf(err, errlen, "layer %d reads %d features where %d arrive", l + 1,
                     arch->layer[l].in, want);
            return -1;
        }
    }
    if (arch->layer[arch->nlayers - 1].out != 1) {
        snprintf(err, errlen, "the readout layer must have one output");
        return -1;
    }
    return 0;
}

int nqm_deep_new(const nqm_deep_net *arch, nqm_model_kind variant, nqm_activation act,
                 const nqm_data *data, const double *w0, nqm_model **out, char *err, size_t errlen)
{
    if (arch_check(arch, data->d, err, errlen) != 0)
        return -1;
    deep_model *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    t->base.ops = &deep_ops;
    t->base.n = data->n;
    t->variant = variant;
    t->act = act;
    t->arch = *arch;
    t->n = data->n;
    t->d = data->d;
    size_t total = nqm_dp_carve(t, NULL, 0);
    t->mem = calloc(total, sizeof *t->mem);
    if (!t->mem) {
        snprintf(err, errlen, "out of memory for a network with %zu parameters (%.1f MiB)", arch->p,
                 (double)(total * sizeof(double)) / (1 << 20));
        free(t);
        return -1;
    }
    nqm_dp_carve(t, t->mem, 0);
    set_inputs(t, data->X);
    for (int i = 0; i < t->n; i++)
        t->ones[i] = 1;
    memcpy(t->w0, w0, arch->p * sizeof *w0);
    if (variant == MODEL_NET)
        memcpy(t->w, w0, arch->p * sizeof *w0);
    nqm_dp_base_pass(t, t->w0);
    memcpy(t->f0, t->ls[nqm_dp_last_layer(t)].z, (size_t)t->n * sizeof *t->f0);
    *out = &t->base;
    return 0;
}
