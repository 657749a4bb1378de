/* fuzz_npy.c: fuzz target for the NPY reader. Any input either parses
 * into an array whose every element can be read (the last one ends at the
 * end of the input), or gives one non-empty line of error naming the
 * file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/arrays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    nqm_array a;
    if (nqm_npy_parse("fuzz.npy", data, size, &a, err, sizeof err) != 0) {
        if (strncmp(err, "fuzz.npy: ", 10) != 0 || strchr(err, '\n'))
            abort();
        return 0;
    }
    if (a.rows < 1 || a.cols < 1)
        abort();
    size_t body = (size_t)a.rows * (size_t)a.cols * nqm_elem_size(a.type);
    if (a.data + body != data + size)
        abort();
    volatile double sink = 0;
    for (long i = 0; i < a.rows; i++)
        for (long j = 0; j < a.cols; j++)
            sink += nqm_array_at(&a, i, j);
    (void)sink;
    return 0;
}
