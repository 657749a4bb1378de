/* preset.c: resolving a configuration: a preset file parsed over the
 * defaults in one "stage", each group of --set overrides in another.
 * Within a stage a key may appear once, and only one of eta / eta_rel; a
 * later stage overrides an earlier one. With data = single the input x
 * sets d; a d that disagrees with an x of the same stage is an error, a
 * later d replaces x by ones. Cross-key checks (nqm_config_check) run once
 * all stages are applied, and their errors are reported where the
 * offending key was last set. What each key's value may be is
 * preset_keys.c's; finding and listing presets is preset_find.c's. */
#include "nqmtop/input/preset.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/search.h"
#include "nqmtop/base/suggest.h"
#include "nqmtop/base/textfile.h"
#include "nqmtop/input/data.h"
#include "preset_format.h"

/* ---- resolution: stages, locations, errors -------------------------------- */

typedef struct {
    const char *file;     /* the preset's label, for messages */
    int where[KEY_COUNT]; /* last setting of a key: line > 0, -1 --set, 0 default */
    char *err;
    size_t errlen;
} resolver;

enum { WHERE_SET = -1 };

/* "FILE:LINE: KEY: ", "--set: KEY: " or "FILE: KEY: " by where the key came from. */
static int fail_at(resolver *r, int where, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(resolver *r, int where, const char *key, const char *fmt, ...)
{
    size_t used;
    if (where == WHERE_SET)
        used = (size_t)snprintf(r->err, r->errlen, "--set: ");
    else if (where > 0)
        used = (size_t)snprintf(r->err, r->errlen, "%s:%d: ", r->file, where);
    else
        used = (size_t)snprintf(r->err, r->errlen, "%s: ", r->file);
    if (key && used < r->errlen)
        used += (size_t)snprintf(r->err + used, r->errlen - used, "%s: ", key);
    if (used < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + used, r->errlen - used, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *closest_key(const char *name)
{
    int best = 0, best_d = nqm_edit_distance(name, nqm_preset_key_name((key_id)0));
    for (int k = 1; k < KEY_COUNT; k++) {
        int dist = nqm_edit_distance(name, nqm_preset_key_name((key_id)k));
        if (dist < best_d) {
            best_d = dist;
            best = k;
        }
    }
    return nqm_near_enough(name, nqm_preset_key_name((key_id)best), best_d)
               ? nqm_preset_key_name((key_id)best)
               : NULL;
}

static int fail_unknown_key(resolver *r, int where, const char *name)
{
    const char *near = closest_key(name);
    if (near)
        return fail_at(r, where, name, "unknown key (did you mean %s?)", near);
    char keys[512];
    size_t used = 0;
    for (int k = 0; k < KEY_COUNT && used < sizeof keys; k++)
        used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", k ? ", " : "",
                                 nqm_preset_key_name((key_id)k));
    return fail_at(r, where, name, "unknown key (keys: %s)", keys);
}

/* Apply key = value at `where` (a file line, or WHERE_SET) within a stage. */
static int apply(resolver *r, nqm_config *cfg, stage_state *st, int where, const char *key,
                 const char *value)
{
    int k = nqm_preset_key_lookup(key);
    if (k < 0)
        return fail_unknown_key(r, where, key);
    int line = where == WHERE_SET ? 1 : where;
    if (where != WHERE_SET && st->seen[k])
        return fail_at(r, where, key, "duplicate key (first set on line %d)", st->seen[k]);
    int other = k == KEY_ETA ? KEY_ETA_REL : k == KEY_ETA_REL ? KEY_ETA : -1;
    if (other >= 0 && st->seen[other]) {
        if (where == WHERE_SET)
            return fail_at(r, where, key, "%s is also set by --set; give one of eta, eta_rel",
                           nqm_preset_key_name((key_id)other));
        return fail_at(r, where, key, "%s is already set on line %d; give one of eta, eta_rel",
                       nqm_preset_key_name((key_id)other), st->seen[other]);
    }
    if (*value == '\0')
        return fail_at(r, where, key, "empty value");
    char msg[512];
    if (nqm_preset_key_set(cfg, (key_id)k, value, st, msg, sizeof msg) != 0)
        return fail_at(r, where, key, "%s", msg);
    st->seen[k] = line;
    r->where[k] = where;
    if (k == KEY_X)
        r->where[KEY_D] = where;
    if (k == KEY_D)
        st->d_where = where;
    return 0;
}

static double *ones(int d)
{
    double *v = malloc((size_t)d * sizeof *v);
    for (int i = 0; v && i < d; i++)
        v[i] = 1.0;
    return v;
}

/* End of a stage: x and d agree for data = single; x is dropped otherwise. */
static int finish_stage(resolver *r, nqm_config *cfg, const stage_state *st)
{
    if (cfg->data != DATA_SINGLE) {
        free(cfg->x);
        cfg->x = NULL;
        return 0;
    }
    if (st->x_count && st->d_given && st->d_given != st->x_count)
        return fail_at(r, st->d_where, "d",
                       "%ld does not match the %d value%s of x (with data = single, x sets d)",
                       st->d_given, st->x_count, st->x_count == 1 ? "" : "s");
    if (!cfg->x && !(cfg->x = ones(cfg->d)))
        return fail_at(r, 0, "x", "out of memory");
    return 0;
}

/* A message that starts with a key, reported where that key was last set;
 * any other (a CSV file's own FILE:LINE: ...) as it is when raw. */
static int blame(resolver *r, const char *msg, int raw)
{
    char key[32] = "";
    size_t klen = strcspn(msg, ":");
    int k = -1;
    if (klen < sizeof key && msg[klen] == ':') {
        memcpy(key, msg, klen);
        key[klen] = '\0';
        k = nqm_preset_key_lookup(key);
    }
    if (k >= 0)
        return fail_at(r, r->where[k], NULL, "%s", msg);
    if (raw) {
        snprintf(r->err, r->errlen, "%s", msg);
        return -1;
    }
    return fail_at(r, 0, NULL, "%s", msg);
}

/* The cross-key checks, after data from files took n, d and test_n from
 * them; their messages start with the key to blame. */
static int final_check(resolver *r, nqm_config *cfg)
{
    char msg[1024];
    if (nqm_data_from_files(cfg->data) && cfg->train_file[0] &&
        nqm_data_read_files(cfg, msg, sizeof msg) != 0)
        return blame(r, msg, 1);
    if (nqm_config_check(cfg, msg, sizeof msg) == 0)
        return 0;
    return blame(r, msg, 0);
}

/* ---- the file format ------------------------------------------------------- */

/* The value part of a line: up to a ` #` comment, blanks trimmed. */
static void line_value(const char *s, char *out, size_t outlen)
{
    char copy[NQM_PRESET_MAX_LINE + 1];
    snprintf(copy, sizeof copy, "%s", s);
    snprintf(out, outlen, "%s", nqm_strip_comment(copy));
}

static int parse_line(resolver *r, nqm_config *cfg, stage_state *st, int lineno, char *line)
{
    const char *s = nqm_skip_blanks(line);
    if (*s == '\0')
        return 0;
    if (*s == '#') {
        if (cfg->description[0] == '\0')
            nqm_comment_text(s, cfg->description, sizeof cfg->description);
        return 0;
    }
    char key[NQM_PRESET_MAX_LINE + 1], value[NQM_PRESET_MAX_LINE + 1];
    const char *eq = strchr(s, '=');
    if (!eq) {
        line_value(s, value, sizeof value);
        size_t w = strcspn(value, " \t");
        nqm_copy_trimmed(key, sizeof key, value, w);
        if (nqm_preset_key_lookup(key) >= 0)
            return fail_at(r, lineno, key, "missing '=' (expected '%s = value')", key);
        return fail_at(r, lineno, NULL, "missing '=' (expected 'key = value')");
    }
    nqm_copy_trimmed(key, sizeof key, s, (size_t)(eq - s));
    if (key[0] == '\0')
        return fail_at(r, lineno, NULL, "missing key before '='");
    line_value(eq + 1, value, sizeof value);
    return apply(r, cfg, st, lineno, key, value);
}

static int is_all_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!nqm_is_blank(s[i]) && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

static int parse_text(resolver *r, nqm_config *cfg, const char *text, size_t len)
{
    if (is_all_blank(text, len))
        return fail_at(r, 0, NULL, "empty file");
    stage_state st = {{0}, 0, 0, 0, r->file};
    char *line = malloc(NQM_TEXT_MAX_LINE + 1);
    if (!line)
        return fail_at(r, 0, NULL, "out of memory");
    nqm_lines it;
    nqm_lines_init(&it, r->file, text, len);
    int got, rc = 0;
    while (rc == 0 && (got = nqm_lines_next(&it, line, r->err, r->errlen)) != 0)
        rc = got < 0 ? -1 : parse_line(r, cfg, &st, it.lineno, line);
    free(line);
    return rc != 0 ? -1 : finish_stage(r, cfg, &st);
}

/* The --set overrides, one stage. */
static int apply_sets(resolver *r, nqm_config *cfg, const char *const *sets, int nsets)
{
    stage_state st = {{0}, 0, 0, 0, NULL};
    for (int i = 0; i < nsets; i++) {
        const char *a = sets[i];
        size_t len = strlen(a);
        char what[64];
        size_t column = nqm_text_line_fault(a, len, what, sizeof what);
        if (column > 0) /* the text before the fault, never the fault itself */
            return fail_at(r, WHERE_SET, NULL, "'%.*s': %s at column %zu",
                           (int)nqm_utf8_prefix(a, column - 1 < 40 ? column - 1 : 40), a, what,
                           column);
        const char *eq = strchr(a, '=');
        if (!eq)
            return fail_at(r, WHERE_SET, NULL, "'%.40s': expected key=value", a);
        if (strlen(eq + 1) > NQM_PRESET_MAX_LINE)
            return fail_at(r, WHERE_SET, NULL, "'%.20s...': value longer than %d bytes", a,
                           NQM_PRESET_MAX_LINE);
        char key[64], value[NQM_PRESET_MAX_LINE + 1];
        nqm_copy_trimmed(key, sizeof key, a, (size_t)(eq - a));
        if (key[0] == '\0')
            return fail_at(r, WHERE_SET, NULL, "'%.40s': missing key before '='", a);
        nqm_copy_trimmed(value, sizeof value, eq + 1, strlen(eq + 1));
        if (apply(r, cfg, &st, WHERE_SET, key, value) != 0)
            return -1;
    }
    return finish_stage(r, cfg, &st);
}

/* "dir/name.preset" -> "name", cut to fit. */
static void preset_name_of(const char *path, char *name, size_t namelen)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    const char *ext = ".preset";
    if (len > strlen(ext) && strcmp(base + len - strlen(ext), ext) == 0)
        len -= strlen(ext);
    nqm_copy_trimmed(name, namelen, base, len);
}

static int resolve_text(const char *label, const char *text, size_t len, const char *const *sets,
                        int nsets, nqm_config *cfg, char *err, size_t errlen)
{
    resolver r = {label, {0}, err, errlen};
    char what[64];
    size_t column = nqm_text_line_fault(label, strlen(label), what, sizeof what);
    if (column > 0) { /* the name goes into messages, --show-preset and recordings */
        snprintf(err, errlen, "a preset's path may not hold a %s (byte %zu of the path)", what,
                 column);
        return -1;
    }
    nqm_config_defaults(cfg);
    preset_name_of(label, cfg->preset, sizeof cfg->preset);
    if (parse_text(&r, cfg, text, len) != 0 || apply_sets(&r, cfg, sets, nsets) != 0 ||
        final_check(&r, cfg) != 0) {
        nqm_config_free(cfg);
        return -1;
    }
    return 0;
}

int nqm_preset_parse(const char *label, const char *text, size_t len, nqm_config *cfg, char *err,
                     size_t errlen)
{
    return resolve_text(label, text, len, NULL, 0, cfg, err, errlen);
}

int nqm_preset_resolve(const nqm_search_path *dirs, const char *name_or_path,
                       const char *const *sets, int nsets, nqm_config *cfg, char *err,
                       size_t errlen)
{
    char path[NQM_PRESET_PATH_LEN];
    char *text;
    size_t len;
    memset(cfg, 0, sizeof *cfg);
    if (nqm_preset_find(dirs, name_or_path, path, sizeof path, err, errlen) != 0 ||
        nqm_text_read(path, "preset", NQM_PRESET_MAX_FILE, &text, &len, err, errlen) != 0)
        return -1;
    int rc = resolve_text(path, text, len, sets, nsets, cfg, err, errlen);
    free(text);
    return rc;
}

int nqm_preset_load(const nqm_search_path *dirs, const char *name_or_path, nqm_config *cfg,
                    char *err, size_t errlen)
{
    return nqm_preset_resolve(dirs, name_or_path, NULL, 0, cfg, err, errlen);
}

int nqm_preset_apply_set(nqm_config *cfg, const char *assignment, char *err, size_t errlen)
{
    nqm_config work;
    if (nqm_config_copy(&work, cfg) != 0) {
        snprintf(err, errlen, "--set: out of memory");
        return -1;
    }
    resolver r = {"--set", {0}, err, errlen};
    for (int k = 0; k < KEY_COUNT; k++)
        r.where[k] = WHERE_SET;
    if (cfg->data == DATA_SINGLE && !work.x)
        work.x = ones(work.d);
    if (apply_sets(&r, &work, &assignment, 1) != 0 || final_check(&r, &work) != 0) {
        nqm_config_free(&work);
        return -1;
    }
    nqm_config_free(cfg);
    *cfg = work;
    return 0;
}
