/* test_canvas.c: braille dots against the Unicode braille table, the
 * ASCII twin, UTF-8, text clipping and the connected polyline. */
#include <math.h>
#include <string.h>

#include "nqmtop/view/canvas.h"
#include "vcheck.h"

/* Unicode numbers braille dots 1-2-3 down the left column, 4-5-6 down the
 * right, 7 and 8 at the bottom; dot k is bit k-1 of (code point - U+2800). */
static const int unicode_dot_number[4][2] = {{1, 4}, {2, 5}, {3, 6}, {7, 8}};

static void test_braille_bits(void)
{
    nqm_canvas *cv = nqm_canvas_new(3, 2, NQM_GLYPHS_UNICODE);
    for (int dy = 0; dy < 4; dy++)
        for (int dx = 0; dx < 2; dx++) {
            nqm_canvas_clear(cv);
            nqm_canvas_dot(cv, 2 + dx, 4 + dy, NQM_COLOR_SERIES2);
            const nqm_cell *c = nqm_canvas_cell(cv, 1, 1);
            uint32_t want = 0x2800u + (1u << (unicode_dot_number[dy][dx] - 1));
            VCHECK(c->ch == want, "dot (%d,%d): U+%04X, want U+%04X", dx, dy, c->ch, want);
            VCHECK(c->color == NQM_COLOR_SERIES2, "dot colour %d", c->color);
        }
    /* Named glyphs: a full cell is U+28FF, the left column U+2847. */
    nqm_canvas_clear(cv);
    for (int y = 0; y < 4; y++) {
        nqm_canvas_dot(cv, 0, y, NQM_COLOR_DEFAULT);
        nqm_canvas_dot(cv, 1, y, NQM_COLOR_DEFAULT);
        nqm_canvas_dot(cv, 2, y, NQM_COLOR_DEFAULT);
    }
    VCHECK(nqm_canvas_cell(cv, 0, 0)->ch == 0x28FF, "full cell U+%04X",
           nqm_canvas_cell(cv, 0, 0)->ch);
    VCHECK(nqm_canvas_cell(cv, 1, 0)->ch == 0x2847, "left column U+%04X",
           nqm_canvas_cell(cv, 1, 0)->ch);
    /* Dots outside the canvas are ignored. */
    nqm_canvas_dot(cv, -1, 0, NQM_COLOR_DEFAULT);
    nqm_canvas_dot(cv, 6, 0, NQM_COLOR_DEFAULT);
    nqm_canvas_dot(cv, 0, 8, NQM_COLOR_DEFAULT);
    VCHECK(nqm_canvas_cell(cv, 2, 0)->ch == ' ' && nqm_canvas_cell(cv, 0, 1)->ch == ' ',
           "dots outside the canvas drawn");
    nqm_canvas_free(cv);
}

/* The ASCII twin of a few shapes, as a reader expects them. */
static void test_ascii_dots(void)
{
    struct {
        int dots[8][2];
        int n;
        char want;
    } cases[] = {
        {{{0, 0}, {1, 0}}, 2, '\''},                /* top row: high */
        {{{0, 1}, {1, 1}}, 2, '-'},                 /* middle, level */
        {{{0, 2}, {1, 1}, {1, 2}}, 3, '-'},         /* middle, half a row up */
        {{{0, 3}, {1, 3}}, 2, '_'},                 /* bottom row: low */
        {{{0, 0}, {0, 1}, {0, 2}, {0, 3}}, 4, '|'}, /* a tall stroke */
        {{{0, 3}, {1, 1}}, 2, '/'},                 /* rising */
        {{{0, 0}, {1, 2}}, 2, '\\'},                /* falling */
        {{{0, 1}, {1, 2}}, 2, '\\'},                /* falling a row */
        {{{0, 1}, {0, 2}, {0, 3}, {1, 3}}, 4, '|'}, /* a tall stroke with a foot */
    };
    nqm_canvas *cv = nqm_canvas_new(1, 1, NQM_GLYPHS_ASCII);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nqm_canvas_clear(cv);
        for (int k = 0; k < cases[i].n; k++)
            nqm_canvas_dot(cv, cases[i].dots[k][0], cases[i].dots[k][1], NQM_COLOR_DEFAULT);
        VCHECK(nqm_canvas_cell(cv, 0, 0)->ch == (uint32_t)cases[i].want,
               "case %zu: '%c', want '%c'", i, (char)nqm_canvas_cell(cv, 0, 0)->ch, cases[i].want);
    }
    /* Switching glyph sets re-renders dot cells both ways. */
    nqm_canvas_set_glyphs(cv, NQM_GLYPHS_UNICODE);
    VCHECK(nqm_canvas_cell(cv, 0, 0)->ch == 0x2800u + 0x02 + 0x04 + 0x40 + 0x80,
           "back to braille: U+%04X", nqm_canvas_cell(cv, 0, 0)->ch);
    /* Every braille pattern has a printable ASCII twin. */
    for (uint32_t b = 0; b < 256; b++) {
        const char *t = nqm_ascii_twin(0x2800 + b);
        VCHECK(strlen(t) == 1 && t[0] >= 0x20 && t[0] < 0x7F, "pattern %u: \"%s\"", b, t);
        VCHECK((b == 0) == (t[0] == ' '), "pattern %u blank? \"%s\"", b, t);
    }
    nqm_canvas_free(cv);
}

static void test_utf8(void)
{
    char out[4];
    VCHECK(nqm_utf8_encode('A', out) == 1 && out[0] == 'A', "ASCII");
    VCHECK(nqm_utf8_encode(0x3B7, out) == 2 && !memcmp(out, "\xCE\xB7", 2), "eta");
    VCHECK(nqm_utf8_encode(0x28FF, out) == 3 && !memcmp(out, "\xE2\xA3\xBF", 3), "braille");
    VCHECK(nqm_utf8_encode(0x1F600, out) == 4 && !memcmp(out, "\xF0\x9F\x98\x80", 4), "4 bytes");
    VCHECK(nqm_utf8_encode(0xD800, out) == 3 && !memcmp(out, "\xEF\xBF\xBD", 3), "surrogate");

    nqm_canvas *cv = nqm_canvas_new(12, 1, NQM_GLYPHS_UNICODE);
    VCHECK(nqm_canvas_text(cv, 0, 0, "λ=2/η", NQM_COLOR_TITLE) == 5, "width of λ=2/η");
    VCHECK(nqm_canvas_cell(cv, 0, 0)->ch == 0x3BB && nqm_canvas_cell(cv, 4, 0)->ch == 0x3B7,
           "code points");
    /* Malformed bytes become '?', one per byte, never swallowing text. */
    nqm_canvas_clear(cv);
    VCHECK(nqm_canvas_text(cv, 0, 0, "a\xC3(b\xFF", NQM_COLOR_DEFAULT) == 5, "malformed width");
    char row[64];
    nqm_canvas_row_text(cv, 0, row, sizeof row);
    VCHECK(!strncmp(row, "a?(b?", 5), "malformed shown as \"%s\"", row);
    /* Row text round trip and truncation on code point boundaries. */
    nqm_canvas_clear(cv);
    nqm_canvas_text(cv, 0, 0, "ηηηη", NQM_COLOR_DEFAULT);
    size_t need = nqm_canvas_row_text(cv, 0, row, sizeof row);
    VCHECK(need == 8 + 8 && strlen(row) == need, "row needs %zu bytes", need);
    VCHECK(nqm_canvas_row_text(cv, 0, row, 4) == need && !strcmp(row, "\xCE\xB7"),
           "truncated row \"%s\"", row);
    nqm_canvas_free(cv);
}

static void test_ascii_text(void)
{
    nqm_canvas *cv = nqm_canvas_new(20, 1, NQM_GLYPHS_ASCII);
    const char *text = "λ1 ≤ 2/η ─│┌ ·∞";
    int n = nqm_canvas_text(cv, 0, 0, text, NQM_COLOR_DEFAULT);
    VCHECK(n == nqm_text_width(text, NQM_GLYPHS_ASCII), "width %d", n);
    char row[64];
    nqm_canvas_row_text(cv, 0, row, sizeof row);
    VCHECK(!strcmp(row, "lambda1 <= 2/eta -|+"), "ascii text \"%s\"", row);
    for (const char *p = row; *p; p++)
        VCHECK((unsigned char)*p < 0x80, "non-ASCII byte in \"%s\"", row);
    VCHECK(nqm_text_width(text, NQM_GLYPHS_UNICODE) == 15, "unicode width %d",
           nqm_text_width(text, NQM_GLYPHS_UNICODE));
    nqm_canvas_free(cv);
}

static void test_clip(void)
{
    nqm_canvas *cv = nqm_canvas_new(10, 5, NQM_GLYPHS_UNICODE);
    nqm_rect r = {2, 1, 4, 3};
    nqm_canvas_clip(cv, r);
    nqm_canvas_fill(cv, (nqm_rect){0, 0, 10, 5}, '#', NQM_COLOR_WARNING);
    nqm_canvas_text(cv, -3, 2, "abcdefghijklmnop", NQM_COLOR_DEFAULT);
    for (int y = 0; y < 40; y++)
        nqm_canvas_vline(cv, y % 20, -100, 100, NQM_COLOR_DEFAULT);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 10; x++) {
            int in = x >= 2 && x < 6 && y >= 1 && y < 4;
            VCHECK(in || nqm_canvas_cell(cv, x, y)->ch == ' ', "(%d,%d) written outside the clip",
                   x, y);
            VCHECK(!in || nqm_canvas_cell(cv, x, y)->ch != ' ', "(%d,%d) not written", x, y);
        }
    /* Huge rectangles cost no more than the clip and do not overflow. */
    nqm_rect huge = {-2000000000, -2000000000, 2147483647, 2147483647};
    nqm_canvas_box(cv, huge, NQM_COLOR_AXIS);
    nqm_canvas_fill(cv, huge, '#', NQM_COLOR_AXIS);
    nqm_rect far = {2147483600, 3, 2147483647, 1};
    nqm_canvas_box(cv, far, NQM_COLOR_AXIS);
    nqm_rect both = nqm_rect_intersect(huge, r);
    VCHECK(both.x == 2 && both.y == 1 && both.w == 4 && both.h == 3, "intersect (%d,%d %dx%d)",
           both.x, both.y, both.w, both.h);
    VCHECK(nqm_rect_intersect(far, r).w == 0, "disjoint rectangles meet");
    nqm_canvas_unclip(cv);
    nqm_canvas_put(cv, 9, 4, 'z', NQM_COLOR_DEFAULT);
    VCHECK(nqm_canvas_cell(cv, 9, 4)->ch == 'z', "unclip");
    VCHECK(nqm_canvas_cell(cv, 10, 0) == NULL && nqm_canvas_row(cv, 5) == NULL, "outside");
    VCHECK(nqm_canvas_resize(cv, 3, 2) == 0 && nqm_canvas_width(cv) == 3 &&
               nqm_canvas_cell(cv, 2, 1)->ch == ' ',
           "resize");
    VCHECK(nqm_canvas_resize(cv, 0, 0) == 0 && nqm_canvas_row(cv, 0) == NULL, "empty canvas");
    nqm_canvas_free(cv);
}

/* Dot rows set in dot column x, as a bit set (4h bits <= 32). */
static unsigned column_dots(const nqm_canvas *cv, int x)
{
    unsigned rows = 0;
    for (int y = 0; y < 4 * nqm_canvas_height(cv); y++) {
        const nqm_cell *c = nqm_canvas_cell(cv, x / 2, y / 4);
        static const uint8_t bit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};
        if (c->dots & bit[x % 2][y % 4])
            rows |= 1u << y;
    }
    return rows;
}

/* Each column holds its sample, joined to the previous one by a contiguous
 * run; a NaN leaves its column empty and breaks the join. */
static void test_polyline(void)
{
    nqm_canvas *cv = nqm_canvas_new(8, 8, NQM_GLYPHS_UNICODE);
    const double ys[] = {0, 31, 2.4, NAN, 20, 20, 5.6, 1e300, -1e300, 7, 30, 30, 29, 0, 16, 17};
    const int n = sizeof ys / sizeof ys[0];
    nqm_canvas_polyline(cv, 0, ys, n, NQM_COLOR_SERIES1);
    for (int i = 0; i < n; i++) {
        unsigned got = column_dots(cv, i);
        if (isnan(ys[i])) {
            VCHECK(got == 0, "column %d (NaN) has dots %#x", i, got);
            continue;
        }
        int y = ys[i] < 0 ? 0 : ys[i] > 31 ? 31 : (int)lround(ys[i]);
        int prev = i > 0 && !isnan(ys[i - 1]) ? (ys[i - 1] < 0    ? 0
                                                 : ys[i - 1] > 31 ? 31
                                                                  : (int)lround(ys[i - 1]))
                                              : y;
        int lo = y < prev ? y : prev, hi = y < prev ? prev : y;
        unsigned want = 0;
        for (int r = lo; r <= hi; r++)
            want |= 1u << r;
        VCHECK(got == want, "column %d: dots %#x, want %#x", i, got, want);
    }
    nqm_canvas_free(cv);
}

int main(void)
{
    test_braille_bits();
    test_ascii_dots();
    test_utf8();
    test_ascii_text();
    test_clip();
    test_polyline();
    return vcheck_report("test_canvas");
}
