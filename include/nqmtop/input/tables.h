/* tables.h: the tables of a configuration's data files (data = csv, idx,
 * npy, cifar): a training table and an optional test table, read once
 * and shared, read-only, by everything that holds a reference
 * (configurations and their copies, and so every run of a sweep); the
 * last release frees them. Reference counts are atomic: copies may be
 * made and freed on several threads.
 *
 * The tables hold the examples of the classes the configuration picks,
 * labelled +1 and -1 (classes = a,b), or every example with its label as
 * stored; pixels of unsigned-byte images (IDX, CIFAR-10) are scaled to
 * [0, 1], every other value is as stored. */
#ifndef NQMTOP_TABLES_H
#define NQMTOP_TABLES_H

#include <stddef.h>

#include "nqmtop/input/config.h"
#include "nqmtop/input/csv.h"

/* The tables of cfg's files (its data kind, train_file, test_file, the
 * label files or column, header and classes), with one reference. NULL
 * with err set ("FILE: what", or "KEY: what" for a key's fault). */
nqm_tables *nqm_tables_read(const nqm_config *cfg, char *err, size_t errlen);
/* Whether t (may be NULL) was read from cfg's files with cfg's settings. */
int nqm_tables_fit(const nqm_tables *t, const nqm_config *cfg);
const nqm_table *nqm_tables_train(const nqm_tables *t);
const nqm_table *nqm_tables_test(const nqm_tables *t); /* rows 0 without a test file */
/* One reference more, or one fewer; NULL is ignored. */
void nqm_tables_retain(nqm_tables *t);
void nqm_tables_release(nqm_tables *t);

#endif
