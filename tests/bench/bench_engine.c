/* bench_engine.c: training speed of the numerical core, not a test.
 *
 * Runs named workloads (or one size given on the command line) through
 * the session, exactly as the UI and --batch step it: the relu NQM on the
 * App. J.1 data (or its d-dimensional twin), GD on `mse`, the top two
 * kernel eigenvalues at every step; two more workloads take the paths
 * that relu on 1-D data does not (tanh, and 4-D inputs). Each run happens in a child process
 * so that its peak resident memory (getrusage) is its own. Prints, per
 * run: steps per second, seconds per step (wall clock, and CPU time of
 * all threads), peak RSS, at how many steps the eigenvalues came from the
 * certified probe rather than the dense kernel, and the final loss and
 * eigenvalues (to compare with the peer). $NQMTOP_THREADS sets the
 * core's threads (default: the online CPUs, as nqmtop does).
 *
 *     bench_engine                      all workloads
 *     bench_engine paper wide           some of them (--list names them)
 *     bench_engine --size N D M         one size
 *     options: --steps K (most steps, default 200), --time S (stop after
 *              S seconds of stepping, default 3), --eta E (default 0.3),
 *              --optimizer gd|momentum|nesterov|adam (default gd: the
 *              fused pass; the others step through vjp, optim.h),
 *              --sharpness K (the loss Hessian's top eigenvalue every K
 *              steps, sharpness_every; default 0, off) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nqmtop/base/blas.h"
#include "nqmtop/base/pool.h"
#include "nqmtop/train/session.h"

typedef struct {
    int n, d;
    long m;
} size3;

typedef struct {
    const char *name;
    const char *what;
    nqm_activation act;
    size3 sizes[8];
    int count;
} workload;

static const workload workloads[] = {
    {"paper", "paper scale, App. J.1", ACT_RELU, {{128, 1, 5000}}, 1},
    {"wide", "a million neurons", ACT_RELU, {{128, 1, 1000000}}, 1},
    {"highdim", "CIFAR-2 sized inputs", ACT_RELU, {{256, 3072, 5000}}, 1},
    {"mscale",
     "cost against width m",
     ACT_RELU,
     {{128, 1, 1000}, {128, 1, 10000}, {128, 1, 100000}, {128, 1, 1000000}},
     4},
    {"nscale",
     "cost against examples n",
     ACT_RELU,
     {{32, 1, 20000}, {64, 1, 20000}, {128, 1, 20000}, {256, 1, 20000}, {512, 1, 20000}},
     5},
    {"tanh", "tanh at paper scale: per-neuron loops, dense kernel", ACT_TANH, {{128, 1, 5000}}, 1},
    {"relu-d4",
     "relu on 4-D inputs: per-neuron loops, dense kernel",
     ACT_RELU,
     {{128, 4, 5000}},
     1},
};
enum { WORKLOADS = sizeof workloads / sizeof workloads[0] };

typedef struct {
    long max_steps;
    double max_seconds, eta;
    nqm_optimizer optimizer;
    long sharpness_every;
} limits;

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

/* Core threads of a run: $NQMTOP_THREADS, else the online CPUs, at most
 * the pool's. */
static int core_threads(void)
{
    const char *asked = getenv("NQMTOP_THREADS");
    long t = asked && *asked ? strtol(asked, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    return t < 1 ? 1 : t > NQM_POOL_MAX_THREADS ? NQM_POOL_MAX_THREADS : (int)t;
}

static void configure(nqm_config *cfg, size3 sz, const limits *lim, nqm_activation act)
{
    const double eta = lim->eta;
    nqm_config_defaults(cfg);
    cfg->threads = core_threads();
    cfg->model = MODEL_QUAD;
    cfg->activation = act;
    cfg->loss = LOSS_MSE;
    cfg->data = sz.d == 1 ? DATA_MIX1D : DATA_GAUSS;
    cfg->n = sz.n;
    cfg->d = sz.d;
    cfg->width = sz.m;
    cfg->mu = 2;
    cfg->sigma = 1;
    cfg->eta_mode = ETA_ABSOLUTE;
    cfg->eta = eta;
    cfg->eigs = 2;
    cfg->optimizer = lim->optimizer;
    cfg->sharpness_every = lim->sharpness_every;
}

/* One run in this process: one result line on stdout. */
static int run_one(const char *name, size3 sz, nqm_activation act, const limits *lim)
{
    nqm_config cfg;
    configure(&cfg, sz, lim, act);
    char err[256];
    double t_build = now_s();
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    if (!s) {
        fprintf(stderr, "bench_engine: %s\n", err);
        nqm_config_free(&cfg);
        return 1;
    }
    t_build = now_s() - t_build;
    nqm_session_step(s); /* warm caches and threads; not timed */
    nqm_eigen_stats before;
    nqm_session_eigen_stats(s, &before);
    long steps = 0;
    double cpu0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), t0 = now_s(), t = t0;
    while (steps < lim->max_steps && t - t0 < lim->max_seconds) {
        if (nqm_session_step(s) != 0)
            break;
        steps++;
        t = now_s();
    }
    double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    nqm_eigen_stats after;
    nqm_session_eigen_stats(s, &after);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const nqm_record *rec = nqm_session_record(s);
    double secs = t - t0;
    printf("%-8s %4d %5d %8ld %6ld %9.3f %10.1f %11.3e %11.3e %8.1f %6ld/%-6ld %.6g %.6g %.6g  "
           "(setup %.2fs)\n",
           name, sz.n, sz.d, sz.m, steps, secs, steps / secs, secs / (double)steps,
           cpu / (double)steps, ru.ru_maxrss / 1024.0, after.probed - before.probed, steps,
           rec->loss, rec->lambda[0], rec->lambda[1], t_build);
    fflush(stdout);
    nqm_session_free(s);
    nqm_config_free(&cfg);
    return 0;
}

/* Run in a child so each run's peak RSS is its own. */
static int run_child(const char *name, size3 sz, nqm_activation act, const limits *lim)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return run_one(name, sz, act, lim);
    if (pid == 0)
        _exit(run_one(name, sz, act, lim));
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return 1;
    return WEXITSTATUS(status);
}

static void header(void)
{
    printf("# OpenBLAS core %s, %d thread(s); nqmtop core threads %d\n", nqm_blas_core(),
           nqm_blas_threads(), core_threads());
    printf("# %-6s %4s %5s %8s %6s %9s %10s %11s %11s %8s %13s %s\n", "run", "n", "d", "m", "steps",
           "seconds", "steps/s", "s/step", "cpu_s/step", "rss_MB", "probed",
           "loss lambda1 lambda2");
}

static int usage(void)
{
    fprintf(stderr,
            "usage: bench_engine [--steps K] [--time S] [--eta E] [--optimizer O] [--sharpness K] "
            "[--list | --size N D M | WORKLOAD...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    limits lim = {200, 3.0, 0.3, OPT_GD, 0};
    int first = 1, failed = 0, ran = 0;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *opt = argv[first];
        if (!strcmp(opt, "--list")) {
            for (int w = 0; w < WORKLOADS; w++)
                printf("%-8s %s\n", workloads[w].name, workloads[w].what);
            return 0;
        }
        if (!strcmp(opt, "--size") && first + 3 < argc) {
            size3 sz = {atoi(argv[first + 1]), atoi(argv[first + 2]), atol(argv[first + 3])};
            if (sz.n < 1 || sz.d < 1 || sz.m < 1)
                return usage();
            header();
            return run_child("size", sz, ACT_RELU, &lim);
        }
        if (first + 1 >= argc)
            return usage();
        if (!strcmp(opt, "--steps"))
            lim.max_steps = atol(argv[++first]);
        else if (!strcmp(opt, "--time"))
            lim.max_seconds = atof(argv[++first]);
        else if (!strcmp(opt, "--eta"))
            lim.eta = atof(argv[++first]);
        else if (!strcmp(opt, "--sharpness"))
            lim.sharpness_every = atol(argv[++first]);
        else if (!strcmp(opt, "--optimizer") && nqm_optimizer_parse(argv[first + 1]) >= 0)
            lim.optimizer = (nqm_optimizer)nqm_optimizer_parse(argv[++first]);
        else
            return usage();
    }
    header();
    for (int w = 0; w < WORKLOADS; w++) {
        int wanted = first == argc;
        for (int a = first; a < argc; a++)
            wanted |= !strcmp(argv[a], workloads[w].name);
        for (int j = 0; wanted && j < workloads[w].count; j++) {
            failed |= run_child(workloads[w].name, workloads[w].sizes[j], workloads[w].act, &lim);
            ran++;
        }
    }
    if (!ran)
        return usage();
    return failed;
}
