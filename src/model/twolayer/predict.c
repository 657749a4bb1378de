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
 * Not a hot path: it runs once per step on the test inputs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/blas.h"
#include "nqmtop/model/activation.h"
#include "family.h"

enum { PREDICT_BLOCK = 256 };

/* Neuron k's term of sqrt(m) g at pre-activation z (z0 for lin, quad)
 * and displacement e, from the table's coefficients (family.h): for lin
 * and quad, f(w0)'s share os s0 joins the table's ov B + os e (a1 + oc a2 e). */
static double term(const twolayer *t, long k, double z, double e)
{
    const size_t md = (size_t)t->m * t->d;
    double s0, s1, s2;
    nqm_sigma(t->act, z, &s0, &s1, &s2);
    if (t->variant == MODEL_NET)
        return tl_coefficients(MODEL_NET, t->w[md + k], 0).ov * s0;
    tl_coef c = tl_coefficients(t->variant, t->w[md + k], t->w0[md + k]);
    double out = (c.os + c.ov) * s0 + c.os * s1 * e;
    if (c.qB)
        out += c.ov * s1 * e + c.oc * c.cq * s2 * e * e;
    return out;
}

int nqm_tl_predict(nqm_model *self, const double *X, int n, double *g)
{
    twolayer *t = (twolayer *)self;
    const int net = t->variant == MODEL_NET, d = t->d;
    double *Z = malloc((size_t)PREDICT_BLOCK * n * sizeof *Z);              /* (n, block) z or z0 */
    double *E = net ? NULL : malloc((size_t)PREDICT_BLOCK * n * sizeof *E); /* (n, block) e */
    if (!Z || (!net && !E)) {
        free(Z);
        free(E);
        return -1;
    }
    if (t->mode == TL_GRAM)
        nqm_tl_gram_materialise(t); /* w then holds all of U or dU */
    memset(g, 0, (size_t)n * sizeof *g);
    const double *U = net ? t->w : t->w0; /* (m, d) */
    for (long k0 = 0; k0 < t->m; k0 += PREDICT_BLOCK) {
        int bs = t->m - k0 < PREDICT_BLOCK ? (int)(t->m - k0) : PREDICT_BLOCK;
        /* column-major: Z (bs x n) = U_block (d x bs)^T X (d x n) / sqrt(d) */
        nqm_dgemm("T", "N", bs, n, d, t->in_scale, U + (size_t)k0 * d, d, X, d, 0.0, Z, bs);
        if (!net)
            nqm_dgemm("T", "N", bs, n, d, t->in_scale, t->w + (size_t)k0 * d, d, X, d, 0.0, E, bs);
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int kk = 0; kk < bs; kk++)
                acc += term(t, k0 + kk, Z[(size_t)i * bs + kk], net ? 0 : E[(size_t)i * bs + kk]);
            g[i] += acc;
        }
    }
    const double inv_sqrt_m = 1 / sqrt((double)t->m);
    for (int i = 0; i < n; i++)
        g[i] *= inv_sqrt_m;
    free(Z);
    free(E);
    return 0;
}
