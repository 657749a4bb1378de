/* preset.c: the preset file format, --set overrides, the preset search
 * path and the writer behind --show-preset.
 *
 * A preset is parsed over the defaults in one "stage", each group of
 * --set overrides in another. Within a stage a key may appear once, and
 * only one of eta / eta_rel; a later stage overrides an earlier one. With
 * data = single the input x sets d; a d that disagrees with an x of the
 * same stage is an error, a later d replaces x by ones. Cross-key checks
 * (nqm_config_check) run once all stages are applied, and their errors are
 * reported where the offending key was last set. Numbers are read and
 * written in the C locale whatever the process locale is. */
#include "nqmtop/input/preset.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/base/search.h"
#include "nqmtop/input/data.h"
#include "nqmtop/base/textfile.h"

/* ---- keys -------------------------------------------------------------- */

typedef enum {
    KEY_MODEL,
    KEY_ACTIVATION,
    KEY_NETWORK,
    KEY_DEPTH,
    KEY_BIASES,
    KEY_CHANNELS,
    KEY_KERNEL,
    KEY_READOUT,
    KEY_LOSS,
    KEY_DATA,
    KEY_X,
    KEY_Y,
    KEY_WIDTH,
    KEY_N,
    KEY_D,
    KEY_MU,
    KEY_SIGMA,
    KEY_GAMMA,
    KEY_SEED,
    KEY_ETA,
    KEY_ETA_REL,
    KEY_STEPS,
    KEY_BATCH_SIZE,
    KEY_EIGS,
    KEY_EIG_ORDER,
    KEY_TRAIN_FILE,
    KEY_TEST_FILE,
    KEY_LABEL,
    KEY_HEADER,
    KEY_TEST_FRACTION,
    KEY_TRAIN_SIZE,
    KEY_TEST_N,
    KEY_MODELS,
    KEY_COUNT
} key_id;

static const char *const key_names[KEY_COUNT] = {
    "model",      "activation", "network",   "depth", "biases",     "channels",
    "kernel",     "readout",    "loss",      "data",  "x",          "y",
    "width",      "n",          "d",         "mu",    "sigma",      "gamma",
    "seed",       "eta",        "eta_rel",   "steps", "batch_size", "eigs",
    "eig_order",  "train_file", "test_file", "label", "header",     "test_fraction",
    "train_size", "test_n",     "models",
};

#define WIDTH_MAX    1000000000000L
#define N_MAX        1000000L
#define D_MAX        100000L
#define STEPS_MAX    1000000000L
#define CHANNELS_MAX 4096L
#define KERNEL_MAX   316L /* the side of the largest square image, d <= 10^5 */
#define SEED_MAX     (UINT64_C(1) << 63)

static int key_lookup(const char *name)
{
    for (int k = 0; k < KEY_COUNT; k++)
        if (strcmp(key_names[k], name) == 0)
            return k;
    return -1;
}

nqm_key_kind nqm_preset_key_kind(const char *key)
{
    switch (key_lookup(key)) {
    case KEY_Y:
    case KEY_MU:
    case KEY_SIGMA:
    case KEY_GAMMA:
    case KEY_ETA:
    case KEY_ETA_REL:
    case KEY_TEST_FRACTION:
        return NQM_KEY_NUMBER;
    case KEY_DEPTH:
    case KEY_BIASES:
    case KEY_CHANNELS:
    case KEY_KERNEL:
    case KEY_WIDTH:
    case KEY_N:
    case KEY_D:
    case KEY_SEED:
    case KEY_STEPS:
    case KEY_BATCH_SIZE:
    case KEY_EIGS:
    case KEY_TRAIN_SIZE:
    case KEY_TEST_N:
        return NQM_KEY_WHOLE;
    case -1:
        return NQM_KEY_UNKNOWN;
    default:
        return NQM_KEY_OTHER;
    }
}

/* ---- small string helpers ------------------------------------------------ */

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static const char *skip_blanks(const char *s)
{
    while (is_blank(*s))
        s++;
    return s;
}

/* Copy s[0..len) into dst (size dstlen), blanks trimmed at both ends. */
static void copy_trimmed(char *dst, size_t dstlen, const char *s, size_t len)
{
    while (len > 0 && is_blank(*s)) {
        s++;
        len--;
    }
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    if (len >= dstlen)
        len = dstlen - 1;
    memcpy(dst, s, len);
    dst[len] = '\0';
}

/* Levenshtein distance of a and b, both cut to 64 bytes. */
static int edit_distance(const char *a, const char *b)
{
    enum { MAXLEN = 64 };
    int la = (int)strnlen(a, MAXLEN), lb = (int)strnlen(b, MAXLEN);
    int row[MAXLEN + 1];
    for (int j = 0; j <= lb; j++)
        row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Whether name is worth suggesting for a mistyped query. */
static int close_enough(const char *query, const char *name, int distance)
{
    int limit = (int)strlen(query) / 3;
    return distance <= (limit > 2 ? limit : 2) || (query[0] && strstr(name, query) != NULL);
}

/* ---- numbers, in the C locale ------------------------------------------ */

/* Length of a decimal number at s ([+-]digits[.digits][e[+-]digits]), 0 if
 * none. Hex floats, inf and nan are not numbers here. */
static size_t number_span(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (s[j] >= '0' && s[j] <= '9') {
            while (s[j] >= '0' && s[j] <= '9')
                j++;
            i = j;
        }
    }
    return i;
}

static int word_is_nonfinite(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    return strncasecmp(s, "inf", 3) == 0 || strncasecmp(s, "nan", 3) == 0;
}

/* Parse one number at *s, advancing *s past it. */
static int scan_double(const char **s, double *out, char *msg, size_t msglen)
{
    size_t span = number_span(*s);
    if (span == 0) {
        if (word_is_nonfinite(*s))
            snprintf(msg, msglen, "'%.40s' is not a finite number", *s);
        else
            snprintf(msg, msglen, "'%.40s' is not a number", *s);
        return -1;
    }
    char buf[128];
    if (span >= sizeof buf) {
        snprintf(msg, msglen, "number too long ('%.20s...')", *s);
        return -1;
    }
    memcpy(buf, *s, span);
    buf[span] = '\0';
    double v = nqm_c_strtod(buf, NULL);
    if (!isfinite(v)) {
        snprintf(msg, msglen, "%s is not a finite number (overflows a double)", buf);
        return -1;
    }
    *out = v;
    *s += span;
    return 0;
}

static int expect_end(const char *rest, const char *value, char *msg, size_t msglen)
{
    rest = skip_blanks(rest);
    if (*rest == '\0')
        return 0;
    snprintf(msg, msglen, "trailing junk '%.40s' after '%.*s'", rest, (int)(rest - value), value);
    return -1;
}

static int parse_double(const char *value, double *out, char *msg, size_t msglen)
{
    const char *s = value;
    if (scan_double(&s, out, msg, msglen) != 0)
        return -1;
    return expect_end(s, value, msg, msglen);
}

/* An integer in [lo, hi]: plain digits, or a number with an exponent or a
 * decimal point whose value is a whole number (width = 1e9). */
static int parse_integer(const char *value, uint64_t lo, uint64_t hi, uint64_t *out, char *msg,
                         size_t msglen)
{
    const char *s = value;
    size_t span = number_span(s);
    int plain = span > 0 && strspn(s + (*s == '+'), "0123456789") + (*s == '+') == span;
    if (plain) {
        if (expect_end(s + span, value, msg, msglen) != 0)
            return -1;
        errno = 0;
        unsigned long long v = strtoull(s, NULL, 10);
        if (errno == ERANGE || v < lo || v > hi) {
            snprintf(msg, msglen, "%.*s is out of range (%llu to %llu)", (int)span, s,
                     (unsigned long long)lo, (unsigned long long)hi);
            return -1;
        }
        *out = v;
        return 0;
    }
    double v;
    if (scan_double(&s, &v, msg, msglen) != 0)
        return -1;
    if (expect_end(s, value, msg, msglen) != 0)
        return -1;
    if (v != floor(v)) {
        snprintf(msg, msglen, "%s is not a whole number", value);
        return -1;
    }
    if (v < (double)lo || v > (double)hi) {
        snprintf(msg, msglen, "%s is out of range (%llu to %llu)", value, (unsigned long long)lo,
                 (unsigned long long)hi);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

static int parse_positive(const char *value, double *out, char *msg, size_t msglen)
{
    if (parse_double(value, out, msg, msglen) != 0)
        return -1;
    if (*out > 0)
        return 0;
    snprintf(msg, msglen, "%s must be > 0", value);
    return -1;
}

/* A comma-separated vector of at most D_MAX finite numbers, not all zero. */
static int parse_vector(const char *value, double **out, int *count, char *msg, size_t msglen)
{
    size_t commas = 0;
    for (const char *p = value; *p; p++)
        commas += *p == ',';
    if (commas + 1 > (size_t)D_MAX) {
        snprintf(msg, msglen, "%zu values; at most %ld", commas + 1, D_MAX);
        return -1;
    }
    double *v = malloc((commas + 1) * sizeof *v);
    if (!v) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    const char *s = value;
    int k = 0, nonzero = 0;
    for (;;) {
        s = skip_blanks(s);
        if (scan_double(&s, &v[k], msg, msglen) != 0)
            goto fail;
        nonzero |= v[k] != 0.0;
        k++;
        s = skip_blanks(s);
        if (*s != ',')
            break;
        s++;
    }
    if (expect_end(s, value, msg, msglen) != 0)
        goto fail;
    if (!nonzero) {
        snprintf(msg, msglen, "all %d values are zero (the kernel would vanish)", k);
        goto fail;
    }
    *out = v;
    *count = k;
    return 0;
fail:
    free(v);
    return -1;
}

/* An enum word: one of name(0..count-1), listed in the error otherwise. */
static int parse_word(const char *value, const char *(*name)(int), int count, int *out, char *msg,
                      size_t msglen)
{
    size_t span = strcspn(value, " \t");
    if (expect_end(value + span, value, msg, msglen) != 0)
        return -1;
    for (int k = 0; k < count; k++) {
        if (strlen(name(k)) == span && strncmp(name(k), value, span) == 0) {
            *out = k;
            return 0;
        }
    }
    size_t used = (size_t)snprintf(msg, msglen, "unknown value '%.*s' (one of",
                                   (int)(span < 40 ? span : 40), value);
    for (int i = 0; i < count && used < msglen; i++)
        used += (size_t)snprintf(msg + used, msglen - used, "%s %s", i ? "," : "", name(i));
    if (used < msglen)
        snprintf(msg + used, msglen - used, ")");
    return -1;
}

static const char *model_name_i(int k) { return nqm_model_name((nqm_model_kind)k); }
static const char *activation_name_i(int k) { return nqm_activation_name((nqm_activation)k); }
static const char *loss_name_i(int k) { return nqm_loss_name((nqm_loss)k); }
static const char *data_name_i(int k) { return nqm_data_name((nqm_data_kind)k); }
static const char *eig_order_name_i(int k) { return nqm_eig_order_name((nqm_eig_order)k); }
static const char *network_name_i(int k) { return nqm_network_name((nqm_network)k); }
static const char *readout_name_i(int k) { return nqm_readout_name((nqm_readout)k); }
static const char *header_name_i(int k)
{
    static const char *const names[] = {"auto", "yes", "no"};
    return k >= 0 && k < 3 ? names[k] : "?";
}

/* ---- setting one key ------------------------------------------------------ */

/* What a stage remembers to enforce its rules. */
typedef struct {
    int seen[KEY_COUNT]; /* file line (or 1 for --set) where a key was given */
    int x_count;         /* values of this stage's x, 0 if none */
    long d_given;        /* this stage's d, 0 if none */
    int d_where;         /* where that d was given */
    const char *file;    /* the preset file relative paths start from, NULL: --set */
} stage_state;

static int set_long(long *field, const char *value, uint64_t lo, uint64_t hi, char *msg,
                    size_t msglen)
{
    uint64_t v;
    if (parse_integer(value, lo, hi, &v, msg, msglen) != 0)
        return -1;
    *field = (long)v;
    return 0;
}

static int set_int(int *field, const char *value, uint64_t lo, uint64_t hi, char *msg,
                   size_t msglen)
{
    long v;
    if (set_long(&v, value, lo, hi, msg, msglen) != 0)
        return -1;
    *field = (int)v;
    return 0;
}

static int set_x(nqm_config *cfg, const char *value, stage_state *st, char *msg, size_t msglen)
{
    double *v;
    int count;
    if (parse_vector(value, &v, &count, msg, msglen) != 0)
        return -1;
    free(cfg->x);
    cfg->x = v;
    cfg->d = count;
    st->x_count = count;
    return 0;
}

/* d keeps x only when its length still matches; finish() refills it. */
static int set_d(nqm_config *cfg, const char *value, stage_state *st, char *msg, size_t msglen)
{
    long d;
    if (set_long(&d, value, 1, D_MAX, msg, msglen) != 0)
        return -1;
    if (d != cfg->d) {
        free(cfg->x);
        cfg->x = NULL;
    }
    cfg->d = (int)d;
    st->d_given = d;
    return 0;
}

static int set_seed(nqm_config *cfg, const char *value, char *msg, size_t msglen)
{
    uint64_t v;
    if (parse_integer(value, 0, SEED_MAX, &v, msg, msglen) != 0)
        return -1;
    cfg->seed = (unsigned long)v;
    return 0;
}

static int set_finite(double *field, const char *value, double lo, char *msg, size_t msglen)
{
    double v;
    if (parse_double(value, &v, msg, msglen) != 0)
        return -1;
    if (v < lo) {
        snprintf(msg, msglen, "%s must be >= %g", value, lo);
        return -1;
    }
    *field = v;
    return 0;
}

static int set_eta(nqm_config *cfg, const char *value, nqm_eta_mode mode, char *msg, size_t msglen)
{
    double v;
    if (parse_positive(value, &v, msg, msglen) != 0)
        return -1;
    cfg->eta_mode = mode;
    if (mode == ETA_ABSOLUTE)
        cfg->eta = v;
    else
        cfg->eta_rel = v;
    return 0;
}

/* The keys whose value is a word; 1 if k is not one of them. */
static int set_enum_key(nqm_config *cfg, key_id k, const char *value, char *msg, size_t msglen)
{
    int e;
    switch (k) {
    case KEY_MODEL:
        if (parse_word(value, model_name_i, MODEL_COUNT, &e, msg, msglen) != 0)
            return -1;
        cfg->model = (nqm_model_kind)e;
        return 0;
    case KEY_ACTIVATION:
        if (parse_word(value, activation_name_i, ACT_COUNT, &e, msg, msglen) != 0)
            return -1;
        cfg->activation = (nqm_activation)e;
        return 0;
    case KEY_NETWORK:
        if (parse_word(value, network_name_i, NETWORK_COUNT, &e, msg, msglen) != 0)
            return -1;
        cfg->network = (nqm_network)e;
        return 0;
    case KEY_READOUT:
        if (parse_word(value, readout_name_i, READOUT_COUNT, &e, msg, msglen) != 0)
            return -1;
        cfg->readout = (nqm_readout)e;
        return 0;
    case KEY_LOSS:
        if (parse_word(value, loss_name_i, LOSS_COUNT, &e, msg, msglen) != 0)
            return -1;
        cfg->loss = (nqm_loss)e;
        return 0;
    case KEY_DATA:
        if (parse_word(value, data_name_i, DATA_COUNT, &e, msg, msglen) != 0)
            return -1;
        cfg->data = (nqm_data_kind)e;
        return 0;
    case KEY_EIG_ORDER:
        if (parse_word(value, eig_order_name_i, EIG_ORDER_COUNT, &e, msg, msglen) != 0)
            return -1;
        cfg->eig_order = (nqm_eig_order)e;
        return 0;
    case KEY_HEADER:
        if (parse_word(value, header_name_i, 3, &e, msg, msglen) != 0)
            return -1;
        cfg->header = (nqm_csv_header)e;
        return 0;
    default:
        return 1;
    }
}

/* A file name; a relative one given in a preset file starts from that
 * file's folder, one given by --set from the working directory. */
static int set_path(char *field, const char *value, const stage_state *st, char *msg, size_t msglen)
{
    const char *slash = st->file && value[0] != '/' ? strrchr(st->file, '/') : NULL;
    int dirlen = slash ? (int)(slash - st->file) + 1 : 0;
    if (strlen(value) + (size_t)dirlen >= NQM_PATH_LEN) {
        snprintf(msg, msglen, "path longer than %d bytes", NQM_PATH_LEN - 1);
        return -1;
    }
    snprintf(field, NQM_PATH_LEN, "%.*s%s", dirlen, slash ? st->file : "", value);
    return 0;
}

/* A column name or 1-based number; "last" for the last column. */
static int set_label(nqm_config *cfg, const char *value, char *msg, size_t msglen)
{
    if (strlen(value) >= sizeof cfg->label) {
        snprintf(msg, msglen, "'%.20s...' is longer than %d bytes", value,
                 (int)sizeof cfg->label - 1);
        return -1;
    }
    snprintf(cfg->label, sizeof cfg->label, "%s", strcmp(value, "last") == 0 ? "" : value);
    return 0;
}

/* A comma-separated list of distinct model names. */
static int set_models(nqm_config *cfg, const char *value, char *msg, size_t msglen)
{
    nqm_model_kind list[MODEL_COUNT];
    int count = 0;
    const char *s = value;
    for (;;) {
        char word[NQM_NAME_LEN];
        size_t span = strcspn(s, ",");
        copy_trimmed(word, sizeof word, s, span);
        int e;
        if (parse_word(word, model_name_i, MODEL_COUNT, &e, msg, msglen) != 0)
            return -1;
        for (int i = 0; i < count; i++)
            if (list[i] == (nqm_model_kind)e) {
                snprintf(msg, msglen, "%s is listed twice", word);
                return -1;
            }
        list[count++] = (nqm_model_kind)e;
        if (s[span] != ',')
            break;
        s += span + 1;
    }
    memcpy(cfg->models, list, (size_t)count * sizeof *list);
    cfg->nmodels = count;
    return 0;
}

static int set_fraction(double *field, const char *value, char *msg, size_t msglen)
{
    double v;
    if (parse_double(value, &v, msg, msglen) != 0)
        return -1;
    if (v < 0 || v >= 1) {
        snprintf(msg, msglen, "%s is out of range (0 to below 1)", value);
        return -1;
    }
    *field = v;
    return 0;
}

/* The keys of the data files, test sets and sweeps; 1 if k is not one. */
static int set_data_key(nqm_config *cfg, key_id k, const char *value, const stage_state *st,
                        char *msg, size_t msglen)
{
    switch (k) {
    case KEY_TRAIN_FILE:
        return set_path(cfg->train_file, value, st, msg, msglen);
    case KEY_TEST_FILE:
        return strcmp(value, "none") == 0 ? (cfg->test_file[0] = '\0', 0)
                                          : set_path(cfg->test_file, value, st, msg, msglen);
    case KEY_LABEL:
        return set_label(cfg, value, msg, msglen);
    case KEY_TEST_FRACTION:
        return set_fraction(&cfg->test_fraction, value, msg, msglen);
    case KEY_TRAIN_SIZE:
        return set_int(&cfg->train_size, value, 0, N_MAX, msg, msglen);
    case KEY_TEST_N:
        return set_int(&cfg->test_n, value, 0, N_MAX, msg, msglen);
    case KEY_MODELS:
        return set_models(cfg, value, msg, msglen);
    default:
        return set_enum_key(cfg, k, value, msg, msglen);
    }
}

static int set_key(nqm_config *cfg, key_id k, const char *value, stage_state *st, char *msg,
                   size_t msglen)
{
    switch (k) {
    case KEY_DEPTH:
        return set_int(&cfg->depth, value, 2, 4, msg, msglen);
    case KEY_BIASES:
        return set_int(&cfg->biases, value, 0, 1, msg, msglen);
    case KEY_CHANNELS:
        return set_int(&cfg->channels, value, 1, CHANNELS_MAX, msg, msglen);
    case KEY_KERNEL:
        return set_int(&cfg->kernel, value, 1, KERNEL_MAX, msg, msglen);
    case KEY_X:
        return set_x(cfg, value, st, msg, msglen);
    case KEY_D:
        return set_d(cfg, value, st, msg, msglen);
    case KEY_Y:
        return set_finite(&cfg->y, value, -INFINITY, msg, msglen);
    case KEY_MU:
        return set_finite(&cfg->mu, value, -INFINITY, msg, msglen);
    case KEY_SIGMA:
        return set_finite(&cfg->sigma, value, 0.0, msg, msglen);
    case KEY_GAMMA:
        return set_finite(&cfg->gamma, value, -INFINITY, msg, msglen);
    case KEY_WIDTH:
        return set_long(&cfg->width, value, 1, WIDTH_MAX, msg, msglen);
    case KEY_N:
        return set_int(&cfg->n, value, 1, N_MAX, msg, msglen);
    case KEY_SEED:
        return set_seed(cfg, value, msg, msglen);
    case KEY_ETA:
        return set_eta(cfg, value, ETA_ABSOLUTE, msg, msglen);
    case KEY_ETA_REL:
        return set_eta(cfg, value, ETA_RELATIVE, msg, msglen);
    case KEY_STEPS:
        return set_long(&cfg->steps, value, 0, STEPS_MAX, msg, msglen);
    case KEY_BATCH_SIZE:
        return set_int(&cfg->batch_size, value, 0, N_MAX, msg, msglen);
    case KEY_EIGS:
        return set_int(&cfg->eigs, value, 1, NQM_MAX_EIGS, msg, msglen);
    default:
        return set_data_key(cfg, k, value, st, msg, msglen);
    }
}

/* ---- resolution: stages, locations, errors -------------------------------- */

typedef struct {
    const char *file;     /* the preset's label, for messages */
    int where[KEY_COUNT]; /* last setting of a key: line > 0, -1 --set, 0 default */
    char *err;
    size_t errlen;
} resolver;

enum { WHERE_SET = -1 };

/* "FILE:LINE: KEY: ", "--set: KEY: " or "FILE: KEY: " by where the key came from. */
static int fail_at(resolver *r, int where, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(resolver *r, int where, const char *key, const char *fmt, ...)
{
    size_t used;
    if (where == WHERE_SET)
        used = (size_t)snprintf(r->err, r->errlen, "--set: ");
    else if (where > 0)
        used = (size_t)snprintf(r->err, r->errlen, "%s:%d: ", r->file, where);
    else
        used = (size_t)snprintf(r->err, r->errlen, "%s: ", r->file);
    if (key && used < r->errlen)
        used += (size_t)snprintf(r->err + used, r->errlen - used, "%s: ", key);
    if (used < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + used, r->errlen - used, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *closest_key(const char *name)
{
    int best = 0, best_d = edit_distance(name, key_names[0]);
    for (int k = 1; k < KEY_COUNT; k++) {
        int dist = edit_distance(name, key_names[k]);
        if (dist < best_d) {
            best_d = dist;
            best = k;
        }
    }
    return close_enough(name, key_names[best], best_d) ? key_names[best] : NULL;
}

static int fail_unknown_key(resolver *r, int where, const char *name)
{
    const char *near = closest_key(name);
    if (near)
        return fail_at(r, where, name, "unknown key (did you mean %s?)", near);
    char keys[512];
    size_t used = 0;
    for (int k = 0; k < KEY_COUNT && used < sizeof keys; k++)
        used +=
            (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", k ? ", " : "", key_names[k]);
    return fail_at(r, where, name, "unknown key (keys: %s)", keys);
}

/* Apply key = value at `where` (a file line, or WHERE_SET) within a stage. */
static int apply(resolver *r, nqm_config *cfg, stage_state *st, int where, const char *key,
                 const char *value)
{
    int k = key_lookup(key);
    if (k < 0)
        return fail_unknown_key(r, where, key);
    int line = where == WHERE_SET ? 1 : where;
    if (where != WHERE_SET && st->seen[k])
        return fail_at(r, where, key, "duplicate key (first set on line %d)", st->seen[k]);
    int other = k == KEY_ETA ? KEY_ETA_REL : k == KEY_ETA_REL ? KEY_ETA : -1;
    if (other >= 0 && st->seen[other]) {
        if (where == WHERE_SET)
            return fail_at(r, where, key, "%s is also set by --set; give one of eta, eta_rel",
                           key_names[other]);
        return fail_at(r, where, key, "%s is already set on line %d; give one of eta, eta_rel",
                       key_names[other], st->seen[other]);
    }
    if (*value == '\0')
        return fail_at(r, where, key, "empty value");
    char msg[512];
    if (set_key(cfg, (key_id)k, value, st, msg, sizeof msg) != 0)
        return fail_at(r, where, key, "%s", msg);
    st->seen[k] = line;
    r->where[k] = where;
    if (k == KEY_X)
        r->where[KEY_D] = where;
    if (k == KEY_D)
        st->d_where = where;
    return 0;
}

static double *ones(int d)
{
    double *v = malloc((size_t)d * sizeof *v);
    for (int i = 0; v && i < d; i++)
        v[i] = 1.0;
    return v;
}

/* End of a stage: x and d agree for data = single; x is dropped otherwise. */
static int finish_stage(resolver *r, nqm_config *cfg, const stage_state *st)
{
    if (cfg->data != DATA_SINGLE) {
        free(cfg->x);
        cfg->x = NULL;
        return 0;
    }
    if (st->x_count && st->d_given && st->d_given != st->x_count)
        return fail_at(r, st->d_where, "d",
                       "%ld does not match the %d value%s of x (with data = single, x sets d)",
                       st->d_given, st->x_count, st->x_count == 1 ? "" : "s");
    if (!cfg->x && !(cfg->x = ones(cfg->d)))
        return fail_at(r, 0, "x", "out of memory");
    return 0;
}

/* A message that starts with a key, reported where that key was last set;
 * any other (a CSV file's own FILE:LINE: ...) as it is when raw. */
static int blame(resolver *r, const char *msg, int raw)
{
    char key[32] = "";
    size_t klen = strcspn(msg, ":");
    int k = -1;
    if (klen < sizeof key && msg[klen] == ':') {
        memcpy(key, msg, klen);
        key[klen] = '\0';
        k = key_lookup(key);
    }
    if (k >= 0)
        return fail_at(r, r->where[k], NULL, "%s", msg);
    if (raw) {
        snprintf(r->err, r->errlen, "%s", msg);
        return -1;
    }
    return fail_at(r, 0, NULL, "%s", msg);
}

/* The cross-key checks, after data = csv took n, d and test_n from its
 * files; their messages start with the key to blame. */
static int final_check(resolver *r, nqm_config *cfg)
{
    char msg[1024];
    if (cfg->data == DATA_CSV && cfg->train_file[0] &&
        nqm_data_measure_csv(cfg, msg, sizeof msg) != 0)
        return blame(r, msg, 1);
    if (nqm_config_check(cfg, msg, sizeof msg) == 0)
        return 0;
    return blame(r, msg, 0);
}

/* ---- the file format ------------------------------------------------------- */

/* The value part of a line: up to a ` #` comment, blanks trimmed. */
static void line_value(const char *s, char *out, size_t outlen)
{
    size_t len = 0;
    while (s[len] && !(s[len] == '#' && (len == 0 || is_blank(s[len - 1]))))
        len++;
    copy_trimmed(out, outlen, s, len);
}

/* The description a comment line gives: its text without the '#' and
 * blanks around it, cut on a character boundary to fit out (also without
 * blanks after the cut), so that writing it back and reading it again
 * gives the same text. */
static void comment_text(const char *comment, char *out, size_t outlen)
{
    const char *s = skip_blanks(comment + 1);
    size_t n = nqm_utf8_prefix(s, outlen - 1);
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    memcpy(out, s, n);
    out[n] = '\0';
}

static int parse_line(resolver *r, nqm_config *cfg, stage_state *st, int lineno, char *line)
{
    const char *s = skip_blanks(line);
    if (*s == '\0')
        return 0;
    if (*s == '#') {
        if (cfg->description[0] == '\0')
            comment_text(s, cfg->description, sizeof cfg->description);
        return 0;
    }
    char key[NQM_PRESET_MAX_LINE + 1], value[NQM_PRESET_MAX_LINE + 1];
    const char *eq = strchr(s, '=');
    if (!eq) {
        line_value(s, value, sizeof value);
        size_t w = strcspn(value, " \t");
        copy_trimmed(key, sizeof key, value, w);
        if (key_lookup(key) >= 0)
            return fail_at(r, lineno, key, "missing '=' (expected '%s = value')", key);
        return fail_at(r, lineno, NULL, "missing '=' in '%.40s' (expected 'key = value')", value);
    }
    copy_trimmed(key, sizeof key, s, (size_t)(eq - s));
    if (key[0] == '\0')
        return fail_at(r, lineno, NULL, "missing key before '='");
    line_value(eq + 1, value, sizeof value);
    return apply(r, cfg, st, lineno, key, value);
}

static int is_all_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank(s[i]) && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

static int parse_text(resolver *r, nqm_config *cfg, const char *text, size_t len)
{
    if (is_all_blank(text, len))
        return fail_at(r, 0, NULL, "empty file");
    stage_state st = {{0}, 0, 0, 0, r->file};
    char *line = malloc(NQM_TEXT_MAX_LINE + 1);
    if (!line)
        return fail_at(r, 0, NULL, "out of memory");
    nqm_lines it;
    nqm_lines_init(&it, r->file, text, len);
    int got, rc = 0;
    while (rc == 0 && (got = nqm_lines_next(&it, line, r->err, r->errlen)) != 0)
        rc = got < 0 ? -1 : parse_line(r, cfg, &st, it.lineno, line);
    free(line);
    return rc != 0 ? -1 : finish_stage(r, cfg, &st);
}

/* The --set overrides, one stage. */
static int apply_sets(resolver *r, nqm_config *cfg, const char *const *sets, int nsets)
{
    stage_state st = {{0}, 0, 0, 0, NULL};
    for (int i = 0; i < nsets; i++) {
        const char *a = sets[i];
        size_t len = strlen(a);
        char what[64];
        size_t column = nqm_text_line_fault(a, len, what, sizeof what);
        if (column > 0) /* the text before the fault, never the fault itself */
            return fail_at(r, WHERE_SET, NULL, "'%.*s': %s at column %zu",
                           (int)nqm_utf8_prefix(a, column - 1 < 40 ? column - 1 : 40), a, what,
                           column);
        const char *eq = strchr(a, '=');
        if (!eq)
            return fail_at(r, WHERE_SET, NULL, "'%.40s': expected key=value", a);
        if (strlen(eq + 1) > NQM_PRESET_MAX_LINE)
            return fail_at(r, WHERE_SET, NULL, "'%.20s...': value longer than %d bytes", a,
                           NQM_PRESET_MAX_LINE);
        char key[64], value[NQM_PRESET_MAX_LINE + 1];
        copy_trimmed(key, sizeof key, a, (size_t)(eq - a));
        if (key[0] == '\0')
            return fail_at(r, WHERE_SET, NULL, "'%.40s': missing key before '='", a);
        copy_trimmed(value, sizeof value, eq + 1, strlen(eq + 1));
        if (apply(r, cfg, &st, WHERE_SET, key, value) != 0)
            return -1;
    }
    return finish_stage(r, cfg, &st);
}

/* "dir/name.preset" -> "name", cut to fit. */
static void preset_name_of(const char *path, char *name, size_t namelen)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    const char *ext = ".preset";
    if (len > strlen(ext) && strcmp(base + len - strlen(ext), ext) == 0)
        len -= strlen(ext);
    copy_trimmed(name, namelen, base, len);
}

static int resolve_text(const char *label, const char *text, size_t len, const char *const *sets,
                        int nsets, nqm_config *cfg, char *err, size_t errlen)
{
    resolver r = {label, {0}, err, errlen};
    char what[64];
    size_t column = nqm_text_line_fault(label, strlen(label), what, sizeof what);
    if (column > 0) { /* the name goes into messages, --show-preset and recordings */
        snprintf(err, errlen, "a preset's path may not hold a %s (byte %zu of the path)", what,
                 column);
        return -1;
    }
    nqm_config_defaults(cfg);
    preset_name_of(label, cfg->preset, sizeof cfg->preset);
    if (parse_text(&r, cfg, text, len) != 0 || apply_sets(&r, cfg, sets, nsets) != 0 ||
        final_check(&r, cfg) != 0) {
        nqm_config_free(cfg);
        return -1;
    }
    return 0;
}

int nqm_preset_parse(const char *label, const char *text, size_t len, nqm_config *cfg, char *err,
                     size_t errlen)
{
    return resolve_text(label, text, len, NULL, 0, cfg, err, errlen);
}

/* ---- files and the search path --------------------------------------------- */

void nqm_places_make(nqm_places *pl, const char *user, const char *const *shipped, int nshipped)
{
    nqm_search_init(&pl->presets);
    nqm_search_init(&pl->demos);
    if (user && user[0]) {
        nqm_search_add(&pl->presets, user, "presets");
        nqm_search_add(&pl->demos, user, "demos");
    }
    for (int i = 0; i < nshipped; i++) {
        nqm_search_add(&pl->presets, shipped[i], NULL);
        nqm_search_add(&pl->demos, shipped[i], "demos");
    }
}

static int is_path(const char *arg)
{
    size_t len = strlen(arg);
    return strchr(arg, '/') != NULL || (len >= 7 && strcmp(arg + len - 7, ".preset") == 0);
}

/* Up to three names of the list close to name, as ", "-separated text. */
static void suggest_names(const char *name, const nqm_preset_info *list, size_t count, char *out,
                          size_t outlen)
{
    out[0] = '\0';
    int used[3] = {-1, -1, -1};
    size_t pos = 0;
    for (int pick = 0; pick < 3; pick++) {
        int best = -1, best_d = 1 << 30;
        for (size_t i = 0; i < count; i++) {
            int d = edit_distance(name, list[i].name);
            int taken = (int)i == used[0] || (int)i == used[1];
            if (!taken && close_enough(name, list[i].name, d) && d < best_d) {
                best_d = d;
                best = (int)i;
            }
        }
        if (best < 0)
            break;
        used[pick] = best;
        pos += (size_t)snprintf(out + pos, pos < outlen ? outlen - pos : 0, "%s%s",
                                pick ? ", " : "", list[best].name);
        if (pos >= outlen)
            break;
    }
}

static int fail_unknown_preset(const nqm_search_path *dirs, const char *name, char *err,
                               size_t errlen)
{
    nqm_preset_info *list = NULL;
    size_t count = 0;
    char near[256] = "";
    char ignored[256];
    if (nqm_preset_list(dirs, &list, &count, ignored, sizeof ignored) == 0)
        suggest_names(name, list, count, near, sizeof near);
    free(list);
    if (near[0])
        snprintf(err, errlen, "unknown preset '%.64s' (did you mean %s?)", name, near);
    else
        snprintf(err, errlen, "unknown preset '%.64s' (--list-presets shows them all)", name);
    return -1;
}

int nqm_preset_find(const nqm_search_path *dirs, const char *name_or_path, char *path,
                    size_t pathlen, char *err, size_t errlen)
{
    if (is_path(name_or_path)) {
        if ((size_t)snprintf(path, pathlen, "%s", name_or_path) >= pathlen) {
            snprintf(err, errlen, "preset path too long");
            return -1;
        }
        return 0;
    }
    if (nqm_search_find(dirs, name_or_path, ".preset", path, pathlen) == 0)
        return 0;
    return fail_unknown_preset(dirs, name_or_path, err, errlen);
}

int nqm_preset_resolve(const nqm_search_path *dirs, const char *name_or_path,
                       const char *const *sets, int nsets, nqm_config *cfg, char *err,
                       size_t errlen)
{
    char path[NQM_PRESET_PATH_LEN];
    char *text;
    size_t len;
    memset(cfg, 0, sizeof *cfg);
    if (nqm_preset_find(dirs, name_or_path, path, sizeof path, err, errlen) != 0 ||
        nqm_text_read(path, "preset", NQM_PRESET_MAX_FILE, &text, &len, err, errlen) != 0)
        return -1;
    int rc = resolve_text(path, text, len, sets, nsets, cfg, err, errlen);
    free(text);
    return rc;
}

int nqm_preset_load(const nqm_search_path *dirs, const char *name_or_path, nqm_config *cfg,
                    char *err, size_t errlen)
{
    return nqm_preset_resolve(dirs, name_or_path, NULL, 0, cfg, err, errlen);
}

int nqm_preset_apply_set(nqm_config *cfg, const char *assignment, char *err, size_t errlen)
{
    nqm_config work;
    if (nqm_config_copy(&work, cfg) != 0) {
        snprintf(err, errlen, "--set: out of memory");
        return -1;
    }
    resolver r = {"--set", {0}, err, errlen};
    for (int k = 0; k < KEY_COUNT; k++)
        r.where[k] = WHERE_SET;
    if (cfg->data == DATA_SINGLE && !work.x)
        work.x = ones(work.d);
    if (apply_sets(&r, &work, &assignment, 1) != 0 || final_check(&r, &work) != 0) {
        nqm_config_free(&work);
        return -1;
    }
    nqm_config_free(cfg);
    *cfg = work;
    return 0;
}

/* ---- listing ------------------------------------------------------------------ */

/* The description in a preset's text: its first non-empty comment line,
 * "" when there is none or a line before it is not clean text. */
static void find_description(const char *text, size_t len, char *out, size_t outlen)
{
    char line[NQM_TEXT_MAX_LINE + 1], ignored[256];
    nqm_lines it;
    nqm_lines_init(&it, "", text, len);
    out[0] = '\0';
    while (out[0] == '\0' && nqm_lines_next(&it, line, ignored, sizeof ignored) > 0) {
        const char *s = skip_blanks(line);
        if (s[0] == '#')
            comment_text(s, out, outlen);
    }
}

static void read_description(const char *path, char *out, size_t outlen)
{
    char *text, ignored[256];
    size_t len;
    out[0] = '\0';
    if (nqm_text_read(path, "preset", NQM_PRESET_MAX_FILE, &text, &len, ignored, sizeof ignored) !=
        0)
        return;
    find_description(text, len, out, outlen);
    free(text);
}

/* The growing list nqm_preset_list fills. */
typedef struct {
    nqm_preset_info *list;
    size_t count, cap;
} preset_list;

static int add_preset(void *ctx, const char *name, const char *path)
{
    preset_list *pl = ctx;
    nqm_preset_info info;
    if (strlen(name) >= sizeof info.name || strlen(path) >= sizeof info.path)
        return 0; /* a name or path that would not survive being cut */
    if (pl->count == pl->cap) {
        size_t grown = pl->cap ? 2 * pl->cap : 16;
        nqm_preset_info *more = realloc(pl->list, grown * sizeof *more);
        if (!more)
            return -1;
        pl->list = more;
        pl->cap = grown;
    }
    snprintf(info.name, sizeof info.name, "%s", name);
    snprintf(info.path, sizeof info.path, "%s", path);
    read_description(info.path, info.description, sizeof info.description);
    pl->list[pl->count++] = info;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const nqm_preset_info *)a)->name, ((const nqm_preset_info *)b)->name);
}

int nqm_preset_list(const nqm_search_path *dirs, nqm_preset_info **out, size_t *count, char *err,
                    size_t errlen)
{
    preset_list pl = {NULL, 0, 0};
    if (nqm_search_each(dirs, ".preset", add_preset, &pl) != 0) {
        free(pl.list);
        snprintf(err, errlen, "out of memory listing presets");
        return -1;
    }
    if (pl.count > 0)
        qsort(pl.list, pl.count, sizeof *pl.list, by_name);
    *out = pl.list;
    *count = pl.count;
    return 0;
}

/* ---- writing ------------------------------------------------------------------- */

/* Drop the '+' and leading zeros of a printf exponent: 1e+05 -> 1e5. */
static void compact_exponent(char *buf)
{
    char *e = strchr(buf, 'e');
    if (!e)
        return;
    char *from = e + 1, *to = e + 1;
    if (*from == '-')
        *to++ = *from++;
    else if (*from == '+')
        from++;
    while (*from == '0' && from[1] != '\0')
        from++;
    memmove(to, from, strlen(from) + 1);
}

/* The shortest %.Ng (N = 1..17), exponent compacted, that reads back as
 * exactly v. */
static void format_exact(char *buf, size_t buflen, double v)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, buflen, "%.*g", digits, v);
        compact_exponent(buf);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void write_number(FILE *f, const char *key, double v)
{
    char buf[40];
    format_exact(buf, sizeof buf, v);
    fprintf(f, "%s = %s\n", key, buf);
}

/* x, unless every value is 1: then the d line that follows sets it. A line
 * too long to read back is not written (returns -1). */
static int write_x(FILE *f, const nqm_config *cfg)
{
    if (cfg->data != DATA_SINGLE || !cfg->x) {
        fprintf(f, "# x is used only with data = single\n");
        return 0;
    }
    int ones = 1;
    for (int i = 0; i < cfg->d && ones; i++)
        ones = cfg->x[i] == 1;
    if (ones && cfg->d > 1) {
        fprintf(f, "# x: %d ones, set by d\n", cfg->d);
        return 0;
    }
    char line[NQM_PRESET_MAX_LINE + 1];
    size_t used = (size_t)snprintf(line, sizeof line, "x = ");
    for (int i = 0; i < cfg->d && used < sizeof line; i++) {
        char buf[40];
        format_exact(buf, sizeof buf, cfg->x[i]);
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", i ? "," : "", buf);
    }
    if (used > NQM_PRESET_MAX_LINE) {
        fprintf(f, "# x: %d values, longer than a preset line can hold\n", cfg->d);
        return -1;
    }
    fprintf(f, "%s\n", line);
    return 0;
}

static void write_eta(FILE *f, const nqm_config *cfg)
{
    if (cfg->eta_mode == ETA_ABSOLUTE) {
        write_number(f, "eta", cfg->eta);
        fprintf(f, "# eta_rel: not used, eta is absolute\n");
    } else {
        fprintf(f, "# eta: not used, eta_rel is a multiple of eta_crit = 2 / lambda1(0)\n");
        write_number(f, "eta_rel", cfg->eta_rel);
    }
}

static void write_path(FILE *f, const char *key, const char *path)
{
    if (path[0])
        fprintf(f, "%s = %s\n", key, path);
    else
        fprintf(f, "# %s: not used, no file\n", key);
}

/* The CSV keys, the test set and the models of a sweep. */
static void write_data_keys(FILE *f, const nqm_config *cfg)
{
    write_path(f, "train_file", cfg->train_file);
    write_path(f, "test_file", cfg->test_file);
    fprintf(f, "label = %s\n", cfg->label[0] ? cfg->label : "last");
    fprintf(f, "header = %s\n", header_name_i((int)cfg->header));
    write_number(f, "test_fraction", cfg->test_fraction);
    fprintf(f, "train_size = %d\n", cfg->train_size);
    fprintf(f, "test_n = %d\n", cfg->test_n);
    if (cfg->nmodels == 0) {
        fprintf(f, "# models: not used, a sweep runs model alone\n");
        return;
    }
    fputs("models = ", f);
    for (int i = 0; i < cfg->nmodels; i++)
        fprintf(f, "%s%s", i ? "," : "", nqm_model_name(cfg->models[i]));
    fputc('\n', f);
}

static int write_keys(FILE *f, const nqm_config *cfg)
{
    fprintf(f, "model = %s\n", nqm_model_name(cfg->model));
    fprintf(f, "activation = %s\n", nqm_activation_name(cfg->activation));
    fprintf(f, "network = %s\n", network_name_i((int)cfg->network));
    fprintf(f, "depth = %d\n", cfg->depth);
    fprintf(f, "biases = %d\n", cfg->biases);
    fprintf(f, "channels = %d\n", cfg->channels);
    fprintf(f, "kernel = %d\n", cfg->kernel);
    fprintf(f, "readout = %s\n", readout_name_i((int)cfg->readout));
    fprintf(f, "loss = %s\n", nqm_loss_name(cfg->loss));
    fprintf(f, "data = %s\n", nqm_data_name(cfg->data));
    int x_written = write_x(f, cfg);
    write_number(f, "y", cfg->y);
    fprintf(f, "width = %ld\n", cfg->width);
    fprintf(f, "n = %d\n", cfg->n);
    fprintf(f, "d = %d\n", cfg->d);
    write_number(f, "mu", cfg->mu);
    write_number(f, "sigma", cfg->sigma);
    write_number(f, "gamma", cfg->gamma);
    fprintf(f, "seed = %lu\n", cfg->seed);
    write_eta(f, cfg);
    fprintf(f, "steps = %ld\n", cfg->steps);
    fprintf(f, "batch_size = %d\n", cfg->batch_size);
    fprintf(f, "eigs = %d\n", cfg->eigs);
    fprintf(f, "eig_order = %s\n", nqm_eig_order_name(cfg->eig_order));
    write_data_keys(f, cfg);
    return x_written;
}

int nqm_preset_write(FILE *f, const nqm_config *cfg)
{
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    fprintf(f, "# %s\n", cfg->description[0] ? cfg->description : "nqmtop run configuration");
    fprintf(f, "# resolved from preset %s, every key included\n",
            cfg->preset[0] ? cfg->preset : "(none)");
    int rc = write_keys(f, cfg);
    nqm_c_numeric_end(&scope);
    return ferror(f) || rc != 0 ? -1 : 0;
}
