/* fuzz_csv.c: fuzz target for the CSV loader. Any input either loads into
 * a table of finite numbers or gives one non-empty line of error. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const labels[] = {"", "1", "label", "3"};
    nqm_table t;
    char err[512];
    const char *label = labels[size % 4];
    if (nqm_csv_parse("fuzz.csv", (const char *)data, size, label, CSV_HEADER_AUTO, 0, &t, err,
                      sizeof err) != 0) {
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    if (t.rows < 1 || t.cols < 1)
        abort();
    for (long i = 0; i < (long)t.rows * t.cols; i++)
        if (!isfinite(t.X[i]))
            abort();
    for (int i = 0; i < t.rows; i++)
        if (!isfinite(t.y[i]))
            abort();
    nqm_table_free(&t);
    return 0;
}
