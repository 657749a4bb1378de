/* fuzz_recording.c: fuzz target for session recordings. Any input either
 * gives a recording whose configurations pass the preset checks and whose
 * events name configurations it holds (their steps need not grow: a load
 * or a restart begins a run at step 0 again), or one non-empty line of
 * error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/app/record.h"
#include "nqmtop/input/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nqm_recording rec;
    char err[2048], msg[1024];
    if (nqm_recording_parse("fuzz.rec", (const char *)data, size, &rec, err, sizeof err) != 0) {
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    if (rec.nconfigs < 1)
        abort();
    for (int i = 0; i < rec.nconfigs; i++)
        if (nqm_config_check(&rec.configs[i], msg, sizeof msg) != 0)
            abort();
    for (int i = 0; i < rec.nevents; i++) {
        const nqm_event *ev = &rec.events[i];
        if (ev->step < 0 ||
            (ev->kind == NQM_EVENT_LOAD && (ev->config < 1 || ev->config >= rec.nconfigs)))
            abort();
    }
    nqm_recording_free(&rec);
    return 0;
}
