/* test_testset.c: test sets and the models' outputs on them.
 *   The CSV split: sizes, a partition of the file's rows (no row both in
 *   training and test), the same split for the same seed, another for
 *   another seed; relative paths from the preset's folder; every refusal
 *   names the file, line and key. A test set equal to the training set
 *   gives a test loss equal to the training loss at every step (through a
 *   catapult), for net, lin, quad in both of the two-layer family's
 *   modes, theory on 1-D data, and under half-sum and mse; the predict op
 *   at the training inputs equals the model's own outputs (gqm with
 *   gamma = 0, where Sigma(x) drops out). Synthetic test sets are fresh
 *   draws, reproducible from the seed. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/check.h"
#include "nqmtop/input/data.h"
#include "nqmtop/model/model.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/train/session.h"
#include "nqmtop/train/sweep.h"

static char dir[] = "/tmp/nqmtop-testset-XXXXXX";

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "cannot write %s", path);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* rows.csv: 20 rows, feature id = row number, two more features, label +-1. */
static void write_rows(void)
{
    char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, "id,a,b,label\n");
    for (int i = 0; i < 20; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%d,%g,%g,%d\n", i, 0.1 * i - 1,
                                 1 - 0.05 * i, i % 3 ? 1 : -1);
    write_file("rows.csv", text);
}

/* Resolve preset text saved as dir/NAME.preset; err when it fails. */
static int resolve(const char *name, const char *text, nqm_config *cfg, char *err, size_t errlen)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.preset", dir, name);
    write_file(strrchr(path, '/') + 1, text);
    return nqm_preset_resolve(&test_places()->presets, path, NULL, 0, cfg, err, errlen);
}

static void check_split(void)
{
    nqm_config cfg;
    char err[512];
    int rc = resolve("split",
                     "# split\ndata = csv\ntrain_file = rows.csv\ntest_fraction = 0.25\n"
                     "train_size = 10\n",
                     &cfg, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    if (rc != 0)
        return;
    CHECK(cfg.n == 10 && cfg.d == 3 && cfg.test_n == 5, "n %d d %d test_n %d", cfg.n, cfg.d,
          cfg.test_n);
    nqm_data a, b;
    CHECK(nqm_data_make(&cfg, &a, err, sizeof err) == 0, "%s", err);
    int seen[20] = {0}, moved = 0;
    for (int i = 0; i < a.n; i++)
        seen[(int)a.X[i * 3]] |= 1;
    for (int i = 0; i < a.n_test; i++)
        seen[(int)a.X_test[i * 3]] |= 2;
    int train = 0, test = 0, both = 0;
    for (int r = 0; r < 20; r++) {
        train += seen[r] == 1;
        test += seen[r] == 2;
        both += seen[r] == 3;
    }
    CHECK(train == 10 && test == 5 && both == 0, "train %d test %d both %d rows", train, test,
          both);
    for (int i = 0; i < a.n; i++) {
        int id = (int)a.X[i * 3];
        CHECK(a.y[i] == (id % 3 ? 1 : -1) && fabs(a.X[i * 3 + 1] - (0.1 * id - 1)) < 1e-12,
              "row %d mixed", id);
        moved += id != i;
    }
    CHECK(moved > 0, "the rows were not shuffled");
    CHECK(nqm_data_make(&cfg, &b, err, sizeof err) == 0 &&
              memcmp(a.X, b.X, sizeof(double) * 30) == 0 &&
              memcmp(a.X_test, b.X_test, sizeof(double) * 15) == 0,
          "the same seed gave another split");
    nqm_data_free(&b);
    cfg.seed = 2;
    CHECK(nqm_data_make(&cfg, &b, err, sizeof err) == 0 &&
              memcmp(a.X, b.X, sizeof(double) * 30) != 0,
          "seed 2 gave the split of seed 1");
    nqm_data_free(&a);
    nqm_data_free(&b);
    nqm_config_free(&cfg);
    printf("split: 20 rows -> 10 training, 5 test, 5 unused; disjoint, reproducible\n");
}

static void count_result(void *ctx, const nqm_sweep_result *res)
{
    (void)res;
    (*(int *)ctx)++;
}

/* The files are read once: with the CSV gone after the preset resolved,
 * its configuration, a copy of it with --set overrides (as every point of
 * a sweep makes), a session and a sweep of four runs all still work. */
static void check_read_once(void)
{
    write_file("once.csv", "a,b,label\n1,2,1\n2,1,-1\n3,3,1\n4,1,-1\n5,2,1\n6,0,-1\n");
    nqm_config cfg;
    char err[512], path[256];
    int rc = resolve("once", "# once\ndata = csv\ntrain_file = once.csv\nwidth = 50\nsteps = 5\n",
                     &cfg, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    if (rc != 0)
        return;
    snprintf(path, sizeof path, "%s/once.csv", dir);
    CHECK(unlink(path) == 0, "the CSV could not be removed");
    nqm_config copy;
    CHECK(nqm_config_copy(&copy, &cfg) == 0, "copy");
    CHECK(nqm_preset_apply_set(&copy, "seed=4", err, sizeof err) == 0 && copy.n == 6,
          "an override re-read the file: %s", err);
    nqm_session *s = nqm_session_new(&copy, err, sizeof err);
    CHECK(s != NULL, "a session re-read the file: %s", err);
    nqm_session_free(s);
    nqm_config_free(&copy);
    nqm_sweep_spec spec = {.naxes = 1, .repeats = 2, .steps = 5, .jobs = 2};
    CHECK(nqm_sweep_axis_parse("eta_rel=0.5:1:2", &spec.axis[0], err, sizeof err) == 0, "%s", err);
    nqm_sweep *sw = nqm_sweep_new(&cfg, &spec, err, sizeof err);
    CHECK(sw != NULL, "a sweep re-read the file: %s", err);
    atomic_int stop = 0;
    int results = 0;
    nqm_sweep_sink sink = {count_result, NULL, NULL, &results};
    CHECK(sw && nqm_sweep_run(sw, &sink, &stop, err, sizeof err) == 2 && results == 2,
          "a sweep run re-read the file (%d results): %s", results, err);
    nqm_sweep_free(sw);
    nqm_config_free(&cfg);
    printf("read once: config, override, session and a 4-run sweep without the file\n");
}

/* Refused presets: the message has the expected piece. */
static void check_refusals(void)
{
    write_file("ragged.csv", "a,b,label\n1,2,1\n3,1\n");
    write_file("other.csv", "a,label\n1,1\n");
    static const char *const cases[][2] = {
        {"data = csv\n", ".preset: train_file: data = csv needs a training file"},
        {"data = csv\ntrain_file = rows.csv\ntrain_size = 21\n",
         ".preset:4: train_size: 21 exceeds the 20 rows"},
        {"data = csv\ntrain_file = rows.csv\ntest_fraction = 0.5\ntrain_size = 11\n",
         ".preset:5: train_size: 11 exceeds the 10 rows"},
        {"data = csv\ntrain_file = rows.csv\ntest_fraction = 0.99\n",
         ".preset:4: test_fraction: 0.99 holds out all 20 rows"},
        {"data = csv\ntrain_file = rows.csv\ntest_file = rows.csv\ntest_fraction = 0.5\n",
         ".preset:5: test_fraction: give test_file or test_fraction, not both"},
        {"data = csv\ntrain_file = rows.csv\ntest_file = other.csv\n",
         "test_file: " /* ... has 1 feature columns, train_file ... 3 */},
        {"data = csv\ntrain_file = missing.csv\n", "missing.csv: cannot open"},
        {"data = csv\ntrain_file = ragged.csv\n", "ragged.csv:3: 2 fields, expected 3"},
        {"data = csv\ntrain_file = rows.csv\nlabel = nope\n", "rows.csv:1: label: no column"},
        {"test_fraction = 1\n", ".preset:2: test_fraction: 1 is out of range"},
        {"models = net,quad,net\n", ".preset:2: models: net is listed twice"},
        {"models = net,cubic\n", ".preset:2: models: unknown value 'cubic'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nqm_config cfg;
        char err[1024] = "", text[512];
        snprintf(text, sizeof text, "# refused\n%s", cases[i][0]);
        int rc = resolve("bad", text, &cfg, err, sizeof err);
        CHECK(rc != 0 && strstr(err, cases[i][1]) != NULL && !strchr(err, '\n'),
              "case %zu: rc %d, '%s' lacks '%s'", i, rc, err, cases[i][1]);
        if (rc == 0)
            nqm_config_free(&cfg);
    }
    nqm_config cfg;
    char err[512];
    int rc = resolve("label",
                     "# label by number\ndata = csv\ntrain_file = rows.csv\nlabel = 1\n"
                     "classes = targets\n",
                     &cfg, err, sizeof err);
    CHECK(rc == 0 && cfg.d == 3, "label = 1: %s", err);
    if (rc == 0)
        nqm_config_free(&cfg);
}

/* Run cfg for steps steps: the largest relative gap between the test and
 * the training loss. */
static double test_vs_train(const nqm_config *cfg, int steps, nqm_regime *regime)
{
    char err[512];
    nqm_session *s = nqm_session_new(cfg, err, sizeof err);
    CHECK(s != NULL, "%s", err);
    if (!s)
        return INFINITY;
    double worst = 0;
    for (int t = 0; t <= steps && !nqm_session_diverged(s); t++) {
        const nqm_record *r = nqm_session_record(s);
        worst = fmax(worst, fabs(r->test_loss - r->loss) / fmax(1, fabs(r->loss)));
        CHECK(r->test_accuracy >= 0 && r->test_accuracy <= 1, "accuracy %g", r->test_accuracy);
        if (t < steps)
            nqm_session_step(s);
    }
    nqm_run_summary sum;
    nqm_session_summarize(s, &sum);
    *regime = sum.phases.regime;
    CHECK(sum.best_test_loss <= sum.final_loss * (1 + 1e-10) && isfinite(sum.best_test_accuracy),
          "best test loss %g above the final loss %g", sum.best_test_loss, sum.final_loss);
    nqm_session_free(s);
    return worst;
}

static void check_equal_sets(void)
{
    /* 1-D rows for theory and rows mode; 6 rows of 10 features for gram mode (d > n) */
    char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, "x,label\n");
    for (int i = 0; i < 12; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%g,%d\n",
                                 (i % 2 ? 1 : -1) * (0.5 + 0.1 * i), i % 2 ? 1 : -1);
    write_file("line.csv", text);
    used = 0;
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 10; j++)
            used += (size_t)snprintf(text + used, sizeof text - used, "%g,",
                                     0.3 * ((i * 7 + j * 3) % 5) - 0.5);
        used += (size_t)snprintf(text + used, sizeof text - used, "%d\n", i % 2 ? 1 : -1);
    }
    write_file("wide.csv", text);
    static const char *const files[] = {"line.csv", "wide.csv"};
    static const nqm_model_kind models[] = {MODEL_NET, MODEL_LIN, MODEL_QUAD, MODEL_THEORY};
    static const nqm_loss losses[] = {LOSS_HALF_SUM, LOSS_MSE};
    double worst = 0;
    for (int f = 0; f < 2; f++)
        for (int k = 0; k < 4; k++)
            for (int l = 0; l < 2; l++) {
                if (models[k] == MODEL_THEORY && f == 1)
                    continue;
                nqm_config cfg;
                char err[512], preset[512];
                snprintf(preset, sizeof preset,
                         "# same sets\ndata = csv\ntrain_file = %s\ntest_file = %s\nmodel = %s\n"
                         "loss = %s\nwidth = 400\neta_rel = 1.5\n",
                         files[f], files[f], nqm_model_name(models[k]), nqm_loss_name(losses[l]));
                if (resolve("same", preset, &cfg, err, sizeof err) != 0) {
                    CHECK(0, "%s", err);
                    continue;
                }
                nqm_regime regime;
                double gap = test_vs_train(&cfg, 60, &regime);
                worst = fmax(worst, gap);
                CHECK(gap < 1e-10, "%s %s %s: test and training loss differ by %.3g", files[f],
                      nqm_model_name(models[k]), nqm_loss_name(losses[l]), gap);
                nqm_config_free(&cfg);
            }
    printf("test set = training set: test loss = training loss within %.2g over 60 steps "
           "(14 model/data/loss cases, eta = 1.5 eta_crit)\n",
           worst);
}

/* predict at the training inputs against advance's outputs. */
static void check_predict(nqm_config *cfg, const char *what)
{
    char err[512];
    nqm_data data;
    nqm_model *model;
    CHECK(nqm_data_make(cfg, &data, err, sizeof err) == 0, "%s", err);
    CHECK(nqm_model_new(cfg, &data, &model, err, sizeof err) == 0, "%s: %s", what, err);
    double *g = malloc((size_t)data.n * sizeof *g), *p = malloc((size_t)data.n * sizeof *p);
    double *r = malloc((size_t)data.n * sizeof *r);
    double worst = 0;
    for (int step = 0; step < 5 && model->ops->predict; step++) {
        model->ops->advance(model, 0, NULL, g, NULL);
        CHECK(model->ops->predict(model, data.X, data.n, p) == 0, "%s: predict failed", what);
        for (int i = 0; i < data.n; i++) {
            worst = fmax(worst, fabs(p[i] - g[i]) / fmax(1, fabs(g[i])));
            r[i] = g[i] - data.y[i];
        }
        model->ops->advance(model, 0.05, r, g, NULL); /* move w away from w0 */
    }
    CHECK(model->ops->predict != NULL, "%s: no predict op", what);
    CHECK(worst < 1e-12, "%s: predict differs from the outputs by %.3g", what, worst);
    printf("predict vs outputs, %s: max rel diff %.2g\n", what, worst);
    free(g);
    free(p);
    free(r);
    nqm_model_free(model);
    nqm_data_free(&data);
}

static void check_predicts(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.data = DATA_GAUSS;
    cfg.n = 12;
    cfg.d = 3;
    cfg.width = 300;
    static const nqm_activation acts[] = {ACT_RELU, ACT_TANH, ACT_SWISH, ACT_LINEAR};
    for (int m = MODEL_NET; m <= MODEL_QUAD; m++)
        for (int a = 0; a < 4; a++) {
            char what[64];
            cfg.model = (nqm_model_kind)m;
            cfg.activation = acts[a];
            cfg.d = a % 2 ? 20 : 3; /* gram mode (d > n) and rows mode */
            snprintf(what, sizeof what, "%s %s d=%d", nqm_model_name(cfg.model),
                     nqm_activation_name(cfg.activation), cfg.d);
            check_predict(&cfg, what);
        }
    cfg.data = DATA_MIX1D; /* relu and linear: the gate patterns' sums */
    for (int m = MODEL_NET; m <= MODEL_QUAD; m++)
        for (int a = 0; a < 4; a++) {
            char what[64];
            cfg.model = (nqm_model_kind)m;
            cfg.activation = acts[a];
            snprintf(what, sizeof what, "%s %s 1-D", nqm_model_name(cfg.model),
                     nqm_activation_name(cfg.activation));
            check_predict(&cfg, what);
        }
    cfg.data = DATA_GAUSS;
    cfg.model = MODEL_GQM;
    cfg.gamma = 0;
    cfg.d = 20;
    check_predict(&cfg, "gqm gamma=0");
    cfg.model = MODEL_THEORY;
    cfg.activation = ACT_RELU;
    cfg.data = DATA_MIX1D;
    check_predict(&cfg, "theory 1-D");
    nqm_config_free(&cfg);
}

static void check_synthetic(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.data = DATA_GAUSS;
    cfg.n = 64;
    cfg.d = 4;
    cfg.test_n = 500;
    char err[256];
    nqm_data a, b;
    CHECK(nqm_data_make(&cfg, &a, err, sizeof err) == 0, "%s", err);
    CHECK(nqm_data_make(&cfg, &b, err, sizeof err) == 0, "%s", err);
    CHECK(a.n_test == 500 && memcmp(a.X_test, b.X_test, 500 * 4 * sizeof(double)) == 0,
          "test set not reproducible");
    int plus = 0, repeated = 0;
    for (int i = 0; i < 500; i++) {
        plus += a.y_test[i] > 0;
        for (int j = 0; j < 64; j++)
            repeated += memcmp(a.X_test + i * 4, a.X + j * 4, 4 * sizeof(double)) == 0;
    }
    /* labels +-1 with odds 1/2: 500 draws lie within 4 sd (45) of 250 */
    CHECK(plus > 205 && plus < 295 && repeated == 0, "%d positive, %d repeated", plus, repeated);
    nqm_data_free(&a);
    nqm_data_free(&b);
    nqm_config_free(&cfg);
}

static void remove_dir(void)
{
    static const char *const names[] = {"rows.csv",    "ragged.csv",   "other.csv",  "line.csv",
                                        "wide.csv",    "split.preset", "bad.preset", "label.preset",
                                        "same.preset", "once.preset"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    write_rows();
    check_split();
    check_read_once();
    check_refusals();
    check_equal_sets();
    check_predicts();
    check_synthetic();
    remove_dir();
    return check_report("test_testset");
}
