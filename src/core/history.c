/* history.c: bounded per-step series (see history.h).
 *
 * Buckets live in one flat array, oldest first, so a step range is found
 * by binary search. All full buckets have the same span; when the last
 * one is full and the array is too, pairs merge in place and the span
 * doubles. Per (series, bucket) a cell keeps min/max of the finite values,
 * the last value and non-finite flags; label series add a bit set. */
#include "nqmtop/history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LABEL_BITS = 32 };

typedef struct {
    double min, max;    /* finite values only; NaN when none */
    double last;
} hist_cell;

struct nqm_history {
    int nseries;
    long capacity;          /* even, >= 2 */
    long nbuckets;          /* in use */
    long span;              /* steps per full bucket */
    long steps;             /* pushes */
    nqm_series_kind *kinds; /* (nseries) */
    long *t0, *t1, *count;  /* (capacity) step range and pushes per bucket */
    hist_cell *cells;       /* (nseries, capacity) */
    uint8_t *flags;         /* (nseries, capacity) NQM_HIST_* bits */
    uint32_t *labels;       /* (nseries, capacity) label bit sets */
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

nqm_history *nqm_history_new(int nseries, const nqm_series_kind *kinds, long capacity)
{
    if (nseries < 1 || capacity < 2 || capacity > (1L << 40))
        return NULL;
    capacity += capacity & 1;
    nqm_history *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    size_t cells = (size_t)nseries * (size_t)capacity;
    h->nseries = nseries;
    h->capacity = capacity;
    h->kinds = calloc((size_t)nseries, sizeof *h->kinds);
    h->t0 = malloc((size_t)capacity * sizeof *h->t0);
    h->t1 = malloc((size_t)capacity * sizeof *h->t1);
    h->count = malloc((size_t)capacity * sizeof *h->count);
    h->cells = malloc(cells * sizeof *h->cells);
    h->flags = malloc(cells * sizeof *h->flags);
    h->labels = malloc(cells * sizeof *h->labels);
    if (!h->kinds || !h->t0 || !h->t1 || !h->count || !h->cells || !h->flags || !h->labels) {
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
    free(h->cells);
    free(h->flags);
    free(h->labels);
    free(h);
}

void nqm_history_clear(nqm_history *h)
{
    h->nbuckets = 0;
    h->span = 1;
    h->steps = 0;
}

static size_t cell_index(const nqm_history *h, int series, long bucket)
{
    return (size_t)series * (size_t)h->capacity + (size_t)bucket;
}

/* Fold src's cell into dst's (src follows dst in time). */
static void merge_cell(nqm_history *h, size_t dst, size_t src)
{
    hist_cell *d = &h->cells[dst];
    const hist_cell *s = &h->cells[src];
    if (isnan(d->min) || s->min < d->min)
        d->min = s->min;
    if (isnan(d->max) || s->max > d->max)
        d->max = s->max;
    d->last = s->last;
    h->flags[dst] |= h->flags[src];
    h->labels[dst] |= h->labels[src];
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
        for (int s = 0; s < h->nseries; s++) {
            size_t ia = cell_index(h, s, a), ib = cell_index(h, s, b), ik = cell_index(h, s, k);
            h->cells[ik] = h->cells[ia];
            h->flags[ik] = h->flags[ia];
            h->labels[ik] = h->labels[ia];
            merge_cell(h, ik, ib);
        }
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
        h->cells[i].min = NAN;
        h->cells[i].max = NAN;
        h->cells[i].last = NAN;
        h->flags[i] = 0;
        h->labels[i] = 0;
    }
}

static void add_value(nqm_history *h, int series, long b, double v)
{
    size_t i = cell_index(h, series, b);
    hist_cell *c = &h->cells[i];
    unsigned bad = nonfinite_bits(v);
    if (bad) {
        h->flags[i] |= (uint8_t)bad;
    } else {
        if (isnan(c->min) || v < c->min)
            c->min = v;
        if (isnan(c->max) || v > c->max)
            c->max = v;
    }
    c->last = v;
    if (h->kinds[series] == NQM_SERIES_LABEL)
        h->labels[i] |= label_bit(v);
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

long nqm_history_first_step(const nqm_history *h)
{
    return h->nbuckets ? h->t0[0] : -1;
}

long nqm_history_last_step(const nqm_history *h)
{
    return h->nbuckets ? h->t1[h->nbuckets - 1] : -1;
}

double nqm_history_last(const nqm_history *h, int series)
{
    if (!h->nbuckets || series < 0 || series >= h->nseries)
        return NAN;
    return h->cells[cell_index(h, series, h->nbuckets - 1)].last;
}

size_t nqm_history_bytes(const nqm_history *h)
{
    size_t cells = (size_t)h->nseries * (size_t)h->capacity;
    return sizeof *h + (size_t)h->nseries * sizeof *h->kinds
         + 3 * (size_t)h->capacity * sizeof(long)
         + cells * (sizeof(hist_cell) + sizeof(uint8_t) + sizeof(uint32_t));
}

static void envelope_of_bucket(const nqm_history *h, long b, int series, nqm_envelope *out)
{
    size_t i = cell_index(h, series, b);
    out->t0 = h->t0[b];
    out->t1 = h->t1[b];
    out->count = h->count[b];
    out->min = h->cells[i].min;
    out->max = h->cells[i].max;
    out->last = h->cells[i].last;
    out->nonfinite = h->flags[i];
    out->labels = h->labels[i];
}

int nqm_history_bucket(const nqm_history *h, long i, int series, nqm_envelope *out)
{
    if (i < 0 || i >= h->nbuckets || series < 0 || series >= h->nseries)
        return -1;
    envelope_of_bucket(h, i, series, out);
    return 0;
}

/* First bucket whose last step is >= step (nbuckets when none). */
static long first_bucket_reaching(const nqm_history *h, long step)
{
    long lo = 0, hi = h->nbuckets;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (h->t1[mid] < step)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

long nqm_history_envelope(const nqm_history *h, int series, long t0, long t1,
                          nqm_envelope *out)
{
    memset(out, 0, sizeof *out);
    out->t0 = out->t1 = -1;
    out->min = out->max = out->last = NAN;
    if (series < 0 || series >= h->nseries || t1 < t0)
        return 0;
    long b = first_bucket_reaching(h, t0);
    long n = 0;
    for (; b < h->nbuckets && h->t0[b] <= t1; b++, n++) {
        nqm_envelope e;
        envelope_of_bucket(h, b, series, &e);
        if (n == 0) {
            *out = e;
            continue;
        }
        if (isnan(out->min) || e.min < out->min)
            out->min = e.min;
        if (isnan(out->max) || e.max > out->max)
            out->max = e.max;
        out->t1 = e.t1;
        out->count += e.count;
        out->last = e.last;
        out->nonfinite |= e.nonfinite;
        out->labels |= e.labels;
    }
    return n;
}
