/* canvas.c: the cell grid, braille dots and their ASCII twin, text with
 * transliteration for ASCII terminals (see canvas.h). */
#include "nqmtop/view/canvas.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BRAILLE_BASE 0x2800u

struct nqm_canvas {
    int w, h;
    nqm_glyphs glyphs;
    nqm_rect clip;   /* writes outside are ignored */
    nqm_cell *cells; /* (h, w) */
};

/* Braille bit of dot (dx, dy) inside a cell: dots 1-2-3-7 down the left
 * column, 4-5-6-8 down the right. */
static const uint8_t braille_bit[2][4] = {
    {0x01, 0x02, 0x04, 0x40},
    {0x08, 0x10, 0x20, 0x80},
};

static nqm_rect whole(const nqm_canvas *cv)
{
    nqm_rect r = {0, 0, cv->w, cv->h};
    return r;
}

nqm_rect nqm_rect_intersect(nqm_rect a, nqm_rect b)
{
    long x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    long ax1 = (long)a.x + a.w, bx1 = (long)b.x + b.w, ay1 = (long)a.y + a.h, by1 = (long)b.y + b.h;
    long x1 = ax1 < bx1 ? ax1 : bx1, y1 = ay1 < by1 ? ay1 : by1;
    nqm_rect r = {(int)x0, (int)y0, x1 > x0 ? (int)(x1 - x0) : 0, y1 > y0 ? (int)(y1 - y0) : 0};
    return r;
}

static int inside_clip(const nqm_canvas *cv, int x, int y)
{
    const nqm_rect *c = &cv->clip;
    return x >= c->x && x < c->x + c->w && y >= c->y && y < c->y + c->h;
}

static nqm_cell blank_cell(void)
{
    nqm_cell c = {' ', 0, NQM_COLOR_DEFAULT};
    return c;
}

nqm_canvas *nqm_canvas_new(int w, int h, nqm_glyphs glyphs)
{
    nqm_canvas *cv = calloc(1, sizeof *cv);
    if (!cv)
        return NULL;
    cv->glyphs = glyphs;
    if (nqm_canvas_resize(cv, w, h) != 0) {
        free(cv);
        return NULL;
    }
    return cv;
}

void nqm_canvas_free(nqm_canvas *cv)
{
    if (!cv)
        return;
    free(cv->cells);
    free(cv);
}

int nqm_canvas_resize(nqm_canvas *cv, int w, int h)
{
    if (w < 0 || h < 0)
        return -1;
    size_t n = (size_t)w * (size_t)h;
    nqm_cell *cells = malloc((n ? n : 1) * sizeof *cells);
    if (!cells)
        return -1;
    free(cv->cells);
    cv->cells = cells;
    cv->w = w;
    cv->h = h;
    nqm_canvas_clear(cv);
    return 0;
}

void nqm_canvas_clear(nqm_canvas *cv)
{
    size_t n = (size_t)cv->w * (size_t)cv->h;
    for (size_t i = 0; i < n; i++)
        cv->cells[i] = blank_cell();
    cv->clip = whole(cv);
}

int nqm_canvas_width(const nqm_canvas *cv) { return cv->w; }
int nqm_canvas_height(const nqm_canvas *cv) { return cv->h; }
nqm_glyphs nqm_canvas_glyphs(const nqm_canvas *cv) { return cv->glyphs; }

/* Index into ascii_dot_glyphs of the plain character nearest the shape of
 * a cell's dots: a tall stroke, a slope, or a level (top, middle, bottom). */
enum { DOT_BLANK, DOT_TOP, DOT_MIDDLE, DOT_BOTTOM, DOT_TALL, DOT_RISING, DOT_FALLING };
static const char *const ascii_dot_glyphs[] = {" ", "'", "-", "_", "|", "/", "\\"};

/* Bit r set when dot row r of column dx is set. */
static unsigned column_rows(uint8_t dots, int dx)
{
    unsigned rows = 0;
    for (int r = 0; r < 4; r++)
        if (dots & braille_bit[dx][r])
            rows |= 1u << r;
    return rows;
}

static int lowest_row(unsigned rows)
{
    int r = 0;
    while (!(rows & (1u << r)))
        r++;
    return r;
}

static int highest_row(unsigned rows)
{
    int r = 3;
    while (!(rows & (1u << r)))
        r--;
    return r;
}

/* A column's dot rows span three or more rows. */
static int column_tall(unsigned rows) { return rows && highest_row(rows) - lowest_row(rows) >= 2; }

static int ascii_dot_shape(uint8_t dots)
{
    unsigned left = column_rows(dots, 0), right = column_rows(dots, 1), all = left | right;
    if (!all)
        return DOT_BLANK;
    if (column_tall(left) || column_tall(right))
        return DOT_TALL;
    if (left && right) {
        /* Twice the centre row of each column: a difference of a row or
         * more is a slope. */
        int cl = lowest_row(left) + highest_row(left), cr = lowest_row(right) + highest_row(right);
        if (cl - cr >= 2)
            return DOT_RISING;
        if (cr - cl >= 2)
            return DOT_FALLING;
    }
    int centre = lowest_row(all) + highest_row(all); /* 0 .. 6 */
    return centre <= 1 ? DOT_TOP : centre <= 4 ? DOT_MIDDLE : DOT_BOTTOM;
}

static uint32_t dot_glyph(const nqm_canvas *cv, uint8_t dots)
{
    if (cv->glyphs == NQM_GLYPHS_ASCII)
        return (uint32_t)(unsigned char)ascii_dot_glyphs[ascii_dot_shape(dots)][0];
    return BRAILLE_BASE + dots;
}

void nqm_canvas_set_glyphs(nqm_canvas *cv, nqm_glyphs glyphs)
{
    cv->glyphs = glyphs;
    size_t n = (size_t)cv->w * (size_t)cv->h;
    for (size_t i = 0; i < n; i++)
        if (cv->cells[i].dots)
            cv->cells[i].ch = dot_glyph(cv, cv->cells[i].dots);
}

const nqm_cell *nqm_canvas_cell(const nqm_canvas *cv, int x, int y)
{
    if (x < 0 || y < 0 || x >= cv->w || y >= cv->h)
        return NULL;
    return &cv->cells[(size_t)y * (size_t)cv->w + (size_t)x];
}

const nqm_cell *nqm_canvas_row(const nqm_canvas *cv, int y)
{
    if (y < 0 || y >= cv->h || cv->w == 0)
        return NULL;
    return &cv->cells[(size_t)y * (size_t)cv->w];
}

static nqm_cell *cell_at(nqm_canvas *cv, int x, int y)
{
    return &cv->cells[(size_t)y * (size_t)cv->w + (size_t)x];
}

void nqm_canvas_clip(nqm_canvas *cv, nqm_rect r) { cv->clip = nqm_rect_intersect(r, whole(cv)); }

void nqm_canvas_unclip(nqm_canvas *cv) { cv->clip = whole(cv); }

nqm_rect nqm_canvas_clip_rect(const nqm_canvas *cv) { return cv->clip; }

void nqm_canvas_dot(nqm_canvas *cv, int x, int y, nqm_color color)
{
    if (x < 0 || y < 0)
        return;
    int cx = x / 2, cy = y / 4;
    if (!inside_clip(cv, cx, cy))
        return;
    nqm_cell *c = cell_at(cv, cx, cy);
    c->dots |= braille_bit[x % 2][y % 4];
    c->ch = dot_glyph(cv, c->dots);
    c->color = (uint8_t)color;
}

void nqm_canvas_vline(nqm_canvas *cv, int x, int y0, int y1, nqm_color color)
{
    if (y0 > y1) {
        int t = y0;
        y0 = y1;
        y1 = t;
    }
    int top = cv->clip.y * 4, bottom = (cv->clip.y + cv->clip.h) * 4 - 1;
    if (y0 < top)
        y0 = top;
    if (y1 > bottom)
        y1 = bottom;
    for (int y = y0; y <= y1; y++)
        nqm_canvas_dot(cv, x, y, color);
}

/* A dot row as an int, clamped just outside the canvas so huge values
 * stay cheap and well defined. */
static int dot_row(const nqm_canvas *cv, double y)
{
    double lo = -1, hi = 4.0 * cv->h;
    if (y < lo)
        y = lo;
    if (y > hi)
        y = hi;
    return (int)lround(y);
}

void nqm_canvas_polyline(nqm_canvas *cv, int x0, const double *ys, int n, nqm_color color)
{
    int have_prev = 0, prev = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(ys[i])) {
            have_prev = 0;
            continue;
        }
        int y = dot_row(cv, ys[i]);
        nqm_canvas_vline(cv, x0 + i, have_prev ? prev : y, y, color);
        prev = y;
        have_prev = 1;
    }
}

/* ASCII twins of the non-ASCII characters the project writes. */
typedef struct {
    uint32_t ch;
    const char *twin;
} twin_entry;

static const twin_entry twins[] = {
    {0x00B2, "2"},   {0x00B7, "."},     {0x00BD, "1/2"}, {0x00D7, "x"},      {0x0394, "D"},
    {0x03A3, "sum"}, {0x03B3, "gamma"}, {0x03B7, "eta"}, {0x03BB, "lambda"}, {0x03C3, "sigma"},
    {0x2013, "-"},   {0x2014, "-"},     {0x2022, "*"},   {0x2026, "..."},    {0x2080, "0"},
    {0x2081, "1"},   {0x2082, "2"},     {0x2083, "3"},   {0x2084, "4"},      {0x2190, "<-"},
    {0x2191, "^"},   {0x2192, "->"},    {0x2193, "v"},   {0x2212, "-"},      {0x221E, "inf"},
    {0x2248, "~"},   {0x2264, "<="},    {0x2265, ">="},  {0x22C5, "*"},      {0x2500, "-"},
    {0x2501, "-"},   {0x2502, "|"},     {0x2503, "|"},   {0x2504, "-"},      {0x2508, "-"},
    {0x250A, ":"},   {0x250C, "+"},     {0x2510, "+"},   {0x2514, "+"},      {0x2518, "+"},
    {0x251C, "+"},   {0x2524, "+"},     {0x252C, "+"},   {0x2534, "+"},      {0x253C, "+"},
    {0x254C, "-"},   {0x2550, "="},     {0x2551, "|"},   {0x256D, "+"},      {0x256E, "+"},
    {0x256F, "+"},   {0x2570, "+"},     {0x2588, "#"},   {0x2591, "."},      {0x2592, ":"},
    {0x2593, "#"},   {0x25CF, "*"},
};

static int twin_cmp(const void *key, const void *elem)
{
    uint32_t k = *(const uint32_t *)key, e = ((const twin_entry *)elem)->ch;
    return k < e ? -1 : k > e;
}

/* Each printable ASCII character as a one-character string. */
static const char ascii_strings[0x7F - 0x20][2] = {
    {' '},  {'!'}, {'"'}, {'#'}, {'$'}, {'%'}, {'&'}, {'\''}, {'('}, {')'}, {'*'}, {'+'},
    {','},  {'-'}, {'.'}, {'/'}, {'0'}, {'1'}, {'2'}, {'3'},  {'4'}, {'5'}, {'6'}, {'7'},
    {'8'},  {'9'}, {':'}, {';'}, {'<'}, {'='}, {'>'}, {'?'},  {'@'}, {'A'}, {'B'}, {'C'},
    {'D'},  {'E'}, {'F'}, {'G'}, {'H'}, {'I'}, {'J'}, {'K'},  {'L'}, {'M'}, {'N'}, {'O'},
    {'P'},  {'Q'}, {'R'}, {'S'}, {'T'}, {'U'}, {'V'}, {'W'},  {'X'}, {'Y'}, {'Z'}, {'['},
    {'\\'}, {']'}, {'^'}, {'_'}, {'`'}, {'a'}, {'b'}, {'c'},  {'d'}, {'e'}, {'f'}, {'g'},
    {'h'},  {'i'}, {'j'}, {'k'}, {'l'}, {'m'}, {'n'}, {'o'},  {'p'}, {'q'}, {'r'}, {'s'},
    {'t'},  {'u'}, {'v'}, {'w'}, {'x'}, {'y'}, {'z'}, {'{'},  {'|'}, {'}'}, {'~'},
};

const char *nqm_ascii_twin(uint32_t ch)
{
    if (ch >= 0x20 && ch < 0x7F)
        return ascii_strings[ch - 0x20];
    if (ch >= BRAILLE_BASE && ch <= BRAILLE_BASE + 0xFF)
        return ascii_dot_glyphs[ascii_dot_shape((uint8_t)(ch - BRAILLE_BASE))];
    const twin_entry *e =
        bsearch(&ch, twins, sizeof twins / sizeof twins[0], sizeof twins[0], twin_cmp);
    return e ? e->twin : "?";
}

int nqm_utf8_encode(uint32_t ch, char out[4])
{
    if (ch > 0x10FFFF || (ch >= 0xD800 && ch <= 0xDFFF))
        ch = 0xFFFD;
    if (ch < 0x80) {
        out[0] = (char)ch;
        return 1;
    }
    if (ch < 0x800) {
        out[0] = (char)(0xC0 | (ch >> 6));
        out[1] = (char)(0x80 | (ch & 0x3F));
        return 2;
    }
    if (ch < 0x10000) {
        out[0] = (char)(0xE0 | (ch >> 12));
        out[1] = (char)(0x80 | ((ch >> 6) & 0x3F));
        out[2] = (char)(0x80 | (ch & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (ch >> 18));
    out[1] = (char)(0x80 | ((ch >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((ch >> 6) & 0x3F));
    out[3] = (char)(0x80 | (ch & 0x3F));
    return 4;
}

/* Decode one code point from *s and advance past it. Malformed input
 * yields '?' and advances one byte. */
static uint32_t utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    int len = p[0] < 0x80             ? 1
              : (p[0] & 0xE0) == 0xC0 ? 2
              : (p[0] & 0xF0) == 0xE0 ? 3
              : (p[0] & 0xF8) == 0xF0 ? 4
                                      : 0;
    uint32_t ch = len == 1   ? p[0]
                  : len == 2 ? p[0] & 0x1Fu
                  : len == 3 ? p[0] & 0x0Fu
                             : p[0] & 0x07u;
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            len = 0;
            break;
        }
        ch = (ch << 6) | (p[i] & 0x3Fu);
    }
    static const uint32_t min_of_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (len == 0 || ch < min_of_len[len] || ch > 0x10FFFF || (ch >= 0xD800 && ch <= 0xDFFF)) {
        *s += 1;
        return '?';
    }
    *s += len;
    return ch;
}

static void put_cell(nqm_canvas *cv, int x, int y, uint32_t ch, nqm_color color)
{
    if (!inside_clip(cv, x, y))
        return;
    nqm_cell *c = cell_at(cv, x, y);
    c->ch = ch;
    c->dots = 0;
    c->color = (uint8_t)color;
}

static int is_printable(uint32_t ch)
{
    return ch >= 0x20 && ch != 0x7F && !(ch >= 0x80 && ch < 0xA0);
}

void nqm_canvas_put(nqm_canvas *cv, int x, int y, uint32_t ch, nqm_color color)
{
    if (!is_printable(ch))
        ch = '?';
    if (cv->glyphs == NQM_GLYPHS_ASCII && ch >= 0x80)
        ch = (unsigned char)nqm_ascii_twin(ch)[0];
    put_cell(cv, x, y, ch, color);
}

int nqm_canvas_text(nqm_canvas *cv, int x, int y, const char *utf8, nqm_color color)
{
    int n = 0;
    while (*utf8) {
        uint32_t ch = utf8_next(&utf8);
        if (!is_printable(ch))
            ch = '?';
        if (cv->glyphs == NQM_GLYPHS_ASCII && ch >= 0x80) {
            for (const char *t = nqm_ascii_twin(ch); *t; t++)
                put_cell(cv, x + n++, y, (unsigned char)*t, color);
        } else {
            put_cell(cv, x + n++, y, ch, color);
        }
    }
    return n;
}

int nqm_text_width(const char *utf8, nqm_glyphs glyphs)
{
    int n = 0;
    while (*utf8) {
        uint32_t ch = utf8_next(&utf8);
        n += glyphs == NQM_GLYPHS_ASCII && ch >= 0x80 ? (int)strlen(nqm_ascii_twin(ch)) : 1;
    }
    return n;
}

void nqm_canvas_fill(nqm_canvas *cv, nqm_rect r, uint32_t ch, nqm_color color)
{
    nqm_rect in = nqm_rect_intersect(r, cv->clip);
    for (int y = in.y; y < in.y + in.h; y++)
        for (int x = in.x; x < in.x + in.w; x++)
            nqm_canvas_put(cv, x, y, ch, color);
}

void nqm_canvas_box(nqm_canvas *cv, nqm_rect r, nqm_color color)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    long x1 = (long)r.x + r.w - 1, y1 = (long)r.y + r.h - 1;
    /* Only the part of the edges inside the clip costs a loop. */
    nqm_rect edges = nqm_rect_intersect(r, cv->clip);
    for (int x = edges.x; x < edges.x + edges.w; x++) {
        if (x == r.x || x == x1)
            continue;
        nqm_canvas_put(cv, x, r.y, 0x2500, color);
        if (y1 <= INT_MAX)
            nqm_canvas_put(cv, x, (int)y1, 0x2500, color);
    }
    for (int y = edges.y; y < edges.y + edges.h; y++) {
        if (y == r.y || y == y1)
            continue;
        nqm_canvas_put(cv, r.x, y, 0x2502, color);
        if (x1 <= INT_MAX)
            nqm_canvas_put(cv, (int)x1, y, 0x2502, color);
    }
    if (x1 > INT_MAX || y1 > INT_MAX)
        return;
    nqm_canvas_put(cv, r.x, r.y, 0x250C, color);
    nqm_canvas_put(cv, (int)x1, r.y, 0x2510, color);
    nqm_canvas_put(cv, r.x, (int)y1, 0x2514, color);
    nqm_canvas_put(cv, (int)x1, (int)y1, 0x2518, color);
}

size_t nqm_canvas_row_text(const nqm_canvas *cv, int y, char *buf, size_t len)
{
    const nqm_cell *row = nqm_canvas_row(cv, y);
    size_t need = 0, written = 0;
    for (int x = 0; row && x < cv->w; x++) {
        char enc[4];
        size_t k = (size_t)nqm_utf8_encode(row[x].ch, enc);
        if (written == need && need + k < len) {
            memcpy(buf + written, enc, k);
            written += k;
        }
        need += k;
    }
    if (len)
        buf[written] = '\0';
    return need;
}
