/* clock.h: the wall clock nqmtop measures durations with (a monotonic
 * clock, in seconds). The front ends read it; the numerical core never
 * does: a sweep is handed a clock (sweep.h) to time its runs. */
#ifndef NQMTOP_CLOCK_H
#define NQMTOP_CLOCK_H

/* Seconds since an arbitrary start, never going backwards. */
double nqm_clock_seconds(void);

#endif
