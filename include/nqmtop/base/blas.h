/* blas.h: the few BLAS and LAPACK routines the core calls, declared here
 * (Debian's OpenBLAS ships Fortran LAPACK without LAPACKE) behind small
 * wrappers that take ints and pass them by reference. Column-major. */
#ifndef NQMTOP_BLAS_H
#define NQMTOP_BLAS_H

/* C = alpha op(A) op(B) + beta C; op(A) is m x k, op(B) k x n. */
void nqm_dgemm(const char *transa, const char *transb, int m, int n, int k, double alpha,
               const double *A, int lda, const double *B, int ldb, double beta, double *C, int ldc);
/* nqm_dgemm on one thread: the same numbers whatever OpenBLAS's thread
 * count (with several threads OpenBLAS may split a product differently,
 * and the last bits of its results change with the count). For products
 * whose results are reported or feed the trajectory and that are cheap
 * enough to run alone. */
void nqm_dgemm_serial(const char *transa, const char *transb, int m, int n, int k, double alpha,
                      const double *A, int lda, const double *B, int ldb, double beta, double *C,
                      int ldc);
/* C = alpha op(A) op(A)^T + beta C on the `uplo` triangle; op(A) is n x k. */
void nqm_dsyrk(const char *uplo, const char *trans, int n, int k, double alpha, const double *A,
               int lda, double beta, double *C, int ldc);
/* Eigenvalues il..iu (1-based, ascending) and eigenvectors of the symmetric
 * A (n x n, upper triangle used, destroyed), on one thread (as
 * nqm_dgemm_serial: lambda1 must not move by an ulp with the thread count,
 * eta_crit = 2 / lambda1 would move with it). Returns LAPACK's info. */
int nqm_dsyevr_index(int n, double *A, int il, int iu, double *w, double *Z, int ldz, double *work,
                     int lwork, int *iwork, int liwork, int *isuppz);
/* The OpenBLAS core in use and its thread count (for --version and benches). */
const char *nqm_blas_core(void);
int nqm_blas_threads(void);
/* Threads OpenBLAS may use from now on, process-wide (a sweep sets 1 so
 * that its parallel runs do not oversubscribe the cores). */
void nqm_blas_set_threads(int threads);

#endif
