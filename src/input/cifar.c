/* cifar.c: the CIFAR-10 binary batch reader: records of one label byte
 * (0 to 9) and 3072 pixel bytes, nothing else. */
#include "nqmtop/input/arrays.h"

#include <stdio.h>

#include "nqmtop/input/csv.h"

int nqm_cifar_parse(const char *name, const unsigned char *bytes, size_t len, nqm_array *pixels,
                    nqm_array *labels, char *err, size_t errlen)
{
    if (len == 0 || len % NQM_CIFAR_RECORD != 0) {
        snprintf(err, errlen,
                 "%s: %zu bytes are not whole CIFAR-10 records of %d bytes (record %zu is cut "
                 "short)",
                 name, len, NQM_CIFAR_RECORD, len / NQM_CIFAR_RECORD + 1);
        return -1;
    }
    size_t rows = len / NQM_CIFAR_RECORD;
    if (rows > NQM_CSV_MAX_ROWS) {
        snprintf(err, errlen, "%s: %zu records, at most %d", name, rows, NQM_CSV_MAX_ROWS);
        return -1;
    }
    for (size_t i = 0; i < rows; i++)
        if (bytes[i * NQM_CIFAR_RECORD] > 9) {
            snprintf(err, errlen, "%s: record %zu (byte %zu): label %d is not a class 0 to 9", name,
                     i + 1, i * NQM_CIFAR_RECORD, bytes[i * NQM_CIFAR_RECORD]);
            return -1;
        }
    nqm_array a = {.rows = (long)rows, .type = NQM_EL_U8, .row_step = NQM_CIFAR_RECORD};
    *labels = a;
    labels->cols = 1;
    labels->data = bytes;
    *pixels = a;
    pixels->cols = NQM_CIFAR_PIXELS;
    pixels->data = bytes + 1;
    return 0;
}
