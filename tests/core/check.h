/* check.h: a few assertion helpers shared by the tests. A failing check
 * prints where, what and by how much, and the test exits 1. */
#ifndef NQMTOP_TEST_CHECK_H
#define NQMTOP_TEST_CHECK_H

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nqmtop/input/preset.h"

static int check_failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* |a - b| <= tol * max(1, |a|, |b|)  (relative, with an absolute floor of tol). */
#define CHECK_CLOSE(a, b, tol, what)                                                               \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        double scale_ = fmax(1.0, fmax(fabs(a_), fabs(b_)));                                       \
        CHECK(fabs(a_ - b_) <= (tol)*scale_, "%s: %.17g vs %.17g (rel diff %.3g)", what, a_, b_,   \
              fabs(a_ - b_) / scale_);                                                             \
    } while (0)

/* The presets and demos of the source tree (NQM_TEST_PRESET_DIR, which
 * the build defines), with no user folder: what the tests find by name. */
static inline const nqm_places *test_places(void)
{
    static nqm_places places;
    static int made;
    if (!made) {
        const char *const shipped[] = {NQM_TEST_PRESET_DIR};
        nqm_places_make(&places, NULL, shipped, 1);
        made = 1;
    }
    return &places;
}

/* Switch LC_NUMERIC to an installed locale with a decimal comma and
 * return its name; NULL (and nothing switched) when there is none. */
static inline const char *check_comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (setlocale(LC_NUMERIC, names[i]))
            return names[i];
    return NULL;
}

static inline int check_report(const char *name)
{
    if (check_failures)
        fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    else
        printf("%s: all checks passed\n", name);
    return check_failures ? 1 : 0;
}

#endif
