/* vcheck.h: the assertion helper of the view tests. A failing check says
 * where and what (with the values involved); the test then exits 1. */
#ifndef NQMTOP_TEST_VCHECK_H
#define NQMTOP_TEST_VCHECK_H

#include <stdio.h>

static int vcheck_failures;

#define VCHECK(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            vcheck_failures++;                                                                     \
        }                                                                                          \
    } while (0)

static inline int vcheck_report(const char *name)
{
    if (vcheck_failures)
        fprintf(stderr, "%s: %d check(s) failed\n", name, vcheck_failures);
    else
        printf("%s: all checks passed\n", name);
    return vcheck_failures ? 1 : 0;
}

/* A small deterministic generator for test data: xorshift64*. */
static inline unsigned long long vcheck_rand(unsigned long long *state)
{
    unsigned long long x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, 1). */
static inline double vcheck_uniform(unsigned long long *state)
{
    return (double)(vcheck_rand(state) >> 11) / 9007199254740992.0;
}

#endif
