/* preset.h: preset files (`key = value` lines, `#` comments, the first
 * comment line being the description), `--set key=value` overrides and
 * where presets and demos are found (the user's folder, then the presets
 * that ship with nqmtop; the front end says where those are).
 *
 * Every error is one line in err, `FILE:LINE: KEY: what is wrong` for a
 * file and `--set: KEY: what is wrong` for an override. */
#ifndef NQMTOP_PRESET_H
#define NQMTOP_PRESET_H

#include <stddef.h>
#include <stdio.h>
#include "nqmtop/base/search.h"
#include "nqmtop/input/config.h"
#include "nqmtop/base/textfile.h"

enum {
    NQM_PRESET_MAX_LINE = NQM_TEXT_MAX_LINE, /* bytes per line, newline excluded */
    NQM_PRESET_MAX_FILE = 1024 * 1024,       /* bytes per preset file */
    NQM_PRESET_PATH_LEN = 4096
};

#define NQM_DEFAULT_PRESET "catapult-1d"

typedef struct {
    char name[NQM_NAME_LEN]; /* file name without .preset */
    char description[160];   /* its first comment line */
    char path[NQM_PRESET_PATH_LEN];
} nqm_preset_info;

/* Where presets and demos are found, in search order. */
typedef struct {
    nqm_search_path presets; /* folders of NAME.preset */
    nqm_search_path demos;   /* folders of NAME.demo */
} nqm_places;

/* The user's nqmtop folder (nqm_user_dir; "" or NULL: none), with its
 * presets/ and demos/, then each shipped presets folder, with its demos/. */
void nqm_places_make(nqm_places *pl, const char *user, const char *const *shipped, int nshipped);

/* The full resolution the command line does: find the preset (a NAME on
 * dirs, or a path when the argument contains '/' or ends in .preset), parse it over
 * the defaults, apply the nsets "key=value" overrides in order, then run
 * the cross-key checks. On success cfg holds a config to release with
 * nqm_config_free; on failure cfg holds nothing to release. */
int nqm_preset_resolve(const nqm_search_path *dirs, const char *name_or_path,
                       const char *const *sets, int nsets, nqm_config *cfg, char *err,
                       size_t errlen);
/* nqm_preset_resolve without overrides. */
int nqm_preset_load(const nqm_search_path *dirs, const char *name_or_path, nqm_config *cfg,
                    char *err, size_t errlen);
/* Parse preset text held in memory (len bytes, NULs allowed and reported)
 * as if read from the file named label. Same contract as resolve. */
int nqm_preset_parse(const char *label, const char *text, size_t len, nqm_config *cfg, char *err,
                     size_t errlen);
/* Apply one "key=value" to a resolved config and re-check it. On failure
 * cfg is unchanged. */
int nqm_preset_apply_set(nqm_config *cfg, const char *assignment, char *err, size_t errlen);

/* What a key's value is (sweeps take the numeric keys). */
typedef enum {
    NQM_VALUE_UNKNOWN = -1, /* no such key */
    NQM_VALUE_OTHER,        /* a word, a path, a list */
    NQM_VALUE_NUMBER,       /* a real number */
    NQM_VALUE_WHOLE         /* a whole number */
} nqm_value_kind;
nqm_value_kind nqm_preset_key_kind(const char *key);
/* For completions: the name of preset key i in table order (NULL from the
 * number of keys on), and the j-th word key takes (NULL past the last,
 * and for a key that takes no words; models: the model names). */
const char *nqm_preset_key_at(int i);
const char *nqm_preset_key_word(const char *key, int j);

/* Path of the preset file a NAME (or path) refers to. Unknown names get an
 * error that suggests up to three close names. */
int nqm_preset_find(const nqm_search_path *dirs, const char *name_or_path, char *path,
                    size_t pathlen, char *err, size_t errlen);
/* Every preset on dirs, sorted by name; a name found in more than one
 * folder is listed once, from the first. *out is freed with free(). 0, or
 * -1 with err set. */
int nqm_preset_list(const nqm_search_path *dirs, nqm_preset_info **out, size_t *count, char *err,
                    size_t errlen);

/* Write cfg as a preset, every key included, in a form that loads back to
 * the same configuration. Returns 0, or -1 when the stream failed or an x
 * is too long for one preset line (only reachable through a long d). */
int nqm_preset_write(FILE *f, const nqm_config *cfg);

#endif
