/* test_demo_format.c: the demo script format without a terminal.
 *
 * Every kind of bad script gives one message "FILE:LINE: ..." naming the
 * right line; good scripts resolve their scenes (presets, overrides,
 * inherited configurations, presets relative to the script); demos are
 * found by name; and the player does what each command says at the step
 * its until holds: mid-run eta (absolute and relative), pause, resume,
 * speed, log, captions that replace each other, conditions on one model
 * of a compare run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/check.h"
#include "nqmtop/app/demo.h"
#include "session.h"

static int parse(const char *text, nqm_demo *d, char *err, size_t errlen)
{
    return nqm_demo_parse(test_places(), "t.demo", text, strlen(text), d, err, errlen);
}

/* The script fails with a message that starts with `where` and contains
 * `what`. */
static void expect_error(const char *text, const char *where, const char *what)
{
    nqm_demo d;
    char err[1024] = "";
    int rc = parse(text, &d, err, sizeof err);
    CHECK(rc != 0, "accepted: %s", text);
    if (rc == 0) {
        nqm_demo_free(&d);
        return;
    }
    CHECK(strncmp(err, where, strlen(where)) == 0 && strstr(err, what) != NULL,
          "error '%s', want '%s ... %s'", err, where, what);
    CHECK(strchr(err, '\n') == NULL, "a message of more than one line: %s", err);
}

static void test_errors(void)
{
    expect_error("", "t.demo: ", "no scene");
    expect_error("# only a comment\n", "t.demo: ", "no scene");
    expect_error("caption hi\n", "t.demo:1: ", "before the first scene");
    expect_error("width = 10\n", "t.demo:1: ", "before the first scene");
    expect_error("scene\n", "t.demo:1: ", "needs a title");
    expect_error("scene A\nwidth = 0\n", "t.demo:2: width: ", "out of range");
    expect_error("scene A\nwidht = 10\n", "t.demo:2: widht: ", "unknown key (did you mean width?)");
    expect_error("scene A\n\n  eta_rel = \n", "t.demo:3: eta_rel: ", "empty value");
    expect_error("scene A\npreset no-such-preset\n", "t.demo:2: preset: ", "unknown preset");
    expect_error("scene A\nwidth = 10\npreset catapult-1d\n",
                 "t.demo:3: preset: ", "before the scene's key = value lines (line 2)");
    expect_error("scene A\npreset catapult-1d\npreset catapult-1d\n",
                 "t.demo:3: preset: ", "already has one (line 2)");
    expect_error("scene A\nuntil step = 5\nwidth = 10\n",
                 "t.demo:3: width: ", "only eta and eta_rel");
    expect_error("scene A\nuntil step = 5\neta = -1\n", "t.demo:3: eta: ", "");
    expect_error("scene A\nuntil step = 5\ncompare on\n",
                 "t.demo:3: compare: ", "before the scene's first until");
    expect_error("scene A\nuntil step = 5\npreset catapult-1d\n",
                 "t.demo:3: preset: ", "before the scene's first until");
    expect_error(
        "scene A\nuntil phase = top\n", "t.demo:2: until: ",
        "'top' is not a phase (monotone, increasing, peak, decreasing, edge, oscillating, chaotic, "
        "collapsed, divergent)");
    expect_error("scene A\nuntil regime < catapult\n", "t.demo:2: until: ", "regime takes '='");
    expect_error("scene A\nuntil regime = catapulted\n", "t.demo:2: until: ", "not a regime");
    expect_error("scene A\nuntil step = 500\n",
                 "t.demo:2: until: ", "step 500 is past the run's end (steps = 200)");
    expect_error("scene A\nuntil step < 5\n", "t.demo:2: until: ", "step takes '='");
    expect_error("scene A\nuntil step = 2.5\n", "t.demo:2: until: ", "not a whole number");
    expect_error("scene A\nuntil lambda2 < 2/eta\n",
                 "t.demo:2: until: lambda2: ", "one eigenvalue");
    expect_error("scene A\nuntil lin loss > 1\n", "t.demo:2: until: ", "runs no lin model");
    expect_error("scene A\nuntil theory loss > 1\n", "t.demo:2: until: ", "runs no theory model");
    expect_error("scene A\nuntil speed = 3\n", "t.demo:2: until: ", "'speed' is not step");
    expect_error("scene A\nuntil loss 3\n", "t.demo:2: until: ", "needs a comparison");
    expect_error("scene A\nuntil peak = 3\n", "t.demo:2: until: ", "peak takes no comparison");
    expect_error("scene A\nuntil lin peak\n", "t.demo:2: until: ", "runs no lin model");
    expect_error("scene A\nuntil loss > abc\n", "t.demo:2: until: ", "not a number or K/eta");
    expect_error("scene A\nuntil loss > inf\n", "t.demo:2: until: ", "not a number");
    expect_error("scene A\nuntil lambda1 < 0/eta\n", "t.demo:2: until: ", "not a number");
    expect_error("scene A\nspeed 3\n", "t.demo:2: speed: ", "one of 1, 2, 5, 10");
    expect_error("scene A\nlog maybe\n", "t.demo:2: log: ", "expected on or off");
    expect_error("scene A\ncompare yes\n", "t.demo:2: compare: ", "expected on or off");
    expect_error("scene A\nfrobnicate\n", "t.demo:2: ", "'frobnicate' is not a directive");
    expect_error("scene A\npause now\n", "t.demo:2: pause: ", "takes no argument");
    expect_error("scene A\nactivation = tanh\ntheory on\nuntil step = 1\n",
                 "t.demo:3: theory: ", "relu");
    expect_error("scene A\ntheory on\nactivation = tanh\n", "t.demo:2: theory: ", "relu");
    expect_error("scene A\nmodel = theory\ntheory on\n", "t.demo:3: theory: ", "already");
    expect_error("scene A\ncaption "
                 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
                 "t.demo:2: caption: ", "77 columns wide; at most 76");
    /* 70 cells with braille, 80 in ASCII (each eta is three letters there) */
    expect_error("scene A\ncaption "
                 "ηηηηη xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
                 "t.demo:2: caption: ", "columns wide");
    expect_error("scene A\ncaption 1\ncaption 2\ncaption 3\ncaption 4\n",
                 "t.demo:5: caption: ", "at most 3 lines");
    expect_error("scene A title that is much too long for the heading row\n",
                 "t.demo:1: scene: ", "at most 40");
    expect_error("scene A\ncaption \xff\n", "t.demo:2: ", "invalid UTF-8 byte 0xff");
    static const char nul[] = "scene A\ncap\0tion\n";
    nqm_demo d;
    char err[512];
    CHECK(nqm_demo_parse(test_places(), "t.demo", nul, sizeof nul - 1, &d, err, sizeof err) != 0 &&
              strstr(err, "t.demo:2: NUL byte at column 4"),
          "NUL: %s", err);
}

static void test_scenes(void)
{
    nqm_demo d;
    char err[1024];
    const char *text = "# a test demo\n"
                       "\n"
                       "scene One\n"
                       "preset catapult-1d\n"
                       "width = 300\n"
                       "compare on\n"
                       "caption one\n"
                       "caption two\n"
                       "until step = 3\n"
                       "caption three # not a comment\n"
                       "scene Two\n"
                       "seed = 7   # a comment\n"
                       "theory on\n";
    CHECK(parse(text, &d, err, sizeof err) == 0, "%s", err);
    if (d.nscenes != 2) {
        CHECK(0, "%d scenes", d.nscenes);
        return;
    }
    CHECK(strcmp(d.name, "t") == 0 && strcmp(d.description, "a test demo") == 0, "name %s, %s",
          d.name, d.description);
    const nqm_demo_scene *a = &d.scenes[0], *b = &d.scenes[1];
    CHECK(strcmp(a->title, "One") == 0 && a->line == 3, "title '%s' line %d", a->title, a->line);
    CHECK(a->cfg.width == 300 && strcmp(a->cfg.preset, "catapult-1d") == 0 && a->compare &&
              !a->theory,
          "scene one: width %ld preset %s", a->cfg.width, a->cfg.preset);
    CHECK(a->ncmds == 3 && a->cmds[0].op == NQM_DEMO_CAPTION && a->cmds[0].nlines == 2 &&
              a->cmds[1].op == NQM_DEMO_UNTIL && a->cmds[2].nlines == 1 &&
              strcmp(a->cmds[2].text[0], "three # not a comment") == 0,
          "scene one's commands");
    CHECK(d.caption_rows == 2, "caption rows %d", d.caption_rows);
    CHECK(b->cfg.width == 300 && b->cfg.seed == 7 && !b->compare && b->theory,
          "scene two inherits the configuration, not the modes: width %ld seed %lu", b->cfg.width,
          b->cfg.seed);
    nqm_demo_free(&d);
}

static void test_relative_preset(void)
{
    char dir[] = "/tmp/nqmtop-demo-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    char preset[4096], demo[4096], err[1024];
    snprintf(preset, sizeof preset, "%s/mine.preset", dir);
    snprintf(demo, sizeof demo, "%s/mine.demo", dir);
    FILE *f = fopen(preset, "w");
    if (f) {
        fputs("width = 77\n", f);
        fclose(f);
    }
    f = fopen(demo, "w");
    if (f) {
        fputs("scene Mine\npreset mine.preset\n", f);
        fclose(f);
    }
    nqm_demo d;
    CHECK(nqm_demo_load(test_places(), demo, &d, err, sizeof err) == 0, "%s", err);
    if (d.nscenes == 1) {
        CHECK(d.scenes[0].cfg.width == 77, "width %ld", d.scenes[0].cfg.width);
        nqm_demo_free(&d);
    }
    unlink(preset);
    unlink(demo);
    rmdir(dir);
}

static void test_find(void)
{
    char path[4096], err[1024];
    setenv("XDG_CONFIG_HOME", "/nonexistent-nqmtop-test", 1);
    CHECK(nqm_demo_find(test_places(), "catapult-tour", path, sizeof path, err, sizeof err) == 0,
          "%s", err);
    CHECK(strstr(path, "demos/catapult-tour.demo") != NULL, "found %s", path);
    CHECK(nqm_demo_find(test_places(), "catapult-tuor", path, sizeof path, err, sizeof err) != 0,
          "found a typo");
    CHECK(strstr(err, "unknown demo 'catapult-tuor' (demos: ") && strstr(err, "catapult-tour") &&
              strstr(err, "two-directions"),
          "%s", err);
    CHECK(nqm_demo_find(test_places(), "x/y.demo", path, sizeof path, err, sizeof err) == 0 &&
              strcmp(path, "x/y.demo") == 0,
          "a path is taken as it is: %s", path);
    nqm_demo d;
    CHECK(nqm_demo_load(test_places(), "/nonexistent/z.demo", &d, err, sizeof err) != 0 &&
              strstr(err, "/nonexistent/z.demo: cannot open"),
          "%s", err);
}

/* ---- the player's commands ------------------------------------------------ */

/* Step until the player fires; returns the step it fired at (-1: never). */
static long step_until_fired(nqm_player *p, nqm_controller *r, long limit)
{
    char err[256];
    nqm_stage st = nqm_controller_stage(r);
    for (long t = 0; t <= limit; t++) {
        if (nqm_player_poll(p, &st))
            return p->held_step;
        if (nqm_runset_step(&r->set, err, sizeof err) < 0)
            return -1;
    }
    return -1;
}

static void test_commands(void)
{
    const char *text = "scene Commands\n"
                       "preset catapult-1d\n"
                       "width = 300\n"
                       "speed 5\n"
                       "caption first\n"
                       "until step = 7\n"
                       "eta = 0.5\n"
                       "pause\n"
                       "log off\n"
                       "caption second\n"
                       "caption line two\n"
                       "until step = 9\n"
                       "resume\n"
                       "eta_rel = 0.25\n"
                       "speed auto\n"
                       "until loss < 1e-6\n";
    nqm_demo d;
    char err[1024];
    if (parse(text, &d, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return;
    }
    nqm_controller r;
    if (test_session(&r, &d.scenes[0].cfg, NULL) != 0)
        return;
    nqm_stage st = nqm_controller_stage(&r);
    nqm_player p;
    nqm_caption cap;
    CHECK(nqm_player_start(&p, &d, 0, &st, err, sizeof err) == 0, "%s", err);
    CHECK(r.base.width == 300 && r.app.log_loss && !r.app.paused, "fresh scene");
    CHECK(nqm_app_rate(&r.app) == 5, "speed 5: rate %g", nqm_app_rate(&r.app));
    nqm_player_caption(&p, &cap);
    CHECK(cap.nlines == 1 && strcmp(cap.lines[0], "first") == 0 && cap.rows == 2 &&
              strcmp(cap.heading, "1/1  Commands") == 0 && cap.last,
          "caption '%s' heading '%s'", cap.nlines ? cap.lines[0] : "", cap.heading);
    double eta0 = nqm_session_eta(r.set.runs[0].session);
    CHECK(step_until_fired(&p, &r, 50) == 7, "until step = 7 fired at %ld", p.held_step);
    double eta = nqm_runset_rate(&r.set).eta;
    CHECK(r.app.paused && !r.app.log_loss && eta == 0.5, "paused %d log %d eta %g", r.app.paused,
          r.app.log_loss, eta);
    nqm_player_caption(&p, &cap);
    CHECK(cap.nlines == 2 && strcmp(cap.lines[1], "line two") == 0, "second caption");
    CHECK(nqm_run_record(&r.set.runs[0])->eta == eta0, "step 7 was taken at the old eta");
    CHECK(step_until_fired(&p, &r, 50) == 9, "until step = 9 fired at %ld", p.held_step);
    CHECK(nqm_run_record(&r.set.runs[0])->eta == 0.5, "step 9 was taken at eta = 0.5");
    CHECK(!r.app.paused && r.app.speed == NQM_SPEED_AUTO, "resume, speed auto");
    nqm_rate rate = nqm_runset_rate(&r.set);
    CHECK(fabs(rate.eta - 0.25 * rate.eta_crit) < 1e-15, "eta_rel 0.25: %g (crit %g)", rate.eta,
          rate.eta_crit);
    long t = step_until_fired(&p, &r, 200);
    CHECK(t > 9 && nqm_run_record(&r.set.runs[0])->loss < 1e-6, "loss < 1e-6 at %ld", t);
    CHECK(nqm_player_done(&p), "the scene ran to its end");
    nqm_controller_close(&r);
    nqm_demo_free(&d);
}

/* A condition on one model of a compare run reads that model's run. */
static void test_model_condition(void)
{
    const char *text = "scene Compare\n"
                       "preset catapult-1d\n"
                       "width = 300\n"
                       "compare on\n"
                       "until lin loss > 1e6\n";
    nqm_demo d;
    char err[1024];
    if (parse(text, &d, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return;
    }
    nqm_controller r;
    if (test_session(&r, &d.scenes[0].cfg, NULL) != 0)
        return;
    nqm_stage st = nqm_controller_stage(&r);
    nqm_player p;
    CHECK(nqm_player_start(&p, &d, 0, &st, err, sizeof err) == 0, "%s", err);
    CHECK(r.set.nruns == 3 && r.app.compare, "three runs");
    long t = step_until_fired(&p, &r, 200);
    const nqm_run *lin = NULL, *quad = NULL;
    for (int i = 0; i < r.set.nruns; i++) {
        if (nqm_run_model(&r.set.runs[i]) == MODEL_LIN)
            lin = &r.set.runs[i];
        if (nqm_run_model(&r.set.runs[i]) == MODEL_QUAD)
            quad = &r.set.runs[i];
    }
    CHECK(t > 0 && lin && quad && nqm_run_record(lin)->loss > 1e6 &&
              nqm_run_record(quad)->loss < 1e6,
          "fired at %ld on lin's loss, while quad's is small", t);
    nqm_controller_close(&r);
    nqm_demo_free(&d);
}

int main(void)
{
    test_errors();
    test_scenes();
    test_relative_preset();
    test_find();
    test_commands();
    test_model_condition();
    return check_report("demo format");
}
