/* search.c: files found by name on a search path (see search.h). */
#include "nqmtop/base/search.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nqmtop/base/textfile.h"

int nqm_user_dir(const char *xdg, const char *home, char *out, size_t len)
{
    int n = -1;
    if (xdg && xdg[0] == '/')
        n = snprintf(out, len, "%s/nqmtop", xdg);
    else if (home && home[0])
        n = snprintf(out, len, "%s/.config/nqmtop", home);
    if (n >= 0 && (size_t)n < len)
        return 0;
    if (len > 0)
        out[0] = '\0';
    return -1;
}

void nqm_search_init(nqm_search_path *sp) { sp->ndirs = 0; }

int nqm_search_add(nqm_search_path *sp, const char *dir, const char *sub)
{
    if (sp->ndirs == NQM_SEARCH_MAX_DIRS || !dir[0])
        return -1;
    char *slot = sp->dir[sp->ndirs];
    int n = sub ? snprintf(slot, NQM_SEARCH_PATH_LEN, "%s/%s", dir, sub)
                : snprintf(slot, NQM_SEARCH_PATH_LEN, "%s", dir);
    if (n < 0 || n >= NQM_SEARCH_PATH_LEN)
        return -1;
    sp->ndirs++;
    return 0;
}

int nqm_is_regular_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* dir/name + ext into out; 0, or -1 when it does not fit. */
static int join(char *out, size_t len, const char *dir, const char *name, const char *ext)
{
    int n = snprintf(out, len, "%s/%s%s", dir, name, ext);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

int nqm_search_find(const nqm_search_path *sp, const char *name, const char *ext, char *path,
                    size_t pathlen)
{
    for (int i = 0; name[0] && i < sp->ndirs; i++)
        if (join(path, pathlen, sp->dir[i], name, ext) == 0 && nqm_is_regular_file(path))
            return 0;
    return -1;
}

/* Whether NAME.EXT is also a regular file in a folder before folder i. */
static int found_before(const nqm_search_path *sp, int i, const char *file)
{
    char path[NQM_SEARCH_PATH_LEN + 256];
    for (int j = 0; j < i; j++)
        if (join(path, sizeof path, sp->dir[j], file, "") == 0 && nqm_is_regular_file(path))
            return 1;
    return 0;
}

/* fn for every NAME.EXT of folder i not shadowed by an earlier folder,
 * in the order of their names (listings and messages read the same on
 * every file system). */
static int each_in(const nqm_search_path *sp, int i, const char *ext, nqm_search_fn fn, void *ctx)
{
    struct dirent **entries;
    int count = scandir(sp->dir[i], &entries, NULL, alphasort);
    if (count < 0)
        return 0;
    size_t elen = strlen(ext);
    int rc = 0;
    for (int k = 0; k < count; k++) {
        const struct dirent *de = entries[k];
        size_t len = strlen(de->d_name);
        if (rc != 0)
            continue;
        char fault[64], name[256], path[NQM_SEARCH_PATH_LEN + 256];
        if (len <= elen || len - elen >= sizeof name || strcmp(de->d_name + len - elen, ext) != 0 ||
            nqm_text_line_fault(de->d_name, len, fault, sizeof fault) > 0 ||
            join(path, sizeof path, sp->dir[i], de->d_name, "") != 0 ||
            !nqm_is_regular_file(path) || found_before(sp, i, de->d_name))
            continue;
        memcpy(name, de->d_name, len - elen);
        name[len - elen] = '\0';
        rc = fn(ctx, name, path);
    }
    for (int k = 0; k < count; k++)
        free(entries[k]);
    free(entries);
    return rc;
}

int nqm_search_each(const nqm_search_path *sp, const char *ext, nqm_search_fn fn, void *ctx)
{
    int rc = 0;
    for (int i = 0; rc == 0 && i < sp->ndirs; i++)
        rc = each_in(sp, i, ext, fn, ctx);
    return rc;
}
