/* npy.c: the NPY reader (numpy's np.save format, versions 1 to 3): the
 * magic "\x93NUMPY", the version, the length of the header, the header (a
 * Python dict literal with 'descr', 'fortran_order' and 'shape'), then the
 * elements, nothing after. */
#include "nqmtop/input/arrays.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nqmtop/input/csv.h"

enum { NPY_MAX_DIMS = 8 };

typedef struct {
    const char *s, *end; /* the header text still to read */
    const char *name;
    char *err;
    size_t errlen;
    char descr[16];
    int have_descr, have_order, have_shape;
    int fortran, ndims;
    uint64_t dims[NPY_MAX_DIMS];
} header;

static int bad(header *h, const char *what)
{
    snprintf(h->err, h->errlen, "%s: NPY header: %s", h->name, what);
    return -1;
}

static void skip_space(header *h)
{
    while (h->s < h->end && (*h->s == ' ' || *h->s == '\t' || *h->s == '\n'))
        h->s++;
}

/* The character c (after blanks); 1 when it is there, consumed. */
static int accept(header *h, char c)
{
    skip_space(h);
    if (h->s < h->end && *h->s == c) {
        h->s++;
        return 1;
    }
    return 0;
}

/* A quoted string into out (at most outlen - 1 bytes). */
static int string(header *h, char *out, size_t outlen)
{
    skip_space(h);
    if (h->s >= h->end || (*h->s != '\'' && *h->s != '"'))
        return bad(h, "a quoted string was expected");
    char quote = *h->s++;
    size_t n = 0;
    while (h->s < h->end && *h->s != quote) {
        if (n + 1 >= outlen)
            return bad(h, "a string is too long");
        out[n++] = *h->s++;
    }
    if (h->s >= h->end)
        return bad(h, "a string is not closed");
    h->s++;
    out[n] = '\0';
    return 0;
}

/* A word (True, False). */
static int word(header *h, const char *w)
{
    skip_space(h);
    size_t n = strlen(w);
    if ((size_t)(h->end - h->s) >= n && strncmp(h->s, w, n) == 0) {
        h->s += n;
        return 1;
    }
    return 0;
}

/* A whole number of a shape tuple (an old 'L' suffix allowed). */
static int dimension(header *h, uint64_t *v)
{
    skip_space(h);
    if (h->s >= h->end || *h->s < '0' || *h->s > '9')
        return bad(h, "a shape holds whole numbers");
    *v = 0;
    while (h->s < h->end && *h->s >= '0' && *h->s <= '9') {
        if (*v > (UINT64_C(1) << 40))
            return bad(h, "a dimension is too large");
        *v = *v * 10 + (uint64_t)(*h->s++ - '0');
    }
    if (h->s < h->end && *h->s == 'L')
        h->s++;
    return 0;
}

static int shape(header *h)
{
    if (!accept(h, '('))
        return bad(h, "'shape' is not a tuple");
    h->ndims = 0;
    while (!accept(h, ')')) {
        if (h->ndims == NPY_MAX_DIMS)
            return bad(h, "more than 8 dimensions");
        if (dimension(h, &h->dims[h->ndims++]) != 0)
            return -1;
        if (!accept(h, ',')) {
            if (!accept(h, ')'))
                return bad(h, "',' or ')' was expected in 'shape'");
            break;
        }
    }
    return 0;
}

/* One "key: value" pair of the dict. */
static int entry(header *h)
{
    char key[32];
    if (string(h, key, sizeof key) != 0)
        return -1;
    if (!accept(h, ':'))
        return bad(h, "':' was expected after a key");
    if (strcmp(key, "descr") == 0) {
        skip_space(h);
        if (h->s < h->end && *h->s == '[')
            return bad(h, "structured arrays (a list 'descr') are not supported");
        h->have_descr = 1;
        return string(h, h->descr, sizeof h->descr);
    }
    if (strcmp(key, "fortran_order") == 0) {
        h->have_order = 1;
        if (word(h, "True"))
            h->fortran = 1;
        else if (!word(h, "False"))
            return bad(h, "'fortran_order' is neither True nor False");
        return 0;
    }
    if (strcmp(key, "shape") == 0) {
        h->have_shape = 1;
        return shape(h);
    }
    return bad(h, "unknown key (not descr, fortran_order or shape)");
}

static int dict(header *h)
{
    if (!accept(h, '{'))
        return bad(h, "not a dict");
    while (!accept(h, '}')) {
        if (entry(h) != 0)
            return -1;
        if (!accept(h, ',')) {
            if (!accept(h, '}'))
                return bad(h, "',' or '}' was expected");
            break;
        }
    }
    skip_space(h);
    if (h->s != h->end)
        return bad(h, "text after the dict");
    if (!h->have_descr || !h->have_order || !h->have_shape)
        return bad(h, "'descr', 'fortran_order' or 'shape' is missing");
    return 0;
}

/* The element type and byte order of descr ("<f8", "|u1", ">i4"). */
static int dtype(header *h, nqm_array *out)
{
    static const struct {
        const char *code;
        nqm_elem type;
    } types[] = {{"b1", NQM_EL_BOOL}, {"u1", NQM_EL_U8},  {"i1", NQM_EL_I8},  {"u2", NQM_EL_U16},
                 {"i2", NQM_EL_I16},  {"u4", NQM_EL_U32}, {"i4", NQM_EL_I32}, {"u8", NQM_EL_U64},
                 {"i8", NQM_EL_I64},  {"f4", NQM_EL_F32}, {"f8", NQM_EL_F64}};
    const char *d = h->descr;
    char shown[sizeof h->descr]; /* d for a message: printable ASCII, '?' for the rest */
    for (size_t k = 0; k < sizeof shown; k++)
        shown[k] = d[k] == '\0' ? '\0' : d[k] >= 0x20 && d[k] < 0x7f ? d[k] : '?';
    if (strchr("<>|=", d[0]) == NULL || strlen(d) != 3) {
        snprintf(h->err, h->errlen, "%s: NPY element type '%.15s' is not supported", h->name,
                 shown);
        return -1;
    }
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
        if (strcmp(d + 1, types[k].code) == 0) {
            out->type = types[k].type;
            out->big_endian = d[0] == '>';
            return 0;
        }
    snprintf(h->err, h->errlen,
             "%s: NPY element type '%s' is not supported (bool, integers, float32, float64)",
             h->name, shown);
    return -1;
}

/* Rows and columns of the shape; -1 beyond the table limits. */
static int layout(header *h, nqm_array *out)
{
    if (h->ndims == 0)
        return bad(h, "a scalar (shape ()) is not a data set");
    if (h->fortran && h->ndims > 2)
        return bad(h, "a Fortran-order array of more than 2 dimensions is not supported");
    uint64_t cols = 1;
    for (int k = 1; k < h->ndims; k++)
        if ((cols *= h->dims[k]) > NQM_CSV_MAX_COLS)
            return bad(h, "more than 100000 values per example");
    if (h->dims[0] == 0 || cols == 0)
        return bad(h, "the array is empty");
    if (h->dims[0] > NQM_CSV_MAX_ROWS)
        return bad(h, "more than 1000000 examples");
    out->rows = (long)h->dims[0];
    out->cols = (long)cols;
    out->fortran = h->fortran && out->cols > 1;
    out->row_step = (size_t)out->cols * nqm_elem_size(out->type);
    return 0;
}

int nqm_npy_parse(const char *name, const unsigned char *bytes, size_t len, nqm_array *out,
                  char *err, size_t errlen)
{
    if (len < 10 || memcmp(bytes, "\x93NUMPY", 6) != 0) {
        snprintf(err, errlen, "%s: not an NPY file (no \\x93NUMPY magic)", name);
        return -1;
    }
    int major = bytes[6];
    if (major < 1 || major > 3) {
        snprintf(err, errlen, "%s: NPY version %d.%d is not 1 to 3 (byte 6)", name, major,
                 bytes[7]);
        return -1;
    }
    size_t start = major == 1 ? 10 : 12;
    size_t hlen = major == 1 ? (size_t)bytes[8] | (size_t)bytes[9] << 8
                  : len < 12 ? 0
                             : (size_t)bytes[8] | (size_t)bytes[9] << 8 | (size_t)bytes[10] << 16 |
                                   (size_t)bytes[11] << 24;
    if (len < start || len - start < hlen) {
        snprintf(err, errlen, "%s: the NPY header is cut short (%zu bytes)", name, len);
        return -1;
    }
    header h = {.s = (const char *)bytes + start,
                .end = (const char *)bytes + start + hlen,
                .name = name,
                .err = err,
                .errlen = errlen};
    if (dict(&h) != 0 || dtype(&h, out) != 0 || layout(&h, out) != 0)
        return -1;
    size_t body = (size_t)out->rows * (size_t)out->cols * nqm_elem_size(out->type);
    if (len - start - hlen != body) {
        snprintf(err, errlen, "%s: %zu bytes of data after the header, the shape makes %zu", name,
                 len - start - hlen, body);
        return -1;
    }
    out->data = bytes + start + hlen;
    return 0;
}
