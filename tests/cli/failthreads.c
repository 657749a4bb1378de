/* failthreads.c: an LD_PRELOAD library for the no-threads test: every
 * pthread_create fails with EAGAIN, as when a process may start no more
 * threads, so that what nqmtop does without threads runs. */
#include <errno.h>
#include <pthread.h>

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    (void)thread;
    (void)attr;
    (void)start;
    (void)arg;
    return EAGAIN;
}
