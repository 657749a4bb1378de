/* cnum.c: reading and printing numbers in the C locale (see cnum.h). */
#include "nqmtop/base/cnum.h"

#include <stdlib.h>

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
