/* session.h: the live session (controller.h) the demo tests play on, opened
 * as the UI opens it but with a clock the test moves (test_now, seconds;
 * it stands still unless the test moves it) and the source tree's
 * presets. */
#ifndef NQMTOP_TEST_SESSION_H
#define NQMTOP_TEST_SESSION_H

#include <string.h>

#include "../core/check.h"
#include "nqmtop/app/controller.h"

static double test_now;
static inline double test_clock(void) { return test_now; }

/* The session of cfg, the demo's flag set when demo is not NULL (as
 * --demo does; the tests start its scenes themselves). 0, or -1 with a
 * failed check. */
static inline int test_session(nqm_controller *c, const nqm_config *cfg, const nqm_demo *demo)
{
    nqm_controller_options opt;
    memset(&opt, 0, sizeof opt);
    opt.clock = test_clock;
    opt.places = test_places();
    opt.demo = demo;
    char err[512];
    int rc = nqm_controller_open(c, cfg, &opt, err, sizeof err);
    CHECK(rc == 0, "session: %s", err);
    return rc;
}

#endif
