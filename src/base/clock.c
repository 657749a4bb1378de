/* clock.c: the monotonic clock of the front ends (see clock.h). */
#include "nqmtop/base/clock.h"

#include <time.h>

double nqm_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
