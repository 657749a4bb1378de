/* test_deep_config.c: the defaults and cross-key checks of the deeper
 * networks, and the stripes images: a horizontal-stripe image has row
 * means near +-mu and column means near 0, a vertical one the reverse,
 * and the label says which. */
#include <stdlib.h>

#include "deep.h"

static void check_defaults_and_limits(void)
{
    nqm_config cfg;
    char err[256];
    nqm_config_defaults(&cfg);
    CHECK(cfg.network == NETWORK_TWO_LAYER && cfg.depth == 3 && cfg.biases == 0 &&
              cfg.channels == 8 && cfg.kernel == 3 && cfg.readout == READOUT_AVERAGE,
          "defaults: network %d depth %d biases %d channels %d kernel %d readout %d", cfg.network,
          cfg.depth, cfg.biases, cfg.channels, cfg.kernel, cfg.readout);
    cfg.network = NETWORK_MLP;
    CHECK(nqm_config_check(&cfg, err, sizeof err) == 0, "mlp defaults refused: %s", err);
    cfg.depth = 16;
    CHECK(nqm_config_check(&cfg, err, sizeof err) == 0, "depth 16 refused (%s)", err);
    cfg.depth = 17;
    CHECK(nqm_config_check(&cfg, err, sizeof err) != 0 && strncmp(err, "depth:", 6) == 0,
          "depth 17 accepted (%s)", err);
    cfg.depth = 3;
    cfg.width = 1000000;
    CHECK(nqm_config_check(&cfg, err, sizeof err) != 0 && strncmp(err, "width:", 6) == 0,
          "an mlp of 10^12 parameters accepted (%s)", err);
    cfg.width = 100;
    cfg.model = MODEL_THEORY;
    CHECK(nqm_config_check(&cfg, err, sizeof err) != 0, "theory with network = mlp accepted");
    cfg.model = MODEL_QUAD;
    cfg.network = NETWORK_CNN;
    cfg.data = DATA_STRIPES;
    cfg.d = 36;
    CHECK(nqm_config_check(&cfg, err, sizeof err) == 0, "cnn on 6 x 6 refused: %s", err);
    cfg.d = 35;
    CHECK(nqm_config_check(&cfg, err, sizeof err) != 0 && strncmp(err, "kernel:", 7) == 0,
          "cnn on d = 35 accepted (%s)", err);
    cfg.d = 4;
    CHECK(nqm_config_check(&cfg, err, sizeof err) != 0, "3 x 3 filters on 2 x 2 accepted");
    cfg.network = NETWORK_TWO_LAYER;
    cfg.d = 35;
    nqm_data data;
    CHECK(nqm_data_make(&cfg, &data, err, sizeof err) != 0 && strncmp(err, "d:", 2) == 0,
          "stripes with d = 35 made (%s)", err);
    nqm_data_free(&data);
    nqm_config_free(&cfg);
}

static void check_stripes(void)
{
    enum { SIDE = 8, N = 200 };
    nqm_config cfg;
    char err[256];
    nqm_config_defaults(&cfg);
    cfg.data = DATA_STRIPES;
    cfg.n = N;
    cfg.d = SIDE * SIDE;
    cfg.mu = 1.0;
    cfg.sigma = 0.5;
    nqm_data data;
    if (nqm_data_make(&cfg, &data, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return;
    }
    int right = 0, positive = 0;
    for (int i = 0; i < N; i++) {
        const double *x = data.X + (size_t)i * cfg.d;
        double rows = 0, cols = 0;
        for (int a = 0; a < SIDE; a++) {
            double rm = 0, cm = 0;
            for (int b = 0; b < SIDE; b++) {
                rm += x[a * SIDE + b] / SIDE;
                cm += x[b * SIDE + a] / SIDE;
            }
            rows += fabs(rm) / SIDE;
            cols += fabs(cm) / SIDE;
        }
        right += (rows > cols) == (data.y[i] > 0);
        positive += data.y[i] > 0;
    }
    CHECK(right == N, "%d of %d images have the orientation their label says", right, N);
    CHECK(positive > N / 4 && positive < 3 * N / 4, "%d of %d labels are +1", positive, N);
    printf("stripes: %d of %d images oriented as labelled, %d labels +1\n", right, N, positive);
    nqm_data_free(&data);
    nqm_config_free(&cfg);
}

int main(void)
{
    check_defaults_and_limits();
    check_stripes();
    return check_report("test_deep_config");
}
