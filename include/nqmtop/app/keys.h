/* keys.h: the one table of interactive keys. A single X-macro list yields
 * the action enum, the key-to-action dispatch, the help overlay's lines
 * and the key list of --help; a test checks that the man page's
 * INTERACTIVE COMMANDS section names exactly the same keys. No curses
 * here: the UI translates curses key codes into the codes below. */
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

/* X(ACTION, "help text", key, key, ...): every action and its keys. */
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
    X(MODEL, "cycle the model net -> quad -> lin and restart", 'm')                                \
    X(COMPARE, "compare net, quad and lin (on/off, restarts)", 'c')                                \
    X(THEORY, "theory overlay: dynamics equations (on/off, restarts)", 't')                        \
    X(LOG, "loss axis log / linear", 'l')                                                          \
    X(BIG, "projector view: two large charts, high contrast (on/off)", 'z')                        \
    X(NEXT, "demo: next scene", 'n', NQM_KEY_RIGHT)                                                \
    X(BACK, "demo: previous scene (or this one again)", 'b', NQM_KEY_LEFT)                         \
    X(PRESETS, "preset picker", 'p')                                                               \
    X(EXPORT, "export the history to a CSV file", 'e')                                             \
    X(HELP, "this help (any key closes it)", '?', 'h', NQM_KEY_F1)                                 \
    X(QUIT, "quit", 'q', NQM_KEY_F10)                                                              \
    X(REDRAW, "redraw the screen", NQM_KEY_CTRL_L)

#define NQM_KEY_ENUM_ITEM(action, help, ...) NQM_ACT_##action,
typedef enum { NQM_ACT_NONE = -1, NQM_KEY_TABLE(NQM_KEY_ENUM_ITEM) NQM_ACT_COUNT } nqm_action;
#undef NQM_KEY_ENUM_ITEM

enum { NQM_KEYS_PER_ACTION = 9 };

/* The action a key triggers, NQM_ACT_NONE when it has none. */
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
/* The key list for --help, one line per action. */
void nqm_keys_print(FILE *out);

#endif
