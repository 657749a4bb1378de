/* failmalloc.c: an LD_PRELOAD library for the allocation-failure test.
 * While the file named by FAILMALLOC_ARM exists, every malloc, calloc or
 * realloc of at least FAILMALLOC_MIN bytes fails with ENOMEM; smaller
 * ones, and all of them while the file is absent, go to glibc. Touching
 * or removing the file arms or disarms it in a running program. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);

/* Whether an allocation of size bytes should fail now. */
static int refuse(size_t size)
{
    const char *min = getenv("FAILMALLOC_MIN"), *arm = getenv("FAILMALLOC_ARM");
    if (!min || !arm || size < strtoull(min, NULL, 10) || access(arm, F_OK) != 0)
        return 0;
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
