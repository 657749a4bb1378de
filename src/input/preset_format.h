/* preset_format.h: what the files of the preset format share (private to
 * input/): the one table of preset keys, setting and writing one key, and
 * the small text helpers of `key = value` lines.
 *
 * The table: X-macros by the kind of value a key takes. Each use of the
 * table passes one macro per kind; the enum, the names, the kinds for
 * sweeps, the parser and the writer all come from this list, in this order
 * (the order --show-preset writes):
 *
 *     WORD(ID, name, field, word, count)      a word word(0..count-1), the
 *                                              word functions being
 *                                              preset_keys.c's
 *     WHOLE(ID, name, field, lo, hi)           a whole number lo..hi
 *     REAL(ID, name, field, lo, hi)            a finite number, lo <= v < hi
 *     OWN(ID, name, kind)                      parsed and written by a
 *                                              function of its own; kind is
 *                                              what sweeps see */
#ifndef NQMTOP_PRESET_FORMAT_H
#define NQMTOP_PRESET_FORMAT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nqmtop/base/textfile.h"
#include "nqmtop/input/config.h"
#include "nqmtop/input/preset.h"

#define NQM_PRESET_KEYS(WORD, WHOLE, REAL, OWN)                                                    \
    WORD(MODEL, "model", model, model_word, MODEL_COUNT)                                           \
    WORD(ACTIVATION, "activation", activation, activation_word, ACT_COUNT)                         \
    WORD(NETWORK, "network", network, network_word, NETWORK_COUNT)                                 \
    WHOLE(DEPTH, "depth", depth, NQM_DEPTH_MIN, NQM_DEPTH_MAX)                                     \
    WHOLE(BIASES, "biases", biases, 0, 1)                                                          \
    WHOLE(CHANNELS, "channels", channels, 1, NQM_CHANNELS_MAX)                                     \
    WHOLE(KERNEL, "kernel", kernel, 1, NQM_KERNEL_MAX)                                             \
    WORD(READOUT, "readout", readout, readout_word, READOUT_COUNT)                                 \
    WORD(LOSS, "loss", loss, loss_word, LOSS_COUNT)                                                \
    WORD(DATA, "data", data, data_word, DATA_COUNT)                                                \
    OWN(X, "x", NQM_VALUE_OTHER)                                                                   \
    REAL(Y, "y", y, -INFINITY, INFINITY)                                                           \
    WHOLE(WIDTH, "width", width, 1, NQM_WIDTH_MAX)                                                 \
    WHOLE(N, "n", n, 1, NQM_N_MAX)                                                                 \
    OWN(D, "d", NQM_VALUE_WHOLE)                                                                   \
    REAL(MU, "mu", mu, -NQM_DATA_MAX, NQM_DATA_MAX)                                                \
    REAL(SIGMA, "sigma", sigma, 0.0, NQM_DATA_MAX)                                                 \
    REAL(GAMMA, "gamma", gamma, -NQM_DATA_MAX, NQM_DATA_MAX)                                       \
    WHOLE(SEED, "seed", seed, 0, NQM_SEED_MAX)                                                     \
    OWN(ETA, "eta", NQM_VALUE_NUMBER)                                                              \
    OWN(ETA_REL, "eta_rel", NQM_VALUE_NUMBER)                                                      \
    WHOLE(STEPS, "steps", steps, 0, NQM_STEPS_MAX)                                                 \
    WHOLE(BATCH_SIZE, "batch_size", batch_size, 0, NQM_N_MAX)                                      \
    WORD(OPTIMIZER, "optimizer", optimizer, optimizer_word, OPT_COUNT)                             \
    REAL(MOMENTUM, "momentum", momentum, 0.0, 1.0)                                                 \
    REAL(BETA2, "beta2", beta2, 0.0, 1.0)                                                          \
    REAL(ADAM_EPS, "adam_eps", adam_eps, 0.0, 1.0)                                                 \
    REAL(WEIGHT_DECAY, "weight_decay", weight_decay, 0.0, NQM_DATA_MAX)                            \
    WORD(SCHEDULE, "schedule", schedule, schedule_word, SCHED_COUNT)                               \
    WHOLE(WARMUP_STEPS, "warmup_steps", warmup_steps, 0, NQM_STEPS_MAX)                            \
    REAL(ETA_START, "eta_start", eta_start, 0.0, NQM_DATA_MAX)                                     \
    REAL(ETA_END, "eta_end", eta_end, 0.0, NQM_DATA_MAX)                                           \
    WHOLE(DECAY_STEPS, "decay_steps", decay_steps, 0, NQM_STEPS_MAX)                               \
    REAL(STEP_FACTOR, "step_factor", step_factor, 0.0, NQM_DATA_MAX)                               \
    WHOLE(STEP_EVERY, "step_every", step_every, 0, NQM_STEPS_MAX)                                  \
    WHOLE(EIGS, "eigs", eigs, 1, NQM_MAX_EIGS)                                                     \
    WORD(EIG_ORDER, "eig_order", eig_order, eig_order_word, EIG_ORDER_COUNT)                       \
    WORD(EIG_METHOD, "eig_method", eig_method, eig_method_word, EIG_METHOD_COUNT)                  \
    WHOLE(SHARPNESS_EVERY, "sharpness_every", sharpness_every, 0, NQM_STEPS_MAX)                   \
    OWN(TRAIN_FILE, "train_file", NQM_VALUE_OTHER)                                                 \
    OWN(TEST_FILE, "test_file", NQM_VALUE_OTHER)                                                   \
    OWN(TRAIN_LABELS, "train_labels", NQM_VALUE_OTHER)                                             \
    OWN(TEST_LABELS, "test_labels", NQM_VALUE_OTHER)                                               \
    OWN(LABEL, "label", NQM_VALUE_OTHER)                                                           \
    OWN(NPZ_FEATURES, "npz_features", NQM_VALUE_OTHER)                                             \
    OWN(NPZ_LABELS, "npz_labels", NQM_VALUE_OTHER)                                                 \
    WORD(HEADER, "header", header, header_word, 3)                                                 \
    WORD(SEPARATOR, "separator", separator, separator_word, 5)                                     \
    OWN(CLASSES, "classes", NQM_VALUE_OTHER)                                                       \
    WORD(STANDARDIZE, "standardize", standardize, yes_no_word, 2)                                  \
    WORD(NORMALIZE, "normalize", normalize, yes_no_word, 2)                                        \
    REAL(TEST_FRACTION, "test_fraction", test_fraction, 0.0, 1.0)                                  \
    WHOLE(TRAIN_SIZE, "train_size", train_size, 0, NQM_N_MAX)                                      \
    WHOLE(TEST_SIZE, "test_size", test_size, 0, NQM_N_MAX)                                         \
    WHOLE(TEST_N, "test_n", test_n, 0, NQM_N_MAX)                                                  \
    OWN(MODELS, "models", NQM_VALUE_OTHER)

#define NQM_PRESET_KEY_ID(id, ...) KEY_##id,
typedef enum {
    NQM_PRESET_KEYS(NQM_PRESET_KEY_ID, NQM_PRESET_KEY_ID, NQM_PRESET_KEY_ID, NQM_PRESET_KEY_ID)
        KEY_COUNT
} key_id;
#undef NQM_PRESET_KEY_ID

/* The key of a name, -1 when unknown; the name of a key. */
int nqm_preset_key_lookup(const char *name);
const char *nqm_preset_key_name(key_id k);

/* What one stage (a preset file, or one run of --set overrides)
 * remembers to enforce its rules. */
typedef struct {
    int seen[KEY_COUNT]; /* file line (or 1 for --set) where a key was given */
    int x_count;         /* values of this stage's x, 0 if none */
    long d_given;        /* this stage's d, 0 if none */
    int d_where;         /* where that d was given */
    const char *file;    /* the preset file relative paths start from, NULL: --set */
} stage_state;

/* Set key k from its value text (trimmed, not empty). 0, or -1 with what
 * is wrong with the value in msg. */
int nqm_preset_key_set(nqm_config *cfg, key_id k, const char *value, stage_state *st, char *msg,
                       size_t msglen);
/* Write key k's line of a preset (or a comment saying why it is not
 * used). 0, or -1 when the value cannot be written as one line. */
int nqm_preset_key_write(FILE *f, const nqm_config *cfg, key_id k);

/* The description a comment line gives: its text without the '#' and
 * blanks around it, cut on a character boundary to fit out (and without
 * blanks after the cut), so that writing it back and reading it again
 * gives the same text. */
void nqm_comment_text(const char *comment, char *out, size_t outlen);

#endif
