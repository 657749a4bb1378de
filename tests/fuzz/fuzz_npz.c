/* fuzz_npz.c: fuzz target for the .npz reader. Any input either gives the
 * bytes of a member whose CRC-32 matched (then read as NPY, which parses
 * or refuses as fuzz_npy says), or one non-empty line of error naming the
 * file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/arrays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A refusal: one line that starts with the name. */
static void check_refusal(const char *err, const char *name)
{
    if (strncmp(err, name, strlen(name)) != 0 || err[strlen(name)] != ':' || strchr(err, '\n'))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"x", "y", "arr_0", NULL};
    char err[512] = "";
    unsigned char *member;
    size_t len;
    if (nqm_npz_member("fuzz.npz", data, size, names, &member, &len, err, sizeof err) != 0) {
        check_refusal(err, "fuzz.npz");
        return 0;
    }
    nqm_array a;
    if (nqm_npy_parse("fuzz.npz", member, len, &a, err, sizeof err) != 0) {
        check_refusal(err, "fuzz.npz");
    } else {
        volatile double sink = 0;
        for (long i = 0; i < a.rows; i++)
            for (long j = 0; j < a.cols; j++)
                sink += nqm_array_at(&a, i, j);
        (void)sink;
    }
    free(member);
    return 0;
}
