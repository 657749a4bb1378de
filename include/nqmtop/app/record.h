/* record.h: recordings of interactive sessions (--record, --replay).
 *
 * A recording is a small versioned text file: the configuration the
 * session started from (as preset text, seed included) and every key
 * with the step at which it took effect, plus the few things the UI
 * decided by the clock rather than by a key (a settled catapult moving
 * the run's end). Replayed in order at the same steps they give the same
 * numbers and the same screens. Writing and reading are pure (a stream,
 * memory); the pacing of a replay is the UI's.
 *
 * Format 1, one item per line (SECONDS: since the session started):
 *
 *     nqmtop-recording 1
 *     version 0.1.0            the nqmtop that wrote it
 *     view normal|big          the view at the start
 *     speed auto|max|N         the speed at the start (steps per second)
 *     config NAME              the start configuration: preset text up to
 *     ...                      a line "end-config"
 *     end-config
 *     key STEP SECONDS NAME    a key (as nqm_key_name writes it) took effect
 *     settle STEP SECONDS T4   the catapult settled: nqm_app_settled(T4)
 *     load STEP SECONDS NAME   the preset picker loaded a configuration,
 *     ...                      which follows as preset text
 *     end-config
 *     quit STEP SECONDS        the session ended
 *
 * Blank lines and lines starting with '#' outside configurations are
 * comments. A reader takes every format up to its own and refuses newer
 * ones with a message that says so. */
#ifndef NQMTOP_RECORD_H
#define NQMTOP_RECORD_H

#include <stddef.h>
#include <stdio.h>

#include "nqmtop/input/config.h"

#define NQM_RECORD_FORMAT 1

typedef enum { NQM_EVENT_KEY, NQM_EVENT_SETTLE, NQM_EVENT_LOAD, NQM_EVENT_QUIT } nqm_event_kind;

typedef struct {
    nqm_event_kind kind;
    long step;      /* the main run's step when it took effect */
    double seconds; /* since the session started */
    int key;        /* KEY: the key table's code */
    long T4;        /* SETTLE */
    int config;     /* LOAD: index into the recording's configs */
    int line;       /* where a read recording has it */
} nqm_event;

typedef struct nqm_recording {
    int format;
    char version[32];    /* of the nqmtop that wrote it */
    int big;             /* the projector view at the start */
    int speed;           /* speed level at the start (NQM_SPEED_AUTO: automatic) */
    nqm_config *configs; /* (nconfigs) [0]: the start; then one per LOAD */
    int nconfigs;
    nqm_event *events; /* (nevents) in order */
    int nevents;
} nqm_recording;

/* Writing: the header and start configuration, then one call per event
 * (a LOAD with the configuration it loaded). Each call flushes, so a
 * session that dies leaves a recording of what happened so far. made_by
 * (may be NULL) goes in a '#' line after the first (nqm_provenance_line:
 * version, commit, OpenBLAS core and threads). 0, or -1 when the stream
 * failed. */
int nqm_record_start(FILE *f, const nqm_config *cfg, int big, int speed, const char *made_by);
int nqm_record_event(FILE *f, const nqm_event *ev, const nqm_config *loaded);

/* Reading: 0, or -1 with "FILE:LINE: what is wrong" in err (nothing to
 * free then). */
int nqm_recording_load(const char *path, nqm_recording *rec, char *err, size_t errlen);
int nqm_recording_parse(const char *label, const char *text, size_t len, nqm_recording *rec,
                        char *err, size_t errlen);
void nqm_recording_free(nqm_recording *rec);

/* A replay in progress: which event comes next. */
typedef struct {
    const nqm_recording *rec;
    int next;
} nqm_replay;

typedef enum {
    NQM_REPLAY_TRAIN, /* train on, at most nqm_replay_steps_left steps */
    NQM_REPLAY_APPLY, /* apply the next event now */
    NQM_REPLAY_WAIT,  /* the run is at the event's step; its time has not come */
    NQM_REPLAY_END,   /* every event has been applied */
    NQM_REPLAY_LOST   /* the run cannot reach the next event's step */
} nqm_replay_state;

/* What to do with the runs at this step, at this replay time, when they
 * can (can_train) or cannot (paused, at their end, diverged) train. */
nqm_replay_state nqm_replay_state_at(const nqm_replay *r, long step, double seconds, int can_train);
/* Steps the runs may take before the next event (0 at it or after the end). */
long nqm_replay_steps_left(const nqm_replay *r, long step);

#endif
