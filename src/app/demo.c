/* demo.c: the demo script format (parsing, validation, lookup) and the
 * scene player (see demo.h). A script is resolved completely before it
 * runs: every scene's preset and overrides are applied, every caption is
 * measured, every condition checked against the runs of its scene. The
 * player only builds runs and changes the app's state; it never draws
 * and never reads a clock. */
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

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static const char *skip_blanks(const char *s)
{
    while (is_blank(*s))
        s++;
    return s;
}

/* s without trailing blanks, in place. */
static char *trim_end(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && is_blank(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* s up to a comment (a '#' at its start or after a blank), trimmed. */
static char *strip_comment(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '#' && (p == s || is_blank(p[-1]))) {
            *p = '\0';
            break;
        }
    return trim_end(s);
}

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
    trim_end(rest);
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
    strip_comment(rest);
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
    char *key = trim_end((char *)skip_blanks(line));
    char *value = strip_comment((char *)skip_blanks(eq + 1));
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
    trim_end(rest);
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
    strip_comment(rest);
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
    if (strip_comment(rest)[0])
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
    strip_comment(rest);
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

/* ---- until ----------------------------------------------------------------- */

static const char *const qty_names[] = {"step", "phase",   "regime", "loss",
                                        "g",    "lambda1", "lambda2"};
enum { QTY_COUNT = sizeof qty_names / sizeof qty_names[0] };

/* The next word of *s (letters, digits, _ and -) into out; *s moves past it. */
static void next_word(const char **s, char *out, size_t len)
{
    const char *p = skip_blanks(*s);
    size_t n = 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_' ||
           p[n] == '-')
        n++;
    snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p);
    *s = p + n;
}

static int parse_cmp(const char **s, nqm_demo_cmp *out)
{
    static const struct {
        const char *text;
        nqm_demo_cmp cmp;
    } ops[] = {{"<=", NQM_CMP_LE},
               {">=", NQM_CMP_GE},
               {"=", NQM_CMP_EQ},
               {"<", NQM_CMP_LT},
               {">", NQM_CMP_GT}};
    const char *p = skip_blanks(*s);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strncmp(p, ops[i].text, strlen(ops[i].text)) == 0) {
            *out = ops[i].cmp;
            *s = p + strlen(ops[i].text);
            return 0;
        }
    return -1;
}

/* A phase or regime name into cond->label. */
static int parse_label(parser *ps, nqm_demo_cond *cond, const char *value)
{
    int regime = cond->qty == NQM_QTY_REGIME, count = regime ? REGIME_COUNT : PHASE_COUNT;
    char names[256];
    size_t used = 0;
    for (int i = 0; i < count; i++) {
        const char *name = regime ? nqm_regime_name((nqm_regime)i) : nqm_phase_name((nqm_phase)i);
        if (strcmp(name, value) == 0) {
            cond->label = i;
            return 0;
        }
        used += (size_t)snprintf(names + used, used < sizeof names ? sizeof names - used : 0,
                                 "%s%s", i ? ", " : "", name);
    }
    return fail(ps, "until: '%.40s' is not a %s (%s)", value, regime ? "regime" : "phase", names);
}

/* A number, or K/eta (K/η): a threshold that follows the learning rate. */
static int parse_threshold(parser *ps, nqm_demo_cond *cond, const char *value)
{
    char head[64];
    const char *slash = strchr(value, '/');
    if (slash && (strcmp(slash + 1, "eta") == 0 || strcmp(slash + 1, "η") == 0) &&
        (size_t)(slash - value) < sizeof head) {
        snprintf(head, sizeof head, "%.*s", (int)(slash - value), value);
        if (parse_number(head, &cond->per_eta) == 0 && cond->per_eta > 0)
            return 0;
    } else if (parse_number(value, &cond->value) == 0) {
        return 0;
    }
    return fail(ps, "until: '%.40s' is not a number or K/eta (as in 2/eta)", value);
}

static int parse_step(parser *ps, nqm_demo_cond *cond, const char *value)
{
    double v;
    if (cond->cmp != NQM_CMP_EQ && cond->cmp != NQM_CMP_GE)
        return fail(ps, "until: step takes '=' (the run reaches that step)");
    if (parse_number(value, &v) != 0 || v < 0 || v != floor(v) || v > 1e9)
        return fail(ps, "until: step '%.40s' is not a whole number from 0 to 1000000000", value);
    long steps = ps->sc->cfg.steps;
    if (steps > 0 && v > (double)steps)
        return fail(ps, "until: step %.0f is past the run's end (steps = %ld)", v, steps);
    cond->value = v;
    return 0;
}

/* The condition's run exists in its scene and tracks what it reads. */
static int check_cond_run(parser *ps, const nqm_demo_cond *cond)
{
    const nqm_demo_scene *sc = ps->sc;
    int m = cond->model;
    int runs = m < 0 || (sc->compare && (m == MODEL_NET || m == MODEL_QUAD || m == MODEL_LIN)) ||
               (!sc->compare && m == (int)sc->cfg.model) || (m == MODEL_THEORY && sc->theory);
    if (!runs)
        return fail(ps, "until: the scene runs no %s model (%s)", nqm_model_name((nqm_model_kind)m),
                    sc->compare ? "compare runs net, quad and lin" : "compare is off");
    if (cond->qty == NQM_QTY_LAMBDA2 && (nqm_config_n(&sc->cfg) < 2 || sc->cfg.eigs < 2))
        return fail(ps, "until: lambda2: the scene's kernel has one eigenvalue (n = %d, eigs = %d)",
                    nqm_config_n(&sc->cfg), sc->cfg.eigs);
    return 0;
}

/* until [MODEL] QUANTITY OP VALUE */
static int parse_cond(parser *ps, const char *s, nqm_demo_cond *cond)
{
    char word[32];
    cond->model = -1;
    next_word(&s, word, sizeof word);
    int m = nqm_model_parse(word);
    if (m >= 0) {
        cond->model = m;
        next_word(&s, word, sizeof word);
    }
    int q = -1;
    for (int i = 0; i < QTY_COUNT; i++)
        if (strcmp(word, qty_names[i]) == 0)
            q = i;
    if (q < 0)
        return fail(ps,
                    "until: '%s' is not step, phase, regime, loss, g, lambda1 or lambda2 "
                    "(until [MODEL] QUANTITY = VALUE)",
                    word);
    cond->qty = (nqm_demo_qty)q;
    if (parse_cmp(&s, &cond->cmp) != 0)
        return fail(ps, "until: %s needs a comparison (=, <, >, <= or >=)", word);
    char value[NQM_TEXT_MAX_LINE + 1];
    snprintf(value, sizeof value, "%s", skip_blanks(s));
    strip_comment(value);
    if (check_cond_run(ps, cond) != 0)
        return -1;
    if (cond->qty == NQM_QTY_STEP)
        return parse_step(ps, cond, value);
    if (cond->qty == NQM_QTY_PHASE || cond->qty == NQM_QTY_REGIME) {
        if (cond->cmp != NQM_CMP_EQ)
            return fail(ps, "until: %s takes '='", word);
        return parse_label(ps, cond, value);
    }
    return parse_threshold(ps, cond, value);
}

static int do_until(parser *ps, char *rest)
{
    if (need_scene(ps, "until") != 0 || close_setup(ps) != 0)
        return -1;
    nqm_demo_cond cond;
    memset(&cond, 0, sizeof cond);
    if (parse_cond(ps, rest, &cond) != 0)
        return -1;
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
    char *s = (char *)skip_blanks(line);
    ps->prev_caption = ps->in_caption;
    ps->in_caption = 0;
    if (*s == '\0')
        return 0;
    if (*s == '#') {
        if (!ps->demo->description[0]) {
            const char *text = skip_blanks(s + 1);
            snprintf(ps->demo->description, sizeof ps->demo->description, "%s", text);
            trim_end(ps->demo->description);
        }
        return 0;
    }
    size_t n = strcspn(s, " \t=");
    for (int i = 0; i < DIRECTIVES; i++)
        if (strlen(directives[i].name) == n && strncmp(s, directives[i].name, n) == 0 &&
            s[n] != '=') {
            return directives[i].parse(ps, (char *)skip_blanks(s + n));
        }
    if (strchr(s, '='))
        return do_override(ps, s);
    return fail(ps,
                "'%.*s' is not a directive (scene, preset, caption, until, pause, resume, "
                "compare, theory, log, speed) nor a 'key = value' line",
                (int)(n < 40 ? n : 40), s);
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

/* ---- the player ---------------------------------------------------------------- */

static const nqm_demo_scene *scene_of(const nqm_player *p) { return &p->demo->scenes[p->scene]; }

/* The run a condition reads, NULL when the runs in place lack it (the
 * user changed the model or the modes). */
static nqm_run *cond_run(const nqm_demo_cond *c, nqm_runset *set)
{
    if (c->model < 0) {
        const nqm_run *runs[NQM_RUNSET_MAX];
        for (int i = 0; i < set->nruns; i++)
            runs[i] = &set->runs[i];
        const nqm_run *ref = nqm_runs_reference(runs, set->nruns);
        return &set->runs[ref - set->runs];
    }
    for (int i = 0; i < set->nruns; i++)
        if ((int)nqm_run_model(&set->runs[i]) == c->model)
            return &set->runs[i];
    return set->has_theory && c->model == MODEL_THEORY ? &set->theory : NULL;
}

static int compare(double v, nqm_demo_cmp cmp, double t)
{
    switch (cmp) {
    case NQM_CMP_EQ:
        return v == t;
    case NQM_CMP_LT:
        return v < t;
    case NQM_CMP_GT:
        return v > t;
    case NQM_CMP_LE:
        return v <= t;
    default:
        return v >= t;
    }
}

static int cond_holds(const nqm_demo_cond *c, nqm_runset *set)
{
    nqm_run *run = cond_run(c, set);
    if (!run)
        return 0;
    const nqm_record *rec = nqm_run_record(run);
    double v;
    switch (c->qty) {
    case NQM_QTY_STEP:
        return rec->step >= (long)c->value;
    case NQM_QTY_PHASE:
        return (int)rec->phase == c->label;
    case NQM_QTY_REGIME:
        nqm_run_summarize(run);
        return (int)run->summary.phases.regime == c->label;
    case NQM_QTY_LOSS:
        v = rec->loss;
        break;
    case NQM_QTY_G:
        v = rec->g;
        break;
    case NQM_QTY_LAMBDA1:
        v = rec->lambda[0];
        break;
    default:
        v = run->eigs > 1 ? rec->lambda[1] : NAN;
        break;
    }
    double t = c->per_eta > 0 ? c->per_eta / nqm_session_eta(run->session) : c->value;
    return compare(v, c->cmp, t);
}

static void run_command(nqm_player *p, nqm_stage *st, int index)
{
    const nqm_demo_cmd *c = &scene_of(p)->cmds[index];
    nqm_app *app = st->app;
    switch (c->op) {
    case NQM_DEMO_CAPTION:
        p->caption = index;
        break;
    case NQM_DEMO_PAUSE:
    case NQM_DEMO_RESUME:
        app->paused = c->op == NQM_DEMO_PAUSE;
        app->rate_carry = 0;
        break;
    case NQM_DEMO_ETA:
        nqm_runset_set_eta(st->set,
                           c->relative ? c->value * nqm_runset_rate(st->set).eta_crit : c->value);
        break;
    case NQM_DEMO_LOG:
        app->log_loss = c->value != 0;
        break;
    case NQM_DEMO_SPEED:
        app->speed = (int)c->value;
        app->rate_carry = 0;
        break;
    default:
        break;
    }
}

/* Run commands from pc up to the next until (which then waits) or the
 * scene's end. */
static void advance(nqm_player *p, nqm_stage *st)
{
    const nqm_demo_scene *sc = scene_of(p);
    while (p->pc < sc->ncmds && sc->cmds[p->pc].op != NQM_DEMO_UNTIL)
        run_command(p, st, p->pc++);
    p->waiting = p->pc < sc->ncmds;
}

/* A fresh app for the scene's runs, keeping what the viewer chose. */
static void reset_app(nqm_app *app, const nqm_config *cfg, const nqm_runset *set)
{
    nqm_app keep = *app;
    nqm_app_init(app, cfg, keep.picker_count);
    app->picker_sel = keep.picker_sel;
    app->big = keep.big;
    app->demo = keep.demo;
    app->compare = set->nruns > 1;
    app->theory = set->has_theory;
    if (!app->compare)
        app->model = nqm_run_model(&set->runs[0]);
}

int nqm_player_start(nqm_player *p, const nqm_demo *demo, int k, nqm_stage *st, char *err,
                     size_t errlen)
{
    const nqm_demo_scene *sc = &demo->scenes[k];
    const nqm_config *cfg = &sc->cfg;
    nqm_runset_plan plan = {sc->compare ? MODEL_QUAD : cfg->model,
                            cfg->seed,
                            cfg->eta,
                            cfg->eta_mode == ETA_RELATIVE ? cfg->eta_rel : 0,
                            sc->compare,
                            sc->theory};
    nqm_runset fresh;
    nqm_config copy;
    if (nqm_runset_build(&fresh, cfg, &plan, err, errlen) != 0)
        return -1;
    if (nqm_config_copy(&copy, cfg) != 0) {
        nqm_runset_free(&fresh);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    nqm_runset_free(st->set);
    *st->set = fresh;
    nqm_config_free(st->base);
    *st->base = copy;
    reset_app(st->app, cfg, st->set);
    p->demo = demo;
    p->scene = k;
    p->pc = 0;
    p->caption = -1;
    p->held = -1;
    p->held_step = -1;
    advance(p, st);
    return 0;
}

int nqm_player_poll(nqm_player *p, nqm_stage *st)
{
    if (!p->waiting || !cond_holds(&scene_of(p)->cmds[p->pc].cond, st->set))
        return 0;
    p->held = p->pc++;
    p->held_step = nqm_run_step_count(&st->set->runs[0]);
    advance(p, st);
    return 1;
}

int nqm_player_done(const nqm_player *p) { return !p->waiting; }

void nqm_player_caption(const nqm_player *p, nqm_caption *out)
{
    const nqm_demo_scene *sc = scene_of(p);
    memset(out, 0, sizeof *out);
    snprintf(out->heading, sizeof out->heading, "%d/%d  %s", p->scene + 1, p->demo->nscenes,
             sc->title);
    out->rows = p->demo->caption_rows;
    out->last = p->scene == p->demo->nscenes - 1;
    if (p->caption < 0)
        return;
    const nqm_demo_cmd *c = &sc->cmds[p->caption];
    for (int i = 0; i < c->nlines; i++)
        out->lines[i] = c->text[i];
    out->nlines = c->nlines;
}
