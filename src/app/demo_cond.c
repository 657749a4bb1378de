/* demo_cond.c: the conditions a demo's `until` waits for — their grammar,
 * `until [MODEL] QUANTITY OP VALUE` or `until [MODEL] peak`, checked
 * against the scene when the script is read, and whether one holds on the
 * runs at a step. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nqmtop/app/demo.h"
#include "nqmtop/base/cnum.h"
#include "nqmtop/base/textfile.h"

/* What is wrong into msg; returns -1. */
static int fail(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *msg, size_t msglen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A number of the shared grammar (cnum.h) and nothing else. */
static int parse_number(const char *s, double *out)
{
    char ignored[128];
    return nqm_parse_number(s, out, ignored, sizeof ignored);
}

static const char *const qty_names[] = {"step", "phase",   "regime",  "loss",
                                        "g",    "lambda1", "lambda2", "peak"};
enum { QTY_COUNT = sizeof qty_names / sizeof qty_names[0] };

/* The next word of *s (letters, digits, _ and -) into out; *s moves past it. */
static void next_word(const char **s, char *out, size_t len)
{
    const char *p = nqm_skip_blanks(*s);
    size_t n = 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_' ||
           p[n] == '-')
        n++;
    snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p);
    *s = p + n;
}

static int parse_cmp(const char **s, nqm_demo_cmp *out)
{
    static const struct {
        const char *text;
        nqm_demo_cmp cmp;
    } ops[] = {{"<=", NQM_CMP_LE},
               {">=", NQM_CMP_GE},
               {"=", NQM_CMP_EQ},
               {"<", NQM_CMP_LT},
               {">", NQM_CMP_GT}};
    const char *p = nqm_skip_blanks(*s);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strncmp(p, ops[i].text, strlen(ops[i].text)) == 0) {
            *out = ops[i].cmp;
            *s = p + strlen(ops[i].text);
            return 0;
        }
    return -1;
}

/* A phase or regime name into cond->label. */
static int parse_label(nqm_demo_cond *cond, const char *value, char *msg, size_t msglen)
{
    int regime = cond->qty == NQM_QTY_REGIME, count = regime ? REGIME_COUNT : PHASE_COUNT;
    char names[256];
    size_t used = 0;
    for (int i = 0; i < count; i++) {
        const char *name = regime ? nqm_regime_name((nqm_regime)i) : nqm_phase_name((nqm_phase)i);
        if (strcmp(name, value) == 0) {
            cond->label = i;
            return 0;
        }
        used += (size_t)snprintf(names + used, used < sizeof names ? sizeof names - used : 0,
                                 "%s%s", i ? ", " : "", name);
    }
    snprintf(msg, msglen, "until: '%.40s' is not a %s (%s)", value, regime ? "regime" : "phase",
             names);
    return -1;
}

/* A number, or K/eta (K/η): a threshold that follows the learning rate. */
static int parse_threshold(nqm_demo_cond *cond, const char *value, char *msg, size_t msglen)
{
    char head[64];
    const char *slash = strchr(value, '/');
    if (slash && (strcmp(slash + 1, "eta") == 0 || strcmp(slash + 1, "η") == 0) &&
        (size_t)(slash - value) < sizeof head) {
        snprintf(head, sizeof head, "%.*s", (int)(slash - value), value);
        if (parse_number(head, &cond->per_eta) == 0 && cond->per_eta > 0)
            return 0;
    } else if (parse_number(value, &cond->value) == 0) {
        return 0;
    }
    snprintf(msg, msglen, "until: '%.40s' is not a number or K/eta (as in 2/eta)", value);
    return -1;
}

static int parse_step(const nqm_demo_scene *sc, nqm_demo_cond *cond, const char *value, char *msg,
                      size_t msglen)
{
    double v;
    if (cond->cmp != NQM_CMP_EQ && cond->cmp != NQM_CMP_GE)
        return fail(msg, msglen, "until: step takes '=' (the run reaches that step)");
    if (parse_number(value, &v) != 0 || v < 0 || v != floor(v) || v > 1e9)
        return fail(msg, msglen, "until: step '%.40s' is not a whole number from 0 to 1000000000",
                    value);
    long steps = sc->cfg.steps;
    if (steps > 0 && v > (double)steps)
        return fail(msg, msglen, "until: step %.0f is past the run's end (steps = %ld)", v, steps);
    cond->value = v;
    return 0;
}

/* The condition's run exists in its scene and tracks what it reads. */
static int check_cond_run(const nqm_demo_scene *sc, const nqm_demo_cond *cond, char *msg,
                          size_t msglen)
{
    int m = cond->model;
    int runs = m < 0 || (sc->compare && (m == MODEL_NET || m == MODEL_QUAD || m == MODEL_LIN)) ||
               (!sc->compare && m == (int)sc->cfg.model) || (m == MODEL_THEORY && sc->theory);
    if (!runs)
        return fail(msg, msglen, "until: the scene runs no %s model (%s)",
                    nqm_model_name((nqm_model_kind)m),
                    sc->compare ? "compare runs net, quad and lin" : "compare is off");
    if (cond->qty == NQM_QTY_LAMBDA2 && (nqm_config_n(&sc->cfg) < 2 || sc->cfg.eigs < 2))
        return fail(msg, msglen,
                    "until: lambda2: the scene's kernel has one eigenvalue (n = %d, eigs = %d)",
                    nqm_config_n(&sc->cfg), sc->cfg.eigs);
    return 0;
}

/* `until [MODEL] peak`: nothing may follow. */
static int parse_peak(const nqm_demo_scene *sc, const nqm_demo_cond *cond, const char *rest,
                      char *msg, size_t msglen)
{
    char tail[NQM_TEXT_MAX_LINE + 1];
    snprintf(tail, sizeof tail, "%s", nqm_skip_blanks(rest));
    nqm_strip_comment(tail);
    if (*nqm_skip_blanks(tail))
        return fail(msg, msglen, "until: peak takes no comparison (until [MODEL] peak)");
    return check_cond_run(sc, cond, msg, msglen);
}

int nqm_demo_cond_parse(const nqm_demo_scene *sc, const char *s, nqm_demo_cond *cond, char *msg,
                        size_t msglen)
{
    memset(cond, 0, sizeof *cond);
    char word[32];
    cond->model = -1;
    next_word(&s, word, sizeof word);
    int m = nqm_model_parse(word);
    if (m >= 0) {
        cond->model = m;
        next_word(&s, word, sizeof word);
    }
    int q = -1;
    for (int i = 0; i < QTY_COUNT; i++)
        if (strcmp(word, qty_names[i]) == 0)
            q = i;
    if (q < 0)
        return fail(msg, msglen,
                    "until: '%s' is not step, phase, regime, loss, g, lambda1, lambda2 or peak "
                    "(until [MODEL] QUANTITY = VALUE)",
                    word);
    cond->qty = (nqm_demo_qty)q;
    if (cond->qty == NQM_QTY_PEAK)
        return parse_peak(sc, cond, s, msg, msglen);
    if (parse_cmp(&s, &cond->cmp) != 0)
        return fail(msg, msglen, "until: %s needs a comparison (=, <, >, <= or >=)", word);
    char value[NQM_TEXT_MAX_LINE + 1];
    snprintf(value, sizeof value, "%s", nqm_skip_blanks(s));
    nqm_strip_comment(value);
    if (check_cond_run(sc, cond, msg, msglen) != 0)
        return -1;
    if (cond->qty == NQM_QTY_STEP)
        return parse_step(sc, cond, value, msg, msglen);
    if (cond->qty == NQM_QTY_PHASE || cond->qty == NQM_QTY_REGIME) {
        if (cond->cmp != NQM_CMP_EQ)
            return fail(msg, msglen, "until: %s takes '='", word);
        return parse_label(cond, value, msg, msglen);
    }
    return parse_threshold(cond, value, msg, msglen);
}

/* The run a condition reads, NULL when the runs in place lack it (the
 * user changed the model or the modes). */
static nqm_run *cond_run(const nqm_demo_cond *c, nqm_runset *set)
{
    if (c->model < 0) {
        const nqm_run *runs[NQM_RUNSET_MAX];
        for (int i = 0; i < set->nruns; i++)
            runs[i] = &set->runs[i];
        const nqm_run *ref = nqm_runs_reference(runs, set->nruns);
        return &set->runs[ref - set->runs];
    }
    for (int i = 0; i < set->nruns; i++)
        if ((int)nqm_run_model(&set->runs[i]) == c->model)
            return &set->runs[i];
    return set->has_theory && c->model == MODEL_THEORY ? &set->theory : NULL;
}

/* The loss the history holds for step t (of the bucket covering it once
 * a long run's buckets span several steps). */
static double loss_at(const nqm_history *h, long t)
{
    nqm_envelope e;
    return nqm_history_envelope(h, NQM_SERIES_LOSS, t, t, &e) ? e.last : NAN;
}

/* The step before the current one t was the loss's peak: its loss is
 * above that of every earlier step (so above the start) and of step t. */
static int was_peak(const nqm_run *run)
{
    long t = nqm_run_step_count(run);
    if (t < 2)
        return 0;
    nqm_envelope before;
    double top = loss_at(run->hist, t - 1);
    if (!nqm_history_envelope(run->hist, NQM_SERIES_LOSS, 0, t - 2, &before))
        return 0;
    return isfinite(top) && top > before.max && nqm_run_record(run)->loss < top;
}

static int compare(double v, nqm_demo_cmp cmp, double t)
{
    switch (cmp) {
    case NQM_CMP_EQ:
        return v == t;
    case NQM_CMP_LT:
        return v < t;
    case NQM_CMP_GT:
        return v > t;
    case NQM_CMP_LE:
        return v <= t;
    default:
        return v >= t;
    }
}

int nqm_demo_cond_holds(const nqm_demo_cond *c, nqm_runset *set)
{
    nqm_run *run = cond_run(c, set);
    if (!run)
        return 0;
    const nqm_record *rec = nqm_run_record(run);
    double v;
    switch (c->qty) {
    case NQM_QTY_STEP:
        return rec->step >= (long)c->value;
    case NQM_QTY_PHASE:
        return (int)rec->phase == c->label;
    case NQM_QTY_REGIME:
        nqm_run_summarize(run);
        return (int)run->summary.phases.regime == c->label;
    case NQM_QTY_PEAK:
        return was_peak(run);
    case NQM_QTY_LOSS:
        v = rec->loss;
        break;
    case NQM_QTY_G:
        v = rec->g;
        break;
    case NQM_QTY_LAMBDA1:
        v = rec->lambda[0];
        break;
    default:
        v = run->eigs > 1 ? rec->lambda[1] : NAN;
        break;
    }
    double t = c->per_eta > 0 ? c->per_eta / nqm_session_eta(run->session) : c->value;
    return compare(v, c->cmp, t);
}
