/* array.c: what the binary readers share (arrays.h): element access in
 * either byte order and layout, gzip inflation with zlib, and whole-file
 * reads. */
#include "nqmtop/input/arrays.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "nqmtop/base/textfile.h"

size_t nqm_elem_size(nqm_elem t)
{
    static const size_t sizes[] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8};
    return sizes[t];
}

/* The n-byte element at p as an unsigned integer of its byte order. */
static uint64_t load_bits(const unsigned char *p, size_t n, int big_endian)
{
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++)
        v |= (uint64_t)p[big_endian ? n - 1 - k : k] << (8 * k);
    return v;
}

/* The bits of an n-byte element as the number its type says. */
static double from_bits(uint64_t v, nqm_elem t)
{
    switch (t) {
    case NQM_EL_BOOL:
        return v != 0;
    case NQM_EL_I8:
        return (int8_t)v;
    case NQM_EL_I16:
        return (int16_t)v;
    case NQM_EL_I32:
        return (int32_t)v;
    case NQM_EL_I64:
        return (double)(int64_t)v;
    case NQM_EL_F32: {
        uint32_t w = (uint32_t)v;
        float f;
        memcpy(&f, &w, sizeof f);
        return f;
    }
    case NQM_EL_F64: {
        double d;
        memcpy(&d, &v, sizeof d);
        return d;
    }
    default:
        return (double)v;
    }
}

double nqm_array_at(const nqm_array *a, long i, long j)
{
    size_t size = nqm_elem_size(a->type);
    size_t at = a->fortran ? ((size_t)j * (size_t)a->rows + (size_t)i) * size
                           : (size_t)i * a->row_step + (size_t)j * size;
    return from_bits(load_bits(a->data + at, size, a->big_endian), a->type);
}

int nqm_is_gzip(const unsigned char *bytes, size_t len)
{
    return len >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

/* Room for more output in *out (capacity *cap, at most max + 1 bytes so
 * that one byte too many shows). 0, or -1 out of memory. */
static int grow(unsigned char **out, size_t *cap, size_t max)
{
    size_t want = *cap ? 2 * *cap : 1 << 20;
    if (want > max + 1)
        want = max + 1;
    unsigned char *bigger = realloc(*out, want);
    if (!bigger)
        return -1;
    *out = bigger;
    *cap = want;
    return 0;
}

/* Inflate members until the input ends into *out (capacity *cap), *done
 * bytes of it. 0, 1 when the output exceeds max, -1 with what went wrong
 * in *why. */
static int inflate_all(z_stream *z, const unsigned char *in, size_t len, size_t max,
                       unsigned char **out, size_t *cap, size_t *done, const char **why)
{
    for (;;) {
        if (*done == *cap && *cap > max)
            return 1;
        if (*done == *cap && grow(out, cap, max) != 0) {
            *why = "out of memory";
            return -1;
        }
        size_t room = *cap - *done;
        z->next_out = *out + *done;
        z->avail_out = room > UINT_MAX ? UINT_MAX : (unsigned)room;
        int rc = inflate(z, Z_NO_FLUSH);
        *done = (size_t)(z->next_out - *out);
        if (rc == Z_STREAM_END) {
            size_t used = (size_t)(z->next_in - in);
            if (used == len)
                return *done > max;
            if (!nqm_is_gzip(in + used, len - used)) {
                *why = "data after the end of the compressed stream";
                return -1;
            }
            inflateReset(z);
            continue;
        }
        if (rc == Z_BUF_ERROR && z->avail_in == 0) {
            *why = "the compressed stream is cut short";
            return -1;
        }
        if (rc == Z_MEM_ERROR) {
            *why = "out of memory";
            return -1;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            *why = z->msg ? z->msg : "not a valid gzip stream";
            return -1;
        }
    }
}

int nqm_gunzip(const char *name, const unsigned char *in, size_t len, size_t max,
               unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    int init = len > UINT_MAX ? Z_BUF_ERROR : inflateInit2(&z, 16 + MAX_WBITS);
    if (init != Z_OK) {
        snprintf(err, errlen, "%s: cannot inflate %zu bytes%s", name, len,
                 init == Z_MEM_ERROR ? ": out of memory" : "");
        errno = init == Z_MEM_ERROR ? ENOMEM : 0;
        return -1;
    }
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = (unsigned)len;
    unsigned char *buf = NULL;
    size_t cap = 0, done = 0;
    const char *why = "";
    int rc = inflate_all(&z, in, len, max, &buf, &cap, &done, &why);
    size_t at = (size_t)(z.next_in - in);
    inflateEnd(&z);
    if (rc != 0) {
        free(buf);
        int no_memory = rc < 0 && strcmp(why, "out of memory") == 0;
        if (rc > 0)
            snprintf(err, errlen, "%s: more than %zu bytes once inflated", name, max);
        else if (no_memory)
            snprintf(err, errlen, "%s: out of memory while inflating it", name);
        else
            snprintf(err, errlen, "%s: gzip: %s (compressed byte %zu)", name, why, at);
        errno = no_memory ? ENOMEM : 0;
        return -1;
    }
    *out = buf;
    *outlen = done;
    return 0;
}

/* A path under /usr/share/datasets/NAME/ comes from Debian's package
 * dataset-NAME: the hint to install it, "" otherwise. */
static void package_hint(const char *path, char *hint, size_t hintlen)
{
    static const char root[] = "/usr/share/datasets/";
    hint[0] = '\0';
    if (strncmp(path, root, sizeof root - 1) != 0)
        return;
    const char *name = path + sizeof root - 1;
    size_t n = strcspn(name, "/");
    if (n > 0 && n < 64 && name[n] == '/')
        snprintf(hint, hintlen, " (install the Debian package dataset-%.*s)", (int)n, name);
}

int nqm_binary_read(const char *path, unsigned char **out, size_t *len, char *err, size_t errlen)
{
    char *raw;
    size_t n;
    if (nqm_data_text_read(path, "data file", NQM_BINARY_MAX_FILE, &raw, &n, err, errlen) != 0) {
        char hint[128];
        package_hint(path, hint, sizeof hint);
        size_t used = strlen(err);
        snprintf(err + used, errlen - used, "%s", hint);
        return -1;
    }
    if (!nqm_is_gzip((unsigned char *)raw, n)) {
        *out = (unsigned char *)raw;
        *len = n;
        return 0;
    }
    int rc = nqm_gunzip(path, (unsigned char *)raw, n, NQM_BINARY_MAX_FILE, out, len, err, errlen);
    free(raw);
    return rc;
}
