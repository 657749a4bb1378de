/* sweepread.h: reading a sweep's per-seed records back (private to out/):
 * the records of shards for --merge, of a stopped sweep for --resume. */
#ifndef NQMTOP_SWEEPREAD_H
#define NQMTOP_SWEEPREAD_H

#include <stdio.h>

#include "nqmtop/train/sweep.h"

/* Read the records of the files paths (tsv, csv or jsonl, each told by
 * its first line) into sw as preloaded runs. Every record must carry the
 * sweep identifier id; a record of another sweep, a run met twice, a
 * record of means over several repeats or a malformed line is refused.
 * A last line cut off without its newline is left out with a note on
 * errs. With need_all every run of the grid must be there (a gap is
 * refused); without it a note on errs says how many are left to run.
 * 0, or -1 with err (one line, FILE:LINE: what). */
int nqm_sweep_read_runs(nqm_sweep *sw, const char *id, const char *const *paths, int npaths,
                        int need_all, FILE *errs, char *err, size_t errlen);

#endif
