/* fuzz_idx.c: fuzz target for the IDX reader and the gzip inflater. Any
 * input (inflated first when it is gzip) either parses into an array
 * whose every element can be read, or gives one non-empty line of error
 * naming the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/arrays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const char *err)
{
    if (strncmp(err, "fuzz.idx: ", 10) != 0 || strchr(err, '\n'))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    unsigned char *inflated = NULL;
    size_t len = size;
    if (nqm_is_gzip(data, size)) {
        if (nqm_gunzip("fuzz.idx", data, size, 1 << 24, &inflated, &len, err, sizeof err) != 0) {
            check_error(err);
            return 0;
        }
        data = inflated;
    }
    nqm_array a;
    if (nqm_idx_parse("fuzz.idx", data, len, &a, err, sizeof err) != 0) {
        check_error(err);
    } else {
        if (a.rows < 1 || a.cols < 1)
            abort();
        volatile double sink = 0; /* every element read; NaN floats are allowed here */
        for (long i = 0; i < a.rows; i++)
            for (long j = 0; j < a.cols; j++)
                sink += nqm_array_at(&a, i, j);
        (void)sink;
    }
    free(inflated);
    return 0;
}
