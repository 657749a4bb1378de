/* arrays.h: the binary data files nqmtop reads (IDX, NPY and NPZ
 * archives of them, CIFAR-10 batches), plain or gzip-compressed, as 2-D
 * arrays of numbers: rows are examples, columns features (a label file is
 * one column). An array is a view over the file's bytes, read one value at a time; the table reader
 * (tables.c) turns the rows it keeps into doubles. Errors are one line,
 * "FILE: what", naming the byte offset or the record where it helps. */
#ifndef NQMTOP_ARRAYS_H
#define NQMTOP_ARRAYS_H

#include <stddef.h>

/* Uncompressed bytes of one binary file, at most. */
#define NQM_BINARY_MAX_FILE ((size_t)1 << 31)

typedef enum {
    NQM_EL_BOOL,
    NQM_EL_U8,
    NQM_EL_I8,
    NQM_EL_U16,
    NQM_EL_I16,
    NQM_EL_U32,
    NQM_EL_I32,
    NQM_EL_U64,
    NQM_EL_I64,
    NQM_EL_F32,
    NQM_EL_F64
} nqm_elem;

typedef struct {
    long rows, cols;
    nqm_elem type;
    int big_endian;  /* byte order of the elements */
    int fortran;     /* column-major: (i, j) at (j * rows + i) elements */
    size_t row_step; /* row-major: bytes from one row to the next */
    const unsigned char *data;
} nqm_array;

/* Bytes of one element of type t. */
size_t nqm_elem_size(nqm_elem t);
/* Element (i, j) as a double (64-bit integers rounded to nearest). */
double nqm_array_at(const nqm_array *a, long i, long j);

/* Whether bytes start with the gzip magic number. */
int nqm_is_gzip(const unsigned char *bytes, size_t len);
/* Inflate the gzip stream (one or more members) in[0..len) into a buffer
 * to free() of at most max bytes. 0, or -1 with "NAME: what" in err. */
int nqm_gunzip(const char *name, const unsigned char *in, size_t len, size_t max,
               unsigned char **out, size_t *outlen, char *err, size_t errlen);
/* The whole file at path, inflated when it is gzip-compressed. 0, or -1 with "PATH: what" in err.
 */
int nqm_binary_read(const char *path, unsigned char **out, size_t *len, char *err, size_t errlen);

/* An IDX file (MNIST's format: big-endian, magic 0 0 TYPE DIMS): the first
 * dimension is the rows, the others flattened into columns. */
int nqm_idx_parse(const char *name, const unsigned char *bytes, size_t len, nqm_array *out,
                  char *err, size_t errlen);
/* An NPY file (numpy's format, versions 1 to 3): a 1-D array is one
 * column, an n-D array n rows of the other dimensions flattened (C order;
 * a Fortran-order array has at most 2 dimensions). */
int nqm_npy_parse(const char *name, const unsigned char *bytes, size_t len, nqm_array *out,
                  char *err, size_t errlen);
/* Whether bytes start like a zip archive (an .npz file). */
int nqm_is_zip(const unsigned char *bytes, size_t len);
/* The first member of the .npz archive zip[0..len) (a zip file, members
 * stored or deflated, zip64 records read) named NAME.npy for a name of
 * the NULL-terminated list, preferring earlier names, inflated into a
 * buffer to free() after its CRC-32 is checked. 0, or -1 with "FILE:
 * what" in err (a member missing: the names the archive holds). */
int nqm_npz_member(const char *file, const unsigned char *zip, size_t len, const char *const *names,
                   unsigned char **out, size_t *outlen, char *err, size_t errlen);
/* A CIFAR-10 binary batch: records of a label byte (0 to 9) and 3072
 * pixel bytes (red, green, blue planes of 32 x 32). */
enum { NQM_CIFAR_PIXELS = 3072, NQM_CIFAR_RECORD = 3073 };
int nqm_cifar_parse(const char *name, const unsigned char *bytes, size_t len, nqm_array *pixels,
                    nqm_array *labels, char *err, size_t errlen);

#endif
