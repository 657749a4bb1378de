/* krylov.c: top eigenpairs of a symmetric positive semidefinite operator
 * from products alone (krylov.h). Basis Q (s, n) with orthonormal rows and
 * their products KQ (s, n); each round does Rayleigh-Ritz on T = Q KQ^T,
 * checks the residuals R = KX - Theta X of the top k Ritz pairs, and adds
 * the unconverged residuals (orthogonalised twice) to the basis. */
#include "nqmtop/base/krylov.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/blas.h"
#include "nqmtop/base/rng.h"

/* Stream of the fixed start vectors (any seed; only reproducibility matters). */
enum { KRYLOV_SEED = 0x6b72796c };

struct nqm_krylov {
    int n, k, mb;      /* size, eigenpairs wanted, largest basis */
    int s;             /* basis vectors now */
    int done;          /* of them, those whose products KQ are known */
    int warm;          /* X holds the last call's Ritz vectors */
    double *Q, *KQ;    /* (mb, n) basis and its products */
    double *X, *KX;    /* (mb, n) Ritz vectors and their products */
    double *T;         /* (mb, mb) Rayleigh quotient, column-major */
    double *theta, *Y; /* (mb) Ritz values ascending, (mb, mb) their coordinates */
    double *v;         /* (n) candidate vector */
    double *work;      /* LAPACK workspaces */
    int *iwork, *isuppz;
    int lwork, liwork;
    nqm_rng rng;
};

nqm_krylov *nqm_krylov_new(int n, int k)
{
    if (n < 1 || k < 1)
        return NULL;
    nqm_krylov *kr = calloc(1, sizeof *kr);
    if (!kr)
        return NULL;
    kr->n = n;
    kr->k = k < n ? k : n;
    kr->mb = NQM_KRYLOV_BASIS(kr->k) < n ? NQM_KRYLOV_BASIS(kr->k) : n;
    const size_t mn = (size_t)kr->mb * n, mm = (size_t)kr->mb * kr->mb;
    kr->lwork = 26 * kr->mb + 64;
    kr->liwork = 10 * kr->mb + 16;
    kr->Q = malloc(mn * sizeof *kr->Q);
    kr->KQ = malloc(mn * sizeof *kr->KQ);
    kr->X = malloc(mn * sizeof *kr->X);
    kr->KX = malloc(mn * sizeof *kr->KX);
    kr->T = malloc(mm * sizeof *kr->T);
    kr->theta = malloc((size_t)kr->mb * sizeof *kr->theta);
    kr->Y = malloc(mm * sizeof *kr->Y);
    kr->v = malloc((size_t)n * sizeof *kr->v);
    kr->work = malloc((size_t)kr->lwork * sizeof *kr->work);
    kr->iwork = malloc((size_t)kr->liwork * sizeof *kr->iwork);
    kr->isuppz = malloc(2 * (size_t)kr->mb * sizeof *kr->isuppz);
    if (!kr->Q || !kr->KQ || !kr->X || !kr->KX || !kr->T || !kr->theta || !kr->Y || !kr->v ||
        !kr->work || !kr->iwork || !kr->isuppz) {
        nqm_krylov_free(kr);
        return NULL;
    }
    nqm_rng_seed(&kr->rng, KRYLOV_SEED, NQM_STREAM_INIT);
    return kr;
}

void nqm_krylov_free(nqm_krylov *kr)
{
    if (!kr)
        return;
    free(kr->Q);
    free(kr->KQ);
    free(kr->X);
    free(kr->KX);
    free(kr->T);
    free(kr->theta);
    free(kr->Y);
    free(kr->v);
    free(kr->work);
    free(kr->iwork);
    free(kr->isuppz);
    free(kr);
}

int nqm_krylov_count(const nqm_krylov *kr) { return kr->k; }

void nqm_krylov_forget(nqm_krylov *kr) { kr->warm = 0; }

static double dot(int n, const double *a, const double *b)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* Orthogonalise v (n) against the basis twice and normalise it. Returns 1,
 * or 0 when less than 1e-8 of its length is new. */
static int orthonormalise(nqm_krylov *kr, double *v)
{
    const int n = kr->n;
    double before = sqrt(dot(n, v, v));
    if (!(before > 0) || !isfinite(before))
        return 0;
    for (int pass = 0; pass < 2; pass++)
        for (int a = 0; a < kr->s; a++) {
            const double *q = kr->Q + (size_t)a * n;
            double c = dot(n, q, v);
            for (int i = 0; i < n; i++)
                v[i] -= c * q[i];
        }
    double after = sqrt(dot(n, v, v));
    if (!(after > 1e-8 * before))
        return 0;
    for (int i = 0; i < n; i++)
        v[i] /= after;
    return 1;
}

/* Append v (n, destroyed) to the basis; its product waits for flush.
 * 1: added, 0: v held nothing new. */
static int append(nqm_krylov *kr, double *v, int *products)
{
    if (kr->s == kr->mb || !orthonormalise(kr, v))
        return 0;
    memcpy(kr->Q + (size_t)kr->s * kr->n, v, (size_t)kr->n * sizeof *v);
    (*products)++;
    kr->s++;
    return 1;
}

/* The products of the basis vectors appended since the last flush, as one
 * block. 0, or -1 when the product failed or was not finite. */
static int flush(nqm_krylov *kr, nqm_symop_block op, void *ctx)
{
    const int b = kr->s - kr->done;
    const size_t at = (size_t)kr->done * kr->n, len = (size_t)b * kr->n;
    if (b == 0)
        return 0;
    if (op(ctx, b, kr->Q + at, kr->KQ + at) != 0)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!isfinite(kr->KQ[at + i]))
            return -1;
    kr->done = kr->s;
    return 0;
}

/* Append a fresh random direction (for a start or when the Krylov space
 * closed before the basis filled). 1: added, 0: not. */
static int append_random(nqm_krylov *kr, int *products)
{
    for (int tries = 0; tries < 4; tries++) {
        for (int i = 0; i < kr->n; i++)
            kr->v[i] = nqm_rng_normal(&kr->rng);
        if (append(kr, kr->v, products))
            return 1;
    }
    return 0;
}

/* Rayleigh-Ritz on the basis: the top r = min(want, s) Ritz pairs into X,
 * KX (r, n) and theta (r, descending). Returns r, or -1 when LAPACK fails. */
static int ritz(nqm_krylov *kr, int want)
{
    const int n = kr->n, s = kr->s, r = want < s ? want : s;
    /* T (s, s) = Q KQ^T, i.e. Q^T(col) KQ(col) with Q, KQ column-major (n, s) */
    nqm_dgemm_serial("T", "N", s, s, n, 1.0, kr->Q, n, kr->KQ, n, 0.0, kr->T, s);
    for (int a = 0; a < s; a++)
        for (int b = 0; b < a; b++) {
            double t = 0.5 * (kr->T[(size_t)a * s + b] + kr->T[(size_t)b * s + a]);
            kr->T[(size_t)a * s + b] = kr->T[(size_t)b * s + a] = t;
        }
    if (nqm_dsyevr_index(s, kr->T, s - r + 1, s, kr->theta, kr->Y, s, kr->work, kr->lwork,
                         kr->iwork, kr->liwork, kr->isuppz) != 0)
        return -1;
    /* descending order: reverse the r columns of Y and the values */
    for (int j = 0; j < r / 2; j++) {
        double t = kr->theta[j];
        kr->theta[j] = kr->theta[r - 1 - j];
        kr->theta[r - 1 - j] = t;
        for (int a = 0; a < s; a++) {
            double *y1 = kr->Y + (size_t)j * s + a, *y2 = kr->Y + (size_t)(r - 1 - j) * s + a;
            t = *y1;
            *y1 = *y2;
            *y2 = t;
        }
    }
    /* X (n, r) = Q (n, s) Y (s, r), column-major; the same for KX */
    nqm_dgemm_serial("N", "N", n, r, s, 1.0, kr->Q, n, kr->Y, s, 0.0, kr->X, n);
    nqm_dgemm_serial("N", "N", n, r, s, 1.0, kr->KQ, n, kr->Y, s, 0.0, kr->KX, n);
    return r;
}

/* Residual R_j = KX_j - theta_j X_j into v; returns its norm. */
static double residual(nqm_krylov *kr, int j)
{
    const int n = kr->n;
    const double *x = kr->X + (size_t)j * n, *kx = kr->KX + (size_t)j * n;
    for (int i = 0; i < n; i++)
        kr->v[i] = kx[i] - kr->theta[j] * x[i];
    return sqrt(dot(n, kr->v, kr->v));
}

/* Restart: the basis becomes the top `keep` Ritz vectors (computed by the
 * last ritz call), products included, with no new products. */
static void restart(nqm_krylov *kr, int keep)
{
    const size_t len = (size_t)keep * kr->n;
    memcpy(kr->Q, kr->X, len * sizeof *kr->Q);
    memcpy(kr->KQ, kr->KX, len * sizeof *kr->KQ);
    kr->s = kr->done = keep;
}

/* Start the basis: the last Ritz vectors when warm, random ones when not. */
static int start(nqm_krylov *kr, nqm_symop_block op, void *ctx, int *products)
{
    const int n = kr->n;
    int warm = kr->warm;
    kr->s = kr->done = 0;
    for (int j = 0; j < kr->k; j++) {
        if (warm) {
            memcpy(kr->v, kr->X + (size_t)j * n, (size_t)n * sizeof *kr->v);
            append(kr, kr->v, products);
        } else {
            append_random(kr, products);
        }
    }
    return flush(kr, op, ctx);
}

int nqm_krylov_top_block(nqm_krylov *kr, nqm_symop_block op, void *ctx, double tol,
                         int max_products, double *lam, double *vec, int *products)
{
    const int n = kr->n, k = kr->k, keep = kr->mb < k + 4 ? kr->mb : k + 4;
    int used = 0, rc = 1, r = 0;
    if (start(kr, op, ctx, &used) != 0)
        rc = -1;
    while (rc == 1) {
        r = ritz(kr, kr->s == kr->mb ? keep : k);
        if (r < 0) {
            rc = -1;
            break;
        }
        double scale = fmax(kr->theta[0], 0), worst = 0;
        for (int j = 0; j < k && j < r; j++)
            worst = fmax(worst, residual(kr, j));
        if (r >= k && (worst <= tol * scale || kr->s == n)) {
            rc = 0;
            break;
        }
        if (used >= max_products)
            break;
        if (kr->s == kr->mb)
            restart(kr, r);
        int added = 0;
        for (int j = 0; j < r && j < k && kr->s < kr->mb && used < max_products; j++) {
            double norm = residual(kr, j);
            if (norm <= tol * scale)
                continue;
            added += append(kr, kr->v, &used);
        }
        /* the Krylov space closed: a new direction, if any */
        if (!added && !(kr->s < kr->mb && append_random(kr, &used)))
            break;
        if (flush(kr, op, ctx) != 0)
            rc = -1;
    }
    if (products)
        *products = used;
    if (rc < 0 || r < k) { /* fewer than k Ritz pairs: nothing to report */
        kr->warm = 0;
        return -1;
    }
    for (int j = 0; j < k; j++) {
        lam[j] = kr->theta[j];
        if (vec)
            memcpy(vec + (size_t)j * n, kr->X + (size_t)j * n, (size_t)n * sizeof *vec);
    }
    kr->warm = 1;
    return rc;
}

/* A one-vector operator seen as a block operator. */
typedef struct {
    nqm_symop op;
    void *ctx;
    int n;
} one_by_one;

static int products_one_by_one(void *ctx, int b, const double *U, double *KU)
{
    const one_by_one *o = ctx;
    for (int j = 0; j < b; j++)
        if (o->op(o->ctx, U + (size_t)j * o->n, KU + (size_t)j * o->n) != 0)
            return -1;
    return 0;
}

int nqm_krylov_top(nqm_krylov *kr, nqm_symop op, void *ctx, double tol, int max_products,
                   double *lam, double *vec, int *products)
{
    one_by_one o = {op, ctx, kr->n};
    return nqm_krylov_top_block(kr, products_one_by_one, &o, tol, max_products, lam, vec, products);
}
