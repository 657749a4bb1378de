/* config.c: defaults, names and cross-key checks of the run configuration
 * (config.h). Parsing of preset files and --set lives in preset.c; this
 * file only knows the plain data and what combinations make sense. */
#include "nqmtop/input/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/input/tables.h"

static const char *const model_names[MODEL_COUNT] = {"net", "lin", "quad", "gqm", "theory"};
static const char *const activation_names[ACT_COUNT] = {"relu", "tanh", "swish", "linear"};
static const char *const loss_names[LOSS_COUNT] = {"half-sum", "mse", "half-mean", "logistic"};
static const char *const data_names[DATA_COUNT] = {"single", "mix1d", "gauss", "stripes",
                                                   "csv",    "idx",   "npy",   "cifar"};
static const char *const eig_order_names[EIG_ORDER_COUNT] = {"direction", "sorted"};
static const char *const eig_method_names[EIG_METHOD_COUNT] = {"dense", "auto"};
static const char *const network_names[NETWORK_COUNT] = {"two-layer", "mlp", "cnn"};
static const char *const readout_names[READOUT_COUNT] = {"average", "linear"};
static const char *const optimizer_names[OPT_COUNT] = {"gd", "momentum", "nesterov", "adam"};
static const char *const schedule_names[SCHED_COUNT] = {"constant", "warmup", "cosine", "step"};

void nqm_config_defaults(nqm_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->model = MODEL_QUAD;
    cfg->activation = ACT_RELU;
    cfg->loss = LOSS_HALF_SUM;
    cfg->data = DATA_SINGLE;
    cfg->eig_order = EIG_ORDER_DIRECTION;
    cfg->width = 1000;
    cfg->n = 128;
    cfg->d = 1;
    cfg->x = malloc(sizeof *cfg->x); /* NULL here is reported by nqm_config_check */
    if (cfg->x)
        cfg->x[0] = 1.0;
    cfg->y = 0.0;
    cfg->mu = 2.0;
    cfg->sigma = 1.0;
    cfg->gamma = 1e-3;
    cfg->seed = 1;
    cfg->eta_mode = ETA_RELATIVE;
    cfg->eta = 0.0;
    cfg->eta_rel = 1.5;
    cfg->steps = 200;
    cfg->batch_size = 0;
    cfg->eigs = 2;
    cfg->sharpness_every = 0;
    cfg->network = NETWORK_TWO_LAYER;
    cfg->depth = 3;
    cfg->biases = 0;
    cfg->channels = 8;
    cfg->kernel = 3;
    cfg->readout = READOUT_AVERAGE;
    cfg->header = CSV_HEADER_AUTO;
    cfg->optimizer = OPT_GD;
    cfg->momentum = 0.9;
    cfg->beta2 = 0.999;
    cfg->adam_eps = 1e-8;
    cfg->schedule = SCHED_CONSTANT;
    cfg->step_factor = 0.5;
}

/* x is meaningful only with data = single, where it holds d numbers; other
 * configurations are copied without it. */
int nqm_config_copy(nqm_config *dst, const nqm_config *src)
{
    *dst = *src;
    nqm_tables_retain(dst->tables);
    dst->x = NULL;
    if (src->data != DATA_SINGLE || !src->x || src->d < 1)
        return 0;
    dst->x = malloc((size_t)src->d * sizeof *dst->x);
    if (!dst->x)
        return -1;
    memcpy(dst->x, src->x, (size_t)src->d * sizeof *dst->x);
    return 0;
}

void nqm_config_free(nqm_config *cfg)
{
    free(cfg->x);
    cfg->x = NULL;
    nqm_tables_release(cfg->tables);
    cfg->tables = NULL;
}

double nqm_loss_scale(nqm_loss loss, int n)
{
    switch (loss) {
    case LOSS_MSE:
        return 2.0 / n;
    case LOSS_HALF_MEAN:
    case LOSS_LOGISTIC:
        return 1.0 / n;
    default:
        return 1.0;
    }
}

static const char *name_of(const char *const *names, int count, int k)
{
    return k >= 0 && k < count ? names[k] : "?";
}

static int parse_name(const char *const *names, int count, const char *s)
{
    for (int k = 0; k < count; k++)
        if (strcmp(names[k], s) == 0)
            return k;
    return -1;
}

const char *nqm_model_name(nqm_model_kind k) { return name_of(model_names, MODEL_COUNT, k); }
const char *nqm_activation_name(nqm_activation a)
{
    return name_of(activation_names, ACT_COUNT, a);
}
const char *nqm_loss_name(nqm_loss l) { return name_of(loss_names, LOSS_COUNT, l); }
const char *nqm_data_name(nqm_data_kind k) { return name_of(data_names, DATA_COUNT, k); }
int nqm_data_from_files(nqm_data_kind k) { return k >= DATA_CSV && k < DATA_COUNT; }
const char *nqm_eig_order_name(nqm_eig_order o)
{
    return name_of(eig_order_names, EIG_ORDER_COUNT, o);
}
const char *nqm_eig_method_name(nqm_eig_method e)
{
    return name_of(eig_method_names, EIG_METHOD_COUNT, e);
}
const char *nqm_network_name(nqm_network k) { return name_of(network_names, NETWORK_COUNT, k); }
const char *nqm_readout_name(nqm_readout r) { return name_of(readout_names, READOUT_COUNT, r); }

const char *nqm_optimizer_name(nqm_optimizer o) { return name_of(optimizer_names, OPT_COUNT, o); }

const char *nqm_schedule_name(nqm_schedule k) { return name_of(schedule_names, SCHED_COUNT, k); }
int nqm_model_parse(const char *s) { return parse_name(model_names, MODEL_COUNT, s); }
int nqm_activation_parse(const char *s) { return parse_name(activation_names, ACT_COUNT, s); }
int nqm_loss_parse(const char *s) { return parse_name(loss_names, LOSS_COUNT, s); }
int nqm_data_parse(const char *s) { return parse_name(data_names, DATA_COUNT, s); }
int nqm_eig_order_parse(const char *s) { return parse_name(eig_order_names, EIG_ORDER_COUNT, s); }
int nqm_eig_method_parse(const char *s)
{
    return parse_name(eig_method_names, EIG_METHOD_COUNT, s);
}
int nqm_network_parse(const char *s) { return parse_name(network_names, NETWORK_COUNT, s); }
int nqm_readout_parse(const char *s) { return parse_name(readout_names, READOUT_COUNT, s); }

int nqm_optimizer_parse(const char *s) { return parse_name(optimizer_names, OPT_COUNT, s); }

int nqm_schedule_parse(const char *s) { return parse_name(schedule_names, SCHED_COUNT, s); }

int nqm_config_n(const nqm_config *cfg) { return cfg->data == DATA_SINGLE ? 1 : cfg->n; }

int nqm_config_d(const nqm_config *cfg) { return cfg->data == DATA_MIX1D ? 1 : cfg->d; }

int nqm_config_test_n(const nqm_config *cfg) { return cfg->data == DATA_SINGLE ? 0 : cfg->test_n; }

/* The parameters of the mlp or cnn, and their hidden units into *units
 * (when not NULL): the mlp's m a layer, the cnn's filter outputs. */
static double deep_params(const nqm_config *cfg, double *units)
{
    double d = nqm_config_d(cfg), m = (double)cfg->width;
    if (cfg->network == NETWORK_MLP) {
        double hidden = cfg->depth - 1.0;
        if (units)
            *units = m * hidden;
        return m * d + (hidden - 1.0) * m * m + m + (cfg->biases ? hidden * m : 0.0);
    }
    double k = cfg->kernel, q = floor(sqrt(d)) - k + 1.0, u = cfg->channels * q * q;
    if (units)
        *units = u;
    return cfg->channels * (k * k + 1.0) + (cfg->readout == READOUT_LINEAR ? u : 0.0);
}

/* The mlp and cnn (deep.c): parameters, their start values and a
 * gradient (3 p), ten (n, units) buffers per layer and four adjoint
 * buffers (counted as 14 per layer), two n x n Gram matrices and lin's
 * constant kernel (3 n^2), and for the cnn the per-example gradients of
 * its few parameters (n p). */
static double deep_doubles(const nqm_config *cfg)
{
    double n = nqm_config_n(cfg), units = 0, p = deep_params(cfg, &units);
    if (cfg->network == NETWORK_MLP)
        return 3.0 * p + 14.0 * n * units + 3.0 * n * n;
    return (3.0 + n) * p + 14.0 * n * units + 3.0 * n * n;
}

/* Whether the two-layer family runs in gram mode (family.h): d > n and
 * its caches, 3 m np numbers, cost no more than the parameters and their
 * initial copy, or 256 MiB. twolayer.c decides by this rule. */
int nqm_twolayer_gram_mode(long m, int n, int d)
{
    double np = (double)((n + NQM_EXAMPLE_LANES - 1) / NQM_EXAMPLE_LANES * NQM_EXAMPLE_LANES);
    double caches = 3.0 * (double)m * np * sizeof(double);
    double params = 2.0 * (double)m * (d + 1) * sizeof(double);
    return d > n && caches <= fmax(params, 256.0 * (1 << 20));
}

/* Whether rows mode keeps lin's and quad's tables of sigma, sigma',
 * sigma'' at Z0 (3 m np numbers, at most 256 MiB) for tanh and swish
 * instead of evaluating them anew at every pass (neurons.c). */
int nqm_twolayer_tables_kept(long m, int n, int d, int act, int model)
{
    double np = (double)((n + NQM_EXAMPLE_LANES - 1) / NQM_EXAMPLE_LANES * NQM_EXAMPLE_LANES);
    return (act == ACT_TANH || act == ACT_SWISH) && (model == MODEL_LIN || model == MODEL_QUAD) &&
           !nqm_twolayer_gram_mode(m, n, d) &&
           3.0 * (double)m * np * sizeof(double) <= 256.0 * (1 << 20);
}

/* The two-layer family (twolayer.c, neurons.c, gram.c, predict.c): w and
 * w0 (2 m (d + 1)); the inputs again (d np; its four n x n matrices count
 * with the kernel, kernel_doubles); the padded per-step vectors (18 np); rows
 * mode's blocks of B and C (2 x 256 np) and each thread's lanes (19 np +
 * 3 d) and, for tanh and swish, its tables at Z0 when kept (3 m np);
 * the matrix-free products' sums and Krylov basis with eig_method = auto;
 * gram mode's
 * caches Zc, A and, but for net, Sc (m np each) and its block buffers (6 x
 * 256 np); the test set's blocks of pre-activations (2 x 256 n_test),
 * but for relu and linear on 1-D inputs, whose predictions need none. */
static double twolayer_doubles(const nqm_config *cfg)
{
    double n = nqm_config_n(cfg), d = nqm_config_d(cfg), m = (double)cfg->width;
    double np = ceil(n / NQM_EXAMPLE_LANES) * NQM_EXAMPLE_LANES, nt = nqm_config_test_n(cfg);
    double threads = cfg->threads > 1 ? cfg->threads : 1;
    double sum =
        2.0 * m * (d + 1.0) + (d + 18.0 + 2.0 * 256) * np + threads * (19.0 * np + 3.0 * d);
    if (nqm_twolayer_gram_mode(cfg->width, nqm_config_n(cfg), nqm_config_d(cfg)))
        sum += (cfg->model == MODEL_NET ? 2.0 : 3.0) * m * np + 6.0 * 256 * np;
    if (nqm_twolayer_tables_kept(cfg->width, nqm_config_n(cfg), nqm_config_d(cfg), cfg->activation,
                                 cfg->model))
        sum += 3.0 * m * np;
    if (cfg->eig_method == EIG_METHOD_AUTO) /* product.c: 64 chunks of 36 directions, Krylov */
        sum += (64.0 * 36 + 36) * np + threads * ((7.0 + d) * np + 2 * d) + 4.0 * 36 * n;
    int gates = d == 1 && (cfg->activation == ACT_RELU || cfg->activation == ACT_LINEAR);
    return sum + (gates ? 0.0 : 2.0 * 256 * nt);
}

/* Doubles a run of this configuration allocates beyond the data and the
 * kernel (kernel_doubles): the model's parameters and workspace (gqm.c:
 * w, the normalised inputs phi (n d), the signs of Sigma (n d bytes) and a
 * block of 64 Jacobian columns; the dynamics equations keep O(1) numbers). */
static double model_doubles(const nqm_config *cfg)
{
    switch (cfg->model) {
    case MODEL_THEORY:
        return 0.0;
    case MODEL_GQM: {
        double n = nqm_config_n(cfg), d = nqm_config_d(cfg);
        return d + n * d * (1.0 + 1.0 / sizeof(double)) + 64.0 * n;
    }
    default:
        return cfg->network == NETWORK_TWO_LAYER ? twolayer_doubles(cfg) : deep_doubles(cfg);
    }
}

/* The data and the test set with their outputs, and the session's kernel
 * with its eigen workspace (about 3 n^2), plus the two-layer family's
 * accumulators, Gram matrix and lin's fixed kernel (4 n^2). */
static double kernel_doubles(const nqm_config *cfg)
{
    double n = nqm_config_n(cfg), d = nqm_config_d(cfg), nt = nqm_config_test_n(cfg);
    int twolayer = cfg->model <= MODEL_QUAD && cfg->network == NETWORK_TWO_LAYER;
    return (n + nt) * (d + 2.0) + (twolayer ? 7.0 : 3.0) * n * n;
}

double nqm_config_memory(const nqm_config *cfg)
{
    return (model_doubles(cfg) + kernel_doubles(cfg)) * sizeof(double);
}

/* Rates of the parts of a step, in flops a second, measured on one core
 * of an x86-64 machine of 2022 with OpenBLAS (a busy machine is slower):
 * the neuron passes (libm's tanh and its kind, in the lanes), the kernel's
 * assembly (dsyrk, dgemm) and its dense eigen-solve (dsyevr: its
 * tridiagonal reduction streams the matrix from memory). */
#define RATE_PASSES 1e9
#define RATE_KERNEL 1e10
#define RATE_EIGEN  5e9

/* Flops of one pass over the neurons of the two-layer family, its step
 * and its evaluation: 4 (d + 1) per neuron and example, and the
 * activation's three values where they are not a compare (relu, linear;
 * on 1-D inputs these take two gate patterns and cost O(m + n)). */
static double twolayer_pass_flops(const nqm_config *cfg, double n, double d)
{
    int cheap = cfg->activation == ACT_RELU || cfg->activation == ACT_LINEAR;
    if (cheap && d == 1)
        return 40.0 * ((double)cfg->width + n);
    return (double)cfg->width * n * (4.0 * (d + 1.0) + (cheap ? 2.0 : 60.0));
}

double nqm_config_step_seconds(const nqm_config *cfg, const char **what)
{
    double n = nqm_config_n(cfg), d = nqm_config_d(cfg), m = (double)cfg->width;
    double passes = 0, kernel = 0, eigen = 4.0 / 3.0 * n * n * n / RATE_EIGEN;
    if (cfg->model == MODEL_GQM) {
        kernel = 2.0 * n * n * d / RATE_KERNEL;
    } else if (cfg->model != MODEL_THEORY && cfg->network == NETWORK_TWO_LAYER) {
        int gates = d == 1 && (cfg->activation == ACT_RELU || cfg->activation == ACT_LINEAR);
        passes = twolayer_pass_flops(cfg, n, d) / RATE_PASSES;
        /* B B^T and C C^T; on the gate patterns a rank-one term each (gates1d.c) */
        kernel = (gates ? 4.0 * n * n : 2.0 * n * n * m) / RATE_KERNEL;
    } else if (cfg->model != MODEL_THEORY) {
        double p = deep_params(cfg, NULL);
        passes = 6.0 * n * p / RATE_KERNEL;
        kernel = 2.0 * n * n * p / RATE_KERNEL;
    }
    if (what)
        *what = eigen >= kernel && eigen >= passes ? "the n x n kernel's eigen-solve"
                : kernel >= passes                 ? "assembling the n x n kernel"
                                                   : "the passes over the parameters";
    return passes + kernel + eigen;
}

int nqm_config_slow_note(const nqm_config *cfg, char *note, size_t len)
{
    const char *what;
    double seconds = nqm_config_step_seconds(cfg, &what);
    if (!(seconds > NQM_SLOW_STEP_SECONDS))
        return 0;
    snprintf(note, len, "a step may take about %.0f s (%s; n = %d, width = %ld)", seconds, what,
             nqm_config_n(cfg), cfg->width);
    return 1;
}

static int check_memory(const nqm_config *cfg, char *err, size_t errlen)
{
    double model = model_doubles(cfg) * sizeof(double);
    double kernel = kernel_doubles(cfg) * sizeof(double); /* model + kernel: nqm_config_memory */
    double gib = (model + kernel) / (1024.0 * 1024 * 1024);
    if (model + kernel <= NQM_MEMORY_LIMIT)
        return 0;
    const char *key = kernel >= model ? "n" : cfg->model == MODEL_GQM ? "d" : "width";
    if (kernel < model && cfg->network == NETWORK_CNN && cfg->model <= MODEL_QUAD)
        key = "channels";
    snprintf(err, errlen,
             "%s: model = %s with width = %ld, n = %d, d = %d would need about %.1f GiB "
             "(limit %.0f GiB)",
             key, nqm_model_name(cfg->model), cfg->width, nqm_config_n(cfg), nqm_config_d(cfg), gib,
             NQM_MEMORY_LIMIT / (1024.0 * 1024 * 1024));
    return -1;
}

static int check_theory(const nqm_config *cfg, char *err, size_t errlen)
{
    if (nqm_config_n(cfg) != 1 && nqm_config_d(cfg) != 1) {
        snprintf(err, errlen,
                 "model: theory needs one example (data = single) or 1-D data "
                 "(data = mix1d), not data = %s with d = %d",
                 nqm_data_name(cfg->data), nqm_config_d(cfg));
        return -1;
    }
    if (cfg->activation != ACT_RELU) {
        snprintf(err, errlen, "activation: model = theory needs relu, not %s",
                 nqm_activation_name(cfg->activation));
        return -1;
    }
    return 0;
}

/* Whether some label of t is neither +1 nor -1 (its value into *bad). */
static int table_not_pm1(const nqm_table *t, double *bad)
{
    for (int i = 0; i < t->rows; i++)
        if (t->y[i] != 1 && t->y[i] != -1) {
            *bad = t->y[i];
            return 1;
        }
    return 0;
}

/* loss = logistic: a model with parameters and labels +1 and -1. */
static int check_logistic(const nqm_config *cfg, char *err, size_t errlen)
{
    double bad = 0;
    if (cfg->model == MODEL_THEORY) {
        snprintf(err, errlen,
                 "loss: logistic needs a model with parameters; the dynamics equations of "
                 "theory are those of the square loss");
        return -1;
    }
    if (cfg->data == DATA_SINGLE && cfg->y != 1 && cfg->y != -1) {
        snprintf(err, errlen, "y: loss = logistic needs a label of +1 or -1, not %g", cfg->y);
        return -1;
    }
    if (cfg->tables && (table_not_pm1(nqm_tables_train(cfg->tables), &bad) ||
                        table_not_pm1(nqm_tables_test(cfg->tables), &bad))) {
        snprintf(err, errlen,
                 "loss: logistic needs labels +1 and -1; the data have %g (choose two classes "
                 "with classes = A,B)",
                 bad);
        return -1;
    }
    return 0;
}

/* The optimizer's and the schedule's keys together. */
static int check_optimizer(const nqm_config *cfg, char *err, size_t errlen)
{
    if (cfg->model == MODEL_THEORY && (cfg->optimizer != OPT_GD || cfg->weight_decay > 0)) {
        snprintf(err, errlen,
                 "optimizer: model = theory follows the GD dynamics equations and has no "
                 "parameters for %s",
                 cfg->optimizer != OPT_GD ? nqm_optimizer_name(cfg->optimizer) : "weight_decay");
        return -1;
    }
    if (cfg->schedule == SCHED_STEP && cfg->step_every < 1) {
        snprintf(err, errlen, "step_every: schedule = step needs step_every >= 1");
        return -1;
    }
    if (cfg->schedule == SCHED_STEP && !(cfg->step_factor > 0)) {
        snprintf(err, errlen, "step_factor: schedule = step needs a factor above 0");
        return -1;
    }
    if (cfg->schedule == SCHED_COSINE && cfg->decay_steps < 1) {
        snprintf(err, errlen, "decay_steps: schedule = cosine needs decay_steps >= 1");
        return -1;
    }
    if (cfg->schedule == SCHED_WARMUP && cfg->warmup_steps < 1) {
        snprintf(err, errlen, "warmup_steps: schedule = warmup needs warmup_steps >= 1");
        return -1;
    }
    return 0;
}

/* The deeper networks: mlp depth, cnn filters and image shape. */
static int check_network(const nqm_config *cfg, char *err, size_t errlen)
{
    if (cfg->model > MODEL_QUAD) {
        snprintf(err, errlen, "network: %s applies to model = net, lin or quad, not %s",
                 cfg->network == NETWORK_MLP ? "mlp" : "cnn", nqm_model_name(cfg->model));
        return -1;
    }
    if (cfg->network == NETWORK_MLP) {
        if (cfg->depth < NQM_DEPTH_MIN || cfg->depth > NQM_DEPTH_MAX) {
            snprintf(err, errlen, "depth: an mlp has %d to %d layers, not %d", NQM_DEPTH_MIN,
                     NQM_DEPTH_MAX, cfg->depth);
            return -1;
        }
        if (cfg->width > NQM_MLP_WIDTH_MAX) {
            snprintf(err, errlen, "width: an mlp's hidden layers hold 1 to %ld neurons, not %ld",
                     NQM_MLP_WIDTH_MAX, cfg->width);
            return -1;
        }
        return 0;
    }
    int d = nqm_config_d(cfg), side = (int)lround(sqrt((double)d));
    if (cfg->channels < 1 || cfg->channels > NQM_CHANNELS_MAX) {
        snprintf(err, errlen, "channels: a cnn has 1 to %ld filters, not %d", NQM_CHANNELS_MAX,
                 cfg->channels);
        return -1;
    }
    if (side * side != d || cfg->kernel < 1 || cfg->kernel > side) {
        snprintf(err, errlen,
                 "kernel: a cnn needs square images (d a perfect square) at least kernel = %d "
                 "pixels wide, not d = %d",
                 cfg->kernel, d);
        return -1;
    }
    return 0;
}

/* Whether path names an .npz archive of data = npy, which may hold the
 * labels beside the features. */
static int npz_name(const nqm_config *cfg, const char *path)
{
    size_t n = strlen(path);
    return cfg->data == DATA_NPY && n > 4 && strcmp(path + n - 4, ".npz") == 0;
}

int nqm_config_check_files(const nqm_config *cfg, char *err, size_t errlen)
{
    if (!nqm_data_from_files(cfg->data))
        return 0;
    const char *kind = nqm_data_name(cfg->data);
    int labels_apart = cfg->data == DATA_IDX || cfg->data == DATA_NPY;
    if (cfg->train_file[0] == '\0') {
        snprintf(err, errlen, "train_file: data = %s needs a training file", kind);
        return -1;
    }
    if (labels_apart && cfg->train_labels[0] == '\0' && !npz_name(cfg, cfg->train_file)) {
        snprintf(err, errlen, "train_labels: data = %s needs the file of the training labels",
                 kind);
        return -1;
    }
    if (labels_apart && cfg->test_file[0] != '\0' && cfg->test_labels[0] == '\0' &&
        !npz_name(cfg, cfg->test_file)) {
        snprintf(err, errlen, "test_labels: data = %s with a test_file needs its labels", kind);
        return -1;
    }
    if (cfg->test_file[0] != '\0' && cfg->test_fraction > 0) {
        snprintf(err, errlen, "test_fraction: give test_file or test_fraction, not both");
        return -1;
    }
    if (cfg->test_size > 0 && cfg->test_file[0] == '\0' && cfg->test_fraction == 0) {
        snprintf(err, errlen, "test_size: there is no test set (give test_file or test_fraction)");
        return -1;
    }
    return 0;
}

int nqm_config_check(const nqm_config *cfg, char *err, size_t errlen)
{
    if (nqm_config_check_files(cfg, err, errlen) != 0)
        return -1;
    if (cfg->data == DATA_SINGLE && !cfg->x) {
        snprintf(err, errlen, "x: data = single needs an input vector (out of memory?)");
        return -1;
    }
    if (cfg->batch_size > nqm_config_n(cfg)) {
        snprintf(err, errlen, "batch_size: %d exceeds the %d training example%s", cfg->batch_size,
                 nqm_config_n(cfg), nqm_config_n(cfg) == 1 ? "" : "s");
        return -1;
    }
    if (cfg->sharpness_every > 0 &&
        (cfg->model == MODEL_THEORY ||
         (cfg->model != MODEL_GQM && cfg->network != NETWORK_TWO_LAYER))) {
        snprintf(err, errlen,
                 "sharpness_every: the loss Hessian is written for the two-layer network (net, "
                 "lin, quad) and the gqm, not for %s",
                 cfg->model == MODEL_THEORY ? "theory (no parameters)"
                                            : nqm_network_name(cfg->network));
        return -1;
    }
    if (cfg->model == MODEL_THEORY && check_theory(cfg, err, errlen) != 0)
        return -1;
    if (cfg->loss == LOSS_LOGISTIC && check_logistic(cfg, err, errlen) != 0)
        return -1;
    if (check_optimizer(cfg, err, errlen) != 0)
        return -1;
    if (cfg->network != NETWORK_TWO_LAYER && check_network(cfg, err, errlen) != 0)
        return -1;
    return check_memory(cfg, err, errlen);
}
