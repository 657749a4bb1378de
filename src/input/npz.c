/* npz.c: numpy's .npz archives (np.savez, np.savez_compressed), zip files
 * of .npy members (arrays.h). A member is found through the archive's
 * central directory (zip64 records included, as numpy writes them), its
 * bytes stored or deflated (zlib), and checked against its CRC-32. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "nqmtop/base/textfile.h"
#include "nqmtop/input/arrays.h"

enum {
    EOCD_SIZE = 22,       /* end of central directory record, comment excluded */
    LOCATOR_SIZE = 20,    /* zip64 end of central directory locator */
    ZIP64_EOCD_SIZE = 56, /* zip64 end of central directory record */
    CENTRAL_SIZE = 46,    /* central directory header, name excluded */
    LOCAL_SIZE = 30,      /* local file header, name excluded */
    NAME_MAX_LEN = 255    /* bytes of a member name nqmtop looks at */
};

/* A member as the central directory describes it. */
typedef struct {
    char name[NAME_MAX_LEN + 1];
    unsigned method, flags;
    uint32_t crc;
    uint64_t packed, size, offset; /* compressed and inflated bytes, local header */
} member;

/* An archive being read: its bytes, its name for messages, and where its
 * central directory lies. */
typedef struct {
    const char *file;
    const unsigned char *b;
    size_t len;
    uint64_t entries, dir_at, dir_len;
    char *err;
    size_t errlen;
} archive;

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int k = n - 1; k >= 0; k--)
        v = v << 8 | p[k];
    return v;
}

/* Whether n bytes from at lie within the archive. */
static int inside(const archive *z, uint64_t at, uint64_t n)
{
    return at <= z->len && n <= z->len - at;
}

static int fail(const archive *z, const char *what, uint64_t at)
{
    snprintf(z->err, z->errlen, "%s: zip: %s (byte %llu)", z->file, what, (unsigned long long)at);
    return -1;
}

int nqm_is_zip(const unsigned char *bytes, size_t len)
{
    return len >= 4 && le(bytes, 4) == 0x04034b50;
}

/* The zip64 end record the locator before the end record at eocd names. */
static int read_zip64_end(archive *z, uint64_t eocd)
{
    if (eocd < LOCATOR_SIZE || le(z->b + eocd - LOCATOR_SIZE, 4) != 0x07064b50)
        return fail(z, "a zip64 archive without its zip64 locator", eocd);
    uint64_t at = le(z->b + eocd - LOCATOR_SIZE + 8, 8);
    if (!inside(z, at, ZIP64_EOCD_SIZE) || le(z->b + at, 4) != 0x06064b50)
        return fail(z, "the zip64 end record is not where its locator says", eocd);
    z->entries = le(z->b + at + 32, 8);
    z->dir_len = le(z->b + at + 40, 8);
    z->dir_at = le(z->b + at + 48, 8);
    return 0;
}

/* The end of central directory record, searched from the end back over
 * the longest comment it may have. */
static int read_end(archive *z)
{
    if (z->len < EOCD_SIZE)
        return fail(z, "too short for a zip archive", 0);
    size_t last = z->len - EOCD_SIZE, first = last > 0xFFFF ? last - 0xFFFF : 0;
    for (size_t at = last + 1; at-- > first;) {
        const unsigned char *p = z->b + at;
        if (le(p, 4) != 0x06054b50 || at + EOCD_SIZE + le(p + 20, 2) != z->len)
            continue;
        if (le(p + 4, 2) != 0 || le(p + 6, 2) != 0)
            return fail(z, "an archive split over several disks", at);
        z->entries = le(p + 10, 2);
        z->dir_len = le(p + 12, 4);
        z->dir_at = le(p + 16, 4);
        if (z->entries == 0xFFFF || z->dir_len == 0xFFFFFFFF || z->dir_at == 0xFFFFFFFF)
            return read_zip64_end(z, at);
        return 0;
    }
    return fail(z, "no end of central directory record", z->len);
}

/* The zip64 extra field of a central header: the sizes and the offset
 * that the header marks 0xFFFFFFFF, in that order. */
static int zip64_extra(const archive *z, const unsigned char *extra, uint64_t n, member *m,
                       uint64_t at)
{
    for (uint64_t k = 0; k + 4 <= n;) {
        uint64_t id = le(extra + k, 2), size = le(extra + k + 2, 2);
        if (k + 4 + size > n)
            break;
        if (id == 1) {
            const unsigned char *v = extra + k + 4;
            uint64_t *fields[3] = {&m->size, &m->packed, &m->offset}, used = 0;
            for (int f = 0; f < 3; f++)
                if (*fields[f] == 0xFFFFFFFF) {
                    if (used + 8 > size)
                        return fail(z, "a zip64 extra field too short", at);
                    *fields[f] = le(v + used, 8);
                    used += 8;
                }
            return 0;
        }
        k += 4 + size;
    }
    if (m->size == 0xFFFFFFFF || m->packed == 0xFFFFFFFF || m->offset == 0xFFFFFFFF)
        return fail(z, "a zip64 member without its zip64 extra field", at);
    return 0;
}

/* The central header at *at into m; *at moved past it. */
static int read_central(const archive *z, uint64_t *at, member *m)
{
    const unsigned char *p = z->b + *at;
    if (!inside(z, *at, CENTRAL_SIZE) || le(p, 4) != 0x02014b50)
        return fail(z, "a central directory entry is damaged", *at);
    uint64_t name = le(p + 28, 2), extra = le(p + 30, 2), comment = le(p + 32, 2);
    if (!inside(z, *at + CENTRAL_SIZE, name + extra + comment))
        return fail(z, "a central directory entry runs past the end", *at);
    m->flags = (unsigned)le(p + 8, 2);
    m->method = (unsigned)le(p + 10, 2);
    m->crc = (uint32_t)le(p + 16, 4);
    m->packed = le(p + 20, 4);
    m->size = le(p + 24, 4);
    m->offset = le(p + 42, 4);
    size_t shown = name < NAME_MAX_LEN ? (size_t)name : NAME_MAX_LEN;
    memcpy(m->name, p + CENTRAL_SIZE, shown);
    m->name[shown] = '\0';
    if (memchr(m->name, '\0', shown))
        m->name[0] = '\0';
    int rc = zip64_extra(z, p + CENTRAL_SIZE + name, extra, m, *at);
    *at += CENTRAL_SIZE + name + extra + comment;
    return rc;
}

/* m's data at packed, a deflated stream, into buf (m->size bytes):
 * Z_STREAM_END when it inflated to exactly that, Z_MEM_ERROR when zlib
 * ran out of memory, another zlib code otherwise. */
static int inflate_member(const unsigned char *packed, const member *m, unsigned char *buf)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    int rc = inflateInit2(&s, -MAX_WBITS);
    if (rc != Z_OK)
        return rc;
    s.next_in = (unsigned char *)(uintptr_t)packed;
    s.avail_in = (unsigned)m->packed;
    s.next_out = buf;
    s.avail_out = (unsigned)m->size;
    rc = inflate(&s, Z_FINISH);
    if (rc == Z_STREAM_END && s.total_out != m->size)
        rc = Z_DATA_ERROR;
    inflateEnd(&s);
    return rc;
}

/* The bytes of m, inflated and checked, into a buffer to free(). */
static int extract(const archive *z, const member *m, unsigned char **out, size_t *outlen)
{
    const unsigned char *p = z->b + m->offset;
    if (m->flags & 1)
        return fail(z, "an encrypted member", m->offset);
    if (m->method != 0 && m->method != 8)
        return fail(z, "a member compressed otherwise than stored or deflated", m->offset);
    if (!inside(z, m->offset, LOCAL_SIZE) || le(p, 4) != 0x04034b50)
        return fail(z, "a member's local header is not where the directory says", m->offset);
    uint64_t data = m->offset + LOCAL_SIZE + le(p + 26, 2) + le(p + 28, 2);
    if (!inside(z, data, m->packed))
        return fail(z, "a member runs past the end of the archive", m->offset);
    if (m->size > NQM_BINARY_MAX_FILE || m->packed > UINT_MAX || m->size >= UINT_MAX)
        return fail(z, "a member too large", m->offset);
    if (m->method == 0 && m->packed != m->size)
        return fail(z, "a stored member whose two sizes differ", m->offset);
    unsigned char *buf = malloc(m->size ? (size_t)m->size : 1);
    if (!buf) {
        snprintf(z->err, z->errlen, "%s: out of memory for %llu bytes", z->file,
                 (unsigned long long)m->size);
        return -1;
    }
    int zrc = Z_STREAM_END;
    if (m->method == 0)
        memcpy(buf, z->b + data, (size_t)m->size);
    else
        zrc = inflate_member(z->b + data, m, buf);
    if (zrc == Z_STREAM_END && crc32(crc32(0L, Z_NULL, 0), buf, (unsigned)m->size) == m->crc) {
        *out = buf;
        *outlen = (size_t)m->size;
        return 0;
    }
    free(buf);
    if (zrc == Z_MEM_ERROR) {
        snprintf(z->err, z->errlen, "%s: out of memory while inflating a member", z->file);
        errno = ENOMEM;
        return -1;
    }
    return fail(
        z, zrc == Z_STREAM_END ? "a member fails its CRC-32 check" : "a member does not inflate",
        m->offset);
}

/* "a.npy, b.npy" of the first members of the directory into list. */
static void add_name(char *list, size_t len, const char *name)
{
    size_t used = strlen(list);
    if (used + strlen(name) + 3 < len)
        snprintf(list + used, len - used, "%s%s", used ? ", " : "", name);
}

int nqm_npz_member(const char *file, const unsigned char *zip, size_t len, const char *const *names,
                   unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
    archive z = {file, zip, len, 0, 0, 0, err, errlen};
    if (read_end(&z) != 0)
        return -1;
    if (!inside(&z, z.dir_at, z.dir_len))
        return fail(&z, "the central directory lies past the end", z.dir_at);
    member best = {0}, m;
    int rank = -1;
    char held[160] = "";
    uint64_t at = z.dir_at;
    for (uint64_t k = 0; k < z.entries; k++) {
        if (read_central(&z, &at, &m) != 0)
            return -1;
        add_name(held, sizeof held, m.name);
        for (int r = 0; names[r] && (rank < 0 || r < rank); r++) {
            char want[NAME_MAX_LEN + 1];
            snprintf(want, sizeof want, "%s.npy", names[r]);
            if (strcmp(m.name, want) == 0) {
                best = m;
                rank = r;
            }
        }
    }
    if (rank >= 0)
        return extract(&z, &best, out, outlen);
    char wanted[128] = "";
    for (int r = 0; names[r]; r++) {
        char want[NAME_MAX_LEN + 1];
        snprintf(want, sizeof want, "%s.npy", names[r]);
        add_name(wanted, sizeof wanted, want);
    }
    char shown[sizeof held * 4]; /* member names are the file's bytes: escaped, one line */
    nqm_escape(held[0] ? held : "none", shown, sizeof shown);
    snprintf(err, errlen, "%s: no member %s in the archive (it holds %s)", file, wanted, shown);
    return -1;
}
