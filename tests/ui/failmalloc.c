/* failmalloc.c: an LD_PRELOAD library for the allocation-failure tests.
 * Allocations (malloc, calloc, realloc) of at least FAILMALLOC_MIN bytes
 * fail with ENOMEM while the file named by FAILMALLOC_ARM exists (touching
 * or removing the file arms or disarms it in a running program), or, with
 * FAILMALLOC_AFTER=N instead, every one after the first N of them (a
 * failure at each point in turn, for a test that counts them). The first
 * refusal creates the file FAILMALLOC_LOG when that is set. Smaller
 * allocations, and all of them when neither is set, go to glibc. With
 * FAILMALLOC_FROM_MAIN set, only allocations made once the program's main
 * is about to run count (the shared libraries' constructors, which do not
 * check their mallocs, are left alone), through a wrapper of
 * __libc_start_main. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);

static atomic_long seen;   /* allocations of at least FAILMALLOC_MIN so far */
static atomic_int started; /* main is about to run (or FAILMALLOC_FROM_MAIN is unset) */

typedef int (*main_fn)(int, char **, char **);
typedef int (*start_fn)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void),
                        void *);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
                      void (*rtld_fini)(void), void *stack_end);
int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
                      void (*rtld_fini)(void), void *stack_end)
{
    start_fn real;
    void *sym = dlsym(RTLD_NEXT, "__libc_start_main");
    memcpy(&real, &sym, sizeof real); /* an object pointer to a function pointer, as POSIX allows */
    atomic_store(&started, 1);
    return real(main, argc, argv, init, fini, rtld_fini, stack_end);
}

static void note_refusal(void)
{
    static atomic_int noted;
    const char *log = getenv("FAILMALLOC_LOG");
    if (log && !atomic_exchange(&noted, 1)) {
        int fd = open(log, O_WRONLY | O_CREAT, 0644);
        if (fd >= 0)
            close(fd);
    }
}

/* Whether an allocation of size bytes should fail now. */
static int refuse(size_t size)
{
    const char *min = getenv("FAILMALLOC_MIN"), *arm = getenv("FAILMALLOC_ARM");
    const char *after = getenv("FAILMALLOC_AFTER");
    if (!min || (!arm && !after) || size < strtoull(min, NULL, 10))
        return 0;
    if (getenv("FAILMALLOC_FROM_MAIN") && !atomic_load(&started))
        return 0;
    if (after ? atomic_fetch_add(&seen, 1) < strtol(after, NULL, 10) : access(arm, F_OK) != 0)
        return 0;
    note_refusal();
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t size) { return refuse(size) ? NULL : __libc_malloc(size); }

void *calloc(size_t count, size_t size)
{
    size_t bytes = count * size;
    if (size != 0 && bytes / size != count)
        return __libc_calloc(count, size); /* glibc reports the overflow */
    return refuse(bytes) ? NULL : __libc_calloc(count, size);
}

void *realloc(void *ptr, size_t size) { return refuse(size) ? NULL : __libc_realloc(ptr, size); }
