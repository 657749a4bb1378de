/* test_demo_screen.c: the screen of a demo and of the projector view,
 * drawn into a canvas and read back as text (no terminal).
 *
 * At 80x24 the caption bar sits above the key hints with the scene's
 * heading, the keys that move between scenes and every caption line
 * whole, with braille and in ASCII; the projector view draws exactly two
 * charts, loss and lambda1 with its 2/eta and 4/eta lines, and keeps the
 * caption whole. Over many terminal sizes the caption bar never overlaps
 * a chart and stays inside the screen, and a replay's badge shows on the
 * second status line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/app/demo.h"
#include "session.h"

enum { ROW_LEN = 4096 };

typedef struct {
    nqm_controller session;
    nqm_demo demo;
} screen_rig;

/* The catapult-tour's second scene (the session's n key), played up to
 * its first until, and the clock moved on so that the caption before it
 * has been read and the peak's caption shows. */
static int rig_open(screen_rig *r)
{
    char err[1024];
    memset(r, 0, sizeof *r);
    if (nqm_demo_load(test_places(), "catapult-tour", &r->demo, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return -1;
    }
    if (test_session(&r->session, &r->demo.scenes[0].cfg, &r->demo) != 0)
        return -1;
    nqm_controller_begin(&r->session);
    nqm_controller_key(&r->session, 'n');
    CHECK(r->session.player.scene == 1, "n moves to scene 2");
    for (int t = 0; t < 100 && !nqm_controller_step(&r->session); t++)
        continue;
    test_now += 60;
    nqm_controller_tick(&r->session);
    return 0;
}

static void rig_close(screen_rig *r)
{
    nqm_controller_close(&r->session);
    nqm_demo_free(&r->demo);
}

static void draw(nqm_canvas *cv, screen_rig *r, nqm_caption *cap, const char *badge)
{
    nqm_screen sc;
    nqm_controller_scene(&r->session, &sc, cap);
    sc.badge = badge;
    CHECK(nqm_screen_draw(cv, &sc) == 0, "drawing failed");
}

static int row_has(const nqm_canvas *cv, int y, const char *text)
{
    char row[ROW_LEN];
    nqm_canvas_row_text(cv, y, row, sizeof row);
    return strstr(row, text) != NULL;
}

/* The row that holds text, -1 if none. */
static int find_row(const nqm_canvas *cv, const char *text)
{
    for (int y = 0; y < nqm_canvas_height(cv); y++)
        if (row_has(cv, y, text))
            return y;
    return -1;
}

/* Occurrences of needle in row y. */
static int count_in_row(const nqm_canvas *cv, int y, const char *needle)
{
    char row[ROW_LEN];
    nqm_canvas_row_text(cv, y, row, sizeof row);
    int n = 0;
    for (const char *p = row; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* What a caption line looks like on a canvas of these glyphs. */
static void as_drawn(const char *line, nqm_glyphs glyphs, char *out, size_t len)
{
    nqm_canvas *one = nqm_canvas_new(200, 1, glyphs);
    if (!one) {
        out[0] = '\0';
        return;
    }
    nqm_canvas_text(one, 0, 0, line, NQM_COLOR_DEFAULT);
    nqm_canvas_row_text(one, 0, out, len);
    char *end = out + strlen(out);
    while (end > out && end[-1] == ' ')
        *--end = '\0';
    nqm_canvas_free(one);
}

/* The row of the caption's heading as drawn, -1 if none. */
static int heading_row(const nqm_canvas *cv, const nqm_caption *cap)
{
    char want[ROW_LEN];
    as_drawn(cap->heading, nqm_canvas_glyphs(cv), want, sizeof want);
    return find_row(cv, want);
}

static void check_caption_whole(const nqm_canvas *cv, const nqm_caption *cap, int bar)
{
    char want[ROW_LEN];
    CHECK(bar == heading_row(cv, cap) && row_has(cv, bar, "n next") && row_has(cv, bar, "b back"),
          "heading row %d", bar);
    for (int i = 0; i < cap->nlines; i++) {
        as_drawn(cap->lines[i], nqm_canvas_glyphs(cv), want, sizeof want);
        CHECK(row_has(cv, bar + 1 + i, want), "caption line %d '%s' not whole on row %d", i, want,
              bar + 1 + i);
    }
}

static void test_80x24(screen_rig *r, nqm_glyphs glyphs)
{
    nqm_canvas *cv = nqm_canvas_new(80, 24, glyphs);
    nqm_caption cap;
    r->session.app.big = 0;
    draw(cv, r, &cap, NULL);
    CHECK(cap.nlines == 2 && strstr(cap.lines[0], "Peak:"), "the peak caption shows");
    int bar = heading_row(cv, &cap);
    CHECK(bar == 24 - 1 - 1 - cap.rows,
          "caption bar at row %d, not just above the %d rows "
          "of caption and the key hints",
          bar, cap.rows);
    check_caption_whole(cv, &cap, bar);
    CHECK(row_has(cv, 23, "pause"), "key hints on the last row");
    CHECK(count_in_row(cv, 2, glyphs == NQM_GLYPHS_ASCII ? "+" : "┌") >= 2, "charts in a grid");

    r->session.app.big = 1;
    draw(cv, r, &cap, NULL);
    bar = heading_row(cv, &cap);
    check_caption_whole(cv, &cap, bar);
    const char *corner = glyphs == NQM_GLYPHS_ASCII ? "+ " : "┌ ";
    int top = find_row(cv, "loss ");
    int charts = top >= 0 ? count_in_row(cv, top, corner) : 0;
    CHECK(charts == 2, "the projector view draws %d charts", charts);
    CHECK(find_row(cv, "λ2") < 0 && find_row(cv, "lambda2") < 0, "no lambda2 chart");
    CHECK(top >= 0 && row_has(cv, top, "loss") &&
              row_has(cv, top, glyphs == NQM_GLYPHS_ASCII ? "+ lambda1 " : "┌ λ1 "),
          "loss and lambda1 side by side");
    CHECK(find_row(cv, glyphs == NQM_GLYPHS_ASCII ? "+ g " : "┌ g ") < 0,
          "no g(t) chart in the projector view");
    CHECK(find_row(cv, glyphs == NQM_GLYPHS_ASCII ? "2/eta" : "2/η") > top &&
              find_row(cv, glyphs == NQM_GLYPHS_ASCII ? "4/eta" : "4/η") > top,
          "the edge lines are labelled");
    r->session.app.big = 0;
    nqm_canvas_free(cv);
}

/* The caption bar: inside the screen, below every chart, above the hints. */
static void test_sizes(screen_rig *r)
{
    static const int sizes[][2] = {{20, 9},  {20, 14},  {40, 16},  {60, 20},  {80, 24},
                                   {81, 25}, {100, 30}, {133, 41}, {200, 60}, {300, 12},
                                   {30, 80}, {1, 1},    {0, 0}};
    nqm_canvas *cv = nqm_canvas_new(1, 1, NQM_GLYPHS_UNICODE);
    for (int big = 0; big <= 1; big++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            int w = sizes[i][0], h = sizes[i][1];
            nqm_canvas_resize(cv, w, h);
            nqm_caption cap;
            r->session.app.big = big;
            draw(cv, r, &cap, NULL);
            int bar = heading_row(cv, &cap);
            if (bar < 0)
                continue; /* no room for it: the screen goes without */
            CHECK(bar + cap.rows < h - 1, "%dx%d big %d: bar at %d runs into the hints", w, h, big,
                  bar);
            for (int y = bar; y <= bar + cap.rows; y++)
                CHECK(!row_has(cv, y, "│") && !row_has(cv, y, "└"),
                      "%dx%d big %d: a chart reaches caption row %d", w, h, big, y);
        }
    r->session.app.big = 0;
    nqm_canvas_free(cv);
}

static void test_badge(screen_rig *r)
{
    nqm_canvas *cv = nqm_canvas_new(100, 30, NQM_GLYPHS_UNICODE);
    nqm_caption cap;
    draw(cv, r, &cap, "REPLAY 3/12");
    CHECK(row_has(cv, 1, "REPLAY 3/12"), "the badge is on the second status line");
    nqm_canvas_free(cv);
}

int main(void)
{
    setenv("XDG_CONFIG_HOME", "/nonexistent-nqmtop-test", 1);
    screen_rig r;
    if (rig_open(&r) == 0) {
        test_80x24(&r, NQM_GLYPHS_UNICODE);
        test_80x24(&r, NQM_GLYPHS_ASCII);
        test_sizes(&r);
        test_badge(&r);
    }
    rig_close(&r);
    return check_report("demo screen");
}
