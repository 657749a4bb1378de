/* settings.h: the user's defaults file, ~/.config/nqmtop/config (or
 * $XDG_CONFIG_HOME/nqmtop/config when that is an absolute path, or the
 * file NQMTOP_CONFIG names): `key = value` lines and `#` comments, as in a
 * preset. Keys: color = yes|no, unicode = yes|no, preset = NAME|PATH,
 * speed = auto|STEPS_PER_SECOND. The command line overrides all of them. */
#ifndef NQMTOP_SETTINGS_H
#define NQMTOP_SETTINGS_H

#include <stddef.h>

enum { NQM_SETTINGS_PATH_LEN = 4096 };

typedef struct {
    int color;                          /* 1 colour, 0 none */
    int unicode;                        /* 1 braille and box drawing, 0 ASCII */
    char preset[NQM_SETTINGS_PATH_LEN]; /* default preset, "" for the built-in one */
    double speed;                       /* steps per second at start, 0 = automatic */
} nqm_settings;

void nqm_settings_defaults(nqm_settings *s);
/* A speed: auto (0) or a number of steps per second above 0, at most 1e9,
 * in the C locale. 0, or -1 when value is neither. */
int nqm_settings_speed_parse(const char *value, double *out);
/* Where the settings file is: explicit (the value of NQMTOP_CONFIG) when
 * set, else user_dir/config (user_dir from nqm_user_dir). *required is 1
 * when explicit named it (a missing file is then an error). Returns -1
 * when there is no location (no home). */
int nqm_settings_path(const char *explicit, const char *user_dir, char *path, size_t len,
                      int *required);
/* Read path over s. A missing file that is not required leaves s as it
 * is. 0, or -1 with "FILE:LINE: KEY: what is wrong" in err. */
int nqm_settings_load(const char *path, int required, nqm_settings *s, char *err, size_t errlen);
/* The same over text in memory, named name in messages. */
int nqm_settings_parse(const char *name, const char *text, size_t len, nqm_settings *s, char *err,
                       size_t errlen);

#endif
