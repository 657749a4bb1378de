/* idx.c: the IDX reader (MNIST, Fashion-MNIST, EMNIST): a big-endian
 * header of two zero bytes, the element type, the number of dimensions
 * and each dimension as 32 bits, then the elements, nothing after. */
#include "nqmtop/input/arrays.h"

#include <stdint.h>
#include <stdio.h>

#include "nqmtop/input/csv.h"

enum { IDX_MAX_DIMS = 8 };

/* The element type of an IDX type code, -1 if none. */
static int idx_type(unsigned code)
{
    switch (code) {
    case 0x08:
        return NQM_EL_U8;
    case 0x09:
        return NQM_EL_I8;
    case 0x0B:
        return NQM_EL_I16;
    case 0x0C:
        return NQM_EL_I32;
    case 0x0D:
        return NQM_EL_F32;
    case 0x0E:
        return NQM_EL_F64;
    default:
        return -1;
    }
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Rows and flattened columns of the dims; -1 with err set when a
 * dimension is 0 or the shape exceeds the table limits. */
static int idx_shape(const char *name, const unsigned char *bytes, int ndims, nqm_array *out,
                     char *err, size_t errlen)
{
    uint64_t cols = 1;
    for (int k = 0; k < ndims; k++) {
        uint32_t dim = be32(bytes + 4 + 4 * k);
        if (dim == 0) {
            snprintf(err, errlen, "%s: dimension %d is 0 (byte %d)", name, k + 1, 4 + 4 * k);
            return -1;
        }
        if (k == 0)
            out->rows = dim;
        else if ((cols *= dim) > NQM_CSV_MAX_COLS) {
            snprintf(err, errlen, "%s: more than %d values per example", name, NQM_CSV_MAX_COLS);
            return -1;
        }
    }
    if (out->rows > NQM_CSV_MAX_ROWS) {
        snprintf(err, errlen, "%s: %ld examples, at most %d", name, out->rows, NQM_CSV_MAX_ROWS);
        return -1;
    }
    out->cols = (long)cols;
    return 0;
}

int nqm_idx_parse(const char *name, const unsigned char *bytes, size_t len, nqm_array *out,
                  char *err, size_t errlen)
{
    if (len < 4 || bytes[0] != 0 || bytes[1] != 0) {
        snprintf(err, errlen, "%s: not an IDX file (it does not start with two zero bytes)", name);
        return -1;
    }
    int type = idx_type(bytes[2]), ndims = bytes[3];
    if (type < 0) {
        snprintf(err, errlen, "%s: unknown IDX element type 0x%02x (byte 2)", name, bytes[2]);
        return -1;
    }
    if (ndims < 1 || ndims > IDX_MAX_DIMS) {
        snprintf(err, errlen, "%s: %d dimensions (byte 3), not 1 to %d", name, ndims, IDX_MAX_DIMS);
        return -1;
    }
    size_t header = 4 + 4 * (size_t)ndims;
    if (len < header) {
        snprintf(err, errlen, "%s: the header of %zu bytes is cut short at byte %zu", name, header,
                 len);
        return -1;
    }
    out->type = (nqm_elem)type;
    if (idx_shape(name, bytes, ndims, out, err, errlen) != 0)
        return -1;
    size_t size = nqm_elem_size(out->type);
    size_t want = header + (size_t)out->rows * (size_t)out->cols * size;
    if (len != want) {
        snprintf(err, errlen,
                 "%s: %zu bytes, but its header (%ld x %ld elements of %zu bytes) "
                 "makes %zu",
                 name, len, out->rows, out->cols, size, want);
        return -1;
    }
    out->big_endian = 1;
    out->fortran = 0;
    out->row_step = (size_t)out->cols * size;
    out->data = bytes + header;
    return 0;
}
