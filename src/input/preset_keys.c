/* preset_keys.c: the preset keys (the table in preset_format.h): what each
 * key's value may be, setting it on a configuration and writing it back
 * as a preset line that reads back to the same value. The rules that tie
 * keys together (one of eta and eta_rel, x and d) are the resolver's
 * (preset.c); the checks across keys are nqm_config_check's. */
#include "preset_format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/base/textfile.h"

/* ---- the table ----------------------------------------------------------------- */

typedef enum { KT_WORD, KT_WHOLE, KT_REAL, KT_OWN } key_type;

typedef struct {
    const char *name;
    key_type type;
    nqm_value_kind kind;
    size_t offset, size;         /* the field in nqm_config (not KT_OWN) */
    const char *(*word)(int);    /* KT_WORD: the word of value k, k < count */
    int count;                   /* KT_WORD */
    uint64_t whole_lo, whole_hi; /* KT_WHOLE */
    double real_lo, real_hi;     /* KT_REAL: lo <= v < hi */
} key_def;

static const char *model_word(int k) { return nqm_model_name((nqm_model_kind)k); }
static const char *activation_word(int k) { return nqm_activation_name((nqm_activation)k); }
static const char *network_word(int k) { return nqm_network_name((nqm_network)k); }
static const char *readout_word(int k) { return nqm_readout_name((nqm_readout)k); }
static const char *loss_word(int k) { return nqm_loss_name((nqm_loss)k); }
static const char *data_word(int k) { return nqm_data_name((nqm_data_kind)k); }
static const char *eig_order_word(int k) { return nqm_eig_order_name((nqm_eig_order)k); }
static const char *eig_method_word(int k) { return nqm_eig_method_name((nqm_eig_method)k); }
static const char *optimizer_word(int k) { return nqm_optimizer_name((nqm_optimizer)k); }
static const char *schedule_word(int k) { return nqm_schedule_name((nqm_schedule)k); }
static const char *header_word(int k)
{
    static const char *const names[] = {"auto", "yes", "no"};
    return k >= 0 && k < 3 ? names[k] : "?";
}

static const char *separator_word(int k)
{
    static const char *const names[] = {"auto", ",", ";", "tab", "space"};
    return k >= 0 && k < 5 ? names[k] : "?";
}

static const char *yes_no_word(int k)
{
    static const char *const names[] = {"no", "yes"};
    return k >= 0 && k < 2 ? names[k] : "?";
}

#define FIELD(field) offsetof(nqm_config, field), sizeof(((nqm_config *)0)->field)
#define WORD_DEF(id, name, field, word, count)                                                     \
    {name, KT_WORD, NQM_VALUE_OTHER, FIELD(field), word, count, 0, 0, 0, 0},
#define WHOLE_DEF(id, name, field, lo, hi)                                                         \
    {name, KT_WHOLE, NQM_VALUE_WHOLE, FIELD(field), NULL, 0, (uint64_t)(lo), (uint64_t)(hi), 0, 0},
#define REAL_DEF(id, name, field, lo, hi)                                                          \
    {name, KT_REAL, NQM_VALUE_NUMBER, FIELD(field), NULL, 0, 0, 0, lo, hi},
#define OWN_DEF(id, name, kind) {name, KT_OWN, kind, 0, 0, NULL, 0, 0, 0, 0, 0},

static const key_def keys[KEY_COUNT] = {NQM_PRESET_KEYS(WORD_DEF, WHOLE_DEF, REAL_DEF, OWN_DEF)};

int nqm_preset_key_lookup(const char *name)
{
    for (int k = 0; k < KEY_COUNT; k++)
        if (strcmp(keys[k].name, name) == 0)
            return k;
    return -1;
}

const char *nqm_preset_key_name(key_id k) { return keys[k].name; }

const char *nqm_preset_key_at(int i) { return i >= 0 && i < KEY_COUNT ? keys[i].name : NULL; }

const char *nqm_preset_key_word(const char *key, int j)
{
    int k = nqm_preset_key_lookup(key);
    if (k == KEY_MODELS) /* a list of model names */
        return j >= 0 && j < MODEL_COUNT ? model_word(j) : NULL;
    if (k < 0 || keys[k].type != KT_WORD || j < 0 || j >= keys[k].count)
        return NULL;
    return keys[k].word(j);
}

nqm_value_kind nqm_preset_key_kind(const char *key)
{
    int k = nqm_preset_key_lookup(key);
    return k < 0 ? NQM_VALUE_UNKNOWN : keys[k].kind;
}

/* Whole-number and enum fields: int, or 64 bits (long, unsigned long). */
static void store_whole(nqm_config *cfg, const key_def *kd, uint64_t v)
{
    char *at = (char *)cfg + kd->offset;
    if (kd->size == sizeof(int)) {
        int i = (int)v;
        memcpy(at, &i, sizeof i);
    } else {
        memcpy(at, &v, sizeof v);
    }
}

static uint64_t load_whole(const nqm_config *cfg, const key_def *kd)
{
    const char *at = (const char *)cfg + kd->offset;
    if (kd->size == sizeof(int)) {
        int i;
        memcpy(&i, at, sizeof i);
        return (uint64_t)(int64_t)i;
    }
    uint64_t v;
    memcpy(&v, at, sizeof v);
    return v;
}

static double *real_field(nqm_config *cfg, const key_def *kd)
{
    return (double *)(void *)((char *)cfg + kd->offset);
}

static double load_real(const nqm_config *cfg, const key_def *kd)
{
    double v;
    memcpy(&v, (const char *)cfg + kd->offset, sizeof v);
    return v;
}

/* ---- comments ----------------------------------------------------------------------- */

void nqm_comment_text(const char *comment, char *out, size_t outlen)
{
    const char *s = nqm_skip_blanks(comment + 1);
    size_t n = nqm_utf8_prefix(s, outlen - 1);
    while (n > 0 && nqm_is_blank(s[n - 1]))
        n--;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* ---- values ---------------------------------------------------------------------- */

static int expect_end(const char *rest, const char *value, char *msg, size_t msglen)
{
    rest = nqm_skip_blanks(rest);
    if (*rest == '\0')
        return 0;
    snprintf(msg, msglen, "trailing junk '%.40s' after '%.*s'", rest, (int)(rest - value), value);
    return -1;
}

static int parse_double(const char *value, double *out, char *msg, size_t msglen)
{
    const char *s = value;
    if (nqm_scan_number(&s, out, msg, msglen) != 0)
        return -1;
    return expect_end(s, value, msg, msglen);
}

/* An integer in [lo, hi]: plain digits, or a number with an exponent or a
 * decimal point whose value is a whole number (width = 1e9). */
static int parse_integer(const char *value, uint64_t lo, uint64_t hi, uint64_t *out, char *msg,
                         size_t msglen)
{
    const char *s = value;
    size_t span = nqm_number_span(s);
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
    if (parse_double(value, &v, msg, msglen) != 0)
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

static int parse_real(const char *value, double lo, double hi, double *out, char *msg,
                      size_t msglen)
{
    if (parse_double(value, out, msg, msglen) != 0)
        return -1;
    if (isfinite(hi) && !(*out >= lo && *out < hi)) {
        snprintf(msg, msglen, "%s is out of range (%g to below %g)", value, lo, hi);
        return -1;
    }
    if (*out < lo) {
        snprintf(msg, msglen, "%s must be >= %g", value, lo);
        return -1;
    }
    return 0;
}

/* An enum word: one of word(0..count-1), listed in the error otherwise. */
static int parse_word(const char *value, const char *(*word)(int), int count, int *out, char *msg,
                      size_t msglen)
{
    size_t span = strcspn(value, " \t");
    if (expect_end(value + span, value, msg, msglen) != 0)
        return -1;
    for (int k = 0; k < count; k++) {
        if (strlen(word(k)) == span && strncmp(word(k), value, span) == 0) {
            *out = k;
            return 0;
        }
    }
    size_t used = (size_t)snprintf(msg, msglen, "unknown value '%.*s' (one of",
                                   (int)(span < 40 ? span : 40), value);
    for (int i = 0; i < count && used < msglen; i++)
        used += (size_t)snprintf(msg + used, msglen - used, "%s %s", i ? "," : "", word(i));
    if (used < msglen)
        snprintf(msg + used, msglen - used, ")");
    return -1;
}

/* A comma-separated vector of at most NQM_D_MAX finite numbers, not all
 * zero. */
static int parse_vector(const char *value, double **out, int *count, char *msg, size_t msglen)
{
    size_t commas = 0;
    for (const char *p = value; *p; p++)
        commas += *p == ',';
    if (commas + 1 > (size_t)NQM_D_MAX) {
        snprintf(msg, msglen, "%zu values; at most %ld", commas + 1, NQM_D_MAX);
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
        s = nqm_skip_blanks(s);
        if (nqm_scan_number(&s, &v[k], msg, msglen) != 0)
            goto fail;
        if (!(fabs(v[k]) < NQM_DATA_MAX)) {
            snprintf(msg, msglen, "value %d is out of range (magnitude below %g)", k + 1,
                     NQM_DATA_MAX);
            goto fail;
        }
        nonzero |= v[k] != 0.0;
        k++;
        s = nqm_skip_blanks(s);
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

/* ---- the keys with rules of their own -------------------------------------------- */

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

/* d keeps x only when its length still matches; the end of the stage
 * refills it. */
static int set_d(nqm_config *cfg, const char *value, stage_state *st, char *msg, size_t msglen)
{
    uint64_t d;
    if (parse_integer(value, 1, NQM_D_MAX, &d, msg, msglen) != 0)
        return -1;
    if ((int)d != cfg->d) {
        free(cfg->x);
        cfg->x = NULL;
    }
    cfg->d = (int)d;
    st->d_given = (long)d;
    return 0;
}

static int set_eta(nqm_config *cfg, const char *value, nqm_eta_mode mode, char *msg, size_t msglen)
{
    double v;
    if (parse_double(value, &v, msg, msglen) != 0)
        return -1;
    if (!(v > 0)) {
        snprintf(msg, msglen, "%s must be > 0", value);
        return -1;
    }
    cfg->eta_mode = mode;
    if (mode == ETA_ABSOLUTE)
        cfg->eta = v;
    else
        cfg->eta_rel = v;
    return 0;
}

/* A file name; a relative one given in a preset file starts from that
 * file's folder, one given by --set from the working directory; "-"
 * (standard input) stays as it is. */
static int set_path(char *field, const char *value, const stage_state *st, char *msg, size_t msglen)
{
    const char *slash =
        st->file && value[0] != '/' && !nqm_is_stdin_name(value) ? strrchr(st->file, '/') : NULL;
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

/* The name of an .npz member (numpy's key, without ".npy"), "auto" for
 * the usual names; NQM_NAME_LEN bytes. */
static int set_member(char field[NQM_NAME_LEN], const char *value, char *msg, size_t msglen)
{
    size_t n = strlen(value);
    if (n >= NQM_NAME_LEN || n == 0) {
        snprintf(msg, msglen, "a member name is 1 to %d bytes", NQM_NAME_LEN - 1);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)value[k] < 0x20 || value[k] == 0x7f || value[k] == '/') {
            snprintf(msg, msglen, "a member name holds no control character or '/'");
            return -1;
        }
    snprintf(field, NQM_NAME_LEN, "%s", strcmp(value, "auto") == 0 ? "" : value);
    return 0;
}

/* Two distinct labels "a,b" (a becomes +1, b -1), "all" or "targets". */
static int set_classes(nqm_config *cfg, const char *value, char *msg, size_t msglen)
{
    if (strcmp(value, "all") == 0 || strcmp(value, "targets") == 0) {
        cfg->nclasses = value[0] == 'a' ? 0 : NQM_CLASSES_TARGETS;
        return 0;
    }
    double v[2];
    const char *s = value;
    for (int k = 0; k < 2; k++) {
        s = nqm_skip_blanks(s);
        if (nqm_scan_number(&s, &v[k], msg, msglen) != 0)
            return -1;
        s = nqm_skip_blanks(s);
        if (k == 0 && *s++ != ',') {
            snprintf(msg, msglen, "'%.40s' is not two labels a,b (or all, or targets)", value);
            return -1;
        }
    }
    if (expect_end(s, value, msg, msglen) != 0)
        return -1;
    if (v[0] == v[1]) {
        snprintf(msg, msglen, "the two classes are the same label %g", v[0]);
        return -1;
    }
    cfg->nclasses = 2;
    memcpy(cfg->classes, v, sizeof v);
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
        nqm_copy_trimmed(word, sizeof word, s, span);
        int e;
        if (parse_word(word, model_word, MODEL_COUNT, &e, msg, msglen) != 0)
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

static int set_own(nqm_config *cfg, key_id k, const char *value, stage_state *st, char *msg,
                   size_t msglen)
{
    switch (k) {
    case KEY_X:
        return set_x(cfg, value, st, msg, msglen);
    case KEY_D:
        return set_d(cfg, value, st, msg, msglen);
    case KEY_ETA:
        return set_eta(cfg, value, ETA_ABSOLUTE, msg, msglen);
    case KEY_ETA_REL:
        return set_eta(cfg, value, ETA_RELATIVE, msg, msglen);
    case KEY_TRAIN_FILE:
        return set_path(cfg->train_file, value, st, msg, msglen);
    case KEY_TEST_FILE:
        return strcmp(value, "none") == 0 ? (cfg->test_file[0] = '\0', 0)
                                          : set_path(cfg->test_file, value, st, msg, msglen);
    case KEY_TRAIN_LABELS:
        return strcmp(value, "none") == 0 ? (cfg->train_labels[0] = '\0', 0)
                                          : set_path(cfg->train_labels, value, st, msg, msglen);
    case KEY_TEST_LABELS:
        return strcmp(value, "none") == 0 ? (cfg->test_labels[0] = '\0', 0)
                                          : set_path(cfg->test_labels, value, st, msg, msglen);
    case KEY_LABEL:
        return set_label(cfg, value, msg, msglen);
    case KEY_NPZ_FEATURES:
        return set_member(cfg->npz_features, value, msg, msglen);
    case KEY_NPZ_LABELS:
        return set_member(cfg->npz_labels, value, msg, msglen);
    case KEY_CLASSES:
        return set_classes(cfg, value, msg, msglen);
    default:
        return set_models(cfg, value, msg, msglen);
    }
}

int nqm_preset_key_set(nqm_config *cfg, key_id k, const char *value, stage_state *st, char *msg,
                       size_t msglen)
{
    const key_def *kd = &keys[k];
    int word;
    uint64_t whole;
    switch (kd->type) {
    case KT_WORD:
        if (parse_word(value, kd->word, kd->count, &word, msg, msglen) != 0)
            return -1;
        store_whole(cfg, kd, (uint64_t)word);
        return 0;
    case KT_WHOLE:
        if (parse_integer(value, kd->whole_lo, kd->whole_hi, &whole, msg, msglen) != 0)
            return -1;
        store_whole(cfg, kd, whole);
        return 0;
    case KT_REAL:
        return parse_real(value, kd->real_lo, kd->real_hi, real_field(cfg, kd), msg, msglen);
    default:
        return set_own(cfg, k, value, st, msg, msglen);
    }
}

/* ---- writing --------------------------------------------------------------------- */

static void write_number(FILE *f, const char *key, double v)
{
    char buf[40];
    nqm_format_exact(buf, sizeof buf, v);
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
        nqm_format_exact(buf, sizeof buf, cfg->x[i]);
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", i ? "," : "", buf);
    }
    if (used > NQM_PRESET_MAX_LINE) {
        fprintf(f, "# x: %d values, longer than a preset line can hold\n", cfg->d);
        return -1;
    }
    fprintf(f, "%s\n", line);
    return 0;
}

/* eta and eta_rel: the one in force, and a comment for the other. */
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

static void write_classes(FILE *f, const nqm_config *cfg)
{
    if (cfg->nclasses != 2) {
        fputs(cfg->nclasses == 0 ? "classes = all\n" : "classes = targets\n", f);
        return;
    }
    char a[40], b[40];
    nqm_format_exact(a, sizeof a, cfg->classes[0]);
    nqm_format_exact(b, sizeof b, cfg->classes[1]);
    fprintf(f, "classes = %s,%s\n", a, b);
}

static void write_models(FILE *f, const nqm_config *cfg)
{
    if (cfg->nmodels == 0) {
        fprintf(f, "# models: not used, a sweep runs model alone\n");
        return;
    }
    fputs("models = ", f);
    for (int i = 0; i < cfg->nmodels; i++)
        fprintf(f, "%s%s", i ? "," : "", nqm_model_name(cfg->models[i]));
    fputc('\n', f);
}

static int write_own(FILE *f, const nqm_config *cfg, key_id k)
{
    switch (k) {
    case KEY_X:
        return write_x(f, cfg);
    case KEY_D:
        fprintf(f, "d = %d\n", cfg->d);
        return 0;
    case KEY_ETA:
        write_eta(f, cfg);
        return 0;
    case KEY_ETA_REL:
        return 0; /* with eta */
    case KEY_TRAIN_FILE:
        write_path(f, "train_file", cfg->train_file);
        return 0;
    case KEY_TEST_FILE:
        write_path(f, "test_file", cfg->test_file);
        return 0;
    case KEY_TRAIN_LABELS:
        write_path(f, "train_labels", cfg->train_labels);
        return 0;
    case KEY_TEST_LABELS:
        write_path(f, "test_labels", cfg->test_labels);
        return 0;
    case KEY_LABEL:
        fprintf(f, "label = %s\n", cfg->label[0] ? cfg->label : "last");
        return 0;
    case KEY_NPZ_FEATURES:
        fprintf(f, "npz_features = %s\n", cfg->npz_features[0] ? cfg->npz_features : "auto");
        return 0;
    case KEY_NPZ_LABELS:
        fprintf(f, "npz_labels = %s\n", cfg->npz_labels[0] ? cfg->npz_labels : "auto");
        return 0;
    case KEY_CLASSES:
        write_classes(f, cfg);
        return 0;
    default:
        write_models(f, cfg);
        return 0;
    }
}

int nqm_preset_key_write(FILE *f, const nqm_config *cfg, key_id k)
{
    const key_def *kd = &keys[k];
    switch (kd->type) {
    case KT_WORD:
        fprintf(f, "%s = %s\n", kd->name, kd->word((int)load_whole(cfg, kd)));
        return 0;
    case KT_WHOLE:
        fprintf(f, "%s = %llu\n", kd->name, (unsigned long long)load_whole(cfg, kd));
        return 0;
    case KT_REAL:
        write_number(f, kd->name, load_real(cfg, kd));
        return 0;
    default:
        return write_own(f, cfg, k);
    }
}

int nqm_preset_write(FILE *f, const nqm_config *cfg)
{
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    fprintf(f, "# %s\n", cfg->description[0] ? cfg->description : "nqmtop run configuration");
    fprintf(f, "# resolved from preset %s, every key included\n",
            cfg->preset[0] ? cfg->preset : "(none)");
    int rc = 0;
    for (int k = 0; k < KEY_COUNT; k++)
        rc |= nqm_preset_key_write(f, cfg, (key_id)k);
    nqm_c_numeric_end(&scope);
    return ferror(f) || rc != 0 ? -1 : 0;
}
