/* cnum.c: the number grammar, and reading and printing numbers in the C
 * locale (see cnum.h). */
#include "nqmtop/base/cnum.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int nqm_c_numeric_begin(nqm_c_numeric *scope)
{
    scope->c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    scope->saved = scope->c ? uselocale(scope->c) : (locale_t)0;
    return scope->c ? 0 : -1;
}

void nqm_c_numeric_end(nqm_c_numeric *scope)
{
    if (!scope->c)
        return;
    uselocale(scope->saved);
    freelocale(scope->c);
    scope->c = (locale_t)0;
}

double nqm_c_strtod(const char *s, char **end)
{
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    double v = strtod(s, end);
    nqm_c_numeric_end(&scope);
    return v;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

size_t nqm_number_span(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    for (; is_digit(s[i]); i++)
        digits++;
    if (s[i] == '.')
        for (i++; is_digit(s[i]); i++)
            digits++;
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1 + (s[i + 1] == '+' || s[i + 1] == '-');
        if (is_digit(s[j])) {
            while (is_digit(s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

static int word_is_nonfinite(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    return strncasecmp(s, "inf", 3) == 0 || strncasecmp(s, "nan", 3) == 0;
}

/* Whether the mantissa of the number text has a digit other than 0. */
static int nonzero_mantissa(const char *s)
{
    for (; *s && *s != 'e' && *s != 'E'; s++)
        if (*s >= '1' && *s <= '9')
            return 1;
    return 0;
}

int nqm_scan_number(const char **s, double *out, char *msg, size_t msglen)
{
    size_t span = nqm_number_span(*s);
    if (span == 0) {
        snprintf(msg, msglen, "'%.40s' is not a %snumber", *s,
                 word_is_nonfinite(*s) ? "finite " : "");
        return -1;
    }
    if (span > NQM_NUMBER_MAX_LEN) {
        snprintf(msg, msglen, "number too long ('%.20s...')", *s);
        return -1;
    }
    char buf[NQM_NUMBER_MAX_LEN + 1];
    memcpy(buf, *s, span);
    buf[span] = '\0';
    double v = nqm_c_strtod(buf, NULL);
    if (!isfinite(v)) {
        snprintf(msg, msglen, "%s is not a finite number (overflows a double)", buf);
        return -1;
    }
    if (v == 0 && nonzero_mantissa(buf)) {
        snprintf(msg, msglen, "%s is too small for a double (it would read as 0)", buf);
        return -1;
    }
    *out = v;
    *s += span;
    return 0;
}

int nqm_parse_number(const char *s, double *out, char *msg, size_t msglen)
{
    const char *p = s;
    if (nqm_scan_number(&p, out, msg, msglen) != 0)
        return -1;
    if (*p == '\0')
        return 0;
    snprintf(msg, msglen, "'%.40s' is not a number", s);
    return -1;
}

void nqm_compact_exponent(char *s)
{
    char *e = strchr(s, 'e');
    if (!e)
        return;
    char exp[16];
    snprintf(exp, sizeof exp, "%s", e + 1);
    char *m = e;
    if (memchr(s, '.', (size_t)(e - s))) {
        while (m[-1] == '0')
            m--;
        if (m[-1] == '.')
            m--;
    }
    snprintf(m, 16, "e%d", atoi(exp));
}

/* Whether %.{digits}g of v, exponent compacted, reads back as v. */
static int reads_back(char *buf, size_t len, double v, int digits)
{
    snprintf(buf, len, "%.*g", digits, v);
    nqm_compact_exponent(buf);
    return strtod(buf, NULL) == v;
}

void nqm_format_shortest(char *buf, size_t len, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    /* More digits never read back worse: the fewest that do lie between
     * lo (exclusive) and hi, found by halving. */
    int lo = 0, hi = 17;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (reads_back(buf, len, v, mid))
            hi = mid;
        else
            lo = mid;
    }
    reads_back(buf, len, v, hi);
}

void nqm_format_exact(char *buf, size_t len, double v)
{
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    nqm_format_shortest(buf, len, v);
    nqm_c_numeric_end(&scope);
}

void nqm_format_bytes(char *buf, size_t len, double bytes)
{
    const double mib = 1024.0 * 1024.0, gib = 1024.0 * mib;
    if (bytes < gib)
        snprintf(buf, len, "%.1f MiB", bytes / mib);
    else
        snprintf(buf, len, "%.2f GiB", bytes / gib);
}
