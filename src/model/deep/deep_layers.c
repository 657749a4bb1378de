/* deep_layers.c: the algebra of the deep family's three layer kinds
 * (deep.h): a layer applied to its inputs, its adjoints with respect to
 * its inputs and its weights, the patches of a convolution, biases. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deep_model.h"
#include "nqmtop/base/blas.h"
#include "nqmtop/model/activation.h"

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

void nqm_dl_layer_apply(const nqm_deep_layer *L, int n, const double *W, const double *H,
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

void nqm_dl_layer_adjoint_input(const nqm_deep_layer *L, int n, const double *W, const double *ZB,
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

void nqm_dl_layer_adjoint_weight(const nqm_deep_layer *L, int n, const double *ZB, const double *H,
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

int nqm_dl_input_len(const nqm_deep_layer *L)
{
    return L->kind == NQM_LAYER_CONV ? L->out / L->channels * L->kernel * L->kernel : L->in;
}

void nqm_dl_im2col(const nqm_deep_layer *L, int n, const double *X, double *P)
{
    const int s = L->side, k = L->kernel, q = s - k + 1;
    for (int i = 0; i < n; i++)
        for (int y = 0; y < q; y++)
            for (int x = 0; x < q; x++)
                for (int a = 0; a < k; a++)
                    for (int b = 0; b < k; b++)
                        *P++ = X[(size_t)i * L->in + (y + a) * s + x + b];
}

int nqm_dl_bias_stride(const nqm_deep_layer *L)
{
    return L->kind == NQM_LAYER_CONV ? L->out / L->channels : 1;
}

void nqm_dl_bias_apply(const nqm_deep_layer *L, int n, const double *B, double *Z)
{
    const int per = nqm_dl_bias_stride(L);
    for (int i = 0; i < n; i++)
        for (int u = 0; u < L->out; u++)
            Z[(size_t)i * L->out + u] += B[u / per];
}

void nqm_dl_bias_adjoint(const nqm_deep_layer *L, int n, const double *ZB, double *G)
{
    const int per = nqm_dl_bias_stride(L);
    for (int i = 0; i < n; i++)
        for (int u = 0; u < L->out; u++)
            G[u / per] += ZB[(size_t)i * L->out + u];
}

double nqm_dl_dot(int n, const double *a, const double *b)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
