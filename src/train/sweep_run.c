/* sweep_run.c: running a sweep's grid (sweep.h). Runs are numbered in grid
 * order, repeats of one point and model next to each other; spec.jobs
 * threads take them in turn, each run a session of its own with the
 * core's threads shared out and OpenBLAS kept to one thread. A result
 * leaves once all its repeats are in, so a sweep that is stopped has
 * delivered only whole results. With eta_max a run is a bisection on eta.
 * No I/O. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nqmtop/base/blas.h"
#include "sweep_state.h"

/* ---- one run ------------------------------------------------------------------- */

/* The caller asked to stop, or a run failed. */
static int stopping(nqm_sweep *sw) { return atomic_load(sw->stop) || atomic_load(&sw->halt); }

/* The late quantity of a record. */
static double late_value(nqm_late_quantity q, const nqm_record *rec)
{
    return q == NQM_LATE_G ? rec->g : q == NQM_LATE_LOSS ? rec->loss : rec->lambda_max;
}

/* Keep the record's value in the late ring of out (late_steps values,
 * slot step % late_steps). */
static void keep_late(const nqm_sweep *sw, run_out *out, const nqm_record *rec)
{
    const int K = sw->spec.late_steps;
    double *ring = (double *)out->late.values;
    ring[rec->step % K] = late_value(sw->spec.late, rec);
    out->late.last_step = rec->step;
    out->late.count = rec->step + 1 < K ? (int)rec->step + 1 : K;
}

/* Turn the ring into oldest-first order. */
static void unroll_late(const nqm_sweep *sw, run_out *out)
{
    const int K = sw->spec.late_steps, count = out->late.count;
    double tmp[NQM_LATE_MAX_STEPS] = {0}, *ring = (double *)out->late.values;
    for (int i = 0; i < count; i++)
        tmp[i] = ring[(out->late.last_step - count + 1 + i) % K];
    memcpy(ring, tmp, (size_t)count * sizeof *tmp);
}

/* Run cfg for its steps. 0: done; 1: stopped; -1: failed (err). */
static int run_one(nqm_sweep *sw, const nqm_config *cfg, run_out *out, char *err, size_t errlen)
{
    double start = sw->spec.clock ? sw->spec.clock() : NAN;
    nqm_session *s = nqm_session_new(cfg, err, errlen);
    if (!s)
        return stopping(sw) ? 1 : -1;
    int rc = 0, late = sw->spec.late != NQM_LATE_NONE;
    if (late)
        keep_late(sw, out, nqm_session_record(s));
    for (long t = 1; t <= cfg->steps && !nqm_session_diverged(s) && rc == 0; t++) {
        int step = stopping(sw) ? NQM_STOPPED : nqm_session_step(s);
        if (step == NQM_STOPPED)
            rc = 1;
        else if (step < 0)
            rc = (snprintf(err, errlen, "%s", nqm_session_error(s)), -1);
        else if (late)
            keep_late(sw, out, nqm_session_record(s));
    }
    if (late)
        unroll_late(sw, out);
    if (rc == 0) {
        nqm_session_summarize(s, &out->sum);
        out->eigs = nqm_session_eigs(s);
        out->seconds = sw->spec.clock ? sw->spec.clock() - start : NAN;
        out->eta_max_rel = NAN;
    }
    nqm_session_free(s);
    return rc;
}

/* Run cfg at eta = rel * eta_crit; *failed says whether it did not
 * train: it diverged or collapsed. */
static int run_at(nqm_sweep *sw, const nqm_config *cfg, double rel, run_out *out, int *failed,
                  char *err, size_t errlen)
{
    nqm_config c = *cfg; /* shallow: x stays the caller's */
    c.eta_mode = ETA_RELATIVE;
    c.eta_rel = rel;
    int rc = run_one(sw, &c, out, err, errlen);
    nqm_regime g = out->sum.phases.regime;
    *failed = rc == 0 && (g == REGIME_DIVERGENT || g == REGIME_COLLAPSED);
    return rc;
}

/* A bracket [lo, hi] on eta / eta_crit: lo trained, hi did not. */
typedef struct {
    double lo, hi;
    int bracketed;    /* some run failed: hi is a real upper end */
    int hi_collapsed; /* the run at hi collapsed rather than diverged */
    double seconds;   /* spent on every run so far */
} bracket;

/* Try rel; move the bracket and keep the run in out when it trained.
 * Same codes as run_one. */
static int probe_at(nqm_sweep *sw, const nqm_config *cfg, double rel, bracket *b, run_out *out,
                    char *err, size_t errlen)
{
    run_out probe;
    int failed;
    int rc = run_at(sw, cfg, rel, &probe, &failed, err, errlen);
    if (rc != 0)
        return rc;
    b->seconds += probe.seconds;
    if (failed) {
        b->hi = rel;
        b->bracketed = 1;
        b->hi_collapsed = probe.sum.phases.regime == REGIME_COLLAPSED;
    } else {
        b->lo = rel;
        out->sum = probe.sum; /* out keeps what the configuration was */
        out->eigs = probe.eigs;
    }
    return 0;
}

/* The bisection for eta_max (sweep.h): out is the run at the largest
 * eta found to train (neither diverge nor collapse). Same codes as
 * run_one. */
static int bisect(nqm_sweep *sw, const nqm_config *cfg, run_out *out, char *err, size_t errlen)
{
    bracket b = {0, NQM_SWEEP_BISECT_HI, 0, 0, 0};
    double rel = NQM_SWEEP_BISECT_LO;
    int rc = 0;
    /* a start that does not diverge, halving down to 1/64 eta_crit */
    while (rc == 0 && b.lo == 0 && rel >= 1 / NQM_SWEEP_BISECT_LIMIT) {
        rc = probe_at(sw, cfg, rel, &b, out, err, errlen);
        rel /= 2;
    }
    if (rc == 0 && b.lo == 0) /* diverged everywhere: keep the last run */
        rc = run_at(sw, cfg, 2 * rel, out, &b.bracketed, err, errlen);
    while (rc == 0 && b.lo > 0 && !b.bracketed && b.hi <= NQM_SWEEP_BISECT_LIMIT) {
        rc = probe_at(sw, cfg, b.hi, &b, out, err, errlen);
        if (!b.bracketed)
            b.hi *= 2;
    }
    while (rc == 0 && b.lo > 0 && b.bracketed && b.hi - b.lo > NQM_SWEEP_BISECT_TOL * b.lo)
        rc = probe_at(sw, cfg, 0.5 * (b.lo + b.hi), &b, out, err, errlen);
    out->eta_max_rel = b.lo;
    out->bracketed = b.bracketed;
    out->collapsed = b.bracketed && b.hi_collapsed;
    out->seconds = b.seconds;
    return rc;
}

/* ---- results --------------------------------------------------------------------- */

static double defined_step(long t) { return t >= 0 ? (double)t : NAN; }

/* Field f of one run. */
static double field_of(const run_out *r, nqm_sweep_field f)
{
    const nqm_run_summary *s = &r->sum;
    const nqm_phase_summary *p = &s->phases;
    switch (f) {
    case NQM_SF_ETA:
        return s->eta;
    case NQM_SF_ETA_REL:
        return s->eta / s->eta_crit;
    case NQM_SF_ETA_CRIT:
        return s->eta_crit;
    case NQM_SF_ETA_MAX:
        return s->eta_max;
    case NQM_SF_LAMBDA1_0:
        return s->lambda0[0];
    case NQM_SF_LAMBDA2_0:
        return r->eigs > 1 ? s->lambda0[1] : NAN;
    case NQM_SF_LAMBDA1_FINAL:
        return s->lambda_final[0];
    case NQM_SF_PEAK_STEP:
        return defined_step(p->peak_step);
    case NQM_SF_PEAK_LOSS:
        return p->peak_step >= 0 ? p->peak_loss : NAN;
    case NQM_SF_FINAL_LOSS:
        return s->final_loss;
    case NQM_SF_T1:
        return defined_step(p->T1);
    case NQM_SF_T2:
        return defined_step(p->T2);
    case NQM_SF_T3:
        return defined_step(p->T3);
    case NQM_SF_T4:
        return defined_step(p->T4);
    case NQM_SF_BEST_TEST_LOSS:
        return s->best_test_loss;
    case NQM_SF_BEST_TEST_ACCURACY:
        return s->best_test_accuracy;
    case NQM_SF_ETA_MAX_MEASURED:
        return r->eta_max_rel * s->eta_crit;
    case NQM_SF_ETA_MAX_RATIO:
        return r->eta_max_rel * s->eta_crit / s->eta_max;
    case NQM_SF_BRACKETED:
        return isnan(r->eta_max_rel) ? NAN : r->bracketed;
    case NQM_SF_ETA_MAX_COLLAPSED:
        return isnan(r->eta_max_rel) ? NAN : r->collapsed;
    case NQM_SF_EDGE_FINAL:
        return p->edge_final;
    case NQM_SF_PERIOD:
        return p->period;
    case NQM_SF_C:
        return s->c;
    case NQM_SF_LOSS_RISE:
        return s->early.loss_max / s->early.loss0;
    case NQM_SF_SHARPNESS_RISE:
        return s->early.lambda_max / s->early.lambda0;
    case NQM_SF_LOSS_CATAPULT:
        return s->early_phase == EARLY_DIVERGENT ? NAN : s->early_phase != EARLY_NO_CATAPULT;
    case NQM_SF_SHARPNESS_CATAPULT:
        return s->early_phase == EARLY_DIVERGENT ? NAN : s->early_phase == EARLY_BOTH_CATAPULT;
    case NQM_SF_STEPS:
        return (double)s->steps;
    case NQM_SF_SECONDS:
        return r->seconds;
    default:
        return NAN;
    }
}

/* Mean and sample standard deviation of the finite values of field f
 * over the runs' records, in repeat order. */
static nqm_stat reduce(const nqm_sweep_run_record *recs, int count, nqm_sweep_field f)
{
    nqm_stat st = {0, 0, 0};
    for (int i = 0; i < count; i++) {
        double v = recs[i].field[f];
        if (isfinite(v)) {
            st.mean += v;
            st.count++;
        }
    }
    if (st.count == 0)
        return (nqm_stat){NAN, NAN, 0};
    st.mean /= st.count;
    double ss = 0;
    for (int i = 0; i < count; i++) {
        double v = recs[i].field[f];
        if (isfinite(v))
            ss += (v - st.mean) * (v - st.mean);
    }
    st.sd = st.count > 1 ? sqrt(ss / (st.count - 1)) : 0.0;
    return st;
}

/* The result of grid point p, model k from the records of its runs. */
static void make_result(const nqm_sweep *sw, int p, int k, nqm_sweep_result *res)
{
    const size_t pk = (size_t)p * sw->models + k;
    const nqm_sweep_run_record *recs = &sw->recs[pk * sw->spec.repeats];
    memset(res, 0, sizeof *res);
    res->point = p;
    for (int a = sw->spec.naxes - 1, rest = p; a >= 0; a--) {
        res->index[a] = rest % sw->spec.axis[a].count;
        res->coord[a] = nqm_sweep_axis_value(&sw->spec.axis[a], res->index[a]);
        rest /= sw->spec.axis[a].count;
    }
    res->model = recs[0].model;
    res->activation = recs[0].activation;
    res->loss = recs[0].loss;
    res->width = recs[0].width;
    res->n = recs[0].n;
    res->d = recs[0].d;
    res->n_test = recs[0].n_test;
    res->seed = recs[0].seed;
    res->repeats = sw->spec.repeats;
    for (int r = 0; r < sw->spec.repeats; r++)
        res->regimes[recs[r].regime]++;
    res->regime = REGIME_UNDETERMINED;
    for (int g = 0; g < REGIME_COUNT; g++)
        if (res->regimes[g] > res->regimes[res->regime])
            res->regime = (nqm_regime)g;
    for (int f = 0; f < NQM_SF_COUNT; f++)
        res->field[f] = reduce(recs, sw->spec.repeats, (nqm_sweep_field)f);
    if (sw->late) {
        const run_out *runs = &sw->runs[pk * sw->spec.repeats];
        for (int r = 0; r < sw->spec.repeats; r++)
            sw->late[pk * sw->spec.repeats + r] = runs[r].late;
        res->late = &sw->late[pk * sw->spec.repeats];
        res->branches = nqm_late_branches(res->late);
    }
}

/* The record of a finished run: its configuration and field values. */
static void record_run(nqm_sweep *sw, long task)
{
    const run_out *out = &sw->runs[task];
    nqm_sweep_run_record *rec = &sw->recs[task];
    const int R = sw->spec.repeats;
    rec->point = (int)(task / R / sw->models);
    rec->k = (int)(task / R % sw->models);
    rec->repeat = (int)(task % R);
    rec->model = out->model;
    rec->activation = out->activation;
    rec->loss = out->loss;
    rec->width = out->width;
    rec->n = out->n;
    rec->d = out->d;
    rec->n_test = out->n_test;
    rec->seed = out->seed;
    rec->regime = out->sum.phases.regime;
    for (int f = 0; f < NQM_SF_COUNT; f++)
        rec->field[f] = field_of(out, (nqm_sweep_field)f);
    sw->have[task] = RUN_DONE;
}

/* ---- the workers ------------------------------------------------------------------ */

/* Book a finished run; deliver its result when it completes one. */
static void finish_run(nqm_sweep *sw, long task)
{
    const int R = sw->spec.repeats;
    const long pk = task / R;
    pthread_mutex_lock(&sw->lock);
    sw->finished++;
    record_run(sw, task);
    if (sw->sink->run && !sw->failed)
        sw->sink->run(sw->sink->ctx, &sw->recs[task]);
    if (++sw->done[pk] == R && !sw->failed) {
        nqm_sweep_result res;
        make_result(sw, (int)(pk / sw->models), (int)(pk % sw->models), &res);
        sw->sink->result(sw->sink->ctx, &res);
        sw->delivered++;
    }
    if (sw->sink->progress && !sw->failed)
        sw->sink->progress(sw->sink->ctx, sw->finished, sw->ntodo);
    pthread_mutex_unlock(&sw->lock);
}

static void fail_run(nqm_sweep *sw, const char *err)
{
    pthread_mutex_lock(&sw->lock);
    if (!sw->failed)
        snprintf(sw->err, sizeof sw->err, "%s", err);
    sw->failed = 1;
    atomic_store(&sw->halt, 1);
    pthread_mutex_unlock(&sw->lock);
}

/* Run task (point, model, repeat) with the core's threads shared out.
 * Same codes as run_one. */
static int run_task(nqm_sweep *sw, long task, char *err, size_t errlen)
{
    const int R = sw->spec.repeats, pk = (int)(task / R);
    nqm_config cfg;
    if (nqm_sweep_resolve_point(sw, pk / sw->models, pk % sw->models, &cfg, err, errlen) != 0)
        return -1;
    int threads = sw->spec.cores / sw->spec.jobs;
    cfg.threads = threads > 1 ? threads : 1;
    cfg.stop = sw->stop; /* a run stops in the middle of a step, not only between steps */
    cfg.seed += (unsigned long)(task % R);
    run_out *out = &sw->runs[task];
    out->model = cfg.model;
    out->activation = cfg.activation;
    out->loss = cfg.loss;
    out->width = cfg.width;
    out->n = nqm_config_n(&cfg);
    out->d = nqm_config_d(&cfg);
    out->n_test = nqm_config_test_n(&cfg);
    out->seed = cfg.seed;
    if (sw->late) {
        out->late.values = sw->late_values + (size_t)task * sw->spec.late_steps;
        out->late.seed = cfg.seed;
    }
    int rc =
        sw->spec.eta_max ? bisect(sw, &cfg, out, err, errlen) : run_one(sw, &cfg, out, err, errlen);
    nqm_config_free(&cfg);
    return rc;
}

static void *worker(void *arg)
{
    nqm_sweep *sw = arg;
    for (;;) {
        long i = atomic_fetch_add(&sw->next, 1);
        if (i >= sw->ntodo || stopping(sw))
            return NULL;
        long task = sw->todo[i];
        char err[512];
        int rc = run_task(sw, task, err, sizeof err);
        if (rc < 0)
            fail_run(sw, err);
        else if (rc == 0)
            finish_run(sw, task);
    }
}

/* The runs this process makes: those of its shard not preloaded (runs
 * made by an earlier nqm_sweep_run are made again); the repeats each
 * result has already. */
static void plan_runs(nqm_sweep *sw)
{
    const int R = sw->spec.repeats, shards = sw->spec.shards;
    memset(sw->done, 0, (size_t)sw->points * sw->models * sizeof *sw->done);
    sw->ntodo = 0;
    for (long t = 0; t < sw->total; t++) {
        if (sw->have[t] == RUN_DONE)
            sw->have[t] = RUN_NONE;
        if (sw->have[t] == RUN_PRELOADED)
            sw->done[t / R]++;
        else if (shards <= 1 || t % shards == sw->spec.shard)
            sw->todo[sw->ntodo++] = t;
    }
}

/* The results whose runs were all preloaded, in grid order. */
static void deliver_preloaded(nqm_sweep *sw)
{
    for (long pk = 0; pk < (long)sw->points * sw->models; pk++)
        if (sw->done[pk] == sw->spec.repeats) {
            nqm_sweep_result res;
            make_result(sw, (int)(pk / sw->models), (int)(pk % sw->models), &res);
            sw->sink->result(sw->sink->ctx, &res);
            sw->delivered++;
        }
}

int nqm_sweep_run(nqm_sweep *sw, const nqm_sweep_sink *sink, atomic_int *stop, char *err,
                  size_t errlen)
{
    atomic_int own_stop = 0;
    sw->sink = sink;
    sw->stop = stop ? stop : &own_stop;
    atomic_store(&sw->next, 0);
    atomic_store(&sw->halt, 0);
    sw->finished = 0;
    sw->delivered = 0;
    sw->failed = 0;
    plan_runs(sw);
    deliver_preloaded(sw);
    pthread_mutex_init(&sw->lock, NULL);
    int jobs = sw->spec.jobs < sw->ntodo ? sw->spec.jobs : (int)sw->ntodo;
    int blas_threads = nqm_blas_threads();
    if (jobs > 1)
        nqm_blas_set_threads(1);
    pthread_t *tid = malloc((size_t)(jobs > 0 ? jobs : 1) * sizeof *tid);
    int started = 0;
    while (tid && started < jobs && pthread_create(&tid[started], NULL, worker, sw) == 0)
        started++;
    if (started == 0 && jobs > 0)
        worker(sw); /* no threads to be had: run them here */
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
    if (jobs > 1)
        nqm_blas_set_threads(blas_threads);
    pthread_mutex_destroy(&sw->lock);
    if (sw->failed) {
        snprintf(err, errlen, "%s", sw->err);
        return -1;
    }
    return sw->delivered;
}
