/* textfile.c: whole-file reads, the printable-UTF-8 line check and the
 * checked line iteration shared by every text format nqmtop reads (see
 * textfile.h). */
#include "nqmtop/base/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Grow *buf (capacity *cap) towards limit bytes; 0, or -1 out of memory. */
static int grow(char **buf, size_t *cap, size_t limit)
{
    size_t want = *cap ? 2 * *cap : 64 * 1024;
    if (want > limit)
        want = limit;
    char *bigger = realloc(*buf, want);
    if (!bigger)
        return -1;
    *buf = bigger;
    *cap = want;
    return 0;
}

/* Read f to its end, at most limit bytes; -1 out of memory. */
static int read_all(FILE *f, size_t limit, char **buf, size_t *len)
{
    size_t cap = 0, got;
    *buf = NULL;
    *len = 0;
    do {
        if (*len == cap && grow(buf, &cap, limit) != 0)
            return -1;
        got = fread(*buf + *len, 1, cap - *len, f);
        *len += got;
    } while (got > 0 && *len < limit);
    return 0;
}

/* path opened for reading when it is a regular file of at most max_bytes:
 * a FIFO would block, a device would never end, a directory holds no text,
 * and none of them is opened further than needed to tell (no blocking
 * open). NULL with err set and errno as documented in textfile.h. */
static FILE *open_regular(const char *path, const char *what, size_t max_bytes, char *err,
                          size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(saved));
        errno = saved;
        return NULL;
    }
    struct stat sb;
    const char *wrong = fstat(fd, &sb) != 0    ? strerror(errno)
                        : S_ISDIR(sb.st_mode)  ? "is a directory"
                        : !S_ISREG(sb.st_mode) ? "is not a regular file (a device, FIFO or socket)"
                        : sb.st_size > (off_t)max_bytes ? "is too large"
                                                        : NULL;
    FILE *f = wrong || fcntl(fd, F_SETFL, 0) != 0 ? NULL : fdopen(fd, "rb");
    if (f)
        return f;
    if (!wrong && errno == ENOMEM) {
        snprintf(err, errlen, "%s: out of memory", path);
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    if (wrong && strcmp(wrong, "is too large") == 0)
        snprintf(err, errlen, "%s: larger than %zu bytes; not a %s", path, max_bytes, what);
    else
        snprintf(err, errlen, "%s: %s, not a %s", path, wrong ? wrong : strerror(errno), what);
    close(fd);
    errno = 0;
    return NULL;
}

/* f (named path) to its end, at most max_bytes, into *out with a NUL after
 * the last byte. 0, or -1 with err set. */
static int read_stream(FILE *f, const char *path, const char *what, size_t max_bytes, char **out,
                       size_t *len, char *err, size_t errlen)
{
    char *buf;
    size_t n; /* one byte more than allowed tells a file too large, one more holds the NUL */
    int no_memory = read_all(f, max_bytes + 2, &buf, &n) != 0;
    int failed = ferror(f), saved = errno;
    if (no_memory)
        snprintf(err, errlen, "%s: out of memory", path);
    else if (failed)
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(saved));
    else if (n > max_bytes)
        snprintf(err, errlen, "%s: larger than %zu bytes; not a %s", path, max_bytes, what);
    if (no_memory || failed || n > max_bytes) {
        free(buf);
        errno = no_memory ? ENOMEM : 0;
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int nqm_text_read(const char *path, const char *what, size_t max_bytes, char **out, size_t *len,
                  char *err, size_t errlen)
{
    FILE *f = open_regular(path, what, max_bytes, err, errlen);
    if (!f)
        return -1;
    int rc = read_stream(f, path, what, max_bytes, out, len, err, errlen);
    fclose(f);
    return rc;
}

int nqm_is_stdin_name(const char *path)
{
    return strcmp(path, "-") == 0 || strcmp(path, "/dev/stdin") == 0;
}

/* Standard input to its end, once per process: a pipe has nothing left
 * for a second read. A terminal is refused: the data are piped in, and
 * the interactive UI (or a replay) keeps the terminal for its keys. */
static int read_stdin(const char *path, const char *what, size_t max_bytes, char **out, size_t *len,
                      char *err, size_t errlen)
{
    static atomic_int taken;
    if (atomic_exchange(&taken, 1)) {
        snprintf(err, errlen, "%s: standard input was read already (it gives one %s)", path, what);
        return -1;
    }
    if (isatty(STDIN_FILENO)) {
        snprintf(err, errlen,
                 "%s: standard input is a terminal, not a %s: pipe it in (cat FILE | nqmtop ...) "
                 "or name the file",
                 path, what);
        return -1;
    }
    return read_stream(stdin, path, what, max_bytes, out, len, err, errlen);
}

int nqm_data_text_read(const char *path, const char *what, size_t max_bytes, char **out,
                       size_t *len, char *err, size_t errlen)
{
    if (nqm_is_stdin_name(path))
        return read_stdin(path, what, max_bytes, out, len, err, errlen);
    return nqm_text_read(path, what, max_bytes, out, len, err, errlen);
}

/* Bytes of the UTF-8 sequence that lead byte c starts (0: not a lead),
 * with the smallest code point that length may encode and c's bits. */
static size_t utf8_lead(unsigned c, unsigned long *min, unsigned long *bits)
{
    if ((c & 0xE0) == 0xC0) {
        *min = 0x80, *bits = c & 0x1F;
        return 2;
    }
    if ((c & 0xF0) == 0xE0) {
        *min = 0x800, *bits = c & 0x0F;
        return 3;
    }
    if ((c & 0xF8) == 0xF0) {
        *min = 0x10000, *bits = c & 0x07;
        return 4;
    }
    return 0;
}

/* The code point at s[0..len) into *cp and its length in bytes; 0 when
 * the bytes there are not UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned long *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    unsigned long min;
    size_t n = utf8_lead(s[0], &min, cp);
    if (n == 0 || len < n)
        return 0;
    for (size_t j = 1; j < n; j++) {
        if ((s[j] & 0xC0) != 0x80)
            return 0;
        *cp = *cp << 6 | (s[j] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return n;
}

size_t nqm_utf8_prefix(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static int is_control(unsigned long cp)
{
    return (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F);
}

/* Append the escape of one byte (\xNN) to out[*at..len), if it fits whole. */
static void put_escape(unsigned char c, char *out, size_t len, size_t *at)
{
    if (*at + 5 > len)
        return;
    snprintf(out + *at, 5, "\\x%02x", c);
    *at += 4;
}

void nqm_escape(const char *s, char *out, size_t outlen)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), at = 0;
    unsigned long cp;
    if (outlen == 0)
        return;
    for (size_t i = 0, n; i < len && at + 1 < outlen; i += n) {
        n = utf8_decode(u + i, len - i, &cp);
        if (n == 0 || cp == '\t' || is_control(cp)) {
            for (size_t j = 0; j < (n ? n : 1); j++)
                put_escape(u[i + j], out, outlen, &at);
            n = n ? n : 1;
        } else if (at + n < outlen) {
            memcpy(out + at, u + i, n);
            at += n;
        } else {
            break;
        }
    }
    out[at] = '\0';
}

int nqm_say(FILE *f, const char *fmt, ...)
{
    char raw[8192], safe[4 * sizeof raw];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    nqm_escape(raw, safe, sizeof safe);
    return fprintf(f, "%s\n", safe) < 0 ? -1 : 0;
}

size_t nqm_text_line_fault(const char *text, size_t len, char *msg, size_t msglen)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned long cp;
    for (size_t i = 0, n; i < len; i += n) {
        n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            snprintf(msg, msglen, "invalid UTF-8 byte 0x%02x", s[i]);
            return i + 1;
        }
        if (!is_control(cp))
            continue;
        if (cp == 0)
            snprintf(msg, msglen, "NUL byte");
        else if (cp < 0x80)
            snprintf(msg, msglen, "control character 0x%02lx", cp);
        else
            snprintf(msg, msglen, "control character U+%04lX", cp);
        return i + 1;
    }
    return 0;
}

void nqm_lines_init(nqm_lines *it, const char *label, const char *text, size_t len)
{
    it->label = label;
    it->text = text;
    it->len = len;
    it->pos = 0;
    it->lineno = 0;
}

int nqm_lines_next(nqm_lines *it, char *out, char *err, size_t errlen)
{
    if (it->pos >= it->len)
        return 0;
    const char *s = it->text + it->pos;
    const char *nl = memchr(s, '\n', it->len - it->pos);
    size_t n = nl ? (size_t)(nl - s) : it->len - it->pos;
    it->pos += n + 1;
    it->lineno++;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    if (n > NQM_TEXT_MAX_LINE) {
        snprintf(err, errlen, "%s:%d: line longer than %d bytes", it->label, it->lineno,
                 NQM_TEXT_MAX_LINE);
        return -1;
    }
    char what[64];
    size_t column = nqm_text_line_fault(s, n, what, sizeof what);
    if (column > 0) {
        snprintf(err, errlen, "%s:%d: %s at column %zu", it->label, it->lineno, what, column);
        return -1;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return 1;
}

int nqm_is_word(const char *s, size_t n)
{
    if (n == 0 || n > NQM_WORD_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') &&
            !(s[i] >= '0' && s[i] <= '9') && s[i] != '_' && s[i] != '-' && s[i] != '.')
            return 0;
    return 1;
}

int nqm_is_blank(char c) { return c == ' ' || c == '\t'; }

const char *nqm_skip_blanks(const char *s)
{
    while (nqm_is_blank(*s))
        s++;
    return s;
}

char *nqm_trim(char *s)
{
    s = (char *)nqm_skip_blanks(s);
    size_t n = strlen(s);
    while (n > 0 && nqm_is_blank(s[n - 1]))
        s[--n] = '\0';
    return s;
}

void nqm_copy_trimmed(char *dst, size_t dstlen, const char *s, size_t len)
{
    while (len > 0 && nqm_is_blank(*s)) {
        s++;
        len--;
    }
    while (len > 0 && nqm_is_blank(s[len - 1]))
        len--;
    if (len >= dstlen)
        len = dstlen - 1;
    memcpy(dst, s, len);
    dst[len] = '\0';
}

char *nqm_strip_comment(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '#' && (p == s || nqm_is_blank(p[-1]))) {
            *p = '\0';
            break;
        }
    return nqm_trim(s);
}
