/* files.c: whole files written under a temporary name, synced, then named;
 * the temporary file removed when a signal ends the process, and those of
 * processes that were killed removed by the next write (see files.h). */
#include "nqmtop/base/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void nqm_dir_of(const char *path, char *dir, size_t dirlen)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, dirlen, ".");
    else if (slash == path)
        snprintf(dir, dirlen, "/");
    else
        snprintf(dir, dirlen, "%.*s", (int)(slash - path), path);
}

/* The temporary file being written now, for nqm_file_abandon: its path is
 * complete before the flag says so. One at a time: the main thread writes. */
static char active_tmp[4200];
static volatile sig_atomic_t active;

void nqm_file_abandon(void)
{
    if (active)
        unlink(active_tmp);
}

static void track(const char *tmp)
{
    active = 0;
    if (tmp && strlen(tmp) < sizeof active_tmp) {
        memcpy(active_tmp, tmp, strlen(tmp) + 1);
        active = 1;
    }
}

/* The process a temporary file's name says wrote it ("PREFIX<pid>-..."),
 * 0 when the name is not one of ours. */
static long temp_owner(const char *name)
{
    size_t n = strlen(NQM_TEMP_PREFIX);
    if (strncmp(name, NQM_TEMP_PREFIX, n) != 0)
        return 0;
    char *end;
    long pid = strtol(name + n, &end, 10);
    return pid > 0 && *end == '-' ? pid : 0;
}

/* Remove from dir the temporary files of nqmtop processes that have ended
 * without removing them (killed while writing); regular files only. */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct stat sb;
    for (struct dirent *e; (e = readdir(d));) {
        long pid = temp_owner(e->d_name);
        if (pid == 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode))
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

/* The content in a fresh temporary file in dir, synced; its path into
 * tmp. 0, or -1 with err set (and nothing left). */
static int write_temp(const char *dir, const char *target, const char *what, nqm_content_fn content,
                      const void *ctx, char *tmp, size_t tmplen, char *err, size_t errlen)
{
    if ((size_t)snprintf(tmp, tmplen, "%s/" NQM_TEMP_PREFIX "%ld-XXXXXX", dir, (long)getpid()) >=
        tmplen) {
        snprintf(err, errlen, "%s: the folder name %.60s... is too long", what, dir);
        return -1;
    }
    remove_stale(dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create a file in %s: %s", what, dir, strerror(errno));
        return -1;
    }
    track(tmp);
    FILE *f = fdopen(fd, "w");
    int ok = f && fchmod(fd, 0644) == 0 && content(f, ctx) == 0 && fflush(f) == 0 && !ferror(f) &&
             fsync(fd) == 0;
    int saved = errno;
    if (f ? fclose(f) != 0 : close(fd) != 0)
        ok = 0;
    if (!ok) {
        snprintf(err, errlen, "%s: writing %s failed: %s", what, target,
                 saved ? strerror(saved) : "the content could not be written");
        unlink(tmp);
        track(NULL);
        return -1;
    }
    return 0;
}

/* Give the temporary file the name path when that name is free: 0, 1 when
 * it is taken, -1 on another error (errno set). */
static int claim(const char *tmp, const char *path)
{
    if (link(tmp, path) == 0)
        return 0;
    if (errno == EEXIST)
        return 1;
    if (errno != EPERM && errno != ENOSYS && errno != EOPNOTSUPP)
        return -1;
    /* No hard links here: reserve the name exclusively, then move onto it. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return errno == EEXIST ? 1 : -1;
    close(fd);
    return rename(tmp, path) == 0 ? 0 : -1;
}

/* What kind of thing the mode of a file that is not regular says it is. */
static const char *kind_of(mode_t mode)
{
    return S_ISDIR(mode)    ? "a directory"
           : S_ISLNK(mode)  ? "a symbolic link"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISSOCK(mode) ? "a socket"
                            : "a device";
}

int nqm_file_target_check(const char *path, int force, const char *what, char *err, size_t errlen)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s: %s", what, path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "%s: %s is %s; only a regular file is ever replaced", what, path,
                 kind_of(sb.st_mode));
        return -1;
    }
    if (!force) {
        snprintf(err, errlen, "%s: %s exists; use --force to replace it", what, path);
        return -1;
    }
    return 0;
}

FILE *nqm_file_open(const char *path, int force, const char *what, char *err, size_t errlen)
{
    if (nqm_file_target_check(path, force, what, err, errlen) != 0)
        return NULL;
    int fd = open(
        path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (force ? O_TRUNC : O_EXCL),
        0644);
    struct stat sb;
    int regular = fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
    FILE *f = regular && fcntl(fd, F_SETFL, 0) == 0 ? fdopen(fd, "w") : NULL;
    if (f)
        return f;
    if (fd < 0 && errno == EEXIST)
        snprintf(err, errlen, "%s: %s exists; use --force to replace it", what, path);
    else if (fd >= 0 && !regular)
        snprintf(err, errlen, "%s: %s is not a regular file", what, path);
    else
        snprintf(err, errlen, "%s: cannot create %s: %s", what, path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return NULL;
}

int nqm_file_write(const char *path, int force, const char *what, nqm_content_fn content,
                   const void *ctx, char *err, size_t errlen)
{
    char dir[4096], tmp[4200];
    nqm_dir_of(path, dir, sizeof dir);
    if (nqm_file_target_check(path, force, what, err, errlen) != 0 ||
        write_temp(dir, path, what, content, ctx, tmp, sizeof tmp, err, errlen) != 0)
        return -1;
    /* Checked again: the writing took time, and rename would replace anything. */
    int rc = nqm_file_target_check(path, force, what, err, errlen) != 0 ? 2
             : force                                                    ? rename(tmp, path)
                                                                        : claim(tmp, path);
    int saved = errno;
    unlink(tmp); /* harmless when rename moved it */
    track(NULL);
    if (rc == 2)
        return -1;
    if (rc == 0)
        return 0;
    if (rc > 0)
        snprintf(err, errlen, "%s: %s: %s (use --force to replace it)", what, path,
                 strerror(EEXIST));
    else
        snprintf(err, errlen, "%s: %s: %s", what, path, strerror(saved));
    return -1;
}

int nqm_file_write_new(const char *dir, int attempts, nqm_name_fn name, const void *name_ctx,
                       const char *what, nqm_content_fn content, const void *ctx, char *path,
                       size_t pathlen, char *err, size_t errlen)
{
    char tmp[4200], file[256] = "";
    if (write_temp(dir, dir, what, content, ctx, tmp, sizeof tmp, err, errlen) != 0)
        return -1;
    for (int k = 1; k <= attempts; k++) {
        if (name(k, file, sizeof file, name_ctx) != 0 ||
            (size_t)snprintf(path, pathlen, "%s/%s", dir, file) >= pathlen) {
            snprintf(err, errlen, "%s: the file name is too long", what);
            break;
        }
        int rc = claim(tmp, path);
        if (rc == 0) {
            unlink(tmp);
            track(NULL);
            return 0;
        }
        if (rc < 0) {
            snprintf(err, errlen, "%s: cannot create %s: %s", what, path, strerror(errno));
            break;
        }
        if (k == attempts)
            snprintf(err, errlen, "%s: %d names for %s taken", what, attempts, file);
    }
    unlink(tmp);
    track(NULL);
    return -1;
}
