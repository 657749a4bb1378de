/* test_memory.c: the memory estimate that refuses too large runs
 * (nqm_config_memory) against what a run really allocates. Each path —
 * relu on 1-D data (two gate patterns), rows mode of d > 1 with tanh,
 * gram mode (d > n), a test set, the mlp and the cnn — is built and
 * stepped in a child process whose peak resident set, less that of a tiny
 * run (the libraries' own), must lie within a factor of 2 of the
 * estimate. Sizes are chosen so the model dominates (100 to 400 MB).
 * Skipped under AddressSanitizer, whose shadow memory and quarantine
 * change the resident set. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "nqmtop/input/config.h"
#include "nqmtop/train/session.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

enum { SKIP = 77, STEPS = 2 };
#define FACTOR 2.0

typedef struct {
    const char *label;
    nqm_model_kind model;
    nqm_activation act;
    nqm_data_kind data;
    nqm_network network;
    int n, d, test_n, channels;
    long m;
} mem_case;

static void configure(const mem_case *c, nqm_config *cfg)
{
    nqm_config_defaults(cfg);
    cfg->model = c->model;
    cfg->activation = c->act;
    cfg->data = c->data;
    cfg->network = c->network;
    cfg->n = c->n;
    cfg->d = c->d;
    cfg->test_n = c->test_n;
    if (c->m)
        cfg->width = c->m;
    cfg->threads = 2;
    cfg->eta_rel = 0.5;
    if (c->channels)
        cfg->channels = c->channels;
}

/* Peak RSS in bytes of a child that builds the run and steps it, or -1. */
static double peak_rss(const mem_case *c)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        nqm_config cfg;
        configure(c, &cfg);
        char err[256];
        nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
        if (!s) {
            fprintf(stderr, "%s: %s\n", c->label, err);
            _exit(1);
        }
        for (int i = 0; i < STEPS; i++)
            nqm_session_step(s);
        nqm_session_free(s);
        nqm_config_free(&cfg);
        _exit(0);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return (double)ru.ru_maxrss * 1024.0; /* ru_maxrss is in KiB on Linux */
}

static double estimate(const mem_case *c)
{
    nqm_config cfg;
    configure(c, &cfg);
    double bytes = nqm_config_memory(&cfg);
    nqm_config_free(&cfg);
    return bytes;
}

int main(void)
{
    if (UNDER_ASAN) {
        printf("test_memory: skipped under AddressSanitizer\n");
        return SKIP;
    }
    const mem_case tiny = {"tiny", MODEL_QUAD, ACT_RELU, DATA_MIX1D, NETWORK_TWO_LAYER,
                           16,     1,          0,        0,          10};
    const mem_case cases[] = {
        {"relu 1-D gates, m 10^7", MODEL_QUAD, ACT_RELU, DATA_MIX1D, NETWORK_TWO_LAYER, 128, 1, 0,
         0, 10000000},
        {"tanh rows, d 4", MODEL_QUAD, ACT_TANH, DATA_GAUSS, NETWORK_TWO_LAYER, 16, 4, 0, 0,
         2000000},
        {"relu rows, d 10, net", MODEL_NET, ACT_RELU, DATA_GAUSS, NETWORK_TWO_LAYER, 16, 10, 0, 0,
         1000000},
        {"gram mode, d 256", MODEL_QUAD, ACT_RELU, DATA_GAUSS, NETWORK_TWO_LAYER, 32, 256, 0, 0,
         100000},
        {"test set", MODEL_LIN, ACT_RELU, DATA_MIX1D, NETWORK_TWO_LAYER, 64, 1, 20000, 0, 4000000},
        {"relu rows, d 10, quad", MODEL_QUAD, ACT_RELU, DATA_GAUSS, NETWORK_TWO_LAYER, 128, 10, 0,
         0, 1000000},
        {"swish rows, 1-D", MODEL_LIN, ACT_SWISH, DATA_MIX1D, NETWORK_TWO_LAYER, 64, 1, 0, 0,
         4000000},
        {"linear 1-D gates, net", MODEL_NET, ACT_LINEAR, DATA_MIX1D, NETWORK_TWO_LAYER, 128, 1, 0,
         0, 8000000},
        {"gqm, n 64, d 4 10^5", MODEL_GQM, ACT_RELU, DATA_GAUSS, NETWORK_TWO_LAYER, 64, 400000, 0,
         0, 0},
        {"mlp", MODEL_QUAD, ACT_TANH, DATA_MIX1D, NETWORK_MLP, 128, 1, 0, 0, 2500},
        {"cnn", MODEL_QUAD, ACT_TANH, DATA_GAUSS, NETWORK_CNN, 128, 64, 0, 256, 0},
    };
    double base = peak_rss(&tiny);
    CHECK(base > 0, "the tiny run failed");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double est = estimate(&cases[i]), peak = peak_rss(&cases[i]);
        CHECK(peak > 0, "%s: the run failed", cases[i].label);
        double used = peak - base, ratio = est / used;
        fprintf(stderr, "%-24s estimate %8.1f MB, peak RSS %8.1f MB less %.1f MB: ratio %.2f\n",
                cases[i].label, est / 1e6, peak / 1e6, base / 1e6, ratio);
        CHECK(ratio >= 1 / FACTOR && ratio <= FACTOR, "%s: estimate %.1f MB, used %.1f MB",
              cases[i].label, est / 1e6, used / 1e6);
    }
    return check_report("test_memory");
}
