/* keys.h: the one place interactive keys are defined. X-macro tables (the
 * main screen, the preset picker, the sweep view) yield the action enum,
 * the key-to-action dispatch, the help overlays' lines and the key list of
 * --help; a test checks that the man page's INTERACTIVE COMMANDS section
 * names exactly the same keys, keymap by keymap. No curses here: the UI
 * translates curses key codes into the codes below. */
#ifndef NQMTOP_KEYS_H
#define NQMTOP_KEYS_H

#include <stddef.h>
#include <stdio.h>

/* Key codes beyond plain bytes (the UI maps curses' codes onto these). */
enum {
    NQM_KEY_CTRL_L = 12,
    NQM_KEY_ENTER = 10,
    NQM_KEY_ESC = 27,
    NQM_KEY_F1 = 0x1001,
    NQM_KEY_F10 = 0x100a,
    NQM_KEY_UP = 0x1100,
    NQM_KEY_DOWN,
    NQM_KEY_PGUP,
    NQM_KEY_PGDN,
    NQM_KEY_HOME,
    NQM_KEY_END,
    NQM_KEY_LEFT,
    NQM_KEY_RIGHT
};

/* X(ACTION, "help text", key, key, ...): every action and its keys, one
 * table per keymap: the main screen's, the preset picker's (while it is
 * open) and the sweep view's. */
#define NQM_KEY_TABLE(X)                                                                           \
    X(ETA_UP, "eta x 1.05 from the next step", '+', '=')                                           \
    X(ETA_DOWN, "eta / 1.05 from the next step", '-')                                              \
    X(ETA_UP_BIG, "eta x 1.5 from the next step", ']')                                             \
    X(ETA_DOWN_BIG, "eta / 1.5 from the next step", '[')                                           \
    X(ETA_DIGIT, "eta = digit/4 x eta_crit and restart (4: critical, 8: edge)", '1', '2', '3',     \
      '4', '5', '6', '7', '8', '9')                                                                \
    X(PAUSE, "pause or resume", ' ')                                                               \
    X(STEP, "one step (pauses first)", '.')                                                        \
    X(FASTER, "more steps per second", '>')                                                        \
    X(SLOWER, "fewer steps per second", '<')                                                       \
    X(RESTART, "restart from the same initialisation, current eta", 'r')                           \
    X(RESEED, "restart with the next seed, same eta / eta_crit", 'R')                              \
    X(MODEL, "next model: net, quad, lin (restarts)", 'm')                                         \
    X(COMPARE, "compare net, quad and lin (on/off, restarts)", 'c')                                \
    X(THEORY, "theory overlay on/off (restarts)", 't')                                             \
    X(OPTIMIZER, "next optimizer (restarts)", 'o')                                                 \
    X(LOG, "loss axis log / linear", 'l')                                                          \
    X(LOG_TIME, "time axis log / linear", 'L')                                                     \
    X(CURSOR_BACK, "cursor back: titles show that step's values", ',')                             \
    X(CURSOR_FORWARD, "cursor forward (past the last step: off)", '/')                             \
    X(BIG, "projector view: two large charts (on/off)", 'z')                                       \
    X(NEXT, "demo: next scene", 'n', NQM_KEY_RIGHT)                                                \
    X(BACK, "demo: previous scene (or this one again)", 'b', NQM_KEY_LEFT)                         \
    X(PRESETS, "preset picker", 'p')                                                               \
    X(EXPORT, "export the history as CSV", 'e')                                                    \
    X(HELP, "this help", '?', 'h', NQM_KEY_F1)                                                     \
    X(QUIT, "quit", 'q', NQM_KEY_F10)                                                              \
    X(REDRAW, "redraw the screen", NQM_KEY_CTRL_L)

#define NQM_PICKER_KEY_TABLE(X)                                                                    \
    X(PICK_UP, "the previous preset", NQM_KEY_UP, 'k')                                             \
    X(PICK_DOWN, "the next preset", NQM_KEY_DOWN, 'j')                                             \
    X(PICK_FIRST, "the first preset", NQM_KEY_HOME, NQM_KEY_PGUP)                                  \
    X(PICK_LAST, "the last preset", NQM_KEY_END, NQM_KEY_PGDN)                                     \
    X(PICK_LOAD, "load the preset and start it", NQM_KEY_ENTER)                                    \
    X(PICK_CLOSE, "close the picker", NQM_KEY_ESC, 'q', 'p')

#define NQM_SWEEP_KEY_TABLE(X)                                                                     \
    X(SWEEP_QUIT, "quit (a sweep still running is stopped)", 'q')                                  \
    X(SWEEP_HELP, "this help (any key closes it)", '?')                                            \
    X(SWEEP_EXPORT, "export the results so far as CSV in the working directory", 'e')              \
    X(SWEEP_PANEL, "switch: the curve, the regime map, the early phases, the bifurcation", 'v')    \
    X(SWEEP_MODEL, "the next model's regime map", 'm')                                             \
    X(SWEEP_SLICE, "the other axis's previous / next value (curve)", '[', ']')

typedef enum { NQM_KEYS_MAIN, NQM_KEYS_PICKER, NQM_KEYS_SWEEP, NQM_KEYMAP_COUNT } nqm_keymap;

#define NQM_KEY_ENUM_ITEM(action, help, ...) NQM_ACT_##action,
typedef enum {
    NQM_ACT_NONE = -1,
    NQM_KEY_TABLE(NQM_KEY_ENUM_ITEM) NQM_PICKER_KEY_TABLE(NQM_KEY_ENUM_ITEM)
        NQM_SWEEP_KEY_TABLE(NQM_KEY_ENUM_ITEM) NQM_ACT_COUNT
} nqm_action;
#undef NQM_KEY_ENUM_ITEM

enum { NQM_KEYS_PER_ACTION = 9 };

/* The keymap an action belongs to, and its heading ("" for the main one). */
nqm_keymap nqm_action_keymap(nqm_action a);
const char *nqm_keymap_title(nqm_keymap m);
/* The actions of a keymap in table order into out (at most NQM_ACT_COUNT);
 * returns their number. */
int nqm_keymap_actions(nqm_keymap m, nqm_action *out);
/* The action a key triggers in a keymap, NQM_ACT_NONE when it has none;
 * nqm_key_action is the main screen's. */
nqm_action nqm_keymap_action(nqm_keymap m, int key);
nqm_action nqm_key_action(int key);
/* The keys of an action (0-terminated, at most NQM_KEYS_PER_ACTION) and
 * its one-line help text. */
const int *nqm_action_keys(nqm_action a);
const char *nqm_action_help(nqm_action a);
/* A key's printable name: "+", "space", "Ctrl-L", "F1", "Left". */
const char *nqm_key_name(int key, char *buf, size_t len);
/* The key a name from nqm_key_name stands for (also "#N" for code N);
 * 0 when the name is none. */
int nqm_key_parse(const char *name);
/* The keys of an action as shown to users: "+, =", "1-9", "?, h, F1". */
const char *nqm_action_label(nqm_action a, char *buf, size_t len);
/* One help line of an action: its label padded to a column, its text. */
const char *nqm_action_line(nqm_action a, char *buf, size_t len);
/* The key lists for --help: one line per action, each keymap under its
 * heading. */
void nqm_keys_print(FILE *out);

#endif
