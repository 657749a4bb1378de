/* batch.c: the headless front end. Steps a session, writes one record per
 * step (tsv, csv or jsonl) and a JSON summary. No curses here.
 *
 * Numbers go out in the shortest form that reads back exactly, in the C
 * locale whatever the process locale; non-finite ones as inf, -inf, nan
 * (tsv, csv), or 1e999, -1e999 and null (JSON). A summary
 * file is written to a temporary file in its directory and then linked or
 * renamed into place, so readers never see half of it and an existing
 * file is never replaced without force. */
#include "nqmtop/out/batch.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nqmtop/base/cnum.h"
#include "nqmtop/base/files.h"
#include "nqmtop/base/textfile.h"
#include "nqmtop/train/optim.h"
#include "nqmtop/train/phase.h"
#include "nqmtop/train/session.h"
#include "nqmtop/base/clock.h"

/* ---- records ------------------------------------------------------------------ */

/* Columns: step eta loss g gnorm lambda1..lambdaK [lambda_p]
 * [lambda_batch spike] [sharpness] edge [active] [test_loss test_accuracy] phase,
 * K >= 2 so that every run has lambda1 and lambda2 (nan or null where
 * the kernel has fewer eigenvalues); lambda_p (the preconditioned
 * kernel's top eigenvalue) only for adam; lambda_batch (the top
 * eigenvalue of the kernel of the batch the step trained on) and spike
 * (1 where a spike of the loss starts) only for SGD; sharpness (the loss
 * Hessian's top eigenvalue, nan on the steps it skips) only when
 * sharpness_every is on; edge is eta lambda / c, the rule's edge ratio
 * (eta lambda1 / 2 for GD); active (the share of active units) only for a model with units that can
 * die; the test columns only when the run has a test set. */
typedef struct {
    nqm_format format;
    int lambdas; /* K */
    int eigs;    /* eigenvalues the session computes, <= K */
    int precond; /* the run reports lambda_p */
    int sgd;     /* the run reports lambda_batch and spike */
    int sharp;   /* the run reports sharpness */
    int units;   /* the run reports its share of active units */
    int test;    /* the run has a test set */
} record_layout;

static const char *const base_columns[] = {"step", "eta", "loss", "g", "gnorm"};
enum { BASE_COLUMNS = 5 };

static void write_header(FILE *f, const record_layout *lay)
{
    if (lay->format == NQM_FORMAT_JSONL)
        return;
    char sep = lay->format == NQM_FORMAT_CSV ? ',' : '\t';
    for (int i = 0; i < BASE_COLUMNS; i++)
        fprintf(f, "%s%c", base_columns[i], sep);
    for (int k = 0; k < lay->lambdas; k++)
        fprintf(f, "lambda%d%c", k + 1, sep);
    if (lay->precond)
        fprintf(f, "lambda_p%c", sep);
    if (lay->sgd)
        fprintf(f, "lambda_batch%cspike%c", sep, sep);
    if (lay->sharp)
        fprintf(f, "sharpness%c", sep);
    fprintf(f, "edge%c", sep);
    if (lay->units)
        fprintf(f, "active%c", sep);
    if (lay->test)
        fprintf(f, "test_loss%ctest_accuracy%c", sep, sep);
    fputs("phase\n", f);
}

static void write_delimited(FILE *f, const record_layout *lay, const nqm_record *r)
{
    char sep = lay->format == NQM_FORMAT_CSV ? ',' : '\t';
    const double v[BASE_COLUMNS - 1] = {r->eta, r->loss, r->g, r->gnorm};
    fprintf(f, "%ld", r->step);
    for (int i = 0; i < BASE_COLUMNS - 1; i++) {
        fputc(sep, f);
        nqm_put_number(f, v[i], 0);
    }
    for (int k = 0; k < lay->lambdas; k++) {
        fputc(sep, f);
        nqm_put_number(f, k < lay->eigs ? r->lambda[k] : NAN, 0);
    }
    if (lay->precond) {
        fputc(sep, f);
        nqm_put_number(f, r->lambda_p, 0);
    }
    if (lay->sgd) {
        fputc(sep, f);
        nqm_put_number(f, r->lambda_batch, 0);
        fprintf(f, "%c%d", sep, r->spike);
    }
    if (lay->sharp) {
        fputc(sep, f);
        nqm_put_number(f, r->sharpness, 0);
    }
    for (int i = 0; i < 1 + lay->units; i++) {
        fputc(sep, f);
        nqm_put_number(f, i ? r->active : r->edge, 0);
    }
    for (int i = 0; lay->test && i < 2; i++) {
        fputc(sep, f);
        nqm_put_number(f, i ? r->test_accuracy : r->test_loss, 0);
    }
    fputc(sep, f);
    fputs(nqm_phase_name(r->phase), f);
    fputc('\n', f);
}

static void write_jsonl(FILE *f, const record_layout *lay, const nqm_record *r)
{
    const double v[BASE_COLUMNS - 1] = {r->eta, r->loss, r->g, r->gnorm};
    fprintf(f, "{\"step\":%ld", r->step);
    for (int i = 0; i < BASE_COLUMNS - 1; i++) {
        fprintf(f, ",\"%s\":", base_columns[i + 1]);
        nqm_put_number(f, v[i], 1);
    }
    for (int k = 0; k < lay->lambdas; k++) {
        fprintf(f, ",\"lambda%d\":", k + 1);
        nqm_put_number(f, k < lay->eigs ? r->lambda[k] : NAN, 1);
    }
    if (lay->precond) {
        fputs(",\"lambda_p\":", f);
        nqm_put_number(f, r->lambda_p, 1);
    }
    if (lay->sgd) {
        fputs(",\"lambda_batch\":", f);
        nqm_put_number(f, r->lambda_batch, 1);
        fprintf(f, ",\"spike\":%d", r->spike);
    }
    if (lay->sharp) {
        fputs(",\"sharpness\":", f);
        nqm_put_number(f, r->sharpness, 1);
    }
    fputs(",\"edge\":", f);
    nqm_put_number(f, r->edge, 1);
    if (lay->units) {
        fputs(",\"active\":", f);
        nqm_put_number(f, r->active, 1);
    }
    if (lay->test) {
        fputs(",\"test_loss\":", f);
        nqm_put_number(f, r->test_loss, 1);
        fputs(",\"test_accuracy\":", f);
        nqm_put_number(f, r->test_accuracy, 1);
    }
    fprintf(f, ",\"phase\":\"%s\"}\n", nqm_phase_name(r->phase));
}

static void write_record(FILE *f, const record_layout *lay, const nqm_record *r)
{
    if (lay->format == NQM_FORMAT_JSONL)
        write_jsonl(f, lay, r);
    else
        write_delimited(f, lay, r);
}

/* ---- the summary ------------------------------------------------------------ */

typedef struct {
    nqm_run_summary run;
    int eigs;
    double seconds;
} batch_result;

static double lambda_or_nan(const double *lam, int eigs, int k) { return k < eigs ? lam[k] : NAN; }

static void write_summary_config(nqm_json *f, const nqm_config *cfg)
{
    nqm_json_string(f, "preset", cfg->preset);
    nqm_json_string(f, "model", nqm_model_name(cfg->model));
    nqm_json_string(f, "activation", nqm_activation_name(cfg->activation));
    nqm_json_string(f, "network", nqm_network_name(cfg->network));
    nqm_json_integer(f, "depth", cfg->network == NETWORK_MLP ? cfg->depth : 2,
                     cfg->network != NETWORK_CNN);
    nqm_json_string(f, "loss", nqm_loss_name(cfg->loss));
    nqm_json_string(f, "data", nqm_data_name(cfg->data));
    nqm_json_integer(f, "width", cfg->width, 1);
    nqm_json_integer(f, "n", nqm_config_n(cfg), 1);
    nqm_json_integer(f, "d", nqm_config_d(cfg), 1);
    nqm_json_key(f, "seed");
    fprintf(f->f, "%lu", cfg->seed);
    nqm_json_string(f, "eig_order", nqm_eig_order_name(cfg->eig_order));
    if (cfg->optimizer != OPT_GD || cfg->weight_decay > 0) {
        nqm_json_string(f, "optimizer", nqm_optimizer_name(cfg->optimizer));
        nqm_json_number(f, "momentum", cfg->momentum);
        if (cfg->optimizer == OPT_ADAM) {
            nqm_json_number(f, "beta2", cfg->beta2);
            nqm_json_number(f, "adam_eps", cfg->adam_eps);
        }
        nqm_json_number(f, "weight_decay", cfg->weight_decay);
    }
    if (nqm_schedule_moves(cfg))
        nqm_json_string(f, "schedule", nqm_schedule_name(cfg->schedule));
}

/* The rule's edge and where it stands, for runs that are not plain GD. */
static void write_summary_edge(nqm_json *f, const nqm_config *cfg, const nqm_run_summary *s)
{
    if (cfg->optimizer == OPT_GD && !nqm_schedule_moves(cfg))
        return;
    nqm_json_number(f, "edge_constant", s->edge_c);
    nqm_json_number(f, "threshold_final", s->edge_c / s->eta_last);
    nqm_json_number(f, "eta_final", s->eta_last);
    if (nqm_optim_preconditioned(cfg)) {
        nqm_json_number(f, "lambda_p_0", s->lambda_p0);
        nqm_json_number(f, "lambda_p_final", s->lambda_p_final);
    }
}

static void write_summary_run(nqm_json *f, const batch_result *res)
{
    const nqm_run_summary *s = &res->run;
    const nqm_phase_summary *p = &s->phases;
    nqm_json_number(f, "eta", s->eta);
    nqm_json_number(f, "eta_rel", s->eta / s->eta_crit);
    nqm_json_number(f, "eta_crit", s->eta_crit);
    nqm_json_number(f, "eta_max", s->eta_max);
    nqm_json_integer(f, "eigs", res->eigs, 1);
    nqm_json_number(f, "lambda1_0", lambda_or_nan(s->lambda0, res->eigs, 0));
    nqm_json_number(f, "lambda2_0", lambda_or_nan(s->lambda0, res->eigs, 1));
    nqm_json_number(f, "lambda1_final", lambda_or_nan(s->lambda_final, res->eigs, 0));
    nqm_json_number(f, "lambda2_final", lambda_or_nan(s->lambda_final, res->eigs, 1));
    nqm_json_string(f, "regime", nqm_regime_name(p->regime));
    nqm_json_string(f, "why", p->why);
    nqm_json_integer(f, "period", p->period, p->period > 0);
    nqm_json_number(f, "edge_final", p->edge_final);
    nqm_json_number(f, "active_final", p->active_final);
    nqm_json_integer(f, "peak_step", p->peak_step, p->peak_step >= 0);
    nqm_json_number(f, "peak_loss", p->peak_loss);
    nqm_json_number(f, "final_loss", s->final_loss);
    nqm_json_integer(f, "n_test", s->n_test, 1);
    nqm_json_number(f, "best_test_loss", s->best_test_loss);
    nqm_json_number(f, "best_test_accuracy", s->best_test_accuracy);
    nqm_json_integer(f, "T1", p->T1, p->T1 >= 0);
    nqm_json_integer(f, "T2", p->T2, p->T2 >= 0);
    nqm_json_integer(f, "T3", p->T3, p->T3 >= 0);
    nqm_json_integer(f, "T4", p->T4, p->T4 >= 0);
    nqm_json_string(f, "early_phase", nqm_early_phase_name(s->early_phase));
    nqm_json_number(f, "c", s->c);
    nqm_json_number(f, "loss_rise", s->early.loss_max / s->early.loss0);
    nqm_json_number(f, "sharpness_rise", s->early.lambda_max / s->early.lambda0);
    if (s->spikes >= 0)
        nqm_json_integer(f, "spikes", s->spikes, 1);
    nqm_json_integer(f, "steps", s->steps, 1);
    nqm_json_number(f, "seconds", res->seconds);
    nqm_json_number(f, "steps_per_second", res->seconds > 0 ? s->steps / res->seconds : NAN);
}

static void write_summary(FILE *f, int compact, const nqm_config *cfg, const batch_result *res,
                          const nqm_provenance *prov)
{
    nqm_json o;
    nqm_json_open(&o, f, compact);
    write_summary_config(&o, cfg);
    write_summary_run(&o, res);
    write_summary_edge(&o, cfg, &res->run);
    if (cfg->sharpness_every > 0) {
        nqm_json_number(&o, "sharpness_0", res->run.sharpness0);
        nqm_json_number(&o, "sharpness_final", res->run.sharpness_final);
    }
    nqm_json_provenance(&o, prov, cfg);
    nqm_json_close(&o);
    fputc('\n', f);
}

/* ---- the summary file ---------------------------------------------------------- */

static int summary_to_file(const nqm_batch_options *opt)
{
    return opt->summary && strcmp(opt->summary, "-") != 0;
}

int nqm_output_check(const char *option, const char *path, int force, char *err, size_t errlen)
{
    char dir[4096];
    nqm_dir_of(path, dir, sizeof dir);
    if (path[0] == '\0' || path[strlen(path) - 1] == '/') {
        snprintf(err, errlen, "%s: '%s' is not a file name", option, path);
        return -1;
    }
    if (nqm_file_target_check(path, force, option, err, errlen) != 0)
        return -1;
    if (access(dir, W_OK) != 0) {
        snprintf(err, errlen, "%s: cannot write in %s: %s", option, dir, strerror(errno));
        return -1;
    }
    return 0;
}

int nqm_batch_check(const nqm_batch_options *opt, char *err, size_t errlen)
{
    if (summary_to_file(opt) &&
        nqm_output_check("--summary", opt->summary, opt->force, err, errlen))
        return -1;
    if (opt->plot && nqm_output_check("--plot", opt->plot, opt->force, err, errlen) != 0)
        return -1;
    if (opt->plot && summary_to_file(opt) && strcmp(opt->plot, opt->summary) == 0) {
        snprintf(err, errlen, "--plot: %s is the --summary file too", opt->plot);
        return -1;
    }
    return 0;
}

void nqm_plot_title(const nqm_config *cfg, char *buf, size_t len)
{
    char eta[48];
    if (cfg->eta_mode == ETA_RELATIVE)
        snprintf(eta, sizeof eta, "η = %g η_crit", cfg->eta_rel);
    else
        snprintf(eta, sizeof eta, "η = %g", cfg->eta);
    snprintf(buf, len, "%s%s%s %s, m = %ld, n = %d, d = %d, %s loss, %s, seed %lu",
             cfg->preset[0] ? cfg->preset : "", cfg->preset[0] ? ": " : "",
             nqm_model_name(cfg->model), nqm_activation_name(cfg->activation), cfg->width,
             nqm_config_n(cfg), nqm_config_d(cfg), nqm_loss_name(cfg->loss), eta, cfg->seed);
}

/* What the summary file is written from. */
typedef struct {
    const nqm_config *cfg;
    const batch_result *res;
    const nqm_provenance *prov;
} summary_source;

static int write_summary_to(FILE *f, const void *ctx)
{
    const summary_source *src = ctx;
    write_summary(f, 0, src->cfg, src->res, src->prov);
    return 0;
}

static int write_summary_file(const nqm_config *cfg, const batch_result *res,
                              const nqm_batch_options *opt, FILE *errs)
{
    summary_source src = {cfg, res, opt->provenance};
    char err[4400];
    if (nqm_file_write(opt->summary, opt->force, "--summary", write_summary_to, &src, err,
                       sizeof err) == 0)
        return 0;
    nqm_say(errs, "nqmtop: %s", err);
    return 1;
}

/* ---- the figure ------------------------------------------------------------------ */

typedef struct {
    const nqm_plot_run *run;
    const nqm_plot_info *info;
} plot_source;

static int write_plot_to(FILE *f, const void *ctx)
{
    const plot_source *src = ctx;
    return nqm_plot_run_svg(f, src->run, src->info);
}

static int write_plot_file(const nqm_config *cfg, const nqm_plot_run *run,
                           const nqm_batch_options *opt, FILE *errs)
{
    char title[320], err[4400];
    nqm_plot_title(cfg, title, sizeof title);
    char *meta = opt->provenance ? nqm_provenance_text(opt->provenance, cfg) : NULL;
    nqm_plot_info info = {opt->plot_size, title, meta};
    plot_source src = {run, &info};
    int rc = nqm_file_write(opt->plot, opt->force, "--plot", write_plot_to, &src, err, sizeof err);
    free(meta);
    if (rc == 0)
        return 0;
    fprintf(errs, "nqmtop: %s\n", err);
    return 1;
}

/* ---- the run --------------------------------------------------------------------- */

/* Step the session, one record per step. 0, or 1 on an internal failure. */
static int run_loop(nqm_session *s, const record_layout *lay, long steps, nqm_plot_run *plot,
                    FILE *out, FILE *errs)
{
    write_header(out, lay);
    write_record(out, lay, nqm_session_record(s));
    if (plot)
        nqm_plot_run_add(plot, nqm_session_record(s));
    for (long t = 1; t <= steps && !nqm_session_diverged(s); t++) {
        int rc = nqm_session_step(s);
        if (rc < 0) {
            fflush(out);
            nqm_say(errs, "nqmtop: step %ld failed: %s", t, nqm_session_error(s));
            return 1;
        }
        write_record(out, lay, nqm_session_record(s));
        if (plot)
            nqm_plot_run_add(plot, nqm_session_record(s));
    }
    return 0;
}

static int run_session(nqm_session *s, const nqm_config *cfg, const nqm_batch_options *opt,
                       FILE *out, FILE *errs)
{
    int eigs = nqm_session_eigs(s);
    record_layout lay = {opt->format,
                         eigs > 2 ? eigs : 2,
                         eigs,
                         nqm_optim_preconditioned(cfg),
                         cfg->batch_size > 0 &&
                             cfg->batch_size<nqm_session_data(s)->n, cfg->sharpness_every> 0,
                         !isnan(nqm_session_record(s)->active),
                         nqm_session_data(s)->n_test > 0};
    batch_result res;
    res.eigs = eigs;
    nqm_plot_run *plot = opt->plot ? nqm_plot_run_new(eigs, lay.test) : NULL;
    if (opt->plot && !plot) {
        fprintf(errs, "nqmtop: --plot: out of memory\n");
        return 1;
    }
    double start = nqm_clock_seconds();
    int rc = run_loop(s, &lay, opt->steps, plot, out, errs);
    res.seconds = nqm_clock_seconds() - start;
    if (rc == 0 && plot)
        rc = write_plot_file(cfg, plot, opt, errs);
    nqm_plot_run_free(plot);
    if (rc != 0)
        return rc;
    nqm_session_summarize(s, &res.run);
    if (opt->summary && !summary_to_file(opt))
        write_summary(out, 1, cfg, &res, opt->provenance);
    if (fflush(out) != 0 || ferror(out)) {
        nqm_say(errs, "nqmtop: writing the records failed: %s", strerror(errno));
        return 1;
    }
    return summary_to_file(opt) ? write_summary_file(cfg, &res, opt, errs) : 0;
}

int nqm_batch_run(const nqm_config *given, const nqm_batch_options *opt, FILE *out, FILE *errs)
{
    nqm_config ran = *given; /* shallow: the configuration the records come from */
    ran.steps = opt->steps;
    const nqm_config *cfg = &ran;
    char err[512];
    if (nqm_batch_check(opt, err, sizeof err) != 0) {
        nqm_say(errs, "nqmtop: %s", err);
        return 2;
    }
    nqm_session *s = nqm_session_new(cfg, err, sizeof err);
    if (!s) {
        nqm_say(errs, "nqmtop: %s", err);
        return 1;
    }
    nqm_c_numeric scope;
    nqm_c_numeric_begin(&scope);
    int rc = run_session(s, cfg, opt, out, errs);
    nqm_c_numeric_end(&scope);
    nqm_session_free(s);
    return rc;
}
