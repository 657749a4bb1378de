/* test_record.c: the session recording format without a terminal.
 *
 * What the writer writes the reader reads back: the start configuration
 * (every key, so the runs it builds match the original's record for
 * record), the view and speed, every event in order with its step, time
 * and key (including the keys with names: space, Left, F1, Ctrl-L), and
 * a configuration loaded mid-session. Damaged recordings give one
 * "FILE:LINE: ..." message; a newer format is refused, saying so. The
 * replay cursor trains up to each event's step, waits for its time, and
 * reports a run that can no longer reach it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <unistd.h>

#include "../core/check.h"
#include "nqmtop/app/controller.h"
#include "buildinfo.h"
#include "nqmtop/app/app.h"
#include "nqmtop/app/keys.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/app/record.h"
#include "nqmtop/train/session.h"

/* The text a writer produces, in memory. */
static char *write_session(const nqm_config *start, const nqm_config *loaded, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    int rc = nqm_record_start(f, start, 1, nqm_app_speed_nearest(10), NULL);
    static const int keys[] = {'+', ' ', '.', NQM_KEY_LEFT, NQM_KEY_F1, NQM_KEY_CTRL_L, '#', 'q'};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        nqm_event ev = {NQM_EVENT_KEY, (long)(3 * i), 0.25 * (double)i, keys[i], 0, 0, 0};
        rc |= nqm_record_event(f, &ev, NULL);
    }
    nqm_event settle = {NQM_EVENT_SETTLE, 30, 2.5, 0, 11, 0, 0};
    nqm_event load = {NQM_EVENT_LOAD, 31, 2.75, 0, 0, 0, 0};
    nqm_event quit = {NQM_EVENT_QUIT, 40, 3.0, 0, 0, 0, 0};
    rc |= nqm_record_event(f, &settle, NULL);
    rc |= nqm_record_event(f, &load, loaded);
    rc |= nqm_record_event(f, &quit, NULL);
    fclose(f);
    CHECK(rc == 0, "a write failed");
    return buf;
}

/* Two sessions of these configurations agree for `steps` steps, bit for bit. */
static void check_same_runs(const nqm_config *a, const nqm_config *b, int steps)
{
    char err[256];
    nqm_session *sa = nqm_session_new(a, err, sizeof err),
                *sb = nqm_session_new(b, err, sizeof err);
    CHECK(sa && sb, "sessions: %s", err);
    for (int t = 0; sa && sb && t <= steps; t++) {
        const nqm_record *ra = nqm_session_record(sa), *rb = nqm_session_record(sb);
        CHECK(ra->loss == rb->loss && ra->lambda[0] == rb->lambda[0] && ra->g == rb->g &&
                  ra->eta == rb->eta,
              "step %d: loss %.17g vs %.17g", t, ra->loss, rb->loss);
        nqm_session_step(sa);
        nqm_session_step(sb);
    }
    nqm_session_free(sa);
    nqm_session_free(sb);
}

static void test_round_trip(void)
{
    nqm_config start, loaded;
    char err[1024];
    CHECK(nqm_preset_resolve(&test_places()->presets, "catapult-1d",
                             (const char *[]){"width=321", "seed=9", "eta=2.718"}, 3, &start, err,
                             sizeof err) == 0,
          "%s", err);
    CHECK(nqm_preset_load(&test_places()->presets, "subcritical-1d", &loaded, err, sizeof err) == 0,
          "%s", err);
    size_t len;
    char *text = write_session(&start, &loaded, &len);
    nqm_recording rec;
    CHECK(text && nqm_recording_parse("s.rec", text, len, &rec, err, sizeof err) == 0, "%s", err);
    if (!text || rec.nconfigs != 2 || rec.nevents != 11) {
        CHECK(0, "read %d configs and %d events", rec.nconfigs, rec.nevents);
        free(text);
        return;
    }
    CHECK(rec.format == NQM_RECORD_FORMAT && strcmp(rec.version, NQMTOP_VERSION) == 0 && rec.big &&
              nqm_app_speed_level(rec.speed) == 10,
          "header: format %d version %s big %d speed %d", rec.format, rec.version, rec.big,
          rec.speed);
    const nqm_config *c = &rec.configs[0];
    CHECK(c->width == 321 && c->seed == 9 && c->eta_mode == ETA_ABSOLUTE && c->eta == 2.718 &&
              strcmp(c->preset, "catapult-1d") == 0,
          "start config: width %ld seed %lu eta %.17g preset %s", c->width, c->seed, c->eta,
          c->preset);
    check_same_runs(&start, c, 20);
    CHECK(strcmp(rec.configs[1].preset, "subcritical-1d") == 0, "loaded %s", rec.configs[1].preset);
    check_same_runs(&loaded, &rec.configs[1], 5);
    static const int keys[] = {'+', ' ', '.', NQM_KEY_LEFT, NQM_KEY_F1, NQM_KEY_CTRL_L, '#', 'q'};
    for (int i = 0; i < 8; i++) {
        const nqm_event *ev = &rec.events[i];
        CHECK(ev->kind == NQM_EVENT_KEY && ev->key == keys[i] && ev->step == 3 * i &&
                  ev->seconds == 0.25 * i,
              "event %d: kind %d key %d step %ld at %g", i, ev->kind, ev->key, ev->step,
              ev->seconds);
    }
    CHECK(rec.events[8].kind == NQM_EVENT_SETTLE && rec.events[8].T4 == 11 &&
              rec.events[8].step == 30,
          "settle");
    CHECK(rec.events[9].kind == NQM_EVENT_LOAD && rec.events[9].config == 1, "load");
    CHECK(rec.events[10].kind == NQM_EVENT_QUIT && rec.events[10].step == 40, "quit");
    nqm_recording_free(&rec);
    nqm_config_free(&start);
    nqm_config_free(&loaded);
    free(text);
}

/* A recording whose text is `text` fails with `where` ... `what`. */
static void expect_error(const char *text, const char *where, const char *what)
{
    nqm_recording rec;
    char err[1024] = "";
    int rc = nqm_recording_parse("r.rec", text, strlen(text), &rec, err, sizeof err);
    CHECK(rc != 0, "accepted: %s", text);
    if (rc == 0) {
        nqm_recording_free(&rec);
        return;
    }
    CHECK(strncmp(err, where, strlen(where)) == 0 && strstr(err, what),
          "error '%s', want '%s ... %s'", err, where, what);
    CHECK(!strchr(err, '\n'), "more than one line: %s", err);
}

static void test_errors(void)
{
    const char *good_head = "nqmtop-recording 1\nversion 0.1.0\nconfig x\nwidth = 10\nend-config\n";
    char text[1024];
    expect_error("", "r.rec:1: ", "not an nqmtop recording");
    expect_error("hello\n", "r.rec:1: ", "not an nqmtop recording");
    expect_error("nqmtop-recording 2\nconfig x\nend-config\n",
                 "r.rec:1: ", "recording format 2 is newer than this nqmtop");
    expect_error("nqmtop-recording 1\nversion 0.1.0\n", "r.rec: ", "no configuration");
    expect_error("nqmtop-recording 1\nconfig x\nwidth = 10\n",
                 "r.rec:2: ", "without an end-config");
    expect_error("nqmtop-recording 1\nconfig x\nwidth = 0\nend-config\n",
                 "r.rec:3: width: ", "out of range");
    expect_error("nqmtop-recording 1\nkey 0 0.000 +\n", "r.rec:2: ", "before the 'config' block");
    snprintf(text, sizeof text, "%skey 1 0.5 nosuchkey\n", good_head);
    expect_error(text, "r.rec:6: ", "'nosuchkey' is not a key name");
    snprintf(text, sizeof text, "%skey -1 0.5 +\n", good_head);
    expect_error(text, "r.rec:6: ", "expected a step");
    snprintf(text, sizeof text, "%skey 1 soon +\n", good_head);
    expect_error(text, "r.rec:6: ", "expected seconds");
    snprintf(text, sizeof text, "%skey 1 2.0 +\nkey 2 1.0 +\n", good_head);
    expect_error(text, "r.rec:7: ", "time goes backwards");
    snprintf(text, sizeof text, "%ssettle 1 2.0 x\n", good_head);
    expect_error(text, "r.rec:6: ", "expected T4");
    snprintf(text, sizeof text, "%sjump 1 2.0\n", good_head);
    expect_error(text, "r.rec:6: ", "'jump 1 2.0' is not a recording line");
    snprintf(text, sizeof text, "%sconfig y\nend-config\n", good_head);
    expect_error(text, "r.rec:6: ", "a second 'config' block");
    snprintf(text, sizeof text, "%sview huge\n", good_head);
    expect_error(text, "r.rec:6: ", "view: expected normal or big");
    snprintf(text, sizeof text, "%sspeed 3\n", good_head);
    expect_error(text, "r.rec:6: ", "speed: '3' is not a speed level");
    snprintf(text, sizeof text, "%squit 5 1.0 now\n", good_head);
    expect_error(text, "r.rec:6: ", "quit takes");
}

static void test_cursor(void)
{
    nqm_event events[] = {
        {NQM_EVENT_KEY, 5, 1.0, '+', 0, 0, 1},
        {NQM_EVENT_KEY, 5, 2.0, ' ', 0, 0, 2},
        {NQM_EVENT_QUIT, 9, 4.0, 0, 0, 0, 3},
    };
    nqm_recording rec = {1, "", 0, NQM_SPEED_AUTO, NULL, 0, events, 3};
    nqm_replay r = {&rec, 0};
    CHECK(nqm_replay_state_at(&r, 0, 0.0, 1) == NQM_REPLAY_TRAIN, "trains towards step 5");
    CHECK(nqm_replay_steps_left(&r, 2) == 3, "3 steps left at step 2");
    CHECK(nqm_replay_state_at(&r, 2, 0.0, 0) == NQM_REPLAY_LOST, "paused before the event's step");
    CHECK(nqm_replay_state_at(&r, 5, 0.5, 1) == NQM_REPLAY_WAIT, "at step 5 before its time");
    CHECK(nqm_replay_steps_left(&r, 5) == 0, "no step past the event");
    CHECK(nqm_replay_state_at(&r, 5, 1.0, 1) == NQM_REPLAY_APPLY, "at step 5 at its time");
    CHECK(nqm_replay_state_at(&r, 6, 1.0, 1) == NQM_REPLAY_LOST, "past the event's step");
    r.next = 2;
    CHECK(nqm_replay_state_at(&r, 5, 3.0, 1) == NQM_REPLAY_TRAIN, "on to the quit");
    r.next = 3;
    CHECK(nqm_replay_state_at(&r, 9, 9.0, 1) == NQM_REPLAY_END && nqm_replay_steps_left(&r, 9) == 0,
          "done");
}

static double replay_now;
static double replay_clock(void) { return replay_now; }

/* Files in the working directory. */
static int files_here(void)
{
    int n = 0;
    DIR *d = opendir(".");
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.' || strncmp(e->d_name, ".nqmtop", 7) == 0;
    if (d)
        closedir(d);
    return n;
}

/* Replay a recording of `count` e keys (in an empty folder) with or without
 * --replay-exports; the files it left. */
static int replay_exports(int count, int allowed)
{
    nqm_config cfg;
    char err[1024], *text = NULL;
    size_t len;
    CHECK(nqm_preset_load(&test_places()->presets, "catapult-1d", &cfg, err, sizeof err) == 0, "%s",
          err);
    FILE *f = open_memstream(&text, &len);
    int rc = nqm_record_start(f, &cfg, 0, nqm_app_speed_nearest(10), "nqmtop test");
    for (int i = 0; i < count; i++) {
        nqm_event ev = {NQM_EVENT_KEY, 0, 0.01 * i, 'e', 0, 0, 0};
        rc |= nqm_record_event(f, &ev, NULL);
    }
    nqm_event quit = {NQM_EVENT_QUIT, 0, 0.01 * count, 0, 0, 0, 0};
    rc |= nqm_record_event(f, &quit, NULL);
    fclose(f);
    nqm_recording rec;
    CHECK(rc == 0 && nqm_recording_parse("e.rec", text, len, &rec, err, sizeof err) == 0, "%s",
          err);
    char dir[] = "/tmp/nqmtop-replay-XXXXXX", back[4096];
    CHECK(mkdtemp(dir) && getcwd(back, sizeof back) && chdir(dir) == 0, "a folder to replay in");
    nqm_controller_options opt;
    memset(&opt, 0, sizeof opt);
    opt.clock = replay_clock;
    opt.places = test_places();
    opt.replay = &rec;
    opt.replay_exports = allowed;
    nqm_controller c;
    replay_now = 0;
    CHECK(nqm_controller_open(&c, &rec.configs[0], &opt, err, sizeof err) == 0, "%s", err);
    nqm_controller_begin(&c);
    for (int t = 0; t <= count + 10; t++) {
        replay_now = 0.01 * t;
        nqm_controller_tick(&c);
    }
    nqm_controller_close(&c);
    int files = files_here();
    DIR *d = opendir(".");
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlink(e->d_name);
    if (d)
        closedir(d);
    CHECK(chdir(back) == 0 && rmdir(dir) == 0, "cleaning %s", dir);
    nqm_recording_free(&rec);
    nqm_config_free(&cfg);
    free(text);
    return files;
}

/* A replay of `text` (a recording) on a controller at replay_now = 0. */
static int open_replay(nqm_controller *c, nqm_recording *rec, const char *text, size_t len)
{
    char err[1024];
    if (nqm_recording_parse("t.rec", text, len, rec, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return -1;
    }
    nqm_controller_options opt;
    memset(&opt, 0, sizeof opt);
    opt.clock = replay_clock;
    opt.places = test_places();
    opt.replay = rec;
    replay_now = 0;
    int rc = nqm_controller_open(c, &rec->configs[0], &opt, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    if (rc == 0)
        nqm_controller_begin(c);
    return rc;
}

/* A recording of catapult-1d with these events (then a quit at 9 s). */
static char *recording_of(const nqm_event *events, int n, size_t *len)
{
    nqm_config cfg;
    char err[1024], *text = NULL;
    CHECK(nqm_preset_load(&test_places()->presets, "catapult-1d", &cfg, err, sizeof err) == 0, "%s",
          err);
    FILE *f = open_memstream(&text, len);
    int rc = nqm_record_start(f, &cfg, 0, nqm_app_speed_nearest(10), "nqmtop test");
    for (int i = 0; i < n; i++)
        rc |= nqm_record_event(f, &events[i], NULL);
    nqm_event quit = {NQM_EVENT_QUIT, 200, 9.0, 0, 0, 0, 0};
    rc |= nqm_record_event(f, &quit, NULL);
    fclose(f);
    nqm_config_free(&cfg);
    CHECK(rc == 0, "writing the recording");
    return text;
}

/* The 1-based number of the line of text that starts with prefix, the
 * nth such line. */
static int line_of(const char *text, const char *prefix, int nth)
{
    int line = 1;
    for (const char *p = text; *p; line++) {
        if (strncmp(p, prefix, strlen(prefix)) == 0 && --nth == 0)
            return line;
        const char *nl = strchr(p, '\n');
        if (!nl)
            break;
        p = nl + 1;
    }
    return -1;
}

/* The viewer's space holds a replay: no event is applied and no step
 * taken until the next space, and the badge says HELD. */
static void test_replay_hold(void)
{
    nqm_event ev = {NQM_EVENT_KEY, 3, 0.5, '+', 0, 0, 0};
    size_t len;
    char *text = recording_of(&ev, 1, &len);
    nqm_controller c;
    nqm_recording rec;
    if (open_replay(&c, &rec, text, len) == 0) {
        nqm_controller_key(&c, ' '); /* hold */
        for (int t = 1; t <= 100; t++) {
            replay_now = 0.01 * t;
            nqm_controller_tick(&c);
        }
        CHECK(strstr(c.badge, "HELD (space goes on)") != NULL, "held: badge '%s'", c.badge);
        CHECK(c.cursor.next == 0 && c.app.step <= 3, "held: event %d applied, step %ld",
              c.cursor.next, c.app.step);
        nqm_controller_key(&c, ' '); /* on */
        for (int t = 101; t <= 300; t++) {
            replay_now = 0.01 * t;
            nqm_controller_tick(&c);
        }
        CHECK(c.cursor.next >= 1 && strstr(c.badge, "HELD") == NULL,
              "released: event %d, badge '%s'", c.cursor.next, c.badge);
        nqm_controller_close(&c);
        nqm_recording_free(&rec);
    }
    free(text);
}

/* A recorded pause at step 2 and a key recorded at step 10: the paused
 * run can never reach step 10, and the badge names the line of that key. */
static void test_replay_lost(void)
{
    nqm_event ev[] = {{NQM_EVENT_KEY, 2, 0.1, ' ', 0, 0, 0},
                      {NQM_EVENT_KEY, 10, 0.2, '+', 0, 0, 0}};
    size_t len;
    char *text = recording_of(ev, 2, &len);
    nqm_controller c;
    nqm_recording rec;
    if (open_replay(&c, &rec, text, len) == 0) {
        for (int t = 1; t <= 200; t++) {
            replay_now = 0.01 * t;
            nqm_controller_tick(&c);
        }
        char want[64];
        snprintf(want, sizeof want, "REPLAY LOST before line %d", line_of(text, "key", 2));
        CHECK(strcmp(c.badge, want) == 0 && c.app.step == 2, "badge '%s', want '%s' (step %ld)",
              c.badge, want, c.app.step);
        nqm_controller_close(&c);
        nqm_recording_free(&rec);
    }
    free(text);
}

/* A recording that can no longer be written (its stream full after the
 * header) stops, and the status line says so; the session goes on. */
static void test_record_write_failure(void)
{
    nqm_config cfg;
    char err[1024], *header = NULL;
    size_t hlen;
    CHECK(nqm_preset_load(&test_places()->presets, "catapult-1d", &cfg, err, sizeof err) == 0, "%s",
          err);
    FILE *h = open_memstream(&header, &hlen);
    nqm_record_start(h, &cfg, 0, NQM_SPEED_AUTO, NULL);
    fclose(h);
    char *buf = calloc(1, hlen + 64);
    FILE *f = fmemopen(buf, hlen + 4, "w"); /* the header, and no room for an event */
    nqm_controller_options opt;
    memset(&opt, 0, sizeof opt);
    opt.clock = replay_clock;
    opt.places = test_places();
    opt.record = f;
    nqm_controller c;
    replay_now = 0;
    int rc = nqm_controller_open(&c, &cfg, &opt, err, sizeof err);
    CHECK(rc == 0, "the header did not fit: %s", err);
    if (rc == 0) {
        nqm_controller_begin(&c);
        nqm_controller_key(&c, '+');
        CHECK(strcmp(c.app.message, "writing the recording failed; recording stopped") == 0 &&
                  c.record == NULL,
              "status '%s'", c.app.message);
        nqm_controller_key(&c, '+'); /* no more writes */
        CHECK(c.app.eta_asked > 0, "the session went on");
        nqm_controller_close(&c);
    }
    fclose(f);
    free(buf);
    free(header);
    nqm_config_free(&cfg);
}

/* A recording's e keys write nothing unless --replay-exports says so. */
static void test_replay_exports(void)
{
    int none = replay_exports(30, 0), some = replay_exports(3, 1);
    CHECK(none == 0, "a replay of 30 e keys without --replay-exports wrote %d files", none);
    CHECK(some == 6, "a replay of 3 e keys with --replay-exports wrote %d files (3 CSV, 3 SVG)",
          some);
}

int main(void)
{
    test_round_trip();
    test_errors();
    test_cursor();
    test_replay_exports();
    test_replay_hold();
    test_replay_lost();
    test_record_write_failure();
    return check_report("recording");
}
