/* test_preset.c: the preset format and --set overrides, without the binary.
 *
 * Checks the documented defaults, that every key lands in its field, that
 * writing a config and reading it back gives the same config bit for bit
 * (for random configs), the x / d and eta / eta_rel rules, and a table of
 * malformed presets: each must fail with FILE:LINE: KEY: and a message
 * naming the problem. Files go to a fresh temporary directory. */
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/check.h"
#include "nqmtop/input/config.h"
#include "nqmtop/input/preset.h"

static char tmpdir[64];
static char path[128];
static char err[2048];

/* Write len bytes of text to tmpdir/t.preset. */
static void write_preset(const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static int resolve_sets(const char *text, const char *const *sets, int nsets, nqm_config *cfg)
{
    write_preset(text, strlen(text));
    err[0] = '\0';
    return nqm_preset_resolve(&test_places()->presets, path, sets, nsets, cfg, err, sizeof err);
}

static int resolve(const char *text, nqm_config *cfg) { return resolve_sets(text, NULL, 0, cfg); }

/* ---- defaults and keys -------------------------------------------------------- */

static void test_defaults(void)
{
    nqm_config c;
    nqm_config_defaults(&c);
    CHECK(c.model == MODEL_QUAD && c.activation == ACT_RELU && c.loss == LOSS_HALF_SUM,
          "model/activation/loss %d %d %d", c.model, c.activation, c.loss);
    CHECK(c.data == DATA_SINGLE && c.d == 1 && c.x && c.x[0] == 1.0 && c.y == 0.0, "data");
    CHECK(c.width == 1000 && c.n == 128 && c.mu == 2.0 && c.sigma == 1.0 && c.gamma == 1e-3,
          "numbers");
    CHECK(c.seed == 1 && c.eta_mode == ETA_RELATIVE && c.eta_rel == 1.5, "eta");
    CHECK(c.steps == 200 && c.batch_size == 0 && c.eigs == 2, "steps/batch/eigs");
    CHECK(c.eig_order == EIG_ORDER_DIRECTION, "eig order");
    CHECK(c.network == NETWORK_TWO_LAYER && c.depth == 3 && c.biases == 0 && c.channels == 8 &&
              c.kernel == 3 && c.readout == READOUT_AVERAGE,
          "architecture");
    CHECK(nqm_config_n(&c) == 1 && nqm_config_d(&c) == 1, "n, d of single");
    char msg[256];
    CHECK(nqm_config_check(&c, msg, sizeof msg) == 0, "defaults fail the check: %s", msg);
    nqm_config_free(&c);
}

static void test_loss_scale(void)
{
    /* L = s/2 * sum r^2 reproduces each convention's definition. */
    int n = 7;
    CHECK(nqm_loss_scale(LOSS_HALF_SUM, n) / 2 == 0.5, "half-sum");
    CHECK(fabs(nqm_loss_scale(LOSS_MSE, n) / 2 - 1.0 / n) < 1e-16, "mse");
    CHECK(fabs(nqm_loss_scale(LOSS_HALF_MEAN, n) / 2 - 0.5 / n) < 1e-16, "half-mean");
}

static void test_every_key(void)
{
    nqm_config c;
    int rc;
    rc = resolve("# every key\n"
                 "network = cnn\ndepth = 4\nbiases = 1\nchannels = 5\nkernel = 2\n"
                 "readout = linear\n"
                 "model = net\nactivation = tanh\nloss = half-mean\ndata = gauss\n"
                 "y = -0.25\nwidth = 1e4\nn = 32\nd = 9\nmu = -1.5\nsigma = 0.5\n"
                 "gamma = 2e-2\nseed = 9223372036854775808\neta = .125\n"
                 "steps = 12\nbatch_size = 8\neigs = 5\neig_order = sorted\n",
                 &c);
    CHECK(rc == 0, "every key: %s", err);
    if (rc != 0)
        return;
    CHECK(c.model == MODEL_NET && c.activation == ACT_TANH && c.loss == LOSS_HALF_MEAN &&
              c.data == DATA_GAUSS,
          "enums");
    CHECK(c.network == NETWORK_CNN && c.depth == 4 && c.biases == 1 && c.channels == 5 &&
              c.kernel == 2 && c.readout == READOUT_LINEAR,
          "architecture");
    CHECK(c.y == -0.25 && c.width == 10000 && c.n == 32 && c.d == 9 && c.mu == -1.5 &&
              c.sigma == 0.5 && c.gamma == 0.02,
          "numbers");
    CHECK(c.seed == 9223372036854775808UL, "seed %lu", c.seed);
    CHECK(c.eta_mode == ETA_ABSOLUTE && c.eta == 0.125, "eta");
    CHECK(c.steps == 12 && c.batch_size == 8 && c.eigs == 5 && c.eig_order == EIG_ORDER_SORTED,
          "rest");
    CHECK(c.x == NULL, "x dropped for gauss data");
    CHECK(strcmp(c.description, "every key") == 0, "description '%s'", c.description);
    CHECK(strcmp(c.preset, "t") == 0, "preset name '%s'", c.preset);
    nqm_config_free(&c);
}

static void test_syntax_tolerated(void)
{
    nqm_config c;
    int rc = resolve("\n   # first comment: the description  \r\n"
                     "# second comment\n"
                     "  width=250   # trailing comment\r\n"
                     "\t\n"
                     "x = 3 , -4,5e-1   \n"
                     "eta_rel = 1.25# not a comment\n",
                     &c);
    CHECK(rc != 0 && strstr(err, ":7: eta_rel: trailing junk"), "'#' glued to a value: %s", err);
    rc = resolve("\n   # first comment: the description  \r\n"
                 "# second comment\n"
                 "  width=250   # trailing comment\r\n"
                 "\t\n"
                 "x = 3 , -4,5e-1   \n",
                 &c);
    CHECK(rc == 0, "tolerated syntax: %s", err);
    if (rc != 0)
        return;
    CHECK(strcmp(c.description, "first comment: the description") == 0, "description '%s'",
          c.description);
    CHECK(c.width == 250, "width %ld", c.width);
    CHECK(c.d == 3 && c.x[0] == 3 && c.x[1] == -4 && c.x[2] == 0.5, "x");
    nqm_config_free(&c);
}

/* ---- round trip --------------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t next_u64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A finite double from random bits (any exponent), or a plain value. */
static double any_double(void)
{
    for (;;) {
        uint64_t bits = next_u64();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            return (next_u64() & 3) ? v : 0.1 * (double)(next_u64() % 1000);
    }
}

/* A value a data key takes: any double of magnitude below NQM_DATA_MAX. */
static double any_data(void)
{
    for (;;) {
        double v = any_double();
        if (fabs(v) < NQM_DATA_MAX)
            return v;
    }
}

static void random_config(nqm_config *c)
{
    nqm_config_defaults(c);
    c->model = (nqm_model_kind)(next_u64() % 3); /* net, lin, quad: no cross-key limits */
    c->activation = (nqm_activation)(next_u64() % ACT_COUNT);
    c->loss = (nqm_loss)(next_u64() % LOSS_COUNT);
    c->data = (nqm_data_kind)(next_u64() % DATA_CSV); /* csv needs a file: tests/sweep */
    c->eig_order = (nqm_eig_order)(next_u64() % EIG_ORDER_COUNT);
    c->width = 1 + (long)(next_u64() % 100000);
    c->n = 1 + (int)(next_u64() % 500);
    c->d = 1 + (int)(next_u64() % 20);
    c->network = (nqm_network)(next_u64() % NETWORK_COUNT);
    c->depth = 2 + (int)(next_u64() % 3);
    c->biases = (int)(next_u64() % 2);
    c->channels = 1 + (int)(next_u64() % 16);
    c->readout = (nqm_readout)(next_u64() % READOUT_COUNT);
    c->kernel = 1 + (int)(next_u64() % 3);
    if (c->network == NETWORK_MLP) /* width^2 parameters per hidden layer */
        c->width = 1 + (long)(next_u64() % 500);
    if (c->network == NETWORK_CNN) { /* square images at least kernel wide */
        c->data = c->data == DATA_MIX1D ? DATA_GAUSS : c->data;
        c->d = (c->kernel + 1) * (c->kernel + 1);
    }
    free(c->x);
    c->x = NULL;
    if (c->data == DATA_SINGLE) {
        c->x = malloc((size_t)c->d * sizeof *c->x);
        for (int i = 0; i < c->d; i++)
            c->x[i] = any_data();
        c->x[0] = 1.0 + (double)(next_u64() % 9); /* never all zero */
    }
    c->y = any_double();
    if (c->loss == LOSS_LOGISTIC && c->data == DATA_SINGLE) /* its label must be +1 or -1 */
        c->y = (next_u64() & 1) ? 1 : -1;
    c->mu = any_data();
    c->sigma = fabs(any_data());
    c->gamma = any_data();
    c->seed = (unsigned long)(next_u64() >> 1);
    c->eta_mode = (next_u64() & 1) ? ETA_ABSOLUTE : ETA_RELATIVE;
    double positive = fabs(any_double());
    if (positive == 0)
        positive = 0.5;
    if (c->eta_mode == ETA_ABSOLUTE) {
        c->eta = positive;
        c->eta_rel = 1.5;
    } else {
        c->eta_rel = positive;
    }
    c->steps = (long)(next_u64() % 1000000000);
    c->batch_size = (int)(next_u64() % (unsigned)(nqm_config_n(c) + 1));
    c->eigs = 1 + (int)(next_u64() % NQM_MAX_EIGS);
    c->test_n = (int)(next_u64() % 1000);
    c->train_size = (int)(next_u64() % 1000);
    c->test_fraction = (double)(next_u64() % 1000) / 1000;
    c->header = (nqm_csv_header)(next_u64() % 3);
    snprintf(c->label, sizeof c->label, "%s", (next_u64() & 1) ? "label" : "");
    c->nmodels = (int)(next_u64() % 4);
    for (int i = 0; i < c->nmodels; i++)
        c->models[i] = (nqm_model_kind)((i + 1) % 3); /* distinct: lin, quad, net */
    snprintf(c->description, sizeof c->description, "random config %d", (int)(next_u64() % 100));
}

static int same_config(const nqm_config *a, const nqm_config *b)
{
    int same = a->model == b->model && a->activation == b->activation && a->loss == b->loss &&
               a->data == b->data && a->eig_order == b->eig_order && a->width == b->width &&
               a->n == b->n && a->d == b->d && a->seed == b->seed && a->eta_mode == b->eta_mode &&
               a->steps == b->steps && a->batch_size == b->batch_size && a->eigs == b->eigs &&
               a->network == b->network && a->depth == b->depth && a->biases == b->biases &&
               a->channels == b->channels && a->kernel == b->kernel && a->readout == b->readout;
    same = same && memcmp(&a->y, &b->y, sizeof a->y) == 0 &&
           memcmp(&a->mu, &b->mu, sizeof a->mu) == 0 &&
           memcmp(&a->sigma, &b->sigma, sizeof a->sigma) == 0 &&
           memcmp(&a->gamma, &b->gamma, sizeof a->gamma) == 0;
    if (a->eta_mode == ETA_ABSOLUTE)
        same = same && a->eta == b->eta;
    else
        same = same && a->eta_rel == b->eta_rel;
    same = same && strcmp(a->description, b->description) == 0;
    same = same && a->test_n == b->test_n && a->train_size == b->train_size &&
           a->test_fraction == b->test_fraction && a->header == b->header &&
           strcmp(a->label, b->label) == 0 && a->nmodels == b->nmodels &&
           memcmp(a->models, b->models, (size_t)a->nmodels * sizeof *a->models) == 0;
    if (same && a->data == DATA_SINGLE)
        same = a->x && b->x && memcmp(a->x, b->x, (size_t)a->d * sizeof *a->x) == 0;
    return same;
}

static void test_round_trip(void)
{
    for (int trial = 0; trial < 300; trial++) {
        nqm_config a, b;
        random_config(&a);
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        CHECK(nqm_preset_write(mem, &a) == 0, "write");
        fclose(mem);
        write_preset(text, len);
        int rc = nqm_preset_resolve(&test_places()->presets, path, NULL, 0, &b, err, sizeof err);
        CHECK(rc == 0, "trial %d: written config does not load: %s\n%s", trial, err, text);
        if (rc == 0) {
            CHECK(same_config(&a, &b), "trial %d: config changed on the round trip\n%s", trial,
                  text);
            nqm_config_free(&b);
        }
        free(text);
        nqm_config_free(&a);
    }
}

/* ---- malformed presets ----------------------------------------------------------- */

typedef struct {
    const char *what;
    const char *text;
    size_t len;         /* 0: strlen(text) */
    const char *where;  /* expected after the path: ":LINE: KEY: " or ": " */
    const char *needle; /* expected in the message */
} bad_case;

static char long_line[NQM_PRESET_MAX_LINE + 64];

static const bad_case bad_cases[] = {
    {"unknown key", "# d\nwidht = 5\n", 0, ":2: widht: ", "unknown key (did you mean width?)"},
    {"unknown key far", "zzzzzzzz = 5\n", 0, ":1: zzzzzzzz: ", "unknown key (keys: model"},
    {"duplicate key", "width = 5\nn = 3\nwidth = 6\n", 0,
     ":3: width: ", "duplicate key (first set on line 1)"},
    {"missing =", "width 5\n", 0, ":1: width: ", "missing '='"},
    {"missing = no key", "hello there\n", 0, ":1: ", "missing '=' (expected 'key = value')"},
    {"missing key", " = 5\n", 0, ":1: ", "missing key before '='"},
    {"empty value", "width =   # nothing\n", 0, ":1: width: ", "empty value"},
    {"trailing junk", "width = 5 apples\n", 0, ":1: width: ", "trailing junk 'apples'"},
    {"junk in word", "model = quad lin\n", 0, ":1: model: ", "trailing junk 'lin'"},
    {"hex", "width = 0x10\n", 0, ":1: width: ", "trailing junk 'x10'"},
    {"inf", "eta = inf\n", 0, ":1: eta: ", "not a finite number"},
    {"nan", "y = nan\n", 0, ":1: y: ", "not a finite number"},
    {"overflow", "mu = 1e999\n", 0, ":1: mu: ", "not a finite number"},
    {"not a number", "gamma = abc\n", 0, ":1: gamma: ", "not a number"},
    {"not whole", "width = 1.5\n", 0, ":1: width: ", "not a whole number"},
    {"width 0", "width = 0\n", 0, ":1: width: ", "out of range (1 to 1000000000000)"},
    {"width big", "width = 1e13\n", 0, ":1: width: ", "out of range"},
    {"n 0", "n = 0\n", 0, ":1: n: ", "out of range (1 to 1000000)"},
    {"d big", "d = 100001\n", 0, ":1: d: ", "out of range (1 to 100000)"},
    {"steps neg", "steps = -1\n", 0, ":1: steps: ", "out of range (0 to 1000000000)"},
    {"eigs 9", "eigs = 9\n", 0, ":1: eigs: ", "out of range (1 to 8)"},
    {"eigs 0", "eigs = 0\n", 0, ":1: eigs: ", "out of range (1 to 8)"},
    {"seed big", "seed = 9223372036854775809\n", 0, ":1: seed: ", "out of range"},
    {"seed neg", "seed = -1\n", 0, ":1: seed: ", "out of range"},
    {"eta 0", "eta = 0\n", 0, ":1: eta: ", "must be > 0"},
    {"eta_rel neg", "eta_rel = -2\n", 0, ":1: eta_rel: ", "must be > 0"},
    {"sigma neg", "sigma = -1\n", 0, ":1: sigma: ", "out of range (0 to"},
    {"mu huge", "mu = 1e100\n", 0, ":1: mu: ", "out of range"},
    {"x huge", "x = 1, -1e100\n", 0, ":1: x: ", "value 2 is out of range"},
    {"both etas", "eta = 1\nsteps = 3\neta_rel = 2\n", 0,
     ":3: eta_rel: ", "eta is already set on line 1"},
    {"bad enum", "model = mlp\n", 0,
     ":1: model: ", "unknown value 'mlp' (one of net, lin, quad, gqm, theory)"},
    {"bad order", "eig_order = up\n", 0, ":1: eig_order: ", "one of direction, sorted"},
    {"bad network", "network = resnet\n", 0, ":1: network: ", "one of two-layer, mlp, cnn"},
    {"bad readout", "readout = max\n", 0, ":1: readout: ", "one of average, linear"},
    {"depth 17", "depth = 17\n", 0, ":1: depth: ", "out of range (2 to 16)"},
    {"mlp too wide", "network = mlp\nwidth = 2000000\n", 0,
     ":2: width: ", "an mlp's hidden layers hold 1 to 1000000 neurons"},
    {"biases 2", "biases = 2\n", 0, ":1: biases: ", "out of range (0 to 1)"},
    {"channels 0", "channels = 0\n", 0, ":1: channels: ", "out of range (1 to 4096)"},
    {"cnn on 1-D", "network = cnn\ndata = mix1d\n", 0, ": kernel: ", "square images"},
    {"x empty item", "x = 1,,2\n", 0, ":1: x: ", "not a number"},
    {"x zeros", "x = 0, 0.0\n", 0, ":1: x: ", "all 2 values are zero"},
    {"x junk", "x = 1 2\n", 0, ":1: x: ", "trailing junk '2'"},
    {"d vs x", "x = 1,2,3\nd = 5\n", 0, ":2: d: ", "5 does not match the 3 values of x"},
    {"x vs d", "d = 2\nx = 1,2,3\n", 0, ":1: d: ", "2 does not match the 3 values of x"},
    {"batch > n", "data = mix1d\nn = 4\nbatch_size = 5\n", 0,
     ":3: batch_size: ", "exceeds the 4 training examples"},
    {"theory d", "model = theory\ndata = gauss\nd = 3\n", 0,
     ":1: model: ", "theory needs one example"},
    {"theory tanh", "activation = tanh\nmodel = theory\n", 0, ":1: activation: ", "needs relu"},
    {"memory", "# big\nmodel = quad\nwidth = 1e12\n", 0, ":3: width: ", "GiB (limit 16 GiB)"},
    {"memory n", "data = mix1d\nn = 1000000\nwidth = 10\n", 0, ":2: n: ", "would need about"},
    {"NUL", "# a\nwidth = 5\0\n", 15, ":2: ", "NUL byte at column 10"},
    {"bad UTF-8", "# caf\xc3\xa9 ok\nwidth = 5 \xff\n", 0,
     ":2: ", "invalid UTF-8 byte 0xff at column 11"},
    {"overlong UTF-8", "# \xc0\xaf\n", 0, ":1: ", "invalid UTF-8 byte 0xc0"},
    {"surrogate", "# \xed\xa0\x80\n", 0, ":1: ", "invalid UTF-8 byte 0xed"},
    {"CR inside a line", "label = a\r\t\n", 0, ":1: ", "control character 0x0d at column 10"},
    {"escape in a comment", "# \x1b[2J\n", 0, ":1: ", "control character 0x1b at column 3"},
    {"C1 control", "# a\xc2\x9b\n", 0, ":1: ", "control character U+009B at column 4"},
    {"empty file", "", 0, ": ", "empty file"},
    {"blank file", "  \n\t\r\n", 0, ": ", "empty file"},
    {"long line", long_line, 0, ":2: ", "line longer than 4096 bytes"},
};

static void test_bad_presets(void)
{
    memcpy(long_line, "# ok\n#", 6);
    memset(long_line + 6, 'a', NQM_PRESET_MAX_LINE);
    long_line[6 + NQM_PRESET_MAX_LINE] = '\n';
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *b = &bad_cases[i];
        write_preset(b->text, b->len ? b->len : strlen(b->text));
        nqm_config c;
        err[0] = '\0';
        int rc = nqm_preset_resolve(&test_places()->presets, path, NULL, 0, &c, err, sizeof err);
        char prefix[256];
        snprintf(prefix, sizeof prefix, "%s%s", path, b->where);
        CHECK(rc == -1, "%s: accepted", b->what);
        CHECK(strncmp(err, prefix, strlen(prefix)) == 0, "%s: message '%s' does not start '%s'",
              b->what, err, prefix);
        CHECK(strstr(err, b->needle) != NULL, "%s: message '%s' lacks '%s'", b->what, err,
              b->needle);
        CHECK(strchr(err, '\n') == NULL, "%s: message spans lines", b->what);
        CHECK(c.x == NULL, "%s: failure left an x to free", b->what);
        if (rc == 0)
            nqm_config_free(&c);
    }
}

static void test_missing_file(void)
{
    nqm_config c;
    char missing[160];
    snprintf(missing, sizeof missing, "%s/absent.preset", tmpdir);
    CHECK(nqm_preset_load(&test_places()->presets, missing, &c, err, sizeof err) == -1,
          "missing file accepted");
    CHECK(strstr(err, "absent.preset: cannot open") != NULL, "message '%s'", err);
    CHECK(nqm_preset_load(&test_places()->presets, tmpdir, &c, err, sizeof err) == -1,
          "a directory accepted");
    CHECK(strstr(err, "is a directory") != NULL, "message '%s'", err);
    CHECK(nqm_preset_load(&test_places()->presets, "no-such-preset-anywhere", &c, err,
                          sizeof err) == -1,
          "unknown name accepted");
    CHECK(strstr(err, "unknown preset 'no-such-preset-anywhere'") != NULL, "message '%s'", err);
    /* A path with a control character is refused without being echoed:
     * the name would go into messages, --show-preset and recordings. */
    const char *text = "# d\nwidth = 5\n";
    CHECK(nqm_preset_parse("dir\x1b[2J/p.preset", text, strlen(text), &c, err, sizeof err) == -1,
          "a path with an escape accepted");
    CHECK(strstr(err, "path may not hold a control character 0x1b (byte 4 of the path)") &&
              !strchr(err, '\x1b'),
          "message '%s'", err);
}

/* ---- overrides ------------------------------------------------------------------------ */

static void test_sets(void)
{
    nqm_config c;
    const char *over[] = {"width=7", "width = 9", "eta=0.5"};
    int rc = resolve_sets("eta_rel = 2\nwidth = 5\n", over, 3, &c);
    CHECK(rc == 0, "sets: %s", err);
    if (rc == 0) {
        CHECK(c.width == 9, "sets apply in order: width %ld", c.width);
        CHECK(c.eta_mode == ETA_ABSOLUTE && c.eta == 0.5, "--set eta overrides eta_rel");
        nqm_config_free(&c);
    }
    const char *rel[] = {"eta_rel=3"};
    rc = resolve_sets("eta = 0.1\n", rel, 1, &c);
    CHECK(rc == 0 && c.eta_mode == ETA_RELATIVE && c.eta_rel == 3, "--set eta_rel overrides eta");
    if (rc == 0)
        nqm_config_free(&c);

    struct {
        const char *set[2];
        const char *prefix, *needle;
    } bad[] = {
        {{"eta=1", "eta_rel=2"}, "--set: eta_rel: ", "eta is also set by --set"},
        {{"widht=3", NULL}, "--set: widht: ", "did you mean width?"},
        {{"width", NULL}, "--set: ", "'width': expected key=value"},
        {{"=4", NULL}, "--set: ", "missing key"},
        {{"width=", NULL}, "--set: width: ", "empty value"},
        {{"eta=nan", NULL}, "--set: eta: ", "not a finite number"},
        {{"activation=tanh", NULL}, "--set: activation: ", "needs relu"},
        {{"x=\xfe", NULL}, "--set: ", "invalid UTF-8 byte 0xfe at column 3"},
        {{"label=a\rb", NULL}, "--set: ", "'label=a': control character 0x0d at column 8"},
        {{"label=\x1b[2J", NULL}, "--set: ", "'label=': control character 0x1b at column 7"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int n = bad[i].set[1] ? 2 : 1;
        rc = resolve_sets("model = theory\n", bad[i].set, n, &c);
        CHECK(rc == -1, "set %s accepted", bad[i].set[0]);
        CHECK(strncmp(err, bad[i].prefix, strlen(bad[i].prefix)) == 0 && strstr(err, bad[i].needle),
              "set %s: message '%s'", bad[i].set[0], err);
        CHECK(!strpbrk(err, "\r\x1b"), "set %s: the message echoes a control character",
              bad[i].set[0]);
    }
    /* The file's key is blamed when a --set makes it conflict. */
    const char *tanh_theory[] = {"model=theory"};
    rc = resolve_sets("# t\nactivation = tanh\n", tanh_theory, 1, &c);
    CHECK(rc == -1 && strstr(err, ".preset:2: activation: "), "blame: '%s'", err);
}

static void test_x_and_d(void)
{
    nqm_config c;
    const char *d5[] = {"d=5"};
    int rc = resolve_sets("x = 1,2,3\n", d5, 1, &c);
    CHECK(rc == 0 && c.d == 5, "a later d replaces x: %s", err);
    for (int i = 0; rc == 0 && i < 5; i++)
        CHECK(c.x[i] == 1.0, "x[%d] = %g, want 1", i, c.x[i]);
    if (rc == 0)
        nqm_config_free(&c);
    const char *single[] = {"data=single"};
    rc = resolve_sets("data = gauss\nd = 4\n", single, 1, &c);
    CHECK(rc == 0 && c.d == 4 && c.x && c.x[3] == 1.0, "single after gauss: x = ones(4)");
    if (rc == 0)
        nqm_config_free(&c);
    const char *x2[] = {"x=2,-2"};
    rc = resolve_sets("d = 7\n", x2, 1, &c);
    CHECK(rc == 0 && c.d == 2 && c.x[1] == -2.0, "a later x sets d");
    if (rc == 0)
        nqm_config_free(&c);
    rc = resolve("d = 3\nx = 1,2,3\n", &c);
    CHECK(rc == 0 && c.d == 3, "agreeing d and x: %s", err);
    if (rc == 0)
        nqm_config_free(&c);
}

static void test_apply_set(void)
{
    nqm_config c;
    int rc = resolve("width = 10\n", &c);
    CHECK(rc == 0, "base: %s", err);
    if (rc != 0)
        return;
    CHECK(nqm_preset_apply_set(&c, "width=20", err, sizeof err) == 0 && c.width == 20,
          "apply_set: %s", err);
    CHECK(nqm_preset_apply_set(&c, "width=0", err, sizeof err) == -1 && c.width == 20,
          "a failed apply_set changed the config");
    CHECK(strncmp(err, "--set: width: ", 14) == 0, "message '%s'", err);
    CHECK(nqm_preset_apply_set(&c, "x=4,5", err, sizeof err) == 0 && c.d == 2 && c.x[1] == 5,
          "apply_set x");
    nqm_config copy;
    CHECK(nqm_config_copy(&copy, &c) == 0 && copy.x != c.x && copy.x[1] == 5, "deep copy");
    nqm_config_free(&copy);
    nqm_config_free(&c);
}

/* Numbers are read in the C locale even when the process uses another. */
static void test_locale(void)
{
    const char *found = check_comma_locale();
    if (!found) {
        printf("locale test skipped: no decimal-comma locale installed\n");
        return;
    }
    nqm_config c;
    int rc = resolve("eta = 0.25\n", &c);
    CHECK(rc == 0 && c.eta == 0.25, "under %s: %s", found, err);
    if (rc == 0) {
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        nqm_preset_write(mem, &c);
        fclose(mem);
        CHECK(strstr(text, "eta = 0.25\n") != NULL, "written under %s:\n%s", found, text);
        free(text);
        nqm_config_free(&c);
    }
    setlocale(LC_NUMERIC, "C");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nqmtop-preset-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/t.preset", tmpdir);
    test_defaults();
    test_loss_scale();
    test_every_key();
    test_syntax_tolerated();
    test_round_trip();
    test_bad_presets();
    test_missing_file();
    test_sets();
    test_x_and_d();
    test_apply_set();
    test_locale();
    unlink(path);
    rmdir(tmpdir);
    return check_report("test_preset");
}
