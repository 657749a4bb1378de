/* run.c: a session and the history of its records, for the UI. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nqmtop/app/run.h"

static int nseries(int eigs) { return NQM_SERIES_LAMBDA + eigs; }

static int push_record(nqm_run *run)
{
    const nqm_record *rec = nqm_session_record(run->session);
    double v[NQM_SERIES_LAMBDA + NQM_MAX_EIGS];
    v[NQM_SERIES_ETA] = rec->eta;
    v[NQM_SERIES_LOSS] = rec->loss;
    v[NQM_SERIES_G] = rec->g;
    v[NQM_SERIES_GNORM] = rec->gnorm;
    v[NQM_SERIES_TEST_LOSS] = rec->test_loss;
    v[NQM_SERIES_TEST_ACCURACY] = rec->test_accuracy;
    v[NQM_SERIES_PHASE] = rec->phase;
    double c = nqm_session_edge_c(run->session);
    v[NQM_SERIES_EDGE] = rec->eta > 0 ? c / rec->eta : NAN;
    v[NQM_SERIES_EDGE2] = rec->eta > 0 ? 2 * c / rec->eta : NAN;
    v[NQM_SERIES_LAMBDA_P] = rec->lambda_p;
    v[NQM_SERIES_LAMBDA_BATCH] = rec->lambda_batch;
    v[NQM_SERIES_SHARPNESS] = rec->sharpness;
    for (int k = 0; k < run->eigs; k++)
        v[NQM_SERIES_LAMBDA + k] = rec->lambda[k];
    return nqm_history_push(run->hist, rec->step, v);
}

int nqm_run_open(nqm_run *run, const nqm_config *cfg, char *err, size_t errlen)
{
    memset(run, 0, sizeof *run);
    run->session = nqm_session_new(cfg, err, errlen);
    if (!run->session)
        return -1;
    run->eigs = nqm_session_eigs(run->session);
    nqm_series_kind kinds[NQM_SERIES_LAMBDA + NQM_MAX_EIGS];
    for (int i = 0; i < nseries(run->eigs); i++)
        kinds[i] = i == NQM_SERIES_PHASE ? NQM_SERIES_LABEL : NQM_SERIES_VALUE;
    run->hist = nqm_history_new(nseries(run->eigs), kinds, NQM_RUN_HISTORY_CAPACITY);
    if (!run->hist || push_record(run) != 0) {
        snprintf(err, errlen, "out of memory for the run's history");
        nqm_run_close(run);
        return -1;
    }
    run->summary_step = -1;
    nqm_run_summarize(run);
    return 0;
}

void nqm_run_close(nqm_run *run)
{
    nqm_history_free(run->hist);
    nqm_session_free(run->session);
    memset(run, 0, sizeof *run);
}

int nqm_run_step(nqm_run *run)
{
    if (nqm_session_diverged(run->session))
        return 1;
    int rc = nqm_session_step(run->session);
    if (rc < 0 || rc == NQM_STOPPED)
        return -1;
    push_record(run);
    return rc;
}

void nqm_run_set_eta(nqm_run *run, double eta)
{
    nqm_session_set_eta(run->session, eta);
    run->summary_step = -1;
}

void nqm_run_summarize(nqm_run *run)
{
    long step = nqm_session_record(run->session)->step;
    if (step == run->summary_step)
        return;
    nqm_session_summarize(run->session, &run->summary);
    run->summary_step = step;
}

const nqm_record *nqm_run_record(const nqm_run *run) { return nqm_session_record(run->session); }

long nqm_run_step_count(const nqm_run *run) { return nqm_session_record(run->session)->step; }

nqm_model_kind nqm_run_model(const nqm_run *run) { return nqm_session_config(run->session)->model; }

int nqm_run_diverged(const nqm_run *run) { return nqm_session_diverged(run->session); }

/* The configuration of one run of the plan. */
static void plan_config(nqm_config *c, const nqm_config *base, const nqm_runset_plan *plan,
                        nqm_model_kind model)
{
    *c = *base; /* shallow: nqm_session_new copies what it keeps */
    c->model = model;
    c->optimizer = model == MODEL_THEORY ? OPT_GD : plan->optimizer;
    if (model == MODEL_THEORY)
        c->weight_decay = 0;
    c->seed = plan->seed;
    if (plan->eta_rel > 0) {
        c->eta_mode = ETA_RELATIVE;
        c->eta_rel = plan->eta_rel;
    } else {
        c->eta_mode = ETA_ABSOLUTE;
        c->eta = plan->eta;
    }
}

int nqm_runset_compared(const nqm_config *base, nqm_model_kind *models)
{
    static const nqm_model_kind family[NQM_RUNSET_MAX] = {MODEL_NET, MODEL_QUAD, MODEL_LIN};
    int n = 0;
    for (int i = 0; base->nmodels > 1 && i < base->nmodels && n < NQM_RUNSET_MAX; i++)
        if (base->models[i] != MODEL_THEORY)
            models[n++] = base->models[i];
    if (n > 1)
        return n;
    memcpy(models, family, sizeof family);
    return NQM_RUNSET_MAX;
}

int nqm_runset_build(nqm_runset *set, const nqm_config *base, const nqm_runset_plan *plan,
                     char *err, size_t errlen)
{
    nqm_model_kind models[NQM_RUNSET_MAX] = {plan->model};
    nqm_config c;
    memset(set, 0, sizeof *set);
    int n = plan->compare ? nqm_runset_compared(base, models) : 1;
    for (int i = 0; i < n; i++) {
        plan_config(&c, base, plan, models[i]);
        if (nqm_run_open(&set->runs[i], &c, err, errlen) != 0) {
            nqm_runset_free(set);
            return -1;
        }
        set->nruns++;
    }
    if (plan->theory) {
        /* the same eta as the main runs, resolved once */
        nqm_runset_plan same = *plan;
        same.eta = nqm_session_eta(set->runs[0].session);
        same.eta_rel = 0;
        plan_config(&c, base, &same, MODEL_THEORY);
        if (nqm_run_open(&set->theory, &c, err, errlen) != 0) {
            nqm_runset_free(set);
            return -1;
        }
        set->has_theory = 1;
    }
    return 0;
}

void nqm_runset_free(nqm_runset *set)
{
    for (int i = 0; i < set->nruns; i++)
        nqm_run_close(&set->runs[i]);
    if (set->has_theory)
        nqm_run_close(&set->theory);
    memset(set, 0, sizeof *set);
}

static int step_one(nqm_run *run, char *err, size_t errlen)
{
    int rc = nqm_run_step(run);
    if (rc < 0)
        snprintf(err, errlen, "%s: %s", nqm_model_name(nqm_run_model(run)),
                 nqm_session_error(run->session));
    return rc;
}

int nqm_runset_step(nqm_runset *set, char *err, size_t errlen)
{
    int going = 0;
    for (int i = 0; i < set->nruns; i++) {
        int rc = step_one(&set->runs[i], err, errlen);
        if (rc < 0)
            return -1;
        going += rc == 0;
    }
    if (set->has_theory && step_one(&set->theory, err, errlen) < 0)
        return -1;
    return going;
}

void nqm_runset_set_eta(nqm_runset *set, double eta)
{
    for (int i = 0; i < set->nruns; i++)
        nqm_run_set_eta(&set->runs[i], eta);
    if (set->has_theory)
        nqm_run_set_eta(&set->theory, eta);
}

/* The run built again and stepped to step with the learning rates of its
 * history (kept one step a bucket), its next step's rate the one the run
 * took that step with: into out. 0, or -1 with err set. */
static int replay_run(const nqm_run *run, long step, nqm_run *out, char *err, size_t errlen)
{
    if (nqm_history_span(run->hist) != 1) {
        snprintf(err, errlen, "the run is too long to go back a step");
        return -1;
    }
    if (nqm_run_open(out, nqm_session_config(run->session), err, errlen) != 0)
        return -1;
    long last = nqm_run_step_count(run) < step ? nqm_run_step_count(run) : step;
    for (long t = 1; t <= last; t++) {
        nqm_envelope eta;
        nqm_history_bucket(run->hist, t, NQM_SERIES_ETA, &eta);
        if (eta.last != nqm_session_eta(out->session))
            nqm_run_set_eta(out, eta.last);
        if (step_one(out, err, errlen) != 0) {
            if (nqm_run_diverged(out))
                break;
            nqm_run_close(out);
            return -1;
        }
    }
    /* the next step's learning rate: the one the run took it with */
    double next = nqm_session_eta(run->session);
    nqm_envelope eta;
    if (last < nqm_run_step_count(run) &&
        nqm_history_bucket(run->hist, last + 1, NQM_SERIES_ETA, &eta) == 0)
        next = eta.last;
    if (nqm_session_eta(out->session) != next)
        nqm_run_set_eta(out, next);
    return 0;
}

int nqm_runset_rewind(nqm_runset *set, long step, char *err, size_t errlen)
{
    nqm_runset fresh;
    memset(&fresh, 0, sizeof fresh);
    int ok = 1;
    for (int i = 0; ok && i < set->nruns; i++)
        ok = replay_run(&set->runs[i], step, &fresh.runs[fresh.nruns++], err, errlen) == 0;
    if (ok && set->has_theory) {
        ok = replay_run(&set->theory, step, &fresh.theory, err, errlen) == 0;
        fresh.has_theory = ok;
    }
    if (!ok) {
        nqm_runset_free(&fresh); /* a run that failed is empty */
        return -1;
    }
    nqm_runset_free(set);
    *set = fresh;
    return 0;
}

nqm_rate nqm_runset_rate(const nqm_runset *set)
{
    const nqm_run *runs[NQM_RUNSET_MAX];
    for (int i = 0; i < set->nruns; i++)
        runs[i] = &set->runs[i];
    const nqm_session *s = nqm_runs_reference(runs, set->nruns)->session;
    nqm_rate rate = {nqm_session_eta(s), nqm_session_eta_crit(s)};
    return rate;
}

void nqm_runset_summarize(nqm_runset *set)
{
    for (int i = 0; i < set->nruns; i++)
        nqm_run_summarize(&set->runs[i]);
    if (set->has_theory)
        nqm_run_summarize(&set->theory);
}

const nqm_run *nqm_runs_reference(const nqm_run *const *runs, int nruns)
{
    if (nruns > 1)
        for (int i = 0; i < nruns; i++)
            if (nqm_run_model(runs[i]) == MODEL_QUAD)
                return runs[i];
    return runs[0];
}

int nqm_runset_list(const nqm_runset *set, const nqm_run **out)
{
    int n = 0;
    for (int i = 0; i < set->nruns; i++)
        out[n++] = &set->runs[i];
    if (set->has_theory)
        out[n++] = &set->theory;
    return n;
}
