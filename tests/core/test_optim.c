/* test_optim.c: the update rules and schedules of optim.h against hand
 * computations and closed forms.
 *
 * - Adam's first two updates against values worked out by hand.
 * - On an exact quadratic (the linearised model on one example, whose
 *   loss has the single curvature lambda = s K), GD, heavy-ball momentum
 *   and Nesterov converge at 0.98 of their edge c / lambda and diverge at
 *   1.02 of it, c = 2, 2 + 2 beta and (2 + 2 beta) / (1 + 2 beta): the
 *   edges of the recurrences' characteristic polynomials.
 * - GD through the rule's path (gradient from vjp, update outside the
 *   model) follows the fused GD pass of every family to rounding.
 * - Adam's preconditioned eigenvalue equals that of s J P^-1 J^T
 *   assembled from finite differences of the outputs.
 * - A schedule's eta column equals its formula at every step.
 * - theory refuses a rule other than GD, naming it. */
#include <string.h>

#include "check.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/model/model.h"
#include "nqmtop/train/optim.h"
#include "nqmtop/train/session.h"

static void check_adam_by_hand(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.optimizer = OPT_ADAM; /* beta1 0.9, beta2 0.999, eps 1e-8 */
    nqm_optim *o = nqm_optim_new(&cfg, 2);
    double w[2] = {1, 1}, G1[2] = {0.5, -2}, G2[2] = {-0.5, 1};
    /* m hat = G, v hat = G^2: each weight moves by eta G / (|G| + eps) */
    nqm_optim_step(o, 0.1, G1, w, NULL);
    CHECK_CLOSE(w[0], 1 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-15, "adam step 1, w0");
    CHECK_CLOSE(w[1], 1 + 0.1 * 2 / (2 + 1e-8), 1e-15, "adam step 1, w1");
    double w0 = w[0], w1 = w[1];
    /* m = 0.9 (0.1 G1) + 0.1 G2, m hat = m / 0.19; v hat = 0.25 and 1.5505... */
    nqm_optim_step(o, 0.1, G2, w, NULL);
    double m0 = (0.09 * 0.5 + 0.1 * -0.5) / 0.19, m1 = (0.09 * -2 + 0.1 * 1) / 0.19;
    double v0 = (0.999 * 0.001 * 0.25 + 0.001 * 0.25) / (1 - 0.999 * 0.999);
    double v1 = (0.999 * 0.001 * 4 + 0.001 * 1) / (1 - 0.999 * 0.999);
    CHECK_CLOSE(v0, 0.25, 1e-12, "adam v hat 0 by hand");
    CHECK_CLOSE(w[0], w0 - 0.1 * m0 / (sqrt(v0) + 1e-8), 1e-14, "adam step 2, w0");
    CHECK_CLOSE(w[1], w1 - 0.1 * m1 / (sqrt(v1) + 1e-8), 1e-14, "adam step 2, w1");
    CHECK_CLOSE(w[0], w0 + 0.1 * (0.005 / 0.19) / (0.5 + 1e-8), 1e-14,
                "adam step 2, w0 in numbers");
    nqm_optim_free(o);
    nqm_config_free(&cfg);
}

static nqm_session *open_session(const nqm_config *cfg)
{
    char err[256];
    nqm_session *s = nqm_session_new(cfg, err, sizeof err);
    CHECK(s != NULL, "session: %s", err);
    return s;
}

/* The loss after steps steps of cfg at absolute rate eta (inf when the
 * run diverged). */
static double final_loss(nqm_config cfg, double eta, long steps)
{
    cfg.eta_mode = ETA_ABSOLUTE;
    cfg.eta = eta;
    nqm_session *s = open_session(&cfg);
    if (!s)
        return NAN;
    for (long t = 0; t < steps && !nqm_session_diverged(s); t++)
        nqm_session_step(s);
    double loss = nqm_session_diverged(s) ? INFINITY : nqm_session_record(s)->loss;
    nqm_session_free(s);
    return loss;
}

static void check_edges(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg); /* one example, lin: a quadratic loss */
    cfg.model = MODEL_LIN;
    cfg.y = 0.7;
    nqm_session *probe = open_session(&cfg);
    if (!probe) {
        nqm_config_free(&cfg);
        return;
    }
    const double lambda = nqm_session_record(probe)->lambda_max;
    const double L0 = nqm_session_record(probe)->loss;
    nqm_session_free(probe);
    const double beta = 0.8;
    struct {
        nqm_optimizer rule;
        double c;
    } rules[] = {
        {OPT_GD, 2}, {OPT_MOMENTUM, 2 + 2 * beta}, {OPT_NESTEROV, (2 + 2 * beta) / (1 + 2 * beta)}};
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
        cfg.optimizer = rules[k].rule;
        cfg.momentum = beta;
        cfg.weight_decay = rules[k].rule == OPT_GD ? 1e-300 : 0; /* GD by the rule's path */
        double below = final_loss(cfg, 0.98 * rules[k].c / lambda, 4000);
        double above = final_loss(cfg, 1.02 * rules[k].c / lambda, 4000);
        const char *name = nqm_optimizer_name(rules[k].rule);
        CHECK(below < 1e-12 * L0, "%s at 0.98 of its edge: loss %g (L0 %g)", name, below, L0);
        CHECK(above > 1e6 * L0, "%s at 1.02 of its edge: loss %g (L0 %g)", name, above, L0);
        printf("%-9s edge %.4f / lambda: loss %.3g at 0.98, %.3g at 1.02\n", name, rules[k].c,
               below, above);
    }
    nqm_config_free(&cfg);
}

/* GD through vjp and the rule (weight decay 1e-300, nothing in double)
 * against the fused pass, step by step: the losses agree relatively, or
 * to 1e-12 L0 once converged. */
static void check_paths(const char *assignments[], int count, const char *label)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    char err[256];
    for (int i = 0; i < count; i++)
        CHECK(nqm_preset_apply_set(&cfg, assignments[i], err, sizeof err) == 0, "%s", err);
    nqm_session *fused = open_session(&cfg);
    cfg.weight_decay = 1e-300;
    nqm_session *ruled = open_session(&cfg);
    if (!fused || !ruled) {
        nqm_config_free(&cfg);
        return;
    }
    double worst = 0, L0 = nqm_session_record(fused)->loss;
    for (int t = 0; t < 30; t++) {
        nqm_session_step(fused);
        nqm_session_step(ruled);
        const nqm_record *a = nqm_session_record(fused), *b = nqm_session_record(ruled);
        worst = fmax(worst, fabs(a->loss - b->loss) / fmax(1e-12 * L0, fabs(a->loss)));
    }
    CHECK(worst < 1e-8, "%s: GD by the rule's path vs fused: loss rel diff %.3g", label, worst);
    printf("%-28s GD paths agree to %.2g over 30 steps\n", label, worst);
    nqm_session_free(fused);
    nqm_session_free(ruled);
    nqm_config_free(&cfg);
}

/* (n, n) s J P^-1 J^T from central differences of the outputs; its top
 * eigenvalue by power iteration. */
static double dense_precond_top(nqm_session *s, const double *P, double scale)
{
    nqm_model *model = nqm_session_model(s);
    size_t p;
    double *w = model->ops->params(model, &p);
    const int n = model->n;
    double *J = calloc((size_t)n * p, sizeof *J), *gp = malloc(n * sizeof *gp);
    double *gm = malloc(n * sizeof *gm), *K = calloc((size_t)n * n, sizeof *K);
    const double h = 1e-6;
    for (size_t j = 0; j < p; j++) {
        double saved = w[j];
        w[j] = saved + h;
        model->ops->advance(model, 0, NULL, gp, NULL);
        w[j] = saved - h;
        model->ops->advance(model, 0, NULL, gm, NULL);
        w[j] = saved;
        for (int i = 0; i < n; i++)
            J[(size_t)i * p + j] = (gp[i] - gm[i]) / (2 * h);
    }
    model->ops->advance(model, 0, NULL, gp, NULL);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            for (size_t j = 0; j < p; j++)
                K[(size_t)a * n + b] += scale * J[(size_t)a * p + j] * J[(size_t)b * p + j] / P[j];
    double x[64], y[64], lam = 0;
    for (int i = 0; i < n; i++)
        x[i] = 1.0 + 0.1 * i;
    for (int it = 0; it < 2000; it++) {
        double norm = 0;
        for (int a = 0; a < n; a++) {
            y[a] = 0;
            for (int b = 0; b < n; b++)
                y[a] += K[(size_t)a * n + b] * x[b];
            norm += y[a] * y[a];
        }
        norm = sqrt(norm);
        double dot = 0, xx = 0;
        for (int a = 0; a < n; a++) {
            dot += x[a] * y[a];
            xx += x[a] * x[a];
        }
        lam = dot / xx;
        for (int a = 0; a < n; a++)
            x[a] = y[a] / norm;
    }
    free(J);
    free(gp);
    free(gm);
    free(K);
    return lam;
}

static void check_precond(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    char err[256];
    const char *sets[] = {"data=gauss", "n=12",           "d=3",      "activation=tanh", "width=20",
                          "model=net",  "optimizer=adam", "loss=mse", "eta_rel=0.5"};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        CHECK(nqm_preset_apply_set(&cfg, sets[i], err, sizeof err) == 0, "%s", err);
    nqm_session *s = open_session(&cfg);
    if (!s) {
        nqm_config_free(&cfg);
        return;
    }
    for (int t = 0; t < 5; t++)
        nqm_session_step(s);
    const double *P = nqm_session_precond(s);
    double want = dense_precond_top(s, P, nqm_loss_scale(cfg.loss, 12));
    double got = nqm_session_record(s)->lambda_p;
    CHECK_CLOSE(got, want, 1e-6 * want, "adam lambda_p vs dense FD s J P^-1 J^T");
    CHECK(fabs(got - want) <= 1e-6 * want, "lambda_p %.10g vs %.10g", got, want);
    printf("adam lambda_p %.8g, dense %.8g; edge %.4f\n", got, want, nqm_session_record(s)->edge);
    CHECK_CLOSE(nqm_session_record(s)->edge, nqm_session_record(s)->eta * got / 38, 1e-12,
                "adam edge = eta lambda_p / 38");
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

static void check_schedules(void)
{
    const char *plans[][4] = {
        {"warmup_steps=10", "eta_start=0.1", "step_every=1", "schedule=warmup"},
        {"warmup_steps=5", "decay_steps=20", "eta_end=0.05", "schedule=cosine"},
        {"step_every=7", "step_factor=0.5", "warmup_steps=0", "schedule=step"},
    };
    for (size_t k = 0; k < sizeof plans / sizeof plans[0]; k++) {
        nqm_config cfg;
        nqm_config_defaults(&cfg);
        char err[256];
        for (int i = 0; i < 4; i++)
            CHECK(nqm_preset_apply_set(&cfg, plans[k][i], err, sizeof err) == 0, "%s", err);
        cfg.eta_mode = ETA_ABSOLUTE;
        cfg.eta = 0.6;
        nqm_session *s = open_session(&cfg);
        if (!s) {
            nqm_config_free(&cfg);
            return;
        }
        int bad = 0;
        for (long t = 0; t < 40; t++) {
            nqm_session_step(s);
            double want;
            if (k == 0)
                want = t < 10 ? 0.1 + 0.5 * t / 10.0 : 0.6;
            else if (k == 1)
                want = t < 5 ? 0.6 * t / 5.0
                             : 0.05 + 0.55 * 0.5 * (1 + cos(M_PI * fmin(t - 5, 20) / 20.0));
            else
                want = 0.6 * pow(0.5, (double)(t / 7));
            bad += fabs(nqm_session_record(s)->eta - want) > 1e-15 * want;
        }
        CHECK(bad == 0, "%s: %d of 40 steps off their formula", plans[k][3], bad);
        nqm_session_free(s);
        nqm_config_free(&cfg);
    }
}

static void check_theory_refuses(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.model = MODEL_THEORY;
    cfg.optimizer = OPT_MOMENTUM;
    char err[256] = "";
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(s == NULL && strstr(err, "theory") && strstr(err, "momentum"), "theory + momentum: %s",
          err);
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

int main(void)
{
    check_adam_by_hand();
    check_edges();
    const char *relu1d[] = {"model=net", "eta_rel=0.5"};
    const char *quad_tanh[] = {"data=gauss", "n=16", "d=3", "activation=tanh", "width=40"};
    const char *mlp[] = {"data=gauss", "n=16", "d=3", "network=mlp", "width=8", "model=quad"};
    const char *cnn[] = {"data=stripes", "n=8", "d=16", "network=cnn", "channels=2", "model=net"};
    const char *gqm[] = {"data=gauss", "n=16", "d=30", "model=gqm", "gamma=0.1"};
    check_paths(relu1d, 2, "net relu 1-D (gate pass)");
    check_paths(quad_tanh, 5, "quad tanh d=3 (rows)");
    check_paths(mlp, 6, "mlp quad");
    check_paths(cnn, 6, "cnn net");
    check_paths(gqm, 5, "gqm");
    check_precond();
    check_schedules();
    check_theory_refuses();
    return check_report("test_optim");
}
