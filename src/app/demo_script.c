/* demo_script.c: the demo script format (see demo.h and nqmtop(5)):
 * parsing, validation and finding a demo by name. A script is resolved
 * completely before it runs: every scene's preset and overrides are
 * applied, every caption is measured, every condition checked against the
 * runs of its scene (demo_cond.c). Playing it is demo_player.c's. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/app/demo.h"
#include "nqmtop/base/cnum.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/base/textfile.h"

/* ---- small string helpers ------------------------------------------------ */

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A number of the shared grammar (cnum.h) and nothing else. */
static int parse_number(const char *s, double *out)
{
    char ignored[128];
    return nqm_parse_number(s, out, ignored, sizeof ignored);
}

/* Text fits a caption (or title) of cols cells with braille and in ASCII,
 * where eta becomes three letters. Returns the wider width. */
static int text_cells(const char *text)
{
    int u = nqm_text_width(text, NQM_GLYPHS_UNICODE), a = nqm_text_width(text, NQM_GLYPHS_ASCII);
    return u > a ? u : a;
}

/* ---- the parser ------------------------------------------------------------ */

typedef struct {
    const char *label;              /* the file, for messages */
    const nqm_search_path *presets; /* where a scene's preset NAME is found */
    char dir[NQM_DEMO_PATH_LEN];    /* its folder with a trailing '/', or "" */
    nqm_demo *demo;
    nqm_demo_scene *sc; /* the scene being read, NULL before the first */
    int started;        /* sc's first until has been read */
    int overrides;      /* line of sc's first key = value, 0 if none */
    int preset_line;    /* line of sc's preset, 0 if none */
    int compare_line, theory_line;
    int prev_caption; /* the line before this one was a caption line */
    int in_caption;   /* this line is a caption line */
    int lineno;
    char *err;
    size_t errlen;
} parser;

/* "FILE:LINE: what is wrong" into the error buffer; returns -1. */
static int vfail(parser *ps, int line, const char *fmt, va_list ap)
{
    int used = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->label, line);
    if (used >= 0 && (size_t)used < ps->errlen)
        vsnprintf(ps->err + used, ps->errlen - (size_t)used, fmt, ap);
    return -1;
}

static int fail(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parser *ps, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ps, ps->lineno, fmt, ap);
    va_end(ap);
    return -1;
}

static int fail_at(parser *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(parser *ps, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(ps, line, fmt, ap);
    va_end(ap);
    return -1;
}

static nqm_demo_cmd *add_cmd(parser *ps, nqm_demo_op op)
{
    nqm_demo_scene *sc = ps->sc;
    nqm_demo_cmd *more = realloc(sc->cmds, (size_t)(sc->ncmds + 1) * sizeof *more);
    if (!more)
        return NULL;
    sc->cmds = more;
    nqm_demo_cmd *c = &sc->cmds[sc->ncmds++];
    memset(c, 0, sizeof *c);
    c->op = op;
    c->line = ps->lineno;
    return c;
}

static int need_scene(parser *ps, const char *what)
{
    if (ps->sc)
        return 0;
    return fail(ps, "%s before the first scene (a demo starts with 'scene TITLE')", what);
}

/* The end of a scene's setup (its first until, or its end): the modes
 * it asks for must be able to run on its configuration. */
static int close_setup(parser *ps)
{
    nqm_demo_scene *sc = ps->sc;
    char why[256];
    if (!sc || ps->started)
        return 0;
    ps->started = 1;
    if (sc->compare && nqm_app_compare_check(&sc->cfg, why, sizeof why) != 0)
        return fail_at(ps, ps->compare_line, "compare: %s", why);
    nqm_model_kind model = sc->compare ? MODEL_QUAD : sc->cfg.model;
    if (sc->theory && nqm_app_theory_check(&sc->cfg, model, why, sizeof why) != 0)
        return fail_at(ps, ps->theory_line, "theory: %s", why);
    return 0;
}

static int end_scene(parser *ps)
{
    if (close_setup(ps) != 0)
        return -1;
    ps->sc = NULL;
    return 0;
}

static int do_scene(parser *ps, char *rest)
{
    if (end_scene(ps) != 0)
        return -1;
    nqm_trim(rest);
    if (!rest[0])
        return fail(ps, "scene: needs a title ('scene TITLE')");
    if (strlen(rest) >= NQM_DEMO_TEXT_LEN || text_cells(rest) > NQM_DEMO_TITLE_COLS)
        return fail(ps, "scene: the title is %d columns wide; at most %d fit", text_cells(rest),
                    NQM_DEMO_TITLE_COLS);
    nqm_demo *d = ps->demo;
    nqm_demo_scene *more = realloc(d->scenes, (size_t)(d->nscenes + 1) * sizeof *more);
    if (!more)
        return fail(ps, "out of memory");
    d->scenes = more;
    nqm_demo_scene *sc = &d->scenes[d->nscenes];
    memset(sc, 0, sizeof *sc);
    if (d->nscenes > 0) {
        if (nqm_config_copy(&sc->cfg, &d->scenes[d->nscenes - 1].cfg) != 0)
            return fail(ps, "out of memory");
    } else {
        nqm_config_defaults(&sc->cfg);
    }
    d->nscenes++;
    snprintf(sc->title, sizeof sc->title, "%s", rest);
    sc->line = ps->lineno;
    ps->sc = sc;
    ps->started = ps->overrides = ps->preset_line = 0;
    ps->compare_line = ps->theory_line = 0;
    return 0;
}

/* A preset path given in a demo starts from the demo's folder. */
static void preset_location(const parser *ps, const char *name, char *out, size_t len)
{
    int is_path = strchr(name, '/') != NULL || ends_with(name, ".preset");
    if (is_path && name[0] != '/' && ps->dir[0])
        snprintf(out, len, "%s%s", ps->dir, name);
    else
        snprintf(out, len, "%s", name);
}

static int do_preset(parser *ps, char *rest)
{
    if (need_scene(ps, "preset") != 0)
        return -1;
    nqm_strip_comment(rest);
    if (!rest[0])
        return fail(ps, "preset: needs a NAME or FILE");
    if (ps->started)
        return fail(ps, "preset: must come before the scene's first until");
    if (ps->preset_line)
        return fail(ps, "preset: the scene already has one (line %d)", ps->preset_line);
    if (ps->overrides)
        return fail(ps, "preset: must come before the scene's key = value lines (line %d)",
                    ps->overrides);
    char where[NQM_DEMO_PATH_LEN + NQM_PRESET_PATH_LEN], msg[1024];
    preset_location(ps, rest, where, sizeof where);
    nqm_config cfg;
    if (nqm_preset_load(ps->presets, where, &cfg, msg, sizeof msg) != 0)
        return fail(ps, "preset: %s", msg);
    nqm_config_free(&ps->sc->cfg);
    ps->sc->cfg = cfg;
    ps->preset_line = ps->lineno;
    return 0;
}

/* "KEY=VALUE" applied to cfg; --set's messages get this line's place. */
static int apply_override(parser *ps, nqm_config *cfg, const char *key, const char *value)
{
    char assignment[NQM_TEXT_MAX_LINE + 2], msg[1024];
    snprintf(assignment, sizeof assignment, "%s=%s", key, value);
    if (nqm_preset_apply_set(cfg, assignment, msg, sizeof msg) == 0)
        return 0;
    const char *what = strncmp(msg, "--set: ", 7) == 0 ? msg + 7 : msg;
    return fail(ps, "%s", what);
}

/* After the run started only the learning rate may change: eta = X or
 * eta_rel = X from the next step. */
static int mid_run_eta(parser *ps, const char *key, const char *value)
{
    int relative = strcmp(key, "eta_rel") == 0;
    if (!relative && strcmp(key, "eta") != 0)
        return fail(ps,
                    "%s: only eta and eta_rel can change once the scene's run has started "
                    "(after its first until); other keys need a new scene",
                    key);
    nqm_config scratch;
    if (nqm_config_copy(&scratch, &ps->sc->cfg) != 0)
        return fail(ps, "out of memory");
    int rc = apply_override(ps, &scratch, key, value);
    double v = relative ? scratch.eta_rel : scratch.eta;
    nqm_config_free(&scratch);
    if (rc != 0)
        return -1;
    nqm_demo_cmd *c = add_cmd(ps, NQM_DEMO_ETA);
    if (!c)
        return fail(ps, "out of memory");
    c->value = v;
    c->relative = relative;
    return 0;
}

static int do_override(parser *ps, char *line)
{
    if (need_scene(ps, "'key = value'") != 0)
        return -1;
    char *eq = strchr(line, '=');
    *eq = '\0';
    char *key = nqm_trim((char *)nqm_skip_blanks(line));
    char *value = nqm_strip_comment((char *)nqm_skip_blanks(eq + 1));
    if (!key[0])
        return fail(ps, "missing key before '='");
    if (!value[0])
        return fail(ps, "%s: empty value", key);
    if (ps->started)
        return mid_run_eta(ps, key, value);
    if (!ps->overrides)
        ps->overrides = ps->lineno;
    return apply_override(ps, &ps->sc->cfg, key, value);
}

static int do_caption(parser *ps, char *rest)
{
    if (need_scene(ps, "caption") != 0)
        return -1;
    nqm_trim(rest);
    if (strlen(rest) >= NQM_DEMO_TEXT_LEN || text_cells(rest) > NQM_CAPTION_COLS)
        return fail(ps, "caption: %d columns wide; at most %d fit an 80-column screen",
                    text_cells(rest), NQM_CAPTION_COLS);
    nqm_demo_scene *sc = ps->sc;
    nqm_demo_cmd *c = ps->prev_caption ? &sc->cmds[sc->ncmds - 1] : add_cmd(ps, NQM_DEMO_CAPTION);
    if (!c)
        return fail(ps, "out of memory");
    if (c->nlines == NQM_CAPTION_LINES)
        return fail(ps,
                    "caption: a caption has at most %d lines (this is line %d of the one "
                    "from line %d)",
                    NQM_CAPTION_LINES, NQM_CAPTION_LINES + 1, c->line);
    snprintf(c->text[c->nlines++], NQM_DEMO_TEXT_LEN, "%s", rest);
    if (c->nlines > ps->demo->caption_rows)
        ps->demo->caption_rows = c->nlines;
    ps->in_caption = 1;
    return 0;
}

/* on / off into *flag. */
static int parse_switch(parser *ps, const char *what, char *rest, int *flag)
{
    nqm_strip_comment(rest);
    if (strcmp(rest, "on") == 0 || strcmp(rest, "off") == 0) {
        *flag = strcmp(rest, "on") == 0;
        return 0;
    }
    return fail(ps, "%s: expected on or off, not '%.40s'", what, rest);
}

static int do_mode(parser *ps, char *rest, int theory)
{
    const char *what = theory ? "theory" : "compare";
    if (need_scene(ps, what) != 0)
        return -1;
    if (ps->started)
        return fail(ps, "%s: must come before the scene's first until (it restarts the run)", what);
    nqm_demo_scene *sc = ps->sc;
    int *flag = theory ? &sc->theory : &sc->compare;
    if (parse_switch(ps, what, rest, flag) != 0)
        return -1;
    *(theory ? &ps->theory_line : &ps->compare_line) = ps->lineno;
    return 0;
}

static int do_compare(parser *ps, char *rest) { return do_mode(ps, rest, 0); }
static int do_theory(parser *ps, char *rest) { return do_mode(ps, rest, 1); }

static int do_simple(parser *ps, char *rest, nqm_demo_op op, const char *what)
{
    if (need_scene(ps, what) != 0)
        return -1;
    if (nqm_strip_comment(rest)[0])
        return fail(ps, "%s: takes no argument ('%.40s')", what, rest);
    return add_cmd(ps, op) ? 0 : fail(ps, "out of memory");
}

static int do_pause(parser *ps, char *rest) { return do_simple(ps, rest, NQM_DEMO_PAUSE, "pause"); }
static int do_resume(parser *ps, char *rest)
{
    return do_simple(ps, rest, NQM_DEMO_RESUME, "resume");
}

static int do_log(parser *ps, char *rest)
{
    int on = 0;
    if (need_scene(ps, "log") != 0 || parse_switch(ps, "log", rest, &on) != 0)
        return -1;
    nqm_demo_cmd *c = add_cmd(ps, NQM_DEMO_LOG);
    if (!c)
        return fail(ps, "out of memory");
    c->value = on;
    return 0;
}

/* The speed levels as text: "1, 2, 5, ..., 10000". */
static void speed_list(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < nqm_app_speed_levels() && used < len; i++)
        if (isfinite(nqm_app_speed_level(i)))
            used += (size_t)snprintf(buf + used, len - used, "%s%g", i ? ", " : "",
                                     nqm_app_speed_level(i));
}

static int do_speed(parser *ps, char *rest)
{
    if (need_scene(ps, "speed") != 0)
        return -1;
    nqm_strip_comment(rest);
    int level = -2;
    double v;
    if (strcmp(rest, "auto") == 0)
        level = NQM_SPEED_AUTO;
    else if (strcmp(rest, "max") == 0)
        level = nqm_app_speed_levels() - 1;
    else if (parse_number(rest, &v) == 0)
        for (int i = 0; i < nqm_app_speed_levels(); i++)
            if (nqm_app_speed_level(i) == v)
                level = i;
    if (level == -2) {
        char levels[256];
        speed_list(levels, sizeof levels);
        return fail(ps, "speed: '%.40s' is not auto, max or one of %s (steps per second)", rest,
                    levels);
    }
    nqm_demo_cmd *c = add_cmd(ps, NQM_DEMO_SPEED);
    if (!c)
        return fail(ps, "out of memory");
    c->value = level;
    return 0;
}

static int do_until(parser *ps, char *rest)
{
    if (need_scene(ps, "until") != 0 || close_setup(ps) != 0)
        return -1;
    nqm_demo_cond cond;
    char msg[512];
    if (nqm_demo_cond_parse(ps->sc, rest, &cond, msg, sizeof msg) != 0)
        return fail(ps, "%s", msg);
    nqm_demo_cmd *c = add_cmd(ps, NQM_DEMO_UNTIL);
    if (!c)
        return fail(ps, "out of memory");
    c->cond = cond;
    return 0;
}

/* ---- lines and files ------------------------------------------------------- */

static const struct {
    const char *name;
    int (*parse)(parser *ps, char *rest);
} directives[] = {
    {"scene", do_scene}, {"preset", do_preset}, {"caption", do_caption}, {"until", do_until},
    {"pause", do_pause}, {"resume", do_resume}, {"compare", do_compare}, {"theory", do_theory},
    {"log", do_log},     {"speed", do_speed},
};
enum { DIRECTIVES = sizeof directives / sizeof directives[0] };

static int parse_line(parser *ps, char *line)
{
    char *s = (char *)nqm_skip_blanks(line);
    ps->prev_caption = ps->in_caption;
    ps->in_caption = 0;
    if (*s == '\0')
        return 0;
    if (*s == '#') {
        if (!ps->demo->description[0]) {
            const char *text = nqm_skip_blanks(s + 1);
            snprintf(ps->demo->description, sizeof ps->demo->description, "%s", text);
            nqm_trim(ps->demo->description);
        }
        return 0;
    }
    size_t n = strcspn(s, " \t=");
    for (int i = 0; i < DIRECTIVES; i++)
        if (strlen(directives[i].name) == n && strncmp(s, directives[i].name, n) == 0 &&
            s[n] != '=') {
            return directives[i].parse(ps, (char *)nqm_skip_blanks(s + n));
        }
    if (strchr(s, '='))
        return do_override(ps, s);
    /* A line of a file that is not a demo script at all is not repeated. */
    return fail(ps,
                "%s%.*s%snot a directive (scene, preset, caption, until, pause, resume, "
                "compare, theory, log, speed) nor a 'key = value' line",
                nqm_is_word(s, n) ? "'" : "", nqm_is_word(s, n) ? (int)n : 0, s,
                nqm_is_word(s, n) ? "' is " : "");
}

/* "dir/name.demo" -> "name". */
static void demo_name_of(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (ends_with(base, ".demo") && n > 5)
        n -= 5;
    snprintf(name, len, "%.*s", (int)(n < len ? n : len - 1), base);
}

static int parse_all(parser *ps, const char *text, size_t len)
{
    nqm_lines it;
    char *line = malloc(NQM_TEXT_MAX_LINE + 1);
    if (!line) {
        snprintf(ps->err, ps->errlen, "%s: out of memory", ps->label);
        return -1;
    }
    nqm_lines_init(&it, ps->label, text, len);
    int rc;
    while ((rc = nqm_lines_next(&it, line, ps->err, ps->errlen)) > 0) {
        ps->lineno = it.lineno;
        if (parse_line(ps, line) != 0) {
            rc = -1;
            break;
        }
    }
    free(line);
    if (rc < 0 || end_scene(ps) != 0)
        return -1;
    if (ps->demo->nscenes == 0) {
        snprintf(ps->err, ps->errlen, "%s: no scene (a demo starts with 'scene TITLE')", ps->label);
        return -1;
    }
    return 0;
}

int nqm_demo_parse(const nqm_places *places, const char *label, const char *text, size_t len,
                   nqm_demo *demo, char *err, size_t errlen)
{
    parser ps;
    memset(&ps, 0, sizeof ps);
    memset(demo, 0, sizeof *demo);
    ps.label = label;
    ps.presets = &places->presets;
    ps.demo = demo;
    ps.err = err;
    ps.errlen = errlen;
    const char *slash = strrchr(label, '/');
    if (slash)
        snprintf(ps.dir, sizeof ps.dir, "%.*s", (int)(slash - label + 1), label);
    demo_name_of(label, demo->name, sizeof demo->name);
    if (parse_all(&ps, text, len) != 0) {
        nqm_demo_free(demo);
        return -1;
    }
    return 0;
}

void nqm_demo_free(nqm_demo *demo)
{
    for (int i = 0; i < demo->nscenes; i++) {
        nqm_config_free(&demo->scenes[i].cfg);
        free(demo->scenes[i].cmds);
    }
    free(demo->scenes);
    memset(demo, 0, sizeof *demo);
}

/* ---- finding demos ---------------------------------------------------------- */

/* The ", "-separated list of demo names nqm_demo_find suggests. */
typedef struct {
    char *list;
    size_t len;
} name_list;

static int add_name(void *ctx, const char *name, const char *path)
{
    (void)path;
    name_list *nl = ctx;
    size_t used = strlen(nl->list);
    if (used < nl->len)
        snprintf(nl->list + used, nl->len - used, "%s%s", used ? ", " : "", name);
    return 0;
}

int nqm_demo_find(const nqm_places *places, const char *name_or_path, char *path, size_t pathlen,
                  char *err, size_t errlen)
{
    if (strchr(name_or_path, '/') || ends_with(name_or_path, ".demo")) {
        if ((size_t)snprintf(path, pathlen, "%s", name_or_path) < pathlen)
            return 0;
        snprintf(err, errlen, "demo path too long");
        return -1;
    }
    if (nqm_search_find(&places->demos, name_or_path, ".demo", path, pathlen) == 0)
        return 0;
    char known[1024] = "";
    name_list nl = {known, sizeof known};
    nqm_search_each(&places->demos, ".demo", add_name, &nl);
    snprintf(err, errlen, "unknown demo '%.64s' (demos: %s)", name_or_path,
             known[0] ? known : "none found");
    return -1;
}

int nqm_demo_load(const nqm_places *places, const char *name_or_path, nqm_demo *demo, char *err,
                  size_t errlen)
{
    char path[NQM_DEMO_PATH_LEN], *text;
    size_t len;
    memset(demo, 0, sizeof *demo);
    if (nqm_demo_find(places, name_or_path, path, sizeof path, err, errlen) != 0 ||
        nqm_text_read(path, "demo", NQM_TEXT_MAX_FILE, &text, &len, err, errlen) != 0)
        return -1;
    int rc = nqm_demo_parse(places, path, text, len, demo, err, errlen);
    free(text);
    return rc;
}
