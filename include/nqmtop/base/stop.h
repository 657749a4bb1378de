/* stop.h: the flag a front end raises to stop long computations (a quit
 * key, a signal). Work that takes seconds looks at it between blocks of
 * what it does — neuron blocks, kernel assembly, eigen-solves, Krylov
 * products — and gives up with NQM_STOPPED; what it was computing is then
 * lost (a model stopped in the middle of a step is only fit to be freed).
 * A NULL flag is never raised. */
#ifndef NQMTOP_STOP_H
#define NQMTOP_STOP_H

#include <stdatomic.h>

/* What a computation that gave up at the flag returns. */
enum { NQM_STOPPED = 2 };

static inline int nqm_stopping(const atomic_int *flag)
{
    return flag && atomic_load_explicit(flag, memory_order_relaxed) != 0;
}

#endif
