/* eigen.c: top-k eigenpairs of the n x n kernel with LAPACK dsyevr, the
 * certified Rayleigh-Ritz shortcut from a probe of the kernel (eigen.h
 * states the bound), and the step-to-step matching that lets lambda_j(t)
 * follow one direction. */
#include "nqmtop/base/eigen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/blas.h"

struct nqm_eigen {
    int n, k;
    int lwork, liwork;
    double *w;    /* (n) eigenvalues, ascending */
    double *Z;    /* (k, n) eigenvectors, column-major n x k */
    double *work; /* (lwork) */
    int *iwork;   /* (liwork) */
    int *isuppz;  /* (2 k) */
    double *tmp;  /* (k, n) reordering scratch */
    double *Hs;   /* (k, k) copy of a probe's H, destroyed by dsyevr */
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
    e->Hs = malloc((size_t)e->k * e->k * sizeof *e->Hs);
    if (!e->w || !e->Z || !e->work || !e->iwork || !e->isuppz || !e->tmp || !e->Hs) {
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
    free(e->Hs);
    free(e);
}

int nqm_eigen_top(nqm_eigen *e, double *K, double *lam, double *vec)
{
    const int n = e->n, k = e->k;
    for (size_t i = 0; i < (size_t)n * n; i++)
        if (!isfinite(K[i]))
            return -1;
    if (nqm_dsyevr_index(n, K, n - k + 1, n, e->w, e->Z, n, e->work, e->lwork, e->iwork, e->liwork,
                         e->isuppz) != 0)
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

int nqm_eigen_basis(int n, int b, const double *V, double *Omega)
{
    if (Omega != V)
        memcpy(Omega, V, (size_t)b * n * sizeof *Omega);
    for (int j = 0; j < b; j++) {
        double *oj = Omega + (size_t)j * n;
        double before = sqrt(dot(n, oj, oj));
        for (int pass = 0; pass < 2; pass++)
            for (int q = 0; q < j; q++) {
                const double *oq = Omega + (size_t)q * n;
                double c = dot(n, oq, oj);
                for (int i = 0; i < n; i++)
                    oj[i] -= c * oq[i];
            }
        double norm = sqrt(dot(n, oj, oj));
        if (!(norm > 1e-8 * before))
            return 0;
        for (int i = 0; i < n; i++)
            oj[i] /= norm;
    }
    return b;
}

int nqm_eigen_start(int n, int b, double *Omega)
{
    static const double primes[NQM_EIGEN_MAX_K] = {2, 3, 5, 7, 11, 13, 17, 19};
    if (b > n || b > NQM_EIGEN_MAX_K)
        return 0;
    for (int j = 0; j < b; j++) {
        double step = sqrt(primes[j]) - floor(sqrt(primes[j]));
        for (int i = 0; i < n; i++) {
            double u = (i + 1) * step;
            Omega[(size_t)j * n + i] = u - floor(u) - 0.5;
        }
    }
    return nqm_eigen_basis(n, b, Omega, Omega);
}

/* The certificate of eigen.h for Ritz values theta (b, descending): the
 * worst of bound_j / theta_j over j, or INFINITY when delta >= theta_b. */
static double ritz_bound(int b, const double *theta, double trace)
{
    double slack = NQM_EIGEN_SUM_EPS * fabs(trace), tr_h = 0;
    for (int j = 0; j < b; j++)
        tr_h += theta[j];
    double delta = fmax(trace - tr_h, 0) + slack, worst = 0;
    for (int j = 0; j < b; j++) {
        if (!(theta[j] > delta))
            return INFINITY;
        double bound = theta[0] * delta / (theta[j] - delta) + slack;
        worst = fmax(worst, bound / theta[j]);
    }
    return worst;
}

int nqm_eigen_ritz(nqm_eigen *e, const double *Omega, const double *H, double trace, double *lam,
                   double *vec, double *bound)
{
    const int n = e->n, b = e->k;
    double theta[NQM_EIGEN_MAX_K];
    if (bound)
        *bound = INFINITY;
    for (int j = 0; j < b * b; j++)
        if (!isfinite(H[j]))
            return -1;
    if (!isfinite(trace))
        return -1;
    memcpy(e->Hs, H, (size_t)b * b * sizeof *e->Hs);
    /* ascending eigenvalues e->w, eigenvectors as columns of e->Z (b x b) */
    if (nqm_dsyevr_index(b, e->Hs, 1, b, e->w, e->Z, b, e->work, e->lwork, e->iwork, e->liwork,
                         e->isuppz) != 0)
        return -1;
    for (int j = 0; j < b; j++)
        theta[j] = e->w[b - 1 - j];
    double worst = ritz_bound(b, theta, trace);
    if (bound)
        *bound = worst;
    if (!(worst <= NQM_EIGEN_RITZ_TOL))
        return 1;
    for (int j = 0; j < b; j++) {
        const double *wj = e->Z + (size_t)(b - 1 - j) * b;
        double *vj = vec + (size_t)j * n;
        lam[j] = theta[j];
        memset(vj, 0, (size_t)n * sizeof *vj);
        for (int q = 0; q < b; q++)
            for (int i = 0; i < n; i++)
                vj[i] += wj[q] * Omega[(size_t)q * n + i];
    }
    return 0;
}

void nqm_eigen_follow(nqm_eigen *e, const double *prev, double *lam, double *vec)
{
    const int n = e->n, k = e->k;
    double matched[NQM_EIGEN_MAX_K] = {0};
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
