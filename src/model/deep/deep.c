/* deep.c: the networks of the deep family (deep.h) — f, its
 * linearisation and its quadratic model — by Taylor-mode (jet) forward
 * passes and reverse mode through them. Not a general autodiff: three layer kinds, written out.
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

#include "nqmtop/base/blas.h"
#include "nqmtop/base/krylov.h"
#include "nqmtop/model/activation.h"

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

/* ---- layers ------------------------------------------------------------- */

void nqm_deep_layout(nqm_deep_net *arch)
{
    size_t off = 0;
    for (int l = 0; l < arch->nlayers; l++) {
        nqm_deep_layer *L = &arch->layer[l];
        switch (L->kind) {
        case NQM_LAYER_DENSE:
            L->w_len = (size_t)L->out * L->in;
            L->b_len = L->bias ? (size_t)L->out : 0;
            break;
        case NQM_LAYER_CONV:
            L->w_len = (size_t)L->channels * L->kernel * L->kernel;
            L->b_len = L->bias ? (size_t)L->channels : 0;
            break;
        case NQM_LAYER_POOL:
            L->w_len = (size_t)L->out * L->channels;
            L->b_len = 0;
            break;
        }
        L->w_off = off;
        off += L->w_len;
    }
    for (int l = 0; l < arch->nlayers; l++) {
        arch->layer[l].b_off = off;
        off += arch->layer[l].b_len;
    }
    arch->p = off;
}

/* Z (n, out) = beta Z + A(W) H for H (n, input_len), beta 0 or 1: a
 * convolution reads patches. */
static void layer_apply(const nqm_deep_layer *L, int n, const double *W, const double *H,
                        double beta, double *Z)
{
    if (L->kind == NQM_LAYER_DENSE) {
        /* column-major: Z^T (out, n) = beta Z^T + W (out, in) H^T (in, n) */
        nqm_dgemm("T", "N", L->out, n, L->in, 1 / sqrt((double)L->in), W, L->in, H, L->in, beta, Z,
                  L->out);
        return;
    }
    if (beta == 0)
        memset(Z, 0, (size_t)n * L->out * sizeof *Z);
    if (L->kind == NQM_LAYER_POOL) {
        const int per = L->in / L->channels;
        const double scale = 1 / (sqrt((double)L->channels) * per);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < L->channels; c++) {
                const double *hc = H + (size_t)i * L->in + (size_t)c * per;
                double sum = 0;
                for (int q = 0; q < per; q++)
                    sum += hc[q];
                for (int o = 0; o < L->out; o++)
                    Z[(size_t)i * L->out + o] += scale * W[(size_t)o * L->channels + c] * sum;
            }
        return;
    }
    /* a convolution reads its patches P (n, q^2, k^2): per example, column-
     * major Z_i (q^2, channels) += P_i (q^2, k^2) W^T (k^2, channels) (Z
     * cleared above when beta = 0) */
    const int k2 = L->kernel * L->kernel, q2 = L->out / L->channels;
    for (int i = 0; i < n; i++)
        nqm_dgemm("T", "N", q2, L->channels, k2, 1.0 / L->kernel, H + (size_t)i * q2 * k2, k2, W,
                  k2, 1.0, Z + (size_t)i * L->out, q2);
}

/* HB (n, in) = beta HB + A(W)^T ZB for ZB (n, out), beta 0 or 1. A
 * convolution is always the first layer (arch_check), whose input
 * adjoint nobody needs. */
static void layer_adjoint_input(const nqm_deep_layer *L, int n, const double *W, const double *ZB,
                                double beta, double *HB)
{
    if (L->kind == NQM_LAYER_DENSE) {
        /* column-major: HB^T (in, n) = beta HB^T + W^T (in, out) ZB^T (out, n) */
        nqm_dgemm("N", "N", L->in, n, L->out, 1 / sqrt((double)L->in), W, L->in, ZB, L->out, beta,
                  HB, L->in);
        return;
    }
    if (beta == 0)
        memset(HB, 0, (size_t)n * L->in * sizeof *HB);
    const int per = L->in / L->channels;
    const double scale = 1 / (sqrt((double)L->channels) * per);
    for (int i = 0; i < n; i++)
        for (int c = 0; c < L->channels; c++) {
            double sum = 0;
            for (int o = 0; o < L->out; o++)
                sum += W[(size_t)o * L->channels + c] * ZB[(size_t)i * L->out + o];
            double *hc = HB + (size_t)i * L->in + (size_t)c * per;
            for (int q = 0; q < per; q++)
                hc[q] += scale * sum;
        }
}

/* G (w_len) += the gradient of <ZB, A(W) H> with respect to W (H as layer_apply reads it). */
static void layer_adjoint_weight(const nqm_deep_layer *L, int n, const double *ZB, const double *H,
                                 double *G)
{
    if (L->kind == NQM_LAYER_DENSE) {
        /* column-major: G^T (in, out) += H^T (in, n) ZB (n, out) */
        nqm_dgemm("N", "T", L->in, L->out, n, 1 / sqrt((double)L->in), H, L->in, ZB, L->out, 1.0, G,
                  L->in);
        return;
    }
    if (L->kind == NQM_LAYER_POOL) {
        const int per = L->in / L->channels;
        const double scale = 1 / (sqrt((double)L->channels) * per);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < L->channels; c++) {
                const double *hc = H + (size_t)i * L->in + (size_t)c * per;
                double sum = 0;
                for (int q = 0; q < per; q++)
                    sum += hc[q];
                for (int o = 0; o < L->out; o++)
                    G[(size_t)o * L->channels + c] += scale * sum * ZB[(size_t)i * L->out + o];
            }
        return;
    }
    /* from the patches: column-major G (k^2, channels) += P_i^T (k^2, q^2) ZB_i (q^2, channels) */
    const int k2 = L->kernel * L->kernel, q2 = L->out / L->channels;
    for (int i = 0; i < n; i++)
        nqm_dgemm("N", "N", k2, L->channels, q2, 1.0 / L->kernel, H + (size_t)i * q2 * k2, k2,
                  ZB + (size_t)i * L->out, q2, 1.0, G, k2);
}

/* Numbers per example a layer reads: its input width, or for a
 * convolution the q^2 patches of kernel^2 pixels it reads them as. */
static int input_len(const nqm_deep_layer *L)
{
    return L->kind == NQM_LAYER_CONV ? L->out / L->channels * L->kernel * L->kernel : L->in;
}

/* P (n, q^2, k^2): the kernel x kernel patch at each of the q x q positions
 * of each image X (n, side^2). */
static void im2col(const nqm_deep_layer *L, int n, const double *X, double *P)
{
    const int s = L->side, k = L->kernel, q = s - k + 1;
    for (int i = 0; i < n; i++)
        for (int y = 0; y < q; y++)
            for (int x = 0; x < q; x++)
                for (int a = 0; a < k; a++)
                    for (int b = 0; b < k; b++)
                        *P++ = X[(size_t)i * L->in + (y + a) * s + x + b];
}

/* Units sharing one bias: 1 for dense, the q^2 positions of a channel for conv. */
static int bias_stride(const nqm_deep_layer *L)
{
    return L->kind == NQM_LAYER_CONV ? L->out / L->channels : 1;
}

/* Z (n, out) += the biases B (b_len). */
static void bias_apply(const nqm_deep_layer *L, int n, const double *B, double *Z)
{
    const int per = bias_stride(L);
    for (int i = 0; i < n; i++)
        for (int u = 0; u < L->out; u++)
            Z[(size_t)i * L->out + u] += B[u / per];
}

/* G (b_len) += the gradient of <ZB, Z> with respect to the biases. */
static void bias_adjoint(const nqm_deep_layer *L, int n, const double *ZB, double *G)
{
    const int per = bias_stride(L);
    for (int i = 0; i < n; i++)
        for (int u = 0; u < L->out; u++)
            G[u / per] += ZB[(size_t)i * L->out + u];
}

static double dot(int n, const double *a, const double *b)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* ---- passes ------------------------------------------------------------- */

static int last_layer(const deep_model *t) { return t->arch.nlayers - 1; }

static size_t layer_len(const deep_model *t, int l) { return (size_t)t->n * t->arch.layer[l].out; }

/* The base pass at weights W: z, h, s', s'' of every layer; f = z of the last. */
static void base_pass(deep_model *t, const double *W)
{
    const double *hin = t->input;
    for (int l = 0; l <= last_layer(t); l++) {
        const nqm_deep_layer *L = &t->arch.layer[l];
        layer_state *s = &t->ls[l];
        layer_apply(L, t->n, W + L->w_off, hin, 0.0, s->z);
        if (L->b_len)
            bias_apply(L, t->n, W + L->b_off, s->z);
        if (l < last_layer(t))
            nqm_sigma_fill(t->act, layer_len(t, l), s->z, s->h, s->s1, s->s2);
        hin = s->h;
    }
}

/* First-order coefficients along the direction V (p) at base weights W,
 * into pair `which`; the output J V is z1 of the last layer. */
static void first_pass(deep_model *t, const double *W, const double *V, int which)
{
    for (int l = 0; l <= last_layer(t); l++) {
        const nqm_deep_layer *L = &t->arch.layer[l];
        layer_state *s = &t->ls[l];
        double *z1 = s->z1[which];
        layer_apply(L, t->n, V + L->w_off, l > 0 ? t->ls[l - 1].h : t->input, 0.0, z1);
        if (l > 0)
            layer_apply(L, t->n, W + L->w_off, t->ls[l - 1].h1[which], 1.0, z1);
        if (L->b_len)
            bias_apply(L, t->n, V + L->b_off, z1);
        if (l < last_layer(t)) {
            double *h1 = s->h1[which];
            for (size_t e = 0; e < layer_len(t, l); e++)
                h1[e] = s->s1[e] * z1[e];
        }
    }
}

/* The mixed second-order coefficient of directions D (pair 0) and E (pair
 * `which`), whose first-order passes are done: c of the last layer is
 * D^T H E on every example (H the Hessian of f at the base point). */
static void mixed_pass(deep_model *t, const double *W, const double *D, const double *E, int which)
{
    for (int l = 0; l <= last_layer(t); l++) {
        const nqm_deep_layer *L = &t->arch.layer[l];
        layer_state *s = &t->ls[l];
        if (l > 0) {
            const layer_state *p = &t->ls[l - 1];
            layer_apply(L, t->n, W + L->w_off, p->ch, 0.0, s->c);
            layer_apply(L, t->n, D + L->w_off, p->h1[which], 1.0, s->c);
            layer_apply(L, t->n, E + L->w_off, p->h1[ALONG_D], 1.0, s->c);
        } else {
            memset(s->c, 0, layer_len(t, l) * sizeof *s->c);
        }
        if (l < last_layer(t)) {
            const double *d1 = s->z1[ALONG_D], *e1 = s->z1[which];
            for (size_t e = 0; e < layer_len(t, l); e++)
                s->ch[e] = s->s1[e] * s->c[e] + s->s2[e] * d1[e] * e1[e];
        }
    }
}

/* What a backward pass delivers: the gradient, or the inner products of
 * the per-example gradients (the kernel, or its diagonal). */
typedef struct {
    double *G;    /* (p) sum_i r_i dF_i/dD, or NULL */
    double *K;    /* (n, n) += <dF_i/dD, dF_j/dD>, or NULL (needs r = 1) */
    double *diag; /* (n) += |dF_i/dD|^2, or NULL (needs r = 1) */
} sink;

/* a (n, n) column-major = A B^T for row-major A, B (n, len). */
static void outer_rows(int n, int len, const double *A, const double *B, double *a)
{
    nqm_dgemm("T", "N", n, n, len, 1.0, A, len, B, len, 0.0, a, n);
}

/* A dense layer's share of the kernel. Example i's weight gradient is
 * (A1_i h0_i^T + A2_i h1_i^T) / sqrt(in), so inner products factor into
 * Gram matrices of adjoints and inputs; its bias gradient is A1_i. */
static void dense_gram(deep_model *t, const nqm_deep_layer *L, const double *A1, const double *A2,
                       const double *H0, const double *H1, const sink *out)
{
    const int n = t->n, o = L->out, in = L->in;
    double *P = t->gram, *Q = t->gram + (size_t)n * n;
    if (out->K) {
        outer_rows(n, o, A1, A1, P);
        outer_rows(n, in, H0, H0, Q);
        for (size_t e = 0; e < (size_t)n * n; e++)
            out->K[e] += P[e] * Q[e] / in + (L->b_len ? P[e] : 0);
        if (A2) {
            outer_rows(n, o, A1, A2, P);
            outer_rows(n, in, H0, H1, Q);
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                    out->K[(size_t)j * n + i] += (P[(size_t)j * n + i] * Q[(size_t)j * n + i] +
                                                  P[(size_t)i * n + j] * Q[(size_t)i * n + j]) /
                                                 in;
            outer_rows(n, o, A2, A2, P);
            outer_rows(n, in, H1, H1, Q);
            for (size_t e = 0; e < (size_t)n * n; e++)
                out->K[e] += P[e] * Q[e] / in;
        }
    }
    if (!out->diag)
        return;
    for (int i = 0; i < n; i++) {
        const double *a1 = A1 + (size_t)i * o, *h0 = H0 + (size_t)i * in;
        double aa = dot(o, a1, a1), sq = aa * dot(in, h0, h0) / in + (L->b_len ? aa : 0);
        if (A2) {
            const double *a2 = A2 + (size_t)i * o, *h1 = H1 + (size_t)i * in;
            sq += (2 * dot(o, a1, a2) * dot(in, h0, h1) + dot(o, a2, a2) * dot(in, h1, h1)) / in;
        }
        out->diag[i] += sq;
    }
}

/* A convolution's or pool readout's share: their parameters are few, so
 * example i's gradient over them is formed as row i of a block (n, w_len
 * + b_len), a block of Jacobian columns, never more. */
static void block_gram(deep_model *t, const nqm_deep_layer *L, const double *A1, const double *A2,
                       const double *H0, const double *H1, const sink *out)
{
    const int n = t->n, len = (int)(L->w_len + L->b_len);
    double *B = t->block;
    memset(B, 0, (size_t)n * len * sizeof *B);
    for (int i = 0; i < n; i++) {
        double *row = B + (size_t)i * len;
        const size_t in = (size_t)input_len(L);
        layer_adjoint_weight(L, 1, A1 + (size_t)i * L->out, H0 + i * in, row);
        if (A2)
            layer_adjoint_weight(L, 1, A2 + (size_t)i * L->out, H1 + i * in, row);
        if (L->b_len)
            bias_adjoint(L, 1, A1 + (size_t)i * L->out, row + L->w_len);
        if (out->diag)
            out->diag[i] += dot(len, row, row);
    }
    if (out->K)
        nqm_dgemm("T", "N", n, n, len, 1.0, B, len, B, len, 1.0, out->K, n);
}

/* Backward pass over all examples with cotangent r (n) through F =
 * first(D) (second = 0) or first(D) + mixed(D, D) / 2 (second = 1, pair 0
 * holding first(D)), delivering what `out` asks for. Examples never mix,
 * so with r = 1 row i of every adjoint is example i's own. */
static void reverse_pass(deep_model *t, const double *W, const double *D, int second,
                         const double *r, const sink *out)
{
    const int n = t->n;
    double *zb1 = t->adj[0], *zb2 = t->adj[1], *hb1 = t->adj[2], *hb2 = t->adj[3];
    if (out->G)
        memset(out->G, 0, t->arch.p * sizeof *out->G);
    memcpy(zb1, r, (size_t)n * sizeof *r);
    memcpy(zb2, r, (size_t)n * sizeof *r);
    for (int l = last_layer(t); l >= 0; l--) {
        const nqm_deep_layer *L = &t->arch.layer[l];
        const layer_state *p = l > 0 ? &t->ls[l - 1] : NULL;
        /* the layer's input and its first-order coefficient (0 for the data) */
        const double *H0 = p ? p->h : t->input, *H1 = p && second ? p->h1[ALONG_D] : NULL;
        if (out->G) {
            layer_adjoint_weight(L, n, zb1, H0, out->G + L->w_off);
            if (H1)
                layer_adjoint_weight(L, n, zb2, H1, out->G + L->w_off);
            if (L->b_len)
                bias_adjoint(L, n, zb1, out->G + L->b_off);
        }
        if (out->K || out->diag) {
            if (L->kind == NQM_LAYER_DENSE)
                dense_gram(t, L, zb1, H1 ? zb2 : NULL, H0, H1, out);
            else
                block_gram(t, L, zb1, H1 ? zb2 : NULL, H0, H1, out);
        }
        if (!p)
            break;
        size_t len = (size_t)n * L->in;
        layer_adjoint_input(L, n, W + L->w_off, zb1, 0.0, hb1);
        if (second) {
            layer_adjoint_input(L, n, D + L->w_off, zb2, 1.0, hb1);
            layer_adjoint_input(L, n, W + L->w_off, zb2, 0.0, hb2);
        }
        for (size_t e = 0; e < len; e++) {
            double a1 = p->s1[e] * hb1[e];
            if (second) {
                a1 += p->s2[e] * p->z1[ALONG_D][e] * hb2[e];
                hb2[e] *= p->s1[e];
            }
            hb1[e] = a1;
        }
        double *tmp = zb1;
        zb1 = hb1;
        hb1 = tmp;
        tmp = zb2;
        zb2 = hb2;
        hb2 = tmp;
    }
}

/* Carve the views out of mem (NULL: only count): everything, or only what
 * evaluating the outputs needs (forward_only: the parameters are then
 * someone else's). Returns the doubles used. */
static size_t carve(deep_model *t, double *mem, int forward_only)
{
    const size_t n = (size_t)t->n, p = t->arch.p;
    size_t used = 0, maxw = 1, small = 0;
#define VIEW(ptr, len)                                                                             \
    do {                                                                                           \
        if (mem)                                                                                   \
            (ptr) = mem + used;                                                                    \
        used += (len);                                                                             \
    } while (0)
    VIEW(t->f0, n);
    if (t->arch.layer[0].kind == NQM_LAYER_CONV)
        VIEW(t->patches, n * input_len(&t->arch.layer[0]));
    if (!forward_only) {
        VIEW(t->w, p);
        VIEW(t->w0, p);
        VIEW(t->grad, p);
        VIEW(t->ku, n);
        VIEW(t->ones, n);
        VIEW(t->gram, 2 * n * n);
        if (t->variant == MODEL_LIN)
            VIEW(t->K0, n * n);
    }
    for (int l = 0; l < t->arch.nlayers; l++) {
        size_t len = n * t->arch.layer[l].out;
        layer_state *s = &t->ls[l];
        const nqm_deep_layer *L = &t->arch.layer[l];
        if ((size_t)L->out > maxw)
            maxw = (size_t)L->out;
        if (L->kind != NQM_LAYER_DENSE && L->w_len + L->b_len > small)
            small = L->w_len + L->b_len;
        VIEW(s->z, len);
        VIEW(s->h, len);
        VIEW(s->s1, len);
        VIEW(s->s2, len);
        VIEW(s->z1[ALONG_D], len);
        VIEW(s->h1[ALONG_D], len);
        VIEW(s->c, len);
        VIEW(s->ch, len);
        if (!forward_only) {
            VIEW(s->z1[ALONG_V], len);
            VIEW(s->h1[ALONG_V], len);
        }
    }
    if (forward_only)
        return used;
    for (int a = 0; a < 4; a++)
        VIEW(t->adj[a], n * maxw);
    VIEW(t->block, n * small);
#undef VIEW
    return used;
}

/* ---- the model ---------------------------------------------------------- */

/* Point the model at inputs X (n, d): the first layer reads X, or the
 * patches of X when it is a convolution. */
static void set_inputs(deep_model *t, const double *X)
{
    t->X = X;
    t->input = X;
    if (t->arch.layer[0].kind == NQM_LAYER_CONV) {
        im2col(&t->arch.layer[0], t->n, X, t->patches);
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
        base_pass(t, t->w);
    else if (t->variant == MODEL_QUAD)
        first_pass(t, t->w0, t->w, ALONG_D);
}

/* g (n): the model's outputs (prepared). */
static void outputs(deep_model *t, double *g)
{
    const layer_state *top = &t->ls[last_layer(t)];
    if (t->variant == MODEL_NET) {
        memcpy(g, top->z, (size_t)t->n * sizeof *g);
        return;
    }
    if (t->variant == MODEL_LIN)
        first_pass(t, t->w0, t->w, ALONG_D);
    else
        mixed_pass(t, t->w0, t->w, t->w, ALONG_D);
    for (int i = 0; i < t->n; i++)
        g[i] = t->f0[i] + top->z1[ALONG_D][i] + (t->variant == MODEL_QUAD ? 0.5 * top->c[i] : 0);
}

/* G (p) = J^T r (prepared). */
static void vjp(deep_model *t, const double *r, double *G)
{
    sink out = {.G = G};
    reverse_pass(t, base_weights(t), t->w, t->variant == MODEL_QUAD, r, &out);
}

/* Jv (n) = J v (prepared). */
static void jvp(deep_model *t, const double *v, double *Jv)
{
    const layer_state *top = &t->ls[last_layer(t)];
    first_pass(t, base_weights(t), v, ALONG_V);
    if (t->variant == MODEL_QUAD)
        mixed_pass(t, t->w0, t->w, v, ALONG_V);
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
    reverse_pass(t, base_weights(t), t->w, t->variant == MODEL_QUAD, t->ones, &out);
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
            pr->H[j * b + i] = dot(n, pr->Omega + (size_t)i * n, kw);
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
    if (!t->predict_mem && !(t->predict_mem = malloc(carve(&view, NULL, 1) * sizeof(double))))
        return -1;
    for (int i0 = 0; i0 < n; i0 += PREDICT_ROWS) {
        view.n = n - i0 < PREDICT_ROWS ? n - i0 : PREDICT_ROWS;
        carve(&view, t->predict_mem, 1);
        set_inputs(&view, X + (size_t)i0 * t->d);
        base_pass(&view, view.w0);
        memcpy(view.f0, view.ls[last_layer(&view)].z, (size_t)view.n * sizeof *view.f0);
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

static const nqm_model_ops deep_ops = {.advance = deep_advance,
                                       .params = deep_params,
                                       .free = deep_free,
                                       .top_eigs = deep_top_eigs,
                                       .probe = deep_probe,
                                       .predict = deep_predict};

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
    size_t total = carve(t, NULL, 0);
    t->mem = calloc(total, sizeof *t->mem);
    if (!t->mem) {
        snprintf(err, errlen, "out of memory for a network with %zu parameters (%.1f MiB)", arch->p,
                 (double)(total * sizeof(double)) / (1 << 20));
        free(t);
        return -1;
    }
    carve(t, t->mem, 0);
    set_inputs(t, data->X);
    for (int i = 0; i < t->n; i++)
        t->ones[i] = 1;
    memcpy(t->w0, w0, arch->p * sizeof *w0);
    if (variant == MODEL_NET)
        memcpy(t->w, w0, arch->p * sizeof *w0);
    base_pass(t, t->w0);
    memcpy(t->f0, t->ls[last_layer(t)].z, (size_t)t->n * sizeof *t->f0);
    *out = &t->base;
    return 0;
}
