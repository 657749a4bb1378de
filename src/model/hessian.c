/* hessian.c: Hessian-vector products of the loss from a model's jvp, vjp
 * and curvature ops, and the sharpness from them by the Krylov solver. */
#include <stdlib.h>

#include "nqmtop/base/krylov.h"
#include "nqmtop/model/hessian.h"

struct nqm_hessian {
    nqm_model *model;
    size_t p;
    double *Jv;   /* (n) J v */
    double *curv; /* (p) the curvature term */
    nqm_krylov *krylov;
    double s;        /* the scale, residual and curvature of the current top call */
    const double *r; /* (n) */
    const double *d; /* (n), or NULL for 1 */
};

int nqm_hessian_supported(const nqm_model *model)
{
    const nqm_model_ops *ops = model->ops;
    return ops->params && ops->vjp && ops->jvp && ops->curvature;
}

nqm_hessian *nqm_hessian_new(nqm_model *model)
{
    if (!nqm_hessian_supported(model))
        return NULL;
    nqm_hessian *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->model = model;
    model->ops->params(model, &h->p);
    h->Jv = malloc((size_t)model->n * sizeof *h->Jv);
    h->curv = malloc(h->p * sizeof *h->curv);
    h->krylov = h->p <= (size_t)2147483647 ? nqm_krylov_new((int)h->p, 1) : NULL;
    if (!h->Jv || !h->curv || !h->krylov) {
        nqm_hessian_free(h);
        return NULL;
    }
    return h;
}

void nqm_hessian_free(nqm_hessian *h)
{
    if (!h)
        return;
    nqm_krylov_free(h->krylov);
    free(h->Jv);
    free(h->curv);
    free(h);
}

size_t nqm_hessian_dim(const nqm_hessian *h) { return h->p; }

int nqm_hessian_apply(nqm_hessian *h, double s, const double *r, const double *d, const double *v,
                      double *out)
{
    const nqm_model_ops *ops = h->model->ops;
    size_t p;
    ops->params(h->model, &p); /* a model may need its parameters handed out first */
    int rc = ops->jvp(h->model, v, h->Jv);
    for (int i = 0; rc == 0 && d && i < h->model->n; i++)
        h->Jv[i] *= d[i];
    if (rc == 0)
        rc = ops->vjp(h->model, h->Jv, out);
    if (rc == 0)
        rc = ops->curvature(h->model, r, v, h->curv);
    if (rc != 0)
        return rc;
    for (size_t j = 0; j < h->p; j++)
        out[j] = s * (out[j] + h->curv[j]);
    return 0;
}

static int product(void *ctx, const double *u, double *Hu)
{
    nqm_hessian *h = ctx;
    return nqm_hessian_apply(h, h->s, h->r, h->d, u, Hu) == 0 ? 0 : -1;
}

int nqm_hessian_top(nqm_hessian *h, double s, const double *r, const double *d, double tol,
                    int max_products, double *lam, int *products)
{
    h->s = s;
    h->r = r;
    h->d = d;
    return nqm_krylov_top(h->krylov, product, h, tol, max_products, lam, NULL, products);
}
