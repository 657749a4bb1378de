/* eigen.h: the top eigenpairs of a symmetric kernel (LAPACK dsyevr), and
 * the matching of eigen-directions from one step to the next so that
 * lambda1(t), lambda2(t) follow directions rather than sorted order. */
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
int nqm_eigen_count(const nqm_eigen *e);   /* min(k, n) */
/* Reorder lam (k) and vec (k, n) so that slot j holds the eigenpair with
 * the largest overlap with prev (k, n), the previous step's vectors
 * (greedily, slot 0 first), signs aligned with prev. */
void nqm_eigen_follow(nqm_eigen *e, const double *prev, double *lam, double *vec);

#endif
