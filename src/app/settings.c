/* settings.c: the user's defaults file (settings.h). Small on purpose:
 * four keys, each line checked, errors naming file, line and key. */
#include "nqmtop/app/settings.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/base/textfile.h"

enum { SETTINGS_MAX_FILE = 64 * 1024 };

void nqm_settings_defaults(nqm_settings *s)
{
    memset(s, 0, sizeof *s);
    s->color = 1;
    s->unicode = 1;
}

int nqm_settings_path(const char *explicit, const char *user_dir, char *path, size_t len,
                      int *required)
{
    *required = explicit && explicit[0];
    int n = *required                 ? snprintf(path, len, "%s", explicit)
            : user_dir && user_dir[0] ? snprintf(path, len, "%s/config", user_dir)
                                      : -1;
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

static int yes_no(const char *value, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false",
                                                                                "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(value, yes[i]) == 0)
            return *out = 1, 0;
        if (strcmp(value, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

int nqm_settings_speed_parse(const char *value, double *out)
{
    if (strcmp(value, "auto") == 0)
        return *out = 0, 0;
    double v;
    char ignored[128];
    if (nqm_parse_number(value, &v, ignored, sizeof ignored) != 0 || !(v > 0) || v > 1e9)
        return -1;
    *out = v;
    return 0;
}

/* One `key = value`; msg gets what is wrong. */
static int set_key(nqm_settings *s, const char *key, const char *value, const char **msg)
{
    if (strcmp(key, "color") == 0)
        return yes_no(value, &s->color) ? (*msg = "expected yes or no", -1) : 0;
    if (strcmp(key, "unicode") == 0)
        return yes_no(value, &s->unicode) ? (*msg = "expected yes or no", -1) : 0;
    if (strcmp(key, "speed") == 0)
        return nqm_settings_speed_parse(value, &s->speed)
                   ? (*msg = "expected auto or a number of steps per second", -1)
                   : 0;
    if (strcmp(key, "preset") == 0) {
        if (value[0] == '\0' || strlen(value) >= sizeof s->preset)
            return *msg = "expected a preset name or path", -1;
        strcpy(s->preset, value);
        return 0;
    }
    *msg = "unknown key (known: color, unicode, preset, speed)";
    return -1;
}

static int parse_line(const char *name, int lineno, char *line, nqm_settings *s, unsigned *seen,
                      char *err, size_t errlen)
{
    static const char *const keys[] = {"color", "unicode", "preset", "speed"};
    char *text = nqm_trim(line);
    if (text[0] == '\0' || text[0] == '#')
        return 0;
    char *eq = strchr(text, '=');
    if (!eq) {
        snprintf(err, errlen, "%s:%d: expected key = value", name, lineno);
        return -1;
    }
    *eq = '\0';
    char *key = nqm_trim(text), *value = nqm_strip_comment(eq + 1);
    const char *msg = NULL;
    for (unsigned k = 0; k < 4; k++)
        if (strcmp(key, keys[k]) == 0 && (*seen & (1u << k)))
            msg = "given twice";
        else if (strcmp(key, keys[k]) == 0)
            *seen |= 1u << k;
    if (msg || set_key(s, key, value, &msg) != 0) {
        if (nqm_is_word(key, strlen(key)))
            snprintf(err, errlen, "%s:%d: %s: %s", name, lineno, key, msg);
        else
            snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
        return -1;
    }
    return 0;
}

int nqm_settings_parse(const char *name, const char *text, size_t len, nqm_settings *s, char *err,
                       size_t errlen)
{
    nqm_settings parsed = *s;
    unsigned seen = 0;
    char line[NQM_TEXT_MAX_LINE + 1];
    nqm_lines it;
    nqm_lines_init(&it, name, text, len);
    int got;
    while ((got = nqm_lines_next(&it, line, err, errlen)) > 0)
        if (parse_line(name, it.lineno, line, &parsed, &seen, err, errlen) != 0)
            return -1;
    if (got < 0)
        return -1;
    *s = parsed;
    return 0;
}

/* Whether a failed open (errno e) means there is no file at path: none, a
 * home that is not a folder (HOME=/dev/null) or one that cannot be
 * searched. A file that is there but cannot be read is an error. */
static int is_absent(const char *path, int e)
{
    struct stat sb;
    if (e != ENOENT && e != ENOTDIR && e != EACCES && e != ELOOP && e != ENAMETOOLONG)
        return 0;
    return stat(path, &sb) != 0;
}

int nqm_settings_load(const char *path, int required, nqm_settings *s, char *err, size_t errlen)
{
    char *text;
    size_t len;
    if (nqm_text_read(path, "settings file", SETTINGS_MAX_FILE, &text, &len, err, errlen) != 0)
        return !required && is_absent(path, errno) ? 0 : -1;
    int rc = nqm_settings_parse(path, text, len, s, err, errlen);
    free(text);
    return rc;
}
