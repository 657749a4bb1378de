/* rng.c: xoshiro256** seeded through splitmix64, with normal (Marsaglia
 * polar), gamma (Marsaglia-Tsang) and bounded-integer draws. */
#include "nqmtop/base/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void nqm_rng_seed(nqm_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t state = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&state);
    r->has_spare = 0;
    r->spare = 0.0;
}

uint64_t nqm_rng_u64(nqm_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double nqm_rng_uniform(nqm_rng *r) { return (double)(nqm_rng_u64(r) >> 11) * 0x1.0p-53; }

double nqm_rng_normal(nqm_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double a, b, q;
    do {
        a = 2.0 * nqm_rng_uniform(r) - 1.0;
        b = 2.0 * nqm_rng_uniform(r) - 1.0;
        q = a * a + b * b;
    } while (q >= 1.0 || q == 0.0);
    double f = sqrt(-2.0 * log(q) / q);
    r->spare = b * f;
    r->has_spare = 1;
    return a * f;
}

double nqm_rng_gamma(nqm_rng *r, double shape)
{
    if (shape < 1.0) {
        double u = nqm_rng_uniform(r);
        return nqm_rng_gamma(r, shape + 1.0) * pow(u > 0 ? u : 0x1.0p-53, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = nqm_rng_normal(r), v = 1.0 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = nqm_rng_uniform(r);
        if (u < 1.0 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return d * v;
    }
}

uint64_t nqm_rng_below(nqm_rng *r, uint64_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = nqm_rng_u64(r);
    while (x >= limit);
    return x % n;
}
