/* rig.h: what the UI keeps for a demo to play on (a configuration, its
 * runs, the app state, and the stage that points at the three), without
 * a screen; shared by the demo tests. */
#ifndef NQMTOP_TEST_RIG_H
#define NQMTOP_TEST_RIG_H

#include <string.h>

#include "nqmtop/app/demo.h"

typedef struct {
    nqm_config base;
    nqm_runset set;
    nqm_app app;
    nqm_stage st;
} rig;

/* An empty rig; demo sets the app's demo flag, as --demo does. */
static inline void rig_init(rig *r, int demo)
{
    memset(r, 0, sizeof *r);
    r->st.base = &r->base;
    r->st.set = &r->set;
    r->st.app = &r->app;
    r->app.demo = demo;
}

static inline void rig_free(rig *r)
{
    nqm_runset_free(&r->set);
    nqm_config_free(&r->base);
}

#endif
