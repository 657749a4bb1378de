/* main.c: the nqmtop command line. Parses the options, resolves the preset
 * and its --set overrides, then hands the configuration to the headless
 * front end (batch.c) or the interactive one (ui.c). Every usage or input
 * error is one line on stderr, exit status 2, nothing on stdout. */
#define _GNU_SOURCE /* sched_getaffinity and CPU_COUNT */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "buildinfo.h"
#include "vcs.h"
#include "nqmtop/out/batch.h"
#include "nqmtop/input/config.h"
#include "nqmtop/app/demo.h"
#include "nqmtop/app/keys.h"
#include "nqmtop/input/preset.h"
#include "nqmtop/app/record.h"
#include "nqmtop/app/settings.h"
#include "nqmtop/base/clock.h"
#include "nqmtop/base/blas.h"
#include "nqmtop/base/cnum.h"
#include "nqmtop/base/files.h"
#include "nqmtop/base/pool.h"
#include "nqmtop/base/search.h"
#include "nqmtop/base/textfile.h"
#include "nqmtop/out/sweepout.h"
#include "nqmtop/tui/ui.h"

/* Debian's libopenblas exports these; there is no header for them. */
char *openblas_get_corename(void);
char *openblas_get_config(void);
int openblas_get_num_threads(void);

enum {
    EXIT_USAGE = 2,
    OPT_SHOW_PRESET = 256,
    OPT_FORCE,
    OPT_SWEEP,
    OPT_REPEATS,
    OPT_ETA_MAX,
    OPT_BIFURCATION
};
enum {
    OPT_BIG = 300,
    OPT_DEMO,
    OPT_DEMO_AUTO,
    OPT_RECORD,
    OPT_REPLAY,
    OPT_REPLAY_SPEED,
    OPT_REPLAY_EXPORTS
};
enum { OPT_PLOT = 400, OPT_PLOT_SIZE, OPT_RERUN };
enum { OPT_SHARD = 500, OPT_PER_SEED, OPT_MERGE, OPT_RESUME, OPT_LIST_DEMOS, OPT_COMPLETE };

/* What nqmtop takes from the environment, read here once and handed on:
 * the library never calls getenv. */
typedef struct {
    char user_dir[NQM_SEARCH_PATH_LEN]; /* ~/.config/nqmtop, "" without a home */
    nqm_places places;                  /* where presets and demos are found */
    int cores;                          /* CPUs this process may run on */
    int threads;                        /* core threads of one run */
    const char *slurm[4];               /* SLURM_ARRAY_TASK_ID, _COUNT, _MIN, _STEP, or NULL */
} environment;

typedef struct {
    const char *preset;
    const char **sets; /* (nsets) "key=value", in command-line order */
    int nsets;
    const char *show;        /* --show-preset NAME, or NULL */
    const char *summary;     /* --summary FILE|-, or NULL */
    const char *plot;        /* --plot FILE.svg, or NULL */
    const char *rerun;       /* --rerun SUMMARY.json, or NULL */
    nqm_plot_size plot_size; /* --plot-size */
    int plot_size_given;
    const char *format; /* --format, or NULL */
    long steps;         /* --steps, or -1 */
    int batch, list, list_demos, force, help, version;
    int speed_given; /* -d, --speed */
    nqm_ui_options ui;
    nqm_settings settings;     /* the user's defaults file */
    nqm_sweep_spec sweep;      /* --sweep axes, --repeats, --jobs, --eta-max */
    int sweeping;              /* any of those was given: run a sweep */
    int preset_given;          /* --preset was on the command line */
    const char *demo;          /* --demo NAME|FILE, or NULL */
    const char *record;        /* --record FILE, or NULL */
    const char *replay;        /* --replay FILE, or NULL */
    int shard_given;           /* --shard I/N (in sweep.shard, sweep.shards) */
    int per_seed;              /* --per-seed */
    int merge;                 /* --merge: the inputs are its files */
    const char *resume;        /* --resume FILE, or NULL */
    const char *complete;      /* --complete WHAT, or NULL */
    const char *const *inputs; /* (ninputs) records to read back */
    int ninputs;
    environment env;
} cli_options;

static const struct option long_options[] = {
    {"preset", required_argument, NULL, 'p'},
    {"set", required_argument, NULL, 's'},
    {"batch", no_argument, NULL, 'b'},
    {"steps", required_argument, NULL, 'n'},
    {"format", required_argument, NULL, 'f'},
    {"summary", required_argument, NULL, 'o'},
    {"plot", required_argument, NULL, OPT_PLOT},
    {"plot-size", required_argument, NULL, OPT_PLOT_SIZE},
    {"rerun", required_argument, NULL, OPT_RERUN},
    {"list-presets", no_argument, NULL, 'l'},
    {"list-demos", no_argument, NULL, OPT_LIST_DEMOS},
    {"speed", required_argument, NULL, 'd'},
    {"show-preset", required_argument, NULL, OPT_SHOW_PRESET},
    {"ascii", no_argument, NULL, 'U'},
    {"no-color", no_argument, NULL, 'C'},
    {"force", no_argument, NULL, OPT_FORCE},
    {"sweep", required_argument, NULL, OPT_SWEEP},
    {"repeats", required_argument, NULL, OPT_REPEATS},
    {"jobs", required_argument, NULL, 'j'},
    {"eta-max", no_argument, NULL, OPT_ETA_MAX},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"per-seed", no_argument, NULL, OPT_PER_SEED},
    {"merge", no_argument, NULL, OPT_MERGE},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"bifurcation", required_argument, NULL, OPT_BIFURCATION},
    {"big", no_argument, NULL, OPT_BIG},
    {"demo", required_argument, NULL, OPT_DEMO},
    {"demo-auto", required_argument, NULL, OPT_DEMO_AUTO},
    {"record", required_argument, NULL, OPT_RECORD},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"replay-speed", required_argument, NULL, OPT_REPLAY_SPEED},
    {"replay-exports", no_argument, NULL, OPT_REPLAY_EXPORTS},
    {"complete", required_argument, NULL, OPT_COMPLETE}, /* for the shell completions */
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void print_help(FILE *f)
{
    fputs("Usage: nqmtop [OPTION]...\n"
          "Watch gradient descent catapult on neural quadratic models, live in the terminal\n"
          "(or headless with --batch).\n"
          "\n"
          "  -p, --preset NAME|FILE  run this preset (default " NQM_DEFAULT_PRESET "; '-':\n"
          "                          read it from standard input)\n"
          "  -s, --set KEY=VALUE     override a preset key (repeatable, applied in order)\n"
          "  -b, --batch             no UI: one record per step on stdout\n"
          "  -n, --steps N           steps of a batch run (records for t = 0..N)\n"
          "  -f, --format FMT        batch record format: tsv (default), csv or jsonl\n"
          "  -o, --summary FILE|-    write a JSON summary of the batch run ('-': stdout)\n"
          "      --plot FILE.svg     draw the run (batch, or the UI's on quitting) or the\n"
          "                          batch sweep as an SVG figure\n"
          "      --plot-size WxH     the figure's size in pixels, or column or slide\n"
          "                          (default 720x540)\n"
          "      --rerun SUMMARY.json\n"
          "                          run the configuration a batch summary records\n"
          "                          (its preset and --set left out; --set applies on top)\n"
          "      --force             let --summary, --plot or --record replace an existing\n"
          "                          file\n"
          "      --sweep KEY=FROM:TO:N[:log]\n"
          "                          run over N values of a numeric key (repeatable: a\n"
          "                          second axis); one result per point and model\n"
          "      --repeats R         seeds per sweep point, reported as mean and spread\n"
          "  -j, --jobs N            runs of a sweep at once (default: the CPUs this process\n"
          "                          may run on)\n"
          "      --eta-max           sweep: measure eta_max by bisection on eta\n"
          "      --shard I/N         sweep: make only the I-th of N slices of its runs\n"
          "                          (default from SLURM_ARRAY_TASK_ID and _COUNT); one\n"
          "                          record per run, as --per-seed\n"
          "      --per-seed          sweep: one record per run (repeat), not per point\n"
          "      --merge FILE...     put the records of a sweep's shards together, as the\n"
          "                          whole sweep writes them (give the sweep's options)\n"
          "      --resume FILE       sweep: take the runs whose records FILE holds from\n"
          "                          there, make the rest\n"
          "      --bifurcation Q[:K] sweep: record the last K (64) values of Q (g, loss\n"
          "                          or lambda1) of every run instead of its result\n"
          "  -l, --list-presets      list the presets with their descriptions\n"
          "      --list-demos        list the demos with their descriptions\n"
          "      --show-preset NAME  print the resolved configuration of a preset\n"
          "                          (with any --set applied) in preset form\n"
          "  -d, --speed auto|S      UI: train S steps a second at start (default auto)\n"
          "      --big               projector view: loss and lambda1 large, high contrast\n"
          "      --demo NAME|FILE    play a demo: scenes with captions (n next, b back)\n"
          "      --demo-auto SECONDS a finished scene moves on after SECONDS, the last\n"
          "                          back to the first\n"
          "      --record FILE       record the session (configuration and keys) in FILE\n"
          "      --replay FILE       replay a recorded session step for step\n"
          "      --replay-speed X    replay X times as fast (default 1)\n"
          "      --replay-exports    let the replay's e keys write their files (else none)\n"
          "  -U, --ascii             draw with ASCII instead of braille\n"
          "  -C, --no-color          no colours (also when NO_COLOR is set)\n"
          "  -h, --help              show this help\n"
          "  -V, --version           show the version and the OpenBLAS core in use\n"
          "\n"
          "Exit status: 0 ok (a diverged run included), 1 runtime failure, 2 usage or\n"
          "input error.\n"
          "\n"
          "Keys in the UI:\n",
          f);
    nqm_keys_print(f);
    fputs("\nSee man nqmtop; press ? in the UI for keys.\n", f);
}

static void print_version(void)
{
    printf("nqmtop %s (commit %s)\n", NQMTOP_VERSION, NQMTOP_COMMIT);
    printf("OpenBLAS core %s (%s)\n", openblas_get_corename(), openblas_get_config());
}

/* "nqmtop: " fmt with arg (escaped, like every message), then the pointer
 * to --help. */
static int usage_error(const char *fmt, const char *arg)
{
    char what[4200];
    snprintf(what, sizeof what, fmt, arg);
    nqm_say(stderr, "nqmtop: %s (see nqmtop --help)", what);
    return -1;
}

/* A whole number from lo to hi for option name. */
static int parse_count(const char *name, const char *arg, long lo, long hi, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v < lo || v > hi) {
        nqm_say(stderr,
                "nqmtop: %s: '%s' is not a whole number from %ld to %ld (see nqmtop --help)", name,
                arg, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int take_sweep(const char *arg, nqm_sweep_spec *spec)
{
    char err[512];
    if (spec->naxes == NQM_SWEEP_MAX_AXES)
        return usage_error("--sweep: at most two axes, not '%s' as well", arg);
    if (nqm_sweep_axis_parse(arg, &spec->axis[spec->naxes], err, sizeof err) != 0) {
        nqm_say(stderr, "nqmtop: %s", err);
        return -1;
    }
    spec->naxes++;
    return 0;
}

static int take_bifurcation(const char *arg, nqm_sweep_spec *spec)
{
    char err[512];
    if (nqm_late_parse(arg, &spec->late, &spec->late_steps, err, sizeof err) != 0) {
        nqm_say(stderr, "nqmtop: %s", err);
        return -1;
    }
    return 0;
}

/* "I/N" into the sweep's 0-based shard of shards: 0, or -1 (said on
 * stderr, with what for where the text came from). */
static int parse_shard(const char *what, const char *arg, nqm_sweep_spec *spec)
{
    char *end;
    long i = strtol(arg, &end, 10), n = 0;
    if (arg[0] >= '0' && arg[0] <= '9' && *end == '/' && end[1] >= '0' && end[1] <= '9')
        n = strtol(end + 1, &end, 10);
    if (n < 1 || n > NQM_SWEEP_MAX_RUNS || i < 1 || i > n || *end != '\0') {
        nqm_say(stderr,
                "nqmtop: %s: '%s' is not I/N with N from 1 to %d and I from 1 to N (see nqmtop "
                "--help)",
                what, arg, NQM_SWEEP_MAX_RUNS);
        return -1;
    }
    spec->shard = (int)i - 1;
    spec->shards = (int)n;
    return 0;
}

/* The options of a sweep split over processes. */
static int take_split_option(int c, cli_options *o)
{
    switch (c) {
    case OPT_SHARD:
        o->shard_given = 1;
        return parse_shard("--shard", optarg, &o->sweep);
    case OPT_PER_SEED:
        o->per_seed = 1;
        return 0;
    case OPT_MERGE:
        o->merge = 1;
        return 0;
    default: /* OPT_RESUME */
        o->resume = optarg;
        return 0;
    }
}

/* The sweep options; 1 when c is not one of them. */
static int take_sweep_option(int c, cli_options *o)
{
    o->sweeping = 1;
    switch (c) {
    case OPT_SWEEP:
        return take_sweep(optarg, &o->sweep);
    case OPT_REPEATS:
        return parse_count("--repeats", optarg, 1, NQM_SWEEP_MAX_REPEATS, &o->sweep.repeats);
    case 'j':
        return parse_count("--jobs", optarg, 1, NQM_SWEEP_MAX_JOBS, &o->sweep.jobs);
    case OPT_ETA_MAX:
        o->sweep.eta_max = 1;
        return 0;
    case OPT_BIFURCATION:
        return take_bifurcation(optarg, &o->sweep);
    default:
        o->sweeping = o->sweep.naxes > 0 || o->sweep.eta_max || o->sweep.repeats ||
                      o->sweep.late != NQM_LATE_NONE;
        return 1;
    }
}

/* A number above 0 and at most max for option name. */
static int parse_positive(const char *name, const char *arg, double max, double *out)
{
    double v;
    char ignored[128];
    if (nqm_parse_number(arg, &v, ignored, sizeof ignored) != 0 || !(v > 0) || v > max) {
        nqm_say(stderr,
                "nqmtop: %s: '%s' is not a number above 0 and at most %g (see nqmtop --help)", name,
                arg, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_steps(const char *arg, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v > 1000000000L)
        return usage_error("--steps: '%s' is not a whole number from 0 to 1000000000", arg);
    *out = v;
    return 0;
}

/* Name the option getopt stopped at. at is optind before the call: a
 * short option inside a cluster ("-xy") leaves optind there, the last one
 * of a word moves it on. A long option is shown as typed, a short one as
 * "-c", with its cluster when there is one; a byte that is not ASCII as the
 * whole word, so that no half character is printed. */
static int unknown_option(int c, int at, char *const *argv)
{
    const char *word = optind == at ? argv[optind] : argv[optind - 1];
    char shown[4200];
    if (strncmp(word, "--", 2) == 0 || !optopt || optopt < 0 || optopt >= 0x80)
        snprintf(shown, sizeof shown, "'%s'", word);
    else if (strlen(word) > 2)
        snprintf(shown, sizeof shown, "'-%c' (in '%.4000s')", optopt, word);
    else
        snprintf(shown, sizeof shown, "'-%c'", optopt);
    if (c == ':')
        return usage_error("%s needs an argument", shown);
    return usage_error("unknown option %s", shown);
}

static int take_option(int c, cli_options *o)
{
    switch (c) {
    case 'p':
        o->preset = optarg;
        o->preset_given = 1;
        return 0;
    case 's':
        o->sets[o->nsets++] = optarg;
        return 0;
    case 'b':
        o->batch = 1;
        return 0;
    case 'n':
        return parse_steps(optarg, &o->steps);
    case 'f':
        o->format = optarg;
        return 0;
    case 'o':
        o->summary = optarg;
        return 0;
    case 'l':
        o->list = 1;
        return 0;
    case OPT_LIST_DEMOS:
        o->list_demos = 1;
        return 0;
    case OPT_COMPLETE:
        o->complete = optarg;
        return 0;
    case 'd':
        o->speed_given = 1;
        if (nqm_settings_speed_parse(optarg, &o->ui.session.speed) == 0)
            return 0;
        return usage_error("--speed: '%s' is not auto or a number of steps a second above 0 "
                           "and at most 1e9",
                           optarg);
    case OPT_PLOT:
        o->plot = optarg;
        return 0;
    case OPT_RERUN:
        o->rerun = optarg;
        return 0;
    case OPT_PLOT_SIZE: {
        char err[160];
        o->plot_size_given = 1;
        if (nqm_plot_size_parse(optarg, &o->plot_size, err, sizeof err) == 0)
            return 0;
        fprintf(stderr, "nqmtop: %s\n", err);
        return -1;
    }
    case OPT_SHOW_PRESET:
        o->show = optarg;
        return 0;
    case 'U':
        o->ui.ascii = 1;
        return 0;
    case 'C':
        o->ui.color = 0;
        return 0;
    case OPT_FORCE:
        o->force = 1;
        return 0;
    case 'h':
        o->help = 1;
        return 0;
    case 'V':
        o->version = 1;
        return 0;
    case OPT_BIG:
        o->ui.session.big = 1;
        return 0;
    case OPT_DEMO:
        o->demo = optarg;
        return 0;
    case OPT_DEMO_AUTO:
        return parse_positive("--demo-auto", optarg, 86400, &o->ui.session.demo_auto);
    case OPT_RECORD:
        o->record = optarg;
        return 0;
    case OPT_REPLAY:
        o->replay = optarg;
        return 0;
    case OPT_REPLAY_SPEED:
        return parse_positive("--replay-speed", optarg, 1000, &o->ui.session.replay_speed);
    case OPT_REPLAY_EXPORTS:
        o->ui.session.replay_exports = 1;
        return 0;
    case OPT_SHARD:
    case OPT_PER_SEED:
    case OPT_MERGE:
    case OPT_RESUME:
        return take_split_option(c, o);
    default:
        return take_sweep_option(c, o) == 0 ? 0 : -1;
    }
}

/* The source tree's presets folder that the marker file beside an
 * uninstalled build's executable names (src/meson.build) into out: 0, or
 * -1 when dir has no marker. */
static int source_presets(const char *dir, char *out, size_t len)
{
    char marker[NQM_SEARCH_PATH_LEN + 32];
    snprintf(marker, sizeof marker, "%s/nqmtop-uninstalled", dir);
    char folder[NQM_SEARCH_PATH_LEN];
    int fd = open(marker, O_RDONLY | O_CLOEXEC); /* no stdio: nothing to allocate */
    ssize_t got = fd < 0 ? -1 : read(fd, folder, sizeof folder - 1);
    if (fd >= 0)
        close(fd);
    folder[got > 0 ? got : 0] = '\0';
    folder[strcspn(folder, "\n")] = '\0';
    if (!folder[0] || strlen(folder) >= len)
        return -1;
    memcpy(out, folder, strlen(folder) + 1);
    return 0;
}

/* The shipped presets folder (with its demos and data) into out: the
 * source tree's for an uninstalled build run from its build folder; else
 * PREFIX/DATADIR/nqmtop/presets, PREFIX the executable's folder less
 * BINDIR, so that an installation moved elsewhere finds its own and never
 * the source tree's; the configured folder when the executable is not in
 * BINDIR or either folder is outside the prefix. */
static void find_shipped(char *out, size_t len)
{
    char exe[NQM_SEARCH_PATH_LEN];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    snprintf(out, len, "%s", NQMTOP_PRESET_DIR);
    char *slash = n > 0 ? memchr(exe, '/', (size_t)n) : NULL;
    if (!slash)
        return;
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0'; /* the executable's folder */
    if (source_presets(exe, out, len) == 0)
        return;
    size_t el = strlen(exe), bl = strlen(NQMTOP_BINDIR);
    if (NQMTOP_BINDIR[0] == '/' || NQMTOP_DATADIR[0] == '/' || el <= bl ||
        exe[el - bl - 1] != '/' || strcmp(exe + el - bl, NQMTOP_BINDIR) != 0)
        return;
    exe[el - bl - 1] = '\0';
    char found[2 * NQM_SEARCH_PATH_LEN];
    snprintf(found, sizeof found, "%s/%s/nqmtop/presets", exe, NQMTOP_DATADIR);
    if (strlen(found) < len)
        memcpy(out, found, strlen(found) + 1);
}

/* The folders, CPUs and threads of this process: the CPUs of its
 * affinity mask (taskset, a Slurm allocation), NQMTOP_THREADS caps a
 * run's core threads (default: one per CPU, at most the pool's); a Slurm
 * job array's task. */
static void read_environment(environment *env)
{
    nqm_user_dir(getenv("XDG_CONFIG_HOME"), getenv("HOME"), env->user_dir, sizeof env->user_dir);
    static char shipped_dir[NQM_SEARCH_PATH_LEN];
    find_shipped(shipped_dir, sizeof shipped_dir);
    const char *const shipped[] = {shipped_dir};
    nqm_places_make(&env->places, env->user_dir, shipped, 1);
    cpu_set_t mask;
    long cpus = sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask)
                                                              : sysconf(_SC_NPROCESSORS_ONLN);
    env->cores = cpus < 1 ? 1 : cpus > NQM_SWEEP_MAX_JOBS ? NQM_SWEEP_MAX_JOBS : (int)cpus;
    const char *asked = getenv("NQMTOP_THREADS");
    long threads = asked && *asked ? strtol(asked, NULL, 10) : env->cores;
    env->threads = threads < 1                      ? 1
                   : threads > NQM_POOL_MAX_THREADS ? NQM_POOL_MAX_THREADS
                                                    : (int)threads;
    const char *const slurm[4] = {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
                                  "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP"};
    for (int i = 0; i < 4; i++)
        env->slurm[i] = getenv(slurm[i]);
}

/* The user's defaults file (settings.h): 0, or the exit status after
 * the message (2 for a broken file, 1 when memory ran out). */
static int load_settings(const environment *env, nqm_settings *settings)
{
    char path[NQM_SETTINGS_PATH_LEN], err[NQM_SETTINGS_PATH_LEN + 128];
    int required;
    nqm_settings_defaults(settings);
    if (nqm_settings_path(getenv("NQMTOP_CONFIG"), env->user_dir, path, sizeof path, &required) !=
        0)
        return 0;
    errno = 0;
    if (nqm_settings_load(path, required, settings, err, sizeof err) != 0) {
        int no_memory = errno == ENOMEM;
        nqm_say(stderr, "nqmtop: %s", err);
        return no_memory ? EXIT_FAILURE : EXIT_USAGE;
    }
    return 0;
}

/* The options of demos, recordings and the projector view go together
 * only in some ways. */
static int check_teaching(const cli_options *o)
{
    const char *ui_only = o->demo             ? "--demo"
                          : o->record         ? "--record"
                          : o->replay         ? "--replay"
                          : o->ui.session.big ? "--big"
                          : o->speed_given    ? "--speed"
                                              : NULL;
    if (o->batch && ui_only)
        return usage_error("%s applies to the interactive UI, not to --batch", ui_only);
    if (o->ui.session.demo_auto > 0 && !o->demo)
        return usage_error("%s only applies with --demo", "--demo-auto");
    if (o->ui.session.replay_speed > 0 && !o->replay)
        return usage_error("%s only applies with --replay", "--replay-speed");
    if (o->ui.session.replay_exports && !o->replay)
        return usage_error("%s only applies with --replay", "--replay-exports");
    if (o->replay && (o->demo || o->record))
        return usage_error("--replay plays a recording; %s does not go with it",
                           o->demo ? "--demo" : "--record");
    if (o->record && o->demo)
        return usage_error("%s does not go with --demo (--demo-auto plays a demo unattended)",
                           "--record");
    const char *own_runs = o->demo ? "--demo" : o->replay ? "--replay" : NULL;
    if (own_runs && (o->preset_given || o->nsets > 0))
        return usage_error("--preset and --set do not apply with %s (it sets up its own runs)",
                           own_runs);
    return 0;
}

/* A file nqmtop is to create may not have a name that would drive a
 * terminal whenever it is listed: no control characters, only UTF-8. */
static int check_new_name(const char *option, const char *path)
{
    char what[64];
    if (!path || strcmp(path, "-") == 0 ||
        nqm_text_line_fault(path, strlen(path), what, sizeof what) == 0)
        return 0;
    char shown[4200];
    snprintf(shown, sizeof shown, "%s: the file name '%s' holds a %s", option, path, what);
    return usage_error("%s", shown);
}

/* --shard, --per-seed, --merge and --resume: a headless sweep's. */
static int check_split(cli_options *o, int argc, char **argv)
{
    const char *split = o->merge         ? "--merge"
                        : o->shard_given ? "--shard"
                        : o->resume      ? "--resume"
                        : o->per_seed    ? "--per-seed"
                                         : NULL;
    if (optind < argc && !o->merge)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (!split)
        return 0;
    if (o->merge && optind == argc)
        return usage_error("%s needs the record files to put together", "--merge");
    if (o->merge && (o->shard_given || o->resume))
        return usage_error("--merge puts a sweep together; %s does not go with it",
                           o->shard_given ? "--shard" : "--resume");
    if (!o->sweeping)
        return usage_error("%s needs the sweep's options (--sweep, --repeats or --eta-max)", split);
    if (o->sweep.late != NQM_LATE_NONE && strcmp(split, "--per-seed") != 0)
        return usage_error("%s does not go with --bifurcation (its records are not read back)",
                           split);
    o->batch |= o->merge;
    if (!o->batch)
        return usage_error("%s only applies with --batch", split);
    o->inputs = o->merge ? (const char *const *)argv + optind : &o->resume;
    o->ninputs = o->merge ? argc - optind : o->resume != NULL;
    return 0;
}

/* Defaults from the settings file, NO_COLOR over it, the options over
 * both. 0; -1 for a usage error; or load_settings' exit status. */
static int parse_args(int argc, char **argv, cli_options *o)
{
    read_environment(&o->env);
    o->ui.session.places = &o->env.places;
    o->ui.session.threads = o->env.threads;
    o->ui.session.clock = nqm_clock_seconds;
    int settings = load_settings(&o->env, &o->settings);
    if (settings != 0)
        return settings;
    const char *no_color = getenv("NO_COLOR");
    o->ui.color = o->settings.color && !(no_color && no_color[0]);
    o->ui.ascii = !o->settings.unicode;
    o->ui.session.speed = o->settings.speed;
    o->steps = -1;
    nqm_plot_size_parse("", &o->plot_size, NULL, 0);
    o->preset = o->settings.preset[0] ? o->settings.preset : NQM_DEFAULT_PRESET;
    opterr = 0;
    int c, at = optind;
    while ((c = getopt_long(argc, argv, ":p:s:bn:f:o:lUChVj:d:", long_options, NULL)) != -1) {
        if (c == '?' || c == ':')
            return unknown_option(c, at, argv);
        at = optind;
        if (take_option(c, o) != 0)
            return -1;
    }
    if (check_split(o, argc, argv) != 0)
        return -1;
    if (!o->batch && o->format)
        return usage_error("%s only applies with --batch", "--format");
    if (!o->batch && o->summary)
        return usage_error("%s only applies with --batch", "--summary");
    if (o->rerun && o->preset_given)
        return usage_error("%s runs the configuration of a summary, not a --preset as well",
                           "--rerun");
    if (!o->batch && o->sweeping && (o->plot || o->plot_size_given))
        return usage_error("%s of a sweep only applies with --batch",
                           o->plot ? "--plot" : "--plot-size");
    if (o->format && nqm_format_parse(o->format) < 0)
        return usage_error("--format: '%s' is not tsv, csv or jsonl", o->format);
    if (check_new_name("--summary", o->summary) != 0 ||
        check_new_name("--record", o->record) != 0 || check_new_name("--plot", o->plot) != 0)
        return -1;
    return check_teaching(o);
}

static int list_presets(const cli_options *o)
{
    nqm_preset_info *list;
    size_t count;
    char err[512];
    if (nqm_preset_list(&o->env.places.presets, &list, &count, err, sizeof err) != 0) {
        nqm_say(stderr, "nqmtop: %s", err);
        return 1;
    }
    int width = 0;
    for (size_t i = 0; i < count; i++)
        if ((int)strlen(list[i].name) > width)
            width = (int)strlen(list[i].name);
    for (size_t i = 0; i < count; i++)
        printf("%-*s  %s\n", width, list[i].name, list[i].description);
    free(list);
    return 0;
}

/* The demos found, by name. */
typedef struct {
    char (*name)[NQM_NAME_LEN];
    size_t count, cap;
} demo_names;

static int add_demo(void *ctx, const char *name, const char *path)
{
    demo_names *d = ctx;
    if (d->count == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        void *grown = realloc(d->name, cap * sizeof *d->name);
        if (!grown)
            return 1;
        d->name = grown;
        d->cap = cap;
    }
    snprintf(d->name[d->count++], NQM_NAME_LEN, "%s", name);
    return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

/* Every demo on the search path, loaded (so that a broken one is named
 * on stderr, status 1) and listed with its description. */
static int list_demos(const cli_options *o)
{
    demo_names d = {NULL, 0, 0};
    int rc = nqm_search_each(&o->env.places.demos, ".demo", add_demo, &d) == 0 ? 0 : 1;
    qsort(d.name, d.count, sizeof *d.name, by_name);
    int width = 0;
    for (size_t i = 0; i < d.count; i++)
        width = (int)strlen(d.name[i]) > width ? (int)strlen(d.name[i]) : width;
    for (size_t i = 0; i < d.count; i++) {
        nqm_demo demo;
        char err[2048];
        if (nqm_demo_load(&o->env.places, d.name[i], &demo, err, sizeof err) != 0) {
            nqm_say(stderr, "%s", err);
            rc = 1;
            continue;
        }
        const char *text = demo.description; /* "NAME: what it shows": the name once */
        size_t nl = strlen(demo.name);
        if (strncmp(text, demo.name, nl) == 0 && strncmp(text + nl, ": ", 2) == 0)
            text += nl + 2;
        printf("%-*s  %s\n", width, demo.name, text);
        nqm_demo_free(&demo);
    }
    free(d.name);
    return rc;
}

static int print_name(void *ctx, const char *name, const char *path)
{
    printf("%s\n", name);
    return 0;
}

/* --complete WHAT, the candidates the shell completions offer, one a
 * line, from the program's own tables: options (every long option, then
 * the short ones), presets and demos (the names found on the search
 * path), keys (the preset keys), numeric-keys (those --sweep takes),
 * formats, bifurcation (its quantities), values:KEY (the words KEY
 * takes). Hidden from --help. */
static int complete(const cli_options *o, const char *what)
{
    if (strcmp(what, "options") == 0) {
        for (const struct option *opt = long_options; opt->name; opt++)
            if (strcmp(opt->name, "complete") != 0)
                printf("--%s\n", opt->name);
        for (const struct option *opt = long_options; opt->name; opt++)
            if (opt->val > ' ' && opt->val < 0x7f)
                printf("-%c\n", opt->val);
    } else if (strcmp(what, "presets") == 0 || strcmp(what, "demos") == 0) {
        int demos = what[0] == 'd';
        nqm_search_each(demos ? &o->env.places.demos : &o->env.places.presets,
                        demos ? ".demo" : ".preset", print_name, NULL);
    } else if (strcmp(what, "keys") == 0 || strcmp(what, "numeric-keys") == 0) {
        for (int i = 0; nqm_preset_key_at(i); i++) {
            nqm_value_kind kind = nqm_preset_key_kind(nqm_preset_key_at(i));
            if (what[0] == 'k' || kind == NQM_VALUE_NUMBER || kind == NQM_VALUE_WHOLE)
                printf("%s\n", nqm_preset_key_at(i));
        }
    } else if (strcmp(what, "formats") == 0) {
        for (int f = 0; f < NQM_FORMAT_COUNT; f++)
            printf("%s\n", nqm_format_name((nqm_format)f));
    } else if (strcmp(what, "bifurcation") == 0) {
        for (int q = NQM_LATE_G; q <= NQM_LATE_LAMBDA1; q++)
            printf("%s\n", nqm_late_name((nqm_late_quantity)q));
    } else if (strncmp(what, "values:", 7) == 0) {
        for (int j = 0; nqm_preset_key_word(what + 7, j); j++)
            printf("%s\n", nqm_preset_key_word(what + 7, j));
    } else {
        return usage_error("--complete: '%s' is not options, presets, demos, keys, numeric-keys, "
                           "formats, bifurcation or values:KEY",
                           what) != 0
                   ? EXIT_USAGE
                   : 0;
    }
    return 0;
}

/* The preset with its overrides and --steps, or exit status 2. */
/* The JSON string that starts at s (after its opening quote), unescaped
 * in place up to its closing quote; its end, or NULL when it is cut or
 * holds an escape nqmtop never writes. */
static char *json_unescape(char *s)
{
    char *out = s;
    for (; *s && *s != '"'; s++) {
        if (*s != '\\') {
            *out++ = *s;
            continue;
        }
        s++;
        unsigned code;
        if (*s == '"' || *s == '\\' || *s == '/')
            *out++ = *s;
        else if (*s == 'n')
            *out++ = '\n';
        else if (*s == 't')
            *out++ = '\t';
        else if (*s == 'u' && sscanf(s + 1, "%4x", &code) == 1 && code < 0x80 && code > 0) {
            *out++ = (char)code;
            s += 4;
        } else {
            return NULL;
        }
    }
    if (*s != '"')
        return NULL;
    *out = '\0';
    return out;
}

/* The configuration a summary file records (its provenance member), as
 * preset text parsed under the summary's name, the preset it was resolved
 * from as its name. */
static int rerun_config(const char *path, nqm_config *cfg, char *err, size_t errlen)
{
    static const char key[] = "\"configuration\": \"";
    char *text, *start, *end;
    size_t len;
    if (nqm_text_read(path, "summary", NQM_PRESET_MAX_FILE, &text, &len, err, errlen) != 0)
        return -1;
    if (!(start = strstr(text, key)) || !(end = json_unescape(start + sizeof key - 1))) {
        snprintf(err, errlen,
                 "%s: no configuration in it (a batch summary of nqmtop 0.1 or later "
                 "holds one)",
                 path);
        free(text);
        return -1;
    }
    start += sizeof key - 1;
    int rc = nqm_preset_parse(path, start, (size_t)(end - start), cfg, err, errlen);
    const char *from = strstr(start, "# resolved from preset ");
    if (rc == 0 && from && sscanf(from, "# resolved from preset %63s", cfg->preset) == 1 &&
        strcmp(cfg->preset, "(none)") == 0)
        cfg->preset[0] = '\0';
    free(text);
    return rc;
}

/* A preset read from standard input ("-"), parsed under that name. */
static int stdin_config(nqm_config *cfg, char *err, size_t errlen)
{
    char *text;
    size_t len;
    if (nqm_data_text_read("-", "preset", NQM_PRESET_MAX_FILE, &text, &len, err, errlen) != 0)
        return -1;
    int rc = nqm_preset_parse("-", text, len, cfg, err, errlen);
    free(text);
    return rc;
}

/* The configuration a run or --show-preset uses: the preset (or a
 * recording's, or standard input's) with the --set assignments. 0, or the
 * exit status after the message: 2 for bad input, 1 when memory ran out. */
static int resolve(const cli_options *o, const char *name, nqm_config *cfg)
{
    char err[1024];
    int from_text = o->rerun || strcmp(name, "-") == 0;
    errno = 0; /* ENOMEM after a failure: memory ran out, the input may be fine */
    int rc = o->rerun    ? rerun_config(o->rerun, cfg, err, sizeof err)
             : from_text ? stdin_config(cfg, err, sizeof err)
                         : nqm_preset_resolve(&o->env.places.presets, name, o->sets, o->nsets, cfg,
                                              err, sizeof err);
    for (int i = 0; from_text && rc == 0 && i < o->nsets; i++)
        if ((rc = nqm_preset_apply_set(cfg, o->sets[i], err, sizeof err)) != 0)
            nqm_config_free(cfg);
    if (rc != 0) {
        int no_memory = errno == ENOMEM;
        nqm_say(stderr, "%s", err);
        return no_memory ? EXIT_FAILURE : EXIT_USAGE;
    }
    if (o->steps >= 0)
        cfg->steps = o->steps;
    cfg->threads = o->env.threads;
    cfg->stop = o->batch ? NULL : nqm_ui_stop_flag();
    return 0;
}

static int show_preset(const cli_options *o)
{
    nqm_config cfg;
    int rc = resolve(o, o->show, &cfg);
    if (rc != 0)
        return rc;
    rc = nqm_preset_write(stdout, &cfg) == 0 ? 0 : 1;
    nqm_config_free(&cfg);
    return rc;
}

/* A signal ends a batch run as it would without a handler, but not before
 * the temporary file of a summary being written is removed. */
static void end_on_signal(int sig)
{
    nqm_file_abandon();
    raise(sig); /* the handler was reset: the default action ends the process */
}

static void end_on_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = end_on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* What made the output, for summaries and figures. */
static nqm_provenance provenance(void)
{
    nqm_provenance p = {NQMTOP_VERSION, NQMTOP_COMMIT, openblas_get_corename(),
                        openblas_get_num_threads()};
    return p;
}

/* Records go through a 1 MiB stdio buffer; stdout is closed before the
 * buffer is released, so a late write error still shows in the status. */
static int run_batch(const cli_options *o, const nqm_config *cfg)
{
    enum { BUFFER = 1 << 20 };
    nqm_provenance prov = provenance();
    nqm_batch_options opt = {NQM_FORMAT_TSV, cfg->steps,   o->summary, o->force,
                             o->plot,        o->plot_size, &prov};
    if (o->format)
        opt.format = (nqm_format)nqm_format_parse(o->format);
    char *buffer = malloc(BUFFER);
    if (buffer)
        setvbuf(stdout, buffer, _IOFBF, BUFFER);
    end_on_signals();
    int rc = nqm_batch_run(cfg, &opt, stdout, stderr);
    if (fclose(stdout) != 0 && rc == 0) {
        fputs("nqmtop: writing the records failed\n", stderr);
        rc = 1;
    }
    free(buffer);
    return rc;
}

/* What OpenBLAS maps for itself (a buffer of up to 128 MiB per thread that
 * calls it, and its own threads) and the program, in bytes. */
static double memory_reserve(int jobs)
{
    return (256.0 + 128.0 * (nqm_blas_threads() + jobs)) * (1 << 20);
}

/* The process's address-space limit (ulimit -v) in bytes, 0 when none. */
static double address_space_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return 0;
    return (double)rl.rlim_cur;
}

/* Bytes the runs may take when the process may map only so much: the
 * limit less the reserve, at least 1; 0 when there is no such limit. A
 * failed mmap inside OpenBLAS is retried for ever, so that must never be
 * reached. */
static double memory_allowed(int jobs)
{
    double limit = address_space_limit(), left = limit - memory_reserve(jobs);
    return limit == 0 ? 0 : left > 1 ? left : 1;
}

/* A single run that would not fit in what the process may map. */
static int check_memory(const nqm_config *cfg)
{
    double allowed = memory_allowed(1), need = nqm_config_memory(cfg);
    if (allowed == 0 || need <= allowed)
        return 0;
    char limit[32], reserve[32], needed[32], left[32];
    nqm_format_bytes(limit, sizeof limit, address_space_limit());
    nqm_format_bytes(reserve, sizeof reserve, memory_reserve(1));
    nqm_format_bytes(needed, sizeof needed, need);
    nqm_format_bytes(left, sizeof left, allowed);
    if (allowed <= 1)
        nqm_say(stderr,
                "nqmtop: the address-space limit (ulimit -v) of %s is below the %s that OpenBLAS's "
                "buffers and the program map before any run",
                limit, reserve);
    else
        nqm_say(stderr,
                "nqmtop: model = %s with width = %ld would need about %s, more than the %s this "
                "process may use (ulimit -v %s, less %s for OpenBLAS and the program)",
                nqm_model_name(cfg->model), cfg->width, needed, left, limit, reserve);
    return EXIT_USAGE;
}

/* A run whose steps may take seconds is told so before it starts (it runs
 * all the same; q, Ctrl-C or SIGTERM stop it in the middle of a step). */
static void warn_slow(const nqm_config *cfg)
{
    char note[200];
    if (nqm_config_slow_note(cfg, note, sizeof note))
        nqm_say(stderr, "nqmtop: %s", note);
}

/* The sweep the options ask for, with the defaults filled in. */
static nqm_sweep_spec sweep_spec(const cli_options *o, const nqm_config *cfg)
{
    nqm_sweep_spec spec = o->sweep;
    spec.repeats = spec.repeats ? spec.repeats : 1;
    spec.steps = cfg->steps;
    spec.cores = o->env.cores;
    spec.clock = nqm_clock_seconds;
    if (spec.jobs == 0)
        spec.jobs = o->env.cores;
    spec.memory = memory_allowed(spec.jobs);
    return spec;
}

/* A whole number from 0 up in the environment variable name (value v). */
static int slurm_number(const char *name, const char *v, long *out)
{
    char *end;
    *out = v ? strtol(v, &end, 10) : 0;
    if (v && (v[0] < '0' || v[0] > '9' || *end != '\0')) {
        nqm_say(stderr, "nqmtop: %s: '%s' is not a whole number", name, v);
        return -1;
    }
    return 0;
}

/* Without --shard, a Slurm job array's task is the shard: task IDs MIN,
 * MIN + STEP, ... are shards 1, 2, ... of COUNT. Said on stderr. */
static int slurm_shard(const cli_options *o, nqm_sweep_spec *spec)
{
    const char *const *v = o->env.slurm;
    long id, count, min, step;
    if (o->shard_given || o->merge || !v[0] || !v[1])
        return 0;
    if (slurm_number("SLURM_ARRAY_TASK_ID", v[0], &id) != 0 ||
        slurm_number("SLURM_ARRAY_TASK_COUNT", v[1], &count) != 0 ||
        slurm_number("SLURM_ARRAY_TASK_MIN", v[2], &min) != 0 ||
        slurm_number("SLURM_ARRAY_TASK_STEP", v[3], &step) != 0)
        return -1;
    step = step > 0 ? step : 1;
    char shard[64];
    snprintf(shard, sizeof shard, "%ld/%ld", (id - min) / step + 1, count);
    if (id < min || (id - min) % step != 0 || (id - min) / step >= count ||
        parse_shard("Slurm job array", shard, spec) != 0) {
        nqm_say(stderr,
                "nqmtop: SLURM_ARRAY_TASK_ID=%s does not fit the array (COUNT %s, MIN %s, "
                "STEP %s)",
                v[0], v[1], v[2] ? v[2] : "0", v[3] ? v[3] : "1");
        return -1;
    }
    nqm_say(stderr, "nqmtop: shard %s from SLURM_ARRAY_TASK_ID=%s, SLURM_ARRAY_TASK_COUNT=%s",
            shard, v[0], v[1]);
    return 0;
}

/* A sweep with --batch: records as results complete, stdout line by line. */
static int run_sweep_batch(const cli_options *o, const nqm_config *cfg)
{
    nqm_sweep_spec spec = sweep_spec(o, cfg);
    if (slurm_shard(o, &spec) != 0)
        return EXIT_USAGE;
    nqm_provenance prov = provenance();
    nqm_sweep_output opt = {NQM_FORMAT_TSV, o->summary,   o->force, isatty(STDERR_FILENO),
                            o->plot,        o->plot_size, &prov,    o->per_seed || spec.shards > 0,
                            o->inputs,      o->ninputs,   o->merge};
    if (o->format)
        opt.format = (nqm_format)nqm_format_parse(o->format);
    int rc = nqm_sweep_batch(cfg, &spec, &opt, stdout, stderr);
    if (fclose(stdout) != 0 && rc == 0) {
        fputs("nqmtop: writing the records failed\n", stderr);
        rc = 1;
    }
    return rc;
}

static int need_terminal(void)
{
    if (isatty(STDOUT_FILENO))
        return 0;
    fputs("nqmtop: stdout is not a terminal; the interactive UI needs one "
          "(use --batch for headless output)\n",
          stderr);
    return EXIT_USAGE;
}

/* The file --record writes: a new one, or with --force a regular file. */
static FILE *open_record(const char *path, int force)
{
    char err[4400];
    FILE *f = nqm_file_open(path, force, "--record", err, sizeof err);
    if (!f)
        nqm_say(stderr, "nqmtop: %s", err);
    return f;
}

/* Whether the command line gave the run's length: --steps, or a --set
 * of the key steps. */
static int length_given(const cli_options *o)
{
    for (int i = 0; i < o->nsets; i++) {
        const char *p = o->sets[i] + strspn(o->sets[i], " \t");
        if (strncmp(p, "steps", 5) == 0 && p[5 + strspn(p + 5, " \t")] == '=')
            return 1;
    }
    return o->steps >= 0;
}

/* The interactive UI, recording the session when asked to, its figure
 * written on quitting with --plot. */
static int run_ui(const cli_options *o, const nqm_config *cfg, nqm_ui_options ui)
{
    char err[4400];
    if (o->plot && nqm_output_check("--plot", o->plot, o->force, err, sizeof err) != 0) {
        nqm_say(stderr, "nqmtop: %s", err);
        return EXIT_USAGE;
    }
    nqm_provenance prov = provenance();
    ui.session.provenance = &prov;
    ui.session.plot = o->plot;
    ui.session.plot_size = o->plot_size;
    ui.session.force = o->force;
    ui.session.fixed_length = !o->demo && !o->replay && length_given(o);
    if (o->record && !(ui.session.record = open_record(o->record, o->force)))
        return EXIT_USAGE;
    setlocale(LC_CTYPE, "");
    int rc = nqm_ui_run(cfg, &ui);
    if (ui.session.record && fclose(ui.session.record) != 0 && rc == 0) {
        fputs("nqmtop: writing the recording failed\n", stderr);
        rc = 1;
    }
    return rc;
}

/* --demo and --replay: the runs come from the script or the recording,
 * which are read (and any mistake reported) before the terminal is asked
 * for. */
static int run_teaching(const cli_options *o)
{
    char err[2048];
    nqm_demo demo;
    nqm_recording rec;
    nqm_ui_options ui = o->ui;
    int bad = o->demo ? nqm_demo_load(&o->env.places, o->demo, &demo, err, sizeof err)
                      : nqm_recording_load(o->replay, &rec, err, sizeof err);
    if (bad) {
        nqm_say(stderr, "%s", err);
        return EXIT_USAGE;
    }
    for (int i = 0; o->demo && i < demo.nscenes; i++) {
        demo.scenes[i].cfg.threads = o->env.threads;
        demo.scenes[i].cfg.stop = nqm_ui_stop_flag();
    }
    for (int i = 0; !o->demo && i < rec.nconfigs; i++) {
        rec.configs[i].threads = o->env.threads;
        rec.configs[i].stop = nqm_ui_stop_flag();
    }
    ui.session.demo = o->demo ? &demo : NULL;
    ui.session.replay = o->demo ? NULL : &rec;
    int rc = need_terminal();
    if (rc == 0)
        rc = run_ui(o, o->demo ? &demo.scenes[0].cfg : &rec.configs[0], ui);
    if (o->demo)
        nqm_demo_free(&demo);
    else
        nqm_recording_free(&rec);
    return rc;
}

static int run(const cli_options *o)
{
    if (o->demo || o->replay)
        return run_teaching(o);
    if (!o->batch && need_terminal() != 0)
        return EXIT_USAGE;
    nqm_config cfg;
    int rc = resolve(o, o->preset, &cfg);
    if (rc != 0)
        return rc;
    if (o->batch && o->sweeping) {
        rc = run_sweep_batch(o, &cfg);
    } else if (o->sweeping) {
        nqm_sweep_spec spec = sweep_spec(o, &cfg);
        nqm_provenance prov = provenance();
        nqm_ui_options ui = o->ui;
        ui.session.provenance = &prov;
        ui.session.plot_size = o->plot_size;
        rc = nqm_ui_sweep(&cfg, &spec, &ui);
    } else if ((rc = check_memory(&cfg)) == 0) {
        warn_slow(&cfg);
        rc = o->batch ? run_batch(o, &cfg) : run_ui(o, &cfg, o->ui);
    }
    nqm_config_free(&cfg);
    return rc;
}

/* The status of a command that only prints, once what it printed is out:
 * a full disk or a closed pipe is a failure (1), not silence. */
static int printed(int rc)
{
    if (fclose(stdout) != 0 && rc == 0) {
        nqm_say(stderr, "nqmtop: writing the output failed: %s", strerror(errno));
        return 1;
    }
    return rc;
}

static int dispatch(const cli_options *o)
{
    if (o->help) {
        print_help(stdout);
        return printed(0);
    }
    if (o->version) {
        print_version();
        return printed(0);
    }
    if (o->list)
        return printed(list_presets(o));
    if (o->list_demos)
        return printed(list_demos(o));
    if (o->complete)
        return printed(complete(o, o->complete));
    if (o->show)
        return printed(show_preset(o));
    return run(o);
}

int main(int argc, char **argv)
{
    cli_options o;
    memset(&o, 0, sizeof o);
    o.sets = malloc((size_t)argc * sizeof *o.sets);
    if (!o.sets) {
        fputs("nqmtop: out of memory\n", stderr);
        return 1;
    }
    int rc = parse_args(argc, argv, &o);
    rc = rc == 0 ? dispatch(&o) : rc > 0 ? rc : EXIT_USAGE;
    free(o.sets);
    if (address_space_limit() > 0) {
        /* OpenBLAS's threads may be retrying a failed mmap of their
         * buffers for ever (the limit leaves no room for them), and exit()
         * would wait for them: end without the libraries' destructors.
         * (AddressSanitizer, whose leak check that would skip, cannot run
         * under such a limit.) */
        fflush(NULL);
        _exit(rc);
    }
    return rc;
}
