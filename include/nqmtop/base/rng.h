/* rng.h: a small seeded generator (xoshiro256** seeded by splitmix64) and
 * the distributions the project samples from. Independent streams come
 * from (seed, stream) pairs so that data and initialisation never share
 * numbers and every run is reproducible across machines. */
#ifndef NQMTOP_RNG_H
#define NQMTOP_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
    double spare; /* second normal of the last polar pair */
    int has_spare;
} nqm_rng;

enum {
    NQM_STREAM_DATA = 1,
    NQM_STREAM_INIT = 2,
    NQM_STREAM_BATCH = 3,
    NQM_STREAM_SIGN = 4,
    NQM_STREAM_TEST = 5,     /* synthetic test sets */
    NQM_STREAM_TEST_SIGN = 6 /* the gqm's Sigma(x) of test inputs */
};

void nqm_rng_seed(nqm_rng *r, uint64_t seed, uint64_t stream);
uint64_t nqm_rng_u64(nqm_rng *r);
double nqm_rng_uniform(nqm_rng *r);             /* [0, 1) */
double nqm_rng_normal(nqm_rng *r);              /* N(0, 1) */
double nqm_rng_gamma(nqm_rng *r, double shape); /* Gamma(shape, 1), shape > 0 */
uint64_t nqm_rng_below(nqm_rng *r, uint64_t n); /* uniform in [0, n), n > 0 */

#endif
