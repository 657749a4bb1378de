/* textfile.c: whole-file reads and checked line iteration for demo
 * scripts and recordings (see textfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nqmtop/textfile.h"

int nqm_text_read(const char *path, const char *what, char **out, size_t *len, char *err,
                  size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        snprintf(err, errlen, "%s: is a directory, not a %s", path, what);
        return -1;
    }
    char *buf = malloc(NQM_TEXT_MAX_FILE + 2);
    if (!buf) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t n = fread(buf, 1, NQM_TEXT_MAX_FILE + 1, f);
    int failed = ferror(f), saved = errno;
    fclose(f);
    if (failed || n > NQM_TEXT_MAX_FILE) {
        if (failed)
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(saved));
        else
            snprintf(err, errlen, "%s: larger than %d bytes; not a %s", path, NQM_TEXT_MAX_FILE,
                     what);
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
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

/* Offset of the first byte of text[0..len) that breaks UTF-8, or len. */
static size_t utf8_invalid_at(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        unsigned long min, cp;
        size_t n = utf8_lead(s[i], &min, &cp);
        if (n == 0 || len - i < n)
            return i;
        for (size_t j = 1; j < n; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n;
    }
    return len;
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
    const char *nul = memchr(s, '\0', n);
    if (nul) {
        snprintf(err, errlen, "%s:%d: NUL byte at column %d", it->label, it->lineno,
                 (int)(nul - s) + 1);
        return -1;
    }
    size_t bad = utf8_invalid_at(s, n);
    if (bad < n) {
        snprintf(err, errlen, "%s:%d: invalid UTF-8 byte 0x%02x at column %d", it->label,
                 it->lineno, (unsigned char)s[bad], (int)bad + 1);
        return -1;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return 1;
}
