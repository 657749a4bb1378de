/* pool.h: a small persistent pool of worker threads for the core's
 * passes over neurons. The caller splits its work into numbered tasks
 * whose results it keeps apart (one accumulator per task) and combines in
 * task order, so results never depend on how many threads ran them. The
 * workers never call BLAS, so OpenBLAS's own threads are never
 * oversubscribed by them. */
#ifndef NQMTOP_POOL_H
#define NQMTOP_POOL_H

enum { NQM_POOL_MAX_THREADS = 8 };

typedef struct nqm_pool nqm_pool;

/* fn(ctx, task, worker): do task `task`; worker in [0, threads) says whose
 * scratch memory to use (no two concurrent calls share a worker id). */
typedef void (*nqm_pool_fn)(void *ctx, int task, int worker);

/* A pool of `threads` threads in all (at most NQM_POOL_MAX_THREADS), the
 * caller included (threads - 1 workers are started). NULL when out of memory or threads < 1. */
nqm_pool *nqm_pool_new(int threads);
void nqm_pool_free(nqm_pool *p);
int nqm_pool_threads(const nqm_pool *p);
/* Run tasks 0..tasks-1 and return when all are done. */
void nqm_pool_run(nqm_pool *p, nqm_pool_fn fn, void *ctx, int tasks);

#endif
