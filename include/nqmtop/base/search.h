/* search.h: files found by name on a search path (presets, demos): the
 * first folder holding NAME.EXT wins, and a listing names each file once,
 * from the first folder that has it. The folders come from the front end,
 * which alone reads the environment; nothing here calls getenv. */
#ifndef NQMTOP_SEARCH_H
#define NQMTOP_SEARCH_H

#include <stddef.h>

enum { NQM_SEARCH_MAX_DIRS = 4, NQM_SEARCH_PATH_LEN = 4096 };

typedef struct {
    int ndirs;
    char dir[NQM_SEARCH_MAX_DIRS][NQM_SEARCH_PATH_LEN]; /* (ndirs) in search order */
} nqm_search_path;

/* The user's nqmtop folder: XDG_CONFIG_HOME/nqmtop when xdg is an absolute
 * path, else HOME/.config/nqmtop (either may be NULL). 0, or -1 when
 * neither gives one or it does not fit len. */
int nqm_user_dir(const char *xdg, const char *home, char *out, size_t len);

/* An empty path; then folders appended in search order, each dir/sub (sub
 * may be NULL). A folder that does not fit, or one too many, is left out
 * (it could not be searched anyway): returns -1 then, else 0. */
void nqm_search_init(nqm_search_path *sp);
int nqm_search_add(nqm_search_path *sp, const char *dir, const char *sub);

/* Whether path names a regular file (symbolic links followed). */
int nqm_is_regular_file(const char *path);

/* The first dir/NAME.EXT that is a regular file into path: 0, or -1 when
 * no folder has one (or the path would not fit pathlen). ext has its dot. */
int nqm_search_find(const nqm_search_path *sp, const char *name, const char *ext, char *path,
                    size_t pathlen);

/* Call fn for every NAME.EXT that is a regular file, once per NAME (from
 * the first folder that has it), folder by folder in the order of the
 * names. A name that is
 * not printable text (textfile.h) is skipped. fn returns 0 to go on, or
 * nonzero to stop: that value is returned, else 0. */
typedef int (*nqm_search_fn)(void *ctx, const char *name, const char *path);
int nqm_search_each(const nqm_search_path *sp, const char *ext, nqm_search_fn fn, void *ctx);

#endif
