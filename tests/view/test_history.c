/* test_history.c: the bounded run history against brute force.
 *
 * Every envelope is compared with the min / max / last recomputed from the
 * raw values the test kept, over exactly the steps the history says the
 * envelope covers; merges must keep the step ranges contiguous and the
 * memory fixed, however many steps are pushed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/view/history.h"
#include "vcheck.h"

/* min / max of the finite raw[a..b], NaN when none; bits of non-finite ones. */
static void brute_envelope(const double *raw, long a, long b, double *lo, double *hi, unsigned *bad)
{
    *lo = *hi = NAN;
    *bad = 0;
    for (long t = a; t <= b; t++) {
        double v = raw[t];
        if (isnan(v))
            *bad |= NQM_HIST_NAN;
        else if (isinf(v))
            *bad |= v > 0 ? NQM_HIST_POSINF : NQM_HIST_NEGINF;
        else {
            if (isnan(*lo) || v < *lo)
                *lo = v;
            if (isnan(*hi) || v > *hi)
                *hi = v;
        }
    }
}

static int same_double(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* Noise with occasional spikes, NaNs and infinities. */
static double noisy_value(unsigned long long *rng, long t)
{
    double u = vcheck_uniform(rng);
    if (u < 0.001)
        return NAN;
    if (u < 0.0015)
        return INFINITY;
    if (u < 0.002)
        return -INFINITY;
    if (u < 0.003)
        return 1e6 * vcheck_uniform(rng);
    return sin(0.01 * (double)t) + 0.1 * vcheck_uniform(rng);
}

static void check_buckets_contiguous(const nqm_history *h, long first, long last, long steps)
{
    long n = nqm_history_nbuckets(h), total = 0, prev_t1 = first - 1;
    for (long i = 0; i < n; i++) {
        nqm_envelope e;
        VCHECK(nqm_history_bucket(h, i, 0, &e) == 0, "bucket %ld", i);
        VCHECK(e.t0 == prev_t1 + 1, "bucket %ld starts at %ld after %ld", i, e.t0, prev_t1);
        VCHECK(e.t1 >= e.t0, "bucket %ld: [%ld, %ld]", i, e.t0, e.t1);
        VCHECK(e.count == e.t1 - e.t0 + 1, "bucket %ld: %ld steps in [%ld, %ld]", i, e.count, e.t0,
               e.t1);
        VCHECK(i == n - 1 || e.count == nqm_history_span(h), "bucket %ld: %ld steps, span %ld", i,
               e.count, nqm_history_span(h));
        prev_t1 = e.t1;
        total += e.count;
    }
    VCHECK(prev_t1 == last, "last bucket ends at %ld, last step %ld", prev_t1, last);
    VCHECK(total == steps, "buckets hold %ld steps of %ld", total, steps);
}

/* Each bucket, and random ranges, against the raw values. */
static void check_against_raw(const nqm_history *h, const double *raw, long steps,
                              unsigned long long *rng)
{
    for (long i = 0; i < nqm_history_nbuckets(h); i++) {
        nqm_envelope e;
        double lo, hi;
        unsigned bad;
        nqm_history_bucket(h, i, 0, &e);
        brute_envelope(raw, e.t0, e.t1, &lo, &hi, &bad);
        VCHECK(same_double(e.min, lo) && same_double(e.max, hi) && e.nonfinite == bad,
               "bucket %ld [%ld, %ld]: (%g, %g, %u) vs raw (%g, %g, %u)", i, e.t0, e.t1, e.min,
               e.max, e.nonfinite, lo, hi, bad);
        VCHECK(same_double(e.last, raw[e.t1]), "bucket %ld last %g vs %g", i, e.last, raw[e.t1]);
    }
    for (int k = 0; k < 2000; k++) {
        long a = (long)(vcheck_uniform(rng) * (double)steps);
        long b = a + (long)(vcheck_uniform(rng) * (double)(steps - a));
        nqm_envelope e;
        double lo, hi;
        unsigned bad;
        long nb = nqm_history_envelope(h, 0, a, b, &e);
        VCHECK(nb >= 1 && e.t0 <= a && e.t1 >= b, "range [%ld, %ld] covered by [%ld, %ld]", a, b,
               e.t0, e.t1);
        brute_envelope(raw, e.t0, e.t1, &lo, &hi, &bad);
        VCHECK(same_double(e.min, lo) && same_double(e.max, hi) && e.nonfinite == bad &&
                   e.count == e.t1 - e.t0 + 1 && same_double(e.last, raw[e.t1]),
               "range [%ld, %ld] as [%ld, %ld]: (%g, %g, %u) vs raw (%g, %g, %u)", a, b, e.t0, e.t1,
               e.min, e.max, e.nonfinite, lo, hi, bad);
    }
}

/* A small capacity forces many merges; everything stays exact. */
static void test_envelopes_exact(void)
{
    enum { STEPS = 200003 };
    double *raw = malloc(STEPS * sizeof *raw);
    nqm_history *h = nqm_history_new(1, NULL, 64);
    unsigned long long rng = 42;
    VCHECK(raw && h, "allocation");
    if (!raw || !h)
        return;
    for (long t = 0; t < STEPS; t++) {
        raw[t] = noisy_value(&rng, t);
        VCHECK(nqm_history_push(h, t, &raw[t]) == 0, "push %ld", t);
        if (t == 10 || t == 63 || t == 64 || t == 65 || t == 1000 || t == STEPS - 1) {
            check_buckets_contiguous(h, 0, t, t + 1);
            check_against_raw(h, raw, t + 1, &rng);
        }
    }
    double lo, hi;
    unsigned bad;
    nqm_envelope all;
    brute_envelope(raw, 0, STEPS - 1, &lo, &hi, &bad);
    nqm_history_envelope(h, 0, 0, STEPS - 1, &all);
    VCHECK(all.min == lo && all.max == hi && all.nonfinite == bad && all.count == STEPS,
           "whole run: (%g, %g, %u, %ld) vs raw (%g, %g, %u)", all.min, all.max, all.nonfinite,
           all.count, lo, hi, bad);
    VCHECK(same_double(nqm_history_last(h, 0), raw[STEPS - 1]), "last value");
    nqm_history_free(h);
    free(raw);
}

/* 10^7 steps: buckets never exceed the capacity, memory never changes,
 * and a single spike survives every merge. */
static void test_bounded_memory(void)
{
    enum { CAP = 4096 };
    const long steps = 10000000, spike_at = 7654321;
    nqm_series_kind kinds[2] = {NQM_SERIES_VALUE, NQM_SERIES_LABEL};
    nqm_history *h = nqm_history_new(2, kinds, CAP);
    VCHECK(h != NULL, "allocation");
    if (!h)
        return;
    size_t bytes = nqm_history_bytes(h);
    long max_buckets = 0;
    for (long t = 0; t < steps; t++) {
        double v[2] = {t == spike_at ? 1e9 : sin(1e-5 * (double)t), (double)((t / 1000) % 3)};
        nqm_history_push(h, t, v);
        long n = nqm_history_nbuckets(h);
        if (n > max_buckets)
            max_buckets = n;
    }
    VCHECK(max_buckets == CAP, "at most %ld buckets in use, capacity %d", max_buckets, CAP);
    VCHECK(nqm_history_nbuckets(h) >= CAP / 2, "%ld buckets in use", nqm_history_nbuckets(h));
    VCHECK(nqm_history_bytes(h) == bytes, "bytes %zu then %zu", bytes, nqm_history_bytes(h));
    VCHECK(nqm_history_steps(h) == steps, "steps %ld", nqm_history_steps(h));
    check_buckets_contiguous(h, 0, steps - 1, steps);

    nqm_envelope e;
    nqm_history_envelope(h, 0, spike_at, spike_at, &e);
    VCHECK(e.max == 1e9 && e.t0 <= spike_at && e.t1 >= spike_at, "spike bucket max %g", e.max);
    nqm_history_envelope(h, 0, 0, steps - 1, &e);
    VCHECK(e.max == 1e9 && e.min >= -1 && e.min < -0.999, "whole run (%g, %g)", e.min, e.max);
    nqm_history_envelope(h, 1, 0, steps - 1, &e);
    VCHECK(e.labels == 7u && e.min == 0 && e.max == 2, "labels %#x (%g, %g)", e.labels, e.min,
           e.max);
    nqm_history_free(h);
}

static void test_labels(void)
{
    nqm_series_kind kinds[1] = {NQM_SERIES_LABEL};
    nqm_history *h = nqm_history_new(1, kinds, 8);
    const double labels[] = {1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 40, -1};
    const long n = sizeof labels / sizeof labels[0];
    for (long t = 0; t < n; t++)
        nqm_history_push(h, 100 + t, &labels[t]);
    for (long a = 0; a < n; a++)
        for (long b = a; b < n; b++) {
            nqm_envelope e;
            nqm_history_envelope(h, 0, 100 + a, 100 + b, &e);
            uint32_t want = 0;
            for (long t = e.t0 - 100; t <= e.t1 - 100; t++)
                if (labels[t] >= 0 && labels[t] < 32)
                    want |= 1u << (int)labels[t];
            VCHECK(e.labels == want, "[%ld, %ld]: labels %#x, want %#x", a, b, e.labels, want);
        }
    nqm_history_free(h);
}

static void test_rules(void)
{
    nqm_history *h = nqm_history_new(2, NULL, 3);
    VCHECK(h && nqm_history_capacity(h) == 4, "odd capacity rounds up to even");
    VCHECK(nqm_history_new(0, NULL, 16) == NULL, "no series");
    VCHECK(nqm_history_new(1, NULL, 1) == NULL, "capacity 1");
    double v[2] = {1, 2};
    VCHECK(nqm_history_first_step(h) == -1 && nqm_history_last_step(h) == -1, "empty");
    VCHECK(isnan(nqm_history_last(h, 0)), "empty last");
    nqm_envelope e;
    VCHECK(nqm_history_envelope(h, 0, 0, 100, &e) == 0 && e.count == 0, "empty envelope");
    VCHECK(nqm_history_push(h, -1, v) == -1, "negative step");
    VCHECK(nqm_history_push(h, 5, v) == 0, "first push");
    VCHECK(nqm_history_push(h, 5, v) == -1, "repeated step");
    VCHECK(nqm_history_push(h, 4, v) == -1, "step back");
    VCHECK(nqm_history_steps(h) == 1 && nqm_history_first_step(h) == 5, "one step kept");
    VCHECK(nqm_history_envelope(h, 0, 0, 4, &e) == 0, "range before the first step");
    VCHECK(nqm_history_envelope(h, 0, 6, 9, &e) == 0, "range after the last step");
    VCHECK(nqm_history_envelope(h, 2, 0, 9, &e) == 0, "no such series");
    VCHECK(nqm_history_bucket(h, 1, 0, &e) == -1, "no such bucket");
    nqm_history_clear(h);
    VCHECK(nqm_history_steps(h) == 0 && nqm_history_nbuckets(h) == 0, "clear");
    VCHECK(nqm_history_push(h, 0, v) == 0 && nqm_history_span(h) == 1, "push after clear");
    nqm_history_envelope(h, 1, 0, 0, &e);
    VCHECK(e.min == 2 && e.max == 2 && e.count == 1, "values after clear (%g, %g)", e.min, e.max);
    nqm_history_free(h);
}

int main(void)
{
    test_rules();
    test_labels();
    test_envelopes_exact();
    test_bounded_memory();
    return vcheck_report("test_history");
}
