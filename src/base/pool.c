/* pool.c: persistent worker threads (pthreads) that share numbered tasks.
 * One mutex guards the task counter and the hand-over; a task is large
 * (thousands of neurons), so the lock is never contended for long. */
#include "nqmtop/base/pool.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct {
    nqm_pool *pool;
    int id;
} worker_arg;

struct nqm_pool {
    int threads;
    pthread_mutex_t lock;
    pthread_cond_t wake;     /* a new batch of tasks, or shutdown */
    pthread_cond_t finished; /* the last task of the batch is done */
    unsigned long batch;     /* counts batches handed out */
    int quit;
    nqm_pool_fn fn;
    void *ctx;
    int tasks, next, pending; /* in the current batch */
    pthread_t tid[NQM_POOL_MAX_THREADS];
    worker_arg args[NQM_POOL_MAX_THREADS];
};

/* Take and run tasks of the current batch until none is left. Called with
 * the lock held; returns with it held. */
static void drain(nqm_pool *p, int worker)
{
    while (p->next < p->tasks) {
        int task = p->next++;
        pthread_mutex_unlock(&p->lock);
        p->fn(p->ctx, task, worker);
        pthread_mutex_lock(&p->lock);
        if (--p->pending == 0)
            pthread_cond_broadcast(&p->finished);
    }
}

static void *worker_main(void *arg)
{
    const worker_arg *a = arg;
    nqm_pool *p = a->pool;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->quit && p->batch == seen)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->quit)
            break;
        seen = p->batch;
        drain(p, a->id);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

nqm_pool *nqm_pool_new(int threads)
{
    if (threads < 1)
        return NULL;
    nqm_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->threads = 1;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    if (threads > NQM_POOL_MAX_THREADS)
        threads = NQM_POOL_MAX_THREADS;
    for (int t = 1; t < threads; t++) {
        p->args[t].pool = p;
        p->args[t].id = t;
        if (pthread_create(&p->tid[t], NULL, worker_main, &p->args[t]) != 0)
            break; /* fewer workers still compute the same results */
        p->threads = t + 1;
    }
    return p;
}

void nqm_pool_free(nqm_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->quit = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int t = 1; t < p->threads; t++)
        pthread_join(p->tid[t], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

int nqm_pool_threads(const nqm_pool *p) { return p->threads; }

void nqm_pool_run(nqm_pool *p, nqm_pool_fn fn, void *ctx, int tasks)
{
    if (p->threads == 1 || tasks <= 1) {
        for (int t = 0; t < tasks; t++)
            fn(ctx, t, 0);
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->ctx = ctx;
    p->tasks = tasks;
    p->next = 0;
    p->pending = tasks;
    p->batch++;
    pthread_cond_broadcast(&p->wake);
    drain(p, 0);
    while (p->pending > 0)
        pthread_cond_wait(&p->finished, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
