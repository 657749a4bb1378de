/* demo.h: demo scripts (guided tours: scenes with captions that wait for
 * events of the run) and the player that acts them out on the UI's runs.
 *
 * A script is parsed and every scene's configuration resolved before
 * anything runs, so a mistake is one "FILE:LINE: what is wrong" message.
 * The player is pure (no curses, no clock): the UI calls it after every
 * step, so a caption appears at the very step its event happens; the
 * tests call it the same way without a terminal. The format is in
 * nqmtop(5), DEMO SCRIPTS. */
#ifndef NQMTOP_DEMO_H
#define NQMTOP_DEMO_H

#include <stddef.h>

#include "nqmtop/app/app.h"
#include "nqmtop/input/config.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/app/run.h"
#include "nqmtop/app/screen.h"

enum {
    NQM_DEMO_TITLE_COLS = 40, /* cells a scene title may take */
    NQM_DEMO_TEXT_LEN = 320,  /* bytes of a title or caption line */
    NQM_DEMO_PATH_LEN = 4096
};

/* How long a caption stays up at least, whatever the run's speed: a base
 * reading time and a time per word (of all its lines). The controller
 * holds the run at an until that would replace a caption sooner. */
#define NQM_DEMO_READ_SECONDS 2.0
#define NQM_DEMO_WORD_SECONDS 0.25

typedef enum {
    NQM_DEMO_CAPTION, /* show text (replaces the caption shown) */
    NQM_DEMO_UNTIL,   /* wait until cond holds */
    NQM_DEMO_PAUSE,
    NQM_DEMO_RESUME,
    NQM_DEMO_ETA,  /* learning rate from the next step */
    NQM_DEMO_LOG,  /* loss axis log (on) or linear (off) */
    NQM_DEMO_SPEED /* steps per second: a speed level, or auto */
} nqm_demo_op;

/* What an `until` reads, and how it compares. */
typedef enum {
    NQM_QTY_STEP,
    NQM_QTY_PHASE,
    NQM_QTY_REGIME,
    NQM_QTY_LOSS,
    NQM_QTY_G,
    NQM_QTY_LAMBDA1,
    NQM_QTY_LAMBDA2,
    NQM_QTY_PEAK /* `until peak`: the step whose loss is the largest so far
                    and above the next step's (known one step later) */
} nqm_demo_qty;
typedef enum { NQM_CMP_EQ, NQM_CMP_LT, NQM_CMP_GT, NQM_CMP_LE, NQM_CMP_GE } nqm_demo_cmp;

typedef struct {
    int model; /* the run read: a nqm_model_kind, or -1 for the scene's
                  reference run (quad in compare mode, else the run) */
    nqm_demo_qty qty;
    nqm_demo_cmp cmp;
    double value;   /* step, loss, g or lambda compared with ... */
    double per_eta; /* > 0: ... per_eta / eta instead (2/eta, 4/eta) */
    int label;      /* phase or regime (nqm_phase, nqm_regime) */
} nqm_demo_cond;

typedef struct {
    nqm_demo_op op;
    int line;           /* where the script says it */
    nqm_demo_cond cond; /* UNTIL */
    int nlines;         /* CAPTION: lines of text */
    char text[NQM_CAPTION_LINES][NQM_DEMO_TEXT_LEN];
    double value; /* ETA: eta or eta_rel; SPEED: level index; LOG: 1 on, 0 off */
    int relative; /* ETA: value is a multiple of eta_crit */
} nqm_demo_cmd;

typedef struct {
    char title[NQM_DEMO_TEXT_LEN];
    int line;       /* of its `scene` line */
    nqm_config cfg; /* its run, resolved (owned) */
    int compare, theory;
    nqm_demo_cmd *cmds; /* (ncmds) in script order */
    int ncmds;
} nqm_demo_scene;

typedef struct nqm_demo {
    char name[NQM_NAME_LEN]; /* file name without .demo */
    char description[160];   /* its first comment line */
    nqm_demo_scene *scenes;  /* (nscenes) */
    int nscenes;
    int caption_rows; /* the most lines any caption has */
} nqm_demo;

/* Path of the demo a NAME (or a path: it contains '/' or ends in .demo)
 * refers to; names are looked up on places->demos, in order. */
int nqm_demo_find(const nqm_places *places, const char *name_or_path, char *path, size_t pathlen,
                  char *err, size_t errlen);
/* Find, read and parse a demo. 0, or -1 with err set (nothing to free). */
int nqm_demo_load(const nqm_places *places, const char *name_or_path, nqm_demo *demo, char *err,
                  size_t errlen);
/* Parse script text (len bytes) read from the file named label. A scene's
 * preset NAME is looked up on places->presets; relative preset paths start
 * from label's folder. Same contract as load. */
int nqm_demo_parse(const nqm_places *places, const char *label, const char *text, size_t len,
                   nqm_demo *demo, char *err, size_t errlen);
void nqm_demo_free(nqm_demo *demo);

/* The condition of an until: parsed from "[MODEL] QUANTITY OP VALUE" (or
 * "[MODEL] peak") and checked against the scene that waits for it (0, or
 * -1 with what is wrong in msg); whether it holds on the runs as they
 * stand (a peak: whether the step before the current one was the peak). */
int nqm_demo_cond_parse(const nqm_demo_scene *sc, const char *s, nqm_demo_cond *cond, char *msg,
                        size_t msglen);
int nqm_demo_cond_holds(const nqm_demo_cond *c, nqm_runset *set);

/* What the player acts on: the UI's configuration, runs and state. */
typedef struct {
    nqm_config *base;
    nqm_runset *set;
    nqm_app *app;
} nqm_stage;

typedef struct {
    const nqm_demo *demo;
    int scene;      /* playing this scene */
    int pc;         /* its next command */
    int waiting;    /* cmds[pc] is an until whose condition has not held */
    int caption;    /* the CAPTION command shown, -1: none yet */
    int held;       /* index of the until that held last, -1: none */
    long held_step; /* the main run's step when it held */
    int pending;    /* that until held, the commands after it wait for
                       nqm_player_proceed */
} nqm_player;

/* Start scene k (0-based) on the stage: build its runs in place of the
 * stage's, reset the app (keeping the viewer's choices: big, demo,
 * picker), then run its commands up to the first until that does not
 * hold yet. 0, or -1 with err set and the stage as it was. */
int nqm_player_start(nqm_player *p, const nqm_demo *demo, int k, nqm_stage *st, char *err,
                     size_t errlen);
/* Call after every step: when the awaited condition holds now, mark it
 * held (p->held, p->held_step say which, and when) and return 1, leaving
 * the commands after it pending; else 0. A peak is seen one step late:
 * the runs are then rebuilt and stepped again up to the peak's step (the
 * steps the history still holds one by one; a longer run is left where
 * it is, one step past its peak). */
int nqm_player_check(nqm_player *p, nqm_stage *st);
/* Run the pending commands up to the next until (which then waits). */
void nqm_player_proceed(nqm_player *p, nqm_stage *st);
/* Check and, when an until held, proceed at once (no reading time):
 * returns 1 when an until held, else 0. */
int nqm_player_poll(nqm_player *p, nqm_stage *st);
/* Whether proceeding would replace the caption shown. */
int nqm_player_replaces_caption(const nqm_player *p);
/* Seconds the caption shown needs to be read (0 when none is shown). */
double nqm_player_reading_seconds(const nqm_player *p);
/* Nonzero when every command of the scene has run (none pending). */
int nqm_player_done(const nqm_player *p);
/* The caption bar: heading "k/N  title" and the caption shown. */
void nqm_player_caption(const nqm_player *p, nqm_caption *out);

#endif
