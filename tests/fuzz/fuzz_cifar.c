/* fuzz_cifar.c: fuzz target for the CIFAR-10 batch reader. Any input
 * either parses into records with labels 0 to 9 and readable pixels, or
 * gives one non-empty line of error naming the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/arrays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    nqm_array X, y;
    if (nqm_cifar_parse("fuzz.bin", data, size, &X, &y, err, sizeof err) != 0) {
        if (strncmp(err, "fuzz.bin: ", 10) != 0 || strchr(err, '\n'))
            abort();
        return 0;
    }
    if (X.rows != y.rows || X.cols != NQM_CIFAR_PIXELS || (size_t)X.rows * 3073 != size)
        abort();
    for (long i = 0; i < X.rows; i++) {
        double label = nqm_array_at(&y, i, 0);
        if (label < 0 || label > 9 || nqm_array_at(&X, i, X.cols - 1) > 255)
            abort();
    }
    return 0;
}
