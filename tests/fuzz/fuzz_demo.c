/* fuzz_demo.c: fuzz target for demo scripts. Any input either gives a
 * demo of at least one scene, each with a configuration that passes the
 * preset checks, or one non-empty line of error. Scene presets are looked
 * up among the source tree's presets. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/check.h"
#include "nqmtop/app/demo.h"
#include "nqmtop/input/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nqm_demo demo;
    char err[2048], msg[1024];
    if (nqm_demo_parse(test_places(), "fuzz.demo", (const char *)data, size, &demo, err,
                       sizeof err) != 0) {
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
        return 0;
    }
    if (demo.nscenes < 1)
        abort();
    for (int i = 0; i < demo.nscenes; i++)
        if (nqm_config_check(&demo.scenes[i].cfg, msg, sizeof msg) != 0)
            abort();
    nqm_demo_free(&demo);
    return 0;
}
