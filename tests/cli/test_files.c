/* test_files.c: the file helpers every writer and reader goes through
 * (base/files.c, base/textfile.c): what --force may replace, the stream a
 * recording is written to, inputs that are not regular files, the
 * escaping of messages, and temporary files left by signals. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/check.h"
#include "nqmtop/base/files.h"
#include "nqmtop/base/textfile.h"

static char dir[] = "/tmp/nqmtop-files-XXXXXX";

static const char *at(const char *name)
{
    static char path[4][256];
    static int next;
    next = (next + 1) % 4;
    snprintf(path[next], sizeof path[next], "%s/%s", dir, name);
    return path[next];
}

static void put(const char *name, const char *text)
{
    FILE *f = fopen(at(name), "w");
    fputs(text, f);
    fclose(f);
}

static int holds(const char *name, const char *text)
{
    char buf[256] = "";
    FILE *f = fopen(at(name), "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strcmp(buf, text) == 0;
}

static int write_hello(FILE *f, const void *ctx)
{
    (void)ctx;
    return fputs("hello\n", f) < 0 ? -1 : 0;
}

/* --force replaces a regular file, never a link, a FIFO or a folder. */
static void check_targets(void)
{
    char err[512];
    put("target", "keep\n");
    CHECK(symlink(at("target"), at("link")) == 0, "symlink: %s", strerror(errno));
    CHECK(mkfifo(at("fifo"), 0644) == 0, "mkfifo: %s", strerror(errno));
    CHECK(mkdir(at("folder"), 0755) == 0, "mkdir: %s", strerror(errno));
    const char *refused[] = {"link", "fifo", "folder"};
    for (int i = 0; i < 3; i++) {
        CHECK(nqm_file_write(at(refused[i]), 1, "--summary", write_hello, NULL, err, sizeof err) !=
                  0,
              "--summary --force replaced %s", refused[i]);
        CHECK(strstr(err, "only a regular file is ever replaced") != NULL, "%s: %s", refused[i],
              err);
        FILE *f = nqm_file_open(at(refused[i]), 1, "--record", err, sizeof err);
        CHECK(f == NULL, "--record --force opened %s", refused[i]);
        if (f)
            fclose(f);
    }
    CHECK(holds("target", "keep\n"), "the link's target was written through");
    struct stat sb;
    CHECK(lstat(at("link"), &sb) == 0 && S_ISLNK(sb.st_mode), "the link was replaced");
    CHECK(lstat(at("fifo"), &sb) == 0 && S_ISFIFO(sb.st_mode), "the FIFO was replaced");

    FILE *f = nqm_file_open(at("target"), 0, "--record", err, sizeof err);
    CHECK(f == NULL && strstr(err, "exists; use --force") != NULL, "--record over a file: %s", err);
    f = nqm_file_open(at("target"), 1, "--record", err, sizeof err);
    CHECK(f != NULL, "--record --force over a regular file: %s", err);
    if (f) {
        fputs("new\n", f);
        fclose(f);
    }
    CHECK(holds("target", "new\n"), "--record --force did not truncate the file");
    CHECK(nqm_file_write(at("target"), 1, "--summary", write_hello, NULL, err, sizeof err) == 0,
          "--summary --force over a regular file: %s", err);
    CHECK(holds("target", "hello\n"), "--summary --force did not replace the file");
}

/* A FIFO, a device or a folder is refused before anything is read. */
static void check_inputs(void)
{
    char err[512], *text;
    size_t len;
    const char *paths[] = {at("fifo"), "/dev/zero", at("folder")};
    for (int i = 0; i < 3; i++) {
        int rc = nqm_text_read(paths[i], "preset", 1 << 20, &text, &len, err, sizeof err);
        CHECK(rc != 0, "%s was read", paths[i]);
        if (rc == 0)
            free(text);
        CHECK(strstr(err, "not a preset") != NULL, "%s: %s", paths[i], err);
    }
}

/* Control characters and bytes that are not UTF-8 come out as \xNN. */
static void check_escape(void)
{
    char out[64];
    nqm_escape("a\033]0;x\007b\tc\nd", out, sizeof out);
    CHECK(strcmp(out, "a\\x1b]0;x\\x07b\\x09c\\x0ad") == 0, "%s", out);
    nqm_escape("\xc3\xa9 \xc3 \xc2\x85", out, sizeof out); /* é, half of é, C1 NEL */
    CHECK(strcmp(out, "\xc3\xa9 \\xc3 \\xc2\\x85") == 0, "%s", out);
    nqm_escape("\033\033\033\033", out, 8); /* never half an escape */
    CHECK(strcmp(out, "\\x1b") == 0, "%s", out);
}

/* Files in dir whose names start with the temporary prefix. */
static int temporaries(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, NQM_TEMP_PREFIX, strlen(NQM_TEMP_PREFIX)) == 0;
    if (d)
        closedir(d);
    return n;
}

static void end_on_term(int sig)
{
    nqm_file_abandon();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int terminate_midway(FILE *f, const void *ctx)
{
    (void)ctx;
    fputs("half", f);
    fflush(f);
    raise(SIGTERM);
    return 0;
}

/* SIGTERM while a file is written: the handler a front end installs
 * removes the temporary file. */
static void check_signal_cleanup(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char err[512];
        signal(SIGTERM, end_on_term);
        nqm_file_write(at("summary.json"), 0, "--summary", terminate_midway, NULL, err, sizeof err);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
          "the writer was not ended by SIGTERM");
    CHECK(temporaries() == 0, "%d temporary files left after SIGTERM", temporaries());
    CHECK(access(at("summary.json"), F_OK) != 0, "half a summary was named");
}

/* A temporary file of a process that is gone is removed by the next
 * write; one of a live process stays. */
static void check_stale(void)
{
    char err[512], name[128];
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    snprintf(name, sizeof name, NQM_TEMP_PREFIX "%ld-AbCdEf", (long)dead);
    put(name, "stale");
    char live[128];
    snprintf(live, sizeof live, NQM_TEMP_PREFIX "%ld-AbCdEf", (long)getppid());
    put(live, "live");
    CHECK(nqm_file_write(at("next.json"), 0, "--summary", write_hello, NULL, err, sizeof err) == 0,
          "%s", err);
    CHECK(access(at(name), F_OK) != 0, "the temporary file of ended process %ld stayed",
          (long)dead);
    CHECK(access(at(live), F_OK) == 0, "the temporary file of live process %ld was removed",
          (long)getppid());
    unlink(at(live));
    unlink(at("next.json"));
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
    check_targets();
    check_inputs();
    check_escape();
    check_signal_cleanup();
    check_stale();
    const char *names[] = {"target", "link", "fifo"};
    for (int i = 0; i < 3; i++)
        unlink(at(names[i]));
    rmdir(at("folder"));
    rmdir(dir);
    return check_report("test_files");
}
