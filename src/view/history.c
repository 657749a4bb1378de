/* history.c: bounded per-step series (see history.h).
 *
 * Buckets live in flat arrays, oldest first, so a step range is found by
 * binary search. All full buckets have the same span; when the last one
 * is full and the arrays are too, pairs merge in place and the span
 * doubles. Per (series, bucket) the arrays keep min / max of the finite
 * values (+inf / -inf while there is none, so folding needs no NaN tests
 * and vectorises), the last value, non-finite flags and, for label
 * series, the set of labels. A running total per series answers
 * whole-history queries at once. */
#include "nqmtop/view/history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LABEL_BITS = 32 };

/* One series over some steps: the totals, and the fold accumulator. */
typedef struct {
    double min, max; /* finite values only; +inf / -inf when none */
    double last;
    unsigned flags;
    uint32_t labels;
} summary;

struct nqm_history {
    int nseries;
    long capacity;          /* even, >= 2 */
    long nbuckets;          /* in use */
    long span;              /* steps per full bucket */
    long steps;             /* pushes */
    nqm_series_kind *kinds; /* (nseries) */
    long *t0, *t1, *count;  /* (capacity) step range and pushes per bucket */
    double *lo, *hi;        /* (nseries, capacity) finite min / max */
    double *last;           /* (nseries, capacity) */
    uint8_t *flags;         /* (nseries, capacity) NQM_HIST_* bits */
    uint32_t *labels;       /* (nseries, capacity) label bit sets */
    summary *total;         /* (nseries) over every step pushed */
};

static unsigned nonfinite_bits(double v)
{
    if (isnan(v))
        return NQM_HIST_NAN;
    if (isinf(v))
        return v > 0 ? NQM_HIST_POSINF : NQM_HIST_NEGINF;
    return 0;
}

static uint32_t label_bit(double v)
{
    if (!(v >= 0 && v < LABEL_BITS))
        return 0;
    return (uint32_t)1 << (int)v;
}

static void empty_summary(summary *s)
{
    s->min = INFINITY;
    s->max = -INFINITY;
    s->last = NAN;
    s->flags = 0;
    s->labels = 0;
}

nqm_history *nqm_history_new(int nseries, const nqm_series_kind *kinds, long capacity)
{
    if (nseries < 1 || capacity < 2 || capacity > (1L << 40))
        return NULL;
    capacity += capacity & 1;
    nqm_history *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    size_t cells = (size_t)nseries * (size_t)capacity, cap = (size_t)capacity;
    h->nseries = nseries;
    h->capacity = capacity;
    h->kinds = calloc((size_t)nseries, sizeof *h->kinds);
    h->t0 = malloc(cap * sizeof *h->t0);
    h->t1 = malloc(cap * sizeof *h->t1);
    h->count = malloc(cap * sizeof *h->count);
    h->lo = malloc(cells * sizeof *h->lo);
    h->hi = malloc(cells * sizeof *h->hi);
    h->last = malloc(cells * sizeof *h->last);
    h->flags = malloc(cells * sizeof *h->flags);
    h->labels = malloc(cells * sizeof *h->labels);
    h->total = malloc((size_t)nseries * sizeof *h->total);
    if (!h->kinds || !h->t0 || !h->t1 || !h->count || !h->lo || !h->hi || !h->last || !h->flags ||
        !h->labels || !h->total) {
        nqm_history_free(h);
        return NULL;
    }
    for (int s = 0; s < nseries; s++)
        h->kinds[s] = kinds ? kinds[s] : NQM_SERIES_VALUE;
    nqm_history_clear(h);
    return h;
}

void nqm_history_free(nqm_history *h)
{
    if (!h)
        return;
    free(h->kinds);
    free(h->t0);
    free(h->t1);
    free(h->count);
    free(h->lo);
    free(h->hi);
    free(h->last);
    free(h->flags);
    free(h->labels);
    free(h->total);
    free(h);
}

void nqm_history_clear(nqm_history *h)
{
    h->nbuckets = 0;
    h->span = 1;
    h->steps = 0;
    for (int s = 0; s < h->nseries; s++)
        empty_summary(&h->total[s]);
}

static size_t cell_index(const nqm_history *h, int series, long bucket)
{
    return (size_t)series * (size_t)h->capacity + (size_t)bucket;
}

/* Cell dst becomes the union of cells a and b (b follows a in time). */
static void merge_cells(nqm_history *h, size_t dst, size_t a, size_t b)
{
    h->lo[dst] = h->lo[b] < h->lo[a] ? h->lo[b] : h->lo[a];
    h->hi[dst] = h->hi[b] > h->hi[a] ? h->hi[b] : h->hi[a];
    h->last[dst] = h->last[b];
    h->flags[dst] = (uint8_t)(h->flags[a] | h->flags[b]);
    h->labels[dst] = h->labels[a] | h->labels[b];
}

/* Merge buckets (2k, 2k+1) into k for every k: the span doubles. */
static void merge_pairs(nqm_history *h)
{
    long half = h->nbuckets / 2;
    for (long k = 0; k < half; k++) {
        long a = 2 * k, b = 2 * k + 1;
        h->t0[k] = h->t0[a];
        h->t1[k] = h->t1[b];
        h->count[k] = h->count[a] + h->count[b];
        for (int s = 0; s < h->nseries; s++)
            merge_cells(h, cell_index(h, s, k), cell_index(h, s, a), cell_index(h, s, b));
    }
    h->nbuckets = half;
    h->span *= 2;
}

static void open_bucket(nqm_history *h, long step)
{
    long b = h->nbuckets++;
    h->t0[b] = step;
    h->t1[b] = step;
    h->count[b] = 0;
    for (int s = 0; s < h->nseries; s++) {
        size_t i = cell_index(h, s, b);
        h->lo[i] = INFINITY;
        h->hi[i] = -INFINITY;
        h->last[i] = NAN;
        h->flags[i] = 0;
        h->labels[i] = 0;
    }
}

static void add_value(nqm_history *h, int series, long b, double v)
{
    size_t i = cell_index(h, series, b);
    summary *tot = &h->total[series];
    unsigned bad = nonfinite_bits(v);
    if (bad) {
        h->flags[i] |= (uint8_t)bad;
        tot->flags |= bad;
    } else {
        h->lo[i] = v < h->lo[i] ? v : h->lo[i];
        h->hi[i] = v > h->hi[i] ? v : h->hi[i];
        tot->min = v < tot->min ? v : tot->min;
        tot->max = v > tot->max ? v : tot->max;
    }
    h->last[i] = v;
    tot->last = v;
    if (h->kinds[series] == NQM_SERIES_LABEL) {
        h->labels[i] |= label_bit(v);
        tot->labels |= label_bit(v);
    }
}

int nqm_history_push(nqm_history *h, long step, const double *values)
{
    if (step < 0 || (h->nbuckets > 0 && step <= h->t1[h->nbuckets - 1]))
        return -1;
    if (h->nbuckets == 0 || h->count[h->nbuckets - 1] >= h->span) {
        if (h->nbuckets == h->capacity)
            merge_pairs(h);
        if (h->nbuckets == 0 || h->count[h->nbuckets - 1] >= h->span)
            open_bucket(h, step);
    }
    long b = h->nbuckets - 1;
    h->t1[b] = step;
    h->count[b]++;
    for (int s = 0; s < h->nseries; s++)
        add_value(h, s, b, values[s]);
    h->steps++;
    return 0;
}

int nqm_history_nseries(const nqm_history *h) { return h->nseries; }
long nqm_history_capacity(const nqm_history *h) { return h->capacity; }
long nqm_history_nbuckets(const nqm_history *h) { return h->nbuckets; }
long nqm_history_span(const nqm_history *h) { return h->span; }
long nqm_history_steps(const nqm_history *h) { return h->steps; }

nqm_series_kind nqm_history_kind(const nqm_history *h, int series)
{
    if (series < 0 || series >= h->nseries)
        return NQM_SERIES_VALUE;
    return h->kinds[series];
}

long nqm_history_first_step(const nqm_history *h) { return h->nbuckets ? h->t0[0] : -1; }

long nqm_history_last_step(const nqm_history *h)
{
    return h->nbuckets ? h->t1[h->nbuckets - 1] : -1;
}

double nqm_history_last(const nqm_history *h, int series)
{
    if (!h->nbuckets || series < 0 || series >= h->nseries)
        return NAN;
    return h->total[series].last;
}

size_t nqm_history_bytes(const nqm_history *h)
{
    size_t cells = (size_t)h->nseries * (size_t)h->capacity;
    size_t per_cell = 3 * sizeof(double) + sizeof(uint8_t) + sizeof(uint32_t);
    return sizeof *h + (size_t)h->nseries * (sizeof *h->kinds + sizeof *h->total) +
           3 * (size_t)h->capacity * sizeof(long) + cells * per_cell;
}

/* A summary as an envelope: the empty-range sentinels become NaN. */
static void summary_to_envelope(const summary *s, nqm_envelope *out)
{
    int none = s->min > s->max;
    out->min = none ? NAN : s->min;
    out->max = none ? NAN : s->max;
    out->last = s->last;
    out->nonfinite = s->flags;
    out->labels = s->labels;
}

/* Buckets [b0, b1) of a series (b1 > b0) folded into one summary. */
static void fold_buckets(const nqm_history *h, int series, long b0, long b1, summary *out)
{
    size_t base = cell_index(h, series, 0);
    const double *lo = h->lo + base, *hi = h->hi + base;
    const uint8_t *flags = h->flags + base;
    double mn = INFINITY, mx = -INFINITY;
    unsigned bad = 0;
    uint32_t labels = 0;
    for (long b = b0; b < b1; b++) {
        mn = lo[b] < mn ? lo[b] : mn;
        mx = hi[b] > mx ? hi[b] : mx;
    }
    for (long b = b0; b < b1; b++)
        bad |= flags[b];
    if (h->kinds[series] == NQM_SERIES_LABEL)
        for (long b = b0; b < b1; b++)
            labels |= h->labels[base + (size_t)b];
    out->min = mn;
    out->max = mx;
    out->last = h->last[base + (size_t)(b1 - 1)];
    out->flags = bad;
    out->labels = labels;
}

int nqm_history_bucket(const nqm_history *h, long i, int series, nqm_envelope *out)
{
    if (i < 0 || i >= h->nbuckets || series < 0 || series >= h->nseries)
        return -1;
    summary s;
    fold_buckets(h, series, i, i + 1, &s);
    summary_to_envelope(&s, out);
    out->t0 = h->t0[i];
    out->t1 = h->t1[i];
    out->count = h->count[i];
    return 0;
}

/* First bucket i with edge[i] > step (nbuckets when none); edge is t0
 * or t1, both increasing. */
static long first_bucket_above(const nqm_history *h, const long *edge, long step)
{
    long lo = 0, hi = h->nbuckets;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (edge[mid] <= step)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Steps pushed into buckets [b0, b1). */
static long count_steps(const nqm_history *h, long b0, long b1)
{
    long n = 0;
    for (long b = b0; b < b1; b++)
        n += h->count[b];
    return n;
}

long nqm_history_envelope(const nqm_history *h, int series, long t0, long t1, nqm_envelope *out)
{
    memset(out, 0, sizeof *out);
    out->t0 = out->t1 = -1;
    out->min = out->max = out->last = NAN;
    if (series < 0 || series >= h->nseries || t1 < t0 || t1 < 0)
        return 0;
    if (t0 < 0)
        t0 = 0;
    long b0 = first_bucket_above(h, h->t1, t0 - 1), b1 = first_bucket_above(h, h->t0, t1);
    if (b1 <= b0)
        return 0;
    if (b0 == 0 && b1 == h->nbuckets) {
        summary_to_envelope(&h->total[series], out);
        out->count = h->steps;
    } else {
        summary s;
        fold_buckets(h, series, b0, b1, &s);
        summary_to_envelope(&s, out);
        out->count = count_steps(h, b0, b1);
    }
    out->t0 = h->t0[b0];
    out->t1 = h->t1[b1 - 1];
    return b1 - b0;
}
