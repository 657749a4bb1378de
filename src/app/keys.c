/* keys.c: the key table expanded into data, and the functions that read
 * it (dispatch, key names, help lines). No curses and no state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/app/keys.h"

typedef struct {
    nqm_keymap map;
    const char *help;
    int keys[NQM_KEYS_PER_ACTION + 1]; /* 0-terminated */
} key_entry;

#define MAIN_ENTRY(action, text, ...)   [NQM_ACT_##action] = {NQM_KEYS_MAIN, text, {__VA_ARGS__}},
#define PICKER_ENTRY(action, text, ...) [NQM_ACT_##action] = {NQM_KEYS_PICKER, text, {__VA_ARGS__}},
#define SWEEP_ENTRY(action, text, ...)  [NQM_ACT_##action] = {NQM_KEYS_SWEEP, text, {__VA_ARGS__}},
static const key_entry key_table[NQM_ACT_COUNT] = {
    NQM_KEY_TABLE(MAIN_ENTRY) NQM_PICKER_KEY_TABLE(PICKER_ENTRY) NQM_SWEEP_KEY_TABLE(SWEEP_ENTRY)};
#undef MAIN_ENTRY
#undef PICKER_ENTRY
#undef SWEEP_ENTRY

static const char *const keymap_titles[NQM_KEYMAP_COUNT] = {"", "In the preset picker",
                                                            "In the sweep view"};

/* Width of the key column in help lines. */
enum { LABEL_COLUMN = 12 };

static int valid_action(nqm_action a) { return a >= 0 && a < NQM_ACT_COUNT; }

nqm_keymap nqm_action_keymap(nqm_action a)
{
    return valid_action(a) ? key_table[a].map : NQM_KEYMAP_COUNT;
}

const char *nqm_keymap_title(nqm_keymap m)
{
    return m >= 0 && m < NQM_KEYMAP_COUNT ? keymap_titles[m] : "";
}

int nqm_keymap_actions(nqm_keymap m, nqm_action *out)
{
    int n = 0;
    for (int a = 0; a < NQM_ACT_COUNT; a++)
        if (key_table[a].map == m)
            out[n++] = (nqm_action)a;
    return n;
}

nqm_action nqm_keymap_action(nqm_keymap m, int key)
{
    if (key == 0)
        return NQM_ACT_NONE;
    for (int a = 0; a < NQM_ACT_COUNT; a++)
        for (const int *k = key_table[a].keys; key_table[a].map == m && *k; k++)
            if (*k == key)
                return (nqm_action)a;
    return NQM_ACT_NONE;
}

nqm_action nqm_key_action(int key) { return nqm_keymap_action(NQM_KEYS_MAIN, key); }

const int *nqm_action_keys(nqm_action a)
{
    static const int none[1] = {0};
    return valid_action(a) ? key_table[a].keys : none;
}

const char *nqm_action_help(nqm_action a) { return valid_action(a) ? key_table[a].help : ""; }

/* Keys named by a word (the others: their character, F1..F10, #N). */
static const struct {
    int key;
    const char *name;
} named_keys[] = {
    {' ', "space"},         {NQM_KEY_CTRL_L, "Ctrl-L"}, {NQM_KEY_ENTER, "Enter"},
    {NQM_KEY_ESC, "Esc"},   {NQM_KEY_UP, "Up"},         {NQM_KEY_DOWN, "Down"},
    {NQM_KEY_PGUP, "PgUp"}, {NQM_KEY_PGDN, "PgDn"},     {NQM_KEY_HOME, "Home"},
    {NQM_KEY_END, "End"},   {NQM_KEY_LEFT, "Left"},     {NQM_KEY_RIGHT, "Right"},
};
enum { NAMED_KEYS = sizeof named_keys / sizeof named_keys[0] };

const char *nqm_key_name(int key, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    for (int i = 0; i < NAMED_KEYS; i++)
        if (named_keys[i].key == key) {
            snprintf(buf, len, "%s", named_keys[i].name);
            return buf;
        }
    if (key >= NQM_KEY_F1 && key <= NQM_KEY_F10)
        snprintf(buf, len, "F%d", key - NQM_KEY_F1 + 1);
    else if (key > ' ' && key < 127)
        snprintf(buf, len, "%c", key);
    else
        snprintf(buf, len, "#%d", key);
    return buf;
}

int nqm_key_parse(const char *name)
{
    for (int i = 0; i < NAMED_KEYS; i++)
        if (strcmp(named_keys[i].name, name) == 0)
            return named_keys[i].key;
    if (name[0] > ' ' && name[0] < 127 && name[1] == '\0')
        return name[0];
    char *end;
    if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
        long f = strtol(name + 1, &end, 10);
        return *end == '\0' && f <= NQM_KEY_F10 - NQM_KEY_F1 + 1 ? NQM_KEY_F1 + (int)f - 1 : 0;
    }
    if (name[0] == '#' && name[1] >= '0' && name[1] <= '9') {
        long code = strtol(name + 1, &end, 10);
        return *end == '\0' && code > 0 && code <= 0x10FFFF ? (int)code : 0;
    }
    return 0;
}

/* Length of the run of consecutive printable keys starting at keys[i]. */
static int run_length(const int *keys, int i)
{
    int n = 1;
    while (keys[i + n] == keys[i + n - 1] + 1 && keys[i + n] > ' ' && keys[i + n] < 127)
        n++;
    return n;
}

const char *nqm_action_label(nqm_action a, char *buf, size_t len)
{
    const int *keys = nqm_action_keys(a);
    size_t used = 0;
    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (int i = 0; keys[i] && used < len; i++) {
        char first[16];
        int run = run_length(keys, i);
        const char *sep = i ? ", " : "";
        nqm_key_name(keys[i], first, sizeof first);
        if (run >= 3) {
            char last[16];
            nqm_key_name(keys[i + run - 1], last, sizeof last);
            used += (size_t)snprintf(buf + used, len - used, "%s%s-%s", sep, first, last);
            i += run - 1;
        } else {
            used += (size_t)snprintf(buf + used, len - used, "%s%s", sep, first);
        }
    }
    return buf;
}

const char *nqm_action_line(nqm_action a, char *buf, size_t len)
{
    char label[64];
    nqm_action_label(a, label, sizeof label);
    snprintf(buf, len, "%-*s %s", LABEL_COLUMN, label, nqm_action_help(a));
    return buf;
}

void nqm_keys_print(FILE *out)
{
    char line[160];
    for (int m = 0; m < NQM_KEYMAP_COUNT; m++) {
        if (keymap_titles[m][0])
            fprintf(out, "%s:\n", keymap_titles[m]);
        for (int a = 0; a < NQM_ACT_COUNT; a++)
            if (key_table[a].map == (nqm_keymap)m)
                fprintf(out, "  %s\n", nqm_action_line((nqm_action)a, line, sizeof line));
    }
}
