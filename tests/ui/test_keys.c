/* test_keys.c: the key tables against themselves and against the man
 * page. Within each keymap every key dispatches to its own action and to
 * no other, and labels are distinct; the tags of man/nqmtop.1's
 * INTERACTIVE COMMANDS section (the main keymap) and of its subsections
 * named after the other keymaps are exactly each keymap's labels, one per
 * action (argument: the page). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/app/keys.h"

enum { LINE_MAX_LEN = 1024, MAX_TAGS = 128 };

static int failures;

static void fail(const char *fmt, const char *a, const char *b)
{
    failures++;
    fprintf(stderr, "FAIL: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

static void test_dispatch(void)
{
    char name[32], label[64], other[64];
    for (int a = 0; a < NQM_ACT_COUNT; a++) {
        const int *keys = nqm_action_keys((nqm_action)a);
        nqm_keymap map = nqm_action_keymap((nqm_action)a);
        nqm_action_label((nqm_action)a, label, sizeof label);
        if (!keys[0])
            fail("action %s%s has no key", label, "");
        for (const int *k = keys; *k; k++) {
            nqm_key_name(*k, name, sizeof name);
            if (nqm_keymap_action(map, *k) != a)
                fail("key %s dispatches elsewhere than '%s'", name, nqm_action_help(a));
            if (name[0] == '#')
                fail("key %s has no name (%s)", name, label);
        }
        for (int b = 0; b < a; b++)
            if (nqm_action_keymap((nqm_action)b) == map &&
                strcmp(label, nqm_action_label((nqm_action)b, other, sizeof other)) == 0)
                fail("label %s used twice%s", label, "");
        if (!nqm_action_help((nqm_action)a)[0])
            fail("action %s%s has no help text", label, "");
    }
    if (nqm_key_action('Z') != NQM_ACT_NONE || nqm_key_action(0) != NQM_ACT_NONE)
        fail("unbound keys %s%s dispatch", "Z/0", "");
    if (nqm_key_action('v') != NQM_ACT_NONE ||
        nqm_keymap_action(NQM_KEYS_SWEEP, 'v') == NQM_ACT_NONE)
        fail("the sweep view's v is its own%s%s", "", "");
}

/* Copy the roff text s without escapes into out: \- and \(mi become '-',
 * \& and font changes vanish, \e becomes a backslash. */
static void unescape(const char *s, char *out, size_t len)
{
    size_t o = 0;
    while (*s && o + 1 < len) {
        if (s[0] != '\\') {
            out[o++] = *s++;
            continue;
        }
        if (s[1] == '-') {
            out[o++] = '-';
            s += 2;
        } else if (s[1] == 'e') {
            out[o++] = '\\';
            s += 2;
        } else if (s[1] == '&') {
            s += 2;
        } else if (s[1] == 'f' && s[2]) {
            s += 3;
        } else if (s[1] == '(' && s[2] && s[3]) {
            out[o++] = strncmp(s + 2, "mi", 2) == 0 ? '-' : '?';
            s += 4;
        } else {
            out[o++] = '?';
            s += s[1] ? 2 : 1;
        }
    }
    out[o] = '\0';
}

/* The text a tag line shows: a font macro's arguments joined (quotes
 * removed; .B and .I put spaces between them, alternating macros not). */
static void tag_text(const char *line, char *out, size_t len)
{
    char joined[LINE_MAX_LEN] = "";
    size_t o = 0;
    const char *p = line;
    int alternating = 0;
    if (*p == '.') {
        while (*p && *p != ' ')
            p++;
        alternating = (p - line) == 3; /* .BR, .RB, .IR, ... */
    }
    int first = 1;
    while (*p && o + 1 < sizeof joined) {
        while (*p == ' ')
            p++;
        if (!*p || *p == '\n')
            break;
        if (!first && !alternating && line[0] == '.')
            joined[o++] = ' ';
        first = 0;
        char end = *p == '"' ? '"' : ' ';
        if (*p == '"')
            p++;
        while (*p && *p != end && *p != '\n' && o + 1 < sizeof joined)
            joined[o++] = *p++;
        if (*p == '"')
            p++;
    }
    joined[o] = '\0';
    unescape(joined, out, len);
}

static int is_section(const char *line, const char *name)
{
    char want[128];
    snprintf(want, sizeof want, ".SH %s", name);
    char quoted[128];
    snprintf(quoted, sizeof quoted, ".SH \"%s\"", name);
    return strncmp(line, want, strlen(want)) == 0 || strncmp(line, quoted, strlen(quoted)) == 0;
}

/* Tags of keymap m in the INTERACTIVE COMMANDS section (the main keymap
 * before its first subsection, another one in the subsection of its
 * title); returns their number. */
static int read_tags(FILE *f, nqm_keymap m, char tags[][64], int max)
{
    char line[LINE_MAX_LEN], want[128];
    snprintf(want, sizeof want, ".SS \"%s\"", nqm_keymap_title(m));
    int in = 0, section = 0, n = 0, want_tag = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, ".SH", 3) == 0) {
            section = is_section(line, "INTERACTIVE COMMANDS");
            in = section && m == NQM_KEYS_MAIN;
            continue;
        }
        if (strncmp(line, ".SS", 3) == 0) {
            in = section && strcmp(line, want) == 0;
            continue;
        }
        if (!in)
            continue;
        if (want_tag && n < max) {
            tag_text(line, tags[n++], 64);
            want_tag = 0;
        } else if (strcmp(line, ".TP") == 0) {
            want_tag = 1;
        }
    }
    return n;
}

static void test_man(const char *path, nqm_keymap m)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fail("cannot open %s%s", path, "");
        return;
    }
    static char tags[MAX_TAGS][64];
    int ntags = read_tags(f, m, tags, MAX_TAGS);
    fclose(f);
    if (ntags == 0)
        fail("%s has no INTERACTIVE COMMANDS tags for '%s'", path, nqm_keymap_title(m));
    int used[MAX_TAGS] = {0};
    char label[64];
    for (int a = 0; a < NQM_ACT_COUNT; a++) {
        if (nqm_action_keymap((nqm_action)a) != m)
            continue;
        nqm_action_label((nqm_action)a, label, sizeof label);
        int found = 0;
        for (int t = 0; t < ntags; t++)
            if (strcmp(tags[t], label) == 0) {
                found++;
                used[t] = 1;
            }
        if (found != 1)
            fail("man page lists key(s) '%s' %s", label, found ? "more than once" : "nowhere");
    }
    for (int t = 0; t < ntags; t++)
        if (!used[t])
            fail("man page lists '%s', which the key table does not have%s", tags[t], "");
}

int main(int argc, char **argv)
{
    test_dispatch();
    if (argc < 2)
        fail("usage: test_keys MAN_PAGE%s%s", "", "");
    for (int m = 0; argc > 1 && m < NQM_KEYMAP_COUNT; m++)
        test_man(argv[1], (nqm_keymap)m);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
