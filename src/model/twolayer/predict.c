/* predict.c: outputs of the two-layer family on inputs that are not
 * the training set (a test set), at the current parameters, the model
 * left untouched. With z0_k = u0_k.x / sqrt(d), z_k = u_k.x / sqrt(d) and
 * e_k = du_k.x / sqrt(d):
 *
 *     net   g = (1/sqrt m) sum_k v_k s(z_k)
 *     lin   g = (1/sqrt m) sum_k [ (v0_k + dv_k) s(z0_k) + v0_k s'(z0_k) e_k ]
 *     quad  g = lin + (1/sqrt m) sum_k [ dv_k s'(z0_k) e_k + 1/2 v0_k s''(z0_k) e_k^2 ]
 *
 * (DESIGN §1.1; f(w0) is the k-sum of v0_k s(z0_k)). Neurons go in blocks:
 * the pre-activations of a block by dgemm, then one loop over the block.
 * It runs once per step on the test inputs: relu and linear on 1-D
 * inputs sum the neurons by gate pattern first (O(m + n), as gates1d.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/blas.h"
#include "nqmtop/model/activation.h"
#include "family.h"

enum { PREDICT_BLOCK = 256 };

/* Neuron k's term of sqrt(m) g at pre-activation z (z0 for lin, quad)
 * and displacement e, from the table's coefficients (family.h), is
 *
 *     c[0] s(z) + c[1] s'(z) e  [+ (c[2] s'(z) e + c[3] s''(z) e^2) for quad]
 *
 * for lin and quad, f(w0)'s share os s0 joins the table's ov B + os e (a1
 * + oc a2 e): c = (os + ov, os, ov, oc cq); for net c = (ov, 0, 0, 0). */
static void term_coefficients(const twolayer *t, long k, double c[4])
{
    const size_t md = (size_t)t->m * t->d;
    c[1] = c[2] = c[3] = 0;
    if (t->variant == MODEL_NET) {
        c[0] = tl_coefficients(MODEL_NET, t->w[md + k], 0).ov;
        return;
    }
    tl_coef tc = tl_coefficients(t->variant, t->w[md + k], t->w0[md + k]);
    c[0] = tc.os + tc.ov;
    c[1] = tc.os;
    if (tc.qB) {
        c[2] = tc.ov;
        c[3] = tc.oc * tc.cq;
    }
}

/* Relu and linear on 1-D inputs: as in gates1d.c, every neuron's term is
 * a multiple of the masked input mx_p(x) of its gate pattern p (u > 0:
 * 1{x > 0} x, u < 0: 1{x < 0} x, linear: x), the multiple being c[0] u +
 * (c[1] + c[2]) du (u = u0 for lin and quad, e = du x), so g = (1/sqrt m) sum_p G_p
 * mx_p(x) with G_p the sum of the multiples over the pattern: O(m + n). */
static void predict_gates(const twolayer *t, const double *X, int n, double *g)
{
    const int net = t->variant == MODEL_NET, linear = t->act == ACT_LINEAR;
    double G[2] = {0, 0};
    for (long k0 = 0; k0 < t->m; k0 += NQM_TL_BLOCK) {
        double blk[2] = {0, 0};
        for (long k = k0; k < t->m && k < k0 + NQM_TL_BLOCK; k++) {
            double c[4], u = net ? t->w[k] : t->w0[k], du = net ? 0 : t->w[k];
            term_coefficients(t, k, c);
            int p = linear || u > 0 ? 0 : u < 0 ? 1 : -1;
            if (p >= 0)
                blk[p] += c[0] * u + (c[1] + c[2]) * du;
        }
        G[0] += blk[0];
        G[1] += blk[1];
    }
    const double inv_sqrt_m = 1 / sqrt((double)t->m);
    for (int i = 0; i < n; i++) {
        double x = X[i], mx0 = linear || x > 0 ? x : 0, mx1 = !linear && x < 0 ? x : 0;
        g[i] = (G[0] * mx0 + G[1] * mx1) * inv_sqrt_m;
    }
}

/* g (n) += the terms of neurons [k0, k0 + bs) from their pre-activations
 * Z and displacements E (n, bs; E NULL for net), their coefficients into
 * C (4, bs) and sigma filled a row at a time into S (3, bs). */
static void add_block(const twolayer *t, long k0, int bs, int n, const double *Z, const double *E,
                      double *S, double *C, double *g)
{
    double c[4];
    for (int kk = 0; kk < bs; kk++) {
        term_coefficients(t, k0 + kk, c);
        for (int q = 0; q < 4; q++)
            C[q * bs + kk] = c[q];
    }
    const double *c0 = C, *c1 = C + bs, *c2 = C + 2 * bs, *c3 = C + 3 * bs;
    const double *s0 = S, *s1 = S + bs, *s2 = S + 2 * bs;
    const int quad = t->variant == MODEL_QUAD;
    for (int i = 0; i < n; i++) {
        const double *z = Z + (size_t)i * bs, *e = E ? E + (size_t)i * bs : NULL;
        nqm_sigma_fill(t->act, (size_t)bs, z, S, S + bs, S + 2 * bs);
        double acc = 0;
        for (int kk = 0; kk < bs && !e; kk++)
            acc += c0[kk] * s0[kk];
        for (int kk = 0; kk < bs && e && !quad; kk++)
            acc += c0[kk] * s0[kk] + c1[kk] * s1[kk] * e[kk];
        for (int kk = 0; kk < bs && quad; kk++) {
            double out = c0[kk] * s0[kk] + c1[kk] * s1[kk] * e[kk];
            out += c2[kk] * s1[kk] * e[kk] + c3[kk] * s2[kk] * e[kk] * e[kk];
            acc += out;
        }
        g[i] += acc;
    }
}

int nqm_tl_predict(nqm_model *self, const double *X, int n, double *g)
{
    twolayer *t = (twolayer *)self;
    const int net = t->variant == MODEL_NET, d = t->d;
    if (d == 1 && t->mode == TL_ROWS && (t->act == ACT_RELU || t->act == ACT_LINEAR)) {
        predict_gates(t, X, n, g);
        return 0;
    }
    double *Z = malloc((size_t)PREDICT_BLOCK * n * sizeof *Z);              /* (n, block) z or z0 */
    double *E = net ? NULL : malloc((size_t)PREDICT_BLOCK * n * sizeof *E); /* (n, block) e */
    double *S = malloc(7 * PREDICT_BLOCK * sizeof *S); /* (3, block) sigma, (4, block) c */
    if (!Z || (!net && !E) || !S) {
        free(Z);
        free(E);
        free(S);
        return -1;
    }
    if (t->mode == TL_GRAM)
        nqm_tl_gram_materialise(t); /* w then holds all of U or dU */
    memset(g, 0, (size_t)n * sizeof *g);
    const double *U = net ? t->w : t->w0; /* (m, d) */
    for (long k0 = 0; k0 < t->m; k0 += PREDICT_BLOCK) {
        int bs = t->m - k0 < PREDICT_BLOCK ? (int)(t->m - k0) : PREDICT_BLOCK;
        /* column-major: Z (bs x n) = U_block (d x bs)^T X (d x n) / sqrt(d) */
        nqm_dgemm_serial("T", "N", bs, n, d, t->in_scale, U + (size_t)k0 * d, d, X, d, 0.0, Z, bs);
        if (!net)
            nqm_dgemm_serial("T", "N", bs, n, d, t->in_scale, t->w + (size_t)k0 * d, d, X, d, 0.0,
                             E, bs);
        add_block(t, k0, bs, n, Z, E, S, S + 3 * PREDICT_BLOCK, g);
    }
    const double inv_sqrt_m = 1 / sqrt((double)t->m);
    for (int i = 0; i < n; i++)
        g[i] *= inv_sqrt_m;
    free(Z);
    free(E);
    free(S);
    return 0;
}
