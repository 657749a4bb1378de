/* krylov.h: the top k eigenpairs of a symmetric positive semidefinite
 * n x n operator known only through products u -> K u (the tangent kernel
 * of a model, K u = J (J^T u), never assembled).
 *
 * A block Krylov iteration with Rayleigh-Ritz on a basis of at most
 * NQM_KRYLOV_BASIS(k) vectors: the basis grows by the residuals of the
 * unconverged Ritz vectors and, when full, restarts from the best Ritz
 * vectors (whose products are already known). A call starts from the last
 * call's Ritz vectors, so a kernel that moved little since costs about k
 * products. It ends when every residual |K x_j - theta_j x_j| is at most
 * tol theta_1, which bounds each eigenvalue's error by that residual (and
 * by its square over the gap to the rest of the spectrum). */
#ifndef NQMTOP_KRYLOV_H
#define NQMTOP_KRYLOV_H

#define NQM_KRYLOV_BASIS(k) (3 * (k) + 12)

/* Ku (n) = K u (n). 0, or -1 on failure. */
typedef int (*nqm_symop)(void *ctx, const double *u, double *Ku);

/* KU (b, n) = K U for the b rows of U (b, n). 0, or -1 on failure. */
typedef int (*nqm_symop_block)(void *ctx, int b, const double *U, double *KU);

typedef struct nqm_krylov nqm_krylov;

/* Workspace for n x n operators and the top min(k, n) eigenpairs, k >= 1. */
nqm_krylov *nqm_krylov_new(int n, int k);
void nqm_krylov_free(nqm_krylov *kr);
int nqm_krylov_count(const nqm_krylov *kr); /* min(k, n) */
/* The next call starts cold, from random vectors (the operator changed
 * so that the last Ritz vectors are no guide, e.g. lie in its null space). */
void nqm_krylov_forget(nqm_krylov *kr);

/* Top eigenvalues into lam (min(k, n)), descending, and their vectors
 * into vec (min(k, n), n) when vec != NULL. At most max_products products.
 * Returns 0 when converged, 1 when the budget ran out (lam and vec hold
 * the current estimates), -1 when a product failed or was not finite or
 * LAPACK failed. *products (may be NULL) gets the products used. */
int nqm_krylov_top(nqm_krylov *kr, nqm_symop op, void *ctx, double tol, int max_products,
                   double *lam, double *vec, int *products);

/* The same with the products asked for in blocks: the start vectors
 * together, then the residuals of each round together. */
int nqm_krylov_top_block(nqm_krylov *kr, nqm_symop_block op, void *ctx, double tol,
                         int max_products, double *lam, double *vec, int *products);

#endif
