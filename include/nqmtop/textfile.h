/* textfile.h: reading the small line-oriented text files nqmtop takes as
 * input besides presets (demo scripts, session recordings): the whole
 * file at once, then one checked line at a time. Errors read
 * "FILE:LINE: what is wrong", as the preset parser's do. No terminal. */
#ifndef NQMTOP_TEXTFILE_H
#define NQMTOP_TEXTFILE_H

#include <stddef.h>

enum {
    NQM_TEXT_MAX_LINE = 4096,       /* bytes per line, newline excluded */
    NQM_TEXT_MAX_FILE = 1024 * 1024 /* bytes per file */
};

/* Read a whole file (at most NQM_TEXT_MAX_FILE bytes) into a buffer to
 * free() with a NUL after the last byte. 0, or -1 with err set; what
 * names the kind of file in messages ("demo", "recording"). */
int nqm_text_read(const char *path, const char *what, char **out, size_t *len, char *err,
                  size_t errlen);

/* Walks the lines of text[0..len). */
typedef struct {
    const char *label; /* file name for messages */
    const char *text;
    size_t len, pos;
    int lineno; /* number of the line last returned */
} nqm_lines;

void nqm_lines_init(nqm_lines *it, const char *label, const char *text, size_t len);
/* The next line into out (NQM_TEXT_MAX_LINE + 1 bytes), without its
 * newline and CR. 1: a line; 0: no more; -1: a line too long, with a NUL
 * byte or invalid UTF-8 (err says which, with FILE:LINE). */
int nqm_lines_next(nqm_lines *it, char *out, char *err, size_t errlen);

#endif
