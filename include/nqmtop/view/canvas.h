/* canvas.h: an in-memory grid of terminal cells that charts draw into.
 *
 * Each cell holds one code point and a colour index. Dots address a finer
 * grid: 2 x 4 dots per cell, shown as a braille glyph (U+2800 + bits) or,
 * on the ASCII twin, as the plain character nearest the dots' shape.
 * Text written in ASCII mode is transliterated (eta -> "eta", box lines ->
 * - | +). The UI copies cells to the screen; tests turn rows into
 * strings. Pure memory: no terminal here. */
#ifndef NQMTOP_CANVAS_H
#define NQMTOP_CANVAS_H

#include <stddef.h>
#include <stdint.h>

typedef enum { NQM_GLYPHS_UNICODE, NQM_GLYPHS_ASCII } nqm_glyphs;

/* Colour and attribute index of a cell; the UI maps it to a curses pair. */
typedef enum {
    NQM_COLOR_DEFAULT = 0,
    NQM_COLOR_AXIS,
    NQM_COLOR_SERIES1,
    NQM_COLOR_SERIES2,
    NQM_COLOR_SERIES3,
    NQM_COLOR_SERIES4,
    NQM_COLOR_THRESHOLD2, /* lambda = 2/eta */
    NQM_COLOR_THRESHOLD4, /* lambda = 4/eta */
    NQM_COLOR_PHASE_INCREASING,
    NQM_COLOR_PHASE_PEAK,
    NQM_COLOR_PHASE_DECREASING,
    NQM_COLOR_TITLE,
    NQM_COLOR_STATUS,
    NQM_COLOR_WARNING,
    NQM_COLOR_COUNT
} nqm_color;

/* A rectangle of cells: column x, row y, w columns, h rows. */
typedef struct {
    int x, y, w, h;
} nqm_rect;

/* The cells a and b share (w = h = 0 when none). */
nqm_rect nqm_rect_intersect(nqm_rect a, nqm_rect b);

typedef struct {
    uint32_t ch;   /* code point shown (a space when empty) */
    uint8_t dots;  /* braille dot bits of a dot cell; 0 for a text cell */
    uint8_t color; /* nqm_color */
} nqm_cell;

typedef struct nqm_canvas nqm_canvas;

/* A blank w x h canvas (w, h >= 0). NULL when out of memory. */
nqm_canvas *nqm_canvas_new(int w, int h, nqm_glyphs glyphs);
void nqm_canvas_free(nqm_canvas *cv);
/* New size, blank. Returns 0, or -1 when out of memory (canvas unchanged). */
int nqm_canvas_resize(nqm_canvas *cv, int w, int h);
/* Every cell blank (space, default colour); the clip rectangle resets. */
void nqm_canvas_clear(nqm_canvas *cv);

int nqm_canvas_width(const nqm_canvas *cv);
int nqm_canvas_height(const nqm_canvas *cv);
nqm_glyphs nqm_canvas_glyphs(const nqm_canvas *cv);
/* Switch braille/ASCII; dot cells are re-rendered, text stays as written. */
void nqm_canvas_set_glyphs(nqm_canvas *cv, nqm_glyphs glyphs);

/* Cell (x, y), or NULL outside the canvas. */
const nqm_cell *nqm_canvas_cell(const nqm_canvas *cv, int x, int y);
/* Row y as w consecutive cells, or NULL outside the canvas. */
const nqm_cell *nqm_canvas_row(const nqm_canvas *cv, int y);

/* Restrict every later write to r (intersected with the canvas). */
void nqm_canvas_clip(nqm_canvas *cv, nqm_rect r);
void nqm_canvas_unclip(nqm_canvas *cv);
nqm_rect nqm_canvas_clip_rect(const nqm_canvas *cv);

/* Dots: x in [0, 2w), y in [0, 4h), y = 0 at the top. Setting a dot in a
 * text cell turns it into a dot cell. Outside the clip: ignored. */
void nqm_canvas_dot(nqm_canvas *cv, int x, int y, nqm_color color);
/* Dots (x, y0) .. (x, y1) inclusive, either order. */
void nqm_canvas_vline(nqm_canvas *cv, int x, int y0, int y1, nqm_color color);
/* A curve, one dot column per sample: ys (n) in dot rows (fractions
 * rounded), sample i at dot column x0 + i. Consecutive samples are joined
 * vertically so steep parts stay connected; a NaN leaves a gap. */
void nqm_canvas_polyline(nqm_canvas *cv, int x0, const double *ys, int n, nqm_color color);

/* One text cell. ASCII mode writes the first character of the code
 * point's twin. Outside the clip: ignored. */
void nqm_canvas_put(nqm_canvas *cv, int x, int y, uint32_t ch, nqm_color color);
/* UTF-8 text from (x, y) rightwards, one cell per character (ASCII mode:
 * per character of the twin). Returns the number of cells the text
 * takes, written or clipped. Invalid UTF-8 bytes show as '?'. */
int nqm_canvas_text(nqm_canvas *cv, int x, int y, const char *utf8, nqm_color color);
/* Cells nqm_canvas_text would take for this text in this glyph mode. */
int nqm_text_width(const char *utf8, nqm_glyphs glyphs);
/* Fill r with one character. */
void nqm_canvas_fill(nqm_canvas *cv, nqm_rect r, uint32_t ch, nqm_color color);
/* A frame on the border cells of r (box lines, or + - | in ASCII). */
void nqm_canvas_box(nqm_canvas *cv, nqm_rect r, nqm_color color);

/* Row y as UTF-8 into buf (NUL-terminated, truncated to len). Returns the
 * length the whole row needs, like snprintf; 0 outside the canvas. */
size_t nqm_canvas_row_text(const nqm_canvas *cv, int y, char *buf, size_t len);

/* UTF-8 encoding of a code point into out (no NUL); returns 1..4 bytes
 * (invalid code points encode U+FFFD). */
int nqm_utf8_encode(uint32_t ch, char out[4]);
/* The ASCII twin of a code point: itself when ASCII, else a short
 * printable string ("eta", "-", "+", "?"). */
const char *nqm_ascii_twin(uint32_t ch);

#endif
