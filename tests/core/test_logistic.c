/* test_logistic.c: loss = logistic against relations written out here,
 * independently of train/loss.c. The loss's first and second derivatives
 * against central differences of its value, and its value finite at
 * margins of +-1000. Then a session of a narrow tanh network on +-1
 * labels (full batch, above its edge), at every step:
 *   - the record's loss is (1/n) sum log(1 + exp(-y g)) of the outputs;
 *   - the step moved the parameters by -eta times the loss's gradient,
 *     the gradient taken by central differences of that loss;
 *   - lambda1 is the top eigenvalue of (1/n) J^T D J, D = diag(l''), J
 *     from central differences of the outputs;
 *   - the sharpness is the top eigenvalue of the loss Hessian assembled
 *     from central differences of that gradient.
 * The same with momentum, whose gradient comes from the vjp op. */
#include <string.h>

#include "check.h"
#include "nqmtop/base/eigen.h"
#include "nqmtop/model/model.h"
#include "nqmtop/train/loss.h"
#include "nqmtop/train/session.h"

enum { N = 6, MAX_P = 64 };

static const double FD_H = 1e-5;

/* log(1 + exp(-m)), written as the test's own reference. */
static double ref_loss(double m) { return m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m)); }

/* Central differences of l(g) = ref_loss(y g) against loss.c's residual
 * and weights (the square root of l''). */
static void check_derivatives(void)
{
    const double h = 1e-4;
    double worst1 = 0, worst2 = 0;
    for (int k = -40; k <= 40; k++) {
        const double g = 0.37 * k, ys[2] = {1, -1};
        for (int j = 0; j < 2; j++) {
            double y = ys[j];
            double d1 = (ref_loss(y * (g + h)) - ref_loss(y * (g - h))) / (2 * h);
            double d2 =
                (ref_loss(y * (g + h)) - 2 * ref_loss(y * g) + ref_loss(y * (g - h))) / (h * h);
            double w;
            nqm_loss_weights(LOSS_LOGISTIC, &g, &y, 1, &w);
            worst1 = fmax(worst1, fabs(nqm_loss_residual(LOSS_LOGISTIC, g, y) - d1));
            worst2 = fmax(worst2, fabs(w * w - d2));
        }
    }
    CHECK(worst1 < 1e-8, "l' vs central differences: %.3g", worst1);
    CHECK(worst2 < 1e-5, "l'' vs central differences: %.3g", worst2);
    const double big[2] = {1000, -1000}, y[2] = {1, 1};
    double value = nqm_loss_value(LOSS_LOGISTIC, big, y, 2), w[2];
    nqm_loss_weights(LOSS_LOGISTIC, big, y, 2, w);
    CHECK_CLOSE(value, 500.0, 1e-12, "loss at margins +-1000");
    CHECK(w[0] == 0 && w[1] == 0 && nqm_loss_residual(LOSS_LOGISTIC, -1000, 1) == -1,
          "derivatives at margins +-1000: %g %g", w[0], w[1]);
    printf("derivatives: l' within %.1e, l'' within %.1e of central differences\n", worst1, worst2);
}

/* The model's outputs g (N) at its current parameters. */
static void outputs(nqm_model *model, double *g) { model->ops->advance(model, 0, NULL, g, NULL); }

static double loss_at(nqm_model *model, const double *y)
{
    double g[N], sum = 0;
    outputs(model, g);
    for (int i = 0; i < N; i++)
        sum += ref_loss(y[i] * g[i]);
    return sum / N;
}

/* grad (p) of the loss by central differences over each parameter. */
static void fd_gradient(nqm_model *model, const double *y, double *grad)
{
    size_t p;
    double *w = model->ops->params(model, &p);
    for (size_t j = 0; j < p; j++) {
        double saved = w[j];
        w[j] = saved + FD_H;
        double up = loss_at(model, y);
        w[j] = saved - FD_H;
        double down = loss_at(model, y);
        w[j] = saved;
        grad[j] = (up - down) / (2 * FD_H);
    }
}

/* grad (p) = (1/N) J^T l'(g) through the vjp op, l' written out here. */
static void vjp_gradient(nqm_model *model, const double *y, double *grad)
{
    double g[N], r[N];
    outputs(model, g);
    for (int i = 0; i < N; i++)
        r[i] = -y[i] / (1 + exp(y[i] * g[i])) / N;
    model->ops->vjp(model, r, grad);
}

static double top_of(double *A, int dim)
{
    nqm_eigen *e = nqm_eigen_new(dim, 1);
    double lam = NAN;
    CHECK(e && nqm_eigen_top(e, A, &lam, NULL) == 0, "eigen-solve of %d", dim);
    nqm_eigen_free(e);
    return lam;
}

/* Top eigenvalue of (1/N) D^(1/2) J J^T D^(1/2), J (N, p) from central
 * differences of the outputs, D = diag(l'') at the outputs. */
static double gauss_newton_top(nqm_model *model, const double *y)
{
    size_t p;
    double *w = model->ops->params(model, &p);
    double J[N * MAX_P], g[N], up[N], down[N], K[N * N];
    for (size_t j = 0; j < p; j++) {
        double saved = w[j];
        w[j] = saved + FD_H;
        outputs(model, up);
        w[j] = saved - FD_H;
        outputs(model, down);
        w[j] = saved;
        for (int i = 0; i < N; i++)
            J[i * p + j] = (up[i] - down[i]) / (2 * FD_H);
    }
    outputs(model, g);
    double sq[N];
    for (int i = 0; i < N; i++) {
        double e = exp(y[i] * g[i]);
        sq[i] = sqrt(e / ((1 + e) * (1 + e)));
    }
    for (int a = 0; a < N; a++)
        for (int b = 0; b < N; b++) {
            double sum = 0;
            for (size_t j = 0; j < p; j++)
                sum += J[a * p + j] * J[b * p + j];
            K[a * N + b] = sq[a] * sq[b] * sum / N;
        }
    return top_of(K, N);
}

/* Top eigenvalue of the Hessian from central differences of the vjp
 * gradient along each axis, symmetrised. */
static double hessian_top(nqm_model *model, const double *y)
{
    size_t p;
    double *w = model->ops->params(model, &p);
    double *A = malloc(p * p * sizeof *A), *gp = malloc(p * sizeof *gp),
           *gm = malloc(p * sizeof *gm);
    for (size_t j = 0; j < p; j++) {
        double saved = w[j];
        w[j] = saved + FD_H;
        vjp_gradient(model, y, gp);
        w[j] = saved - FD_H;
        vjp_gradient(model, y, gm);
        w[j] = saved;
        for (size_t i = 0; i < p; i++)
            A[j * p + i] = (gp[i] - gm[i]) / (2 * FD_H);
    }
    double g[N];
    outputs(model, g);
    for (size_t j = 0; j < p; j++)
        for (size_t i = 0; i < j; i++)
            A[i * p + j] = A[j * p + i] = 0.5 * (A[i * p + j] + A[j * p + i]);
    double top = top_of(A, (int)p);
    free(A);
    free(gp);
    free(gm);
    return top;
}

static nqm_session *open_session(nqm_optimizer optimizer)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.model = MODEL_NET;
    cfg.activation = ACT_TANH;
    cfg.data = DATA_GAUSS;
    cfg.n = N;
    cfg.d = 2;
    cfg.mu = 1;
    cfg.width = 5;
    cfg.seed = 2;
    cfg.loss = LOSS_LOGISTIC;
    cfg.eta_mode = ETA_RELATIVE;
    cfg.eta_rel = 1.4;
    cfg.optimizer = optimizer;
    cfg.momentum = 0.5;
    cfg.sharpness_every = 1;
    char err[256];
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(s != NULL, "session: %s", err);
    nqm_config_free(&cfg);
    return s;
}

static void check_session(nqm_optimizer optimizer, int steps)
{
    nqm_session *s = open_session(optimizer);
    if (!s)
        return;
    nqm_model *model = nqm_session_model(s);
    const double *y = nqm_session_data(s)->y;
    size_t p;
    model->ops->params(model, &p);
    CHECK(p <= MAX_P, "p = %zu", p);
    double before[MAX_P], grad[MAX_P], velocity[MAX_P] = {0};
    double worst_loss = 0, worst_step = 0, worst_gn = 0, worst_sharp = 0, eta = nqm_session_eta(s);
    const double beta = optimizer == OPT_MOMENTUM ? 0.5 : 0;
    int t, unmeasured = 0;
    for (t = 0; t <= steps; t++) {
        if (t > 0) {
            memcpy(before, model->ops->params(model, &p), p * sizeof *before);
            fd_gradient(model, y, grad);
            if (nqm_session_step(s) != 0)
                break;
            const double *after = model->ops->params(model, &p);
            double num = 0, den = 0;
            for (size_t j = 0; j < p; j++) { /* heavy ball: v = beta v + grad, w -= eta v */
                velocity[j] = beta * velocity[j] + grad[j];
                double want = -eta * velocity[j];
                num += (after[j] - before[j] - want) * (after[j] - before[j] - want);
                den += want * want;
            }
            worst_step = fmax(worst_step, sqrt(num / den));
        }
        const nqm_record *rec = nqm_session_record(s);
        unmeasured += !isfinite(rec->loss) || !isfinite(rec->lambda_max) ||
                      !isfinite(rec->sharpness); /* fmax would pass over a NaN */
        worst_loss = fmax(worst_loss, fabs(rec->loss - loss_at(model, y)) / rec->loss);
        worst_gn =
            fmax(worst_gn, fabs(rec->lambda_max - gauss_newton_top(model, y)) / rec->lambda_max);
        worst_sharp =
            fmax(worst_sharp, fabs(rec->sharpness - hessian_top(model, y)) / fabs(rec->sharpness));
    }
    const char *name = optimizer == OPT_MOMENTUM ? "momentum" : "gd";
    CHECK(t == steps + 1, "%s: the run ended after %d of %d steps", name, t - 1, steps);
    CHECK(unmeasured == 0, "%s: %d steps without a finite loss, lambda1 or sharpness", name,
          unmeasured);
    CHECK(worst_loss < 1e-13, "%s: loss vs (1/n) sum log(1 + exp(-y g)): rel %.3g", name,
          worst_loss);
    CHECK(worst_step < 1e-7, "%s: step vs -eta grad (central differences): rel %.3g", name,
          worst_step);
    CHECK(worst_gn < 1e-7, "%s: lambda1 vs (1/n) J^T D J by differences: rel %.3g", name, worst_gn);
    CHECK(worst_sharp < 1e-6, "%s: sharpness vs dense differenced Hessian: rel %.3g", name,
          worst_sharp);
    printf("%-8s %d steps at eta %.4g (1.4 eta_crit): loss rel %.1e, step rel %.1e, lambda1 rel "
           "%.1e, sharpness rel %.1e\n",
           name, steps, eta, worst_loss, worst_step, worst_gn, worst_sharp);
    nqm_session_free(s);
}

/* One example at half its edge for 20000 steps: the loss decays like
 * 1/t and the weighted kernel with it, which is no collapse (the run is
 * monotone) and no catapult. */
static void check_long_run(void)
{
    nqm_config cfg;
    nqm_config_defaults(&cfg);
    cfg.loss = LOSS_LOGISTIC;
    cfg.y = 1;
    cfg.eta_mode = ETA_RELATIVE;
    cfg.eta_rel = 0.5;
    /* (data = single: the defaults' x, one input of 1) */
    char err[256];
    nqm_session *s = nqm_session_new(&cfg, err, sizeof err);
    CHECK(s != NULL, "long run: %s", err);
    if (!s) {
        nqm_config_free(&cfg);
        return;
    }
    for (int t = 0; t < 20000 && nqm_session_step(s) == 0; t++)
        ;
    nqm_run_summary sum;
    nqm_session_summarize(s, &sum);
    const nqm_record *rec = nqm_session_record(s);
    CHECK(sum.steps == 20000 && sum.phases.regime == REGIME_MONOTONE &&
              rec->phase != PHASE_COLLAPSED,
          "long run: %ld steps, regime %s, last phase %d", sum.steps,
          nqm_regime_name(sum.phases.regime), rec->phase);
    CHECK(rec->lambda_max < 1e-3 * sum.lambda0[0], "long run: the weighted kernel %.3g from %.3g",
          rec->lambda_max, sum.lambda0[0]);
    printf("one example, 20000 steps at 0.5 eta_crit: loss %.2g, weighted lambda1 %.2g of its "
           "start, regime %s\n",
           rec->loss, rec->lambda_max / sum.lambda0[0], nqm_regime_name(sum.phases.regime));
    nqm_session_free(s);
    nqm_config_free(&cfg);
}

int main(void)
{
    check_derivatives();
    check_long_run();
    check_session(OPT_GD, 25);
    check_session(OPT_MOMENTUM, 10);
    return check_report("test_logistic");
}
