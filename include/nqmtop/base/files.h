/* files.h: writing a whole file so that no reader ever sees half of it:
 * the content goes to a temporary file beside the target (named
 * .nqmtop-tmp-PID-XXXXXX), is synced, and only then gets its name. Two ways
 * to name it:
 *
 *     nqm_file_write      the path given; an existing regular file is
 *                         replaced only when force says so, anything else
 *                         never
 *     nqm_file_write_new  the first of a series of names that is free; no
 *                         existing file is ever touched
 *
 * The temporary name says which process writes it: a signal handler that
 * ends the process removes it (nqm_file_abandon), and one left by a process
 * killed outright (SIGKILL) is removed by the next write into that folder
 * once that process is gone.
 *
 * Errors are one line in err, "WHAT: ..." with the caller's WHAT. */
#ifndef NQMTOP_FILES_H
#define NQMTOP_FILES_H

#include <stddef.h>
#include <stdio.h>

#define NQM_TEMP_PREFIX ".nqmtop-tmp-"

/* Remove the temporary file being written now, if any. Async-signal-safe:
 * for the handler of a signal that ends the process. */
void nqm_file_abandon(void);

/* Writes the content to f; 0, or -1 when it knows it failed (a failed
 * stream is noticed anyway). */
typedef int (*nqm_content_fn)(FILE *f, const void *ctx);

/* The folder part of path ("." when it has none, "/" for the root). */
void nqm_dir_of(const char *path, char *dir, size_t dirlen);

/* Whether path may be written: 0 when nothing is there, or a regular file
 * and force says to replace it; -1 with err set when a file is there
 * without force, or anything but a regular file (a directory, a symbolic
 * link, a device, a FIFO, a socket), force or not. */
int nqm_file_target_check(const char *path, int force, const char *what, char *err, size_t errlen);

/* path opened for writing from its start, a file to stream into (a
 * recording): created, or with force a regular file truncated; never a
 * symbolic link's target or a device. NULL with err set. */
FILE *nqm_file_open(const char *path, int force, const char *what, char *err, size_t errlen);

/* path from content(f, ctx); force replaces a regular file only
 * (nqm_file_target_check). 0, or -1 with err set (no file left behind). */
int nqm_file_write(const char *path, int force, const char *what, nqm_content_fn content,
                   const void *ctx, char *err, size_t errlen);

/* Name k (1, 2, ...) of the series, the file name only: 0, or -1 when it
 * does not fit. */
typedef int (*nqm_name_fn)(int k, char *name, size_t len, const void *ctx);

/* A new file in dir under the first free name of the series (at most
 * attempts names), from content(f, ctx); its path into path. 0, or -1 with
 * err set (no file left behind). */
int nqm_file_write_new(const char *dir, int attempts, nqm_name_fn name, const void *name_ctx,
                       const char *what, nqm_content_fn content, const void *ctx, char *path,
                       size_t pathlen, char *err, size_t errlen);

#endif
