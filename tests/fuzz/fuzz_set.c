/* fuzz_set.c: fuzz target for --set overrides. Each input line is one
 * "key=value" applied to the default configuration; a failed override
 * must leave the configuration as it was (it still writes the same). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/preset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *written(const nqm_config *cfg)
{
    char *text = NULL;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        abort();
    nqm_preset_write(f, cfg);
    fclose(f);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nqm_config cfg;
    char err[512];
    nqm_config_defaults(&cfg);
    char *copy = malloc(size + 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *before = written(&cfg); /* the configuration before this line */
    for (char *line = copy, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        int rc = nqm_preset_apply_set(&cfg, line, err, sizeof err);
        char *after = written(&cfg);
        if (rc != 0 && (strcmp(before, after) != 0 || strchr(err, '\n'))) {
            fprintf(stderr, "failed --set %s changed the config:\n%s---\n%s", line, before, after);
            abort();
        }
        free(before);
        before = after;
    }
    free(before);
    free(copy);
    nqm_config_free(&cfg);
    return 0;
}
