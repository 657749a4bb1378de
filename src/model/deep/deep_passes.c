/* deep_passes.c: the jet passes over a deep network's layers (the
 * formulas are at the top of deep.c): the base pass, the first-order and
 * mixed second-order passes, the reverse pass through them with its
 * kernel shares, and the layout of the one allocation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deep_model.h"
#include "nqmtop/base/blas.h"
#include "nqmtop/model/activation.h"

/* ---- passes ------------------------------------------------------------- */

int nqm_dp_last_layer(const deep_model *t) { return t->arch.nlayers - 1; }

size_t nqm_dp_layer_len(const deep_model *t, int l) { return (size_t)t->n * t->arch.layer[l].out; }

void nqm_dp_base_pass(deep_model *t, const double *W)
{
    const double *hin = t->input;
    for (int l = 0; l <= nqm_dp_last_layer(t); l++) {
        const nqm_deep_layer *L = &t->arch.layer[l];
        layer_state *s = &t->ls[l];
        nqm_dl_layer_apply(L, t->n, W + L->w_off, hin, 0.0, s->z);
        if (L->b_len)
            nqm_dl_bias_apply(L, t->n, W + L->b_off, s->z);
        if (l < nqm_dp_last_layer(t))
            nqm_sigma_fill(t->act, nqm_dp_layer_len(t, l), s->z, s->h, s->s1, s->s2);
        hin = s->h;
    }
}

void nqm_dp_first_pass(deep_model *t, const double *W, const double *V, int which)
{
    for (int l = 0; l <= nqm_dp_last_layer(t); l++) {
        const nqm_deep_layer *L = &t->arch.layer[l];
        layer_state *s = &t->ls[l];
        double *z1 = s->z1[which];
        nqm_dl_layer_apply(L, t->n, V + L->w_off, l > 0 ? t->ls[l - 1].h : t->input, 0.0, z1);
        if (l > 0)
            nqm_dl_layer_apply(L, t->n, W + L->w_off, t->ls[l - 1].h1[which], 1.0, z1);
        if (L->b_len)
            nqm_dl_bias_apply(L, t->n, V + L->b_off, z1);
        if (l < nqm_dp_last_layer(t)) {
            double *h1 = s->h1[which];
            for (size_t e = 0; e < nqm_dp_layer_len(t, l); e++)
                h1[e] = s->s1[e] * z1[e];
        }
    }
}

void nqm_dp_mixed_pass(deep_model *t, const double *W, const double *D, const double *E, int which)
{
    for (int l = 0; l <= nqm_dp_last_layer(t); l++) {
        const nqm_deep_layer *L = &t->arch.layer[l];
        layer_state *s = &t->ls[l];
        if (l > 0) {
            const layer_state *p = &t->ls[l - 1];
            nqm_dl_layer_apply(L, t->n, W + L->w_off, p->ch, 0.0, s->c);
            nqm_dl_layer_apply(L, t->n, D + L->w_off, p->h1[which], 1.0, s->c);
            nqm_dl_layer_apply(L, t->n, E + L->w_off, p->h1[ALONG_D], 1.0, s->c);
        } else {
            memset(s->c, 0, nqm_dp_layer_len(t, l) * sizeof *s->c);
        }
        if (l < nqm_dp_last_layer(t)) {
            const double *d1 = s->z1[ALONG_D], *e1 = s->z1[which];
            for (size_t e = 0; e < nqm_dp_layer_len(t, l); e++)
                s->ch[e] = s->s1[e] * s->c[e] + s->s2[e] * d1[e] * e1[e];
        }
    }
}

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
        double aa = nqm_dl_dot(o, a1, a1),
               sq = aa * nqm_dl_dot(in, h0, h0) / in + (L->b_len ? aa : 0);
        if (A2) {
            const double *a2 = A2 + (size_t)i * o, *h1 = H1 + (size_t)i * in;
            sq += (2 * nqm_dl_dot(o, a1, a2) * nqm_dl_dot(in, h0, h1) +
                   nqm_dl_dot(o, a2, a2) * nqm_dl_dot(in, h1, h1)) /
                  in;
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
        const size_t in = (size_t)nqm_dl_input_len(L);
        nqm_dl_layer_adjoint_weight(L, 1, A1 + (size_t)i * L->out, H0 + i * in, row);
        if (A2)
            nqm_dl_layer_adjoint_weight(L, 1, A2 + (size_t)i * L->out, H1 + i * in, row);
        if (L->b_len)
            nqm_dl_bias_adjoint(L, 1, A1 + (size_t)i * L->out, row + L->w_len);
        if (out->diag)
            out->diag[i] += nqm_dl_dot(len, row, row);
    }
    if (out->K)
        nqm_dgemm("T", "N", n, n, len, 1.0, B, len, B, len, 1.0, out->K, n);
}

void nqm_dp_reverse_pass(deep_model *t, const double *W, const double *D, int second,
                         const double *r, const sink *out)
{
    const int n = t->n;
    double *zb1 = t->adj[0], *zb2 = t->adj[1], *hb1 = t->adj[2], *hb2 = t->adj[3];
    if (out->G)
        memset(out->G, 0, t->arch.p * sizeof *out->G);
    memcpy(zb1, r, (size_t)n * sizeof *r);
    memcpy(zb2, r, (size_t)n * sizeof *r);
    for (int l = nqm_dp_last_layer(t); l >= 0; l--) {
        const nqm_deep_layer *L = &t->arch.layer[l];
        const layer_state *p = l > 0 ? &t->ls[l - 1] : NULL;
        /* the layer's input and its first-order coefficient (0 for the data) */
        const double *H0 = p ? p->h : t->input, *H1 = p && second ? p->h1[ALONG_D] : NULL;
        if (out->G) {
            nqm_dl_layer_adjoint_weight(L, n, zb1, H0, out->G + L->w_off);
            if (H1)
                nqm_dl_layer_adjoint_weight(L, n, zb2, H1, out->G + L->w_off);
            if (L->b_len)
                nqm_dl_bias_adjoint(L, n, zb1, out->G + L->b_off);
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
        nqm_dl_layer_adjoint_input(L, n, W + L->w_off, zb1, 0.0, hb1);
        if (second) {
            nqm_dl_layer_adjoint_input(L, n, D + L->w_off, zb2, 1.0, hb1);
            nqm_dl_layer_adjoint_input(L, n, W + L->w_off, zb2, 0.0, hb2);
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

size_t nqm_dp_carve(deep_model *t, double *mem, int forward_only)
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
        VIEW(t->patches, n * nqm_dl_input_len(&t->arch.layer[0]));
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
