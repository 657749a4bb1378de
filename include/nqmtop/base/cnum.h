/* cnum.h: numbers in the C locale ('.' for the decimal point), whatever
 * the user's locale says: presets, settings, sweep axes, CSV tables and
 * every output nqmtop writes read and write numbers this way. */
#ifndef NQMTOP_CNUM_H
#define NQMTOP_CNUM_H

#include <locale.h>

typedef struct {
    locale_t c, saved; /* (locale_t)0 when the C locale could not be made */
} nqm_c_numeric;

/* From begin to end the calling thread reads and prints numbers in the C
 * locale. Returns 0, or -1 (and nothing changes) when out of memory. */
int nqm_c_numeric_begin(nqm_c_numeric *scope);
void nqm_c_numeric_end(nqm_c_numeric *scope);

/* strtod in the C locale. */
double nqm_c_strtod(const char *s, char **end);

#endif
