/* demo_player.c: the scene player (see demo.h): it starts a scene's runs
 * on the stage, runs the scene's commands, and holds at each until whose
 * condition (demo_cond.c) has not come yet; a peak, seen one step late,
 * takes the runs back to its step. It only builds runs and changes the
 * app's state; it never draws and never reads a clock (how long a caption
 * stays is the controller's to time, from the reading time given here). */
#include <stdio.h>
#include <string.h>

#include "nqmtop/app/demo.h"

static const nqm_demo_scene *scene_of(const nqm_player *p) { return &p->demo->scenes[p->scene]; }

static void run_command(nqm_player *p, nqm_stage *st, int index)
{
    const nqm_demo_cmd *c = &scene_of(p)->cmds[index];
    nqm_app *app = st->app;
    switch (c->op) {
    case NQM_DEMO_CAPTION:
        p->caption = index;
        break;
    case NQM_DEMO_PAUSE:
    case NQM_DEMO_RESUME:
        app->paused = c->op == NQM_DEMO_PAUSE;
        app->rate_carry = 0;
        break;
    case NQM_DEMO_ETA:
        nqm_runset_set_eta(st->set,
                           c->relative ? c->value * nqm_runset_rate(st->set).eta_crit : c->value);
        break;
    case NQM_DEMO_LOG:
        app->log_loss = c->value != 0;
        break;
    case NQM_DEMO_SPEED:
        app->speed = (int)c->value;
        app->rate_carry = 0;
        break;
    default:
        break;
    }
}

/* Run commands from pc up to the next until (which then waits) or the
 * scene's end. */
static void advance(nqm_player *p, nqm_stage *st)
{
    const nqm_demo_scene *sc = scene_of(p);
    while (p->pc < sc->ncmds && sc->cmds[p->pc].op != NQM_DEMO_UNTIL)
        run_command(p, st, p->pc++);
    p->waiting = p->pc < sc->ncmds;
}

/* A fresh app for the scene's runs, keeping what the viewer chose. */
static void reset_app(nqm_app *app, const nqm_config *cfg, const nqm_runset *set)
{
    nqm_app keep = *app;
    nqm_app_init(app, cfg, keep.picker_count);
    app->picker_sel = keep.picker_sel;
    app->big = keep.big;
    app->demo = keep.demo;
    app->compare = set->nruns > 1;
    app->theory = set->has_theory;
    if (!app->compare)
        app->model = nqm_run_model(&set->runs[0]);
}

int nqm_player_start(nqm_player *p, const nqm_demo *demo, int k, nqm_stage *st, char *err,
                     size_t errlen)
{
    const nqm_demo_scene *sc = &demo->scenes[k];
    const nqm_config *cfg = &sc->cfg;
    nqm_runset_plan plan = {sc->compare ? MODEL_QUAD : cfg->model,
                            cfg->seed,
                            cfg->eta,
                            cfg->eta_mode == ETA_RELATIVE ? cfg->eta_rel : 0,
                            sc->compare,
                            sc->theory,
                            cfg->optimizer};
    nqm_runset fresh;
    nqm_config copy;
    if (nqm_runset_build(&fresh, cfg, &plan, err, errlen) != 0)
        return -1;
    if (nqm_config_copy(&copy, cfg) != 0) {
        nqm_runset_free(&fresh);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    nqm_runset_free(st->set);
    *st->set = fresh;
    nqm_config_free(st->base);
    *st->base = copy;
    reset_app(st->app, cfg, st->set);
    p->demo = demo;
    p->scene = k;
    p->pc = 0;
    p->caption = -1;
    p->held = -1;
    p->held_step = -1;
    p->pending = 0;
    advance(p, st);
    return 0;
}

int nqm_player_check(nqm_player *p, nqm_stage *st)
{
    if (!p->waiting || p->pending)
        return 0;
    const nqm_demo_cond *c = &scene_of(p)->cmds[p->pc].cond;
    if (!nqm_demo_cond_holds(c, st->set))
        return 0;
    if (c->qty == NQM_QTY_PEAK) {
        char ignored[128]; /* a run too long to go back stays a step past its peak */
        nqm_runset_rewind(st->set, nqm_run_step_count(&st->set->runs[0]) - 1, ignored,
                          sizeof ignored);
    }
    p->held = p->pc++;
    p->held_step = nqm_run_step_count(&st->set->runs[0]);
    p->waiting = 0;
    p->pending = 1;
    return 1;
}

void nqm_player_proceed(nqm_player *p, nqm_stage *st)
{
    if (!p->pending)
        return;
    p->pending = 0;
    advance(p, st);
}

int nqm_player_poll(nqm_player *p, nqm_stage *st)
{
    if (!nqm_player_check(p, st))
        return 0;
    nqm_player_proceed(p, st);
    return 1;
}

int nqm_player_replaces_caption(const nqm_player *p)
{
    const nqm_demo_scene *sc = scene_of(p);
    for (int i = p->pc; i < sc->ncmds && sc->cmds[i].op != NQM_DEMO_UNTIL; i++)
        if (sc->cmds[i].op == NQM_DEMO_CAPTION)
            return 1;
    return 0;
}

/* Words of a line: runs of characters between spaces. */
static int words(const char *s)
{
    int n = 0;
    for (const char *q = s; *q; q++)
        n += *q != ' ' && (q == s || q[-1] == ' ');
    return n;
}

double nqm_player_reading_seconds(const nqm_player *p)
{
    if (p->caption < 0)
        return 0;
    const nqm_demo_cmd *c = &scene_of(p)->cmds[p->caption];
    int n = 0;
    for (int i = 0; i < c->nlines; i++)
        n += words(c->text[i]);
    return NQM_DEMO_READ_SECONDS + NQM_DEMO_WORD_SECONDS * n;
}

int nqm_player_done(const nqm_player *p) { return !p->waiting && !p->pending; }

void nqm_player_caption(const nqm_player *p, nqm_caption *out)
{
    const nqm_demo_scene *sc = scene_of(p);
    memset(out, 0, sizeof *out);
    snprintf(out->heading, sizeof out->heading, "%d/%d  %s", p->scene + 1, p->demo->nscenes,
             sc->title);
    out->rows = p->demo->caption_rows;
    out->last = p->scene == p->demo->nscenes - 1;
    if (p->caption < 0)
        return;
    const nqm_demo_cmd *c = &sc->cmds[p->caption];
    for (int i = 0; i < c->nlines; i++)
        out->lines[i] = c->text[i];
    out->nlines = c->nlines;
}
