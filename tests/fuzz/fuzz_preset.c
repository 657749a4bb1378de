/* fuzz_preset.c: fuzz target for the preset parser. Any input must either
 * parse or give a one-line error; a parsed config, written back out with
 * nqm_preset_write, must parse again to the same text (a round trip) unless
 * the writer said it could not represent it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/preset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The preset text of cfg in a malloc'd string, NULL if the writer refused. */
static char *written(const nqm_config *cfg, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        abort();
    int rc = nqm_preset_write(f, cfg);
    fclose(f);
    if (rc != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nqm_config cfg, again;
    char err[512];
    if (nqm_preset_parse("fuzz.preset", (const char *)data, size, &cfg, err, sizeof err) != 0) {
        if (strchr(err, '\n') || err[0] == '\0')
            abort(); /* errors are exactly one non-empty line */
        return 0;
    }
    size_t len1, len2;
    char *first = written(&cfg, &len1);
    if (!first) {
        nqm_config_free(&cfg);
        return 0;
    }
    if (nqm_preset_parse("fuzz.preset", first, len1, &again, err, sizeof err) != 0) {
        fprintf(stderr, "written preset does not load back: %s\n%s", err, first);
        abort();
    }
    char *second = written(&again, &len2);
    if (len1 != len2 || memcmp(first, second, len1) != 0) {
        fprintf(stderr, "round trip changed the preset:\n%s---\n%s", first, second);
        abort();
    }
    free(first);
    free(second);
    nqm_config_free(&cfg);
    nqm_config_free(&again);
    return 0;
}
