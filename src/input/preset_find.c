/* preset_find.c: where presets and demos are found (the places), a
 * preset NAME found on its search path, with suggestions for a mistyped
 * one, and the listing of every preset with its description. */
#include "nqmtop/input/preset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/search.h"
#include "nqmtop/base/suggest.h"
#include "nqmtop/base/textfile.h"
#include "preset_format.h"

void nqm_places_make(nqm_places *pl, const char *user, const char *const *shipped, int nshipped)
{
    nqm_search_init(&pl->presets);
    nqm_search_init(&pl->demos);
    if (user && user[0]) {
        nqm_search_add(&pl->presets, user, "presets");
        nqm_search_add(&pl->demos, user, "demos");
    }
    for (int i = 0; i < nshipped; i++) {
        nqm_search_add(&pl->presets, shipped[i], NULL);
        nqm_search_add(&pl->demos, shipped[i], "demos");
    }
}

static int is_path(const char *arg)
{
    size_t len = strlen(arg);
    return strchr(arg, '/') != NULL || (len >= 7 && strcmp(arg + len - 7, ".preset") == 0);
}

/* Up to three names of the list close to name, as ", "-separated text. */
static void suggest_names(const char *name, const nqm_preset_info *list, size_t count, char *out,
                          size_t outlen)
{
    out[0] = '\0';
    int used[3] = {-1, -1, -1};
    size_t pos = 0;
    for (int pick = 0; pick < 3; pick++) {
        int best = -1, best_d = 1 << 30;
        for (size_t i = 0; i < count; i++) {
            int d = nqm_edit_distance(name, list[i].name);
            int taken = (int)i == used[0] || (int)i == used[1];
            if (!taken && nqm_near_enough(name, list[i].name, d) && d < best_d) {
                best_d = d;
                best = (int)i;
            }
        }
        if (best < 0)
            break;
        used[pick] = best;
        pos += (size_t)snprintf(out + pos, pos < outlen ? outlen - pos : 0, "%s%s",
                                pick ? ", " : "", list[best].name);
        if (pos >= outlen)
            break;
    }
}

static int fail_unknown_preset(const nqm_search_path *dirs, const char *name, char *err,
                               size_t errlen)
{
    nqm_preset_info *list = NULL;
    size_t count = 0;
    char near[256] = "";
    char ignored[256];
    if (nqm_preset_list(dirs, &list, &count, ignored, sizeof ignored) == 0)
        suggest_names(name, list, count, near, sizeof near);
    free(list);
    if (near[0])
        snprintf(err, errlen, "unknown preset '%.64s' (did you mean %s?)", name, near);
    else
        snprintf(err, errlen, "unknown preset '%.64s' (--list-presets shows them all)", name);
    return -1;
}

int nqm_preset_find(const nqm_search_path *dirs, const char *name_or_path, char *path,
                    size_t pathlen, char *err, size_t errlen)
{
    if (is_path(name_or_path)) {
        if ((size_t)snprintf(path, pathlen, "%s", name_or_path) >= pathlen) {
            snprintf(err, errlen, "preset path too long");
            return -1;
        }
        return 0;
    }
    if (nqm_search_find(dirs, name_or_path, ".preset", path, pathlen) == 0)
        return 0;
    return fail_unknown_preset(dirs, name_or_path, err, errlen);
}

/* ---- listing ------------------------------------------------------------------ */

/* The description in a preset's text: its first non-empty comment line,
 * "" when there is none or a line before it is not clean text. */
static void find_description(const char *text, size_t len, char *out, size_t outlen)
{
    char line[NQM_TEXT_MAX_LINE + 1], ignored[256];
    nqm_lines it;
    nqm_lines_init(&it, "", text, len);
    out[0] = '\0';
    while (out[0] == '\0' && nqm_lines_next(&it, line, ignored, sizeof ignored) > 0) {
        const char *s = nqm_skip_blanks(line);
        if (s[0] == '#')
            nqm_comment_text(s, out, outlen);
    }
}

static void read_description(const char *path, char *out, size_t outlen)
{
    char *text, ignored[256];
    size_t len;
    out[0] = '\0';
    if (nqm_text_read(path, "preset", NQM_PRESET_MAX_FILE, &text, &len, ignored, sizeof ignored) !=
        0)
        return;
    find_description(text, len, out, outlen);
    free(text);
}

/* The growing list nqm_preset_list fills. */
typedef struct {
    nqm_preset_info *list;
    size_t count, cap;
} preset_list;

static int add_preset(void *ctx, const char *name, const char *path)
{
    preset_list *pl = ctx;
    nqm_preset_info info;
    if (strlen(name) >= sizeof info.name || strlen(path) >= sizeof info.path)
        return 0; /* a name or path that would not survive being cut */
    if (pl->count == pl->cap) {
        size_t grown = pl->cap ? 2 * pl->cap : 16;
        nqm_preset_info *more = realloc(pl->list, grown * sizeof *more);
        if (!more)
            return -1;
        pl->list = more;
        pl->cap = grown;
    }
    snprintf(info.name, sizeof info.name, "%s", name);
    snprintf(info.path, sizeof info.path, "%s", path);
    read_description(info.path, info.description, sizeof info.description);
    pl->list[pl->count++] = info;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const nqm_preset_info *)a)->name, ((const nqm_preset_info *)b)->name);
}

int nqm_preset_list(const nqm_search_path *dirs, nqm_preset_info **out, size_t *count, char *err,
                    size_t errlen)
{
    preset_list pl = {NULL, 0, 0};
    if (nqm_search_each(dirs, ".preset", add_preset, &pl) != 0) {
        free(pl.list);
        snprintf(err, errlen, "out of memory listing presets");
        return -1;
    }
    if (pl.count > 0)
        qsort(pl.list, pl.count, sizeof *pl.list, by_name);
    *out = pl.list;
    *count = pl.count;
    return 0;
}
