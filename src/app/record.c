/* record.c: the session recording format (see record.h): the writer the
 * UI calls as a session goes, the reader behind --replay, and the replay
 * cursor that says when the next event is due. No terminal, no clock. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildinfo.h"
#include "nqmtop/app/app.h"
#include "nqmtop/app/keys.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/app/record.h"
#include "nqmtop/base/cnum.h"
#include "nqmtop/base/textfile.h"

#define MAGIC      "nqmtop-recording"
#define END_CONFIG "end-config"

/* ---- writing -------------------------------------------------------------- */

static int flushed(FILE *f) { return fflush(f) == 0 && !ferror(f) ? 0 : -1; }

static void speed_word(int speed, char *buf, size_t len)
{
    double rate = nqm_app_speed_level(speed);
    if (speed == NQM_SPEED_AUTO)
        snprintf(buf, len, "auto");
    else if (isinf(rate))
        snprintf(buf, len, "max");
    else
        snprintf(buf, len, "%g", rate);
}

/* A configuration as preset text up to an end-config line. */
static int write_config(FILE *f, const nqm_config *cfg)
{
    if (nqm_preset_write(f, cfg) != 0)
        return -1;
    fputs(END_CONFIG "\n", f);
    return 0;
}

int nqm_record_start(FILE *f, const nqm_config *cfg, int big, int speed, const char *made_by)
{
    char word[32];
    speed_word(speed, word, sizeof word);
    fprintf(f, MAGIC " %d\n", NQM_RECORD_FORMAT);
    if (made_by)
        fprintf(f, "# %s\n", made_by);
    fprintf(f, "version %s\nview %s\nspeed %s\nconfig %s\n", NQMTOP_VERSION, big ? "big" : "normal",
            word, cfg->preset);
    if (write_config(f, cfg) != 0)
        return -1;
    return flushed(f);
}

int nqm_record_event(FILE *f, const nqm_event *ev, const nqm_config *loaded)
{
    char name[32];
    switch (ev->kind) {
    case NQM_EVENT_KEY:
        fprintf(f, "key %ld %.3f %s\n", ev->step, ev->seconds,
                nqm_key_name(ev->key, name, sizeof name));
        break;
    case NQM_EVENT_SETTLE:
        fprintf(f, "settle %ld %.3f %ld\n", ev->step, ev->seconds, ev->T4);
        break;
    case NQM_EVENT_LOAD:
        fprintf(f, "load %ld %.3f %s\n", ev->step, ev->seconds, loaded->preset);
        if (write_config(f, loaded) != 0)
            return -1;
        break;
    default:
        fprintf(f, "quit %ld %.3f\n", ev->step, ev->seconds);
        break;
    }
    return flushed(f);
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct {
    const char *label;
    nqm_lines it;
    nqm_recording *rec;
    char line[NQM_TEXT_MAX_LINE + 1];
    char *err;
    size_t errlen;
} reader;

static int fail(reader *rd, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(reader *rd, int line, const char *fmt, ...)
{
    int used = line > 0 ? snprintf(rd->err, rd->errlen, "%s:%d: ", rd->label, line)
                        : snprintf(rd->err, rd->errlen, "%s: ", rd->label);
    if (used >= 0 && (size_t)used < rd->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(rd->err + used, rd->errlen - (size_t)used, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The next line; 0 at the end, -1 on a bad line (err set). */
static int next_line(reader *rd) { return nqm_lines_next(&rd->it, rd->line, rd->err, rd->errlen); }

/* "WORD rest": the rest after word and one blank, or NULL. */
static const char *after_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(line, word, n) != 0 || (line[n] != ' ' && line[n] != '\0'))
        return NULL;
    return line[n] ? line + n + 1 : line + n;
}

/* The lines after line `first` up to end-config, as text in which they
 * keep their line numbers (blank lines before them). 0, or -1 (err set). */
static int read_block(reader *rd, int first, char **out, size_t *len)
{
    size_t cap = (size_t)first + 1024, used = (size_t)first;
    char *text = malloc(cap);
    if (!text)
        return fail(rd, first, "out of memory");
    memset(text, '\n', used);
    int rc;
    while ((rc = next_line(rd)) > 0 && strcmp(rd->line, END_CONFIG) != 0) {
        size_t n = strlen(rd->line);
        char *more = used + n + 2 > cap ? realloc(text, cap = 2 * (used + n + 2)) : text;
        if (!more) {
            free(text);
            return fail(rd, rd->it.lineno, "out of memory");
        }
        text = more;
        memcpy(text + used, rd->line, n);
        used += n;
        text[used++] = '\n';
    }
    if (rc <= 0) {
        free(text);
        return rc < 0 ? -1 : fail(rd, first, "configuration without an " END_CONFIG " line");
    }
    *out = text;
    *len = used;
    return 0;
}

/* The configuration block after line `first`, parsed as a preset, into
 * a new config named name. */
static int read_config(reader *rd, const char *name_in_line, int first)
{
    char name[NQM_NAME_LEN], msg[1024], *text = NULL;
    size_t len = 0;
    snprintf(name, sizeof name, "%s", name_in_line); /* the line buffer is reused */
    if (read_block(rd, first, &text, &len) != 0)
        return -1;
    nqm_recording *rec = rd->rec;
    nqm_config *more = realloc(rec->configs, (size_t)(rec->nconfigs + 1) * sizeof *more);
    if (!more) {
        free(text);
        return fail(rd, first, "out of memory");
    }
    rec->configs = more;
    nqm_config *cfg = &rec->configs[rec->nconfigs];
    /* the preset parser names the file; relative paths in the text were
     * resolved when it was written, so they are taken as they are */
    const char *base = strrchr(rd->label, '/');
    base = base ? base + 1 : rd->label;
    int rc = nqm_preset_parse(base, text, len, cfg, msg, sizeof msg);
    free(text);
    if (rc != 0) {
        size_t skip = strncmp(msg, base, strlen(base)) == 0 ? strlen(base) : 0;
        snprintf(rd->err, rd->errlen, "%s%s%s", rd->label, skip ? "" : ": ", msg + skip);
        return -1;
    }
    snprintf(cfg->preset, sizeof cfg->preset, "%s", name);
    rec->nconfigs++;
    return 0;
}

/* "STEP SECONDS" at the start of s; *end past them. */
static int read_when(reader *rd, const char *s, nqm_event *ev, const char **end)
{
    char *p;
    ev->step = strtol(s, &p, 10);
    if (p == s || *p != ' ' || ev->step < 0)
        return fail(rd, ev->line, "expected a step (a whole number >= 0), not '%.20s'", s);
    s = p + 1;
    const char *after = s;
    char ignored[128];
    if (nqm_scan_number(&after, &ev->seconds, ignored, sizeof ignored) != 0 ||
        (*after != ' ' && *after != '\0') || !(ev->seconds >= 0))
        return fail(rd, ev->line, "expected seconds (a number >= 0), not '%.20s'", s);
    const nqm_recording *rec = rd->rec;
    if (rec->nevents > 0 && ev->seconds < rec->events[rec->nevents - 1].seconds)
        return fail(rd, ev->line, "time goes backwards (%.3f after %.3f)", ev->seconds,
                    rec->events[rec->nevents - 1].seconds);
    *end = *after ? after + 1 : after;
    return 0;
}

static int add_event(reader *rd, const nqm_event *ev)
{
    nqm_recording *rec = rd->rec;
    nqm_event *more = realloc(rec->events, (size_t)(rec->nevents + 1) * sizeof *more);
    if (!more)
        return fail(rd, ev->line, "out of memory");
    rec->events = more;
    rec->events[rec->nevents++] = *ev;
    return 0;
}

/* key, settle, load, quit. */
static int read_event(reader *rd, nqm_event_kind kind, const char *rest)
{
    nqm_event ev;
    const char *arg = "";
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.line = rd->it.lineno;
    if (rd->rec->nconfigs == 0)
        return fail(rd, ev.line, "an event before the 'config' block");
    if (read_when(rd, rest, &ev, &arg) != 0)
        return -1;
    char *end;
    switch (kind) {
    case NQM_EVENT_KEY:
        ev.key = nqm_key_parse(arg);
        if (!ev.key)
            return fail(rd, ev.line, "'%.20s' is not a key name", arg);
        break;
    case NQM_EVENT_SETTLE:
        ev.T4 = strtol(arg, &end, 10);
        if (end == arg || *end || ev.T4 < 0)
            return fail(rd, ev.line, "expected T4 (a whole number >= 0), not '%.20s'", arg);
        break;
    case NQM_EVENT_LOAD:
        ev.config = rd->rec->nconfigs;
        if (read_config(rd, arg, ev.line) != 0)
            return -1;
        break;
    default:
        if (*arg)
            return fail(rd, ev.line, "quit takes a step and seconds only");
        break;
    }
    return add_event(rd, &ev);
}

static int read_header_item(reader *rd, const char *line)
{
    nqm_recording *rec = rd->rec;
    const char *v;
    int lineno = rd->it.lineno;
    if ((v = after_word(line, "version"))) {
        snprintf(rec->version, sizeof rec->version, "%s", v);
        return 0;
    }
    if ((v = after_word(line, "view"))) {
        if (strcmp(v, "big") != 0 && strcmp(v, "normal") != 0)
            return fail(rd, lineno, "view: expected normal or big, not '%.20s'", v);
        rec->big = strcmp(v, "big") == 0;
        return 0;
    }
    if ((v = after_word(line, "speed"))) {
        char word[32];
        for (int i = NQM_SPEED_AUTO; i < nqm_app_speed_levels(); i++) {
            speed_word(i, word, sizeof word);
            if (strcmp(word, v) == 0) {
                rec->speed = i;
                return 0;
            }
        }
        return fail(rd, lineno, "speed: '%.20s' is not a speed level", v);
    }
    if ((v = after_word(line, "config"))) {
        if (rec->nconfigs > 0)
            return fail(rd, lineno, "a second 'config' block");
        return read_config(rd, v, lineno);
    }
    return 1;
}

static int read_line(reader *rd)
{
    static const struct {
        const char *word;
        nqm_event_kind kind;
    } events[] = {{"key", NQM_EVENT_KEY},
                  {"settle", NQM_EVENT_SETTLE},
                  {"load", NQM_EVENT_LOAD},
                  {"quit", NQM_EVENT_QUIT}};
    const char *line = rd->line;
    if (line[0] == '\0' || line[0] == '#')
        return 0;
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        const char *rest = after_word(line, events[i].word);
        if (rest)
            return read_event(rd, events[i].kind, rest);
    }
    int rc = read_header_item(rd, line);
    if (rc <= 0)
        return rc;
    return fail(rd, rd->it.lineno,
                "'%.20s' is not a recording line (version, view, speed, config, key, settle, "
                "load, quit)",
                line);
}

/* The first line: the magic word and a format this reader takes. */
static int read_magic(reader *rd)
{
    int rc = next_line(rd);
    if (rc < 0)
        return -1;
    const char *v = rc > 0 ? after_word(rd->line, MAGIC) : NULL;
    char *end;
    long format = v ? strtol(v, &end, 10) : 0;
    if (!v || end == v || *end || format < 1)
        return fail(rd, 1, "not an nqmtop recording (the first line is not '" MAGIC " N')");
    if (format > NQM_RECORD_FORMAT)
        return fail(rd, 1,
                    "recording format %ld is newer than this nqmtop %s reads (%d); replay it "
                    "with the nqmtop that wrote it",
                    format, NQMTOP_VERSION, NQM_RECORD_FORMAT);
    rd->rec->format = (int)format;
    return 0;
}

int nqm_recording_parse(const char *label, const char *text, size_t len, nqm_recording *rec,
                        char *err, size_t errlen)
{
    reader *rd = malloc(sizeof *rd);
    memset(rec, 0, sizeof *rec);
    rec->speed = NQM_SPEED_AUTO;
    if (!rd) {
        snprintf(err, errlen, "%s: out of memory", label);
        return -1;
    }
    rd->label = label;
    rd->rec = rec;
    rd->err = err;
    rd->errlen = errlen;
    nqm_lines_init(&rd->it, label, text, len);
    int rc = read_magic(rd);
    while (rc == 0 && (rc = next_line(rd)) > 0)
        rc = read_line(rd);
    if (rc == 0 && rec->nconfigs == 0)
        rc = fail(rd, 0, "no configuration (a recording has a 'config' block)");
    free(rd);
    if (rc != 0)
        nqm_recording_free(rec);
    return rc;
}

int nqm_recording_load(const char *path, nqm_recording *rec, char *err, size_t errlen)
{
    char *text;
    size_t len = 0;
    memset(rec, 0, sizeof *rec);
    if (nqm_text_read(path, "recording", NQM_TEXT_MAX_FILE, &text, &len, err, errlen) != 0)
        return -1;
    int rc = nqm_recording_parse(path, text, len, rec, err, errlen);
    free(text);
    return rc;
}

void nqm_recording_free(nqm_recording *rec)
{
    for (int i = 0; i < rec->nconfigs; i++)
        nqm_config_free(&rec->configs[i]);
    free(rec->configs);
    free(rec->events);
    memset(rec, 0, sizeof *rec);
}

/* ---- replaying ---------------------------------------------------------------- */

nqm_replay_state nqm_replay_state_at(const nqm_replay *r, long step, double seconds, int can_train)
{
    if (r->next >= r->rec->nevents)
        return NQM_REPLAY_END;
    const nqm_event *ev = &r->rec->events[r->next];
    if (step > ev->step)
        return NQM_REPLAY_LOST;
    if (step == ev->step)
        return seconds >= ev->seconds ? NQM_REPLAY_APPLY : NQM_REPLAY_WAIT;
    return can_train ? NQM_REPLAY_TRAIN : NQM_REPLAY_LOST;
}

long nqm_replay_steps_left(const nqm_replay *r, long step)
{
    if (r->next >= r->rec->nevents || r->rec->events[r->next].step <= step)
        return 0;
    return r->rec->events[r->next].step - step;
}
