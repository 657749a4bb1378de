/* config.h: the resolved run configuration that a preset file plus --set
 * overrides produce, and the enums every module shares. Plain data: no
 * parsing here (see preset.h), no allocation beyond the input vector x. */
#ifndef NQMTOP_CONFIG_H
#define NQMTOP_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "nqmtop/base/stop.h"
#include "nqmtop/input/csv.h"

/* Tables read from data files (tables.h). */
typedef struct nqm_tables nqm_tables;

enum { NQM_MAX_EIGS = 8, NQM_NAME_LEN = 64, NQM_PATH_LEN = 4096 };
/* nqm_config.nclasses of classes = targets: labels kept as regression targets. */
enum { NQM_CLASSES_TARGETS = -1 };

/* Per-example vectors of the two-layer family are padded to a multiple of
 * this many entries (its lanes of partial sums). */
enum { NQM_EXAMPLE_LANES = 8 };

/* The range of each numeric key (the preset parser enforces them; the
 * cross-key checks of nqm_config_check use them too). */
#define NQM_WIDTH_MAX     1000000000000L /* m of the two-layer family and theory */
#define NQM_MLP_WIDTH_MAX 1000000L       /* neurons per hidden layer of an mlp */
#define NQM_N_MAX         1000000L
#define NQM_D_MAX         100000L
#define NQM_STEPS_MAX     1000000000L
#define NQM_DATA_MAX      1e100 /* |x|, mu, sigma, gamma, CSV values: beyond, the kernel overflows */
#define NQM_DEPTH_MIN     2
#define NQM_DEPTH_MAX     16
#define NQM_CHANNELS_MAX  4096L
#define NQM_KERNEL_MAX    316L /* the side of the largest square image, d <= 10^5 */
#define NQM_SEED_MAX      (UINT64_C(1) << 63)

typedef enum {
    MODEL_NET,
    MODEL_LIN,
    MODEL_QUAD,
    MODEL_GQM,
    MODEL_THEORY,
    MODEL_COUNT
} nqm_model_kind;
typedef enum { ACT_RELU, ACT_TANH, ACT_SWISH, ACT_LINEAR, ACT_COUNT } nqm_activation;
typedef enum { LOSS_HALF_SUM, LOSS_MSE, LOSS_HALF_MEAN, LOSS_LOGISTIC, LOSS_COUNT } nqm_loss;
typedef enum {
    DATA_SINGLE,
    DATA_MIX1D,
    DATA_GAUSS,
    DATA_STRIPES,
    DATA_CSV,
    DATA_IDX,
    DATA_NPY,
    DATA_CIFAR,
    DATA_COUNT
} nqm_data_kind;
typedef enum { EIG_ORDER_DIRECTION, EIG_ORDER_SORTED, EIG_ORDER_COUNT } nqm_eig_order;
/* How eigenvalues are measured when the kernel is not of low rank:
 * always by the assembled kernel, or matrix-free where that is cheaper. */
typedef enum { EIG_METHOD_DENSE, EIG_METHOD_AUTO, EIG_METHOD_COUNT } nqm_eig_method;
/* Architecture of the net / lin / quad models. */
typedef enum { NETWORK_TWO_LAYER, NETWORK_MLP, NETWORK_CNN, NETWORK_COUNT } nqm_network;
typedef enum { READOUT_AVERAGE, READOUT_LINEAR, READOUT_COUNT } nqm_readout;

/* The update rule (optim.h) and the learning-rate schedule (schedule.h). */
typedef enum { OPT_GD, OPT_MOMENTUM, OPT_NESTEROV, OPT_ADAM, OPT_COUNT } nqm_optimizer;
typedef enum { SCHED_CONSTANT, SCHED_WARMUP, SCHED_COSINE, SCHED_STEP, SCHED_COUNT } nqm_schedule;

/* How the learning rate was given: absolute, or a multiple of eta_crit. */
typedef enum { ETA_ABSOLUTE, ETA_RELATIVE } nqm_eta_mode;

typedef struct {
    char preset[NQM_NAME_LEN]; /* preset name ("" when none) */
    char description[160];     /* the preset's first comment line */

    nqm_model_kind model;
    nqm_activation activation;
    nqm_loss loss;
    nqm_data_kind data;
    nqm_eig_order eig_order;
    nqm_eig_method eig_method;

    nqm_network network; /* architecture of net / lin / quad */
    int depth;           /* mlp: layers, 2..4 */
    int biases;          /* mlp: 1 to give hidden layers biases */
    int channels;        /* cnn: convolution filters */
    int kernel;          /* cnn: filter side (kernel x kernel) */
    nqm_readout readout; /* cnn: global average or linear readout */

    long width;       /* m: hidden neurons (two-layer family, theory) */
    int n;            /* training examples (mix1d, gauss) */
    int d;            /* input dimension (gauss; single: length of x) */
    double *x;        /* (d) the single example's input, owned */
    double y;         /* the single example's target */
    double mu, sigma; /* mix1d / gauss class mean and spread */
    double gamma;     /* gqm curvature scale */
    unsigned long seed;

    nqm_eta_mode eta_mode;
    double eta;     /* absolute learning rate (ETA_ABSOLUTE) */
    double eta_rel; /* multiple of eta_crit (ETA_RELATIVE) */

    long steps;           /* default step count of a batch run */
    int batch_size;       /* 0: full-batch GD, > 0: SGD with this batch */
    int eigs;             /* kernel eigenvalues tracked, 1..NQM_MAX_EIGS */
    long sharpness_every; /* the loss Hessian's top eigenvalue every this many steps, 0: never */

    nqm_optimizer optimizer;
    double momentum;     /* beta of momentum and nesterov, beta1 of adam */
    double beta2;        /* adam: decay of the squared-gradient average */
    double adam_eps;     /* adam: added to sqrt(v hat) */
    double weight_decay; /* adam: decoupled (AdamW); others: coupled L2 */
    nqm_schedule schedule;
    long warmup_steps;  /* linear warmup from eta_start over this many steps */
    double eta_start;   /* absolute learning rate of the warmup's first step */
    double eta_end;     /* cosine: absolute learning rate it decays to */
    long decay_steps;   /* cosine: steps of the decay after the warmup */
    double step_factor; /* step: the factor every step_every steps */
    long step_every;

    /* data = csv, idx, npy, cifar (nqm_data_from_files): n, d and test_n
     * are then those of the files (preset.c measures them), paths already
     * resolved against the preset's folder */
    char train_file[NQM_PATH_LEN];
    char test_file[NQM_PATH_LEN];    /* "" : no test file */
    char train_labels[NQM_PATH_LEN]; /* idx, npy: the labels of train_file */
    char test_labels[NQM_PATH_LEN];  /* idx, npy: the labels of test_file */
    char label[NQM_NAME_LEN];        /* csv label column: name, 1-based number, "" the last */
    char npz_features[NQM_NAME_LEN]; /* npz member of the features, "" x, X or arr_0 */
    char npz_labels[NQM_NAME_LEN];   /* npz member of the labels, "" y, Y, labels, ... */
    nqm_csv_header header;
    int separator;        /* csv: auto, ',', ';', tab, space (nqm_csv_separator) */
    int nclasses;         /* 2: keep the examples of classes[0] (label +1) and classes[1] (-1);
                             0 (all): labels as stored, class labels not +-1 refused;
                             NQM_CLASSES_TARGETS: labels as stored, regression targets */
    double classes[2];    /* the two labels, as stored, when nclasses is 2 */
    int standardize;      /* 1: every feature to mean 0, deviation 1 (training statistics) */
    int normalize;        /* 1: every example to unit norm, x / |x| */
    double test_fraction; /* share of the shuffled rows held out as test set */
    int train_size;       /* training rows taken (0: all that are left) */
    int test_size;        /* test rows taken (0: all the test set has) */
    int test_n;           /* test examples (synthetic data: drawn anew) */

    /* Models a sweep runs at every grid point, from the same initialisation
     * (nmodels = 0: only `model`). */
    int nmodels;
    nqm_model_kind models[MODEL_COUNT];

    /* data from files: their tables, read once when the configuration is
     * resolved and shared, read-only, by every copy of it (and so by every
     * run of a sweep); NULL until then. Not a key. */
    nqm_tables *tables;

    int threads;            /* core threads of one run (0: one); not a key: the front end
                               sets it from the CPUs it was given */
    const atomic_int *stop; /* raised to stop a run in the middle of a step (stop.h;
                               NULL: never); not a key: the front end's */
} nqm_config;

/* Defaults for every key (the catapult-1d example without a preset). */
void nqm_config_defaults(nqm_config *cfg);
/* Deep copy (x is duplicated, the tables shared). Returns 0, or -1 when
 * out of memory. */
int nqm_config_copy(nqm_config *dst, const nqm_config *src);
void nqm_config_free(nqm_config *cfg);

/* Scale s of the loss convention for n examples: GD is w -= eta*s*J^T r. */
double nqm_loss_scale(nqm_loss loss, int n);

/* Names used in presets, output and the UI; parse returns -1 if unknown. */
const char *nqm_model_name(nqm_model_kind k);
const char *nqm_activation_name(nqm_activation a);
const char *nqm_loss_name(nqm_loss l);
const char *nqm_data_name(nqm_data_kind k);
/* Whether data of kind k are read from files (csv, idx, npy, cifar). */
int nqm_data_from_files(nqm_data_kind k);
const char *nqm_eig_order_name(nqm_eig_order o);
const char *nqm_eig_method_name(nqm_eig_method e);
const char *nqm_network_name(nqm_network k);
const char *nqm_readout_name(nqm_readout r);
const char *nqm_optimizer_name(nqm_optimizer o);
const char *nqm_schedule_name(nqm_schedule k);
int nqm_model_parse(const char *s);
int nqm_activation_parse(const char *s);
int nqm_loss_parse(const char *s);
int nqm_data_parse(const char *s);
int nqm_eig_order_parse(const char *s);
int nqm_eig_method_parse(const char *s);
int nqm_network_parse(const char *s);
int nqm_readout_parse(const char *s);
int nqm_optimizer_parse(const char *s);
int nqm_schedule_parse(const char *s);

/* Number of examples, input dimension and test examples the data settings
 * imply. */
int nqm_config_n(const nqm_config *cfg);
int nqm_config_d(const nqm_config *cfg);
int nqm_config_test_n(const nqm_config *cfg);

/* Whether the two-layer family keeps its displacement in the span of the
 * inputs (gram mode) for m neurons, n examples of d dimensions. */
int nqm_twolayer_gram_mode(long m, int n, int d);
/* Whether its rows mode keeps the activations' values at the initial
 * pre-activations (lin and quad with tanh or swish, when they fit). */
int nqm_twolayer_tables_kept(long m, int n, int d, int act, int model);

/* Bytes a run of this configuration allocates, estimated path by path
 * (model family, mode, test set); nqm_config_check refuses runs above
 * 16 GiB by it. */
double nqm_config_memory(const nqm_config *cfg);
/* Seconds a step of this configuration may take where its kernel is
 * assembled and solved densely, from its flops (n, width, d, the model)
 * at rates measured on one core; *what (when not NULL) names the part
 * that takes longest. Probes and matrix-free eigenpairs are often
 * faster. A front end warns above NQM_SLOW_STEP_SECONDS. */
double nqm_config_step_seconds(const nqm_config *cfg, const char **what);
#define NQM_SLOW_STEP_SECONDS 3.0
/* Above it, a note saying how long a step may take and why into note;
 * returns 1 then, else 0. */
int nqm_config_slow_note(const nqm_config *cfg, char *note, size_t len);

/* Simulated models must fit in this much memory: one run (nqm_config_check)
 * and the runs a sweep has going at once (its jobs are fewer when they
 * would not fit together). */
#define NQM_MEMORY_LIMIT (16.0 * 1024 * 1024 * 1024)

/* Cross-key checks that no single key can make (theory needs 1-D data or
 * one example, ...). Returns 0 or -1 with a message in err. */
int nqm_config_check(const nqm_config *cfg, char *err, size_t errlen);
/* The checks of those that concern data files (the files named, a test
 * set for test_size), made before the files are read. */
int nqm_config_check_files(const nqm_config *cfg, char *err, size_t errlen);

#endif
