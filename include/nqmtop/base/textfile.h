/* textfile.h: the text files nqmtop reads (presets, the settings file,
 * CSV tables, demo scripts, recordings): the whole file at once, checks
 * that a line holds only printable UTF-8, and one checked line at a time.
 * Errors read "FILE:LINE: what is wrong", as the preset parser's do. */
#ifndef NQMTOP_TEXTFILE_H
#define NQMTOP_TEXTFILE_H

#include <stddef.h>
#include <stdio.h>

enum {
    NQM_TEXT_MAX_LINE = 4096,        /* bytes per line, newline excluded */
    NQM_TEXT_MAX_FILE = 1024 * 1024, /* bytes per demo script or recording */
    NQM_WORD_MAX = 32                /* bytes of a word a message quotes */
};

/* Read a whole file of at most max_bytes into a buffer to free() with a
 * NUL after the last byte. 0, or -1 with err set; what names the kind of
 * file in messages ("preset", "demo"). On failure errno is as open(2)
 * left it when the file could not be opened, ENOMEM when an allocation
 * failed, else 0. Every reader built on it keeps that rule (errno is
 * ENOMEM after a failure exactly when an allocation failed), so that a
 * front end tells a lack of memory (exit 1) from bad input (exit 2). */
int nqm_text_read(const char *path, const char *what, size_t max_bytes, char **out, size_t *len,
                  char *err, size_t errlen);
/* Whether path names standard input: "-" or "/dev/stdin". */
int nqm_is_stdin_name(const char *path);
/* nqm_text_read for a data file, which may also be standard input (a
 * pipe, a file or a terminal) named as nqm_is_stdin_name says: read to
 * its end once per process; a second read is refused ("standard input
 * was read already"). */
int nqm_data_text_read(const char *path, const char *what, size_t max_bytes, char **out,
                       size_t *len, char *err, size_t errlen);

/* Length of the longest prefix of the string s, at most max bytes, that
 * ends on a character boundary. */
size_t nqm_utf8_prefix(const char *s, size_t max);

/* 1-based byte offset of the first thing in the line s[0..len) that a
 * text file may not hold (a NUL byte, invalid UTF-8, a control character
 * other than tab, C1 controls included; invalid UTF-8 is an over-long
 * form, a surrogate or a code point above U+10FFFF as well as a broken
 * sequence), with what it is in msg; 0 when
 * the line is clean. A control character on screen could drive the
 * terminal, and one in a value would not survive being written back. */
size_t nqm_text_line_fault(const char *s, size_t len, char *msg, size_t msglen);

/* s with every byte that could drive a terminal or break a line written
 * as \xNN: control characters (C0, DEL, C1, tab and newline included) and
 * bytes that are not UTF-8; cut to fit outlen on a character boundary. */
void nqm_escape(const char *s, char *out, size_t outlen);

/* One message line on f: the printf-style text, escaped (nqm_escape), then
 * a newline. 0, or -1 when it could not be written. Every message that
 * quotes what a user or a file gave goes out this way. */
int nqm_say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether s[0..n) is a word a message may quote from a file: 1 to
 * NQM_WORD_MAX letters, digits, '_', '-' or '.'. A line that is not is
 * never repeated, so that a file of another kind (a password file given as
 * a demo) does not have its contents printed. */
int nqm_is_word(const char *s, size_t n);

/* Blanks are spaces and tabs. */
int nqm_is_blank(char c);
const char *nqm_skip_blanks(const char *s);
/* s without blanks at either end, in place; returns its first character. */
char *nqm_trim(char *s);
/* Copy s[0..len) into dst (size dstlen), blanks trimmed at both ends and
 * cut to fit. */
void nqm_copy_trimmed(char *dst, size_t dstlen, const char *s, size_t len);
/* s up to a comment (a '#' at its start or after a blank), in place, and
 * trimmed; returns its first character. */
char *nqm_strip_comment(char *s);

/* Walks the lines of text[0..len). */
typedef struct {
    const char *label; /* file name for messages */
    const char *text;
    size_t len, pos;
    int lineno; /* number of the line last returned */
} nqm_lines;

void nqm_lines_init(nqm_lines *it, const char *label, const char *text, size_t len);
/* The next line into out (NQM_TEXT_MAX_LINE + 1 bytes), without its
 * newline and CR. 1: a line; 0: no more; -1: a line too long or one that
 * nqm_text_line_fault refuses (err says which, with FILE:LINE). */
int nqm_lines_next(nqm_lines *it, char *out, char *err, size_t errlen);

#endif
