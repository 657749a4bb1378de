/* loss.c: the losses per example and their first two derivatives in the
 * output (see loss.h), computed without overflow for any finite margin. */
#include "nqmtop/train/loss.h"

#include <math.h>

/* log(1 + exp(-m)) for a margin m = y g. */
static double logistic(double m) { return m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m)); }

/* 1 / (1 + exp(m)). */
static double sigmoid_neg(double m)
{
    if (m > 0) {
        double e = exp(-m);
        return e / (1 + e);
    }
    return 1 / (1 + exp(m));
}

int nqm_loss_weighted(nqm_loss loss) { return loss == LOSS_LOGISTIC; }

double nqm_loss_value(nqm_loss loss, const double *g, const double *y, int n)
{
    double sum = 0;
    if (loss == LOSS_LOGISTIC) {
        for (int i = 0; i < n; i++)
            sum += logistic(y[i] * g[i]);
        return nqm_loss_scale(loss, n) * sum;
    }
    for (int i = 0; i < n; i++) {
        double r = g[i] - y[i];
        sum += r * r;
    }
    return 0.5 * nqm_loss_scale(loss, n) * sum;
}

double nqm_loss_residual(nqm_loss loss, double g, double y)
{
    return loss == LOSS_LOGISTIC ? -y * sigmoid_neg(y * g) : g - y;
}

void nqm_loss_weights(nqm_loss loss, const double *g, const double *y, int n, double *w)
{
    for (int i = 0; i < n; i++) {
        if (loss != LOSS_LOGISTIC) {
            w[i] = 1;
            continue;
        }
        double m = y[i] * g[i], p = sigmoid_neg(m), q = sigmoid_neg(-m);
        w[i] = sqrt(p * q);
    }
}
