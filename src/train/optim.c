/* optim.c: momentum, Nesterov, Adam and plain GD with weight decay as
 * updates of a parameter vector from its gradient, their edges, and the
 * learning-rate schedules (optim.h). */
#include "nqmtop/train/optim.h"

#include <math.h>
#include <stdlib.h>

struct nqm_optim {
    nqm_optimizer rule;
    double beta, beta2, eps, wd;
    size_t p;
    long t;      /* updates made */
    double *b;   /* (p) momentum buffer, adam's first moment m */
    double *v;   /* (p) adam's second moment */
    double *pre; /* (p) adam's preconditioner diagonal */
};

int nqm_optim_needed(const nqm_config *cfg)
{
    return cfg->optimizer != OPT_GD || cfg->weight_decay > 0;
}

nqm_optim *nqm_optim_new(const nqm_config *cfg, size_t p)
{
    nqm_optim *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    *o = (nqm_optim){
        cfg->optimizer, cfg->momentum, cfg->beta2, cfg->adam_eps, cfg->weight_decay, p, 0,
        NULL,           NULL,          NULL};
    o->b = calloc(p ? p : 1, sizeof *o->b);
    o->v = calloc(p ? p : 1, sizeof *o->v);
    o->pre = calloc(p ? p : 1, sizeof *o->pre);
    if (!o->b || !o->v || !o->pre) {
        nqm_optim_free(o);
        return NULL;
    }
    return o;
}

void nqm_optim_free(nqm_optim *o)
{
    if (!o)
        return;
    free(o->b);
    free(o->v);
    free(o->pre);
    free(o);
}

/* The weight j itself: its displacement plus the origin's. */
static double weight(const double *w, const double *origin, size_t j)
{
    return origin ? origin[j] + w[j] : w[j];
}

static void adam_step(nqm_optim *o, double eta, const double *G, double *w, const double *origin)
{
    const double c1 = 1 - pow(o->beta, (double)o->t), c2 = 1 - pow(o->beta2, (double)o->t);
    for (size_t j = 0; j < o->p; j++) {
        o->b[j] = o->beta * o->b[j] + (1 - o->beta) * G[j];
        o->v[j] = o->beta2 * o->v[j] + (1 - o->beta2) * G[j] * G[j];
        o->pre[j] = sqrt(o->v[j] / c2) + o->eps;
        double decay = o->wd * weight(w, origin, j);
        w[j] -= eta * ((o->b[j] / c1) / o->pre[j] + decay);
    }
}

void nqm_optim_step(nqm_optim *o, double eta, const double *G, double *w, const double *origin)
{
    o->t++;
    if (o->rule == OPT_ADAM) {
        adam_step(o, eta, G, w, origin);
        return;
    }
    for (size_t j = 0; j < o->p; j++) {
        double grad = G[j] + o->wd * weight(w, origin, j);
        if (o->rule == OPT_GD) {
            w[j] -= eta * grad;
            continue;
        }
        o->b[j] = o->beta * o->b[j] + grad;
        w[j] -= eta * (o->rule == OPT_NESTEROV ? grad + o->beta * o->b[j] : o->b[j]);
    }
}

const double *nqm_optim_precond(nqm_optim *o, const double *G)
{
    if (o->rule != OPT_ADAM)
        return NULL;
    if (o->t == 0)
        for (size_t j = 0; j < o->p; j++)
            o->pre[j] = fabs(G[j]) + o->eps;
    return o->pre;
}

double nqm_optim_edge(const nqm_config *cfg)
{
    const double beta = cfg->momentum;
    switch (cfg->optimizer) {
    case OPT_MOMENTUM:
        return 2 + 2 * beta;
    case OPT_NESTEROV:
        return (2 + 2 * beta) / (1 + 2 * beta);
    case OPT_ADAM:
        return (2 + 2 * beta) / (1 - beta);
    default:
        return 2;
    }
}

int nqm_optim_preconditioned(const nqm_config *cfg) { return cfg->optimizer == OPT_ADAM; }

int nqm_schedule_moves(const nqm_config *cfg)
{
    return cfg->schedule != SCHED_CONSTANT || cfg->warmup_steps > 0;
}

double nqm_schedule_eta(const nqm_config *cfg, double eta, long t)
{
    const long K = cfg->warmup_steps;
    if (t < K)
        return cfg->eta_start + (eta - cfg->eta_start) * (double)t / (double)K;
    const long after = t - K;
    switch (cfg->schedule) {
    case SCHED_COSINE: {
        const long D = cfg->decay_steps;
        double frac = (double)(after < D ? after : D) / (double)D;
        return cfg->eta_end + (eta - cfg->eta_end) * 0.5 * (1 + cos(M_PI * frac));
    }
    case SCHED_STEP:
        return eta * pow(cfg->step_factor, (double)(after / cfg->step_every));
    default:
        return eta;
    }
}
