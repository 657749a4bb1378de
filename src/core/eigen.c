/* eigen.c: top-k eigenpairs of the n x n kernel with LAPACK dsyevr, and
 * the step-to-step matching that lets lambda_j(t) follow one direction. */
#include "nqmtop/eigen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/blas.h"

struct nqm_eigen {
    int n, k;
    int lwork, liwork;
    double *w;      /* (n) eigenvalues, ascending */
    double *Z;      /* (k, n) eigenvectors, column-major n x k */
    double *work;   /* (lwork) */
    int *iwork;     /* (liwork) */
    int *isuppz;    /* (2 k) */
    double *tmp;    /* (k, n) reordering scratch */
};

nqm_eigen *nqm_eigen_new(int n, int k)
{
    if (n < 1 || k < 1 || k > NQM_EIGEN_MAX_K)
        return NULL;
    nqm_eigen *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->n = n;
    e->k = k < n ? k : n;
    e->lwork = 26 * n + 64;
    e->liwork = 10 * n + 16;
    e->w = malloc((size_t)n * sizeof *e->w);
    e->Z = malloc((size_t)n * e->k * sizeof *e->Z);
    e->work = malloc((size_t)e->lwork * sizeof *e->work);
    e->iwork = malloc((size_t)e->liwork * sizeof *e->iwork);
    e->isuppz = malloc(2 * (size_t)n * sizeof *e->isuppz);
    e->tmp = malloc((size_t)n * e->k * sizeof *e->tmp);
    if (!e->w || !e->Z || !e->work || !e->iwork || !e->isuppz || !e->tmp) {
        nqm_eigen_free(e);
        return NULL;
    }
    return e;
}

void nqm_eigen_free(nqm_eigen *e)
{
    if (!e)
        return;
    free(e->w);
    free(e->Z);
    free(e->work);
    free(e->iwork);
    free(e->isuppz);
    free(e->tmp);
    free(e);
}

int nqm_eigen_top(nqm_eigen *e, double *K, double *lam, double *vec)
{
    const int n = e->n, k = e->k;
    for (size_t i = 0; i < (size_t)n * n; i++)
        if (!isfinite(K[i]))
            return -1;
    if (nqm_dsyevr_index(n, K, n - k + 1, n, e->w, e->Z, n, e->work, e->lwork, e->iwork,
                         e->liwork, e->isuppz) != 0)
        return -1;
    for (int j = 0; j < k; j++) {
        lam[j] = e->w[k - 1 - j];
        if (vec)
            memcpy(vec + (size_t)j * n, e->Z + (size_t)(k - 1 - j) * n, (size_t)n * sizeof *vec);
    }
    return 0;
}

static double dot(int n, const double *a, const double *b)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

void nqm_eigen_follow(nqm_eigen *e, const double *prev, double *lam, double *vec)
{
    const int n = e->n, k = e->k;
    double matched[NQM_EIGEN_MAX_K];
    int used[NQM_EIGEN_MAX_K] = {0};
    for (int j = 0; j < k; j++) {
        int best = 0;
        double best_overlap = -1, sign = 1;
        for (int i = 0; i < k; i++) {
            double o = dot(n, prev + (size_t)j * n, vec + (size_t)i * n);
            if (!used[i] && fabs(o) > best_overlap) {
                best_overlap = fabs(o);
                best = i;
                sign = o < 0 ? -1 : 1;
            }
        }
        used[best] = 1;
        matched[j] = lam[best];
        for (int i = 0; i < n; i++)
            e->tmp[(size_t)j * n + i] = sign * vec[(size_t)best * n + i];
    }
    memcpy(lam, matched, (size_t)k * sizeof *lam);
    memcpy(vec, e->tmp, (size_t)n * k * sizeof *vec);
}

int nqm_eigen_count(const nqm_eigen *e) { return e->k; }
