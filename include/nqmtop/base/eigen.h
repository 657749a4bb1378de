/* eigen.h: the top eigenpairs of a symmetric kernel (LAPACK dsyevr), the
 * certified Rayleigh-Ritz shortcut that avoids assembling the kernel when
 * it is (numerically) of low rank, and the matching of eigen-directions
 * from one step to the next so that lambda1(t), lambda2(t) follow
 * directions rather than sorted order.
 *
 * The shortcut. For a positive semidefinite K (n, n) and orthonormal rows
 * Omega (b, n), write K in the basis (Omega, its complement) as
 * [[H, E^T], [E, F]]. Then tr F = tr K - tr H =: delta, ||F|| <= delta,
 * and ||E||^2 <= ||H|| ||F|| <= theta_1 delta (positive semidefiniteness).
 * When delta < theta_b, the top b eigenvalues of K are the Ritz values
 * theta_j of H moved by at most ||E||^2 / (theta_j - delta) (the quadratic
 * residual bound of Li & Li for a block-diagonal split), so
 *
 *     |lambda_j - theta_j| <= theta_1 delta / (theta_j - delta),  j <= b.
 *
 * H and tr K cost O(b n) per neuron (the two-layer family; for relu and
 * linear on 1-D data O(b n) in all), the assembled kernel O(n^2). */
#ifndef NQMTOP_EIGEN_H
#define NQMTOP_EIGEN_H

typedef struct nqm_eigen nqm_eigen;

enum { NQM_EIGEN_MAX_K = 8 };

/* Workspace for n x n kernels and the top min(k, n) eigenpairs, k <= 8. */
nqm_eigen *nqm_eigen_new(int n, int k);
void nqm_eigen_free(nqm_eigen *e);
/* Top k eigenvalues of the symmetric K (n, n), descending, into lam (k),
 * eigenvectors into vec (k, n) when vec != NULL. K is overwritten.
 * Returns 0, or -1 when LAPACK fails or K is not finite. */
int nqm_eigen_top(nqm_eigen *e, double *K, double *lam, double *vec);
int nqm_eigen_count(const nqm_eigen *e); /* min(k, n) */

/* Fixed start directions for a subspace iteration: b orthonormal rows
 * Omega (b, n) from equidistributed (Weyl) sequences, in general position
 * with respect to any kernel. Returns b, or 0 when b > n or b >
 * NQM_EIGEN_MAX_K. */
int nqm_eigen_start(int n, int b, double *Omega);

/* Orthonormal rows Omega (b, n) spanning the rows of V (b, n) (modified
 * Gram-Schmidt, twice; Omega may be V). Returns b, or 0 when V has
 * numerically smaller rank (Omega is then unusable). */
int nqm_eigen_basis(int n, int b, const double *V, double *Omega);

/* The Ritz pairs of H = Omega K Omega^T (b, b, b = the workspace's k)
 * with tr K = trace: the top k eigenvalues into lam (descending) and the
 * Ritz vectors into vec (k, n), when the bound above is at most
 * NQM_EIGEN_RITZ_TOL theta_j for every j (after allowing for rounding
 * in sums of this size, NQM_EIGEN_SUM_EPS tr K). Returns 0 when
 * certified (lam, vec written), 1 when not, -1 when LAPACK fails or the
 * numbers are not finite. *bound (may be NULL) gets the worst relative
 * bound. */
#define NQM_EIGEN_RITZ_TOL 1e-11
#define NQM_EIGEN_SUM_EPS  1e-13
int nqm_eigen_ritz(nqm_eigen *e, const double *Omega, const double *H, double trace, double *lam,
                   double *vec, double *bound);
/* Reorder lam (k) and vec (k, n) so that slot j holds the eigenpair with
 * the largest overlap with prev (k, n), the previous step's vectors
 * (greedily, slot 0 first), signs aligned with prev. */
void nqm_eigen_follow(nqm_eigen *e, const double *prev, double *lam, double *vec);

#endif
