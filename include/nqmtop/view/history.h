/* history.h: a run's per-step series in bounded memory.
 *
 * A history holds a fixed number of buckets (its capacity). Each bucket
 * covers a step range [t0, t1] and keeps, for every series, the minimum
 * and maximum of the finite values pushed into it, the last value, and
 * flags for the non-finite values it saw (never folded into min/max).
 * While the run is short a bucket is one step; when all buckets are full,
 * adjacent pairs merge and the span of a bucket doubles. So a one-step
 * spike survives every merge, and memory stays the same for 10^3 or
 * 10^7 steps. Series are doubles addressed by index; a label series
 * (small non-negative integers, e.g. nqm_phase) also keeps the set of
 * labels seen in each bucket. Pure data: no I/O. */
#ifndef NQMTOP_HISTORY_H
#define NQMTOP_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define NQM_HISTORY_DEFAULT_CAPACITY 65536L

typedef enum {
    NQM_SERIES_VALUE, /* a real quantity: loss, g, lambda, eta */
    NQM_SERIES_LABEL  /* a label in 0..31: each bucket keeps the set seen */
} nqm_series_kind;

/* Non-finite values seen in a bucket or range. */
enum { NQM_HIST_NAN = 1u, NQM_HIST_POSINF = 2u, NQM_HIST_NEGINF = 4u };

/* One series over one bucket or over a range of buckets. */
typedef struct {
    long t0, t1;        /* first and last step covered (whole buckets) */
    long count;         /* steps pushed into [t0, t1] */
    double min, max;    /* over the finite values; NaN when none was finite */
    double last;        /* the value of the last step covered (any value) */
    unsigned nonfinite; /* NQM_HIST_* bits */
    uint32_t labels;    /* label series: bit k set when label k occurred */
} nqm_envelope;

typedef struct nqm_history nqm_history;

/* nseries series of the given kinds (kinds NULL: all NQM_SERIES_VALUE),
 * capacity buckets (at least 2; rounded up to even). NULL when out of
 * memory or the arguments are out of range. */
nqm_history *nqm_history_new(int nseries, const nqm_series_kind *kinds, long capacity);
void nqm_history_free(nqm_history *h);
/* Forget every step; capacity and series stay. */
void nqm_history_clear(nqm_history *h);

/* Append step `step` (>= 0, greater than the last one pushed) with one
 * value per series: values is (nseries). Returns 0, or -1 when the step
 * is out of order (nothing is stored then). */
int nqm_history_push(nqm_history *h, long step, const double *values);

int nqm_history_nseries(const nqm_history *h);
nqm_series_kind nqm_history_kind(const nqm_history *h, int series);
long nqm_history_capacity(const nqm_history *h);
long nqm_history_nbuckets(const nqm_history *h);   /* buckets in use */
long nqm_history_span(const nqm_history *h);       /* steps per full bucket */
long nqm_history_steps(const nqm_history *h);      /* steps pushed */
long nqm_history_first_step(const nqm_history *h); /* -1 when empty */
long nqm_history_last_step(const nqm_history *h);  /* -1 when empty */
/* The value of the last step pushed (NaN when empty). */
double nqm_history_last(const nqm_history *h, int series);
/* Bytes the history holds; fixed at creation. */
size_t nqm_history_bytes(const nqm_history *h);

/* Bucket i (0 oldest .. nbuckets-1 newest) of a series, for export.
 * Returns 0, or -1 when i or series is out of range. */
int nqm_history_bucket(const nqm_history *h, long i, int series, nqm_envelope *out);

/* The envelope of a series over every bucket that meets steps [t0, t1]
 * (out->t0, out->t1 say which steps those buckets cover). Returns the
 * number of buckets merged: 0 when no bucket meets the range. */
long nqm_history_envelope(const nqm_history *h, int series, long t0, long t1, nqm_envelope *out);

#endif
