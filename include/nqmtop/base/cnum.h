/* cnum.h: numbers as nqmtop reads and writes them, whatever the user's
 * locale says: one decimal grammar for every reader (presets, settings,
 * sweep axes, CSV tables, demo scripts, recordings, options), '.' for the
 * decimal point, and the shortest text that reads back to the same double.
 *
 * The grammar: [+-]digits[.digits][(e|E)[+-]digits], with at least one
 * digit before any exponent. No blanks, no hex, no inf or nan words. */
#ifndef NQMTOP_CNUM_H
#define NQMTOP_CNUM_H

#include <locale.h>
#include <stddef.h>

typedef struct {
    locale_t c, saved; /* (locale_t)0 when the C locale could not be made */
} nqm_c_numeric;

/* From begin to end the calling thread reads and prints numbers in the C
 * locale. Returns 0, or -1 (and nothing changes) when out of memory. */
int nqm_c_numeric_begin(nqm_c_numeric *scope);
void nqm_c_numeric_end(nqm_c_numeric *scope);

/* strtod in the C locale. */
double nqm_c_strtod(const char *s, char **end);

enum { NQM_NUMBER_MAX_LEN = 127 }; /* characters of one number, at most */

/* Length of the number of the grammar at s, 0 when none starts there. */
size_t nqm_number_span(const char *s);

/* The number at *s into out, *s moved past it. 0, or -1 with what is
 * wrong in msg: not a number ("'abc' is not a number"), a word for a
 * non-finite value, too long, beyond the range of a double, or nonzero
 * but so small that it would read as 0. */
int nqm_scan_number(const char **s, double *out, char *msg, size_t msglen);
/* A number filling all of s (nothing before or after it). */
int nqm_parse_number(const char *s, double *out, char *msg, size_t msglen);

/* "2.5e+06" -> "2.5e6": trailing zeros of the mantissa, the exponent's
 * '+' and its leading zeros dropped, in place. */
void nqm_compact_exponent(char *s);
/* The shortest %.Ng of v (N = 1..17), exponent compacted, that reads back
 * as exactly v (C locale): 0.41, not 0.40999999999999998; nan, inf and
 * -inf as those words. */
void nqm_format_exact(char *buf, size_t len, double v);
/* The same in the calling thread's locale, for writers that have switched
 * to C already (nqm_c_numeric_begin) and print many numbers. */
void nqm_format_shortest(char *buf, size_t len, double v);
/* A size for a message: "58.6 MiB" below 1 GiB, "1.46 GiB" from there. */
void nqm_format_bytes(char *buf, size_t len, double bytes);

#endif
