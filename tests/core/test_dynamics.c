/* test_dynamics.c: parameter-space GD against the paper's closed dynamics.
 *
 * 1. The relu NQM on one example follows eq. 11-12 step for step:
 *      g' - y = (1 - h K + c h^2 r g) r,   K' = K + h c r^2 (h K - 4 g / r),
 *    with r = g - y, h = eta * s and c = |x|^2 / (m d), from its own g(0), K(0).
 * 2. The `theory` model (a different formulation: per-direction q, kappa)
 *    reproduces the quad model on one example and on 1-D data, for GD and SGD.
 * 3. With the linear activation the network is its own quadratic model. */
#include <string.h>

#include "check.h"
#include "nqmtop/train/session.h"

static nqm_session *open_session(const nqm_config *cfg)
{
    char err[256];
    nqm_session *s = nqm_session_new(cfg, err, sizeof err);
    CHECK(s != NULL, "session: %s", err);
    return s;
}

static void single_example(nqm_config *cfg, const double *x, int d, nqm_loss loss)
{
    free(cfg->x);
    cfg->x = malloc((size_t)d * sizeof *cfg->x);
    memcpy(cfg->x, x, (size_t)d * sizeof *x);
    cfg->d = d;
    cfg->data = DATA_SINGLE;
    cfg->loss = loss;
}

static void check_eq11_12(int d, nqm_loss loss)
{
    static const double xs[] = {1.0, -0.7, 2.2, 0.4, 1.3};
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    single_example(&cfg, xs, d, loss);
    cfg.y = 0.3;
    cfg.width = 800;
    cfg.eta_rel = 1.5;
    nqm_session *s = open_session(&cfg);
    if (!s)
        return;
    double x2 = 0;
    for (int j = 0; j < d; j++)
        x2 += xs[j] * xs[j];
    const double scale = nqm_loss_scale(loss, 1), c = x2 / (cfg.width * (double)d);
    const double h = nqm_session_eta(s) * scale;
    double g = nqm_session_record(s)->g, K = nqm_session_record(s)->lambda[0] / scale;
    double worst_g = 0, worst_k = 0, peak = 0;
    for (int t = 1; t <= 100; t++) {
        double r = g - cfg.y;
        double g_next = cfg.y + (1 - h * K + c * h * h * r * g) * r;
        K = K + h * c * r * r * (h * K - 4 * g / r);
        g = g_next;
        nqm_session_step(s);
        const nqm_record *rec = nqm_session_record(s);
        worst_g = fmax(worst_g, fabs(rec->g - g) / fmax(1e-3, fabs(g)));
        worst_k = fmax(worst_k, fabs(rec->lambda[0] / scale - K) / K);
        peak = fmax(peak, rec->loss);
    }
    printf("eq. 11-12, d = %d, %-9s: 100 steps, peak loss %.3g, max rel diff g %.2e, K %.2e\n", d,
           nqm_loss_name(loss), peak, worst_g, worst_k);
    CHECK(worst_g < 1e-10 && worst_k < 1e-10, "d=%d: g %.3g K %.3g", d, worst_g, worst_k);
    CHECK(peak > 100 * nqm_session_record(s)->loss, "the run should catapult (peak %g)", peak);
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

/* Step two sessions side by side and compare loss, g, gnorm, lambdas. */
static void check_same_run(const nqm_config *a, const nqm_config *b, int steps, double tol,
                           const char *label)
{
    nqm_session *sa = open_session(a), *sb = open_session(b);
    double worst = 0;
    for (int t = 0; sa && sb && t <= steps; t++) {
        const nqm_record *ra = nqm_session_record(sa), *rb = nqm_session_record(sb);
        double pairs[][2] = {{ra->loss, rb->loss},
                             {ra->g, rb->g},
                             {ra->gnorm, rb->gnorm},
                             {ra->lambda[0], rb->lambda[0]},
                             {ra->lambda[1], rb->lambda[1]}};
        int npairs = nqm_session_eigs(sa) > 1 ? 5 : 4;
        for (int k = 0; k < npairs; k++)
            worst = fmax(worst, fabs(pairs[k][0] - pairs[k][1]) /
                                    fmax(1e-6, fmax(fabs(pairs[k][0]), fabs(pairs[k][1]))));
        nqm_session_step(sa);
        nqm_session_step(sb);
    }
    printf("%-40s %d steps, max rel diff %.2e\n", label, steps, worst);
    CHECK(worst < tol, "%s: max rel diff %.3g", label, worst);
    nqm_session_free(sa);
    nqm_session_free(sb);
}

static void check_theory(void)
{
    static const double x5[] = {1.0, -0.7, 2.2, 0.4, 1.3};
    nqm_config q, t;
    nqm_config_defaults(&q);
    q.width = 700;
    q.y = 0.5;
    nqm_config_copy(&t, &q);
    t.model = MODEL_THEORY;
    check_same_run(&q, &t, 100, 1e-9, "theory vs quad, one example, d = 1");
    single_example(&q, x5, 5, LOSS_MSE);
    single_example(&t, x5, 5, LOSS_MSE);
    check_same_run(&q, &t, 100, 1e-9, "theory vs quad, one example, d = 5, mse");
    nqm_config_free(&q);
    nqm_config_free(&t);

    nqm_config_defaults(&q);
    q.data = DATA_MIX1D;
    q.n = 32;
    q.width = 400;
    q.loss = LOSS_MSE;
    q.eta_rel = 1.3;
    nqm_config_copy(&t, &q);
    t.model = MODEL_THEORY;
    check_same_run(&q, &t, 150, 1e-8, "theory vs quad, mix1d n = 32, GD");
    q.batch_size = t.batch_size = 8;
    q.eta_rel = t.eta_rel = 0.6;
    check_same_run(&q, &t, 150, 1e-8, "theory vs quad, mix1d n = 32, SGD 8");
    nqm_config_free(&q);
    nqm_config_free(&t);
}

static void check_linear_network(void)
{
    nqm_config net, quad;
    nqm_config_defaults(&net);
    net.model = MODEL_NET;
    net.activation = ACT_LINEAR;
    net.data = DATA_GAUSS;
    net.n = 6;
    net.d = 3;
    net.width = 300;
    net.y = 0;
    net.eta_rel = 1.5;
    nqm_config_copy(&quad, &net);
    quad.model = MODEL_QUAD;
    check_same_run(&net, &quad, 60, 1e-9, "net(linear) vs quad(linear), gauss");
    nqm_config_free(&net);
    nqm_config_free(&quad);
}

int main(void)
{
    check_eq11_12(1, LOSS_HALF_SUM);
    check_eq11_12(5, LOSS_HALF_SUM);
    check_eq11_12(5, LOSS_MSE);
    check_theory();
    check_linear_network();
    return check_report("test_dynamics");
}
