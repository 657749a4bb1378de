/* blas.c: wrappers over the Fortran BLAS/LAPACK symbols of OpenBLAS. The
 * trailing size_t arguments are the hidden lengths of the character
 * arguments that gfortran-compiled LAPACK expects. */
#include "nqmtop/base/blas.h"

#include <stddef.h>

void dgemm_(const char *, const char *, const int *, const int *, const int *, const double *,
            const double *, const int *, const double *, const int *, const double *, double *,
            const int *, size_t, size_t);
void dsyrk_(const char *, const char *, const int *, const int *, const double *, const double *,
            const int *, const double *, double *, const int *, size_t, size_t);
void dsyevr_(const char *, const char *, const char *, const int *, double *, const int *,
             const double *, const double *, const int *, const int *, const double *, int *,
             double *, double *, const int *, int *, double *, const int *, int *, const int *,
             int *, size_t, size_t, size_t);
char *openblas_get_corename(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);

void nqm_dgemm(const char *transa, const char *transb, int m, int n, int k, double alpha,
               const double *A, int lda, const double *B, int ldb, double beta, double *C, int ldc)
{
    dgemm_(transa, transb, &m, &n, &k, &alpha, A, &lda, B, &ldb, &beta, C, &ldc, 1, 1);
}

void nqm_dsyrk(const char *uplo, const char *trans, int n, int k, double alpha, const double *A,
               int lda, double beta, double *C, int ldc)
{
    dsyrk_(uplo, trans, &n, &k, &alpha, A, &lda, &beta, C, &ldc, 1, 1);
}

/* From begin to end the calling thread's BLAS runs on one thread: for the
 * routines whose sums OpenBLAS splits by its thread count, so that their
 * results do not change with OPENBLAS_NUM_THREADS (or the machine's cores).
 * Returns the count to restore. */
static int serial_begin(void)
{
    int threads = openblas_get_num_threads();
    if (threads > 1)
        openblas_set_num_threads(1);
    return threads;
}

static void serial_end(int threads)
{
    if (threads > 1)
        openblas_set_num_threads(threads);
}

void nqm_dgemm_serial(const char *transa, const char *transb, int m, int n, int k, double alpha,
                      const double *A, int lda, const double *B, int ldb, double beta, double *C,
                      int ldc)
{
    int threads = serial_begin();
    dgemm_(transa, transb, &m, &n, &k, &alpha, A, &lda, B, &ldb, &beta, C, &ldc, 1, 1);
    serial_end(threads);
}

int nqm_dsyevr_index(int n, double *A, int il, int iu, double *w, double *Z, int ldz, double *work,
                     int lwork, int *iwork, int liwork, int *isuppz)
{
    const double zero = 0.0, abstol = 0.0;
    int found = 0, info = 0, threads = serial_begin();
    dsyevr_("V", "I", "U", &n, A, &n, &zero, &zero, &il, &iu, &abstol, &found, w, Z, &ldz, isuppz,
            work, &lwork, iwork, &liwork, &info, 1, 1, 1);
    serial_end(threads);
    return info;
}

const char *nqm_blas_core(void) { return openblas_get_corename(); }

int nqm_blas_threads(void) { return openblas_get_num_threads(); }

void nqm_blas_set_threads(int threads) { openblas_set_num_threads(threads); }
