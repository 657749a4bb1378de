/* fuzz_settings.c: fuzz target for the user's settings file. Any input
 * either sets the four keys to values they may take or gives one
 * non-empty line of error, leaving the settings as they were. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/app/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nqm_settings s, before;
    char err[512];
    nqm_settings_defaults(&s);
    before = s;
    if (nqm_settings_parse("fuzz.conf", (const char *)data, size, &s, err, sizeof err) != 0) {
        if (err[0] == '\0' || strchr(err, '\n') || memcmp(&s, &before, sizeof s) != 0)
            abort();
        return 0;
    }
    if ((s.color != 0 && s.color != 1) || (s.unicode != 0 && s.unicode != 1) || !(s.speed >= 0) ||
        memchr(s.preset, '\0', sizeof s.preset) == NULL)
        abort();
    return 0;
}
